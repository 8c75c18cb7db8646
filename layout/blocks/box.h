/* box — a laid-out block that is not running text: a table, a figure, a chart, code.
 *
 * A box is laid out once for a width (the column measure, or the full text width when
 * it needs it) and then drawn wherever the flow puts it. A splittable box (a table)
 * is a sequence of rows; the flow may break between rows and draws the first
 * `nrepeat` rows (the header) again at the top of each continuation. Row 0 may be a
 * caption that is kept with the next row and not repeated (caption_rows). */
#ifndef JB_BOX_H
#define JB_BOX_H

#include <stdbool.h>

#include "layout/read/doc.h"
#include "layout/dlist/dlist.h"
#include "layout/compose/typeset.h"

typedef struct box box;

struct box {
    float w;                  /* width as laid out, pt */
    int nrows;                /* >= 1; a figure or chart is one row */
    float *row_h;             /* height of each row, pt */
    int caption_rows;         /* leading rows kept with what follows, drawn once */
    int nrepeat;              /* header rows after the caption, repeated after a break */
    bool span;                /* needs the full text width (set it as a band) */
    /* Draws rows [r0, r1) with the top-left corner at (x, y); when r0 is past the
     * header (a continuation), the flow draws the header rows first by calling
     * draw for them separately. */
    int (*draw)(const box *b, dl_doc *d, int page, float x, float y, int r0, int r1);
    /* Makes the box's structure elements inside elem (its Table or Figure element) for
     * draw to stamp its items with (tagged PDF). */
    void (*tag)(box *b, const doc_block *blk, dl_doc *d, int elem);
    void (*free)(box *b);
    void *data;
};

/* Lays out a block of kind DOC_TABLE, DOC_FIGURE, DOC_CHART or DOC_CODE for a column
 * of width col_w inside a text area of width full_w (it may choose the full width:
 * span) and height max_h: no row is taller. A figure or chart that would be is scaled
 * down, keeping its aspect, with a warning; a table row that would be is an error, as
 * is a box that cannot be made to fit. Problems are reported through t->d at the
 * block's source position. Returns NULL on failure. */
box *box_new(typeset_ctx *t, const doc_block *b, float col_w, float full_w, float max_h,
             int number);
void box_free(box *b);
/* Calls the box's tag hook: once, in source order, before the box is drawn. Returns -1
 * when memory ran out (d->tag_failed). */
int box_tag(box *b, const doc_block *blk, dl_doc *d, int elem);

/* Total height of rows [r0, r1). */
float box_rows_h(const box *b, int r0, int r1);

#endif
