/* pf_interp — content streams, interpreted just far enough to know the CTM, the clip,
 * colours, overprint state, text position and the current path's extent at every
 * painting operator: PR-04 (colour selected in the content), PR-05 (total ink, white
 * overprint), PR-06 (ink that crosses the trim must run into the bleed); text is in
 * pf_text.c (PR-05, PR-07), images and forms in pf_xobject.c (PR-06, PR-08).
 *
 * qpdf's tokenizer reads the stream (pf_qpdf_int.h); each operator is looked up in one
 * sorted table that says how many numbers it takes and which function handles it.
 * Every token read costs one of the tokens budget. */
#include "layout/preflight/pf_interp_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const double pfi_no_clip[4] = { -INFINITY, -INFINITY, INFINITY, INFINITY };

void pfi_mat_mul(const double a[6], const double b[6], double out[6])
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
void pfi_map_rect(const double m[6], const double r[4], double out[4])
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

void pfi_clip_to(double box[4], const double clip[4])
{
    box[0] = fmax(box[0], clip[0]);
    box[1] = fmax(box[1], clip[1]);
    box[2] = fmin(box[2], clip[2]);
    box[3] = fmin(box[3], clip[3]);
}

bool pfi_empty(const double b[4]) { return !(b[0] <= b[2] && b[1] <= b[3]); }

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
void pfi_mark_area(interp *I, double box[4])
{
    pf *p = I->p;
    pfi_clip_to(box, I->gs[I->top].clip);
    if (!p->has_boxes || pfi_empty(box) || !pf_intersects(box, p->bleed))
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
    pfi_mark_area(I, box);
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
        pfi_clip_to(I->gs[I->top].clip, I->path);
    I->clip_pending = I->has_sub = I->has_path = I->path_inside = false;
    I->path_gap = 0;
}

/* ---- colour and ink (PR-05) ---- */

double pfi_total_ink(const double v[4]) { return v[0] + v[1] + v[2] + v[3]; }

/* Paints no ink: white in CMYK or gray. */
static bool is_white(cs_kind k, const double v[4])
{
    return (k == CSK_CMYK && pfi_total_ink(v) <= 0) || (k == CSK_GRAY && v[0] >= 1);
}

/* Overprinting white paints nothing: gray overprints whatever the mode (it only sets
 * K), CMYK when zeros do not knock out (OPM 1). */
bool pfi_white_vanishes(const gstate *g, bool stroke)
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
    if (pfi_white_vanishes(g, stroke))
        pf_find(p, PFK_WHITE_OVERPRINT, I->obj, "white %s set to overprint", what);
    if (is_white(k, v))
        return;
    if (k == CSK_CMYK && pfi_total_ink(v) > 3.0 + 1e-4)
        pf_find_v(p, PFK_TAC, I->obj, pfi_total_ink(v) * 100, "total ink above 300 %%");
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

/* ---- resources named in the content ---- */

/* The resource called name in category cat ("/Font"…): a handle the caller lets go. */
qpdf_oh pfi_resource(interp *I, const char *cat, const char *name)
{
    pf *p = I->p;
    qpdf_oh d = pf_key(p, I->res, cat);
    qpdf_oh v = pf_key(p, d, name);
    qpdf_oh_release(p->q, d);
    return v;
}

/* The remembered entry for (kind, name), or NULL. */
rc_entry *pfi_cached(interp *I, rc_kind kind, const char *name)
{
    for (int i = 0; i < I->ncache; i++)
        if (I->cache[i].kind == kind && !strcmp(I->cache[i].name, name))
            return &I->cache[i];
    return NULL;
}

/* A slot to remember (kind, name) in, or NULL for a name too long to keep. */
rc_entry *pfi_remember(interp *I, rc_kind kind, const char *name)
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
    rc_entry *e = pfi_cached(I, RC_CS, name);
    cs_kind k;
    if (e) {
        k = e->u.cs;
    } else {
        qpdf_oh n = qpdf_oh_new_name(p->q, name);
        qpdf_oh cs = pf_resolve_cs(p, I->res, n);
        k = pf_check_cs(p, cs, I->obj, "the page content");
        qpdf_oh_release(p->q, cs);
        qpdf_oh_release(p->q, n);
        if ((e = pfi_remember(I, RC_CS, name)))
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
    qpdf_oh gs = pfi_resource(I, "/ExtGState", name);
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
    rc_entry tmp, *e = pfi_cached(I, RC_GS, name);
    if (!e) {
        e = pfi_remember(I, RC_GS, name);
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
    pfi_mat_mul(v, I->gs[I->top].ctm, I->gs[I->top].ctm);
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
    rc_entry *e = pfi_cached(I, RC_FONT, name);
    if (e) {
        g->font = e->u.font;
        return;
    }
    qpdf_oh f = pfi_resource(I, "/Font", name);
    g->font = pf_font_metrics_for(p, f, I->obj, name);
    qpdf_oh_release(p->q, f);
    if ((e = pfi_remember(I, RC_FONT, name)))
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
    pfi_text_newline(I, v[0], v[1]);
}

static void op_Tstar(interp *I, const pfc_op *op, const double *v, int arg)
{
    (void)op, (void)v, (void)arg;
    pfi_text_newline(I, 0, -I->gs[I->top].tl);
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
        pfi_show_string(I, &op->args[op->nargs - 1]);
}

static void op_TJ(interp *I, const pfc_op *op, const double *v, int arg)
{
    (void)v, (void)arg;
    if (op->nargs >= 1)
        pfi_show_array(I, &op->args[op->nargs - 1]);
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
    pfi_text_newline(I, 0, -g->tl);
    if (op->nargs >= 1)
        pfi_show_string(I, &op->args[op->nargs - 1]);
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
    pfi_mark_area(I, box);
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
        pfi_do_xobject(I, (const char *)n->s);
}

static void op_BI(interp *I, const pfc_op *op, const double *v, int arg)
{
    (void)v, (void)arg;
    pfi_inline_image(I, op);
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

void pfi_interpret(interp *I, const unsigned char *data, size_t len)
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
    memcpy(g->clip, pfi_no_clip, sizeof pfi_no_clip);
    g->fill_cs = g->stroke_cs = CSK_GRAY;
    g->th = 1;
    pfi_interpret(I, data, len);
    free(I);
}
