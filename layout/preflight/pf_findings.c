/* pf_findings — findings as they are met: one line each, repeats on a page dropped. */
#include "layout/preflight/pf_int.h"

#include <stdarg.h>
#include <stdlib.h>

static uint64_t fnv(const char *s)
{
    uint64_t h = 1469598103934665603u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

static bool seen_before(pf *p, const char *line)
{
    uint64_t h = fnv(line);
    for (size_t i = 0; i < p->nseen; i++)
        if (p->seen[i] == h)
            return true;
    if (p->nseen == p->capseen && p->capseen < MAX_FINDINGS) {
        size_t nc = p->capseen ? p->capseen * 2 : 64;
        uint64_t *ns = realloc(p->seen, nc * sizeof *ns);
        if (ns) {
            p->seen = ns;
            p->capseen = nc;
        }
    }
    if (p->nseen < p->capseen)
        p->seen[p->nseen++] = h;
    return false;
}

void pf_finding(pf *p, bool failure, int pr, int obj, const char *fmt, ...)
{
    char what[512], line[1024], where[32] = "";
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (p->page > 0)
        snprintf(where, sizeof where, "page %d: ", p->page);
    char objs[32] = "";
    if (obj > 0)
        snprintf(objs, sizeof objs, " (object %d)", obj);
    snprintf(line, sizeof line, "%s: %sPR-%02d: %s: %s%s\n", p->path, where, pr,
             failure ? "failure" : "warning", what, objs);
    if (seen_before(p, line))
        return;
    fputs(line, p->out);
    if (failure)
        p->failures++;
    else
        p->warnings++;
}

void pf_transparency(pf *p, int obj, const char *what)
{
    pf_finding(p, p->std != PREFLIGHT_X4, 9, obj, "transparency: %s", what);
}

