/* pdfx — what makes the writer's output press-ready (PDF/X-1a:2003, PDF/X-4):
 * output intent with an ICC profile, K-only black overprinting, images converted to
 * CMYK with lcms2, crop marks, identification in Info/XMP and a trailer ID.
 * Used by pdf.c only when pdf_options.standard is not PDF_PLAIN. */
#ifndef JB_PDFX_H
#define JB_PDFX_H

#include <stdbool.h>
#include <stddef.h>

#include <hpdf.h>

#include "layout/base/strbuf.h"
#include "layout/dlist/dlist.h"
#include "layout/image/image.h"
#include "layout/pdf/pdf_options.h"

typedef struct pdfx_state pdfx_state;

/* The default output profile: FOGRA39L_coated.icc, looked up by name (see
 * pdfx_find_profile). */
#define PDFX_DEFAULT_PROFILE "FOGRA39L_coated.icc"

/* Fails (NULL, message in err) when the options cannot give a PDF/X file: no date,
 * an unreadable or non-CMYK profile, PDF/X-4 without a profile. */
pdfx_state *pdfx_state_new(HPDF_Doc pdf, const pdf_options *o, char *err, size_t errlen);
void pdfx_state_free(pdfx_state *x);

/* Resolves a profile name to a readable file. A name containing '/' is taken as a
 * path; a bare file name is looked for, in this order, in $JIANBAO_ICC_DIR,
 * styles/icc beside the running program (and two levels up, for test programs),
 * styles/icc under the current directory, TeX Live's colorprofiles directory
 * (Debian's texlive-base) and /usr/share/color/icc. Returns 0 with the path in
 * out, or -1 with a message listing the places searched in err. */
int pdfx_find_profile(const char *name, char *out, size_t outlen, char *err, size_t errlen);

/* Distance from the media box corner to the trim box corner (bleed + mark area). */
float pdfx_offset(const pdf_options *o);

/* Content written at the start of every page (appended to b). */
void pdfx_page_prologue(pdfx_state *x, HPDF_Page page, strbuf *b);
/* Colour operators for a fill (stroke = false) or stroke colour, press style: gray
 * becomes K, K-only black overprints. Appends to b. */
void pdfx_color(pdfx_state *x, dl_color c, int stroke, strbuf *b);
/* Crop marks (Page artifacts when tagged) and anything else drawn after the page
 * content. Also reports any failure of the hooks above, which cannot return one. */
int pdfx_page_epilogue(pdfx_state *x, HPDF_Page page, int index, float trim_w, float trim_h,
                       bool tagged, char *err, size_t errlen);
/* Output intent, identification, trailer ID; for PDF/X-4 the XMP packet (xmp.h), with
 * pdfuaid:part 1 when ua. */
int pdfx_finish(pdfx_state *x, const dl_doc *d, bool ua, char *err, size_t errlen);

/* An image XObject for press output: RGB converted to CMYK with lcms2 (the image's
 * own profile, else sRGB), alpha flattened on white, ink limited. NULL with the
 * reason in err. */
HPDF_Image pdfx_load_image(pdfx_state *x, HPDF_Doc pdf, const image_file *f, const char *path,
                           char *err, size_t errlen);

#endif
