/* pdf — draws a display list with libharu and writes it safely.
 *
 * The file is written to a temporary name beside the target and renamed over it only
 * when complete, so a failure never leaves a half-written PDF nor destroys the
 * previous good output. The same display list always gives the same bytes.
 *
 * A display list with a structure tree (dl_elem) gives tagged PDF (pdftag.h) with XMP
 * metadata, claiming PDF/UA-1 (pdfuaid:part 1) only when the file meets its
 * machine-checkable rules; plain output is then PDF 1.7, its links Link elements with
 * their annotations. PDF/X-4 output is tagged the same way, without annotations.
 * PDF/X-1a output stays untagged: it is the print shop's exchange file, never
 * published or read aloud, and based on PDF 1.4 and press RIPs of that age. */
#ifndef JB_PDF_H
#define JB_PDF_H

#include <stdbool.h>
#include <stddef.h>

#include "fonts/font.h"
#include "layout/dlist/dlist.h"
#include "layout/pdf/pdf_options.h"

/* Writes d to path. Returns 0, or -1 with a message in err. */
int pdf_write(const dl_doc *d, font_lib *fonts, const pdf_options *o, const char *path,
              char *err, size_t errlen);

/* pdf_write, freeing each page's items once the page is written (dl_page_clear; press
 * output, which reads them again for its document ID, keeps them): the display list
 * and the PDF's own objects are not held whole at once. */
int pdf_write_release(dl_doc *d, font_lib *fonts, const pdf_options *o, const char *path,
                      char *err, size_t errlen);

#endif
