/* pf_int.h — what the preflight files share (private to layout/preflight/): the run's
 * context, the findings, type-checked object helpers and each check family's entry. */
#ifndef JB_PF_INT_H
#define JB_PF_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <qpdf/qpdf-c.h>

#include "layout/preflight/preflight.h"

#define PT_PER_MM (72 / 25.4)
#define MAX_FORM_DEPTH 8      /* nested form XObjects followed */
#define MAX_FINDINGS 10000    /* remembered for de-duplication */

typedef struct font_metrics font_metrics;

typedef struct {
    qpdf_data q;
    FILE *out;
    const char *path;
    const preflight_options *o;
    preflight_standard std;
    int page;                 /* 1-based page being checked, 0: the document */
    int failures, warnings;
    uint64_t *seen;           /* hashes of printed lines */
    size_t nseen, capseen;
    int *fonts;               /* object ids of fonts already checked */
    size_t nfonts, capfonts;
    font_metrics **metrics;   /* PR-07: widths of the fonts met so far (owned) */
    size_t nmetrics, capmetrics;
    /* page state */
    double trim[4], bleed[4];
    bool has_boxes;
    double text_min_dist;     /* PR-07: closest text to the trim on this page, pt */
    int text_near;            /* text runs closer than allowed */
    int page_obj;
} pf;

/* ---- findings (pf_findings.c) ---- */

/* One finding; obj 0 means "no object to name". Repeats on the same page are dropped. */
void pf_finding(pf *p, bool failure, int pr, int obj, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Transparency is forbidden by PDF/X-1a and allowed by PDF/X-4, but the shop's list
 * (PR-09) asks for none: a failure for X-1a, a warning for X-4. */
void pf_transparency(pf *p, int obj, const char *what);

/* ---- object helpers, all type-checked (pf_object.c) ---- */

/* Strings the C API returns live only until its next call: names are copied. */
typedef struct {
    char s[128];
} pname;

qpdf_oh pf_key(pf *p, qpdf_oh dict, const char *k);
bool pf_is_name(pf *p, qpdf_oh o, const char *name);
bool pf_num(pf *p, qpdf_oh o, double *v);
pname pf_name_of(pf *p, qpdf_oh o);
int pf_objid(pf *p, qpdf_oh o);
/* A number as an int, clamped: converting an out-of-range double is undefined. */
int pf_clamp_int(double v);
/* A string value as UTF-8, or NULL; copied into buf. */
const char *pf_str_of(pf *p, qpdf_oh o, char *buf, size_t n);
/* A page attribute, inherited through /Parent (bounded: the tree may be a loop). */
qpdf_oh pf_inherited(pf *p, qpdf_oh page, const char *k);
/* A rectangle, normalised to x0 < x1, y0 < y1. */
bool pf_rect_of(pf *p, qpdf_oh a, double r[4]);
bool pf_contains(const double outer[4], const double inner[4]);
bool pf_intersects(const double a[4], const double b[4]);
/* An action dictionary that runs JavaScript. */
bool pf_is_js_action(pf *p, qpdf_oh a);

/* ---- colour spaces, PR-04 (pf_colour.c) ---- */

typedef enum { CSK_GRAY, CSK_CMYK, CSK_RGB, CSK_OTHER } cs_kind;

/* Classifies a colour space object; *why gets a problem description for PR-04 (NULL
 * when the space is acceptable for the standard). */
cs_kind pf_classify_cs(pf *p, qpdf_oh cs, const char **why, int depth);
/* A colour space operand of cs/CS or an image's /ColorSpace: a device name, or a name
 * in the resources' /ColorSpace, or (images) the space itself. */
qpdf_oh pf_resolve_cs(pf *p, qpdf_oh res, qpdf_oh cs);
void pf_check_cs(pf *p, qpdf_oh cs, int obj, const char *where);

/* ---- fonts, PR-03, and their metrics for PR-07 (pf_fonts.c) ---- */

void pf_check_font(pf *p, qpdf_oh font);
/* The metrics of the font named name in the resources of owner (a page or form), from
 * the cache or parsed into it. Never NULL: unusable fonts get an estimate. */
const font_metrics *pf_font_metrics_for(pf *p, qpdf_oh font, int owner, const char *name);
/* The estimate for text shown before any font is set: 1-byte codes, ½ em each. */
const font_metrics *pf_fm_guess(void);
bool pf_fm_two_byte(const font_metrics *m);
/* The advance of one character code, per unit of font size. */
double pf_fm_width(const font_metrics *m, unsigned code);
void pf_free_metrics(pf *p);

/* ---- resources: PR-03, PR-04, PR-09 (pf_resources.c) ---- */

void pf_scan_resources(pf *p, qpdf_oh res);
void pf_check_group(pf *p, qpdf_oh owner, const char *what);

/* ---- content streams (pf_interp.c) ---- */

/* Interprets one page's content with its resources: PR-04, PR-05, PR-07, PR-08. */
void pf_interpret_page(pf *p, qpdf_oh res, const unsigned char *data, size_t len);

/* ---- document and page checks (pf_document.c, pf_page.c) ---- */

const char *pf_std_name(preflight_standard s);
/* PR-01, and which standard to check against. */
void pf_check_identification(pf *p, qpdf_oh trailer, qpdf_oh root);
void pf_check_output_intent(pf *p, qpdf_oh root);
void pf_check_forbidden(pf *p, qpdf_oh root);
void pf_check_version(pf *p);
void pf_check_page(pf *p, int index);

#endif
