/* pdfx — see pdfx.h. */
#include "layout/pdfx.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

struct pdfx_state {
    int unused;
};

pdfx_state *pdfx_state_new(HPDF_Doc pdf, const pdf_options *o, char *err, size_t errlen)
{
    (void)pdf;
    (void)o;
    snprintf(err, errlen, "press output (PDF/X) is not available yet");
    return NULL;
}

void pdfx_state_free(pdfx_state *x) { (void)x; }

float pdfx_offset(const pdf_options *o) { return o->bleed; }

void pdfx_page_prologue(pdfx_state *x, HPDF_Page page, char **b, size_t *n, size_t *cap)
{
    (void)x, (void)page, (void)b, (void)n, (void)cap;
}

void pdfx_color(pdfx_state *x, dl_color c, int stroke, char **b, size_t *n, size_t *cap)
{
    (void)x, (void)c, (void)stroke, (void)b, (void)n, (void)cap;
}

void pdfx_fix_annot(pdfx_state *x, HPDF_Annotation a) { (void)x, (void)a; }

int pdfx_page_epilogue(pdfx_state *x, HPDF_Page page, int index, float trim_w, float trim_h,
                       char *err, size_t errlen)
{
    (void)x, (void)page, (void)index, (void)trim_w, (void)trim_h, (void)err, (void)errlen;
    return 0;
}

int pdfx_finish(pdfx_state *x, const dl_doc *d, char *err, size_t errlen)
{
    (void)x, (void)d, (void)err, (void)errlen;
    return 0;
}

HPDF_Image pdfx_load_image(pdfx_state *x, HPDF_Doc pdf, const char *path, char *err,
                           size_t errlen)
{
    (void)x;
    return pdfx_load_image_plain(pdf, path, err, errlen);
}

static int has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && strcasecmp(s + n - m, suf) == 0;
}

HPDF_Image pdfx_load_image_plain(HPDF_Doc pdf, const char *path, char *err, size_t errlen)
{
    HPDF_Image img = NULL;
    if (has_suffix(path, ".jpg") || has_suffix(path, ".jpeg"))
        img = HPDF_LoadJpegImageFromFile(pdf, path);
    else
        img = HPDF_LoadPngImageFromFile(pdf, path);
    if (!img)
        snprintf(err, errlen, "cannot load image %s", path);
    return img;
}
