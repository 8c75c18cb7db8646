/* chart — vector charts (bar, grouped bar, line, pie) from a doc_chart; the box is
 * made by box_new (box.h). What follows is for tests and diagnostics. */
#ifndef JB_CHART_H
#define JB_CHART_H

#include <stdbool.h>

#include "layout/blocks/box.h"
#include "layout/dlist/dlist.h"
#include "layout/style/style.h"

/* Colour i for a chart's series or slices: tints of the style's accent, of a second
 * hue derived from it (its cyan and yellow exchanged) and of gray, alternating so
 * that neighbours differ. CMYK or gray only. */
dl_color chart_color(const style *st, int i);

/* "Nice" axis: from lo to hi in steps of 1, 2 or 5 × 10^n, covering [lo, hi] and 0,
 * with 4 to 10 intervals. Returns the step. */
double chart_ticks(double lo, double hi, double *axis_lo, double *axis_hi);

/* Whether the pie's labels went into a legend (they collided), and how many slices
 * it has; -1 when b is not a pie. */
int chart_pie_slices(const box *b, bool *legend);

/* The chart box of a DOC_CHART block (see box_new). */
box *chart_box_new(typeset_ctx *t, const doc_block *b, float col_w, float full_w, float max_h,
                  int number);

#endif
