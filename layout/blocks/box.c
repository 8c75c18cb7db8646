/* box — a block that is not running text, laid out by its kind: see box.h. */
#include "layout/blocks/box.h"

#include "layout/blocks/boxtext.h"
#include "layout/blocks/chart.h"
#include "layout/blocks/code.h"
#include "layout/blocks/figure.h"
#include "layout/blocks/table.h"

box *box_new(typeset_ctx *t, const doc_block *b, float col_w, float full_w, float max_h,
             int number)
{
    if (!b)
        return NULL;
    if (!(col_w > 0) || !(full_w > 0) || !(max_h > 0)) {
        box_error(t, b->src, "no room for this block (measure %.1f pt)", (double)col_w);
        return NULL;
    }
    /* A text area narrower than the column is a caller's slip; never lay out wider
     * than the column asked for. */
    if (full_w < col_w)
        full_w = col_w;
    box *bx;
    switch (b->kind) {
    case DOC_TABLE:
        bx = table_box_new(t, b, col_w, full_w, max_h, number);
        break;
    case DOC_FIGURE:
        bx = figure_box_new(t, b, col_w, full_w, max_h, number);
        break;
    case DOC_CHART:
        bx = chart_box_new(t, b, col_w, full_w, max_h, number);
        break;
    case DOC_CODE:
        bx = code_box_new(t, b, col_w, full_w);   /* one line a row: never too tall */
        break;
    default:
        box_error(t, b->src, "internal: this block is not a table, figure, chart or code");
        return NULL;
    }
    /* Nothing goes outside the frame: each kind fits itself, and this makes sure. */
    for (int r = 0; bx && r < bx->nrows; r++)
        if (bx->row_h[r] > max_h + 0.01f) {
            box_error(t, b->src, "internal: a row of this block is %.1f pt high, taller than "
                                 "the %.1f pt of a column", (double)bx->row_h[r], (double)max_h);
            box_free(bx);
            bx = NULL;
        }
    return bx;
}

int box_tag(box *b, const doc_block *blk, dl_doc *d, int elem)
{
    if (b->tag && elem >= 0)
        b->tag(b, blk, d, elem);
    return d->tag_failed ? -1 : 0;
}
