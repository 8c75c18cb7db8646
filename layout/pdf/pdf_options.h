/* pdf_options — what the writer is asked to make: plain or press output (PDF/X),
 * bleed, marks, dates and the output intent. Shared by the writer (pdf.h) and its
 * press layer (pdfx.h), which must not depend on each other's headers. */
#ifndef JB_PDF_OPTIONS_H
#define JB_PDF_OPTIONS_H

#include <stdbool.h>

struct pdfcache;

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
    struct pdfcache *cache;   /* subset fonts and deflated streams kept across builds
                                 (pdfcache.h); NULL: the disk cache of fonts alone */
} pdf_options;

/* Plain output; press fields preset to 3 mm bleed, FOGRA39 with its profile and
 * overprinting K-only black. */
void pdf_options_default(pdf_options *o);

#endif
