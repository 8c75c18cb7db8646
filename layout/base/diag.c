/* diag — see diag.h. */
#include "layout/base/diag.h"
#include "layout/base/fileio.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

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
    int c = 1;
    for (size_t i = f->line_start[lo]; i < off; i++)
        c += ((unsigned char)f->text[i] & 0xC0) != 0x80;
    *line = (int)lo + 1;
    *col = c;
}

void diag_init(diag *d, FILE *out)
{
    d->out = out ? out : stderr;
    d->errors = d->warnings = 0;
}

static void vreport(diag *d, const char *file, int line, int col, const char *kind,
                    const char *fmt, va_list ap)
{
    if (file && line > 0)
        fprintf(d->out, "%s:%d:%d: %s: ", file, line, col, kind);
    else if (file)
        fprintf(d->out, "%s: %s: ", file, kind);
    else
        fprintf(d->out, "jianbao: %s: ", kind);
    vfprintf(d->out, fmt, ap);
    fputc('\n', d->out);
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
    vreport(d, f->path, line, col, "error", fmt, ap);
    va_end(ap);
    d->errors++;
}

void diag_warning_at(diag *d, const src_file *f, size_t off, const char *fmt, ...)
{
    int line, col;
    src_file_pos(f, off, &line, &col);
    va_list ap;
    va_start(ap, fmt);
    vreport(d, f->path, line, col, "warning", fmt, ap);
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
