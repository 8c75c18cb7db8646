/* front — the pages around the body: the cover (masthead), the contents page and the
 * running heads and feet of every page but the cover. */
#ifndef JB_FRONT_H
#define JB_FRONT_H

#include "layout/read/doc.h"
#include "layout/dlist/dlist.h"
#include "layout/flow/flow.h"
#include "layout/compose/typeset.h"

/* The masthead on page `page`: association names in the band, the big 简报 title,
 * 编号 and 总第N期, the month, and the editorial box (主编, 排版, 电话, 传真, website). */
int front_cover(typeset_ctx *t, const doc_meta *m, const flow_geom *g, dl_doc *d, int page);

/* Pages the contents (目录 CONTENTS) needs for the sections and articles in d's
 * outline; numbers are the pages the outline entries point to. */
int front_toc_pages(typeset_ctx *t, const flow_geom *g, const dl_doc *d);
/* Draws the contents on pages first..first+n-1: entries with dot leaders, page
 * numbers (the printed label of each entry's page) and links. */
int front_toc(typeset_ctx *t, const flow_geom *g, dl_doc *d, int first, int n);

/* Page labels: the cover is unnumbered; every other page shows its physical number, so
 * the number printed, the label and `pdftotext -f N` all agree. */
int front_labels(dl_doc *d);

/* Running header and footer on every page but the cover, from the style's templates;
 * left and right pages mirrored. */
int front_running(typeset_ctx *t, const doc_meta *m, const flow_geom *g, dl_doc *d);

#endif
