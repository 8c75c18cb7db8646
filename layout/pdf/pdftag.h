/* pdftag — tagged PDF from the display list's structure tree (dl_elem), built with
 * libharu's object API: marked content around runs of items (BDC with an MCID for
 * content, Artifact for furniture), the StructTreeRoot with one structure element per
 * dl_elem that has content, the ParentTree and StructParents, Link elements with an
 * OBJR for every link annotation, Code elements for inline code, and MarkInfo.
 * Private to pdf/: pdf.c calls it while it draws each page. */
#ifndef JB_PDFTAG_H
#define JB_PDFTAG_H

#include <stdbool.h>
#include <stddef.h>

#include <hpdf.h>

#include "layout/base/strbuf.h"
#include "layout/dlist/dlist.h"

typedef struct pdftag pdftag;

/* A PDF text string (UTF-16BE with its byte order mark) for text outside
 * PDFDocEncoding: Alt, Contents, and pdf.c's outline titles, labels and Info. */
HPDF_Binary pdftag_string(HPDF_MMgr mm, const char *s);

/* NULL (with *oom false) when d has no structure tree: the output stays untagged.
 * links: text runs with a link target become Link elements (they get annotations); when
 * false (press output, no annotations), contents entries' Link elements are Spans. */
pdftag *pdftag_new(const dl_doc *d, bool links, bool *oom);
void pdftag_free(pdftag *t);

/* The marked-content sequence item it belongs to: >= 0 a structure element (a linked or
 * code run gets one of its own inside the item's), < 0 a kind of artifact. Consecutive
 * items with equal keys share one sequence. */
int pdftag_key(pdftag *t, const dl_item *it, float page_h);
/* Appends the operator opening key's sequence on page index page: BDC with the page's
 * next MCID, recorded for the ParentTree, or an Artifact's BDC. EMC closes it. */
void pdftag_open(pdftag *t, strbuf *c, int page, int key);
/* Text drawn under key: a Link element's text becomes its annotations' /Contents. */
void pdftag_text(pdftag *t, int key, const char *text);
/* Link annotation a on page index page for content under key (a contents entry's Link
 * element, or a linked text run's): it gets a StructParent and an OBJR in the Link
 * element, and its page /Tabs /S. Returns 0, or -1 when memory runs out. */
int pdftag_annot(pdftag *t, int page, int key, HPDF_Annotation a);

/* Writes the structure tree: every element with content (table cells even when empty),
 * the ParentTree, each page's StructParents, the catalog's StructTreeRoot and MarkInfo.
 * pages: the page objects, by index. pack: the elements are to go into object streams
 * (pdftag_pack; the file must be PDF 1.5 or later). Returns 0, or -1 with err. */
int pdftag_finish(pdftag *t, HPDF_Doc pdf, const HPDF_Page *pages, int npages, bool pack,
                  char *err, size_t errlen);

/* Last step before saving, when no other object will be made: puts the elements into
 * compressed object streams listed by a hidden cross-reference stream that the trailer
 * points to (/XRefStm: a hybrid-reference file, ISO 32000-1 7.5.8.4). libharu writes a
 * classic cross-reference table only, where each of an issue's ~1,400 elements would be
 * an uncompressed object of some 75 bytes. The objects are libharu's, written by
 * libharu. Returns 0 (also when not packing), or -1 with err. */
int pdftag_pack(pdftag *t, char *err, size_t errlen);

/* After finish: the tree meets PDF/UA-1's machine-checkable rules on its side — every
 * Figure has Alt text, headings start at H1 and skip no level, every link annotation has
 * its Link element and Contents. */
bool pdftag_ua(const pdftag *t);

#endif
