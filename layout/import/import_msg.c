/* import_msg — the importer's messages: collected while the passes run, with the input
 * line they are about; reported at the end at the lines of issue.md where that text
 * went — places to check first, then (on request) notices. */
#include "layout/import/import_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout/base/vec.h"

char *imp_vformat(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (s)
        vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

static void imp_vmsg(imp_ctx *c, int line, int key, bool check, const char *fmt, va_list ap)
{
    if (c->oom)
        return;
    char *msg = imp_vformat(fmt, ap);
    if (!msg || !VEC_PUSH_ROOM(c->warn, c->capwarn, c->nwarn)) {
        free(msg);
        c->oom = true;
        return;
    }
    c->warn[c->nwarn] = (imp_warning){ .line = line, .key = key, .check = check, .seq = c->nwarn, .msg = msg };
    c->nwarn++;
}

void imp_check(imp_ctx *c, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    imp_vmsg(c, line, -1, true, fmt, ap);
    va_end(ap);
}

void imp_check_key(imp_ctx *c, int key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    imp_vmsg(c, 0, key, true, fmt, ap);
    va_end(ap);
}

void imp_notice(imp_ctx *c, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    imp_vmsg(c, line, -1, false, fmt, ap);
    va_end(ap);
}

/* Places to check first, then notices; each in the order of issue.md. */
static int imp_warning_cmp(const void *a, const void *b)
{
    const imp_warning *x = a, *y = b;
    if (x->check != y->check)
        return x->check ? -1 : 1;
    if (x->out != y->out)
        return x->out < y->out ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

/* Where each input line ended up in issue.md: the line of the block holding it, else
 * of the next block written (what was dropped — a footer, a caption moved into its
 * table — sat just before it). The masthead and the contents listing went into the
 * front matter or nowhere: line 1. at[0] is unused. NULL when memory runs out. */
static int *imp_line_map(const imp_ctx *c)
{
    int *at = calloc((size_t)c->nline + 2, sizeof *at);
    if (!at)
        return NULL;
    for (int i = 0; i < c->nblk; i++) {
        const imp_block *b = &c->blk[i];
        for (int l = b->first; b->out_line > 0 && l <= b->last; l++)
            if (at[c->line[l].no] == 0)
                at[c->line[l].no] = b->out_line;
    }
    at[c->nline + 1] = c->out_lines;
    for (int l = c->nline; l >= 1; l--)
        if (at[l] == 0)
            at[l] = at[l + 1];
    for (int l = 1; l <= c->nline && l < c->body_line; l++)
        at[l] = 1;
    return at;
}

bool imp_report(imp_ctx *c, diag *d, bool verbose, int counts[2])
{
    int *at = imp_line_map(c);
    if (!at)
        return false;
    counts[0] = counts[1] = 0;
    for (int i = 0; i < c->nwarn; i++) {
        imp_warning *w = &c->warn[i];
        if (w->key >= 0)
            w->out = c->meta_line[w->key] > 0 ? c->meta_line[w->key] : 1;
        else
            w->out = w->line >= 1 && w->line <= c->nline ? at[w->line] : 1;
        counts[w->check ? 0 : 1]++;
    }
    free(at);
    if (c->nwarn > 1)           /* no list at all when nothing was said */
        qsort(c->warn, (size_t)c->nwarn, sizeof *c->warn, imp_warning_cmp);
    if (counts[0] == 1)
        diag_note(d, "check this place in %s:", c->name);
    else if (counts[0] > 1)
        diag_note(d, "check these %d places in %s:", counts[0], c->name);
    for (int i = 0; i < counts[0]; i++)
        diag_warning(d, c->name, c->warn[i].out, 1, "%s", c->warn[i].msg);
    if (verbose && counts[1] > 0)
        diag_note(d, "%d notice%s: what the import did on its own", counts[1], counts[1] == 1 ? "" : "s");
    for (int i = counts[0]; verbose && i < c->nwarn; i++)
        diag_notice(d, c->name, c->warn[i].out, 1, "%s", c->warn[i].msg);
    return true;
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
