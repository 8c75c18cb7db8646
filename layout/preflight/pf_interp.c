/* pf_interp — content streams, interpreted just far enough to know the CTM, colours,
 * overprint state, text position and the current path's extent at every painting
 * operator. Text is measured glyph by glyph with the fonts' own widths (PR-07), so
 * proportional Latin set in a 2-byte CID font is as wide as it prints.
 *
 * qpdf's tokenizer reads the stream (pf_qpdf.h); each operator is looked up in one
 * sorted table that says how many numbers it takes and which function handles it. */
#include "layout/preflight/pf_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "layout/preflight/pf_qpdf.h"

#define MAX_GSTACK 64         /* q nesting tracked */

typedef struct {
    double ctm[6];
    cs_kind fill_cs, stroke_cs;
    double fill[4], stroke[4];
    bool op, OP;
    int opm;
    double font_size, th, tc, tw, tl, rise;
    int tr;
    const font_metrics *font; /* NULL before Tf: the ½ em estimate */
} gstate;

typedef struct {
    pf *p;
    qpdf_oh res;
    int obj;                  /* object to name in findings (page or form) */
    gstate gs[MAX_GSTACK];
    int top;
    double tm[6], tlm[6];
    double sub[4];            /* current subpath's extent in page space */
    bool has_sub;
    bool path_inside;         /* some subpath of the current path reaches the bleed box */
    int depth;                /* form nesting */
    int *chain;               /* object ids of forms being interpreted (cycle guard) */
} interp;

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

/* Ends the current subpath: does it reach into the bleed box? (Judged per subpath, so
 * that printer's marks around the page, drawn as one path, stay outside.) */
static void end_subpath(interp *I)
{
    if (!I->has_sub)
        return;
    double box[4];
    memcpy(box, I->sub, sizeof box);
    box[2] = fmax(box[2], box[0] + 0.01); /* lines have no area */
    box[3] = fmax(box[3], box[1] + 0.01);
    if (I->p->has_boxes && pf_intersects(box, I->p->bleed))
        I->path_inside = true;
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

static double total_ink(const gstate *g, bool stroke)
{
    const double *v = stroke ? g->stroke : g->fill;
    return v[0] + v[1] + v[2] + v[3];
}

/* PR-05 total ink, for what is painted inside the bleed box (printer's marks outside
 * it are in registration colour on purpose). */
static void check_ink(interp *I, bool stroke)
{
    pf *p = I->p;
    gstate *g = &I->gs[I->top];
    if ((stroke ? g->stroke_cs : g->fill_cs) != CSK_CMYK)
        return;
    double ink = total_ink(g, stroke);
    if (ink > 3.0 + 1e-4)
        pf_finding(p, false, 5, I->obj, "total ink %.0f %% above 300 %%", ink * 100);
}

static void paint(interp *I, bool fill, bool stroke)
{
    end_subpath(I);
    if (I->path_inside) {
        if (fill)
            check_ink(I, false);
        if (stroke)
            check_ink(I, true);
    }
    I->path_inside = false;
}

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
 * baseline to 0.8 em above, raised by Ts) against the trim. */
static void check_text_margin(interp *I, const text_run *r)
{
    pf *p = I->p;
    const gstate *g = &I->gs[I->top];
    double trm[6];
    mat_mul(I->tm, g->ctm, trm);
    double box[4] = { INFINITY, INFINITY, -INFINITY, -INFINITY };
    double xs[2] = { r->lo, r->hi }, ys[2] = { g->rise - 0.2 * g->font_size,
                                               g->rise + 0.8 * g->font_size };
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) {
            double x, y;
            apply(trm, xs[i], ys[j], &x, &y);
            box[0] = fmin(box[0], x), box[1] = fmin(box[1], y);
            box[2] = fmax(box[2], x), box[3] = fmax(box[3], y);
        }
    if (!p->has_boxes || !pf_intersects(box, p->bleed))
        return;
    double d = fmin(fmin(box[0] - p->trim[0], p->trim[2] - box[2]),
                    fmin(box[1] - p->trim[1], p->trim[3] - box[3]));
    if (d < p->o->safe_mm * PT_PER_MM - 0.01) {
        p->text_near++;
        p->text_min_dist = fmin(p->text_min_dist, d);
    }
}

/* PR-05: black text K only, overprinting (OPM 1, or DeviceCMYK zeros knock out). */
static void check_text_colour(interp *I)
{
    pf *p = I->p;
    const gstate *g = &I->gs[I->top];
    const double *v = g->fill;
    if (g->fill_cs == CSK_CMYK) {
        bool konly = v[0] == 0 && v[1] == 0 && v[2] == 0 && v[3] > 0;
        if (konly && (!g->op || g->opm != 1))
            pf_finding(p, false, 5, I->obj, "K-only text does not overprint (%s)",
                    g->op ? "overprint mode 0" : "overprint off");
        else if (!konly && v[3] >= 0.9 && v[0] + v[1] + v[2] > 0)
            pf_finding(p, false, 5, I->obj, "black text in several inks (rich black %.0f %%)",
                    total_ink(g, false) * 100);
        if (total_ink(g, false) > 3.0 + 1e-4)
            pf_finding(p, false, 5, I->obj, "total ink %.0f %% above 300 %%",
                    total_ink(g, false) * 100);
    } else if (g->fill_cs == CSK_GRAY && v[0] <= 0.1) {
        pf_finding(p, false, 5, I->obj, "black text in DeviceGray: knocks out instead of "
                                     "overprinting K");
    } else if (g->fill_cs == CSK_RGB && v[0] <= 0.1 && v[1] <= 0.1 && v[2] <= 0.1) {
        pf_finding(p, false, 5, I->obj, "black text in RGB, not K only");
    }
}

/* PR-05 and PR-07 for one measured text-showing operator; then the text matrix moves
 * on by the pen's advance. Invisible text (Tr 3, 7) is not checked. */
static void show_text(interp *I, const text_run *r)
{
    const gstate *g = &I->gs[I->top];
    if (g->tr != 3 && g->tr != 7 && r->glyphs > 0) {
        check_text_margin(I, r);
        check_text_colour(I);
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

/* TJ: strings and adjustments in order. Arrays the reader could not keep whole are not
 * measured. */
static void show_array(interp *I, const pfc_value *a)
{
    if (a->k != PFV_ARRAY || a->partial)
        return;
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
    qpdf_oh cs = qpdf_oh_new_name(p->q, name);
    const char *why;
    cs_kind k = pf_classify_cs(p, pf_resolve_cs(p, I->res, cs), &why, 0);
    if (why)
        pf_finding(p, true, 4, I->obj, "%s colour space %s selected for %s", why, name,
                stroke ? "strokes" : "fills");
    /* Initial colour: black in every device space. */
    double init[4] = { 0, 0, 0, k == CSK_CMYK ? 1 : 0 };
    set_color(I, stroke, k, init, 4);
}

static void set_extgstate(interp *I, const char *name)
{
    pf *p = I->p;
    qpdf_oh gs = pf_key(p, pf_key(p, I->res, "/ExtGState"), name);
    if (!qpdf_oh_is_dictionary(p->q, gs))
        return;
    gstate *g = &I->gs[I->top];
    qpdf_oh OP = pf_key(p, gs, "/OP"), op = pf_key(p, gs, "/op");
    double opm;
    if (qpdf_oh_is_bool(p->q, OP)) {
        g->OP = qpdf_oh_get_bool_value(p->q, OP);
        g->op = g->OP; /* /OP also sets op when /op is absent */
    }
    if (qpdf_oh_is_bool(p->q, op))
        g->op = qpdf_oh_get_bool_value(p->q, op);
    if (pf_num(p, pf_key(p, gs, "/OPM"), &opm))
        g->opm = pf_clamp_int(opm);
}

static void interpret(interp *I, const unsigned char *data, size_t len);

static void check_placed_image(interp *I, qpdf_oh img, double w_px, double h_px, bool mask)
{
    pf *p = I->p;
    const double *m = I->gs[I->top].ctm;
    double wpt = hypot(m[0], m[1]), hpt = hypot(m[2], m[3]);
    if (mask || wpt <= 0 || hpt <= 0 || w_px <= 0 || h_px <= 0)
        return;
    double ppi = fmin(w_px * 72 / wpt, h_px * 72 / hpt);
    if (ppi < p->o->min_ppi - 0.5)
        pf_finding(p, false, 8, img ? pf_objid(p, img) : I->obj,
                   "image placed at %.0f ppi (%.0f needed)", ppi, p->o->min_ppi);
}

static void do_form(interp *I, qpdf_oh form)
{
    pf *p = I->p;
    int id = pf_objid(p, form);
    if (I->depth >= MAX_FORM_DEPTH)
        return;
    for (int i = 0; i < I->depth; i++)
        if (I->chain[i] == id)
            return;
    unsigned char *data = NULL;
    size_t len = 0;
    if (qpdf_oh_get_stream_data(p->q, form, qpdf_dl_all, NULL, &data, &len) & QPDF_ERRORS) {
        qpdf_get_error(p->q);
        pf_finding(p, true, 10, id, "form XObject cannot be decoded");
        free(data);
        return;
    }
    interp *sub = malloc(sizeof *sub);
    if (!sub) {
        free(data);
        return;
    }
    *sub = *I;
    sub->obj = id;
    sub->depth = I->depth + 1;
    sub->top = 0;
    sub->gs[0] = I->gs[I->top];
    sub->has_sub = sub->path_inside = false;
    qpdf_oh fres = pf_key(p, form, "/Resources");
    if (qpdf_oh_is_dictionary(p->q, fres)) {
        sub->res = fres;
        pf_scan_resources(p, fres);
    }
    double fm[6] = { 1, 0, 0, 1, 0, 0 };
    qpdf_oh mo = pf_key(p, form, "/Matrix");
    if (qpdf_oh_is_array(p->q, mo) && qpdf_oh_get_array_n_items(p->q, mo) == 6)
        for (int i = 0; i < 6; i++)
            if (!pf_num(p, qpdf_oh_get_array_item(p->q, mo, i), &fm[i]))
                fm[i] = i == 0 || i == 3;
    mat_mul(fm, sub->gs[0].ctm, sub->gs[0].ctm);
    I->chain[I->depth] = id;
    interpret(sub, data, len);
    free(sub);
    free(data);
}

static void do_xobject(interp *I, const char *name)
{
    pf *p = I->p;
    qpdf_oh xo = pf_key(p, pf_key(p, I->res, "/XObject"), name);
    if (!qpdf_oh_is_stream(p->q, xo))
        return;
    pname subn = pf_name_of(p, pf_key(p, xo, "/Subtype"));
    const char *sub = subn.s;
    if (!strcmp(sub, "/Image")) {
        double w = 0, h = 0;
        qpdf_oh im = pf_key(p, xo, "/ImageMask");
        bool mask = qpdf_oh_is_bool(p->q, im) && qpdf_oh_get_bool_value(p->q, im);
        if (pf_num(p, pf_key(p, xo, "/Width"), &w) && pf_num(p, pf_key(p, xo, "/Height"), &h))
            check_placed_image(I, xo, w, h, mask);
    } else if (!strcmp(sub, "/Form")) {
        do_form(I, xo);
    }
}

/* The key of an inline image's dictionary, in its long or abbreviated form. */
static bool inline_key(const pfc_value *k, const char *abbr, const char *full)
{
    return k->k == PFV_NAME && (!strcmp((const char *)k->s, abbr) || !strcmp((const char *)k->s, full));
}

/* BI … ID: the dictionary (key, value, key, value…) is read for PR-04 and PR-08. */
static void inline_image(interp *I, const pfc_op *op)
{
    pf *p = I->p;
    double w = 0, h = 0;
    bool mask = false;
    const char *cs = NULL;
    for (int i = 0; i + 1 < op->nargs; i += 2) {
        const pfc_value *k = &op->args[i], *v = &op->args[i + 1];
        if (inline_key(k, "/W", "/Width") && v->k == PFV_NUM)
            w = v->num;
        else if (inline_key(k, "/H", "/Height") && v->k == PFV_NUM)
            h = v->num;
        else if (inline_key(k, "/IM", "/ImageMask") && v->k == PFV_BOOL)
            mask = v->num != 0;
        else if (inline_key(k, "/CS", "/ColorSpace") && v->k == PFV_NAME)
            cs = (const char *)v->s;
    }
    if (cs) {
        const char *why;
        pf_classify_cs(p, pf_resolve_cs(p, I->res, qpdf_oh_new_name(p->q, cs)), &why, 0);
        if (why)
            pf_finding(p, true, 4, I->obj, "%s in an inline image", why);
    }
    check_placed_image(I, 0, w, h, mask);
}

static void text_newline(interp *I, double tx, double ty)
{
    double t[6] = { 1, 0, 0, 1, tx, ty };
    mat_mul(t, I->tlm, I->tlm);
    memcpy(I->tm, I->tlm, sizeof I->tm);
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
    if (I->top + 1 < MAX_GSTACK) {
        I->gs[I->top + 1] = I->gs[I->top];
        I->top++;
    }
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
    bool stroke = arg & STROKE;
    cs_kind k = (cs_kind)(arg >> 2);
    if (k == CSK_RGB)
        pf_finding(I->p, true, 4, I->obj, "DeviceRGB %s colour (%s) in the content",
                   stroke ? "stroke" : "fill", op->op);
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
    qpdf_oh f = pf_key(p, pf_key(p, I->res, "/Font"), name);
    g->font = pf_font_metrics_for(p, f, I->obj, name);
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
    I->has_sub = I->path_inside = false;
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

typedef struct {
    const char *name;
    int nums;                 /* trailing numbers the handler needs */
    op_fn fn;
    int arg;
} op_def;

#define CS_ARG(k, stroke) ((int)(k) << 2 | (stroke))

/* Sorted by name (strcmp order) for bsearch. Operators not listed change nothing that
 * is checked (marked content, clipping, shading patterns' own painting, etc.). */
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
    { "v", 4, op_curve, 2 },
    { "y", 4, op_curve, 2 },
};

static int op_cmp(const void *key, const void *def)
{
    return strcmp(key, ((const op_def *)def)->name);
}

/* The reader's callback: one operator. */
static bool on_operator(void *ctx, const pfc_op *op)
{
    interp *I = ctx;
    const op_def *d = bsearch(op->op, ops, sizeof ops / sizeof ops[0], sizeof ops[0], op_cmp);
    if (!d)
        return true;
    double v[6] = { 0 };
    if (d->nums > op->nargs)
        return true;
    for (int i = 0; i < d->nums; i++) {
        const pfc_value *a = &op->args[op->nargs - d->nums + i];
        if (a->k != PFV_NUM)
            return true;
        v[i] = a->num;
    }
    d->fn(I, op, v, d->arg);
    return true;
}

static void interpret(interp *I, const unsigned char *data, size_t len)
{
    pfc_read(data, len, on_operator, I);
}

void pf_interpret_page(pf *p, qpdf_oh res, const unsigned char *data, size_t len)
{
    interp *I = calloc(1, sizeof *I);
    int chain[MAX_FORM_DEPTH] = { 0 };
    if (!I)
        return;
    I->p = p;
    I->res = res;
    I->obj = p->page_obj;
    I->chain = chain;
    gstate *g = &I->gs[0];
    double id[6] = { 1, 0, 0, 1, 0, 0 };
    memcpy(g->ctm, id, sizeof id);
    g->fill_cs = g->stroke_cs = CSK_GRAY;
    g->th = 1;
    interpret(I, data, len);
    free(I);
}
