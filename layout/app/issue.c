/* issue — see issue.h. */
#include "layout/app/issue.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layout/base/fileio.h"
#include "layout/base/path.h"
#include "layout/base/script.h"
#include "layout/base/strbuf.h"
#include "layout/base/suggest.h"
#include "layout/base/utf8.h"
#include "layout/base/vec.h"
#include "layout/read/doc.h"
#include "layout/flow/flow.h"
#include "layout/front/front.h"
#include "layout/pdf/pdf.h"
#include "layout/pdf/pdfcache.h"
#include "layout/style/style.h"
#include "layout/compose/typeset.h"

/* The house style's name: built into the program, so it is found anywhere. */
#define HOUSE_STYLE "zasto"
/* The default output profile (pdf_options), looked for in the styles' icc/ folders. */
#define DEFAULT_PROFILE "FOGRA39L_coated.icc"
/* A PDF page side is at most 14400 units (ISO 32000-1, annex C.2: 200 in). */
#define MAX_PAGE_PT 14400.0f
/* Text smaller than this is no text: it also keeps line and character counts of a page
 * (at most 14400 pt / 1 pt) well inside an int. */
#define MIN_BODY_PT 1.0f
/* Document information strings are kept below libharu's string limit (65535 bytes, as
 * UTF-16: two or four bytes a character); Keywords longer than this are cut. */
#define MAX_INFO_BYTES 8000

/* What a rebuild may reuse: subset font programs and deflated streams, in memory
 * (and on disk, see pdfcache.h). */
#define ISSUE_CACHE_BYTES ((size_t)64 << 20)
/* Shaped and composed paragraphs (issue_ctx_keep_paragraphs): the default issue takes
 * about 20 MB. */
#define ISSUE_PARA_BYTES ((size_t)128 << 20)
/* A style sheet is a few KB; a larger one is not fingerprinted (the cache starts empty). */
#define MAX_STYLE_BYTES ((size_t)1 << 20)

struct issue_ctx {
    font_lib *fonts;          /* opened on first use, kept for every later build */
    pdfcache *pdf;            /* the writer's cache; NULL: disk cache only */
    pcache *para;             /* shaped and composed paragraphs; NULL: none */
};

issue_ctx *issue_ctx_new(void)
{
    issue_ctx *c = calloc(1, sizeof(issue_ctx));
    if (c)
        c->pdf = pdfcache_new(NULL, ISSUE_CACHE_BYTES);   /* NULL is fine: no memory cache */
    return c;
}

void issue_ctx_keep_paragraphs(issue_ctx *c)
{
    if (!c->para)
        c->para = pcache_new(ISSUE_PARA_BYTES);   /* NULL is fine: no cache */
}

void issue_ctx_free(issue_ctx *c)
{
    if (!c)
        return;
    pcache_free(c->para);     /* its glyphs point into the fonts: freed first */
    font_lib_free(c->fonts);
    pdfcache_free(c->pdf);
    free(c);
}

void issue_opts_default(issue_opts *o)
{
    memset(o, 0, sizeof *o);
    o->press = PRESS_FROM_STYLE;
}

void issue_report_free(issue_report *r)
{
    if (!r)
        return;
    for (int i = 0; i < r->ninputs; i++)
        free(r->inputs[i]);
    free(r->inputs);
    free(r->out);
    free(r->issue);
    free(r->month);
    memset(r, 0, sizeof *r);
}

/* ---- names and places ---- */

static bool is_dir(const char *p)
{
    struct stat st;
    return p && stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}


char *issue_folder(const char *issue_dir)
{
    struct stat st;
    if (stat(issue_dir, &st) == 0 && S_ISDIR(st.st_mode))
        return strdup(issue_dir);
    const char *slash = strrchr(issue_dir, '/');
    if (!slash)
        return strdup(".");
    return strndup(issue_dir, slash == issue_dir ? 1 : (size_t)(slash - issue_dir));
}

char *issue_name(const char *issue_dir)
{
    char *file = path_base(issue_dir);
    if (file && !is_dir(issue_dir) && strcmp(file, "issue.md") != 0) {
        /* A source not called issue.md (tests/bad/empty.md): its own name. */
        if (path_has_suffix(file, ".md") && strlen(file) > 3)
            file[strlen(file) - 3] = 0;
        return file;
    }
    free(file);
    char *dir = issue_folder(issue_dir);
    char *b = dir ? path_base(dir) : NULL;
    if (b && (strcmp(b, ".") == 0 || strcmp(b, "..") == 0 || strcmp(b, "/") == 0)) {
        /* "build ." inside the issue folder: its real name. */
        char *real = realpath(dir, NULL);
        free(b);
        b = real && strcmp(real, "/") != 0 ? path_base(real) : strdup("issue");
        free(real);
    }
    free(dir);
    return b;
}

char *issue_default_out(const char *issue_dir)
{
    char *b = issue_name(issue_dir);
    char *out = b ? strbuf_format("out/%s.pdf", b) : NULL;
    free(b);
    return out;
}

char *issue_data_dir(void)
{
    char exe[PATH_MAX];
    path_exe_dir(exe, sizeof exe);
    if (!exe[0])
        return NULL;
    /* A checkout (./jianbao beside styles/), an installation (<prefix>/bin/jianbao and
     * <prefix>/share/jianbao/styles), a build folder (build-asan/jianbao), the test
     * programs (build/tests/). */
    const char *const rel[] = { "", "/../share/jianbao", "/..", "/../.." };
    for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
        char *d = strbuf_format("%s%s", exe, rel[i]);
        char *s = d ? strbuf_format("%s/styles", d) : NULL;
        bool ok = is_dir(s);
        free(s);
        if (ok)
            return d;
        free(d);
    }
    return NULL;
}

/* True when path, symbolic links followed, is folder or lies inside it. */
static bool inside(const char *path, const char *folder)
{
    char *p = realpath(path, NULL), *f = realpath(folder, NULL);
    size_t n = f ? strlen(f) : 0;
    bool in = p && f && strncmp(p, f, n) == 0 &&
              (p[n] == 0 || p[n] == '/' || strcmp(f, "/") == 0);
    free(p);
    free(f);
    return in;
}

static bool is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* ---- the style ---- */

/* The folders a style is looked for in, by name: styles/ beside the issues/ folder the
 * issue lives in, styles/ here, and the program's own. */
static int style_dirs(const char *issue_folder, char *dirs[3])
{
    char *data = issue_data_dir();
    dirs[0] = strbuf_format("%s/../../styles", issue_folder);
    dirs[1] = strdup("styles");
    dirs[2] = data ? strbuf_format("%s/styles", data) : NULL;
    free(data);
    return 3;
}

/* The style name nearest a misspelt one among the .ini files of dirs and the house
 * style's name (caller frees), or NULL. */
static char *near_style(const char *name, char *const dirs[], int ndirs)
{
    suggest sg;
    suggest_init(&sg, name, strlen(name));
    suggest_offer(&sg, HOUSE_STYLE);
    char **names = NULL;
    size_t n = 0, cap = 0;
    for (int i = 0; i < ndirs; i++) {
        struct dirent **list = NULL;
        int k = dirs[i] ? scandir(dirs[i], &list, NULL, alphasort) : 0;
        for (int j = 0; j < k; j++) {
            const char *f = list[j]->d_name;
            size_t fl = strlen(f);
            if (f[0] != '.' && path_has_suffix(f, ".ini") && fl > 4 &&
                VEC_PUSH_ROOM(names, cap, n) && (names[n] = strndup(f, fl - 4)))
                suggest_offer(&sg, names[n++]);
            free(list[j]);
        }
        free(list);
    }
    char *best = suggest_best(&sg) ? strdup(suggest_best(&sg)) : NULL;
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return best;
}

/* The style an issue names (`style:`, default zasto): styles/<name>.ini in the first
 * of style_dirs that has it, inside that folder (symbolic links followed) unless
 * allow_outside. *builtin is set, and NULL returned, for the house style when no file
 * is found: it is built into the program. NULL with an error otherwise. */
static char *find_style(const doc *dc, const char *folder, bool allow_outside, bool *builtin,
                        diag *d)
{
    const char *name = dc->meta.style && *dc->meta.style ? dc->meta.style : HOUSE_STYLE;
    size_t at = dc->meta.style_at;
    *builtin = false;
    if (strchr(name, '/') || name[0] == '.') {
        diag_error_at(d, dc->src, at,
                      "style '%s' is a name, not a path: put the file in styles/ as styles/<name>.ini "
                      "and give its name, or pass --style FILE", name);
        return NULL;
    }
    char *dirs[3];
    int nd = style_dirs(folder, dirs);
    char *found = NULL;
    bool outside = false;
    for (int i = 0; i < nd && !found && !outside; i++) {
        char *cand = dirs[i] ? strbuf_format("%s/%s.ini", dirs[i], name) : NULL;
        if (cand && is_file(cand)) {
            if (allow_outside || inside(cand, dirs[i])) {
                found = cand;
                cand = NULL;
            } else {
                diag_error(d, cand, 0, 0,
                           "this style sheet is a link to a file outside its styles folder; "
                           "styles are read only from there: copy the file in, pass --style "
                           "FILE, or build with --allow-outside");
                outside = true;
            }
        }
        free(cand);
    }
    if (!found && !outside && strcmp(name, HOUSE_STYLE) == 0) {
        *builtin = true;
    } else if (!found && !outside) {
        char *near = near_style(name, dirs, nd);
        if (near)
            diag_error_at(d, dc->src, at, "style \"%s\" not found; did you mean \"%s\"?",
                          name, near);
        else
            diag_error_at(d, dc->src, at,
                          "style \"%s\" not found (looked for styles/%s.ini beside issues/, "
                          "here and in jianbao's own styles); set `style:` in the front matter "
                          "or pass --style FILE", name, name);
        free(near);
    }
    for (int i = 0; i < nd; i++)
        free(dirs[i]);
    return found;
}

/* Reads the style: --style FILE, else the issue's own, else the house style built in. */
static style *load_style(const doc *dc, const issue_opts *o, diag *d, char **path)
{
    *path = NULL;
    if (o->style_path) {
        if (!(*path = strdup(o->style_path)))
            return NULL;
        return style_read(*path, d);
    }
    char *folder = issue_folder(dc->src->path);
    bool builtin = false;
    *path = folder ? find_style(dc, folder, o->allow_outside, &builtin, d) : NULL;
    free(folder);
    if (builtin)
        return style_default();
    return *path ? style_read(*path, d) : NULL;
}

/* Checks what the layout and the writer need of a page, before anything is laid out. */
static int check_page(const style *st, diag *d)
{
    const char *file = st->path ? st->path : "<built-in style>";
    if (st->page_w > MAX_PAGE_PT || st->page_h > MAX_PAGE_PT) {
        diag_error(d, file, 0, 0,
                   "the page is %.0f × %.0f mm; a PDF page is at most 5080 mm (200 in) on a "
                   "side: set a smaller [page] size", st->page_w * 25.4 / 72,
                   st->page_h * 25.4 / 72);
        return -1;
    }
    if (st->body.size < MIN_BODY_PT || st->body.leading < MIN_BODY_PT) {
        diag_error(d, file, 0, 0,
                   "the body text is %.3g pt on a %.3g pt line; both must be at least 1 pt: "
                   "set [body] size (e.g. 五号) and leading (e.g. 1.7)", st->body.size,
                   st->body.leading);
        return -1;
    }
    return 0;
}

/* ---- the output profile (press) ---- */

/* The profile to embed: a name is looked for in icc/ beside the style, in styles/icc
 * here and in the program's own; a path is relative to the style's folder and must
 * lie inside it unless allow_outside. Returns a path (caller frees), the bare name
 * when no folder has it (the writer looks further, in the system's profile folders),
 * or NULL after an error. */
static char *find_profile(const char *name, const char *style_path, bool allow_outside, diag *d)
{
    char *sdir = style_path ? strdup(style_path) : NULL;
    char *slash = sdir ? strrchr(sdir, '/') : NULL;
    if (sdir && slash)
        *slash = 0;
    else if (sdir)
        strcpy(sdir, ".");
    char *found = NULL;
    if (strchr(name, '/')) {
        found = name[0] == '/' || !sdir ? strdup(name) : strbuf_format("%s/%s", sdir, name);
        struct stat st;
        const char *sp = style_path ? style_path : "<built-in style>";
        if (found && stat(found, &st) != 0) {
            diag_error(d, sp, 0, 0, "the output profile %s is not there (%s): a path in the "
                                    "style is relative to the style's folder", name, found);
            free(found);
            found = NULL;
        } else if (found && !allow_outside && !(sdir && inside(found, sdir))) {
            diag_error(d, sp, 0, 0,
                       "the output profile %s lies outside the style's folder; profiles are "
                       "read only from there: copy it in, or build with --allow-outside", name);
            free(found);
            found = NULL;
        } else if (found && !S_ISREG(st.st_mode)) {
            diag_error(d, sp, 0, 0,
                       "the output profile %s is not a regular file (a FIFO, a device or a "
                       "folder); name the .icc file itself", name);
            free(found);
            found = NULL;
        }
        free(sdir);
        return found;
    }
    char *data = issue_data_dir();
    char *dirs[3] = { sdir ? strbuf_format("%s/icc", sdir) : NULL, strdup("styles/icc"),
                      data ? strbuf_format("%s/styles/icc", data) : NULL };
    for (int i = 0; i < 3; i++) {
        char *cand = dirs[i] ? strbuf_format("%s/%s", dirs[i], name) : NULL;
        if (!found && cand && is_file(cand)) {
            found = cand;
            cand = NULL;
        }
        free(cand);
        free(dirs[i]);
    }
    free(data);
    free(sdir);
    return found ? found : strdup(name);
}

/* ---- the output ---- */

/* Refuses an output path that would destroy something: a path that is not a regular
 * file (a link, device, FIFO, directory), one of the build's inputs, or a file in the
 * issue folder that is not a PDF. */
static int check_output(const char *out, const char *folder, char *const *inputs, int ninputs,
                        diag *d)
{
    struct stat os;
    bool exists = lstat(out, &os) == 0;
    if (exists && !S_ISREG(os.st_mode)) {
        const char *what = S_ISLNK(os.st_mode) ? "a symbolic link" : S_ISDIR(os.st_mode) ? "a directory"
                         : S_ISFIFO(os.st_mode) ? "a FIFO" : S_ISSOCK(os.st_mode) ? "a socket"
                         : "a device";
        diag_error_general(d, "the output %s is %s; jianbao writes a PDF only as a regular "
                              "file and never replaces anything else: give another path",
                           out, what);
        return -1;
    }
    for (int i = 0; exists && i < ninputs; i++) {
        struct stat is;
        if (stat(inputs[i], &is) == 0 && is.st_dev == os.st_dev && is.st_ino == os.st_ino) {
            diag_error_general(d, "the output %s is %s%s%s; the PDF would replace it: give "
                                  "another path (e.g. out/NAME.pdf)", out,
                               i == 0 ? "the issue's source" : "a file this build reads (",
                               i == 0 ? "" : inputs[i], i == 0 ? "" : ")");
            return -1;
        }
    }
    char *odir = strdup(out), *slash = odir ? strrchr(odir, '/') : NULL;
    if (slash && slash == odir)
        slash[1] = 0;         /* "/x.pdf": the root */
    else if (slash)
        *slash = 0;
    bool in = odir && inside(slash ? odir : ".", folder);
    free(odir);
    if (in && !path_has_suffix(out, ".pdf")) {
        diag_error_general(d, "the output %s is in the issue folder %s and is not a .pdf; "
                              "the PDF would replace it: give a name ending in .pdf or write "
                              "it elsewhere (e.g. out/NAME.pdf)", out, folder);
        return -1;
    }
    return 0;
}

/* ---- the document information ---- */

/* Cuts s to at most max bytes at a character boundary (after the last ", " when
 * sep). True when it was cut. */
static bool cut_utf8(char *s, size_t max, bool sep)
{
    size_t n = strlen(s);
    if (n <= max)
        return false;
    size_t k = max;
    while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
        k--;
    s[k] = 0;
    char *comma = sep ? strstr(s, ", ") : NULL;
    for (char *c = comma; c; c = strstr(c + 2, ", "))
        comma = c;
    if (comma)
        *comma = 0;
    return true;
}

static char *join_sections(const doc *dc)
{
    strbuf b = { 0 };
    strbuf_str(&b, "");
    for (int i = 0; i < dc->nblocks && b.n <= MAX_INFO_BYTES; i++)
        if (dc->blocks[i].kind == DOC_SECTION) {
            if (b.n)
                strbuf_str(&b, ", ");
            for (int k = 0; k < dc->blocks[i].text.nin; k++)
                strbuf_str(&b, dc->blocks[i].text.in[k].text);
        }
    return strbuf_take(&b);
}

static int set_info(dl_doc *out, const doc_meta *m, const doc *dc, diag *d)
{
    char *title = strbuf_format("%s%s %s", m->association ? m->association : "",
                                m->title ? m->title : "", m->issue ? m->issue : "");
    char *kw = m->keywords ? strdup(m->keywords) : join_sections(dc);
    if (!title || !kw) {
        free(title);
        free(kw);
        return -1;
    }
    cut_utf8(title, MAX_INFO_BYTES, false);
    if (cut_utf8(kw, MAX_INFO_BYTES, !m->keywords) && m->keywords)
        diag_warning_at(d, dc->src, 0,
                        "the keywords are %zu bytes; the PDF keeps the first %d: shorten "
                        "`keywords:`", strlen(m->keywords), MAX_INFO_BYTES);
    int rc = dl_set_str(&out->title, title) || dl_set_str(&out->subject, m->number) ||
             dl_set_str(&out->author, m->association) || dl_set_str(&out->keywords, kw) ||
             dl_set_str(&out->creator, "jianbao") || dl_set_str(&out->lang, m->lang);
    free(title);
    free(kw);
    return rc ? -1 : 0;
}


/* ---- one build ---- */

typedef struct {
    doc *dc;
    style *st;
    char *style_path;         /* the style file read; NULL for the built-in house style */
    dl_doc *out;
    long long ns_read, ns_shape, ns_compose, ns_layout;
    long rss_layout;          /* peak resident KB once laid out (make bench) */
    int rounds;               /* times the body was laid out (1 when the contents' page
                                 count was predicted right) */
} built;

static void built_free(built *b)
{
    dl_doc_free(b->out);
    style_free(b->st);
    free(b->style_path);
    doc_free(b->dc);
    memset(b, 0, sizeof *b);
}

/* Adds a file the build read to the report. */
static void report_input(issue_report *rep, const char *path)
{
    size_t cap = (size_t)rep->ninputs;
    char *p = path ? strdup(path) : NULL;
    if (p && rep->ninputs < INT_MAX &&
        vec_reserve((void **)&rep->inputs, &cap, (size_t)rep->ninputs + 1, sizeof *rep->inputs))
        rep->inputs[rep->ninputs++] = p;
    else
        free(p);
}

/* The source and the style: what the layout needs besides fonts. */
static int read_inputs(const char *dir, const issue_opts *o, diag *d, built *b,
                       issue_report *rep)
{
    doc_options dopt = { .allow_outside = o->allow_outside };
    b->dc = doc_read_with(dir, &dopt, d);
    if (!b->dc) {
        char *folder = issue_folder(dir), *file = NULL;
        if (folder && is_dir(dir))
            file = strbuf_format("%s/issue.md", dir);
        report_input(rep, file ? file : dir);
        free(file);
        free(folder);
        return -1;
    }
    report_input(rep, b->dc->src->path);
    rep->issue = b->dc->meta.issue ? strdup(b->dc->meta.issue) : NULL;
    rep->month = b->dc->meta.month ? strdup(b->dc->meta.month) : NULL;
    b->st = load_style(b->dc, o, d, &b->style_path);
    if (b->style_path)
        report_input(rep, b->style_path);
    for (int i = 0; i < b->dc->nblocks; i++)
        if (b->dc->blocks[i].kind == DOC_FIGURE && b->dc->blocks[i].figure->path)
            report_input(rep, b->dc->blocks[i].figure->path);
    return b->st ? check_page(b->st, d) : -1;
}

/* A month that is not the folder's name ("month: 2019-03" in issues/2019-04/). */
static void check_month(const doc *dc, diag *d)
{
    char *name = issue_name(dc->src->path);
    const char *m = dc->meta.month;
    bool month_like = name && strlen(name) == 7 && name[4] == '-' &&
                      strspn(name, "0123456789-") == 7;
    if (m && month_like && strcmp(m, name) != 0)
        diag_warning_at(d, dc->src, dc->meta.month_at,
                        "month %s does not match the folder %s; correct the month, or rename "
                        "the folder to %s", m, name, m);
    free(name);
}

/* The fewest lines text block b can take: one, or its Han ideographs side by side at
 * the widest measure it can have (a column; a heading may span), each a full em of its
 * text's size (a sub- or superscript's smaller). The flow's choice of style. */
static long block_lines(const doc_block *b, const style *st, const flow_geom *g)
{
    bool running = b->kind == DOC_PARA || b->kind == DOC_ITEM || b->kind == DOC_SOURCE ||
                b->kind == DOC_SIGNATURE;
    int lv = b->level < 3 ? 3 : b->level > 6 ? 6 : b->level;
    const style_text *ts = running && b->quote ? &st->quote : b->kind == DOC_SOURCE ? &st->source
                         : b->kind == DOC_SIGNATURE ? &st->signature
                         : b->kind == DOC_HEADING ? &st->h[lv]
                         : b->kind == DOC_ARTICLE ? &st->article
                         : b->kind == DOC_SECTION ? &st->section : &st->body;
    double w = 0;
    for (int k = 0; k < b->text.nin; k++) {
        const doc_inline *in = &b->text.in[k];
        size_t n = strlen(in->text), han = 0;
        for (size_t i = 0; i < n;)
            han += script_is_ideograph(utf8_next(in->text, n, &i));
        w += (double)han * ts->size * (in->flags & (IN_SUB | IN_SUP) ? st->script_size : 1);
    }
    long lines = (long)(w / (running ? g->colw : g->text_w));
    return lines > 1 ? lines : 1;
}

/* The fewest pages the issue can take, counted before anything is composed: the
 * cover, a contents page, every section on a page of its own (when the style starts
 * them so), and the lines of every paragraph, item and heading (block_lines). Past
 * DL_MAX_PAGES the build stops at the block that crosses it, instead of composing all
 * of it first (300,000 short paragraphs took 926 MB, 100,000 sections ran into
 * libharu's page limit). */
static int check_pages(const doc *dc, const style *st, const flow_geom *g, diag *d)
{
    long per_page = (long)g->lines * g->cols, sections = 0, lines = 0, blocks = 0;
    for (int i = 0; i < dc->nblocks; i++) {
        const doc_block *b = &dc->blocks[i];
        bool section = b->kind == DOC_SECTION && st->section_new_page;
        bool line = !section && (b->kind == DOC_ITEM || ((b->kind == DOC_PARA ||
                    b->kind == DOC_SECTION || b->kind == DOC_ARTICLE || b->kind == DOC_HEADING ||
                    b->kind == DOC_SOURCE || b->kind == DOC_SIGNATURE) && b->text.nin > 0));
        sections += section;
        blocks += line;
        lines += line ? block_lines(b, st, g) : 0;
        long body = (lines + per_page - 1) / per_page;
        if (section && 2 + sections > DL_MAX_PAGES) {
            diag_error_at(d, dc->src, b->src,
                          "this section starts page %ld at the earliest (each section starts a "
                          "page); an issue has at most %d pages (a 简报 has about 80): split "
                          "it into several issues", 2 + sections, DL_MAX_PAGES);
            return -1;
        }
        if (line && 2 + body > DL_MAX_PAGES) {
            diag_error_at(d, dc->src, b->src,
                          "the text up to here takes %ld pages at the least (%ld paragraphs, "
                          "items and headings in %ld lines or more, %ld lines a page); an "
                          "issue has at most %d pages (a 简报 has about 80): split it into "
                          "several issues", 2 + body, blocks, lines, per_page, DL_MAX_PAGES);
            return -1;
        }
    }
    return 0;
}

/* Lays the issue out with `toc_pages` pages reserved for the contents. */
static dl_doc *lay_out(typeset_ctx *t, const doc *dc, const flow_geom *g, int toc_pages)
{
    dl_doc *out = dl_doc_new(g->pw, g->ph);
    if (!out)
        return NULL;
    for (int i = 0; i <= toc_pages; i++)
        if (dl_page_add(out) < 0)
            goto fail;
    if (flow_run(t, dc, g, out) || front_labels(out))
        goto fail;
    return out;
fail:
    dl_doc_free(out);
    return NULL;
}

static font_lib *ctx_fonts(issue_ctx *ctx, diag *d)
{
    if (!ctx->fonts && !(ctx->fonts = font_lib_new()))
        diag_error_general(d, "cannot initialise fontconfig/FreeType");
    return ctx->fonts;
}

/* The contents' entries as the body will give them, in a display list of their own:
 * each section (level 0) and article (level 1) title as printed, in source order, with
 * no page yet. The contents' length depends on nothing else (its page numbers sit in a
 * column of fixed width), so its page count can be known before the body is laid out. */
static dl_doc *toc_entries(typeset_ctx *t, const doc *dc, const flow_geom *g)
{
    dl_doc *o = dl_doc_new(g->pw, g->ph);
    for (int i = 0; o && i < dc->nblocks; i++) {
        const doc_block *blk = &dc->blocks[i];
        if (blk->kind != DOC_SECTION && blk->kind != DOC_ARTICLE)
            continue;
        char *plain = typeset_text_plain(t, &blk->text);
        if (!plain || dl_outline_add(o, plain, blk->kind == DOC_SECTION ? 0 : 1, -1, 0) < 0) {
            dl_doc_free(o);
            o = NULL;
        }
        free(plain);
    }
    return o;
}

/* True when the laid-out issue's contents entries (levels 0 and 1) are those predicted. */
static bool same_entries(const dl_doc *pred, const dl_doc *out)
{
    int k = 0;
    for (int i = 0; i < out->noutline; i++) {
        const dl_outline *o = &out->outline[i];
        if (o->level > 1)
            continue;
        if (k >= pred->noutline || pred->outline[k].level != o->level ||
            strcmp(pred->outline[k].title, o->title) != 0)
            return false;
        k++;
    }
    return k == pred->noutline;
}

/* What every kept paragraph depends on besides its own text and text style: the style
 * sheet (its bytes; the built-in one cannot change) and the fonts. */
static uint64_t style_fingerprint(const built *b, const font_lib *fonts)
{
    uintptr_t f = (uintptr_t)fonts;
    uint64_t h = pcache_hash(PCACHE_SEED, &f, sizeof f);
    size_t n = 0;
    unsigned char *text = b->style_path ? fileio_read(b->style_path, MAX_STYLE_BYTES, &n) : NULL;
    static unsigned long unread;
    if (text) {
        h = pcache_hash(h, text, n);
    } else if (b->style_path) {
        unread++;             /* not readable again: a fingerprint no build had */
        h = pcache_hash(h, &unread, sizeof unread);
    }
    free(text);
    return h;
}

/* Typesets the document read into b->out: body, contents, cover, running heads. */
static int typeset(issue_ctx *ctx, built *b, diag *d)
{
    font_lib *fonts = ctx_fonts(ctx, d);
    flow_geom g;
    if (!fonts || flow_geom_init(&g, b->st, d) || check_pages(b->dc, b->st, &g, d))
        return -1;
    long long t0 = typeset_now_ns();
    typeset_ctx t;
    typeset_ctx_init(&t, fonts, b->st, d, b->dc->src);
    if (ctx->para) {
        pcache_begin(ctx->para, style_fingerprint(b, fonts));
        t.cache = ctx->para;
    }
    /* The contents' page count is predicted from its entries before the body is laid
     * out, once, behind that many contents pages. Were the entries the body gives other
     * than predicted, their pages are counted again and the body laid out again when
     * the count differs (bounded). b->rounds counts the body's layouts. */
    dl_doc *pred = toc_entries(&t, b->dc, &g);
    int toc_pages = pred ? front_toc_pages(&t, &g, pred) : -1;
    if (toc_pages < 0 || t.font_error || d->errors) {
        dl_doc_free(pred);
        return -1;
    }
    int rc = -1;
    for (int round = 0; round < 4; round++) {
        b->out = lay_out(&t, b->dc, &g, toc_pages);
        b->rounds++;
        if (!b->out || t.font_error || d->errors)
            break;
        int need = same_entries(pred, b->out) ? toc_pages : front_toc_pages(&t, &g, b->out);
        if (need == toc_pages)
            rc = 0;
        if (need < 0 || need == toc_pages)
            break;
        if (round == 3) {
            diag_error_general(d, "the contents page count does not settle (%d vs %d pages)",
                               need, toc_pages);
            break;
        }
        dl_doc_free(b->out);
        b->out = NULL;
        toc_pages = need;
    }
    dl_doc_free(pred);
    if (rc)
        return -1;
    if (front_toc(&t, &g, b->out, 1, toc_pages) || front_cover(&t, &b->dc->meta, &g, b->out, 0) ||
        front_running(&t, &b->dc->meta, &g, b->out) || set_info(b->out, &b->dc->meta, b->dc, d))
        return -1;
    b->ns_shape = t.ns_shape;
    b->ns_compose = t.ns_compose;
    b->ns_layout = typeset_now_ns() - t0 - t.ns_shape - t.ns_compose;
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) == 0)
        b->rss_layout = ru.ru_maxrss;
    return t.font_error || d->errors ? -1 : 0;
}

int issue_layout(const char *issue_dir, const char *style_path, diag *d, dl_doc **out_doc,
                 font_lib **out_fonts)
{
    issue_opts o;
    issue_opts_default(&o);
    o.style_path = style_path;
    issue_report rep = { 0 };
    issue_ctx ctx = { 0 };
    built b = { 0 };
    int rc = read_inputs(issue_dir, &o, d, &b, &rep);
    if (rc == 0)
        rc = typeset(&ctx, &b, d);
    if (rc == 0) {
        *out_doc = b.out;
        *out_fonts = ctx.fonts;
        b.out = NULL;
        ctx.fonts = NULL;
    }
    font_lib_free(ctx.fonts);
    built_free(&b);
    issue_report_free(&rep);
    return rc;
}

static int make_parent_dir(const char *path, diag *d)
{
    char *dir = strdup(path);
    if (!dir)
        return -1;
    char *slash = strrchr(dir, '/');
    int rc = 0;
    if (slash && slash != dir) {
        *slash = 0;
        if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
            diag_error_general(d, "cannot create directory %s: %s", dir, strerror(errno));
            rc = -1;
        }
    }
    free(dir);
    return rc;
}

/* SOURCE_DATE_EPOCH if set (reproducible builds), else -1: no dates. */
static long long build_date(void)
{
    const char *e = getenv("SOURCE_DATE_EPOCH");
    if (!e || !*e)
        return -1;
    char *end;
    long long v = strtoll(e, &end, 10);
    return *end == 0 && v >= 0 ? v : -1;
}

/* The issue's own date (front matter `date`, else the first of `month`) as seconds
 * since 1970, UTC midnight: press output needs dates and must not use the clock. */
static long long meta_date(const doc_meta *m)
{
    int y = 0, mo = 0, day = 1;
    if (!(m->date && sscanf(m->date, "%d-%d-%d", &y, &mo, &day) == 3) &&
        !(m->month && sscanf(m->month, "%d-%d", &y, &mo) == 2))
        return -1;
    if (y < 1970 || mo < 1 || mo > 12 || day < 1 || day > 31)
        return -1;
    /* Days from civil date (proleptic Gregorian). */
    int yy = y - (mo <= 2);
    long era = (yy >= 0 ? yy : yy - 399) / 400;
    long yoe = yy - era * 400;
    long doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (long long)(era * 146097 + doe - 719468) * 86400;
}

/* The writer's options: plain, or press output as the style or the command asks. */
static int pdf_opts(const built *b, const issue_opts *o, pdf_options *po, char **profile,
                    diag *d)
{
    pdf_options_default(po);
    /* Info and XMP dates: the build's, else the issue's own (never the clock). */
    po->date = build_date();
    if (po->date < 0)
        po->date = meta_date(&b->dc->meta);
    *profile = NULL;
    issue_press press = o->press;
    if (press == PRESS_FROM_STYLE)
        press = b->st->press == PRESS_X4 ? PRESS_ON_X4 : b->st->press == PRESS_X1A ? PRESS_ON_X1A : PRESS_OFF;
    if (press == PRESS_OFF)
        return 0;
    po->standard = press == PRESS_ON_X4 ? PDF_X4 : PDF_X1A;
    po->bleed = b->st->bleed;
    po->crop_marks = b->st->crop_marks;
    po->pad_to_4 = b->st->pad_to_4;
    /* No profile named: the default FOGRA39 profile is embedded; "none": the output
     * condition is named only (a registered one, such as FOGRA39). */
    const char *prof = b->st->press_profile;
    if (prof && strcmp(prof, "none") == 0) {
        po->icc_path = NULL;
    } else {
        *profile = find_profile(prof && *prof ? prof : DEFAULT_PROFILE, b->style_path,
                                o->allow_outside, d);
        if (!*profile)
            return -1;
        po->icc_path = *profile;
    }
    po->output_condition = b->st->press_condition;
    po->output_condition_info = b->st->press_condition_info;
    po->overprint_black = true;
    return 0;
}

/* Writes the laid-out issue to out (checked first against the build's inputs). */
static int write_out(const built *b, issue_ctx *ctx, const issue_opts *o, const char *out,
                     diag *d, issue_report *rep)
{
    pdf_options po;
    char *profile = NULL;
    if (pdf_opts(b, o, &po, &profile, d)) {
        free(profile);
        return -1;
    }
    if (profile && strchr(profile, '/'))
        report_input(rep, profile);
    rep->padded = po.pad_to_4;
    char *folder = issue_folder(b->dc->src->path);
    int rc = !folder || check_output(out, folder, rep->inputs, rep->ninputs, d) ||
             make_parent_dir(out, d) ? -1 : 0;
    free(folder);
    char err[512];
    long long t0 = typeset_now_ns();
    po.cache = ctx->pdf;
    if (rc == 0 && pdf_write_release(b->out, ctx->fonts, &po, out, err, sizeof err)) {
        diag_error_general(d, "%s", err);
        rc = -1;
    }
    long hits, misses;
    pcache_stats(ctx->para, &hits, &misses);
    char kept[64] = "";
    if (ctx->para)
        snprintf(kept, sizeof kept, ", paragraphs-kept=%ld, paragraphs-reused=%ld", misses, hits);
    if (rc == 0 && getenv("JIANBAO_TIMING"))
        diag_note(d, "timing: read=%.1fms, shape=%.1fms, compose=%.1fms, layout=%.1fms, "
                     "write=%.1fms, rss-after-layout=%ldKB, layout-rounds=%d%s",
                  b->ns_read / 1e6, b->ns_shape / 1e6, b->ns_compose / 1e6, b->ns_layout / 1e6,
                  (typeset_now_ns() - t0) / 1e6, b->rss_layout, b->rounds, kept);
    free(profile);
    return rc;
}

int issue_build_in(issue_ctx *ctx, const char *issue_dir, const issue_opts *o, diag *d,
                   issue_report *rep)
{
    issue_report own = { 0 };
    if (!rep)
        rep = &own;
    memset(rep, 0, sizeof *rep);
    built b = { 0 };
    rep->out = o->out ? strdup(o->out) : issue_default_out(issue_dir);
    long long t0 = typeset_now_ns();
    int rc = rep->out ? read_inputs(issue_dir, o, d, &b, rep) : -1;
    b.ns_read = typeset_now_ns() - t0;
    if (rc == 0) {
        check_month(b.dc, d);
        /* Before the layout, the expensive part: an output that would destroy an input
         * is refused at once (and once more with the profile, before writing). */
        char *folder = issue_folder(b.dc->src->path);
        rc = folder ? check_output(rep->out, folder, rep->inputs, rep->ninputs, d) : -1;
        free(folder);
    }
    if (rc == 0)
        rc = typeset(ctx, &b, d);
    /* The display list holds all the writer needs: the document's body goes before the
     * writer's memory comes on top (16x: peak RSS -9 MB). */
    if (rc == 0)
        doc_free_body(b.dc);
    if (rc == 0)
        rc = write_out(&b, ctx, o, rep->out, d, rep);
    if (rc == 0)
        rep->pages = b.out->npages;
    built_free(&b);
    issue_report_free(&own);
    return rc;
}

int issue_build(const char *issue_dir, const issue_opts *o, diag *d)
{
    issue_ctx *ctx = issue_ctx_new();
    if (!ctx) {
        diag_error_general(d, "out of memory");
        return -1;
    }
    int rc = issue_build_in(ctx, issue_dir, o, d, NULL);
    issue_ctx_free(ctx);
    return rc;
}
