/* pf_text — text in content streams: each text-showing operator measured glyph by
 * glyph with the font's own widths (so proportional Latin in a 2-byte CID font is as
 * wide as it prints) and checked against the trim (PR-07); its colour: black in K
 * only, overprinting, total ink, no vanishing white (PR-05). */
#include "layout/preflight/pf_interp_int.h"

#include <math.h>
#include <string.h>

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
    pfi_mat_mul(I->tm, g->ctm, trm);
    double glyphs[4] = { r->lo, g->rise - 0.2 * g->font_size, r->hi,
                         g->rise + 0.8 * g->font_size };
    pfi_map_rect(trm, glyphs, box);
    pfi_clip_to(box, g->clip);
    if (!p->has_boxes || pfi_empty(box) || !pf_intersects(box, p->bleed))
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
    if (pfi_white_vanishes(g, stroke))
        pf_find(p, PFK_WHITE_OVERPRINT, I->obj, "white text set to overprint");
    if (k == CSK_CMYK) {
        bool konly = v[0] == 0 && v[1] == 0 && v[2] == 0 && v[3] > 0;
        if (konly && (!over || g->opm != 1))
            pf_find(p, PFK_TEXT_KNOCKOUT, I->obj, "K-only text does not overprint (%s)",
                    over ? "overprint mode 0" : "overprint off");
        else if (!konly && v[3] >= 0.9 && v[0] + v[1] + v[2] > 0)
            pf_find_v(p, PFK_TEXT_RICH_BLACK, I->obj, pfi_total_ink(v) * 100,
                      "black text in several inks (rich black)");
        if (pfi_total_ink(v) > 3.0 + 1e-4)
            pf_find_v(p, PFK_TAC, I->obj, pfi_total_ink(v) * 100, "total ink above 300 %%");
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
    pfi_mat_mul(adv, I->tm, I->tm);
}

/* Tj, ' and ": one string operand. */
void pfi_show_string(interp *I, const pfc_value *s)
{
    if (s->k != PFV_STR)
        return;
    text_run r = { 0 };
    run_string(&r, &I->gs[I->top], s->s, s->len);
    show_text(I, &r);
}

/* TJ: strings and adjustments in order. An array the reader could not keep whole (past
 * PFC_MAX_ELEMS) is not measured, and says so. */
void pfi_show_array(interp *I, const pfc_value *a)
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

void pfi_text_newline(interp *I, double tx, double ty)
{
    double t[6] = { 1, 0, 0, 1, tx, ty };
    pfi_mat_mul(t, I->tlm, I->tlm);
    memcpy(I->tm, I->tlm, sizeof I->tm);
}

