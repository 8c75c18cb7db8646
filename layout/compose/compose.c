/* compose — see compose.h. */
#include "layout/compose/compose.h"

#include "layout/base/vec.h"
#include "layout/compose/compose_int.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <linebreak.h>
#include <pthread.h>

void compose_opts_default(compose_opts *o, float measure, float em)
{
    memset(o, 0, sizeof *o);
    o->measure = measure;
    o->indent = 2 * em;
    o->strictness = STRICT_BASIC;
    o->compress = true;
    o->hanging = false;
    o->open_half_at_start = true;
    o->hl = 0.25f;
    o->hl_min = 0.125f;
    o->hl_max = 1.0f / 3;
    o->last_min = 2;
    o->justify = true;
    o->max_spread = 0.25f;
    o->token_penalty = 50;
}

void compose_result_free(compose_result *r)
{
    free(r->lines);
    memset(r, 0, sizeof *r);
}

/* Shrink tiers in clreq's order (CL-JU-03); stretch tiers (CL-JU-04). */
enum { T_SPACE, T_MIDDLE, T_BRACKET, T_PAUSE, T_HLGLUE, T_STOP, NTIERS };
enum { S_SPACE, S_HLGLUE, S_GAP, NSTRETCH };

/* What the composer knows about each unit and the gap before it. */
typedef struct {
    float box;                /* width after pair compression (0 for spaces) */
    float bl, br;             /* blank halves still available (pt) */
    float pl, pr;             /* pair compression taken (pt) */
    uint8_t tl, tr;           /* shrink tiers of the blank halves */
    float gn, gsh, gst;       /* glue carried by the unit (spaces), pt */
    uint8_t gtier;            /* T_SPACE or T_HLGLUE for gsh; S_SPACE or S_HLGLUE */
    float hn, hsh, hst;       /* Han–Latin glue before the unit, pt */
    float sigma;              /* inter-character stretch of the gap before (0: none) */
    bool brk;                 /* a line may start at this unit */
    bool forced;              /* a line must start here (after a hard break) */
    float penalty;            /* cost of starting a line here */
    bool countable;           /* counts as a character for CL-PA-05 */
} cunit;

/* What a line starting at a given break brings to its measure, and what one ending at
 * a given break brings: line_join puts the two together. The Knuth–Plass search keeps a
 * start per node and an end per break, so each candidate line costs a few
 * subtractions instead of a measure from scratch. */
typedef struct {
    size_t first;             /* first unit shown */
    double pn, psh, pst, ps;  /* prefix sums before it */
    float hn, hsh, hst, sigma;/* its gap before, which a line's first unit has not */
    float cut;                /* CL-PW-04: an opening bracket's blank half, or 0 */
} line_start;

typedef struct {
    para *p;
    const compose_opts *o;
    cunit *c;
    size_t n;
    double *PN, *PSH, *PST;   /* prefix sums over units and the gaps before them */
    double *PS;               /* prefix sums of the inter-character stretches alone */
    size_t *trim;             /* see prefix_sums */
    bool stretch_pos;         /* no unit's stretch is negative (see kp_wake) */
    line_start *starts;       /* kp_run: the start of a line at each break with a node */
    size_t work;              /* candidate lines looked at (compose_result.work) */
    size_t label_end;         /* units [0, label_end) are a list label */
    float label_pad;          /* fixed space between the label and its text, pt */
    float hang;               /* how far a hanging label sticks out left of the text */
    int emergency;            /* a line would not fit: 1 break inside words too, 2 anywhere */
} ctx;

static bool is_latinish(para_class c) { return compose_is_latinish(c); }

static float half_blank(const para *p, const para_unit *u, bool left)
{
    if (!u->blank)
        return 0;
    if (u->blank == (PA_LEFT | PA_RIGHT))
        return para_unit_em(p, u) / 4;
    return (u->blank & (left ? PA_LEFT : PA_RIGHT)) ? para_unit_em(p, u) / 2 : 0;
}

static uint8_t tier_of(const para_unit *u)
{
    switch (u->cls) {
    case PC_MIDDLE: return T_MIDDLE;
    case PC_OPEN: case PC_CLOSE: return T_BRACKET;
    case PC_PAUSE: return T_PAUSE;
    default: return T_STOP;
    }
}

/* A space's glue: between Han and a Latin letter or digit it becomes the Han–Latin
 * glue (CL-MX-02); in code it is a rigid character; else a Western space. */
static void space_glue(const ctx *x, size_t i, cunit *c)
{
    const para *p = x->p;
    const compose_opts *o = x->o;
    const para_unit *u = &p->u[i];
    const para_unit *a = i ? &p->u[i - 1] : NULL, *b = i + 1 < x->n ? &p->u[i + 1] : NULL;
    c->box = 0;
    bool hl = !o->verbatim && a && b &&
              ((a->cls == PC_HAN && compose_is_word(b)) ||
               (compose_is_word(a) && b->cls == PC_HAN));
    if (hl) {
        float em = para_unit_em(p, a->cls == PC_HAN ? a : b);
        c->gn = o->hl * em;
        c->gsh = (o->hl - o->hl_min) * em;
        c->gst = (o->hl_max - o->hl) * em;
        c->gtier = T_HLGLUE;
    } else if (o->verbatim) {
        c->gn = u->w;
        c->gtier = T_SPACE;
    } else {
        c->gn = u->w;
        float em = para_unit_em(p, u);
        c->gsh = u->w > em / 4 ? u->w - em / 4 : 0;
        c->gst = em / 2 > u->w ? em / 2 - u->w : 0;
        c->gtier = T_SPACE;
    }
}

/* The gap before unit i: pair compression, Han–Latin glue, inter-character stretch. */
static void gap_before(ctx *x, size_t i)
{
    const para *p = x->p;
    const compose_opts *o = x->o;
    const para_unit *a = &p->u[i - 1], *b = &p->u[i];
    cunit *ca = &x->c[i - 1], *cb = &x->c[i];
    if (i <= x->label_end) {
        /* A label is never squeezed or spread, nor the gap after it: the text after
         * every label starts at the same place. */
        if (i == x->label_end)
            cb->hn = x->label_pad;
        return;
    }
    /* CL-PW-02: two adjacent marks take 1.5 em, brackets hugging their content; the
     * half em left between them is not squeezed further (两个标点之间留半个字的空). */
    if (ca->br > 0 && (cb->bl > 0 || cb->br > 0) && para_is_mark(b->cls)) {
        ca->pr = ca->br;
        ca->box -= ca->br;
        ca->br = 0;
        cb->bl = 0;
    } else if (cb->bl > 0 && para_is_mark(a->cls)) {
        cb->pl = cb->bl;
        cb->box -= cb->bl;
        cb->bl = 0;
    }
    if (o->verbatim || a->cls == PC_BREAK || b->cls == PC_BREAK)
        return;
    /* CL-MX-01: ¼ em between Han and Latin letters or digits — not punctuation (CL-MX-05). */
    if ((a->cls == PC_HAN && compose_is_word(b)) || (compose_is_word(a) && b->cls == PC_HAN)) {
        float em = para_unit_em(p, a->cls == PC_HAN ? a : b);
        cb->hn = o->hl * em;
        cb->hsh = (o->hl - o->hl_min) * em;
        cb->hst = (o->hl_max - o->hl) * em;
    }
    /* Inter-character stretch: never inside a Latin word or number, never next to
     * a space (the space stretches), never inside ——/…… (one unit). */
    bool latin_pair = is_latinish(a->cls) && is_latinish(b->cls);
    if (!latin_pair && a->cls != PC_SPACE && b->cls != PC_SPACE)
        cb->sigma = (para_unit_em(p, a) > para_unit_em(p, b) ? para_unit_em(p, a)
                                                             : para_unit_em(p, b)) / 8;
}

/* Widths, compression, glue and stretch of every unit. */
static void measure_units(ctx *x)
{
    para *p = x->p;
    const compose_opts *o = x->o;
    for (size_t i = 0; i < x->n; i++) {
        const para_unit *u = &p->u[i];
        cunit *c = &x->c[i];
        c->box = u->w;
        /* A quotation mark is punctuation whatever class its glyph gave it (narrow
         * quotes read as Latin). */
        c->countable = (u->cls == PC_HAN || u->cls == PC_LATIN || u->cls == PC_DIGIT ||
                        u->cls == PC_OTHER) && !para_is_mark(para_class_of(u->cp));
        if (para_is_mark(u->cls) && o->compress && i >= x->label_end) {
            c->bl = half_blank(p, u, true);
            c->br = half_blank(p, u, false);
            c->tl = c->tr = tier_of(u);
        }
        if (u->cls == PC_SPACE)
            space_glue(x, i, c);
    }
    for (size_t i = 1; i < x->n; i++)
        gap_before(x, i);
}

/* CL-PA-08: a list label at the paragraph's start (IN_LABEL): its box is its own
 * width and a gap (none after a full-width mark, which brings its blank half), at
 * least label_min when it hangs. */
static void find_label(ctx *x)
{
    const para *p = x->p;
    if (!(compose_flags(p, 0) & IN_LABEL))
        return;
    size_t k = 0;
    double w = 0;
    while (k < x->n && (compose_flags(p, k) & IN_LABEL) && p->u[k].cls != PC_BREAK)
        w += p->u[k++].w;
    if (k == 0)
        return;
    const para_unit *last = &p->u[k - 1];
    bool full = para_is_mark(last->cls) && (last->blank & PA_RIGHT);
    double box = w + (full ? 0 : x->o->label_gap);
    bool hang = compose_flags(p, 0) & IN_HANG;
    if (hang && box < x->o->label_min)
        box = x->o->label_min;
    x->label_end = k;
    x->label_pad = (float)(box - w);
    x->hang = hang ? (float)box : 0;
}

static void prefix_sums(ctx *x)
{
    x->PN[0] = x->PSH[0] = x->PST[0] = x->PS[0] = 0;
    x->stretch_pos = true;
    for (size_t i = 0; i < x->n; i++) {
        const cunit *c = &x->c[i];
        if (!(c->gst >= 0 && c->hst >= 0 && c->sigma >= 0))
            x->stretch_pos = false;
        x->PN[i + 1] = x->PN[i] + c->box + c->gn + c->hn;
        x->PSH[i + 1] = x->PSH[i] + c->bl + c->br + c->gsh + c->hsh;
        x->PST[i + 1] = x->PST[i] + c->gst + c->hst + c->sigma;
        x->PS[i + 1] = x->PS[i] + c->sigma;
    }
    /* trim[b]: where the run of spaces and hard breaks that ends at b begins (once
     * here, not per line: a long run of spaces would make measuring quadratic). */
    x->trim[0] = 0;
    for (size_t b = 1; b <= x->n; b++) {
        para_class c = x->p->u[b - 1].cls;
        x->trim[b] = c == PC_SPACE || c == PC_BREAK ? x->trim[b - 1] : b;
    }
}

typedef struct {
    size_t first, last;       /* units shown; first > last: empty */
    double nat, sh, st;
    double sig;               /* the inter-character stretch alone (part of st) */
    float em;                 /* the last unit's size */
    float start_cut, end_cut; /* blank halves removed at the line's edges */
} line_m;

typedef struct {
    size_t end;               /* trailing spaces and hard breaks dropped, not yet bounded
                                 by the start: the line is empty when end <= first */
    double pn, psh, pst, ps;  /* prefix sums up to end */
    float em, box, bl, br;    /* the last unit's */
    bool hang;                /* a pause or stop mark that hangs (CL-PW-05) */
    bool mark;                /* a mark with a blank right half (CL-PW-03) */
} line_end;

/* A space at a break is dropped; in code only the spaces before a break go, the
 * indentation of a line stays. */
static line_start line_start_at(const ctx *x, size_t a)
{
    line_start s = { 0 };
    size_t first = a;
    if (!x->o->verbatim && first < x->n && x->p->u[first].cls == PC_SPACE)
        first++;
    s.first = first;
    if (first >= x->n)
        return s;
    const cunit *cf = &x->c[first];
    s.pn = x->PN[first], s.psh = x->PSH[first], s.pst = x->PST[first], s.ps = x->PS[first];
    s.hn = cf->hn, s.hsh = cf->hsh, s.hst = cf->hst, s.sigma = cf->sigma;
    if (x->p->u[first].cls == PC_OPEN && cf->bl > 0 && x->o->open_half_at_start)
        s.cut = cf->bl;
    return s;
}

static line_end line_end_at(const ctx *x, size_t b)
{
    line_end e = { 0 };
    e.end = x->trim[b];
    if (e.end == 0)
        return e;
    size_t last = e.end - 1;
    const cunit *cl = &x->c[last];
    para_class cls = x->p->u[last].cls;
    e.pn = x->PN[e.end], e.psh = x->PSH[e.end], e.pst = x->PST[e.end], e.ps = x->PS[e.end];
    e.em = para_unit_em(x->p, &x->p->u[last]);
    e.box = cl->box, e.bl = cl->bl, e.br = cl->br;
    e.hang = x->o->hanging && (cls == PC_PAUSE || cls == PC_STOP);
    e.mark = para_is_mark(cls) && cl->br > 0;
    return e;
}

/* Natural width, shrink and stretch of the line from s to e. */
static inline line_m line_join(const line_start *s, const line_end *e)
{
    line_m m = { 0 };
    if (e->end <= s->first) {
        m.first = 1, m.last = 0;
        return m;
    }
    size_t first = s->first, last = e->end - 1;
    m.first = first;
    m.last = last;
    m.em = e->em;
    m.nat = e->pn - s->pn - s->hn;
    m.sh = e->psh - s->psh - s->hsh;
    m.st = e->pst - s->pst - s->hst - s->sigma;
    m.sig = e->ps - s->ps - s->sigma;
    if (s->cut > 0) {
        m.start_cut = s->cut;               /* CL-PW-04 */
        m.nat -= s->cut;
        m.sh -= s->cut;
    }
    if (e->hang && last > first) {
        m.end_cut = e->box;                 /* the mark hangs past the measure */
        m.nat -= e->box;
        m.sh -= e->bl + e->br;
    } else if (e->mark && !(first == last && m.start_cut > 0)) {
        m.end_cut = e->br;                  /* CL-PW-03 */
        m.nat -= e->br;
        m.sh -= e->br;
    }
    return m;
}

/* Natural width, shrink and stretch of the line of units [a, b). */
static line_m line_measure(const ctx *x, size_t a, size_t b)
{
    line_start s = line_start_at(x, a);
    line_end e = line_end_at(x, b);
    return line_join(&s, &e);
}

/* ---- Knuth–Plass ---- */

typedef struct {
    size_t pos;
    int line;
    int fit;
    double demerits;
    int prev;                 /* index in the node pool, -1 for the start */
    double avail;             /* the measure left to the line that starts here */
} kp_node;

/* An active node: its index in the pool, and its wake (kp_wake) at hand. */
typedef struct {
    double wake;
    int idx;
} kp_active;

typedef struct {
    kp_node *v;
    size_t n, cap;
} kp_pool;

static int pool_add(kp_pool *pl, kp_node nd)
{
    if (!VEC_PUSH_ROOM(pl->v, pl->cap, pl->n))
        return -1;
    pl->v[pl->n] = nd;
    return (int)pl->n++;
}

/* Where line `line`, starting at unit pos, begins: the first line at the indent (less
 * a hanging label), a line after a hard break at 0, a line the measure cut at the
 * wrap indent (code). */
static float line_x0(const ctx *x, int line, size_t pos)
{
    if (line == 0)
        return x->o->indent - x->hang;
    return pos < x->n && x->c[pos].forced ? 0 : x->o->wrap_indent;
}

static float avail(const ctx *x, int line, size_t pos)
{
    return x->o->measure - line_x0(x, line, pos);
}

static int fitness(double r)
{
    return r < -0.5 ? 0 : r <= 0.5 ? 1 : r <= 1 ? 2 : 3;
}

/* CL-JU-07: how a pass treats a line that justification would space out past
 * max_spread: not at all, or set short — spaced to max_spread, the rest left at its
 * end. Han characters are never spaced further (JIANBAO_DEBUG reports short lines). */
enum { KP_STRICT, KP_SHORT };

/* How far short of L the line [first, last] stays once spaces, Han–Latin glue and the
 * gaps between characters (each up to max_spread) have stretched their most
 * (CL-JU-04); 0 when it fills. */
static double line_short(const ctx *x, const line_m *m, double L)
{
    double sig = m->sig;
    double need = L - m->nat, other = m->st - sig;
    if (x->o->max_spread <= 0)
        return 0;
    double fill = other + 8 * sig * x->o->max_spread;
    return need > fill ? need - fill : 0;
}

enum { LB_OK, LB_NO, LB_DEAD };

/* Badness of the line [first, last] set to L (TeX's, 100 r³): LB_NO when the pass
 * does not allow it, LB_DEAD when it is overfull past hope (longer lines from the
 * same start are too). */
static int line_bad(const ctx *x, const line_m *m, double L, bool final, int mode, double *r_out,
                    double *bad_out)
{
    double r, extra = 0;
    if (m->first > m->last) {
        r = 0;                                /* an empty line before a hard break */
    } else if (m->nat > L + 1e-6) {
        r = m->sh > 1e-9 ? (L - m->nat) / m->sh : -DBL_MAX;
        if (r < -1 - 1e-9)
            return m->nat - m->sh > L + m->em ? LB_DEAD : LB_NO;
    } else if (final) {
        r = 0;
    } else if (!x->o->justify) {
        r = m->st > 1e-9 ? (L - m->nat) / m->st : 1e6;
    } else {
        double sh = line_short(x, m, L);
        if (sh > 1e-6 && mode == KP_STRICT)
            return LB_NO;
        double em = m->em;
        r = m->st > 1e-9 ? (L - m->nat - sh) / m->st : 0;
        /* A short line costs more the more it is short. */
        if (sh > 1e-6)
            extra = 1000 + 1000 * (sh / em) * (sh / em);
    }
    double bad = fabs(r) > 100 ? 1e8 : 100 * fabs(r * r * r);
    /* CL-LB-09, CL-JU-02: pushing in (compressing punctuation) is preferred to pushing
     * out (spacing the line). */
    if (r < 0)
        bad /= 8;
    if (final && x->o->justify == false)
        bad = 0;
    *r_out = r;
    *bad_out = bad + extra;
    return LB_OK;
}

/* Line count of the best solution ending at n, or -1 when none within tolerance.
 * Breaks are written to brk_out (positions of line starts after the first). */
typedef struct {
    int line, fit;
    double d;
    int idx;
} kp_cand;

/* Keeps the best way to reach a break per fitness class — and, when a looseness is
 * asked for, per line count too, so that a longer or shorter paragraph stays
 * reachable. */
static int cand_offer(kp_cand **c, int *n, size_t *cap, int line, int fit, double d, int idx)
{
    for (int i = 0; i < *n; i++)
        if ((*c)[i].line == line && (*c)[i].fit == fit) {
            if (d < (*c)[i].d)
                (*c)[i].d = d, (*c)[i].idx = idx;
            return 0;
        }
    if (!vec_reserve((void **)c, cap, (size_t)*n + 1, sizeof **c))
        return -1;
    (*c)[(*n)++] = (kp_cand){ line, fit, d, idx };
    return 0;
}

/* CL-PA-05: the last break that leaves last_min characters after it. */
static size_t last_limit(const ctx *x)
{
    int cnt = 0;
    for (size_t i = x->n; i > 0 && x->o->last_min > 0; i--) {
        cnt += x->c[i - 1].countable;
        if (cnt >= x->o->last_min)
            return i - 1;
    }
    return x->o->last_min > 0 ? 0 : x->n;
}

/* How long the line [.., end) can get with its spaces and glue stretched their most and
 * the gaps between characters max_spread each, less the same up to `start`: the
 * "grow" of a line from start to end (its natural width and that stretch, before the
 * blank halves its edges lose, which only make it shorter). */
static double kp_grow(const ctx *x, double pn, double pst, double ps)
{
    return pn + (pst - ps) + 8 * ps * x->o->max_spread;
}

/* The strict pass rejects a line that its stretch cannot fill (line_short): a node
 * whose line cannot yet reach its measure is passed over with one comparison, while
 * the break's grow is below its wake. The margin (1e-3 pt) is far above the rounding of
 * the sums, so no line the full test would accept is passed over; -DBL_MAX: never.
 * No unit may stretch by a negative amount, or the grow would not bound the width. */
static double kp_wake(const ctx *x, const kp_node *nd, int mode)
{
    const line_start *s = &x->starts[nd->pos];
    if (mode != KP_STRICT || !x->o->justify || x->o->max_spread <= 0 || !x->stretch_pos ||
        s->first >= x->n)
        return -DBL_MAX;
    double g = s->pn + s->hn + (s->pst + s->hst - s->ps) + 8 * (s->ps + s->sigma) * x->o->max_spread;
    return g + nd->avail - 1e-6 - 1e-3;
}

/* The search is bounded whatever the text (issue 13). Where lines may be as short as
 * they like (the pass that sets lines short accepts any underfull line), every line
 * count is reachable at every break: with a looseness, nodes are kept per line count,
 * so their number grew with the paragraph and the search with its cube. A break keeps
 * only the line counts within KP_LINE_SPREAD (plus the looseness) of its best way in;
 * in the text of an issue, the ways in differ by four lines at the most. And where
 * lines never fill (characters of no width), no node ever dies: beyond KP_MAX_ACTIVE
 * active nodes (an issue has some 320 at the most, with a looseness; 25 without), the
 * oldest go, those from which lines are the longest. */
#define KP_LINE_SPREAD 4
#define KP_MAX_ACTIVE 512

/* Keeps the candidates whose line count is within `spread` of the best one's, in their
 * order. Returns how many are kept. */
static int kp_near_best(kp_cand *c, int n, int spread)
{
    int best = 0;
    for (int i = 1; i < n; i++)
        if (c[i].d < c[best].d)
            best = i;
    int lb = n > 0 ? c[best].line : 0, k = 0;
    for (int i = 0; i < n; i++)
        if (abs(c[i].line - lb) <= spread)
            c[k++] = c[i];
    return k;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* Drops the oldest active nodes (the lowest pool indices: nodes are made in the order
 * of their breaks) down to three quarters of KP_MAX_ACTIVE, so that this runs once in
 * a quarter of that many nodes made. The others keep their order. -1: out of memory. */
static int kp_forget(kp_active *active, size_t *nact)
{
    int *idx = malloc(*nact * sizeof *idx);
    if (!idx)
        return -1;
    for (size_t k = 0; k < *nact; k++)
        idx[k] = active[k].idx;
    qsort(idx, *nact, sizeof *idx, cmp_int);
    int keep_from = idx[*nact - KP_MAX_ACTIVE * 3 / 4];
    free(idx);
    for (size_t k = 0; k < *nact;) {
        if (active[k].idx < keep_from)
            active[k] = active[--*nact];
        else
            k++;
    }
    return 0;
}

/* mode: KP_STRICT or KP_SHORT (whether a line that would space Han characters past
 * max_spread may be set short). */
static int kp_run(ctx *x, double tolerance, int mode, size_t **brk_out, size_t *nbrk,
                  double *demerits)
{
    kp_cand *cand = NULL;
    int ncand = 0;
    size_t capcand = 0;
    bool by_lines = x->o->looseness != 0;
    kp_pool pool = { 0 };
    kp_active *active = NULL;
    size_t nact = 0, capact = 0;
    int result = -1;
    kp_node start = { 0, 0, 1, 0, -1, avail(x, 0, 0) };
    x->starts[0] = line_start_at(x, 0);
    int si = pool_add(&pool, start);
    if (si < 0)
        goto out;
    capact = 64;
    active = malloc(capact * sizeof *active);
    if (!active)
        goto out;
    active[nact++] = (kp_active){ kp_wake(x, &pool.v[si], mode), si };
    /* Room for a node per break at first: the pool then seldom grows. */
    if (!vec_reserve((void **)&pool.v, &pool.cap, x->n / 2 + 16, sizeof *pool.v))
        goto out;
    size_t limit = last_limit(x);
    for (size_t b = 1; b <= x->n && nact > 0; b++) {
        /* A line that ends at a hard break is set like a last line. */
        bool forced = b < x->n && x->c[b].forced;
        bool final = b == x->n || forced;
        if (!final && (!x->c[b].brk || b > limit))
            continue;
        ncand = 0;
        line_end e = line_end_at(x, b);
        double grow = final ? DBL_MAX : kp_grow(x, e.pn, e.pst, e.ps);
        x->work += nact;
        for (size_t k = 0; k < nact;) {
            if (grow < active[k].wake) {
                k++;                          /* too short yet (line_bad: LB_NO) */
                continue;
            }
            const kp_node *a = &pool.v[active[k].idx];
            line_m m = line_join(&x->starts[a->pos], &e);
            double L = a->avail;
            if (m.first > m.last && !final) {
                k++;
                continue;
            }
            double r, bad;
            int lb = line_bad(x, &m, L, final, mode, &r, &bad);
            if (lb == LB_DEAD) {
                active[k] = active[--nact];   /* lines only grow from here */
                continue;
            }
            if (lb == LB_NO || bad > tolerance) {
                k++;
                continue;
            }
            int fit = fitness(r);
            double d = (10 + bad) * (10 + bad);
            if (b < x->n)
                d += x->c[b].penalty * x->c[b].penalty;
            if (abs(fit - a->fit) > 1)
                d += 3000;
            d += a->demerits;
            /* One node per break (per line count when a looseness is asked for): the
             * fitness classes of TeX matter little where nearly every gap can break,
             * and a quarter of the nodes keeps long paragraphs fast. */
            if (cand_offer(&cand, &ncand, &capcand, by_lines ? a->line + 1 : -1, by_lines ? fit : 0,
                           d, active[k].idx))
                goto out;
            k++;
        }
        /* No line crosses a hard break: only the ways to reach it go on. */
        if (forced)
            nact = 0;
        if (by_lines)
            ncand = kp_near_best(cand, ncand, abs(x->o->looseness) + KP_LINE_SPREAD);
        if (ncand > 0 && b < x->n)
            x->starts[b] = line_start_at(x, b);
        for (int c = 0; c < ncand; c++) {
            int line = pool.v[cand[c].idx].line + 1;
            kp_node nd = { b, line, cand[c].fit, cand[c].d, cand[c].idx, avail(x, line, b) };
            int ni = pool_add(&pool, nd);
            if (ni < 0)
                goto out;
            if (b == x->n)
                continue;
            if (!VEC_PUSH_ROOM(active, capact, nact))
                goto out;
            active[nact++] = (kp_active){ kp_wake(x, &pool.v[ni], mode), ni };
        }
        if (nact > KP_MAX_ACTIVE && kp_forget(active, &nact))
            goto out;
    }
    /* The best node at the end; with a looseness, the best with that many lines more
     * (or fewer) than the best of all, else the nearest line count towards it. */
    int bi = -1;
    for (size_t i = 0; i < pool.n; i++)
        if (pool.v[i].pos == x->n && (bi < 0 || pool.v[i].demerits < pool.v[bi].demerits))
            bi = (int)i;
    if (bi >= 0 && by_lines) {
        int target = pool.v[bi].line + x->o->looseness, bj = -1;
        for (size_t i = 0; i < pool.n; i++) {
            const kp_node *nd = &pool.v[i];
            if (nd->pos != x->n)
                continue;
            int dist = abs(nd->line - target), best = bj < 0 ? 1 << 30 : abs(pool.v[bj].line - target);
            /* Only line counts between the best and the target count. */
            bool towards = x->o->looseness > 0 ? nd->line >= pool.v[bi].line : nd->line <= pool.v[bi].line;
            if (towards && (dist < best || (dist == best && nd->demerits < pool.v[bj].demerits)))
                bj = (int)i;
        }
        if (bj >= 0)
            bi = bj;
    }
    if (bi >= 0) {
        if (demerits)
            *demerits = pool.v[bi].demerits;
        int lines = pool.v[bi].line;
        size_t *br = malloc((size_t)(lines + 1) * sizeof *br);
        if (!br)
            goto out;
        int i = bi, k = lines;
        while (i >= 0) {
            br[k--] = pool.v[i].pos;
            i = pool.v[i].prev;
        }
        *brk_out = br;
        *nbrk = (size_t)lines + 1;
        result = lines;
    }
out:
    free(pool.v);
    free(active);
    free(cand);
    return result;
}

/* The furthest unit boundary after a (at least one unit on) where the line from a
 * still fits. */
static size_t fill_to(const ctx *x, size_t a, int line)
{
    size_t b = a + 1;
    while (b < x->n && !x->c[b].forced) {
        line_m m = line_measure(x, a, b + 1);
        if (m.first <= m.last && m.nat > avail(x, line, a) + 1e-6)
            break;
        b++;
    }
    return b;
}

/* First fit, for paragraphs with no feasible set of breaks (an unbreakable run wider
 * than the measure) and for code: break at the last opportunity that fits, else the
 * first one; always at a hard break. */
static int greedy(const ctx *x, size_t **brk_out, size_t *nbrk)
{
    size_t cap = 16, n = 0;
    size_t *br = malloc(cap * sizeof *br);
    if (!br)
        return -1;
    br[n++] = 0;
    size_t a = 0;
    while (a < x->n) {
        size_t fit = 0, next = 0;
        for (size_t b = a + 1; b <= x->n; b++) {
            if (b < x->n && !x->c[b].brk)
                continue;
            line_m m = line_measure(x, a, b);
            if (m.first > m.last || m.nat - m.sh <= avail(x, (int)n - 1, a) + 1e-6) {
                fit = b;
                if (b < x->n && x->c[b].forced)
                    break;                    /* a hard break ends the line here */
            } else {
                next = b;
                break;
            }
        }
        /* Code never runs past its measure: with no opportunity that fits, break
         * after the last character that does. */
        if (!fit && x->o->verbatim)
            fit = fill_to(x, a, (int)n - 1);
        size_t b = fit ? fit : (next ? next : x->n);
        if (!VEC_PUSH_ROOM(br, cap, n)) {
            free(br);
            return -1;
        }
        br[n++] = b;
        a = b;
    }
    *brk_out = br;
    *nbrk = n;
    return (int)n - 1;
}

/* ---- headings: whole words, balanced lines (CL-LB-14, CL-PA-09) ---- */

/* Whether a line may end before unit b (b == n: the text's end). */
static bool may_end(const ctx *x, size_t b, size_t limit)
{
    return b == x->n || x->c[b].forced || (x->c[b].brk && b <= limit);
}

/* Width of the line [a, b) set ragged as line `line`, indent included: its natural
 * width, or the measure when only squeezing its punctuation makes it fit (CL-JU-03);
 * DBL_MAX when it does not fit at all. */
static double ragged_width(const ctx *x, int line, size_t a, size_t b)
{
    line_m m = line_measure(x, a, b);
    if (m.first > m.last)
        return 0;
    double L = avail(x, line, a);
    if (m.nat <= L + 1e-6)
        return line_x0(x, line, a) + m.nat;
    return m.nat - m.sh <= L + 1e-6 ? x->o->measure : DBL_MAX;
}

/* Lines of the first fit that keeps every line's natural width within cap; -1 when
 * something between two breaks is wider. Taking the furthest break that fits gives
 * the fewest lines. */
static int fit_count(const ctx *x, double cap)
{
    size_t limit = last_limit(x), a = 0;
    int line = 0;
    while (a < x->n) {
        size_t fit = 0;
        for (size_t b = a + 1; b <= x->n; b++) {
            if (!may_end(x, b, limit))
                continue;
            if (ragged_width(x, line, a, b) > cap + 1e-6)
                break;                  /* lines only grow from here */
            fit = b;
            if (b < x->n && x->c[b].forced)
                break;
        }
        if (!fit)
            return -1;
        a = fit;
        line++;
    }
    return line;
}

/* CL-LB-14: between two Han characters a heading breaks only where a word ends and a
 * word of two or more characters begins: a one-character word — 的, 业, 性, 者, 省 —
 * stays with the word before it, and so do the single characters into which ICU
 * splits a word its dictionary lacks (跨|境). When that needs more lines than breaking
 * between any two characters, every word end will do; when that does too, any
 * character. Only a text that needs a break asks ICU (its dictionary takes a few ms
 * to load). -1: out of memory. */
static int keep_words(ctx *x)
{
    int any = fit_count(x, x->o->measure), hard = 1;
    for (size_t i = 1; i < x->n; i++)
        hard += x->c[i].forced;
    if (any <= hard)
        return 0;                       /* no soft break needed, or none fits */
    bool *start = malloc(x->n * sizeof *start), *was = malloc(x->n * sizeof *was);
    if (!start || !was) {
        free(start);
        free(was);
        return -1;
    }
    /* ICU failing leaves the breaks between characters. */
    if (words_find(x->p, start) == 0) {
        for (size_t i = 0; i < x->n; i++)
            was[i] = x->c[i].brk;
        bool kept = false;
        for (int strict = 1; strict >= 0 && !kept; strict--) {
            for (size_t i = 1; i < x->n; i++) {
                bool han = x->p->u[i - 1].cls == PC_HAN && x->p->u[i].cls == PC_HAN;
                bool longer = i + 1 < x->n && !start[i + 1];
                x->c[i].brk = was[i] && (!han || (start[i] && (longer || !strict)));
            }
            int c = fit_count(x, x->o->measure);
            kept = c >= 0 && c <= any;
        }
        if (!kept)
            for (size_t i = 0; i < x->n; i++)
                x->c[i].brk = was[i];
    }
    free(start);
    free(was);
    return 0;
}

/* More lines than this is running text set as a heading: its ordinary breaks do. */
#define BALANCE_LINES 8

/* A balanced line starts at most this many break opportunities back: a heading's line
 * has a few dozen; only text that never fills a line (characters of no width) has more,
 * and looking further back made balancing quadratic (issue 13). With none in reach the
 * ordinary breaks do. */
#define BALANCE_LOOKBACK 256

/* The breaks of `lines` lines as even as the allowed breaks make them: the narrowest
 * width W that still takes no more lines (found by halving, each step a first fit);
 * then, of the breaks that keep every line within W, those with the least squared
 * room left at the lines' ends (the last line's too; in ems, × 100) plus the squared
 * break penalties, a longer line above a shorter on a tie. Returns the line count, -1
 * when the allowed breaks need more lines, -2 when memory runs out. */
static int balance_at(ctx *x, int lines, size_t **brk_out, double *demerits)
{
    if (fit_count(x, x->o->measure) != lines)
        return -1;
    double lo = 0, hi = x->o->measure;
    while (hi - lo > 0.01) {
        double mid = (lo + hi) / 2;
        int c = fit_count(x, mid);
        if (c >= 0 && c <= lines)
            hi = mid;
        else
            lo = mid;
    }
    size_t n = x->n, limit = last_limit(x), stride = n + 1;
    double *cost = malloc((size_t)(lines + 1) * stride * sizeof *cost);
    size_t *from = malloc((size_t)(lines + 1) * stride * sizeof *from);
    size_t *br = malloc((size_t)(lines + 1) * sizeof *br);
    int rc = -2;
    if (!cost || !from || !br)
        goto out;
    for (size_t i = 0; i < (size_t)(lines + 1) * stride; i++)
        cost[i] = DBL_MAX;
    cost[0] = 0;
    for (int l = 1; l <= lines; l++)
        for (size_t b = 1; b <= n; b++) {
            if (!may_end(x, b, limit))
                continue;
            double *best = &cost[(size_t)l * stride + b];
            /* Back from b: a longer line before is found first and kept on a tie; no
             * line crosses a hard break. */
            int starts = 0;
            for (size_t a = b; a-- > 0;) {
                if (a > 0 && !may_end(x, a, limit))
                    continue;
                if (++starts > BALANCE_LOOKBACK)
                    break;
                x->work++;
                double w = ragged_width(x, l - 1, a, b);
                if (w > hi + 1e-6)
                    break;
                double before = cost[(size_t)(l - 1) * stride + a];
                if (before < DBL_MAX) {
                    line_m m = line_measure(x, a, b);
                    double em = m.first <= m.last ? para_unit_em(x->p, &x->p->u[m.last]) : 1;
                    double room = (hi - w) / em, pen = b < n ? x->c[b].penalty : 0;
                    double d = before + 100 * room * room + (double)pen * pen;
                    if (d < *best - 1e-9) {
                        *best = d;
                        from[(size_t)l * stride + b] = a;
                    }
                }
                if (a > 0 && x->c[a].forced)
                    break;
            }
        }
    rc = -1;
    if (cost[(size_t)lines * stride + n] == DBL_MAX)
        goto out;                       /* cannot be: the first fit at hi is one way */
    br[lines] = n;
    for (int l = lines; l > 0; l--)
        br[l - 1] = from[(size_t)l * stride + br[l]];
    *demerits = cost[(size_t)lines * stride + n];
    *brk_out = br;
    br = NULL;
    rc = lines;
out:
    free(cost);
    free(from);
    free(br);
    return rc;
}

/* A break where a heading's phrase ends: after a pause or stop mark (，、；：。？！) or
 * at a space. */
static bool phrase_end(const ctx *x, size_t i)
{
    para_class a = x->p->u[i - 1].cls;
    return a == PC_PAUSE || a == PC_STOP || a == PC_SPACE;
}

/* CL-PA-09: a heading's lines as even as its breaks allow, in as few lines as the
 * measure needs — breaking only where a phrase ends when that still leaves its
 * shortest line phrase_balance of its longest ("六、进出口总额创历史新高，|贸易结构不断
 * 优化" rather than the even "…创历史|新高，…"). Returns the line count; -1 when there
 * is nothing to balance (one line, or a part wider than the measure: the ordinary
 * breaks then); -2 when memory runs out. */
static int balance_run(ctx *x, size_t **brk_out, size_t *nbrk, double *demerits)
{
    int lines = fit_count(x, x->o->measure);
    if (lines <= 1 || lines > BALANCE_LINES)
        return -1;
    if (x->o->phrase_balance > 0) {
        bool *was = malloc(x->n * sizeof *was);
        if (!was)
            return -2;
        for (size_t i = 1; i < x->n; i++) {
            was[i] = x->c[i].brk;
            x->c[i].brk = was[i] && phrase_end(x, i);
        }
        size_t *br = NULL;
        int rc = balance_at(x, lines, &br, demerits);
        for (size_t i = 1; i < x->n; i++)
            x->c[i].brk = was[i];
        free(was);
        if (rc == -2)
            return -2;
        if (rc > 0) {
            double lo = DBL_MAX, hi = 0;
            for (int l = 0; l < lines; l++) {
                double w = ragged_width(x, l, br[l], br[l + 1]);
                lo = w < lo ? w : lo;
                hi = w > hi ? w : hi;
            }
            if (lo >= x->o->phrase_balance * hi) {
                *brk_out = br;
                *nbrk = (size_t)lines + 1;
                return lines;
            }
            free(br);
        }
    }
    int rc = balance_at(x, lines, brk_out, demerits);
    if (rc > 0)
        *nbrk = (size_t)lines + 1;
    return rc;
}

/* Takes `need` pt out of the line's shrinkable parts, tier by tier (CL-JU-03).
 * Returns what could not be taken. */
static double shrink_line(ctx *x, const line_m *m, double need, float *take_l, float *take_r,
                          float *take_g, float *take_h)
{
    for (int t = 0; t < NTIERS && need > 1e-9; t++) {
        double cap = 0;
        for (size_t i = m->first; i <= m->last; i++) {
            const cunit *c = &x->c[i];
            float bl = i == m->first ? c->bl - m->start_cut : c->bl;
            float br = i == m->last ? c->br - m->end_cut : c->br;
            if (c->tl == t && bl > 0) cap += bl;
            if (c->tr == t && br > 0) cap += br;
            if (c->gtier == t && c->gsh > 0) cap += c->gsh;
            if (t == T_HLGLUE && i > m->first) cap += c->hsh;
        }
        if (cap <= 1e-9)
            continue;
        double f = need >= cap ? 1 : need / cap;
        for (size_t i = m->first; i <= m->last; i++) {
            const cunit *c = &x->c[i];
            float bl = i == m->first ? c->bl - m->start_cut : c->bl;
            float br = i == m->last ? c->br - m->end_cut : c->br;
            if (c->tl == t && bl > 0) take_l[i] += (float)(f * bl);
            if (c->tr == t && br > 0) take_r[i] += (float)(f * br);
            if (c->gtier == t && c->gsh > 0) take_g[i] -= (float)(f * c->gsh);
            if (t == T_HLGLUE && i > m->first) take_h[i] -= (float)(f * c->hsh);
        }
        need -= f * cap;
    }
    return need;
}

/* Adds `need` pt: spaces first, then Han–Latin glue, then every gap (CL-JU-04).
 * *each: what each gap between characters took, pt. */
static double stretch_line(ctx *x, const line_m *m, double need, float *take_g, float *take_h,
                           float *each_gap)
{
    double cap = 0;
    for (size_t i = m->first; i <= m->last; i++)
        if (x->c[i].gtier == T_SPACE)
            cap += x->c[i].gst;
    if (cap > 1e-9) {
        double f = need >= cap ? 1 : need / cap;
        for (size_t i = m->first; i <= m->last; i++)
            if (x->c[i].gtier == T_SPACE)
                take_g[i] += (float)(f * x->c[i].gst);
        need -= f * cap;
    }
    cap = 0;
    for (size_t i = m->first; i <= m->last; i++) {
        if (x->c[i].gtier == T_HLGLUE)
            cap += x->c[i].gst;
        if (i > m->first)
            cap += x->c[i].hst;
    }
    if (need > 1e-9 && cap > 1e-9) {
        double f = need >= cap ? 1 : need / cap;
        for (size_t i = m->first; i <= m->last; i++) {
            if (x->c[i].gtier == T_HLGLUE)
                take_g[i] += (float)(f * x->c[i].gst);
            if (i > m->first)
                take_h[i] += (float)(f * x->c[i].hst);
        }
        need -= f * cap;
    }
    int gaps = 0;
    for (size_t i = m->first + 1; i <= m->last; i++)
        gaps += x->c[i].sigma > 0;
    if (need > 1e-9 && gaps > 0) {
        /* At most max_spread each (CL-JU-07): what is left stays at the line's end. */
        float each = (float)(need / gaps), most = 0;
        for (size_t i = m->first + 1; i <= m->last; i++)
            if (x->c[i].sigma > 0) {
                float e = each, lim = 8 * x->c[i].sigma * x->o->max_spread;
                if (x->o->max_spread > 0 && e > lim)
                    e = lim;
                take_h[i] += e;
                need -= e;
                most = e > most ? e : most;
            }
        *each_gap = most;
    }
    return need;
}

static int add_line(compose_result *r, const compose_line *l)
{
    if (!VEC_PUSH_ROOM(r->lines, r->cap, r->n))
        return -1;
    r->lines[r->n++] = *l;
    return 0;
}

/* Sets every unit of the line [a, b) in place. */
static int set_line(ctx *x, compose_result *r, int li, size_t a, size_t b, float *tl,
                    float *tr, float *tg, float *th)
{
    para *p = x->p;
    line_m m = line_measure(x, a, b);
    for (size_t i = a; i < b; i++)
        p->u[i].line = -1;
    compose_line cl = { .u0 = (uint32_t)a, .u1 = (uint32_t)b, .last = b == x->n };
    cl.x0 = line_x0(x, li, a);
    cl.hard = b > a && p->u[b - 1].cls == PC_BREAK;
    cl.wrapped = li > 0 && !x->c[a].forced;
    if (m.first > m.last)
        return add_line(r, &cl);
    for (size_t i = m.first; i <= m.last; i++)
        tl[i] = tr[i] = tg[i] = th[i] = 0;
    double L = avail(x, li, a), need = L - m.nat;
    float each = 0;
    if (need < -1e-6) {
        if (shrink_line(x, &m, -need, tl, tr, tg, th) > 0.01)
            r->overfull++;
    } else if (need > 1e-6 && x->o->justify && !cl.last && !cl.hard) {
        cl.short_by = (float)stretch_line(x, &m, need, tg, th, &each);
    }
    double pen = cl.x0;
    for (size_t i = m.first; i <= m.last; i++) {
        para_unit *u = &p->u[i];
        const cunit *c = &x->c[i];
        if (i > m.first)
            pen += c->hn + th[i];
        u->cl = c->pl + tl[i] + (i == m.first ? m.start_cut : 0);
        u->cr = c->pr + tr[i] + (i == m.last ? m.end_cut : 0);
        u->x = (float)pen;
        u->line = li;
        if (u->cls == PC_SPACE)
            pen += c->gn + tg[i];
        else
            pen += u->w - u->cl - u->cr;
        if (para_unit_em(p, u) > cl.size)
            cl.size = para_unit_em(p, u);
    }
    if (m.end_cut > 0 && x->o->hanging && p->u[m.last].cls != PC_OPEN &&
        (p->u[m.last].cls == PC_PAUSE || p->u[m.last].cls == PC_STOP)) {
        /* A hanging mark keeps its width; it just does not count in the measure. */
        p->u[m.last].cr = x->c[m.last].pr;
    }
    cl.natural = (float)m.nat;
    cl.width = (float)(pen - cl.x0);
    cl.spread = cl.size > 0 ? each / cl.size : 0;
    return add_line(r, &cl);
}

int compose(para *p, const compose_opts *o, compose_result *r)
{
    memset(r, 0, sizeof *r);
    if (p->nu == 0)
        return 0;
    ctx x = { .p = p, .o = o, .n = p->nu };
    int rc = -1;
    const char *uax = NULL;
    float *tmp = malloc(4 * p->nu * sizeof *tmp);
    compose_brk *brk = malloc(p->nu * sizeof *brk);
    x.c = calloc(p->nu, sizeof *x.c);
    x.PN = malloc((p->nu + 1) * sizeof *x.PN);
    x.PSH = malloc((p->nu + 1) * sizeof *x.PSH);
    x.PST = malloc((p->nu + 1) * sizeof *x.PST);
    x.PS = malloc((p->nu + 1) * sizeof *x.PS);
    x.trim = malloc((p->nu + 1) * sizeof *x.trim);
    x.starts = malloc((p->nu + 1) * sizeof *x.starts);
    size_t *br = NULL, nbr = 0;
    if (!tmp || !brk || !x.c || !x.PN || !x.PSH || !x.PST || !x.PS || !x.trim || !x.starts)
        goto out;
    /* Paragraphs are composed on helper threads too (the flow): libunibreak's tables are
     * set up once. */
    static pthread_once_t lb_ready = PTHREAD_ONCE_INIT;
    pthread_once(&lb_ready, init_linebreak);
    /* UAX #14 decides only between Latin letters and digits: ask it only when the
     * paragraph has such a pair. */
    bool latin_pair = false;
    for (size_t i = 1; i < p->nu && !latin_pair; i++)
        latin_pair = is_latinish(p->u[i - 1].cls) && is_latinish(p->u[i].cls);
    if (latin_pair && (!p->uax || p->uax_len != p->len)) {
        char *u = realloc(p->uax, p->len + 1);
        if (!u)
            goto out;
        set_linebreaks_utf8((const utf8_t *)p->text, p->len, "zh", u);
        p->uax = u;
        p->uax_len = p->len;
    }
    if (latin_pair)
        uax = p->uax;
    find_label(&x);
    for (;;) {
        breaks_find(p, o, uax, x.label_end, x.emergency, brk);
        for (size_t i = 0; i < p->nu; i++) {
            x.c[i].brk = brk[i].ok;
            x.c[i].forced = brk[i].forced;
            x.c[i].penalty = brk[i].penalty;
        }
        measure_units(&x);
        prefix_sums(&x);
        if (o->keep_words && !o->verbatim && !x.emergency && keep_words(&x))
            goto out;
        /* Code is filled line by line; prose gets the best breaks, a line set short
         * only when nothing else keeps Han characters within max_spread; a ragged
         * heading, balanced lines. */
        int lines = -1;
        if (o->balance && !o->justify && !o->verbatim && !o->looseness && !x.emergency) {
            lines = balance_run(&x, &br, &nbr, &r->demerits);
            if (lines == -2)
                goto out;
        }
        if (!o->verbatim && lines < 0) {
            lines = kp_run(&x, 1000, KP_STRICT, &br, &nbr, &r->demerits);
            if (lines < 0)
                lines = kp_run(&x, DBL_MAX, KP_SHORT, &br, &nbr, &r->demerits);
            r->fallback = lines < 0;
        }
        if (lines < 0) {
            lines = greedy(&x, &br, &nbr);
            if (lines < 0)
                goto out;
        }
        for (int l = 0; l < lines; l++)
            if (set_line(&x, r, l, br[l], br[l + 1], tmp, tmp + p->nu, tmp + 2 * p->nu,
                         tmp + 3 * p->nu))
                goto out;
        if (!r->overfull || x.emergency >= 2)
            break;
        /* A line is wider than the measure: again, with breaks inside long words, and
         * then, when that is not enough, anywhere — even where clreq forbids (a
         * too-narrow table cell): nothing may reach past its measure. */
        compose_result_free(r);
        memset(x.c, 0, p->nu * sizeof *x.c);
        free(br);
        br = NULL;
        nbr = 0;
        x.emergency = latin_pair && !x.emergency ? 1 : 2;
        r->emergency = true;
    }
    rc = 0;
    r->work = x.work;
out:
    free(br);
    free(tmp);
    free(brk);
    free(x.c);
    free(x.PN);
    free(x.PSH);
    free(x.PST);
    free(x.PS);
    free(x.trim);
    free(x.starts);
    return rc;
}
