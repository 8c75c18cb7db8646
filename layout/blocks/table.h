/* table — geometry of a table box (box.h), for tests and diagnostics. */
#ifndef JB_TABLE_H
#define JB_TABLE_H

#include "layout/blocks/box.h"

/* Column edges from the table's left edge (ncols + 1 values); returns ncols, or -1
 * when b is not a table. */
int table_columns(const box *b, const float **colx);
/* Row edges of the table rows (not box rows) from the table's top, below any caption
 * (nrows + 1 values); returns nrows, or -1. */
int table_rows(const box *b, const float **rowy);
/* Size of the body text as set (smaller than the style's when the table shrank). */
float table_text_size(const box *b);

/* The table box of a DOC_TABLE block (see box_new). */
box *table_box_new(typeset_ctx *t, const doc_block *b, float col_w, float full_w, float max_h,
                  int number);

#endif
