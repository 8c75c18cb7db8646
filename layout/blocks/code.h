/* code — a code block as a box of rows, one per line as set (made by box_new, box.h).
 * What follows is for tests and diagnostics. */
#ifndef JB_CODE_H
#define JB_CODE_H

#include "layout/blocks/box.h"

/* The code box of a DOC_CODE block (see box_new). */
box *code_box_new(typeset_ctx *t, const doc_block *b, float col_w, float full_w);

/* Lines a code box's text was cut into by the measure (wrapped continuations), or -1
 * when b is not a code box. */
int code_wrapped(const box *b);

#endif
