/* diag — see diag.h. */
#include "layout/base/diag.h"
#include "layout/base/fileio.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "layout/base/utf8.h"

src_file *src_file_new(const char *path, const char *text, size_t len)
{
    src_file *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->path = strdup(path ? path : "<input>");
    f->text = malloc(len + 1);
    size_t nl = 1;
    for (size_t i = 0; i < len; i++)
        nl += text[i] == '\n';
    f->line_start = malloc(nl * sizeof *f->line_start);
    if (!f->path || !f->text || !f->line_start) {
        src_file_free(f);
        errno = ENOMEM;
        return NULL;
    }
    memcpy(f->text, text, len);
    f->text[len] = 0;
    f->len = len;
    f->line_start[0] = 0;
    f->nlines = 1;
    for (size_t i = 0; i < len; i++)
        if (text[i] == '\n')
            f->line_start[f->nlines++] = i + 1;
    return f;
}

src_file *src_file_read(const char *path)
{
    size_t n;
    unsigned char *buf = fileio_read(path, (size_t)1 << 31, &n);
    if (!buf)
        return NULL;
    src_file *f = src_file_new(path, (const char *)buf, n);
    free(buf);
    return f;
}

void src_file_free(src_file *f)
{
    if (!f)
        return;
    free(f->path);
    free(f->text);
    free(f->line_start);
    free(f);
}

void src_file_pos(const src_file *f, size_t off, int *line, int *col)
{
    if (off > f->len)
        off = f->len;
    size_t lo = 0, hi = f->nlines;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (f->line_start[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    *line = (int)lo + 1;
    *col = 1 + (int)utf8_count(f->text + f->line_start[lo], off - f->line_start[lo]);
}

unsigned diag_flags_for(FILE *out)
{
    int fd = out ? fileno(out) : -1;
    if (fd < 0 || !isatty(fd))
        return 0;
    const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");
    bool color = !(nc && *nc) && !(term && strcmp(term, "dumb") == 0);
    return DIAG_SHOW_SOURCE | (color ? DIAG_COLOR : 0);
}

void diag_init(diag *d, FILE *out)
{
    d->out = out ? out : stderr;
    d->errors = d->warnings = 0;
    d->flags = diag_flags_for(d->out);
}

/* ---- the source line under a message (terminals only) ---- */

/* Source lines longer than this are shown as a window around the column. */
#define DIAG_SHOW_WIDTH 72

/* Columns a character takes in a terminal: 2 for East Asian wide and full-width
 * characters, 0 for combining marks, else 1. */
static int cell_width(uint32_t cp)
{
    if ((cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x200B && cp <= 0x200F) || cp == 0xFEFF)
        return 0;
    if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) ||
        (cp >= 0x3041 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
        (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
        (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6) ||
        (cp >= 0x1F300 && cp <= 0x1FAFF) || (cp >= 0x20000 && cp <= 0x3FFFD))
        return 2;
    return 1;
}

/* Line `line` (1-based) of a file on disk, into buf; false when it cannot be read
 * (only regular files are opened, and only so far). */
static bool line_from_disk(const char *path, int line, char *buf, size_t n)
{
    size_t len;
    unsigned char *text = fileio_read(path, (size_t)64 << 20, &len);
    if (!text)
        return false;
    const char *p = (const char *)text, *end = p + len;
    for (int l = 1; l < line && p < end; l++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        p = nl ? nl + 1 : end;
    }
    bool ok = p < end || line == 1;
    if (ok) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t k = (size_t)((nl ? nl : end) - p);
        if (k >= n)
            k = n - 1;
        memcpy(buf, p, k);
        buf[k] = 0;
    }
    free(text);
    return ok;
}

/* Prints the line with a caret under column col (in characters), the part around the
 * column only when the line is long; tabs and controls print as one space. */
static void show_line(diag *d, const char *text, size_t len, int line, int col)
{
    enum { MAXC = 4096 };
    uint32_t *cp = malloc(MAXC * sizeof *cp);
    if (!cp)
        return;
    int n = 0;
    for (size_t i = 0; i < len && n < MAXC;) {
        uint32_t c = utf8_next(text, len, &i);
        if (c == '\r' && i == len)
            break;
        cp[n++] = c < 0x20 || c == 0x7F ? ' ' : c;
    }
    int at = col - 1 < n ? col - 1 : n;
    /* A long line is shown from a third of the width before the caret. */
    int from = at, w = 0;
    for (int i = 0; i < n; i++)
        w += cell_width(cp[i]);
    if (w <= DIAG_SHOW_WIDTH)
        from = 0;
    for (w = 0; from > 0 && w + cell_width(cp[from - 1]) <= DIAG_SHOW_WIDTH / 3;)
        w += cell_width(cp[--from]);
    int to = from;
    for (w = 0; to < n && w + cell_width(cp[to]) <= DIAG_SHOW_WIDTH; to++)
        w += cell_width(cp[to]);
    bool color = d->flags & DIAG_COLOR;
    fprintf(d->out, "%5d | %s", line, from > 0 ? "…" : "");
    for (int i = from; i < to; i++) {
        char u[4];
        fwrite(u, 1, (size_t)utf8_put(cp[i], u), d->out);
    }
    fprintf(d->out, "%s\n      | %s", to < n ? "…" : "", from > 0 ? " " : "");
    for (int i = from; i < at; i++)
        fputs(cell_width(cp[i]) == 2 ? "  " : cell_width(cp[i]) ? " " : "", d->out);
    fprintf(d->out, "%s^%s\n", color ? "\033[1;32m" : "", color ? "\033[0m" : "");
    free(cp);
}

static void show_source(diag *d, const src_file *src, const char *file, int line, int col)
{
    if (!(d->flags & DIAG_SHOW_SOURCE) || line <= 0)
        return;
    if (src && (size_t)line <= src->nlines) {
        size_t a = src->line_start[line - 1];
        const char *nl = memchr(src->text + a, '\n', src->len - a);
        show_line(d, src->text + a, (size_t)((nl ? nl : src->text + src->len) - (src->text + a)),
                  line, col);
        return;
    }
    char buf[8192];
    if (file && line_from_disk(file, line, buf, sizeof buf))
        show_line(d, buf, strlen(buf), line, col);
}

static const char *kind_color(const char *kind)
{
    return strcmp(kind, "error") == 0 ? "\033[1;31m"
         : strcmp(kind, "warning") == 0 ? "\033[1;35m" : "\033[1;36m";
}

static void vreport_src(diag *d, const src_file *src, const char *file, int line, int col,
                        const char *kind, const char *fmt, va_list ap)
{
    bool color = d->flags & DIAG_COLOR;
    const char *bold = color ? "\033[1m" : "", *kc = color ? kind_color(kind) : "",
               *off = color ? "\033[0m" : "";
    if (file && line > 0)
        fprintf(d->out, "%s%s:%d:%d:%s %s%s:%s ", bold, file, line, col, off, kc, kind, off);
    else if (file)
        fprintf(d->out, "%s%s:%s %s%s:%s ", bold, file, off, kc, kind, off);
    else
        fprintf(d->out, "jianbao: %s%s:%s ", kc, kind, off);
    vfprintf(d->out, fmt, ap);
    fputc('\n', d->out);
    show_source(d, src, file, line, col);
}

static void vreport(diag *d, const char *file, int line, int col, const char *kind,
                    const char *fmt, va_list ap)
{
    vreport_src(d, NULL, file, line, col, kind, fmt, ap);
}

void diag_error(diag *d, const char *file, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(d, file, line, col, "error", fmt, ap);
    va_end(ap);
    d->errors++;
}

void diag_warning(diag *d, const char *file, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(d, file, line, col, "warning", fmt, ap);
    va_end(ap);
    d->warnings++;
}

void diag_error_at(diag *d, const src_file *f, size_t off, const char *fmt, ...)
{
    int line, col;
    src_file_pos(f, off, &line, &col);
    va_list ap;
    va_start(ap, fmt);
    vreport_src(d, f, f->path, line, col, "error", fmt, ap);
    va_end(ap);
    d->errors++;
}

void diag_warning_at(diag *d, const src_file *f, size_t off, const char *fmt, ...)
{
    int line, col;
    src_file_pos(f, off, &line, &col);
    va_list ap;
    va_start(ap, fmt);
    vreport_src(d, f, f->path, line, col, "warning", fmt, ap);
    va_end(ap);
    d->warnings++;
}

void diag_error_general(diag *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(d, NULL, 0, 0, "error", fmt, ap);
    va_end(ap);
    d->errors++;
}

void diag_note(diag *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("jianbao: ", d->out);
    vfprintf(d->out, fmt, ap);
    fputc('\n', d->out);
    va_end(ap);
}

void diag_notice(diag *d, const char *file, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(d, file, line, col, "note", fmt, ap);
    va_end(ap);
}
