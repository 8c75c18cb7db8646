/* figure — the figure box (made by box_new, box.h): placed size and resolution, for
 * tests and diagnostics. */
#ifndef JB_FIGURE_H
#define JB_FIGURE_H

#include <stddef.h>

#include "layout/blocks/box.h"

/* Effective resolution of a figure box's image at its placed size (pixels per inch),
 * or 0 when b is not a figure. */
double figure_ppi(const box *b);
/* Placed image size, pt (0 when b is not a figure). */
void figure_placed(const box *b, float *w, float *h);

/* The figure box of a DOC_FIGURE block (see box_new). */
box *figure_box_new(typeset_ctx *t, const doc_block *b, float col_w, float full_w, float max_h,
                   int number);

#endif
