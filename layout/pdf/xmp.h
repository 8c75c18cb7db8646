/* xmp — the XMP metadata packet of plain and press output alike: Dublin Core (title,
 * creator, description, language), dates, producer and keywords, and the PDF/UA and
 * PDF/X identification when the file claims them. Private to pdf/ (pdf.c, pdfx.c). */
#ifndef JB_XMP_H
#define JB_XMP_H

#include <stdbool.h>
#include <stddef.h>

#include <hpdf.h>

typedef struct {
    const char *title, *creator, *description, *keywords, *creator_tool;
    const char *lang;          /* dc:language (BCP 47), or NULL */
    long long date;            /* create/modify/metadata date, s since 1970; < 0: none */
    bool ua;                   /* pdfuaid:part 1 (ISO 14289-1) */
    const char *pdfx;          /* pdfxid:GTS_PDFXVersion ("PDF/X-4") and pdf:Trapped, or
                                  NULL */
    const char *doc_id, *instance_id;   /* xmpMM identifiers ("uuid:…"), or NULL */
} xmp_fields;

/* Adds the packet to the catalog as /Metadata, uncompressed so that tools which do not
 * parse PDF find it. pdf:Producer repeats Info's. Returns 0, or -1 with err. */
int xmp_write(HPDF_Doc pdf, const xmp_fields *f, char *err, size_t errlen);

#endif
