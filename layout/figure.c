#include "layout/box_impl.h"

box *figure_box_new(typeset_ctx *t, const doc_block *b, float col_w, float full_w, int number)
{
    (void)col_w, (void)full_w, (void)number;
    box_error(t, b->src, "not yet");
    return NULL;
}
