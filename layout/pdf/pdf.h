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

typedef enum { PDF_PLAIN, PDF_X1A, PDF_X4 } pdf_standard;

typedef struct {
    pdf_standard standard;
    float bleed;              /* pt added around the trim box (press output) */
    bool crop_marks;          /* draw crop marks outside the bleed */
    long long date;           /* seconds since 1970 for CreationDate/ModDate; < 0: none */
    const char *icc_path;     /* output intent profile (press): a path, or a bare file name
                                 looked up by pdfx_find_profile (default
                                 "FOGRA39L_coated.icc"); NULL or "": registered
                                 condition name only, no profile embedded (X-1a only) */
    const char *output_condition;   /* OutputConditionIdentifier, e.g. "FOGRA39" */
    const char *output_condition_info;
    bool overprint_black;     /* K-only text and rules overprint */
    bool pad_to_4;            /* blank pages to a multiple of 4 (any standard) */
} pdf_options;

/* Plain output; press fields preset to 3 mm bleed, FOGRA39 with its profile and
 * overprinting K-only black. */
void pdf_options_default(pdf_options *o);

/* Writes d to path. Returns 0, or -1 with a message in err. */
int pdf_write(const dl_doc *d, font_lib *fonts, const pdf_options *o, const char *path,
              char *err, size_t errlen);

#endif
