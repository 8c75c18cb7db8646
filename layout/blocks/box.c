/* box — a block that is not running text, laid out by its kind: see box.h. */
#include "layout/blocks/box.h"

#include "layout/blocks/boxtext.h"
#include "layout/blocks/chart.h"
#include "layout/blocks/figure.h"
#include "layout/blocks/table.h"

box *box_new(typeset_ctx *t, const doc_block *b, float col_w, float full_w, int number)
{
    if (!b)
        return NULL;
    if (!(col_w > 0) || !(full_w > 0)) {
        box_error(t, b->src, "no room for this block (measure %.1f pt)", (double)col_w);
        return NULL;
    }
    /* A text area narrower than the column is a caller's slip; never lay out wider
     * than the column asked for. */
    if (full_w < col_w)
        full_w = col_w;
    switch (b->kind) {
    case DOC_TABLE:
        return table_box_new(t, b, col_w, full_w, number);
    case DOC_FIGURE:
        return figure_box_new(t, b, col_w, full_w, number);
    case DOC_CHART:
        return chart_box_new(t, b, col_w, full_w, number);
    default:
        box_error(t, b->src, "internal: this block is not a table, figure or chart");
        return NULL;
    }
}

int box_tag(box *b, const doc_block *blk, dl_doc *d, int elem)
{
    if (b->tag && elem >= 0)
        b->tag(b, blk, d, elem);
    return d->tag_failed ? -1 : 0;
}
