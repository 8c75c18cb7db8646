/* box — dispatch to the table, figure and chart layouts. */
#include "layout/box.h"

#include <stdlib.h>

float box_rows_h(const box *b, int r0, int r1)
{
    float h = 0;
    for (int r = r0; r < r1 && r < b->nrows; r++)
        h += b->row_h[r];
    return h;
}

void box_free(box *b)
{
    if (b && b->free)
        b->free(b);
}

box *box_new(typeset_ctx *t, const doc_block *b, float col_w, float full_w, int number)
{
    (void)col_w, (void)full_w, (void)number;
    if (t->src)
        diag_error_at(t->d, t->src, b->src, "tables, figures and charts are not supported yet");
    return NULL;
}
