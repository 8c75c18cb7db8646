/* import — see import.h.
 *
 * One pass per concern, each over the previous one's output:
 *   clean     bytes → valid UTF-8 (LF, no NUL or control characters)
 *   lines     split, trimmed, classified; running footers marked
 *   blocks    runs of lines → paragraphs, headings, tables, lists (page breaks remembered)
 *   masthead  the blocks before the contents listing → front matter
 *   contents  the 目录 listing → section names and article titles (then dropped)
 *   roles     body blocks → sections, articles, inner headings, paragraphs
 *   articles  per article: embedded contents, demoted and promoted headings, levels
 *   tables    captions, grids → GFM or HTML; source lines; lost figures
 *   rejoin    paragraphs cut at page breaks
 *   artifacts Latin words standing in for Chinese ones (reported only); ** that
 *             CommonMark would not close next to CJK punctuation
 *   emit      front matter + Markdown
 * Every step is linear in the input (title matching is hashed; the fuzzy comparison only
 * looks at the next few titles and at most IMP_FUZZY_MAX characters). Warnings are
 * collected and reported in line order at the end. */
#include "layout/import/import.h"
#include "layout/import/import_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void imp_free(imp_ctx *c)
{
    for (int i = 0; i < c->nblk; i++) {
        free(c->blk[i].text);
        free(c->blk[i].caption);
    }
    free(c->blk);
    for (int k = 0; k < c->nsec; k++)
        free(c->sec[k].text), free(c->sec[k].norm);
    for (int k = 0; k < c->ntit; k++)
        free(c->tit[k].text), free(c->tit[k].norm);
    free(c->sec);
    free(c->tit);
    free(c->secmap.slot);
    free(c->titmap.slot);
    for (int k = 0; k < M_COUNT; k++)
        free(c->meta[k]);
    for (int k = 0; k < c->nwarn; k++)
        free(c->warn[k].msg);
    free(c->warn);
    free(c->line);
    free(c->text);
}

/* The body passes, in the order their evidence needs. */
static void imp_structure(imp_ctx *c)
{
    int contents = imp_find_contents(c);
    int body = imp_masthead(c, contents);
    if (contents >= 0) {
        body = imp_contents(c, contents);
        imp_index_contents(c);
        imp_roles(c, body);
    } else {
        imp_roles_from_marks(c, body);
    }
    imp_articles(c, body);
    imp_captions(c, body);
    for (int i = body; i < c->nblk && !c->oom; i++)
        if (c->blk[i].kind == BK_TABLE && c->blk[i].role == R_RAW)
            imp_table_block(c, &c->blk[i]);
    imp_sources(c, body);
    imp_figures(c, body);
    imp_rejoin(c, body);
    imp_latin_words(c, body);
    imp_emphasis(c, body);
}

/* The encoding could not be told: where the first byte that is not UTF-8 sits (lines
 * counted by newline bytes, columns by UTF-8 characters before it), and what to do. */
static void imp_undecided(const imp_ctx *c, const char *text, diag *d)
{
    if (c->from) {
        diag_error(d, c->name, 0, 0,
                   "starts with a %s byte-order mark but is not valid %s; save it again as UTF-8",
                   c->from, c->from);
        return;
    }
    int line = 1, col = 1;
    for (size_t i = 0; i < c->bad_at; i++) {
        if (text[i] == '\n')
            line++, col = 1;
        else
            col += ((unsigned char)text[i] & 0xC0) != 0x80;
    }
    diag_error(d, c->name, line, col,
               "not UTF-8 (byte 0x%02X), nor GB 18030/GBK or UTF-16: cannot tell the encoding; convert "
               "the file to UTF-8 first: iconv -f ENCODING -t UTF-8 %s > utf8.txt, where ENCODING is "
               "the one it was saved in (for example BIG5)",
               (unsigned char)text[c->bad_at], c->name);
}

/* ===================== the API ===================== */

char *import_text(const char *name, const char *text, size_t len, diag *d)
{
    diag fallback;
    if (!d) {
        diag_init(&fallback, stderr);
        d = &fallback;
    }
    imp_ctx c = { 0 };
    c.name = name ? name : "<input>";
    char *out = NULL;
    if (imp_decode(&c, text ? text : "", text ? len : 0) && imp_split_lines(&c)) {
        imp_mark_footers(&c);
        imp_make_blocks(&c);
        if (!c.oom)
            imp_structure(&c);
        if (!c.oom)
            out = imp_emit(&c, 0);
    }
    if (c.oom) {
        free(out);
        out = NULL;
        diag_error_general(d, "%s: out of memory while importing", c.name);
    } else if (c.undecided) {
        imp_undecided(&c, text, d);
    } else {
        if (c.from)
            diag_notice(d, c.name, 0, 0, "converted from %s", c.from);
        imp_report(&c, d);
    }
    imp_free(&c);
    return out;
}

/* mkdir -p */
static int imp_mkdirs(const char *dir, diag *d)
{
    char *p = strdup(dir);
    if (!p) {
        diag_error_general(d, "out of memory");
        return -1;
    }
    int rc = 0;
    for (char *s = p + 1;; s++) {
        if (*s != '/' && *s != 0)
            continue;
        char keep = *s;
        *s = 0;
        struct stat st;
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            diag_error(d, p, 0, 0, "cannot create directory: %s", strerror(errno));
            rc = -1;
        } else if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode)) {
            diag_error(d, p, 0, 0, "exists and is not a directory");
            rc = -1;
        }
        *s = keep;
        if (rc != 0 || keep == 0)
            break;
    }
    free(p);
    return rc;
}

/* Writes text to path through a temporary file in the same directory, then renames it,
 * so a failure never leaves half a file. */
static int imp_write(const char *path, const char *text, diag *d)
{
    size_t n = strlen(path);
    char *tmp = malloc(n + 16);
    if (!tmp) {
        diag_error_general(d, "out of memory");
        return -1;
    }
    snprintf(tmp, n + 16, "%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        diag_error(d, path, 0, 0, "cannot write: %s", strerror(errno));
        free(tmp);
        return -1;
    }
    FILE *f = fdopen(fd, "wb");
    size_t len = strlen(text);
    bool ok = f && fchmod(fd, 0644) == 0 && fwrite(text, 1, len, f) == len && fflush(f) == 0;
    int err = errno;
    if (f) {
        if (fclose(f) != 0 && ok)
            ok = false, err = errno;
    } else {
        close(fd);
    }
    if (ok && rename(tmp, path) != 0)
        ok = false, err = errno;
    if (!ok) {
        diag_error(d, path, 0, 0, "cannot write: %s", strerror(err));
        unlink(tmp);
    }
    free(tmp);
    return ok ? 0 : -1;
}

int import_run(const char *in_path, const char *out_dir, diag *d)
{
    if (!in_path || !out_dir) {
        diag_error_general(d, "import: an input file and an output directory are needed");
        return -1;
    }
    if (!*out_dir)
        out_dir = ".";
    src_file *in = src_file_read(in_path);
    if (!in) {
        diag_error(d, in_path, 0, 0, "cannot read: %s", strerror(errno));
        return -1;
    }
    char *md = import_text(in->path, in->text, in->len, d);
    src_file_free(in);
    if (!md)
        return -1;
    int rc = imp_mkdirs(out_dir, d);
    if (rc == 0) {
        size_t n = strlen(out_dir);
        char *path = malloc(n + sizeof "/issue.md");
        if (!path) {
            diag_error_general(d, "out of memory");
            rc = -1;
        } else {
            snprintf(path, n + sizeof "/issue.md", "%s%sissue.md", out_dir,
                     n > 0 && out_dir[n - 1] == '/' ? "" : "/");
            rc = imp_write(path, md, d);
            free(path);
        }
    }
    free(md);
    return rc;
}
