/* import_docx — a Word article (.docx) as an article of the issue source.
 *
 * pandoc reads the .docx and writes GitHub Markdown (its plain Markdown turns tables into
 * a fake article and “” into "), with the pictures extracted. What pandoc cannot know
 * about the house source is done here, on its output, line by line:
 *   - headings: the document's top level (its title, or Heading 1) becomes the article
 *     (##), deeper levels the headings inside it (###…);
 *   - pictures: <img src=… style="width:…"> (how pandoc writes a sized picture in GFM)
 *     and ![…](…){width=…} become figures ![caption](figures/name.png), the picture moved
 *     into the issue's figures/ and the caption taken from its alt text or from the
 *     caption paragraph Word puts below it; the size Word gave is reported, as the
 *     layout sets every figure to the column;
 *   - typography, in Chinese text: straight quotes → “ ” ‘ ’, -- or ------ → ——,
 *     ... and a lone … → …… (GB/T 15834);
 *   - <u> and <span> (formatting the house style does not use) are dropped, their text
 *     kept.
 * Code, HTML tags and link targets are left as they are. */
#include "layout/import/import.h"
#include "layout/import/import_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "layout/base/fileio.h"
#include "layout/base/path.h"
#include "layout/base/vec.h"

extern char **environ;

/* Inches, points and CSS pixels to centimetres, for the sizes Word gave (physics). */
#define IMP_CM_PER_IN 2.54
#define IMP_CM_PER_PT (2.54 / 72.0)
#define IMP_PX_PER_IN 96.0

/* Pictures of one name in figures/ before giving up: name.png, name-2.png, … */
#define IMP_FIG_COPIES 99

/* Bytes an HTML tag, a link target, an alt text or an attribute list may take: real ones
 * are far shorter, and the bound keeps a line full of unclosed ones linear. */
#define IMP_SPAN_MAX 4096

/* The template pandoc fills: the document's title (Word's Title style, which pandoc
 * keeps as metadata) as a top heading before the body. */
static const char imp_docx_template[] = "$if(title)$\n# $title$\n\n$endif$\n$body$\n";

/* ===================== running pandoc ===================== */

/* Reads what fd gives until its end into a string (caller frees); NULL when memory runs
 * out. */
static char *imp_read_fd(int fd)
{
    strbuf b = { 0 };
    char tmp[4096];
    for (;;) {
        ssize_t k = read(fd, tmp, sizeof tmp);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        strbuf_add(&b, tmp, (size_t)k);
    }
    return strbuf_take(&b);
}

/* pandoc DOCX -f docx -t gfm, its pictures extracted under media, the Markdown written to
 * out. 0, or -1 with an error reported: pandoc missing (with the command that installs
 * it), or its own message. */
static int imp_pandoc(const char *docx, const char *media, const char *tmpl, const char *out, diag *d)
{
    char *extract = strbuf_format("--extract-media=%s", media);
    char *templ = strbuf_format("--template=%s", tmpl);
    int pipefd[2] = { -1, -1 };
    if (!extract || !templ || pipe(pipefd) != 0) {
        diag_error(d, docx, 0, 0, "cannot run pandoc: %s", strerror(errno ? errno : ENOMEM));
        free(extract);
        free(templ);
        return -1;
    }
    char *argv[] = { "pandoc", "--from=docx", "--to=gfm", "--wrap=none", "--standalone", templ, extract,
                     "--output", (char *)out, "--", (char *)docx, NULL };
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, pipefd[1], 2);
    posix_spawn_file_actions_addclose(&fa, pipefd[0]);
    pid_t pid;
    int rc = posix_spawnp(&pid, "pandoc", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(pipefd[1]);
    free(extract);
    free(templ);
    if (rc != 0) {
        close(pipefd[0]);
        if (rc == ENOENT)
            diag_error(d, docx, 0, 0,
                       "reading Word files needs pandoc, which is not installed; install it with: "
                       "sudo apt-get install pandoc");
        else
            diag_error(d, docx, 0, 0, "cannot run pandoc: %s", strerror(rc));
        return -1;
    }
    char *err = imp_read_fd(pipefd[0]);
    close(pipefd[0]);
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    int ok = WIFEXITED(st) && WEXITSTATUS(st) == 0;
    if (!ok) {
        /* pandoc's own words, without its trailing newline */
        size_t n = err ? strlen(err) : 0;
        while (n > 0 && (err[n - 1] == '\n' || err[n - 1] == '\r'))
            err[--n] = 0;
        diag_error(d, docx, 0, 0, "pandoc could not read it as a Word file (.docx): %s",
                   err && *err ? err : "no reason given");
    }
    free(err);
    return ok ? 0 : -1;
}

/* ===================== typography ===================== */

/* Characters that make the text around a mark Chinese: Han, CJK and full-width
 * punctuation, Chinese quotes, dashes and ellipsis. */
static bool imp_cjk(uint32_t u)
{
    return imp_is_han(u) || (u >= 0x3000 && u <= 0x303F) || (u >= 0xFF00 && u <= 0xFFEF) ||
           (u >= 0x2018 && u <= 0x201D) || u == 0x2014 || u == 0x2026;
}

/* The first c in s[i..n), looked for over at most IMP_SPAN_MAX bytes; NULL when none. */
static const char *imp_find_near(const char *s, size_t n, size_t i, char c)
{
    return memchr(s + i, c, n - i < IMP_SPAN_MAX ? n - i : IMP_SPAN_MAX);
}

/* Length of the part of s at i that typography leaves alone: a code span, an HTML tag or
 * autolink, a link target "](…)"; 0 when s[i] starts plain text. */
static size_t imp_opaque(const char *s, size_t n, size_t i)
{
    if (s[i] == '`') {
        size_t run = 0;
        while (i + run < n && s[i + run] == '`')
            run++;
        for (size_t k = i + run; k + run <= n; k++) {
            size_t r = 0;
            while (k + r < n && s[k + r] == '`')
                r++;
            if (r == run)
                return k + r - i;
            k += r;
        }
        return run;
    }
    if (s[i] == '<' && i + 1 < n &&
        (s[i + 1] == '/' || s[i + 1] == '!' || ((s[i + 1] | 0x20) >= 'a' && (s[i + 1] | 0x20) <= 'z'))) {
        const char *e = imp_find_near(s, n, i, '>');
        return e ? (size_t)(e - (s + i)) + 1 : 0;
    }
    if (s[i] == ']' && i + 1 < n && s[i + 1] == '(') {
        const char *e = imp_find_near(s, n, i, ')');
        return e ? (size_t)(e - (s + i)) + 1 : 0;
    }
    if (s[i] == '\\' && i + 1 < n) {
        size_t j = i + 1;
        imp_next(s, n, &j);
        return j - i;     /* an escaped character, whole */
    }
    return 0;
}

/* The character before offset i and the one at offset j of s, 0 at the ends. */
static uint32_t imp_before(const char *s, size_t i)
{
    return utf8_prev(s, &i);
}

static uint32_t imp_at(const char *s, size_t n, size_t j)
{
    return imp_next(s, n, &j);
}

/* Whether the text from a to b (a pair of quotes at a and b) is Chinese: Han inside, or
 * Chinese right outside. */
static bool imp_cjk_pair(const char *s, size_t n, size_t a, size_t b)
{
    if (imp_cjk(imp_before(s, a)) || imp_cjk(imp_at(s, n, b + 1)))
        return true;
    for (size_t i = a + 1; i < b;)
        if (imp_cjk(imp_next(s, b, &i)))
            return true;
    return false;
}

/* Marks the straight quotes q of s that pair up in Chinese text: kind[i] = 1 opening,
 * 2 closing. Apostrophes (a ' between two Latin letters) take no part. */
static void imp_pair_quotes(const char *s, size_t n, char q, unsigned char *kind)
{
    size_t open = SIZE_MAX;
    for (size_t i = 0; i < n;) {
        size_t skip = imp_opaque(s, n, i);
        if (skip) {
            i += skip;
            continue;
        }
        if (s[i] == q && !(q == '\'' && imp_is_latin(imp_before(s, i)) && imp_is_latin(imp_at(s, n, i + 1)))) {
            if (open == SIZE_MAX) {
                open = i;
            } else {
                if (imp_cjk_pair(s, n, open, i))
                    kind[open] = 1, kind[i] = 2;
                open = SIZE_MAX;
            }
        }
        i++;
    }
}

/* The marks whose runs the typography rewrites. */
static const char *const imp_runs[] = { "-", ".", "。", "—", "…" };

/* Whether s[i..n) starts with lit. */
static bool imp_has(const char *s, size_t n, size_t i, const char *lit)
{
    size_t k = strlen(lit);
    return i <= n && k <= n - i && memcmp(s + i, lit, k) == 0;
}

void imp_typeset_line(const char *s, size_t n, strbuf *o)
{
    unsigned char *dq = calloc(n + 1, 1), *sq = calloc(n + 1, 1);
    if (!dq || !sq) {
        free(dq);
        free(sq);
        o->oom = true;
        return;
    }
    imp_pair_quotes(s, n, '"', dq);
    imp_pair_quotes(s, n, '\'', sq);
    for (size_t i = 0; i < n;) {
        size_t skip = imp_opaque(s, n, i);
        if (skip) {
            strbuf_add(o, s + i, skip);
            i += skip;
            continue;
        }
        uint32_t before = imp_before(s, i);
        if (dq[i] || sq[i]) {
            strbuf_str(o, dq[i] == 1 ? "“" : dq[i] == 2 ? "”" : sq[i] == 1 ? "‘" : "’");
            i++;
            continue;
        }
        /* a run of hyphens, dots, 。, em dashes or ellipses: k of them up to j */
        const char *unit = NULL;
        for (size_t u = 0; u < sizeof imp_runs / sizeof *imp_runs && !unit; u++)
            unit = imp_has(s, n, i, imp_runs[u]) ? imp_runs[u] : NULL;
        size_t j = i, k = 0;
        while (unit && imp_has(s, n, j, unit))
            j += strlen(unit), k++;
        bool cjk = unit && (imp_cjk(before) || imp_cjk(imp_at(s, n, j)));
        if (cjk && ((*unit == '-' && k >= 2) || (*unit == '.' && k >= 3) || (strcmp(unit, "。") == 0 && k >= 3))) {
            strbuf_str(o, *unit == '-' ? "——" : "……");
            i = j;
            continue;
        }
        /* a lone — or … between Chinese text: the Chinese dash and ellipsis are two */
        if (cjk && k == 1 && (strcmp(unit, "—") == 0 || strcmp(unit, "…") == 0)) {
            strbuf_str(o, strcmp(unit, "—") == 0 ? "——" : "……");
            i = j;
            continue;
        }
        if (unit) {
            strbuf_add(o, s + i, j - i);
            i = j;
            continue;
        }
        strbuf_chr(o, s[i++]);
    }
    free(dq);
    free(sq);
}

/* ===================== pictures ===================== */


typedef struct {
    int line;                 /* of the article */
    bool check;               /* a place to check, else a notice */
    char *msg;
} imp_dmsg;

typedef struct {
    char *src;                /* as pandoc wrote it (under the media directory) */
    char *name;               /* its name in figures/ */
} imp_media;

typedef struct {
    const char *media;        /* where pandoc extracted the pictures */
    const char *figdir;       /* the issue's figures/ */
    const char *stem;         /* the .docx's name, a prefix of the pictures' names */
    imp_media *pic;
    size_t npic, cappic;
    imp_dmsg *msg;
    size_t nmsg, capmsg;
    diag *d;
    bool failed;              /* out of memory, or an error reported */
} imp_docx;

static void imp_dmsg_add(imp_docx *x, int line, bool check, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void imp_dmsg_add(imp_docx *x, int line, bool check, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = imp_vformat(fmt, ap);
    va_end(ap);
    if (!msg || !VEC_PUSH_ROOM(x->msg, x->capmsg, x->nmsg)) {
        free(msg);
        x->failed = true;
        return;
    }
    x->msg[x->nmsg++] = (imp_dmsg){ line, check, msg };
}

/* The value of attribute name in the tag t[0..n) (HTML-decoded: &quot; &amp; &lt; &gt;
 * &#39;), or NULL (caller frees). */
static char *imp_attr(const char *t, size_t n, const char *name)
{
    static const char *const ent[][2] = { { "&quot;", "\"" }, { "&amp;", "&" }, { "&lt;", "<" },
                                         { "&gt;", ">" }, { "&#39;", "'" } };
    size_t ln = strlen(name);
    for (size_t i = 1; i + ln + 2 < n; i++) {
        if (t[i - 1] != ' ' || strncmp(t + i, name, ln) != 0 || t[i + ln] != '=' || t[i + ln + 1] != '"')
            continue;
        const char *v = t + i + ln + 2, *e = memchr(v, '"', n - (size_t)(v - t));
        if (!e)
            return NULL;
        strbuf b = { 0 };
        strbuf_add(&b, "", 0);
        for (const char *p = v; p < e;) {
            size_t k = 0;
            while (k < 5 && !((size_t)(e - p) >= strlen(ent[k][0]) && strncmp(p, ent[k][0], strlen(ent[k][0])) == 0))
                k++;
            if (k < 5) {
                strbuf_str(&b, ent[k][1]);
                p += strlen(ent[k][0]);
            } else {
                strbuf_chr(&b, *p++);
            }
        }
        return strbuf_take(&b);
    }
    return NULL;
}

/* "width:3.14961in" (or cm, mm, pt, px at 96 per inch) in a style attribute, in cm; 0
 * when none. */
static double imp_width_cm(const char *style)
{
    const char *w = style ? strstr(style, "width:") : NULL;
    if (!w)
        return 0;
    char *end;
    double v = strtod(w + 6, &end);
    return strncmp(end, "in", 2) == 0   ? v * IMP_CM_PER_IN
           : strncmp(end, "cm", 2) == 0 ? v
           : strncmp(end, "mm", 2) == 0 ? v / 10
           : strncmp(end, "pt", 2) == 0 ? v * IMP_CM_PER_PT
           : strncmp(end, "px", 2) == 0 ? v / IMP_PX_PER_IN * IMP_CM_PER_IN
                                        : 0;
}

/* A picture in a line: its extent [at, at + len), source and alt text (owned), the width
 * Word gave in cm (0: none). */
typedef struct {
    size_t at, len;
    char *src, *alt;
    double cm;
} imp_pic;

static void imp_pic_clear(imp_pic *p)
{
    free(p->src);
    free(p->alt);
    memset(p, 0, sizeof *p);
}

/* <img …> at s[i]: how pandoc writes a picture with a size in GFM. */
static bool imp_html_pic(const char *s, size_t n, size_t i, imp_pic *p)
{
    if (i + 5 > n || strncmp(s + i, "<img", 4) != 0 || (s[i + 4] != ' ' && s[i + 4] != '/'))
        return false;
    const char *e = imp_find_near(s, n, i, '>');
    if (!e)
        return false;
    *p = (imp_pic){ .at = i, .len = (size_t)(e - (s + i)) + 1 };
    p->src = imp_attr(s + i, p->len, "src");
    p->alt = imp_attr(s + i, p->len, "alt");
    char *style = imp_attr(s + i, p->len, "style"), *width = imp_attr(s + i, p->len, "width");
    p->cm = imp_width_cm(style);
    if (p->cm == 0 && width)
        p->cm = strtod(width, NULL) / IMP_PX_PER_IN * IMP_CM_PER_IN;
    free(style);
    free(width);
    return true;
}

/* ![alt](src) at s[i], with pandoc's {width=…} after it when there is one. */
static bool imp_md_pic(const char *s, size_t n, size_t i, imp_pic *p)
{
    if (i + 1 >= n || s[i] != '!' || s[i + 1] != '[' || (i > 0 && s[i - 1] == '\\'))
        return false;
    size_t k = i + 2;
    int depth = 1;
    for (; k < n && depth > 0 && k - i < IMP_SPAN_MAX; k++) {
        if (s[k] == '\\')
            k++;
        else if (s[k] == '[' || s[k] == ']')
            depth += s[k] == '[' ? 1 : -1;
    }
    if (depth != 0 || k >= n || s[k] != '(')
        return false;
    const char *e = imp_find_near(s, n, k, ')');
    if (!e)
        return false;
    size_t end = (size_t)(e - s) + 1;
    *p = (imp_pic){ .at = i };
    if (end < n && s[end] == '{') {
        const char *c = imp_find_near(s, n, end, '}');
        if (c) {
            char *attrs = strndup(s + end, (size_t)(c - (s + end)));
            const char *w = attrs ? strstr(attrs, "width=") : NULL;
            char *style = w ? strbuf_format("width:%s", w + 6) : NULL;
            p->cm = imp_width_cm(style);
            free(style);
            free(attrs);
            end = (size_t)(c - s) + 1;
        }
    }
    p->len = end - i;
    p->alt = strndup(s + i + 2, k - 1 - (i + 2));
    const char *src = s + k + 1;
    size_t sn = (size_t)(e - src);
    if (sn >= 2 && src[0] == '<' && src[sn - 1] == '>')
        src++, sn -= 2;
    p->src = strndup(src, sn);
    return true;
}

/* The next picture in s[from..n) outside code spans; false when there is none. */
static bool imp_find_pic(const char *s, size_t n, size_t from, imp_pic *p)
{
    for (size_t i = from; i < n; i++) {
        size_t skip = s[i] == '`' || s[i] == '\\' ? imp_opaque(s, n, i) : 0;
        if (skip) {
            i += skip - 1;
            continue;
        }
        if (imp_html_pic(s, n, i, p) || imp_md_pic(s, n, i, p))
            return true;
    }
    return false;
}

/* A file name for figures/: the .docx's name and the picture's, with what would need
 * escaping in a Markdown link made a hyphen; copy > 1 adds "-copy". */
static char *imp_fig_name(const char *stem, const char *src, int copy)
{
    const char *base = strrchr(src, '/');
    base = base ? base + 1 : src;
    const char *dot = strrchr(base, '.');
    size_t bn = dot ? (size_t)(dot - base) : strlen(base);
    strbuf b = { 0 };
    strbuf_printf(&b, "%s-%.*s", stem, (int)bn, base);
    if (copy > 1)
        strbuf_printf(&b, "-%d", copy);
    strbuf_str(&b, dot ? dot : "");
    for (size_t i = 0; b.p && i < b.n; i++)
        if (strchr(" ()[]<>\"'#%?*\\`", b.p[i]))
            b.p[i] = '-';
    return strbuf_take(&b);
}

/* Whether the file at path is a PNG or a JPEG, the pictures the layout places. */
static bool imp_png_or_jpeg(const char *path)
{
    unsigned char m[8] = { 0 };
    FILE *f = fopen(path, "rb");
    size_t got = f ? fread(m, 1, sizeof m, f) : 0;
    if (f)
        fclose(f);
    return (got == 8 && memcmp(m, "\x89PNG\r\n\x1a\n", 8) == 0) ||
           (got >= 3 && m[0] == 0xFF && m[1] == 0xD8 && m[2] == 0xFF);
}

/* The name in figures/ of a picture pandoc extracted: moved there on first use, under a
 * name no file has yet. "" for a picture that is not one of the extracted files; NULL
 * when it cannot be moved (reported) or memory runs out. */
static const char *imp_place_pic(imp_docx *x, const char *src)
{
    size_t ml = strlen(x->media);
    if (strncmp(src, x->media, ml) != 0 || src[ml] != '/' || strstr(src, "/../"))
        return "";
    for (size_t k = 0; k < x->npic; k++)
        if (strcmp(x->pic[k].src, src) == 0)
            return x->pic[k].name;
    if (!VEC_PUSH_ROOM(x->pic, x->cappic, x->npic))
        return NULL;
    imp_media *m = &x->pic[x->npic];
    *m = (imp_media){ .src = strdup(src) };
    if (!m->src)
        return NULL;
    x->npic++;
    for (int copy = 1; copy <= IMP_FIG_COPIES; copy++) {
        char *name = imp_fig_name(x->stem, src, copy);
        char *dst = name ? strbuf_format("%s/%s", x->figdir, name) : NULL;
        struct stat st;
        bool taken = dst && lstat(dst, &st) == 0;
        if (dst && !taken && rename(src, dst) == 0) {
            free(dst);
            return m->name = name;
        }
        if (dst && !taken) {
            diag_error(x->d, dst, 0, 0, "cannot move the picture %s here: %s", src, strerror(errno));
            x->failed = true;
        }
        free(name);
        free(dst);
        if (!taken)
            return NULL;
    }
    diag_error(x->d, x->figdir, 0, 0, "%d pictures named %s… already: clear some out", IMP_FIG_COPIES, x->stem);
    x->failed = true;
    return NULL;
}

/* The caption of ![caption](…): in the house typography, with what would end or break
 * it escaped. */
static void imp_caption_text(strbuf *o, const char *s)
{
    strbuf t = { 0 };
    imp_typeset_line(s, strlen(s), &t);
    for (size_t i = 0; i < t.n; i++) {
        if (strchr("[]\\`", t.p[i]))
            strbuf_chr(o, '\\');
        strbuf_chr(o, t.p[i]);
    }
    o->oom |= t.oom;
    strbuf_free(&t);
}

/* Whether line l is the caption Word set below a picture: its alt text again, or, when
 * it has none, "图1 …". */
static bool imp_caption_line(const char *l, const char *alt)
{
    size_t n = strlen(l);
    if (alt && *alt)
        return strcmp(l, alt) == 0;
    if (n < 4 || strncmp(l, "图", 3) != 0)
        return false;
    size_t i = 3;
    uint32_t u = imp_next(l, n, &i);
    return imp_is_digit(u) || imp_cp_in(u, IMP_HAN_NUMERALS);
}

/* Writes picture p as a figure ![caption](figures/name), line being its line in the
 * article. */
static void imp_emit_pic(imp_docx *x, const imp_pic *p, const char *caption, strbuf *o, int line)
{
    const char *name = p->src ? imp_place_pic(x, p->src) : "";
    if (!name) {
        x->failed = true;
        return;
    }
    strbuf_str(o, "![");
    imp_caption_text(o, caption ? caption : "");
    strbuf_str(o, "](");
    if (*name) {
        strbuf_printf(o, "figures/%s)", name);
        char *path = strbuf_format("%s/%s", x->figdir, name);
        if (path && !imp_png_or_jpeg(path))
            imp_dmsg_add(x, line, true, "figures/%s is not a PNG or JPEG picture, which the layout needs: "
                         "convert it (convert %s %s.png) and change the path", name, path, path);
        else if (p->cm > 0)
            imp_dmsg_add(x, line, false, "figure figures/%s was %.1f cm wide in Word; the layout sets every "
                         "figure to the column width", name, p->cm);
        free(path);
    } else {
        strbuf_printf(o, "%s)", p->src ? p->src : "");
        imp_dmsg_add(x, line, true, "picture %s is not in the Word file: save it into figures/ and give "
                     "that path", p->src ? p->src : "(no source)");
    }
    if (!caption || !*caption)
        imp_dmsg_add(x, line, true, "figure without a caption: write one between the brackets");
}

/* ===================== the article ===================== */

/* A line that typography must not touch: a thematic break, a table's delimiter row. */
static bool imp_rule_line(const char *s)
{
    bool dash = false;
    for (; *s; s++) {
        if (!strchr("-*_|: \t", *s))
            return false;
        dash |= *s == '-';
    }
    return dash;
}

/* The level of an ATX heading line, 0 when it is none. */
static int imp_heading_level(const char *s)
{
    int k = 0;
    while (s[k] == '#')
        k++;
    return k >= 1 && k <= 6 && (s[k] == 0 || s[k] == ' ') ? k : 0;
}

static bool imp_fence(const char *s)
{
    return strncmp(s, "```", 3) == 0 || strncmp(s, "~~~", 3) == 0;
}

/* Drops <u>, </u>, <span …> and </span> from a line, in place. */
static void imp_drop_tags(char *s)
{
    static const char *const tags[] = { "<u>", "</u>", "<span ", "<span>", "</span>" };
    char *w = s;
    for (const char *r = s; *r;) {
        size_t k = 0;
        while (k < 5 && strncmp(r, tags[k], strlen(tags[k])) != 0)
            k++;
        const char *e = k < 5 ? strchr(r, '>') : NULL;
        if (e) {
            r = e + 1;
            continue;
        }
        *w++ = *r++;
    }
    *w = 0;
}

/* One line with pictures: its text (when any is left), then each picture as a figure
 * paragraph; *line is the line it starts on, moved to its last. A picture's caption is
 * its alt text; the same text on the next line (next), or for a picture alone on its
 * line without alt text a "图1 …" line, is the caption Word set below it: then *used. */
static void imp_pic_line(imp_docx *x, const char *t, const char *next, bool *used, strbuf *o, int *line)
{
    size_t n = strlen(t), from = 0, npic = 0;
    strbuf text = { 0 };
    imp_pic p;
    for (size_t at = 0; imp_find_pic(t, n, at, &p); at = p.at + p.len, imp_pic_clear(&p)) {
        strbuf_add(&text, t + from, p.at - from);
        from = p.at + p.len;
        npic++;
    }
    strbuf_add(&text, t + from, n - from);
    char *tx = strbuf_take(&text);
    bool words = false;
    for (const char *c = tx; c && *c; c++)
        words |= *c != ' ';
    if (words) {
        imp_typeset_line(tx, strlen(tx), o);
        strbuf_str(o, "\n\n");
        *line += 2;
    }
    free(tx);
    size_t k = 0;
    for (size_t at = 0; imp_find_pic(t, n, at, &p); at = p.at + p.len, imp_pic_clear(&p), k++) {
        const char *caption = p.alt && *p.alt ? p.alt : NULL;
        bool alone = npic == 1 && !words;
        if (next && (caption ? imp_caption_line(next, caption) : alone && imp_caption_line(next, NULL))) {
            caption = caption ? caption : next;
            *used = true;
        }
        if (k > 0) {
            strbuf_str(o, "\n\n");
            *line += 2;
        }
        imp_emit_pic(x, &p, caption, o, *line);
    }
}

/* The index of the next non-empty line after i, or nl. */
static size_t imp_next_text(char **lines, size_t nl, size_t i)
{
    while (++i < nl && !lines[i][0]) {
    }
    return i;
}

/* pandoc's GFM as an article of the issue source (see the top). */
static char *imp_docx_article(imp_docx *x, char *md)
{
    /* the lines, split in place */
    char **lines = NULL;
    size_t nl = 0, cap = 0;
    for (char *l = md; l && !x->failed;) {
        if (!VEC_PUSH_ROOM(lines, cap, nl)) {
            x->failed = true;
            break;
        }
        lines[nl++] = l;
        char *e = strchr(l, '\n');
        if (e)
            *e = 0;
        l = e && e[1] ? e + 1 : NULL;
    }
    /* the shallowest heading becomes the article's (##) */
    int top = 7;
    bool code = false;
    for (size_t i = 0; i < nl; i++) {
        code ^= imp_fence(lines[i]);
        if (!code && imp_heading_level(lines[i]) && imp_heading_level(lines[i]) < top)
            top = imp_heading_level(lines[i]);
    }
    strbuf o = { 0 };
    int line = 1;
    bool blank = true;
    code = false;
    for (size_t i = 0; i < nl && !x->failed; i++) {
        char *t = lines[i];
        if (imp_fence(t) || code) {
            code ^= imp_fence(t);
            strbuf_str(&o, t);
            blank = false;
        } else {
            imp_drop_tags(t);
            int level = imp_heading_level(t);
            imp_pic p;
            if (!t[0] && blank)
                continue;     /* one blank line between blocks is enough */
            if (level) {
                for (int k = 0; k < 2 + level - top && k < 6; k++)
                    strbuf_chr(&o, '#');
                imp_typeset_line(t + level, strlen(t + level), &o);
            } else if (imp_find_pic(t, strlen(t), 0, &p)) {
                imp_pic_clear(&p);
                size_t j = imp_next_text(lines, nl, i);
                bool used = false;
                imp_pic_line(x, t, j < nl ? lines[j] : NULL, &used, &o, &line);
                if (used)
                    lines[j][0] = 0;
            } else if (imp_rule_line(t)) {
                strbuf_str(&o, t);
            } else {
                imp_typeset_line(t, strlen(t), &o);
            }
            blank = !t[0];
        }
        strbuf_chr(&o, '\n');
        line++;
    }
    free(lines);
    /* no blank line at the end */
    while (o.n > 1 && o.p[o.n - 1] == '\n' && o.p[o.n - 2] == '\n')
        o.p[--o.n] = 0;
    char *s = strbuf_take(&o);
    if (!s)
        x->failed = true;
    return x->failed ? (free(s), NULL) : s;
}

/* What imp_docx_article allocated. */
static void imp_docx_free(imp_docx *x)
{
    for (size_t k = 0; k < x->npic; k++)
        free(x->pic[k].src), free(x->pic[k].name);
    free(x->pic);
    for (size_t k = 0; k < x->nmsg; k++)
        free(x->msg[k].msg);
    free(x->msg);
}

char *imp_docx_markdown(char *md, const char *media, const char *figdir, const char *stem, int counts[2], diag *d)
{
    imp_docx x = { .media = media, .figdir = figdir, .stem = stem, .d = d };
    char *article = imp_docx_article(&x, md);
    counts[0] = counts[1] = 0;
    for (size_t k = 0; k < x.nmsg; k++)
        counts[x.msg[k].check ? 0 : 1]++;
    imp_docx_free(&x);
    return article;
}

/* ===================== the command ===================== */

/* Removes the temporary directory pandoc worked in, and what is left in it (pictures
 * the article did not use); never follows a link, and goes no deeper than depth. */
static void imp_rmtree(const char *dir, int depth)
{
    DIR *dp = depth > 0 ? opendir(dir) : NULL;
    for (struct dirent *e; dp && (e = readdir(dp)) != NULL;) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *p = strbuf_format("%s/%s", dir, e->d_name);
        struct stat st;
        if (p && lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
            imp_rmtree(p, depth - 1);
        else if (p)
            unlink(p);
        free(p);
    }
    if (dp)
        closedir(dp);
    rmdir(dir);
}

static int imp_dmsg_cmp(const void *a, const void *b)
{
    const imp_dmsg *x = a, *y = b;
    if (x->check != y->check)
        return x->check ? -1 : 1;
    return (x->line > y->line) - (x->line < y->line);
}

/* Reports the messages: at lines of issue.md (article line + offset) when the article
 * went there, else of the article printed. */
static void imp_docx_report(imp_docx *x, const char *docx, const char *issue, int offset, bool verbose,
                            import_counts *n)
{
    qsort(x->msg, x->nmsg, sizeof *x->msg, imp_dmsg_cmp);
    *n = (import_counts){ 0, 0 };
    for (size_t k = 0; k < x->nmsg; k++) {
        imp_dmsg *m = &x->msg[k];
        if (m->check)
            n->check++;
        else
            n->notices++;
        if (!m->check && !verbose)
            continue;
        if (issue) {
            (m->check ? diag_warning : diag_notice)(x->d, issue, m->line + offset, 1, "%s", m->msg);
        } else if (m->check) {
            diag_warning(x->d, docx, 0, 0, "line %d of the article: %s", m->line, m->msg);
        } else {
            diag_notice(x->d, docx, 0, 0, "line %d of the article: %s", m->line, m->msg);
        }
    }
}

/* The article appended to issue (with a blank line between); *offset is the number of
 * lines before it. */
static int imp_append(const char *issue, const char *article, int *offset, diag *d)
{
    size_t len;
    char *old = imp_read_input(issue, &len, d);
    if (!old)
        return -1;
    strbuf b = { 0 };
    strbuf_add(&b, old, len);
    if (len > 0 && old[len - 1] != '\n')
        strbuf_chr(&b, '\n');
    strbuf_chr(&b, '\n');
    *offset = 0;
    for (size_t i = 0; i < b.n; i++)
        *offset += b.p[i] == '\n';
    strbuf_str(&b, article);
    free(old);
    char *all = strbuf_take(&b);
    if (!all) {
        diag_error_general(d, "out of memory");
        return -1;
    }
    int rc = imp_write(issue, all, d);
    free(all);
    return rc;
}

/* The stem of a path: its last component without the extension. */
static char *imp_stem(const char *path)
{
    char *base = path_base(path);
    char *dot = base ? strrchr(base, '.') : NULL;
    if (dot && dot != base)
        *dot = 0;
    return base;
}

int import_docx(const char *docx, const char *into, FILE *out, const import_opts *o, import_counts *n, diag *d)
{
    import_counts none;
    n = n ? n : &none;
    *n = (import_counts){ 0, 0 };
    struct stat st;
    if (stat(docx, &st) != 0 || !S_ISREG(st.st_mode)) {
        diag_error(d, docx, 0, 0, "%s", errno && stat(docx, &st) != 0 ? strerror(errno) : "not a regular file");
        return -1;
    }
    char *issue = into ? strbuf_format("%s/issue.md", into) : NULL;
    char *figdir = into ? strbuf_format("%s/figures", into) : strdup("figures");
    char *stem = imp_stem(docx);
    char *tmp = figdir ? strbuf_format("%s/.docx-XXXXXX", figdir) : NULL;
    char *tmpl = NULL, *outmd = NULL, *md = NULL, *article = NULL;
    imp_docx x = { .d = d };
    int rc = -1;
    bool made = false;
    if (!figdir || !stem || !tmp || (into && !issue)) {
        diag_error_general(d, "out of memory");
        goto done;
    }
    if (issue && (stat(issue, &st) != 0 || !S_ISREG(st.st_mode))) {
        diag_error(d, issue, 0, 0, "no issue source here to add the article to: create the issue first (copy "
                   "last month's issue.md), or leave out --into to print the article");
        goto done;
    }
    /* a figures/ made here and left empty (nothing imported) is removed again */
    made = stat(figdir, &st) != 0;
    if (imp_mkdirs(figdir, d) != 0)
        goto done;
    if (!mkdtemp(tmp)) {
        diag_error(d, figdir, 0, 0, "cannot make a temporary folder: %s", strerror(errno));
        free(tmp);
        tmp = NULL;
        goto done;
    }
    tmpl = strbuf_format("%s/template.gfm", tmp);
    outmd = strbuf_format("%s/article.md", tmp);
    size_t len;
    if (!tmpl || !outmd || imp_write(tmpl, imp_docx_template, d) != 0 || imp_pandoc(docx, tmp, tmpl, outmd, d) != 0)
        goto done;
    md = (char *)fileio_read(outmd, IMP_INPUT_MAX, &len);
    if (!md) {
        diag_error(d, docx, 0, 0, "cannot read pandoc's output: %s", strerror(errno));
        goto done;
    }
    x.media = tmp;
    x.figdir = figdir;
    x.stem = stem;
    article = imp_docx_article(&x, md);
    if (!article) {
        if (d->errors == 0)
            diag_error(d, docx, 0, 0, "out of memory while importing");
        goto done;
    }
    int offset = 0;
    if (issue) {
        rc = imp_append(issue, article, &offset, d);
    } else {
        size_t an = strlen(article);
        rc = fwrite(article, 1, an, out) == an && fflush(out) == 0 ? 0 : -1;
        if (rc != 0)
            diag_error_general(d, "cannot write the article: %s", strerror(errno));
    }
    if (rc == 0)
        imp_docx_report(&x, docx, issue, offset, o && o->verbose, n);
done:
    if (tmp)
        imp_rmtree(tmp, 4);
    if (made && x.npic == 0)
        rmdir(figdir);
    imp_docx_free(&x);
    free(article);
    free(md);
    free(outmd);
    free(tmpl);
    free(tmp);
    free(stem);
    free(figdir);
    free(issue);
    return rc;
}
