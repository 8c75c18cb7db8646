/* pf_interp — content streams, interpreted just far enough to know the CTM, the clip,
 * colours, overprint state, text position and the current path's extent at every
 * painting operator: PR-04 (colour selected in the content), PR-05 (black text, total
 * ink, white overprint), PR-06 (ink that crosses the trim must run into the bleed),
 * PR-07 (text and the trim, measured glyph by glyph with the fonts' own widths, so
 * proportional Latin in a 2-byte CID font is as wide as it prints), PR-08 (image
 * resolution as placed).
 *
 * qpdf's tokenizer reads the stream (pf_qpdf.h); each operator is looked up in one
 * sorted table that says how many numbers it takes and which function handles it.
 * Every token read costs one of the tokens budget. A form XObject is decoded once per
 * page and interpreted once per distinct graphics state it is drawn in. */
#include "layout/preflight/pf_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "layout/base/vec.h"
#include "layout/preflight/pf_qpdf.h"

/* Below this (pt) an edge counts as on the trim or the bleed: writers round. */
#define EDGE_EPS 0.1

typedef struct {
    double ctm[6];
    double clip[4];           /* the clipping path's extent in page space */
    cs_kind fill_cs, stroke_cs;
    double fill[4], stroke[4];
    bool op, OP;
    int opm;
    double font_size, th, tc, tw, tl, rise;
    int tr;
    const font_metrics *font; /* NULL before Tf: the ½ em estimate */
} gstate;

/* A form XObject met on this page: decoded once. */
typedef struct {
    int id;
    unsigned char *data;      /* NULL: could not be decoded (reported once) */
    size_t len;
    double matrix[6];
    double bbox[4];           /* in form space; no BBox: unbounded */
    qpdf_oh res;              /* its resources, or null (then the caller's) */
    int res_id;
} form_entry;

struct pf_form_memo {
    form_entry *forms;
    size_t n, cap;
    uint32_t slots[2 * PF_MAX_FORM_MEMO]; /* form id → index + 1 */
    pf_idset seen;            /* (form, state) pairs interpreted on this page */
};

/* Resources looked up by name are remembered for the rest of the content stream: a
 * page shows the same few fonts, states and XObjects thousands of times, and each
 * lookup through the C API costs a few allocations. */
#define NAME_CACHE 16

typedef enum { RC_FONT, RC_GS, RC_XOBJECT, RC_CS } rc_kind;

typedef struct {
    rc_kind kind;
    char name[64];
    union {
        const font_metrics *font;
        struct {
            signed char OP, op;   /* -1: not set by the state */
            int opm;              /* -1: not set */
        } gs;
        struct {
            int id;
            enum { XO_OTHER, XO_IMAGE, XO_FORM } type;
            double w, h;          /* images; w < 0: no size */
            bool mask;
        } xo;
        cs_kind cs;
    } u;
} rc_entry;

typedef struct {
    pf *p;
    qpdf_oh res;
    int res_id;               /* object id of res, 0 when direct */
    rc_entry cache[NAME_CACHE];
    int ncache, next_evict;
    int obj;                  /* page or form, to name in findings */
    gstate gs[PF_MAX_GSTACK];
    int top;
    double tm[6], tlm[6];
    double sub[4];            /* current subpath's extent in page space */
    bool has_sub;
    double path[4];           /* the whole current path's extent (for W) */
    bool has_path;
    bool path_inside;         /* some subpath of the current path reaches the bleed box */
    double path_gap;          /* how far the worst subpath stops short of the bleed, pt */
    bool clip_pending;        /* W or W* seen: the path clips at its painting operator */
    bool abort;               /* stop reading this stream */
    int depth;                /* form nesting */
    int chain[PF_MAX_FORM_DEPTH + 1]; /* ids of the forms being interpreted */
} interp;

static const double no_clip[4] = { -INFINITY, -INFINITY, INFINITY, INFINITY };

static void mat_mul(const double a[6], const double b[6], double out[6])
{
    double r[6] = { a[0] * b[0] + a[1] * b[2],        a[0] * b[1] + a[1] * b[3],
                    a[2] * b[0] + a[3] * b[2],        a[2] * b[1] + a[3] * b[3],
                    a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5] };
    memcpy(out, r, sizeof r);
}

static void apply(const double m[6], double x, double y, double *ox, double *oy)
{
    *ox = m[0] * x + m[2] * y + m[4];
    *oy = m[1] * x + m[3] * y + m[5];
}

/* The page-space extent of the rectangle r under m. */
static void map_rect(const double m[6], const double r[4], double out[4])
{
    double xs[2] = { r[0], r[2] }, ys[2] = { r[1], r[3] };
    double b[4] = { INFINITY, INFINITY, -INFINITY, -INFINITY };
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) {
            double x, y;
            apply(m, xs[i], ys[j], &x, &y);
            b[0] = fmin(b[0], x), b[1] = fmin(b[1], y);
            b[2] = fmax(b[2], x), b[3] = fmax(b[3], y);
        }
    memcpy(out, b, sizeof b);
}

static void clip_to(double box[4], const double clip[4])
{
    box[0] = fmax(box[0], clip[0]);
    box[1] = fmax(box[1], clip[1]);
    box[2] = fmin(box[2], clip[2]);
    box[3] = fmin(box[3], clip[3]);
}

static bool empty(const double b[4]) { return !(b[0] <= b[2] && b[1] <= b[3]); }

/* PR-06: how far something painted over box stops short of the bleed on a side where
 * it crosses the trim edge (pt); 0 when it stays inside the trim or runs on into the
 * bleed by the bleed asked for (or to the BleedBox, if that is narrower). */
static double bleed_gap(const pf *p, const double b[4])
{
    const double *t = p->trim, *bl = p->bleed;
    double need = p->o->bleed_mm * PT_PER_MM, gap = 0;
    if (b[0] < t[0] - EDGE_EPS)
        gap = fmax(gap, fmin(need, t[0] - bl[0]) - (t[0] - b[0]));
    if (b[1] < t[1] - EDGE_EPS)
        gap = fmax(gap, fmin(need, t[1] - bl[1]) - (t[1] - b[1]));
    if (b[2] > t[2] + EDGE_EPS)
        gap = fmax(gap, fmin(need, bl[2] - t[2]) - (b[2] - t[2]));
    if (b[3] > t[3] + EDGE_EPS)
        gap = fmax(gap, fmin(need, bl[3] - t[3]) - (b[3] - t[3]));
    return gap > EDGE_EPS ? gap : 0;
}

/* An area that will be painted: does it reach into the bleed box, and does it stop
 * short of the bleed? (Printer's marks outside the bleed box are not looked at.) */
static void mark_area(interp *I, double box[4])
{
    pf *p = I->p;
    clip_to(box, I->gs[I->top].clip);
    if (!p->has_boxes || empty(box) || !pf_intersects(box, p->bleed))
        return;
    I->path_inside = true;
    I->path_gap = fmax(I->path_gap, bleed_gap(p, box));
}

/* Ends the current subpath. Each subpath is judged alone, so that printer's marks
 * around the page, drawn as one path, stay outside. */
static void end_subpath(interp *I)
{
    if (!I->has_sub)
        return;
    double box[4];
    memcpy(box, I->sub, sizeof box);
    box[2] = fmax(box[2], box[0] + 0.01); /* lines have no area */
    box[3] = fmax(box[3], box[1] + 0.01);
    if (!I->has_path) {
        memcpy(I->path, box, sizeof box);
        I->has_path = true;
    } else {
        I->path[0] = fmin(I->path[0], box[0]), I->path[1] = fmin(I->path[1], box[1]);
        I->path[2] = fmax(I->path[2], box[2]), I->path[3] = fmax(I->path[3], box[3]);
    }
    mark_area(I, box);
    I->has_sub = false;
}

static void path_add(interp *I, double x, double y, bool new_subpath)
{
    if (new_subpath)
        end_subpath(I);
    double px, py;
    apply(I->gs[I->top].ctm, x, y, &px, &py);
    if (!I->has_sub) {
        I->sub[0] = I->sub[2] = px;
        I->sub[1] = I->sub[3] = py;
        I->has_sub = true;
    } else {
        I->sub[0] = fmin(I->sub[0], px);
        I->sub[1] = fmin(I->sub[1], py);
        I->sub[2] = fmax(I->sub[2], px);
        I->sub[3] = fmax(I->sub[3], py);
    }
}

/* Ends the path after its painting operator (or n): a pending W clips to it. */
static void end_path(interp *I)
{
    end_subpath(I);
    if (I->clip_pending && I->has_path)
        clip_to(I->gs[I->top].clip, I->path);
    I->clip_pending = I->has_sub = I->has_path = I->path_inside = false;
    I->path_gap = 0;
}

/* ---- colour and ink (PR-05) ---- */

static double total_ink(const double v[4]) { return v[0] + v[1] + v[2] + v[3]; }

/* Paints no ink: white in CMYK or gray. */
static bool is_white(cs_kind k, const double v[4])
{
    return (k == CSK_CMYK && total_ink(v) <= 0) || (k == CSK_GRAY && v[0] >= 1);
}

/* Overprinting white paints nothing: gray overprints whatever the mode (it only sets
 * K), CMYK when zeros do not knock out (OPM 1). */
static bool white_vanishes(const gstate *g, bool stroke)
{
    cs_kind k = stroke ? g->stroke_cs : g->fill_cs;
    const double *v = stroke ? g->stroke : g->fill;
    bool over = stroke ? g->OP : g->op;
    return over && is_white(k, v) && (k == CSK_GRAY || g->opm == 1);
}

/* One painting of the current path, fill or stroke. */
static void paint_checks(interp *I, bool stroke, const char *what)
{
    pf *p = I->p;
    const gstate *g = &I->gs[I->top];
    cs_kind k = stroke ? g->stroke_cs : g->fill_cs;
    const double *v = stroke ? g->stroke : g->fill;
    if (white_vanishes(g, stroke))
        pf_find(p, PFK_WHITE_OVERPRINT, I->obj, "white %s set to overprint", what);
    if (is_white(k, v))
        return;
    if (k == CSK_CMYK && total_ink(v) > 3.0 + 1e-4)
        pf_find_v(p, PFK_TAC, I->obj, total_ink(v) * 100, "total ink above 300 %%");
    if (I->path_gap > 0)
        pf_find_v(p, PFK_INK_NOT_BLEED, I->obj, I->path_gap / PT_PER_MM,
                  "ink crosses the trim edge but does not run into the bleed");
}

static void paint(interp *I, bool fill, bool stroke)
{
    end_subpath(I);
    if (I->path_inside) {
        if (fill)
            paint_checks(I, false, "fill");
        if (stroke)
            paint_checks(I, true, "stroke");
    }
    end_path(I);
}

/* ---- text (PR-05, PR-07) ---- */

/* Where the glyphs of one text-showing operator go, along the baseline in unscaled
 * text space (Th applied, Tfs and Tc included): the pen's advance and the extent of the
 * glyphs themselves. */
typedef struct {
    double pen;
    double lo, hi;            /* glyph extent; valid when glyphs > 0 */
    size_t glyphs;
} text_run;

/* One glyph of advance w0 (per unit font size): its box spans its own width from the
 * pen; the pen then moves on by tx = (w0 Tfs + Tc + Tw) Th, Tw only for a space. */
static void run_glyph(text_run *r, const gstate *g, double w0, bool space)
{
    double a = r->pen, b = r->pen + w0 * g->font_size * g->th;
    r->lo = r->glyphs ? fmin(r->lo, fmin(a, b)) : fmin(a, b);
    r->hi = r->glyphs ? fmax(r->hi, fmax(a, b)) : fmax(a, b);
    r->glyphs++;
    r->pen += (w0 * g->font_size + g->tc + (space ? g->tw : 0)) * g->th;
}

/* A TJ number: thousandths of text space, subtracted; it moves only what follows, so
 * the extent stays where the glyphs went. */
static void run_adjust(text_run *r, const gstate *g, double adj)
{
    r->pen -= adj / 1000 * g->font_size * g->th;
}

/* One string's glyphs. For 2-byte fonts a last odd byte is no complete code and shows
 * nothing; word spacing applies to the single-byte code 32 only (so never with
 * Identity-H). */
static void run_string(text_run *r, const gstate *g, const unsigned char *s, size_t n)
{
    const font_metrics *m = g->font ? g->font : pf_fm_guess();
    if (pf_fm_two_byte(m)) {
        for (size_t i = 0; i + 1 < n; i += 2)
            run_glyph(r, g, pf_fm_width(m, (unsigned)s[i] << 8 | s[i + 1]), false);
    } else {
        for (size_t i = 0; i < n; i++)
            run_glyph(r, g, pf_fm_width(m, s[i]), s[i] == 32);
    }
}

/* PR-07: the run's box (glyph extent by the font's height estimate: 0.2 em below the
 * baseline to 0.8 em above, raised by Ts) against the trim: beyond it is a failure
 * (the knife cuts it), closer than the safe distance a warning. */
static void check_text_margin(interp *I, const text_run *r)
{
    pf *p = I->p;
    const gstate *g = &I->gs[I->top];
    double trm[6], box[4];
    mat_mul(I->tm, g->ctm, trm);
    double glyphs[4] = { r->lo, g->rise - 0.2 * g->font_size, r->hi,
                         g->rise + 0.8 * g->font_size };
    map_rect(trm, glyphs, box);
    clip_to(box, g->clip);
    if (!p->has_boxes || empty(box) || !pf_intersects(box, p->bleed))
        return;
    double d = fmin(fmin(box[0] - p->trim[0], p->trim[2] - box[2]),
                    fmin(box[1] - p->trim[1], p->trim[3] - box[3]));
    if (d < -EDGE_EPS)
        pf_find_v(p, PFK_TEXT_BEYOND_TRIM, I->obj, -d / PT_PER_MM,
                  "text runs over the trim edge");
    else if (d < p->o->safe_mm * PT_PER_MM - 0.01)
        pf_find_v(p, PFK_TEXT_NEAR_TRIM, I->obj, fmax(d, 0) / PT_PER_MM,
                  "text closer than %.0f mm to the trim edge", p->o->safe_mm);
}

/* PR-05 for text painted in one colour: black in K only and overprinting; no rich
 * black; total ink; no white that vanishes. */
static void check_text_colour(interp *I, bool stroke)
{
    pf *p = I->p;
    const gstate *g = &I->gs[I->top];
    cs_kind k = stroke ? g->stroke_cs : g->fill_cs;
    const double *v = stroke ? g->stroke : g->fill;
    bool over = stroke ? g->OP : g->op;
    if (white_vanishes(g, stroke))
        pf_find(p, PFK_WHITE_OVERPRINT, I->obj, "white text set to overprint");
    if (k == CSK_CMYK) {
        bool konly = v[0] == 0 && v[1] == 0 && v[2] == 0 && v[3] > 0;
        if (konly && (!over || g->opm != 1))
            pf_find(p, PFK_TEXT_KNOCKOUT, I->obj, "K-only text does not overprint (%s)",
                    over ? "overprint mode 0" : "overprint off");
        else if (!konly && v[3] >= 0.9 && v[0] + v[1] + v[2] > 0)
            pf_find_v(p, PFK_TEXT_RICH_BLACK, I->obj, total_ink(v) * 100,
                      "black text in several inks (rich black)");
        if (total_ink(v) > 3.0 + 1e-4)
            pf_find_v(p, PFK_TAC, I->obj, total_ink(v) * 100, "total ink above 300 %%");
    } else if (k == CSK_GRAY && v[0] <= 0.1 && !over) {
        pf_find(p, PFK_TEXT_KNOCKOUT, I->obj,
                "black text in DeviceGray knocks out instead of overprinting K");
    } else if (k == CSK_RGB && v[0] <= 0.1 && v[1] <= 0.1 && v[2] <= 0.1) {
        pf_find(p, PFK_TEXT_RICH_BLACK, I->obj, "black text in RGB (it separates into four inks)");
    }
}

/* PR-05 and PR-07 for one measured text-showing operator; then the text matrix moves
 * on by the pen's advance. Invisible text (Tr 3, 7) is not checked. */
static void show_text(interp *I, const text_run *r)
{
    const gstate *g = &I->gs[I->top];
    if (g->tr != 3 && g->tr != 7 && r->glyphs > 0) {
        bool fills = g->tr != 1 && g->tr != 5, strokes = g->tr % 4 == 1 || g->tr % 4 == 2;
        check_text_margin(I, r);
        if (fills)
            check_text_colour(I, false);
        if (strokes)
            check_text_colour(I, true);
    }
    double adv[6] = { 1, 0, 0, 1, r->pen, 0 };
    mat_mul(adv, I->tm, I->tm);
}

/* Tj, ' and ": one string operand. */
static void show_string(interp *I, const pfc_value *s)
{
    if (s->k != PFV_STR)
        return;
    text_run r = { 0 };
    run_string(&r, &I->gs[I->top], s->s, s->len);
    show_text(I, &r);
}

/* TJ: strings and adjustments in order. An array the reader could not keep whole (past
 * PFC_MAX_ELEMS) is not measured, and says so. */
static void show_array(interp *I, const pfc_value *a)
{
    if (a->k != PFV_ARRAY)
        return;
    if (a->partial) {
        pf_find(I->p, PFK_LIMIT, I->obj, "a text array (TJ) of more than %d items: that text "
                                         "was not checked", PFC_MAX_ELEMS);
        return;
    }
    const gstate *g = &I->gs[I->top];
    text_run r = { 0 };
    for (size_t i = 0; i < a->len; i++) {
        const pfc_value *e = &a->el[i];
        if (e->k == PFV_STR)
            run_string(&r, g, e->s, e->len);
        else if (e->k == PFV_NUM)
            run_adjust(&r, g, e->num);
    }
    show_text(I, &r);
}

static void text_newline(interp *I, double tx, double ty)
{
    double t[6] = { 1, 0, 0, 1, tx, ty };
    mat_mul(t, I->tlm, I->tlm);
    memcpy(I->tm, I->tlm, sizeof I->tm);
}

/* ---- resources named in the content ---- */

/* The resource called name in category cat ("/Font"…): a handle the caller lets go. */
static qpdf_oh resource(interp *I, const char *cat, const char *name)
{
    pf *p = I->p;
    qpdf_oh d = pf_key(p, I->res, cat);
    qpdf_oh v = pf_key(p, d, name);
    qpdf_oh_release(p->q, d);
    return v;
}

/* The remembered entry for (kind, name), or NULL. */
static rc_entry *cached(interp *I, rc_kind kind, const char *name)
{
    for (int i = 0; i < I->ncache; i++)
        if (I->cache[i].kind == kind && !strcmp(I->cache[i].name, name))
            return &I->cache[i];
    return NULL;
}

/* A slot to remember (kind, name) in, or NULL for a name too long to keep. */
static rc_entry *remember(interp *I, rc_kind kind, const char *name)
{
    if (strlen(name) >= sizeof I->cache[0].name)
        return NULL;
    rc_entry *e = I->ncache < NAME_CACHE ? &I->cache[I->ncache++]
                                         : &I->cache[I->next_evict++ % NAME_CACHE];
    memset(e, 0, sizeof *e);
    e->kind = kind;
    strcpy(e->name, name);
    return e;
}

static void set_color(interp *I, bool stroke, cs_kind k, const double *v, int n)
{
    gstate *g = &I->gs[I->top];
    double *dst = stroke ? g->stroke : g->fill;
    memset(dst, 0, 4 * sizeof *dst);
    for (int i = 0; i < n && i < 4; i++)
        dst[i] = v[i];
    if (stroke)
        g->stroke_cs = k;
    else
        g->fill_cs = k;
}

static void set_cs(interp *I, bool stroke, const char *name)
{
    pf *p = I->p;
    rc_entry *e = cached(I, RC_CS, name);
    cs_kind k;
    if (e) {
        k = e->u.cs;
    } else {
        qpdf_oh n = qpdf_oh_new_name(p->q, name);
        qpdf_oh cs = pf_resolve_cs(p, I->res, n);
        k = pf_check_cs(p, cs, I->obj, "the page content");
        qpdf_oh_release(p->q, cs);
        qpdf_oh_release(p->q, n);
        if ((e = remember(I, RC_CS, name)))
            e->u.cs = k;
    }
    /* Initial colour: black in every device space. */
    double init[4] = { 0, 0, 0, k == CSK_CMYK ? 1 : 0 };
    set_color(I, stroke, k, init, 4);
}

/* The overprint settings of a named graphics state (-1: not set by it). */
static void read_extgstate(interp *I, const char *name, rc_entry *e)
{
    pf *p = I->p;
    qpdf_oh gs = resource(I, "/ExtGState", name);
    qpdf_oh OP = pf_key(p, gs, "/OP"), op = pf_key(p, gs, "/op"), opm = pf_key(p, gs, "/OPM");
    double m;
    e->u.gs.OP = qpdf_oh_is_bool(p->q, OP) ? qpdf_oh_get_bool_value(p->q, OP) : -1;
    e->u.gs.op = qpdf_oh_is_bool(p->q, op) ? qpdf_oh_get_bool_value(p->q, op) : -1;
    e->u.gs.opm = pf_num(p, opm, &m) ? pf_clamp_int(m) : -1;
    qpdf_oh_release(p->q, OP);
    qpdf_oh_release(p->q, op);
    qpdf_oh_release(p->q, opm);
    qpdf_oh_release(p->q, gs);
}

static void set_extgstate(interp *I, const char *name)
{
    rc_entry tmp, *e = cached(I, RC_GS, name);
    if (!e) {
        e = remember(I, RC_GS, name);
        read_extgstate(I, name, e ? e : &tmp);
        if (!e)
            e = &tmp;
    }
    gstate *g = &I->gs[I->top];
    if (e->u.gs.OP >= 0)
        g->OP = g->op = e->u.gs.OP; /* /OP also sets op when /op is absent */
    if (e->u.gs.op >= 0)
        g->op = e->u.gs.op;
    if (e->u.gs.opm >= 0)
        g->opm = e->u.gs.opm;
}

/* ---- images (PR-06, PR-08) ---- */

/* An image drawn into the unit square under the CTM. */
static void place_image(interp *I, int obj, double w_px, double h_px, bool mask)
{
    pf *p = I->p;
    const gstate *g = &I->gs[I->top];
    const double *m = g->ctm;
    static const double unit[4] = { 0, 0, 1, 1 };
    double box[4];
    map_rect(m, unit, box);
    I->path_gap = 0;
    I->path_inside = false;
    mark_area(I, box);
    if (I->path_inside && I->path_gap > 0 && !mask)
        pf_find_v(p, PFK_INK_NOT_BLEED, obj, I->path_gap / PT_PER_MM,
                  "ink crosses the trim edge but does not run into the bleed");
    I->path_gap = 0;
    I->path_inside = false;
    double wpt = hypot(m[0], m[1]), hpt = hypot(m[2], m[3]);
    if (mask || wpt <= 0 || hpt <= 0 || w_px <= 0 || h_px <= 0)
        return;
    double ppi = fmin(w_px * 72 / wpt, h_px * 72 / hpt);
    if (ppi < p->o->fail_ppi - 0.5)
        pf_find_v(p, PFK_PPI_VERY_LOW, obj, ppi, "image below %.0f ppi", p->o->fail_ppi);
    else if (ppi < p->o->min_ppi - 0.5)
        pf_find_v(p, PFK_PPI_LOW, obj, ppi, "image below %.0f ppi", p->o->min_ppi);
}

/* ---- form XObjects ---- */

static void interpret(interp *I, const unsigned char *data, size_t len);

void pf_forms_reset(pf *p)
{
    pf_form_memo *m = p->memo;
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++)
        free(m->forms[i].data);
    free(m->forms);
    pf_idset_free(&m->seen);
    free(m);
    p->memo = NULL;
}

static uint32_t hash_id(int id) { return (uint32_t)id * 2654435761u; }

/* The entry of form id on this page: decoded, its matrix, box and resources read, on
 * its first use. NULL when the page's memo is full or memory runs out. */
static form_entry *form_of(interp *I, const char *name, int id)
{
    pf *p = I->p;
    if (!p->memo && !(p->memo = calloc(1, sizeof *p->memo)))
        return NULL;
    pf_form_memo *m = p->memo;
    size_t nslots = sizeof m->slots / sizeof m->slots[0], i = hash_id(id) & (nslots - 1);
    for (; m->slots[i]; i = (i + 1) & (nslots - 1))
        if (m->forms[m->slots[i] - 1].id == id)
            return &m->forms[m->slots[i] - 1];
    if (m->n >= PF_MAX_FORM_MEMO) {
        pf_find(p, PFK_LIMIT, id, "more than %d form XObjects on one page: the others were "
                                  "not checked", PF_MAX_FORM_MEMO);
        return NULL;
    }
    if (!VEC_PUSH_ROOM(m->forms, m->cap, m->n))
        return NULL;
    form_entry *f = &m->forms[m->n];
    memset(f, 0, sizeof *f);
    f->id = id;
    qpdf_oh form = resource(I, "/XObject", name);
    f->data = pf_stream_data(p, form, "a form XObject", &f->len);
    double id6[6] = { 1, 0, 0, 1, 0, 0 };
    memcpy(f->matrix, id6, sizeof id6);
    qpdf_oh mo = pf_key(p, form, "/Matrix");
    if (qpdf_oh_is_array(p->q, mo) && qpdf_oh_get_array_n_items(p->q, mo) == 6)
        for (int k = 0; k < 6; k++) {
            qpdf_oh e = qpdf_oh_get_array_item(p->q, mo, k);
            if (!pf_num(p, e, &f->matrix[k]))
                f->matrix[k] = id6[k];
            qpdf_oh_release(p->q, e);
        }
    qpdf_oh_release(p->q, mo);
    qpdf_oh bb = pf_key(p, form, "/BBox");
    if (!pf_rect_of(p, bb, f->bbox))
        memcpy(f->bbox, no_clip, sizeof no_clip);
    qpdf_oh_release(p->q, bb);
    f->res = pf_key(p, form, "/Resources");
    if (qpdf_oh_is_dictionary(p->q, f->res)) {
        f->res_id = pf_objid(p, f->res);
        pf_scan_resources(p, f->res);
    }
    qpdf_oh_release(p->q, form);
    m->slots[i] = (uint32_t)++m->n;
    return f;
}

/* Mixes n bytes into h, eight at a time (the state is a few hundred bytes, hashed at
 * every form drawn). */
static uint64_t mix(uint64_t h, const void *data, size_t n)
{
    const unsigned char *s = data;
    for (size_t i = 0; i < n; i += 8) {
        uint64_t w = 0;
        memcpy(&w, s + i, n - i < 8 ? n - i : 8);
        h = (h ^ w) * 0x100000001B3u;
        h ^= h >> 29;
    }
    return h;
}

/* What the checks inside a form depend on: the form, the resources it falls back on,
 * and the graphics state it is drawn in. */
static uint64_t state_key(const interp *I, const form_entry *f)
{
    const gstate *g = &I->gs[I->top];
    uint64_t h = mix(1469598103934665603u, &f->id, sizeof f->id);
    int res = f->res_id ? 0 : I->res_id;
    h = mix(h, &res, sizeof res);
    h = mix(h, g->ctm, sizeof g->ctm);
    h = mix(h, g->clip, sizeof g->clip);
    int kinds[5] = { g->fill_cs, g->stroke_cs, g->op, g->OP, g->opm };
    h = mix(h, kinds, sizeof kinds);
    h = mix(h, g->fill, sizeof g->fill);
    h = mix(h, g->stroke, sizeof g->stroke);
    double text[7] = { g->font_size, g->th, g->tc, g->tw, g->tl, g->rise, g->tr };
    h = mix(h, text, sizeof text);
    return mix(h, &g->font, sizeof g->font);
}

static void do_form(interp *I, const char *name, int id)
{
    pf *p = I->p;
    int max_depth = p->lim->form_depth < PF_MAX_FORM_DEPTH ? p->lim->form_depth
                                                          : PF_MAX_FORM_DEPTH;
    if (I->depth >= max_depth) {
        pf_find(p, PFK_LIMIT, id, "form XObjects nested more than %d deep: the inner ones were "
                                  "not checked", max_depth);
        return;
    }
    for (int i = 0; i < I->depth; i++)
        if (I->chain[i] == id) {
            pf_find(p, PFK_DAMAGED, id, "a form XObject draws itself");
            return;
        }
    form_entry *f = form_of(I, name, id);
    if (!f || !f->data)
        return;
    if (p->memo->seen.n < PF_MAX_FORM_MEMO && !pf_idset_add(&p->memo->seen, state_key(I, f)))
        return; /* drawn in this very state before: nothing new to find */
    interp *sub = malloc(sizeof *sub);
    if (!sub)
        return;
    sub->p = p;
    sub->ncache = sub->next_evict = 0;
    sub->res = qpdf_oh_is_dictionary(p->q, f->res) ? f->res : I->res;
    sub->res_id = qpdf_oh_is_dictionary(p->q, f->res) ? f->res_id : I->res_id;
    sub->obj = id;
    sub->gs[0] = I->gs[I->top];
    sub->top = 0;
    memset(sub->tm, 0, sizeof sub->tm);
    memset(sub->tlm, 0, sizeof sub->tlm);
    sub->has_sub = sub->has_path = sub->path_inside = sub->clip_pending = sub->abort = false;
    sub->path_gap = 0;
    sub->depth = I->depth + 1;
    memcpy(sub->chain, I->chain, sizeof sub->chain);
    sub->chain[I->depth] = id;
    gstate *g = &sub->gs[0];
    mat_mul(f->matrix, g->ctm, g->ctm);
    double bbox[4];
    if (isfinite(f->bbox[0])) {
        map_rect(g->ctm, f->bbox, bbox);
        clip_to(g->clip, bbox);
    }
    interpret(sub, f->data, f->len);
    free(sub);
}

/* What a named XObject is: its id, type and (images) size. */
static void read_xobject(interp *I, const char *name, rc_entry *e)
{
    pf *p = I->p;
    qpdf_oh xo = resource(I, "/XObject", name);
    e->u.xo.type = XO_OTHER;
    e->u.xo.w = -1;
    if (qpdf_oh_is_stream(p->q, xo)) {
        e->u.xo.id = pf_objid(p, xo);
        qpdf_oh sub = pf_key(p, xo, "/Subtype");
        if (pf_is_name(p, sub, "/Image")) {
            qpdf_oh im = pf_key(p, xo, "/ImageMask"), wo = pf_key(p, xo, "/Width"),
                    ho = pf_key(p, xo, "/Height");
            e->u.xo.type = XO_IMAGE;
            e->u.xo.mask = qpdf_oh_is_bool(p->q, im) && qpdf_oh_get_bool_value(p->q, im);
            if (!pf_num(p, wo, &e->u.xo.w) || !pf_num(p, ho, &e->u.xo.h))
                e->u.xo.w = -1;
            qpdf_oh_release(p->q, im);
            qpdf_oh_release(p->q, wo);
            qpdf_oh_release(p->q, ho);
        } else if (pf_is_name(p, sub, "/Form")) {
            e->u.xo.type = XO_FORM;
        }
        qpdf_oh_release(p->q, sub);
    }
    qpdf_oh_release(p->q, xo);
}

static void do_xobject(interp *I, const char *name)
{
    rc_entry tmp, *e = cached(I, RC_XOBJECT, name);
    if (!e) {
        e = remember(I, RC_XOBJECT, name);
        read_xobject(I, name, e ? e : &tmp);
        if (!e)
            e = &tmp;
    }
    if (e->u.xo.type == XO_IMAGE && e->u.xo.w >= 0)
        place_image(I, e->u.xo.id, e->u.xo.w, e->u.xo.h, e->u.xo.mask);
    else if (e->u.xo.type == XO_FORM)
        do_form(I, name, e->u.xo.id);
}

/* ---- inline images (PR-04, PR-08, PR-10) ---- */

/* The key of an inline image's dictionary, in its long or abbreviated form. */
static bool inline_key(const pfc_value *k, const char *abbr, const char *full)
{
    return k->k == PFV_NAME &&
           (!strcmp((const char *)k->s, abbr) || !strcmp((const char *)k->s, full));
}

static bool lzw_name(const pfc_value *v)
{
    return v->k == PFV_NAME && (!strcmp((const char *)v->s, "/LZW") ||
                                !strcmp((const char *)v->s, "/LZWDecode"));
}

/* The colour space of an inline image: a name, or an array whose first name (Indexed:
 * second, its base) tells. */
static const char *inline_cs(const pfc_value *v)
{
    if (v->k == PFV_NAME)
        return (const char *)v->s;
    if (v->k != PFV_ARRAY || v->len == 0 || v->el[0].k != PFV_NAME)
        return NULL;
    const char *f = (const char *)v->el[0].s;
    if ((!strcmp(f, "/I") || !strcmp(f, "/Indexed")) && v->len > 1 && v->el[1].k == PFV_NAME)
        return (const char *)v->el[1].s;
    return f;
}

/* BI … ID: the dictionary (key, value, key, value…). */
static void inline_image(interp *I, const pfc_op *op)
{
    pf *p = I->p;
    double w = 0, h = 0;
    bool mask = false, lzw = false;
    const char *cs = NULL;
    for (int i = 0; i + 1 < op->nargs; i += 2) {
        const pfc_value *k = &op->args[i], *v = &op->args[i + 1];
        if (inline_key(k, "/W", "/Width") && v->k == PFV_NUM)
            w = v->num;
        else if (inline_key(k, "/H", "/Height") && v->k == PFV_NUM)
            h = v->num;
        else if (inline_key(k, "/IM", "/ImageMask") && v->k == PFV_BOOL)
            mask = v->num != 0;
        else if (inline_key(k, "/CS", "/ColorSpace"))
            cs = inline_cs(v);
        else if (inline_key(k, "/F", "/Filter"))
            for (size_t j = 0; j < (v->k == PFV_ARRAY ? v->len : 1); j++)
                lzw |= lzw_name(v->k == PFV_ARRAY ? &v->el[j] : v);
    }
    if (cs && !mask) {
        qpdf_oh n = qpdf_oh_new_name(p->q, cs);
        qpdf_oh r = pf_resolve_cs(p, I->res, n);
        pf_check_cs(p, r, I->obj, "an inline image");
        qpdf_oh_release(p->q, r);
        qpdf_oh_release(p->q, n);
    }
    if (lzw)
        pf_find(p, PFK_LZW, I->obj, "LZW-compressed inline image");
    place_image(I, I->obj, w, h, mask);
}

/* ---- the operators ----
 *
 * Each handler gets the operator, its trailing numeric operands in v (as many as the
 * table says; the operator is skipped when they are missing) and the table's arg. */

typedef void (*op_fn)(interp *I, const pfc_op *op, const double *v, int arg);

enum { FILL = 1, STROKE = 2 };

/* The last operand, when it has kind k. */
static const pfc_value *last_arg(const pfc_op *op, pfv_kind k)
{
    return op->nargs >= 1 && op->args[op->nargs - 1].k == k ? &op->args[op->nargs - 1] : NULL;
}

static void op_q(interp *I, const pfc_op *op, const double *v, int arg)
{
    (void)op, (void)v, (void)arg;
    if (I->top + 1 >= PF_MAX_GSTACK) {
        pf_find(I->p, PFK_LIMIT, I->obj, "graphics states nested more than %d deep (q): the "
                                         "rest of that content was not checked", PF_MAX_GSTACK);
        I->abort = true;
        return;
    }
    I->gs[I->top + 1] = I->gs[I->top];
    I->top++;
}

static void op_Q(interp *I, const pfc_op *op, const double *v, int arg)
{
    (void)op, (void)v, (void)arg;
    if (I->top > 0)
        I->top--;
}

static void op_cm(interp *I, const pfc_op *op, const double *v, int arg)
{
    (void)op, (void)arg;
    mat_mul(v, I->gs[I->top].ctm, I->gs[I->top].ctm);
}

static void op_gs(interp *I, const pfc_op *op, const double *v, int arg)
{
    (void)v, (void)arg;
    const pfc_value *n = last_arg(op, PFV_NAME);
    if (n)
        set_extgstate(I, (const char *)n->s);
}

/* g G k K rg RG: arg is the colour space's kind, and STROKE for the upper-case forms. */
static void op_device_colour(interp *I, const pfc_op *op, const double *v, int arg)
{
    (void)op;
    bool stroke = arg & STROKE;
    cs_kind k = (cs_kind)(arg >> 2);
    if (k == CSK_RGB)
        pf_find(I->p, PFK_CS_RGB, I->obj, "DeviceRGB in the page content");
    set_color(I, stroke, k, v, k == CSK_CMYK ? 4 : k == CSK_RGB ? 3 : 1);
}

static void op_cs(interp *I, const pfc_op *op, const double *v, int arg)
{
    (void)v;
    const pfc_value *n = last_arg(op, PFV_NAME);
    if (n)
        set_cs(I, arg & STROKE, (const char *)n->s);
}

/* sc scn SC SCN: as many numbers as the current space has components. */
static void op_sc(interp *I, const pfc_op *op, const double *v, int arg)
{
    (void)v;
    bool stroke = arg & STROKE;
    gstate *g = &I->gs[I->top];
    cs_kind k = stroke ? g->stroke_cs : g->fill_cs;
    int n = k == CSK_CMYK ? 4 : k == CSK_RGB ? 3 : k == CSK_GRAY ? 1 : 0;
    double c[4];
    if (n == 0 || op->nargs < n)
        return;
    for (int i = 0; i < n; i++) {
        const pfc_value *a = &op->args[op->nargs - n + i];
        if (a->k != PFV_NUM)
            return;
        c[i] = a->num;
    }
    set_color(I, stroke, k, c, n);
}

static void op_BT(interp *I, const pfc_op *op, const double *v, int arg)
{
    (void)op, (void)v, (void)arg;
    double id[6] = { 1, 0, 0, 1, 0, 0 };
    memcpy(I->tm, id, sizeof id);
    memcpy(I->tlm, id, sizeof id);
}

static void op_Tf(interp *I, const pfc_op *op, const double *v, int arg)
{
    (void)arg;
    if (op->nargs < 2 || op->args[op->nargs - 2].k != PFV_NAME)
        return;
    pf *p = I->p;
    gstate *g = &I->gs[I->top];
    const char *name = (const char *)op->args[op->nargs - 2].s;
    g->font_size = v[0];
    rc_entry *e = cached(I, RC_FONT, name);
    if (e) {
        g->font = e->u.font;
        return;
    }
    qpdf_oh f = resource(I, "/Font", name);
    g->font = pf_font_metrics_for(p, f, I->obj, name);
    qpdf_oh_release(p->q, f);
    if ((e = remember(I, RC_FONT, name)))
        e->u.font = g->font;
}

static void op_Tm(interp *I, const pfc_op *op, const double *v, int arg)
{
    (void)op, (void)arg;
    memcpy(I->tm, v, sizeof I->tm);
    memcpy(I->tlm, v, sizeof I->tlm);
}

/* Td, and TD (arg 1), which also sets the leading. */
static void op_Td(interp *I, const pfc_op *op, const double *v, int arg)
{
    (void)op;
    if (arg)
        I->gs[I->top].tl = -v[1];
    text_newline(I, v[0], v[1]);
}

static void op_Tstar(interp *I, const pfc_op *op, const double *v, int arg)
{
    (void)op, (void)v, (void)arg;
    text_newline(I, 0, -I->gs[I->top].tl);
}

/* Tc Tw Tz TL Ts Tr: one number into the text state. */
enum { T_TC, T_TW, T_TZ, T_TL, T_TS, T_TR };

static void op_text_state(interp *I, const pfc_op *op, const double *v, int arg)
{
    (void)op;
    gstate *g = &I->gs[I->top];
    switch (arg) {
    case T_TC: g->tc = v[0]; break;
    case T_TW: g->tw = v[0]; break;
    case T_TZ: g->th = v[0] / 100; break;
    case T_TL: g->tl = v[0]; break;
    case T_TS: g->rise = v[0]; break;
    case T_TR: g->tr = pf_clamp_int(v[0]); break;
    }
}

static void op_Tj(interp *I, const pfc_op *op, const double *v, int arg)
{
    (void)v, (void)arg;
    if (op->nargs >= 1)
        show_string(I, &op->args[op->nargs - 1]);
}

static void op_TJ(interp *I, const pfc_op *op, const double *v, int arg)
{
    (void)v, (void)arg;
    if (op->nargs >= 1)
        show_array(I, &op->args[op->nargs - 1]);
}

/* ' and " (arg 1: "aw ac string", which sets word and character spacing first). */
static void op_quote(interp *I, const pfc_op *op, const double *v, int arg)
{
    (void)v;
    gstate *g = &I->gs[I->top];
    if (arg && op->nargs >= 3 && op->args[op->nargs - 3].k == PFV_NUM &&
        op->args[op->nargs - 2].k == PFV_NUM) {
        g->tw = op->args[op->nargs - 3].num;
        g->tc = op->args[op->nargs - 2].num;
    }
    text_newline(I, 0, -g->tl);
    if (op->nargs >= 1)
        show_string(I, &op->args[op->nargs - 1]);
}

/* m (arg 1: starts a subpath) and l. */
static void op_point(interp *I, const pfc_op *op, const double *v, int arg)
{
    (void)op;
    path_add(I, v[0], v[1], arg);
}

/* c (3 points), v and y (2 points): every control point counts for the extent. */
static void op_curve(interp *I, const pfc_op *op, const double *v, int arg)
{
    (void)op;
    for (int i = 0; i < arg; i++)
        path_add(I, v[2 * i], v[2 * i + 1], false);
}

static void op_re(interp *I, const pfc_op *op, const double *v, int arg)
{
    (void)op, (void)arg;
    path_add(I, v[0], v[1], true);
    path_add(I, v[0] + v[2], v[1] + v[3], false);
    path_add(I, v[0], v[1] + v[3], false);
    path_add(I, v[0] + v[2], v[1], false);
}

/* f F f* S s B B* b b*: arg says FILL, STROKE or both. */
static void op_paint(interp *I, const pfc_op *op, const double *v, int arg)
{
    (void)op, (void)v;
    paint(I, arg & FILL, arg & STROKE);
}

static void op_n(interp *I, const pfc_op *op, const double *v, int arg)
{
    (void)op, (void)v, (void)arg;
    end_path(I);
}

/* W and W*: the path clips once it is painted or ended. */
static void op_W(interp *I, const pfc_op *op, const double *v, int arg)
{
    (void)op, (void)v, (void)arg;
    I->clip_pending = true;
}

/* sh: a shading painted over the clipping region. */
static void op_sh(interp *I, const pfc_op *op, const double *v, int arg)
{
    (void)op, (void)v, (void)arg;
    double box[4];
    memcpy(box, I->gs[I->top].clip, sizeof box);
    if (!isfinite(box[0]) || !isfinite(box[1]) || !isfinite(box[2]) || !isfinite(box[3]))
        return; /* the whole page: into the bleed on every side */
    I->path_gap = 0;
    I->path_inside = false;
    mark_area(I, box);
    if (I->path_inside && I->path_gap > 0)
        pf_find_v(I->p, PFK_INK_NOT_BLEED, I->obj, I->path_gap / PT_PER_MM,
                  "ink crosses the trim edge but does not run into the bleed");
    I->path_gap = 0;
    I->path_inside = false;
}

static void op_Do(interp *I, const pfc_op *op, const double *v, int arg)
{
    (void)v, (void)arg;
    const pfc_value *n = last_arg(op, PFV_NAME);
    if (n)
        do_xobject(I, (const char *)n->s);
}

static void op_BI(interp *I, const pfc_op *op, const double *v, int arg)
{
    (void)v, (void)arg;
    inline_image(I, op);
}

static void op_PS(interp *I, const pfc_op *op, const double *v, int arg)
{
    (void)op, (void)v, (void)arg;
    pf_find(I->p, PFK_POSTSCRIPT, I->obj, "PostScript in the page content (PS operator)");
}

typedef struct {
    const char *name;
    int nums;                 /* trailing numbers the handler needs */
    op_fn fn;
    int arg;
} op_def;

#define CS_ARG(k, stroke) ((int)(k) << 2 | (stroke))

/* Sorted by name (strcmp order) for bsearch. Operators not listed change nothing that
 * is checked (marked content, line style, rendering intent, Type 3 glyph metrics). */
static const op_def ops[] = {
    { "\"", 0, op_quote, 1 },
    { "'", 0, op_quote, 0 },
    { "B", 0, op_paint, FILL | STROKE },
    { "B*", 0, op_paint, FILL | STROKE },
    { "BI", 0, op_BI, 0 },
    { "BT", 0, op_BT, 0 },
    { "CS", 0, op_cs, STROKE },
    { "Do", 0, op_Do, 0 },
    { "F", 0, op_paint, FILL },
    { "G", 1, op_device_colour, CS_ARG(CSK_GRAY, STROKE) },
    { "K", 4, op_device_colour, CS_ARG(CSK_CMYK, STROKE) },
    { "PS", 0, op_PS, 0 },
    { "Q", 0, op_Q, 0 },
    { "RG", 3, op_device_colour, CS_ARG(CSK_RGB, STROKE) },
    { "S", 0, op_paint, STROKE },
    { "SC", 0, op_sc, STROKE },
    { "SCN", 0, op_sc, STROKE },
    { "T*", 0, op_Tstar, 0 },
    { "TD", 2, op_Td, 1 },
    { "TJ", 0, op_TJ, 0 },
    { "TL", 1, op_text_state, T_TL },
    { "Tc", 1, op_text_state, T_TC },
    { "Td", 2, op_Td, 0 },
    { "Tf", 1, op_Tf, 0 },
    { "Tj", 0, op_Tj, 0 },
    { "Tm", 6, op_Tm, 0 },
    { "Tr", 1, op_text_state, T_TR },
    { "Ts", 1, op_text_state, T_TS },
    { "Tw", 1, op_text_state, T_TW },
    { "Tz", 1, op_text_state, T_TZ },
    { "W", 0, op_W, 0 },
    { "W*", 0, op_W, 0 },
    { "b", 0, op_paint, FILL | STROKE },
    { "b*", 0, op_paint, FILL | STROKE },
    { "c", 6, op_curve, 3 },
    { "cm", 6, op_cm, 0 },
    { "cs", 0, op_cs, FILL },
    { "f", 0, op_paint, FILL },
    { "f*", 0, op_paint, FILL },
    { "g", 1, op_device_colour, CS_ARG(CSK_GRAY, FILL) },
    { "gs", 0, op_gs, 0 },
    { "k", 4, op_device_colour, CS_ARG(CSK_CMYK, FILL) },
    { "l", 2, op_point, 0 },
    { "m", 2, op_point, 1 },
    { "n", 0, op_n, 0 },
    { "q", 0, op_q, 0 },
    { "re", 4, op_re, 0 },
    { "rg", 3, op_device_colour, CS_ARG(CSK_RGB, FILL) },
    { "s", 0, op_paint, STROKE },
    { "sc", 0, op_sc, FILL },
    { "scn", 0, op_sc, FILL },
    { "sh", 0, op_sh, 0 },
    { "v", 4, op_curve, 2 },
    { "y", 4, op_curve, 2 },
};

static int op_cmp(const void *key, const void *def)
{
    return strcmp(key, ((const op_def *)def)->name);
}

/* The reader's callback: one operator, counted against the budget. */
static bool on_operator(void *ctx, const pfc_op *op)
{
    interp *I = ctx;
    pf *p = I->p;
    if (p->stop)
        return false;
    const op_def *d = bsearch(op->op, ops, sizeof ops / sizeof ops[0], sizeof ops[0], op_cmp);
    if (!d || d->nums > op->nargs)
        return true;
    double v[6] = { 0 };
    for (int i = 0; i < d->nums; i++) {
        const pfc_value *a = &op->args[op->nargs - d->nums + i];
        if (a->k != PFV_NUM)
            return true;
        v[i] = a->num;
    }
    d->fn(I, op, v, d->arg);
    return !I->abort && !p->stop;
}

static void interpret(interp *I, const unsigned char *data, size_t len)
{
    pf *p = I->p;
    size_t left = p->lim->tokens > p->tokens ? p->lim->tokens - p->tokens : 0;
    size_t before = left;
    pfc_status st = pfc_read(data, len, &left, on_operator, I);
    p->tokens += before - left;
    if (st == PFC_BUDGET)
        pf_limit(p, "more than %zu content-stream tokens: the rest of the file was not checked",
                 p->lim->tokens);
    else if (st == PFC_NOMEM || st == PFC_ERROR)
        pf_limit(p, "%s reading a content stream: the rest of the file was not checked",
                 st == PFC_NOMEM ? "out of memory" : "an error in qpdf");
}

void pf_interpret_page(pf *p, qpdf_oh res, const unsigned char *data, size_t len)
{
    interp *I = calloc(1, sizeof *I);
    if (!I)
        return;
    I->p = p;
    I->res = res;
    I->res_id = pf_objid(p, res);
    I->obj = p->page_obj;
    gstate *g = &I->gs[0];
    double id[6] = { 1, 0, 0, 1, 0, 0 };
    memcpy(g->ctm, id, sizeof id);
    memcpy(g->clip, no_clip, sizeof no_clip);
    g->fill_cs = g->stroke_cs = CSK_GRAY;
    g->th = 1;
    interpret(I, data, len);
    free(I);
}
