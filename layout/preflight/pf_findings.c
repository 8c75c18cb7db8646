/* pf_findings — findings as they are met, grouped: one group per check and message,
 * holding the pages it was met on (as ranges), how often, the first objects involved
 * and the worst value measured. Groups are found through a hash of (check, message), so
 * a file with a finding on every text run costs one lookup each. */
#include "layout/preflight/pf_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "layout/base/strbuf.h"
#include "layout/base/utf8.h"
#include "layout/base/vec.h"

/* Object numbers kept per finding: enough for a tool to find the first ones. */
#define GROUP_OBJECTS 8

struct pf_group {
    pf_check_id check;
    pf_sev sev;
    char *message;
    uint64_t hash;
    bool has_worst;
    double worst;
    preflight_pages *pages;
    size_t npages, cappages;
    int count;
    int objects[GROUP_OBJECTS];
    size_t nobjects;
};

static uint64_t fnv(uint64_t h, const void *data, size_t n)
{
    const unsigned char *s = data;
    for (size_t i = 0; i < n; i++)
        h = (h ^ s[i]) * 1099511628211u;
    return h;
}

/* The message as valid UTF-8 without control characters: names and strings from the
 * PDF may hold any byte, and the report goes to terminals and JSON. */
static char *clean_text(const char *s)
{
    strbuf b = { 0 };
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        size_t at = i;
        uint32_t cp = utf8_next(s, n, &i);
        char enc[4];
        if (cp == 0xFFFD && !(i - at == 3 && !memcmp(s + at, "\xEF\xBF\xBD", 3)))
            strbuf_chr(&b, '?');
        else if (cp < 0x20 || cp == 0x7F)
            strbuf_chr(&b, ' ');
        else
            strbuf_add(&b, enc, (size_t)utf8_put(cp, enc));
    }
    return strbuf_take(&b);
}

/* The group of (c, msg), or a new one taking msg over (*took set); NULL past the
 * limit or out of memory. */
static pf_group *group_for(pf *p, pf_check_id c, char *msg, bool *took)
{
    *took = false;
    uint64_t h = fnv(fnv(1469598103934665603u, &c, sizeof c), msg, strlen(msg));
    if (!p->slots) {
        size_t n = 64;
        while (n < p->lim->findings * 2 + 2 && n < ((size_t)1 << 24))
            n *= 2;
        if (!(p->slots = calloc(n, sizeof *p->slots)))
            return NULL;
        p->nslots = n;
    }
    size_t i = h & (p->nslots - 1);
    for (; p->slots[i]; i = (i + 1) & (p->nslots - 1)) {
        pf_group *g = &p->groups[p->slots[i] - 1];
        if (g->hash == h && g->check == c && !strcmp(g->message, msg))
            return g;
    }
    if (p->ngroups >= p->lim->findings || p->ngroups + 1 >= p->nslots / 2) {
        p->omitted++;
        return NULL;
    }
    if (!VEC_PUSH_ROOM(p->groups, p->capgroups, p->ngroups))
        return NULL;
    pf_group *g = &p->groups[p->ngroups];
    memset(g, 0, sizeof *g);
    g->check = c;
    g->hash = h;
    g->message = msg;
    *took = true;
    p->slots[i] = (uint32_t)++p->ngroups;
    return g;
}

static void add_page(pf_group *g, int page)
{
    preflight_pages *last = g->npages ? &g->pages[g->npages - 1] : NULL;
    if (last && last->last >= page)
        return;
    g->count++;
    if (last && last->last == page - 1)
        last->last = page;
    else if (VEC_PUSH_ROOM(g->pages, g->cappages, g->npages))
        g->pages[g->npages++] = (preflight_pages){ page, page };
}

static bool has_object(const pf_group *g, int obj)
{
    for (size_t i = 0; i < g->nobjects; i++)
        if (g->objects[i] == obj)
            return true;
    return false;
}

static void add(pf *p, pf_check_id c, int obj, bool has_v, double v, const char *fmt,
                va_list ap)
{
    const pf_check *d = pf_check_def(c);
    pf_sev sev = p->std == PREFLIGHT_X4 ? d->x4 : d->x1a;
    if (sev == PF_NONE)
        return;
    char raw[512];
    vsnprintf(raw, sizeof raw, fmt, ap);
    char *msg = clean_text(raw);
    bool took = false;
    pf_group *g = msg ? group_for(p, c, msg, &took) : NULL;
    if (!took)
        free(msg);
    if (!g)
        return;
    g->sev = sev;
    if (p->page > 0)
        add_page(g, p->page);
    else if (obj <= 0 || !has_object(g, obj))
        g->count++;
    if (obj > 0 && g->nobjects < GROUP_OBJECTS && !has_object(g, obj))
        g->objects[g->nobjects++] = obj;
    if (has_v && isfinite(v)) {
        if (!g->has_worst || (d->worst_is_max ? v > g->worst : v < g->worst))
            g->worst = v;
        g->has_worst = true;
    }
}

void pf_find(pf *p, pf_check_id c, int obj, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add(p, c, obj, false, 0, fmt, ap);
    va_end(ap);
}

void pf_find_v(pf *p, pf_check_id c, int obj, double value, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add(p, c, obj, true, value, fmt, ap);
    va_end(ap);
}

void pf_limit(pf *p, const char *fmt, ...)
{
    if (p->stop)
        return;
    va_list ap;
    va_start(ap, fmt);
    add(p, PFK_LIMIT, 0, false, 0, fmt, ap);
    va_end(ap);
    p->stop = true;
}

/* Stable order for the report: by rule, then as first met. */
static int by_rule(const void *a, const void *b)
{
    const pf_group *const *x = a, *const *y = b;
    int rx = pf_check_def((*x)->check)->rule, ry = pf_check_def((*y)->check)->rule;
    if (rx != ry)
        return rx < ry ? -1 : 1;
    return *x < *y ? -1 : *x > *y;
}

static bool to_finding(pf_group *g, preflight_finding *f)
{
    const pf_check *d = pf_check_def(g->check);
    memset(f, 0, sizeof *f);
    f->rule = d->rule;
    f->check = d->id;
    f->severity = g->sev == PF_FAIL ? PREFLIGHT_FAILURE : PREFLIGHT_WARNING;
    f->fix = d->fix;
    f->count = g->count;
    if (d->worst && g->has_worst) {
        strbuf b = { 0 };
        strbuf_printf(&b, "%s (", g->message);
        strbuf_printf(&b, d->worst, g->worst);
        strbuf_chr(&b, ')');
        f->message = strbuf_take(&b);
        if (!f->message)
            return false;
    } else {
        f->message = g->message;
        g->message = NULL;
    }
    f->pages = g->pages;
    f->npages = g->npages;
    g->pages = NULL;
    g->npages = 0;
    if (g->nobjects) {
        f->objects = malloc(g->nobjects * sizeof *f->objects);
        if (!f->objects)
            return false;
        memcpy(f->objects, g->objects, g->nobjects * sizeof *f->objects);
        f->nobjects = g->nobjects;
    }
    return true;
}

bool pf_findings_to_report(pf *p, preflight_report *r)
{
    r->omitted = p->omitted;
    if (p->ngroups == 0)
        return true;
    pf_group **order = malloc(p->ngroups * sizeof *order);
    r->findings = calloc(p->ngroups, sizeof *r->findings);
    if (!order || !r->findings) {
        free(order);
        return false;
    }
    for (size_t i = 0; i < p->ngroups; i++)
        order[i] = &p->groups[i];
    qsort(order, p->ngroups, sizeof *order, by_rule);
    bool ok = true;
    for (size_t i = 0; i < p->ngroups && ok; i++) {
        ok = to_finding(order[i], &r->findings[i]);
        r->nfindings = i + 1;
        if (r->findings[i].severity == PREFLIGHT_FAILURE)
            r->failures++;
        else
            r->warnings++;
    }
    free(order);
    return ok;
}

void pf_findings_free(pf *p)
{
    for (size_t i = 0; i < p->ngroups; i++) {
        free(p->groups[i].message);
        free(p->groups[i].pages);
    }
    free(p->groups);
    free(p->slots);
    p->groups = NULL;
    p->slots = NULL;
    p->ngroups = p->capgroups = p->nslots = 0;
}
