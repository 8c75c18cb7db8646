/* flow — the body of the issue into A4 pages of columns.
 *
 * Blocks become pieces: paragraph lines (one body pitch each, on the baseline grid),
 * headings (whole pitches, kept with the lines after them), table rows and figures
 * (boxes), and spanning bands (section and article titles, wide tables). Pieces fill
 * the columns of a band top to bottom; a spanning band closes the band above it,
 * whose columns are balanced. Sections may start a new page. Widows are avoided
 * (CL-PA-06) and a heading never ends a column (CL-PA-07). */
#ifndef JB_FLOW_H
#define JB_FLOW_H

#include "layout/read/doc.h"
#include "layout/dlist/dlist.h"
#include "layout/style/style.h"
#include "layout/compose/typeset.h"

/* Page geometry derived from the style: whole body characters per column
 * (CL-GR-01), a whole number of lines per column, a gap of whole ems (CL-GR-04). */
typedef struct {
    float pw, ph;
    float em;                 /* body size */
    float pitch;              /* body line pitch */
    int cols;
    int col_chars;
    float colw, gap;
    float text_w;             /* cols * colw + (cols - 1) * gap */
    float top;                /* y of the text area's top edge */
    int lines;                /* lines per column */
    float left_recto, left_verso;   /* x of the text area on odd / even pages */
} flow_geom;

/* Computes the geometry; reports through d when the style leaves no room. */
int flow_geom_init(flow_geom *g, const style *st, diag *d);
/* x of the text area on page index p (0 = the cover, a recto). */
float flow_left(const flow_geom *g, int page);
float flow_text_h(const flow_geom *g);

/* Lays the body of doc out on new pages appended to d. Outline entries (level 0
 * sections, 1 articles, 2… headings) are added to d with their pages. Returns 0, or
 * -1 after reporting. */
int flow_run(typeset_ctx *t, const doc *dc, const flow_geom *g, dl_doc *d);

#endif
