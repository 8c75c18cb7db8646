/* pcache — see pcache.h. */
#include "layout/compose/pcache.h"

#include <stdlib.h>
#include <string.h>

#include "layout/base/vec.h"

/* Where the composer left each unit. */
typedef struct {
    float x, cl, cr;
    int32_t line;
} unit_pos;

typedef struct {
    pcache_how how;
    compose_result r;
    unit_pos *pos;
} composition;

struct pcache_entry {
    struct pcache_entry *next;      /* in its bucket */
    uint64_t hash;
    char *key;
    size_t nkey;
    para *p;                        /* as shaped; span sources relative to the first inline */
    composition *cmp;
    int ncmp;
    size_t capcmp;
    unsigned gen;                   /* the last build that used it */
    size_t bytes;
};

struct pcache {
    struct pcache_entry **b;
    size_t nb, n;
    size_t bytes, max;
    uint64_t fp;
    unsigned gen;
    long hits, misses;
};

uint64_t pcache_hash(uint64_t h, const void *data, size_t n)
{
    const unsigned char *s = data;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

pcache *pcache_new(size_t max_bytes)
{
    pcache *c = calloc(1, sizeof *c);
    if (c)
        c->max = max_bytes;
    return c;
}

static void entry_free(struct pcache_entry *e)
{
    for (int i = 0; i < e->ncmp; i++) {
        compose_result_free(&e->cmp[i].r);
        free(e->cmp[i].pos);
    }
    free(e->cmp);
    para_free(e->p);
    free(e->key);
    free(e);
}

/* Drops the entries keep() refuses (all of them when all). */
static void sweep(pcache *c, bool all)
{
    for (size_t i = 0; i < c->nb; i++) {
        struct pcache_entry **at = &c->b[i];
        while (*at) {
            struct pcache_entry *e = *at;
            if (all || e->gen != c->gen) {
                *at = e->next;
                c->bytes -= e->bytes;
                c->n--;
                entry_free(e);
            } else {
                at = &e->next;
            }
        }
    }
}

void pcache_free(pcache *c)
{
    if (!c)
        return;
    sweep(c, true);
    free(c->b);
    free(c);
}

void pcache_begin(pcache *c, uint64_t fingerprint)
{
    sweep(c, fingerprint != c->fp);
    c->fp = fingerprint;
    c->gen++;
    c->hits = c->misses = 0;
}

void pcache_stats(const pcache *c, long *hits, long *misses)
{
    *hits = c ? c->hits : 0;
    *misses = c ? c->misses : 0;
}

/* A copy of p's text, spans, glyphs and units; span sources moved by delta. */
static para *copy(const para *p, size_t delta)
{
    para *q = para_new();
    if (!q)
        return NULL;
    q->text = malloc(p->len + 1);
    q->spans = malloc((size_t)(p->nspans ? p->nspans : 1) * sizeof *q->spans);
    q->span_end = malloc((size_t)(p->nspans ? p->nspans : 1) * sizeof *q->span_end);
    q->g = malloc((p->ng ? p->ng : 1) * sizeof *q->g);
    q->u = malloc((p->nu ? p->nu : 1) * sizeof *q->u);
    q->fonts = malloc((size_t)(p->nfonts ? p->nfonts : 1) * sizeof *q->fonts);
    if (!q->text || !q->spans || !q->span_end || !q->g || !q->u || !q->fonts) {
        para_free(q);
        return NULL;
    }
    memcpy(q->text, p->text ? p->text : "", p->len);
    q->text[p->len] = 0;
    q->len = p->len;
    q->cap = p->len + 1;
    memcpy(q->spans, p->spans, (size_t)p->nspans * sizeof *q->spans);
    memcpy(q->span_end, p->span_end, (size_t)p->nspans * sizeof *q->span_end);
    q->nspans = p->nspans;
    q->capspans = q->capends = (size_t)(p->nspans ? p->nspans : 1);
    bool ok = true;
    for (int i = 0; i < q->nspans; i++) {
        q->spans[i].src += delta;
        /* A link's target belongs to its paragraph (para_free frees it). */
        const char *h = q->spans[i].href;
        q->spans[i].href = ok && h ? strdup(h) : NULL;
        ok = ok && (!h || q->spans[i].href);
    }
    if (!ok) {
        para_free(q);
        return NULL;
    }
    memcpy(q->g, p->g, p->ng * sizeof *q->g);
    q->ng = p->ng;
    memcpy(q->u, p->u, p->nu * sizeof *q->u);
    q->nu = p->nu;
    memcpy(q->fonts, p->fonts, (size_t)p->nfonts * sizeof *q->fonts);
    q->nfonts = p->nfonts;
    q->capfonts = (size_t)(p->nfonts ? p->nfonts : 1);
    return q;
}

static struct pcache_entry *find(pcache *c, uint64_t h, const void *key, size_t n)
{
    if (!c->nb)
        return NULL;
    for (struct pcache_entry *e = c->b[h & (c->nb - 1)]; e; e = e->next)
        if (e->hash == h && e->nkey == n && memcmp(e->key, key, n) == 0)
            return e;
    return NULL;
}

para *pcache_get(pcache *c, const void *key, size_t n, size_t src0)
{
    uint64_t h = pcache_hash(PCACHE_SEED, key, n);
    struct pcache_entry *e = find(c, h, key, n);
    if (!e) {
        c->misses++;
        return NULL;
    }
    para *q = copy(e->p, src0);
    if (q) {
        q->cache = e;
        e->gen = c->gen;
        c->hits++;
    }
    return q;
}

static bool grow(pcache *c)
{
    if (c->n < c->nb)
        return true;
    size_t nb = c->nb ? 2 * c->nb : 1024;
    struct pcache_entry **b = calloc(nb, sizeof *b);
    if (!b)
        return false;
    for (size_t i = 0; i < c->nb; i++)
        for (struct pcache_entry *e = c->b[i], *next; e; e = next) {
            next = e->next;
            e->next = b[e->hash & (nb - 1)];
            b[e->hash & (nb - 1)] = e;
        }
    free(c->b);
    c->b = b;
    c->nb = nb;
    return true;
}

void pcache_put(pcache *c, const void *key, size_t n, para *p, size_t src0)
{
    size_t bytes = sizeof(struct pcache_entry) + n + p->len + p->ng * sizeof *p->g +
                   p->nu * sizeof *p->u + (size_t)p->nspans * (sizeof *p->spans + 4);
    uint64_t h = pcache_hash(PCACHE_SEED, key, n);
    if (c->bytes + bytes > c->max || find(c, h, key, n) || !grow(c))
        return;
    struct pcache_entry *e = calloc(1, sizeof *e);
    if (!e)
        return;
    e->key = malloc(n ? n : 1);
    e->p = copy(p, (size_t)0 - src0);
    if (!e->key || !e->p) {
        entry_free(e);
        return;
    }
    memcpy(e->key, key, n);
    for (int i = 0; i < e->p->nspans; i++) {
        e->p->spans[i].fonts.fallback = NULL;   /* the build's own list: shaping only */
        e->p->spans[i].fonts.nfallback = 0;
    }
    e->nkey = n;
    e->hash = h;
    e->gen = c->gen;
    e->bytes = bytes;
    e->next = c->b[h & (c->nb - 1)];
    c->b[h & (c->nb - 1)] = e;
    c->n++;
    c->bytes += bytes;
    p->cache = e;
}

static bool same_how(const pcache_how *a, const pcache_how *b)
{
    return a->measure == b->measure && a->indent == b->indent && a->size == b->size &&
           a->wrap_indent == b->wrap_indent && a->looseness == b->looseness &&
           a->align == b->align && a->verbatim == b->verbatim &&
           a->keep_brackets == b->keep_brackets && a->keep_words == b->keep_words &&
           a->balance == b->balance && a->phrase_balance == b->phrase_balance;
}

bool pcache_composed(pcache *c, para *p, const pcache_how *how, compose_result *r)
{
    struct pcache_entry *e = p->cache;
    if (!e || e->p->nu != p->nu)
        return false;
    for (int i = 0; i < e->ncmp; i++) {
        const composition *k = &e->cmp[i];
        if (!same_how(&k->how, how))
            continue;
        *r = k->r;
        r->lines = malloc((size_t)(k->r.n ? k->r.n : 1) * sizeof *r->lines);
        if (!r->lines) {
            memset(r, 0, sizeof *r);
            return false;
        }
        memcpy(r->lines, k->r.lines, (size_t)k->r.n * sizeof *r->lines);
        r->cap = (size_t)(k->r.n ? k->r.n : 1);
        for (size_t u = 0; u < p->nu; u++) {
            p->u[u].x = k->pos[u].x;
            p->u[u].cl = k->pos[u].cl;
            p->u[u].cr = k->pos[u].cr;
            p->u[u].line = k->pos[u].line;
        }
        c->hits++;
        return true;
    }
    return false;
}

void pcache_compose_put(pcache *c, const para *p, const pcache_how *how,
                        const compose_result *r)
{
    struct pcache_entry *e = p->cache;
    size_t bytes = sizeof(composition) + (size_t)r->n * sizeof *r->lines +
                   p->nu * sizeof(unit_pos);
    if (!e || e->p->nu != p->nu || c->bytes + bytes > c->max ||
        !VEC_PUSH_ROOM(e->cmp, e->capcmp, e->ncmp))
        return;
    composition *k = &e->cmp[e->ncmp];
    k->how = *how;
    k->r = *r;
    k->r.lines = malloc((size_t)(r->n ? r->n : 1) * sizeof *r->lines);
    k->pos = malloc((p->nu ? p->nu : 1) * sizeof *k->pos);
    if (!k->r.lines || !k->pos) {
        free(k->r.lines);
        free(k->pos);
        return;
    }
    memcpy(k->r.lines, r->lines, (size_t)r->n * sizeof *r->lines);
    k->r.cap = (size_t)(r->n ? r->n : 1);
    for (size_t u = 0; u < p->nu; u++)
        k->pos[u] = (unit_pos){ p->u[u].x, p->u[u].cl, p->u[u].cr, p->u[u].line };
    e->ncmp++;
    e->bytes += bytes;
    c->bytes += bytes;
    c->misses++;
}
