/* import_msg — the importer's messages: collected while the passes run, reported in
 * line order at the end. */
#include "layout/import/import_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout/base/vec.h"

void imp_warn(imp_ctx *c, int line, const char *fmt, ...)
{
    if (c->oom)
        return;
    if (!VEC_PUSH_ROOM(c->warn, c->capwarn, c->nwarn)) {
        c->oom = true;
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *msg = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (!msg) {
        c->oom = true;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(msg, (size_t)n + 1, fmt, ap);
    va_end(ap);
    c->warn[c->nwarn] = (imp_warning){ line, c->nwarn, msg };
    c->nwarn++;
}

static int imp_warning_cmp(const void *a, const void *b)
{
    const imp_warning *x = a, *y = b;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

void imp_report(imp_ctx *c, diag *d)
{
    qsort(c->warn, (size_t)c->nwarn, sizeof *c->warn, imp_warning_cmp);
    for (int i = 0; i < c->nwarn; i++)
        diag_warning(d, c->name, c->warn[i].line, 1, "%s", c->warn[i].msg);
}

const char *imp_snip(char out[128], const char *s)
{
    size_t n = strlen(s), i = 0, o = 0;
    int k = 0;
    while (i < n && k < 24) {
        size_t j = i;
        imp_next(s, n, &j);
        memcpy(out + o, s + i, j - i);
        o += j - i;
        i = j;
        k++;
    }
    if (i < n) {
        memcpy(out + o, "…", strlen("…"));
        o += strlen("…");
    }
    out[o] = 0;
    return out;
}

const char *imp_tail(const char *s, size_t k)
{
    size_t i = strlen(s);
    while (i > 0 && k-- > 0)
        utf8_prev(s, &i);
    return s + i;
}
