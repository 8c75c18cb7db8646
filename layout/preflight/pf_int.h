/* pf_int.h — what the preflight files share (private to layout/preflight/): the
 * limits, the checks, the run's context, the findings, type-checked object helpers and
 * each check family's entry point. */
#ifndef JB_PF_INT_H
#define JB_PF_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <qpdf/qpdf-c.h>

#include "layout/preflight/preflight.h"

#define PT_PER_MM (72 / 25.4)

/* ---- limits ----
 *
 * The input is untrusted. Every loop and allocation it drives is bounded by one of
 * these; passing one gives a failure that says what was not checked (a preflight must
 * not pass what it did not look at). The default issue (54 pages) needs about 1 % of
 * each. The first seven are defaults of preflight_limits. */

/* The PDF is read into memory: a press PDF of a 100-page bulletin with photographs is
 * well under 200 MB. */
#define PF_MAX_FILE_BYTES ((size_t)1 << 30)
/* Objects and values visited, in the whole-file walk and the resources: the default
 * issue has about 14,000; a small file can name one object millions of times. */
#define PF_MAX_OBJECTS ((size_t)1000000)
/* Content-stream tokens read (operators and operands), all pages and form XObjects
 * together: the default issue has about 100,000, at some 0.2 µs each. Bounds time when
 * forms are drawn many times in different places (a form drawing a form ten times,
 * eight deep, is 10^8 operators) or a stream is one long run of operands. */
#define PF_MAX_TOKENS ((size_t)10000000)
/* One decoded stream, and one page's content streams together: a page's content is
 * rarely over a few MB. A deflate bomb of 1 MB inflates to 1 GB. */
#define PF_MAX_STREAM_BYTES ((size_t)32 << 20)
/* All decoded streams together (pages, forms, metadata, profiles), so many small bombs
 * cannot add up either: the default issue decodes under 1 MB. */
#define PF_MAX_DECODED_BYTES ((size_t)256 << 20)
/* Form XObjects followed inside form XObjects; deeper ones are not interpreted. Real
 * files nest two or three. */
#define PF_MAX_FORM_DEPTH 8
/* Distinct findings listed; more are counted as omitted (a print shop reads the first
 * ones; a hostile file could name a million different fonts). */
#define PF_MAX_FINDINGS ((size_t)500)

/* Levels of the page tree: writers make it a few levels deep (a balanced tree of a
 * million pages is under 10); qpdf 11.3 follows it by recursion and overflows the stack
 * near 30,000 levels (qpdf --check crashes too), so deeper trees are refused before
 * qpdf walks them. */
#define PF_MAX_PAGE_TREE_DEPTH 256
/* q nesting followed; PDF 1.x viewers stop at 28. Deeper: the rest of that content
 * stream is not interpreted (its graphics state would be wrong). */
#define PF_MAX_GSTACK 64
/* Colour spaces inside colour spaces (Indexed → DeviceN → alternate → ICCBased is 3). */
#define PF_MAX_CS_DEPTH 4
/* Forms interpreted once per distinct graphics state on a page; a form drawn a
 * million times in one place is interpreted once. States remembered per page: */
#define PF_MAX_FORM_MEMO 4096
/* Fonts whose widths are read and kept for measuring text (PR-07); more are measured
 * by estimate, with a warning. */
#define PF_MAX_FONT_METRICS 4096
/* Entries of one font's /W widths table read (a CJK font has up to 65,536 glyphs). */
#define PF_MAX_W_ITEMS (1 << 18)

/* ---- checks (pf_checks.c) ---- */

typedef enum { PF_NONE, PF_WARN, PF_FAIL } pf_sev;

typedef enum {
    /* PR-01 identification and metadata */
    PFK_ID_MISSING,
    PFK_ID_WRONG,
    PFK_ID_X4P,
    PFK_XMP_MISMATCH,
    PFK_XMP_IDS,
    /* PR-02 output intent */
    PFK_OI_MISSING,
    PFK_OI_BAD,
    PFK_OI_REGISTRY,
    /* PR-03 fonts */
    PFK_FONT_NOT_EMBEDDED,
    PFK_FONT_NOT_SUBSET,
    PFK_FONT_NO_TOUNICODE,
    PFK_FONT_TYPE3,
    PFK_FONT_BROKEN,
    /* PR-04 colour */
    PFK_CS_RGB,
    PFK_CS_RGB_ICC,
    PFK_CS_CALIBRATED,
    PFK_CS_UNKNOWN,
    PFK_GROUP_RGB,
    /* PR-05 black text and ink */
    PFK_TAC,
    PFK_TEXT_RICH_BLACK,
    PFK_TEXT_KNOCKOUT,
    PFK_WHITE_OVERPRINT,
    /* PR-06 boxes and bleed */
    PFK_NO_PAGES,
    PFK_BOX_MISSING,
    PFK_BOX_NESTING,
    PFK_BLEED_SMALL,
    PFK_INK_NOT_BLEED,
    /* PR-07 text and the trim */
    PFK_TEXT_BEYOND_TRIM,
    PFK_TEXT_NEAR_TRIM,
    PFK_WIDTHS_ESTIMATED,
    /* PR-08 images */
    PFK_PPI_LOW,
    PFK_PPI_VERY_LOW,
    /* PR-09 transparency */
    PFK_TRANSPARENCY,
    /* PR-10 features the standard forbids, damage, limits */
    PFK_ENCRYPTED,
    PFK_INTERACTIVE,
    PFK_ANNOT_IN_TRIM,
    PFK_HALFTONE,
    PFK_TRANSFER,
    PFK_LZW,
    PFK_JPX,
    PFK_OPI,
    PFK_POSTSCRIPT,
    PFK_EMBEDDED_FILE,
    PFK_DAMAGED,
    PFK_LIMIT,
    /* PR-11 version */
    PFK_VERSION,
    PFK_COUNT
} pf_check_id;

typedef struct {
    const char *id;           /* stable, in --json */
    int rule;                 /* PR-xx */
    pf_sev x1a, x4;           /* severity against each standard; PF_NONE: not checked */
    const char *fix;          /* what to do, for the report */
    const char *worst;        /* printf format of the extreme value met ("lowest %.0f
                               * ppi"); NULL when findings carry none */
    bool worst_is_max;        /* the largest value is the worst (else the smallest) */
} pf_check;

const pf_check *pf_check_def(pf_check_id c);

/* ---- the run's context ---- */

typedef struct pf_group pf_group;
typedef struct font_metrics font_metrics;
typedef struct pf_form_memo pf_form_memo;

/* A set of object ids (generation in the high bits), for "seen before". */
typedef struct {
    uint64_t *slots;          /* 0: empty; keys are stored + 1 */
    size_t cap, n;
} pf_idset;

typedef struct {
    qpdf_data q;
    const preflight_options *o;
    const preflight_limits *lim;
    preflight_standard std;
    int page;                 /* 1-based page being checked, 0: the document */
    int page_obj;
    bool stop;                /* a budget ran out: nothing more is checked */
    /* findings (pf_findings.c) */
    pf_group *groups;
    size_t ngroups, capgroups;
    uint32_t *slots;          /* hash of (check, message) → group index + 1 */
    size_t nslots;
    int omitted;
    /* budgets spent */
    size_t objects, tokens, decoded;
    /* fonts */
    pf_idset fonts_checked;
    font_metrics **metrics;   /* PR-07: widths of the fonts met so far (owned) */
    size_t nmetrics, capmetrics;
    /* page state */
    double trim[4], bleed[4];
    bool has_boxes;
    pf_form_memo *memo;       /* forms interpreted on this page (pf_interp.c) */
} pf;

/* ---- findings (pf_findings.c) ---- */

/* One finding of check c on the current page (or the document when p->page is 0);
 * obj is the PDF object involved, 0 for none. The same check with the same message is
 * one finding, however often met. Checks that do not apply to p->std are dropped. */
void pf_find(pf *p, pf_check_id c, int obj, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The same, with a measured value; the finding reports the worst value of its group. */
void pf_find_v(pf *p, pf_check_id c, int obj, double value, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* A budget ran out: one failure saying what was not checked, and the run stops. */
void pf_limit(pf *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Moves the findings into the report (sorted by rule), counting them. False when
 * memory runs out. */
bool pf_findings_to_report(pf *p, preflight_report *r);
void pf_findings_free(pf *p);

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
/* A rectangle, normalised to x0 < x1, y0 < y1. */
bool pf_rect_of(pf *p, qpdf_oh a, double r[4]);
bool pf_contains(const double outer[4], const double inner[4]);
bool pf_intersects(const double a[4], const double b[4]);
/* The keys of a dictionary, copied (the C API has one key iterator, which any nested
 * walk would reset); NULL with *n 0 for anything else. Free with pf_dict_keys_free. */
char **pf_dict_keys(pf *p, qpdf_oh dict, size_t *n);
void pf_dict_keys_free(char **keys, size_t n);
/* An action dictionary that runs JavaScript. */
bool pf_is_js_action(pf *p, qpdf_oh a);
/* A size for messages: "32 MB", "100 KB", "512 bytes"; buf has room for 32. */
const char *pf_size(size_t n, char *buf);
/* Counts one more object against the budget; false (and the run stops) once it is
 * spent. */
bool pf_spend_object(pf *p);
/* Adds an id to the set; true when it was new. False too when memory runs out. */
bool pf_idset_add(pf_idset *s, uint64_t id);
void pf_idset_free(pf_idset *s);
/* The decoded data of a stream (caller frees; NUL-terminated), within the stream and
 * total budgets; NULL with a finding when it cannot be had. what names it ("the page
 * content", "a form XObject"). */
unsigned char *pf_stream_data(pf *p, qpdf_oh stream, const char *what, size_t *len);

/* ---- colour spaces, PR-04 (pf_colour.c) ---- */

typedef enum { CSK_GRAY, CSK_CMYK, CSK_RGB, CSK_OTHER } cs_kind;

/* Classifies a colour space object and reports what the standard does not allow in
 * it, naming where it is used ("an image", "the page's colour spaces"). */
cs_kind pf_check_cs(pf *p, qpdf_oh cs, int obj, const char *where);
/* A colour space operand of cs/CS or an image's /ColorSpace: a device name, or a name
 * in the resources' /ColorSpace, or (images) the space itself. */
qpdf_oh pf_resolve_cs(pf *p, qpdf_oh res, qpdf_oh cs);
/* The blending space of a transparency group on owner ("the page", "a form XObject"). */
void pf_check_group_cs(pf *p, qpdf_oh cs, int obj, const char *owner);

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

/* ---- resources: PR-03, PR-04, PR-09, PR-10 (pf_resources.c) ---- */

void pf_scan_resources(pf *p, qpdf_oh res);
/* A transparency group on a page or form (PR-09), and its blending space (PR-04). */
void pf_check_group(pf *p, qpdf_oh owner, const char *what);

/* ---- content streams (pf_interp.c) ---- */

/* Interprets one page's content with its resources: PR-04, PR-05, PR-06 (ink beyond
 * the trim), PR-07, PR-08. */
void pf_interpret_page(pf *p, qpdf_oh res, const unsigned char *data, size_t len);
/* Forgets the forms interpreted on the page (their handles die with the page's). */
void pf_forms_reset(pf *p);

/* ---- document, metadata, whole file, pages ---- */

const char *pf_std_name(preflight_standard s);
/* The file's PDF/X claim (Info, else XMP), or NULL; caller frees. */
char *pf_claim(pf *p, qpdf_oh trailer, qpdf_oh root);
/* PR-01 (Info keys, trailer ID; X-4: XMP identification and agreement with Info). */
void pf_check_identification(pf *p, qpdf_oh trailer, qpdf_oh root);
/* PR-01, X-4: the XMP packet (pf_xmp.c). */
void pf_check_xmp(pf *p, qpdf_oh info, qpdf_oh root);
/* The XMP's pdfxid:GTS_PDFXVersion, or NULL; caller frees (pf_xmp.c). */
char *pf_xmp_pdfx_version(pf *p, qpdf_oh root);
void pf_check_output_intent(pf *p, qpdf_oh root);
void pf_check_forbidden(pf *p, qpdf_oh root);
void pf_check_version(pf *p);
/* Every object reachable from the trailer: filters (LZW, JPX), embedded files,
 * PostScript and OPI anywhere in the file (pf_walk.c). */
void pf_walk_file(pf *p);
void pf_check_page(pf *p, int index);

#endif
