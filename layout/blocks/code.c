/* code — a code block: its lines as written in the monospaced face, not justified,
 * on a light tint or between rules ([code] frame).
 *
 * Every line is a row, so the flow may break a long block between any two lines, in
 * the columns and across pages. A line too long for the measure wraps where UAX #14
 * or the token rules allow (after / . - _ …), the rest set wrap-indent further in
 * after the style's mark; a block whose longest line does not fit a column spans the
 * columns when the style allows. */
#include "layout/blocks/code.h"

#include <stdlib.h>
#include <string.h>

#include "layout/blocks/boxtext.h"

typedef struct {
    para *p;
    compose_result r;
    para *mark;               /* the wrap mark, composed on one line (NULL: none) */
    compose_result mr;
    float mark_w;
    const style *st;
    const style_text *ts;
    float pad_x, pad_y;       /* inside the tint or rules */
    float measure;            /* the text's measure inside the padding */
    int wrapped;
    int elem;                 /* structure: its Code element */
} code_layout;

static void code_layout_free(code_layout *cl)
{
    if (!cl)
        return;
    para_free(cl->p);
    compose_result_free(&cl->r);
    para_free(cl->mark);
    compose_result_free(&cl->mr);
    free(cl);
}

/* The top of line l inside the box (its first row also holds the space before and
 * the padding). */
static float line_top(const code_layout *cl, int l)
{
    return cl->ts->space_before + cl->pad_y + (float)l * cl->ts->leading;
}

/* The tint or the rules around rows [r0, r1) drawn from y (the top of row r0). */
static int draw_frame(const box *b, const code_layout *cl, dl_doc *d, int page, float x,
                      float y, int r0, int r1)
{
    float top = y + (r0 == 0 ? cl->ts->space_before : 0);
    float bottom = y + box_rows_h(b, r0, r1) - (r1 == b->nrows ? cl->ts->space_after : 0);
    if (cl->st->code_frame == FRAME_TINT)
        return dl_rect_add(d, page, x, top, b->w, bottom - top, cl->st->code_background) ? 0 : -1;
    if (cl->st->code_frame == FRAME_RULES && cl->st->code_rule > 0)
        return dl_rule_add(d, page, x, top, x + b->w, top, cl->st->code_rule, cl->st->rule) &&
                       dl_rule_add(d, page, x, bottom, x + b->w, bottom, cl->st->code_rule,
                                   cl->st->rule)
                   ? 0
                   : -1;
    return 0;
}

static int code_draw(const box *b, dl_doc *d, int page, float x, float y, int r0, int r1)
{
    const code_layout *cl = b->data;
    if (r1 > b->nrows)
        r1 = b->nrows;
    d->elem = DL_ARTIFACT;            /* the tint or rules, and the wrap marks */
    if (r0 >= r1 || draw_frame(b, cl, d, page, x, y, r0, r1))
        return r0 >= r1 ? 0 : -1;
    float y0 = y - box_rows_h(b, 0, r0);        /* where the box's top would be */
    for (int l = r0; l < r1 && l < cl->r.n; l++) {
        float base = y0 + line_top(cl, l) + typeset_baseline(cl->ts->leading, cl->ts->size);
        d->elem = cl->elem;
        if (typeset_emit_line(cl->p, &cl->r, l, d, page, x + cl->pad_x, base, cl->measure, AL_LEFT))
            return -1;
        d->elem = DL_ARTIFACT;
        /* A continuation shows the mark, centred in its indent. */
        if (cl->r.lines[l].wrapped && cl->mark &&
            typeset_emit_line(cl->mark, &cl->mr, 0, d, page,
                              x + cl->pad_x + (cl->st->code_wrap_indent - cl->mark_w) / 2, base, 0,
                              AL_LEFT))
            return -1;
    }
    return 0;
}

static void code_tag(box *b, const doc_block *blk, dl_doc *d, int elem)
{
    code_layout *cl = b->data;
    (void)blk;
    (void)d;
    cl->elem = elem;
}

static void code_free(box *b)
{
    code_layout_free(b->data);
    box_free_shell(b);
}

/* The widest line of the block set without wrapping. */
static float natural_width(typeset_ctx *t, code_layout *cl)
{
    compose_result r;
    float w = 0;
    if (typeset_compose_code(t, cl->p, cl->ts, 1e6f, 0, &r) == 0)
        for (int l = 0; l < r.n; l++)
            if (r.lines[l].x0 + r.lines[l].width > w)
                w = r.lines[l].x0 + r.lines[l].width;
    compose_result_free(&r);
    return w;
}

static int make_mark(typeset_ctx *t, code_layout *cl)
{
    const char *m = cl->st->code_wrap_mark;
    if (!m || !*m)
        return 0;
    if (!(cl->mark = typeset_plain(t, m, cl->ts)) ||
        typeset_compose_code(t, cl->mark, cl->ts, 1e6f, 0, &cl->mr))
        return -1;
    cl->mark_w = cl->mr.n ? cl->mr.lines[0].width : 0;
    return 0;
}

box *code_box_new(typeset_ctx *t, const doc_block *b, float col_w, float full_w)
{
    code_layout *cl = calloc(1, sizeof *cl);
    if (!cl) {
        box_error(t, b->src, "out of memory laying out a code block");
        return NULL;
    }
    cl->st = t->st;
    cl->ts = &t->st->code;
    cl->elem = DL_ARTIFACT;
    cl->pad_y = cl->st->code_frame == FRAME_NONE ? 0 : cl->st->code_padding;
    cl->pad_x = cl->st->code_frame == FRAME_TINT ? cl->st->code_padding : 0;
    if (!(cl->p = typeset_para(t, &b->text, cl->ts)) || make_mark(t, cl)) {
        code_layout_free(cl);
        return NULL;
    }
    float w = col_w;
    if (natural_width(t, cl) > col_w - 2 * cl->pad_x + 0.01f && cl->st->code_span &&
        full_w > col_w + 0.5f)
        w = full_w;
    cl->measure = w - 2 * cl->pad_x;
    if (typeset_compose_code(t, cl->p, cl->ts, cl->measure, cl->st->code_wrap_indent, &cl->r)) {
        code_layout_free(cl);
        return NULL;
    }
    for (int l = 0; l < cl->r.n; l++)
        cl->wrapped += cl->r.lines[l].wrapped;
    if (cl->r.overfull)
        box_warn(t, b->src, "a code line is wider than the column even when wrapped; shorten it");
    int rows = cl->r.n > 0 ? cl->r.n : 1;
    box *bx = box_alloc(rows);
    if (!bx) {
        code_layout_free(cl);
        box_error(t, b->src, "out of memory laying out a code block");
        return NULL;
    }
    for (int r = 0; r < rows; r++)
        bx->row_h[r] = cl->ts->leading;
    bx->row_h[0] += cl->ts->space_before + cl->pad_y;
    bx->row_h[rows - 1] += cl->pad_y + cl->ts->space_after;
    /* Short blocks stay whole; a longer one never leaves its first line alone at the
     * foot of a column (the rows kept with what follows, as a table's caption). */
    bx->caption_rows = rows <= cl->st->code_whole ? rows - 1 : 1;
    bx->w = w;
    bx->span = w > col_w + 0.5f;
    bx->draw = code_draw;
    bx->tag = code_tag;
    bx->free = code_free;
    bx->data = cl;
    return bx;
}

int code_wrapped(const box *b)
{
    const code_layout *cl = b && b->draw == code_draw ? b->data : NULL;
    return cl ? cl->wrapped : -1;
}
