/* import — see import.h.
 *
 * One pass per concern, each over the previous one's output (the file holding each):
 *   decode    bytes → UTF-8: GB 18030 and UTF-16 converted, or refused   import_clean.c
 *   clean     valid UTF-8 (LF, no NUL or control characters)             import_clean.c
 *   lines     split, trimmed, classified; running footers marked         import_lines.c
 *   blocks    runs of lines → paragraphs, headings, tables, lists (page
 *             breaks remembered)                                         import_lines.c
 *   masthead  the blocks before the contents listing → front matter      import_outline.c
 *   contents  the 目录 listing → section names and article titles
 *   roles     body blocks → sections, articles, inner headings, paragraphs
 *   articles  per article: embedded contents, demoted and promoted
 *             headings, levels
 *   tables    captions, grids → GFM or HTML                              import_table.c
 *   paragraphs source lines; signatures (落款); lost figures; paragraphs
 *             cut at page breaks rejoined; Latin words standing in for
 *             Chinese ones (reported only); ** that CommonMark would not
 *             close next to CJK punctuation                              import_para.c
 *   emit      front matter + Markdown, each block's line recorded        import_emit.c
 *   report    messages at those lines of issue.md: places to check,
 *             then notices                                               import_msg.c
 * Every step is linear in the input (title matching is hashed; the fuzzy comparison only
 * looks at the next few titles and at most IMP_FUZZY_MAX characters). Shared measures
 * and classes are in import_text.c; Word articles (pandoc) in import_docx.c. */
#include "layout/import/import.h"
#include "layout/import/import_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layout/base/fileio.h"

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
    c->body_line = body < c->nblk ? imp_no(c, &c->blk[body]) : c->nline + 1;
    imp_articles(c, body);
    imp_captions(c, body);
    for (int i = body; i < c->nblk && !c->oom; i++)
        if (c->blk[i].kind == BK_TABLE && c->blk[i].role == R_RAW)
            imp_table_block(c, &c->blk[i]);
    imp_sources(c, body);
    imp_signatures(c, body);
    imp_figures(c, body);
    imp_rejoin(c, body);
    imp_latin_words(c, body);
    imp_emphasis(c, body);
}

/* The encoding could not be told: where the first byte that is not UTF-8 sits (lines
 * counted by newline bytes, columns by UTF-8 characters before it), and what to do. */
static void imp_undecided(const imp_ctx *c, const char *in, const char *text, diag *d)
{
    if (c->from) {
        diag_error(d, in, 0, 0,
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
    diag_error(d, in, line, col,
               "not UTF-8 (byte 0x%02X), nor GB 18030/GBK or UTF-16: cannot tell the encoding; convert "
               "the file to UTF-8 first: iconv -f ENCODING -t UTF-8 %s > utf8.txt, where ENCODING is "
               "the one it was saved in (for example BIG5)",
               (unsigned char)text[c->bad_at], in);
}

/* ===================== the API ===================== */

char *import_text(const char *text, size_t len, const import_opts *o, import_counts *n, diag *d)
{
    diag fallback;
    if (!d) {
        diag_init(&fallback, stderr);
        d = &fallback;
    }
    import_opts none = { 0 };
    if (!o)
        o = &none;
    imp_ctx c = { 0 };
    c.name = o->out ? o->out : "issue.md";
    const char *in = o->in ? o->in : "<input>";
    char *out = NULL;
    if (imp_decode(&c, text ? text : "", text ? len : 0) && imp_split_lines(&c)) {
        imp_mark_footers(&c);
        imp_make_blocks(&c);
        if (!c.oom)
            imp_structure(&c);
        if (!c.oom)
            out = imp_emit(&c, 0);
    }
    int counts[2] = { 0, 0 };
    if (c.undecided) {
        imp_undecided(&c, in, text, d);
    } else if (!c.oom) {
        if (c.from)
            diag_notice(d, in, 0, 0, "converted from %s", c.from);
        if (!imp_report(&c, d, o->verbose, counts))
            c.oom = true;
    }
    if (c.oom) {
        free(out);
        out = NULL;
        diag_error(d, in, 0, 0, "out of memory while importing");
    }
    if (n)
        *n = (import_counts){ counts[0], counts[1] };
    imp_free(&c);
    return out;
}

int imp_mkdirs(const char *dir, diag *d)
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

int imp_write(const char *path, const char *text, diag *d)
{
    char *tmp = strbuf_format("%s.tmpXXXXXX", path);
    if (!tmp) {
        diag_error_general(d, "out of memory");
        return -1;
    }
    int fd = mkstemp(tmp);
    if (fd < 0) {
        diag_error(d, path, 0, 0, "cannot write: %s", strerror(errno));
        free(tmp);
        return -1;
    }
    /* every write checked, the data on disk (fsync) before the rename replaces the old
     * file: a full disk leaves the old file as it was */
    size_t len = strlen(text), done = 0;
    bool ok = fchmod(fd, 0644) == 0;
    while (ok && done < len) {
        ssize_t k = write(fd, text + done, len - done);
        if (k < 0 && errno == EINTR)
            continue;
        ok = k > 0;
        done += ok ? (size_t)k : 0;
    }
    ok = ok && fsync(fd) == 0;
    int err = errno;
    if (close(fd) != 0 && ok)
        ok = false, err = errno;
    if (ok && rename(tmp, path) != 0)
        ok = false, err = errno;
    if (!ok) {
        diag_error(d, path, 0, 0, "cannot write: %s", strerror(err ? err : EIO));
        unlink(tmp);
    }
    free(tmp);
    return ok ? 0 : -1;
}

char *imp_read_input(const char *path, size_t *len, diag *d)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        diag_error(d, path, 0, 0, "cannot read: %s", strerror(errno));
        return NULL;
    }
    /* a FIFO or a device would block or never end */
    if (!S_ISREG(st.st_mode)) {
        diag_error(d, path, 0, 0, "not a regular file; give the text file itself");
        return NULL;
    }
    char *text = (char *)fileio_read(path, IMP_INPUT_MAX, len);
    if (!text)
        diag_error(d, path, 0, 0, "cannot read: %s",
                   errno == EFBIG ? "larger than " IMP_INPUT_MAX_TEXT ", too large for an issue" : strerror(errno));
    return text;
}

int import_run(const char *in_path, const char *out_dir, const import_opts *o, import_counts *n, diag *d)
{
    if (!in_path || !out_dir) {
        diag_error_general(d, "import: an input file and an output directory are needed");
        return -1;
    }
    if (!*out_dir)
        out_dir = ".";
    size_t dn = strlen(out_dir);
    char *path = strbuf_format("%s%sissue.md", out_dir, out_dir[dn - 1] == '/' ? "" : "/");
    if (!path) {
        diag_error_general(d, "out of memory");
        return -1;
    }
    /* an issue.md there may hold an editor's corrections: kept unless asked */
    struct stat st;
    if (!(o && o->force) && lstat(path, &st) == 0) {
        diag_error(d, path, 0, 0,
                   "already exists and may hold your corrections; import does not replace it: "
                   "import into another folder, or add --force to replace it");
        free(path);
        return -1;
    }
    size_t len;
    char *text = imp_read_input(in_path, &len, d);
    if (!text) {
        free(path);
        return -1;
    }
    import_opts io = o ? *o : (import_opts){ 0 };
    io.in = in_path;
    io.out = path;
    char *md = import_text(text, len, &io, n, d);
    free(text);
    int rc = md ? imp_mkdirs(out_dir, d) : -1;
    if (rc == 0)
        rc = imp_write(path, md, d);
    free(md);
    free(path);
    return rc;
}
