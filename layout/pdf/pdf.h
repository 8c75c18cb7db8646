/* pdf — draws a display list with libharu and writes it safely.
 *
 * The file is written to a temporary name beside the target and renamed over it only
 * when complete, so a failure never leaves a half-written PDF nor destroys the
 * previous good output. The same display list always gives the same bytes. */
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

#endif
