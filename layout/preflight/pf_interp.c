/* preflight — see preflight.h.
 *
 * qpdf parses the file and decodes streams; content streams are tokenised here (the C
 * API has no content parser) and interpreted just far enough to know the CTM, colours,
 * overprint state, text position and the current path's extent at every painting
 * operator. Text is measured glyph by glyph with the fonts' own widths (PR-07), so
 * proportional Latin set in a 2-byte CID font is as wide as it prints. Every object is
 * type-checked before use, so damaged or hostile files give findings, not crashes. */
#include "layout/preflight/preflight.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <qpdf/qpdf-c.h>

#define PT_PER_MM (72 / 25.4)
#define MAX_FORM_DEPTH 8      /* nested form XObjects followed */
#define MAX_GSTACK 64         /* q nesting tracked */
#define MAX_OPERANDS 32
#define MAX_FINDINGS 10000    /* remembered for de-duplication */

void preflight_options_default(preflight_options *o)
{
    o->standard = PREFLIGHT_AUTO;
    o->min_ppi = 300;
    o->safe_mm = 3;
    o->bleed_mm = 3;
}

/* ---- findings ---- */

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
    struct font_metrics **metrics; /* PR-07: widths of the fonts met so far (owned) */
    size_t nmetrics, capmetrics;
    /* page state */
    double trim[4], bleed[4];
    bool has_boxes;
    double text_min_dist;     /* PR-07: closest text to the trim on this page, pt */
    int text_near;            /* text runs closer than allowed */
    int page_obj;
} pf;

static uint64_t fnv(const char *s)
{
    uint64_t h = 1469598103934665603u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

static bool seen_before(pf *p, const char *line)
{
    uint64_t h = fnv(line);
    for (size_t i = 0; i < p->nseen; i++)
        if (p->seen[i] == h)
            return true;
    if (p->nseen == p->capseen && p->capseen < MAX_FINDINGS) {
        size_t nc = p->capseen ? p->capseen * 2 : 64;
        uint64_t *ns = realloc(p->seen, nc * sizeof *ns);
        if (ns) {
            p->seen = ns;
            p->capseen = nc;
        }
    }
    if (p->nseen < p->capseen)
        p->seen[p->nseen++] = h;
    return false;
}

/* One finding; obj 0 means "no object to name". Repeats on the same page are dropped. */
static void finding(pf *p, bool failure, int pr, int obj, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void finding(pf *p, bool failure, int pr, int obj, const char *fmt, ...)
{
    char what[512], line[1024], where[32] = "";
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (p->page > 0)
        snprintf(where, sizeof where, "page %d: ", p->page);
    char objs[32] = "";
    if (obj > 0)
        snprintf(objs, sizeof objs, " (object %d)", obj);
    snprintf(line, sizeof line, "%s: %sPR-%02d: %s: %s%s\n", p->path, where, pr,
             failure ? "failure" : "warning", what, objs);
    if (seen_before(p, line))
        return;
    fputs(line, p->out);
    if (failure)
        p->failures++;
    else
        p->warnings++;
}

/* Transparency is forbidden by PDF/X-1a and allowed by PDF/X-4, but the shop's list
 * (PR-09) asks for none: a failure for X-1a, a warning for X-4. */
static void transparency(pf *p, int obj, const char *what)
{
    finding(p, p->std != PREFLIGHT_X4, 9, obj, "transparency: %s", what);
}

/* ---- object helpers (all type-checked) ---- */

static qpdf_oh key(pf *p, qpdf_oh dict, const char *k)
{
    return qpdf_oh_is_dictionary(p->q, dict) || qpdf_oh_is_stream(p->q, dict)
               ? qpdf_oh_get_key(p->q, qpdf_oh_is_stream(p->q, dict) ? qpdf_oh_get_dict(p->q, dict)
                                                                     : dict,
                                 k)
               : qpdf_oh_new_null(p->q);
}

static bool is_name(pf *p, qpdf_oh o, const char *name)
{
    return qpdf_oh_is_name_and_equals(p->q, o, name);
}

static bool num(pf *p, qpdf_oh o, double *v)
{
    if (!qpdf_oh_is_number(p->q, o))
        return false;
    *v = qpdf_oh_get_numeric_value(p->q, o);
    return isfinite(*v);
}

/* Strings the C API returns live only until its next call: names are copied. */
typedef struct {
    char s[128];
} pname;

static pname name_of(pf *p, qpdf_oh o)
{
    pname n = { "" };
    if (qpdf_oh_is_name(p->q, o)) {
        const char *v = qpdf_oh_get_name(p->q, o);
        snprintf(n.s, sizeof n.s, "%s", v ? v : "");
    }
    return n;
}

static int objid(pf *p, qpdf_oh o) { return qpdf_oh_get_object_id(p->q, o); }

/* A number as an int, clamped: converting an out-of-range double is undefined. */
static int clamp_int(double v)
{
    return v <= INT_MIN ? INT_MIN : v >= INT_MAX ? INT_MAX : (int)v;
}

/* A string value as UTF-8, or NULL; copied into buf. */
static const char *str_of(pf *p, qpdf_oh o, char *buf, size_t n)
{
    if (!qpdf_oh_is_string(p->q, o))
        return NULL;
    const char *s = qpdf_oh_get_utf8_value(p->q, o);
    snprintf(buf, n, "%s", s ? s : "");
    return buf;
}

/* A page attribute, inherited through /Parent (bounded: the tree may be a loop). */
static qpdf_oh inherited(pf *p, qpdf_oh page, const char *k)
{
    qpdf_oh n = page;
    for (int depth = 0; depth < 64 && qpdf_oh_is_dictionary(p->q, n); depth++) {
        qpdf_oh v = qpdf_oh_get_key(p->q, n, k);
        if (!qpdf_oh_is_null(p->q, v))
            return v;
        n = qpdf_oh_get_key(p->q, n, "/Parent");
    }
    return qpdf_oh_new_null(p->q);
}

/* A rectangle, normalised to x0 < x1, y0 < y1. */
static bool rect_of(pf *p, qpdf_oh a, double r[4])
{
    if (!qpdf_oh_is_array(p->q, a) || qpdf_oh_get_array_n_items(p->q, a) != 4)
        return false;
    for (int i = 0; i < 4; i++)
        if (!num(p, qpdf_oh_get_array_item(p->q, a, i), &r[i]))
            return false;
    if (r[0] > r[2]) {
        double t = r[0];
        r[0] = r[2], r[2] = t;
    }
    if (r[1] > r[3]) {
        double t = r[1];
        r[1] = r[3], r[3] = t;
    }
    return true;
}

static bool contains(const double outer[4], const double inner[4])
{
    const double eps = 0.01;
    return inner[0] >= outer[0] - eps && inner[1] >= outer[1] - eps &&
           inner[2] <= outer[2] + eps && inner[3] <= outer[3] + eps;
}

static bool intersects(const double a[4], const double b[4])
{
    return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
}

/* Room for item n of a growable array of *cap items of size bytes: the array, moved if
 * it had to grow, or NULL when memory runs out (the old one is then still valid). */
static void *grow(void *items, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return items;
    size_t nc = *cap ? *cap * 2 : 256;
    void *ni = realloc(items, nc * size);
    if (ni)
        *cap = nc;
    return ni;
}

/* ---- colour spaces (PR-04) ---- */

typedef enum { CSK_GRAY, CSK_CMYK, CSK_RGB, CSK_OTHER } cs_kind;

/* Classifies a colour space object; *why gets a problem description for PR-04 (NULL
 * when the space is acceptable for the standard). */
static cs_kind classify_cs(pf *p, qpdf_oh cs, const char **why, int depth)
{
    *why = NULL;
    if (depth > 4) {
        *why = "colour space nested too deeply";
        return CSK_OTHER;
    }
    if (qpdf_oh_is_name(p->q, cs)) {
        pname nm = name_of(p, cs);
        const char *n = nm.s;
        if (!strcmp(n, "/DeviceGray") || !strcmp(n, "/G"))
            return CSK_GRAY;
        if (!strcmp(n, "/DeviceCMYK") || !strcmp(n, "/CMYK"))
            return CSK_CMYK;
        if (!strcmp(n, "/DeviceRGB") || !strcmp(n, "/RGB")) {
            *why = "DeviceRGB";
            return CSK_RGB;
        }
        if (!strcmp(n, "/Pattern"))
            return CSK_OTHER;
        *why = "unknown colour space";
        return CSK_OTHER;
    }
    if (!qpdf_oh_is_array(p->q, cs) || qpdf_oh_get_array_n_items(p->q, cs) < 1) {
        *why = "malformed colour space";
        return CSK_OTHER;
    }
    qpdf_oh fam = qpdf_oh_get_array_item(p->q, cs, 0);
    pname fn = name_of(p, fam);
    const char *f = fn.s;
    qpdf_oh arg = qpdf_oh_get_array_n_items(p->q, cs) > 1 ? qpdf_oh_get_array_item(p->q, cs, 1)
                                                          : qpdf_oh_new_null(p->q);
    bool x4 = p->std == PREFLIGHT_X4;
    if (!strcmp(f, "/CalRGB")) {
        *why = "CalRGB";
        return CSK_RGB;
    }
    if (!strcmp(f, "/CalGray") || !strcmp(f, "/Lab")) {
        if (!x4)
            *why = !strcmp(f, "/Lab") ? "Lab (not in PDF/X-1a)" : "CalGray (not in PDF/X-1a)";
        return CSK_OTHER;
    }
    if (!strcmp(f, "/ICCBased")) {
        double n = 0;
        if (!num(p, key(p, arg, "/N"), &n)) {
            *why = "ICCBased colour space without /N";
            return CSK_OTHER;
        }
        if (n == 3) {
            *why = "ICCBased RGB";
            return CSK_RGB;
        }
        if (!x4)
            *why = "ICCBased (not in PDF/X-1a)";
        return n == 4 ? CSK_CMYK : n == 1 ? CSK_GRAY : CSK_OTHER;
    }
    if (!strcmp(f, "/Indexed") || !strcmp(f, "/I") || !strcmp(f, "/Pattern")) {
        if (qpdf_oh_is_null(p->q, arg))
            return CSK_OTHER;
        classify_cs(p, arg, why, depth + 1);
        return CSK_OTHER;
    }
    if (!strcmp(f, "/Separation") || !strcmp(f, "/DeviceN")) {
        qpdf_oh alt = qpdf_oh_get_array_n_items(p->q, cs) > 2 ? qpdf_oh_get_array_item(p->q, cs, 2)
                                                              : qpdf_oh_new_null(p->q);
        if (classify_cs(p, alt, why, depth + 1) == CSK_RGB)
            *why = "spot colour with an RGB alternate space";
        return CSK_OTHER;
    }
    *why = "unknown colour space";
    return CSK_OTHER;
}

/* A colour space operand of cs/CS or an image's /ColorSpace: a device name, or a name
 * in the resources' /ColorSpace, or (images) the space itself. */
static qpdf_oh resolve_cs(pf *p, qpdf_oh res, qpdf_oh cs)
{
    if (qpdf_oh_is_name(p->q, cs)) {
        pname n = name_of(p, cs);
        qpdf_oh named = key(p, key(p, res, "/ColorSpace"), n.s);
        if (!qpdf_oh_is_null(p->q, named))
            return named;
    }
    return cs;
}

static void check_cs(pf *p, qpdf_oh cs, int obj, const char *where)
{
    const char *why;
    classify_cs(p, cs, &why, 0);
    if (why)
        finding(p, true, 4, obj, "%s in %s", why, where);
}

/* ---- fonts (PR-03) ---- */

static bool font_done(pf *p, int id)
{
    if (id <= 0)
        return false;
    for (size_t i = 0; i < p->nfonts; i++)
        if (p->fonts[i] == id)
            return true;
    if (p->nfonts == p->capfonts) {
        size_t nc = p->capfonts ? p->capfonts * 2 : 32;
        int *nf = realloc(p->fonts, nc * sizeof *nf);
        if (!nf)
            return false;
        p->fonts = nf;
        p->capfonts = nc;
    }
    p->fonts[p->nfonts++] = id;
    return false;
}

static bool subset_tagged(const char *base)
{
    /* "/ABCDEF+Name" */
    if (strlen(base) < 8 || base[7] != '+')
        return false;
    for (int i = 1; i < 7; i++)
        if (base[i] < 'A' || base[i] > 'Z')
            return false;
    return true;
}

static void check_font(pf *p, qpdf_oh font)
{
    int id = objid(p, font);
    if (!qpdf_oh_is_dictionary(p->q, font) || font_done(p, id))
        return;
    pname subn = name_of(p, key(p, font, "/Subtype")), basen = name_of(p, key(p, font, "/BaseFont"));
    const char *sub = subn.s, *base = basen.s;
    const char *shown = base[0] ? base + 1 : "(unnamed)";
    if (!strcmp(sub, "/Type3")) {
        finding(p, false, 3, id, "Type 3 font %s: glyphs are drawn by content streams",
                base[0] ? shown : "(unnamed)");
        return;
    }
    qpdf_oh desc_font = font;
    if (!strcmp(sub, "/Type0")) {
        qpdf_oh df = key(p, font, "/DescendantFonts");
        if (!qpdf_oh_is_array(p->q, df) || qpdf_oh_get_array_n_items(p->q, df) < 1) {
            finding(p, true, 3, id, "Type 0 font %s has no descendant font", shown);
            return;
        }
        desc_font = qpdf_oh_get_array_item(p->q, df, 0);
    }
    qpdf_oh fd = key(p, desc_font, "/FontDescriptor");
    bool embedded = qpdf_oh_is_stream(p->q, key(p, fd, "/FontFile")) ||
                    qpdf_oh_is_stream(p->q, key(p, fd, "/FontFile2")) ||
                    qpdf_oh_is_stream(p->q, key(p, fd, "/FontFile3"));
    if (!embedded)
        finding(p, true, 3, id, "font %s is not embedded", shown);
    else if (!subset_tagged(base))
        finding(p, false, 3, id, "font %s is not a subset (no subset tag)", shown);
    if (!qpdf_oh_is_stream(p->q, key(p, font, "/ToUnicode")))
        finding(p, false, 3, id, "font %s has no ToUnicode map", shown);
}

/* ---- resources: fonts, images, ExtGStates, shadings (PR-03, PR-04, PR-09) ---- */

static void check_image_dict(pf *p, qpdf_oh img, qpdf_oh res)
{
    int id = objid(p, img);
    QPDF_BOOL is_mask = QPDF_FALSE;
    qpdf_oh im = key(p, img, "/ImageMask");
    if (qpdf_oh_is_bool(p->q, im))
        is_mask = qpdf_oh_get_bool_value(p->q, im);
    if (!is_mask) {
        qpdf_oh cs = key(p, img, "/ColorSpace");
        if (qpdf_oh_is_null(p->q, cs)) {
            /* JPEG 2000 carries its own space; PDF/X-1a does not allow JPXDecode anyway. */
            finding(p, true, 4, id, "image without /ColorSpace");
        } else {
            check_cs(p, resolve_cs(p, res, cs), id, "an image");
        }
    }
    if (!qpdf_oh_is_null(p->q, key(p, img, "/SMask")))
        transparency(p, id, "image with a soft mask (/SMask)");
    double smid = 0;
    if (num(p, key(p, img, "/SMaskInData"), &smid) && smid != 0)
        transparency(p, id, "image with /SMaskInData");
}

static void check_extgstate(pf *p, qpdf_oh gs)
{
    int id = objid(p, gs);
    qpdf_oh sm = key(p, gs, "/SMask");
    if (!qpdf_oh_is_null(p->q, sm) && !is_name(p, sm, "/None"))
        transparency(p, id, "soft mask in a graphics state");
    double a;
    if (num(p, key(p, gs, "/CA"), &a) && a < 1)
        transparency(p, id, "stroke opacity /CA below 1");
    if (num(p, key(p, gs, "/ca"), &a) && a < 1)
        transparency(p, id, "fill opacity /ca below 1");
    qpdf_oh bm = key(p, gs, "/BM");
    if (qpdf_oh_is_array(p->q, bm) && qpdf_oh_get_array_n_items(p->q, bm) > 0)
        bm = qpdf_oh_get_array_item(p->q, bm, 0);
    if (qpdf_oh_is_name(p->q, bm) && !is_name(p, bm, "/Normal") && !is_name(p, bm, "/Compatible"))
        transparency(p, id, "blend mode other than Normal");
}

static void check_group(pf *p, qpdf_oh owner, const char *what)
{
    qpdf_oh g = key(p, owner, "/Group");
    if (is_name(p, key(p, g, "/S"), "/Transparency")) {
        char msg[96];
        snprintf(msg, sizeof msg, "transparency group on %s", what);
        transparency(p, objid(p, owner), msg);
    }
}

/* Every entry of a resource category, by value. */
typedef void (*entry_fn)(pf *p, qpdf_oh value, qpdf_oh res);

static void each_entry(pf *p, qpdf_oh res, const char *category, entry_fn fn)
{
    qpdf_oh d = key(p, res, category);
    if (!qpdf_oh_is_dictionary(p->q, d))
        return;
    /* Collect the keys first: the iterator is shared with any nested call. */
    char keys[256][128];
    int n = 0;
    qpdf_oh_begin_dict_key_iter(p->q, d);
    while (n < 256 && qpdf_oh_dict_more_keys(p->q)) {
        const char *k = qpdf_oh_dict_next_key(p->q);
        snprintf(keys[n++], sizeof keys[0], "%s", k ? k : "");
    }
    for (int i = 0; i < n; i++)
        fn(p, qpdf_oh_get_key(p->q, d, keys[i]), res);
}

static void res_font(pf *p, qpdf_oh v, qpdf_oh res) { (void)res, check_font(p, v); }
static void res_gs(pf *p, qpdf_oh v, qpdf_oh res) { (void)res, check_extgstate(p, v); }

static void res_cs(pf *p, qpdf_oh v, qpdf_oh res)
{
    (void)res;
    int id = objid(p, v);
    check_cs(p, v, id, "the page's colour spaces");
}

static void res_shading(pf *p, qpdf_oh v, qpdf_oh res)
{
    check_cs(p, resolve_cs(p, res, key(p, v, "/ColorSpace")), objid(p, v), "a shading");
}

static void res_pattern(pf *p, qpdf_oh v, qpdf_oh res)
{
    qpdf_oh sh = key(p, v, "/Shading");
    if (!qpdf_oh_is_null(p->q, sh))
        res_shading(p, sh, res);
}

static void res_xobject(pf *p, qpdf_oh v, qpdf_oh res)
{
    pname subn = name_of(p, key(p, v, "/Subtype"));
    const char *sub = subn.s;
    if (!strcmp(sub, "/Image"))
        check_image_dict(p, v, res);
    else if (!strcmp(sub, "/Form"))
        check_group(p, v, "a form XObject");
}

static void scan_resources(pf *p, qpdf_oh res)
{
    if (!qpdf_oh_is_dictionary(p->q, res))
        return;
    each_entry(p, res, "/Font", res_font);
    each_entry(p, res, "/ExtGState", res_gs);
    each_entry(p, res, "/ColorSpace", res_cs);
    each_entry(p, res, "/Shading", res_shading);
    each_entry(p, res, "/Pattern", res_pattern);
    each_entry(p, res, "/XObject", res_xobject);
}

/* ---- font metrics (PR-07) ----
 *
 * Glyph advances for measuring text, per unit of font size in text space, parsed once
 * per font object and kept for the whole run. */

/* Caps on hostile fonts: /W items read, width ranges kept, fonts cached. */
#define MAX_W_ITEMS (1 << 18)
#define MAX_W_RANGES (1 << 18)
#define MAX_FONT_METRICS 4096

typedef enum {
    FM_GUESS_1BYTE,           /* 1-byte codes, no usable widths: ½ em each */
    FM_GUESS_2BYTE,           /* 2-byte codes, no usable widths: 1 em each (CJK) */
    FM_SIMPLE,                /* 1-byte codes with /Widths */
    FM_CID,                   /* Type 0 with Identity-H: 2-byte codes are CIDs, /W and /DW */
} fm_kind;

typedef struct {
    uint32_t lo, hi;          /* CIDs lo…hi */
    double w;
} cid_range;

typedef struct font_metrics {
    fm_kind kind;
    /* the key: an indirect font's object id, or (page, owner, resource name) for a
     * direct font dictionary, which has no id */
    int id, page, owner;
    char name[128];
    double simple[256];       /* FM_SIMPLE: advance of every code */
    double dw;                /* FM_CID: advance of CIDs not in ranges */
    cid_range *ranges;        /* FM_CID: sorted, not overlapping (owned) */
    size_t nranges;
} font_metrics;

static const font_metrics guess_1byte = { .kind = FM_GUESS_1BYTE };
static const font_metrics guess_2byte = { .kind = FM_GUESS_2BYTE };

static bool fm_two_byte(const font_metrics *m)
{
    return m->kind == FM_CID || m->kind == FM_GUESS_2BYTE;
}

/* The advance of one character code, per unit of font size. */
static double fm_width(const font_metrics *m, unsigned code)
{
    switch (m->kind) {
    case FM_GUESS_1BYTE:
        return 0.5;
    case FM_GUESS_2BYTE:
        return 1.0;
    case FM_SIMPLE:
        return m->simple[code & 0xFF];
    case FM_CID:
        break;
    }
    size_t lo = 0, hi = m->nranges;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->ranges[mid].hi < code)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < m->nranges && m->ranges[lo].lo <= code)
        return m->ranges[lo].w;
    return m->dw;
}

/* A number that is a whole CID (0…0xFFFF for Identity-H, which has 2-byte codes);
 * larger ones are clamped when clamp is set, refused otherwise. */
static bool cid_of(pf *p, qpdf_oh o, bool clamp, uint32_t *cid)
{
    double v;
    if (!num(p, o, &v) || v != floor(v) || v < 0)
        return false;
    if (v > 0xFFFF && !clamp)
        return false;
    *cid = v > 0xFFFF ? 0xFFFF : (uint32_t)v;
    return true;
}

static bool add_range(font_metrics *m, size_t *cap, uint32_t lo, uint32_t hi, double w)
{
    cid_range *r = m->nranges < MAX_W_RANGES ? grow(m->ranges, cap, m->nranges, sizeof *r) : NULL;
    if (!r)
        return false;
    m->ranges = r;
    m->ranges[m->nranges++] = (cid_range){ lo, hi, w / 1000 };
    return true;
}

static int range_cmp(const void *a, const void *b)
{
    const cid_range *x = a, *y = b;
    return x->lo < y->lo ? -1 : x->lo > y->lo ? 1 : x->hi < y->hi ? -1 : x->hi > y->hi;
}

/* Sorts the ranges and clips overlaps (a malformed /W), so lookups can bisect: where
 * two entries cover a CID, the one starting lower wins. */
static void normalise_ranges(font_metrics *m)
{
    if (m->nranges == 0)
        return;
    qsort(m->ranges, m->nranges, sizeof *m->ranges, range_cmp);
    size_t out = 0;
    uint32_t next = 0; /* first CID not yet covered by the kept ranges */
    for (size_t i = 0; i < m->nranges; i++) {
        cid_range r = m->ranges[i];
        if (out > 0 && r.hi < next)
            continue;
        if (out > 0 && r.lo < next)
            r.lo = next;
        m->ranges[out++] = r;
        next = r.hi + 1;
    }
    m->nranges = out;
}

/* /W: "c [w1 w2 …]" gives CIDs c, c+1, … their widths; "c_first c_last w" one width to a
 * range. Reading stops at the first entry of neither form (what follows cannot be
 * trusted) and at the caps; CIDs left out take /DW. */
static void parse_w(pf *p, qpdf_oh w, font_metrics *m)
{
    size_t cap = 0;
    int n = qpdf_oh_is_array(p->q, w) ? qpdf_oh_get_array_n_items(p->q, w) : 0;
    if (n > MAX_W_ITEMS)
        n = MAX_W_ITEMS;
    for (int i = 0; i + 1 < n;) {
        uint32_t c, last;
        double width;
        qpdf_oh first = qpdf_oh_get_array_item(p->q, w, i);
        qpdf_oh next = qpdf_oh_get_array_item(p->q, w, i + 1);
        if (!cid_of(p, first, false, &c))
            break;
        if (qpdf_oh_is_array(p->q, next)) {
            int k = qpdf_oh_get_array_n_items(p->q, next);
            for (int j = 0; j < k && c + (uint32_t)j <= 0xFFFF; j++)
                if (num(p, qpdf_oh_get_array_item(p->q, next, j), &width) &&
                    !add_range(m, &cap, c + (uint32_t)j, c + (uint32_t)j, width))
                    return;
            i += 2;
        } else if (i + 2 < n && cid_of(p, next, true, &last) &&
                   num(p, qpdf_oh_get_array_item(p->q, w, i + 2), &width)) {
            if (last >= c && !add_range(m, &cap, c, last, width))
                return;
            i += 3;
        } else {
            break;
        }
    }
}

/* Type 0: widths only for the Identity-H CMap, where a code is a 2-byte CID. Other
 * CMaps (predefined or embedded) map codes of 1 to 4 bytes to CIDs through tables we do
 * not parse, and vertical ones advance downwards: those keep the 1 em estimate. */
static void fm_type0(pf *p, qpdf_oh font, font_metrics *m)
{
    m->kind = FM_GUESS_2BYTE;
    qpdf_oh df = key(p, font, "/DescendantFonts");
    if (!is_name(p, key(p, font, "/Encoding"), "/Identity-H") || !qpdf_oh_is_array(p->q, df) ||
        qpdf_oh_get_array_n_items(p->q, df) < 1)
        return;
    qpdf_oh cid = qpdf_oh_get_array_item(p->q, df, 0);
    if (!qpdf_oh_is_dictionary(p->q, cid))
        return;
    m->kind = FM_CID;
    double dw;
    m->dw = num(p, key(p, cid, "/DW"), &dw) ? dw / 1000 : 1.0;
    parse_w(p, key(p, cid, "/W"), m);
    normalise_ranges(m);
}

/* Type 1, TrueType, Type 3: /Widths from /FirstChar, /MissingWidth elsewhere. Without
 * /Widths (the standard 14 fonts may omit it) the ½ em estimate stays. Type 3 widths
 * are in glyph space, scaled to text space by the /FontMatrix. */
static void fm_simple(pf *p, qpdf_oh font, font_metrics *m)
{
    qpdf_oh widths = key(p, font, "/Widths");
    double first, missing = 0, scale = 0.001, v;
    if (!qpdf_oh_is_array(p->q, widths) || !num(p, key(p, font, "/FirstChar"), &first) ||
        first != floor(first) || first < 0 || first > 255)
        return;
    if (is_name(p, key(p, font, "/Subtype"), "/Type3")) {
        qpdf_oh fm = key(p, font, "/FontMatrix");
        if (qpdf_oh_is_array(p->q, fm) && qpdf_oh_get_array_n_items(p->q, fm) == 6 &&
            num(p, qpdf_oh_get_array_item(p->q, fm, 0), &v))
            scale = v;
    }
    num(p, key(p, key(p, font, "/FontDescriptor"), "/MissingWidth"), &missing);
    m->kind = FM_SIMPLE;
    for (int c = 0; c < 256; c++)
        m->simple[c] = missing * scale;
    int n = qpdf_oh_get_array_n_items(p->q, widths);
    for (int i = 0; i < n && (int)first + i < 256; i++)
        if (num(p, qpdf_oh_get_array_item(p->q, widths, i), &v))
            m->simple[(int)first + i] = v * scale;
}

/* The metrics of a font dictionary (NULL when out of memory; the caller owns them). */
static font_metrics *fm_build(pf *p, qpdf_oh font)
{
    font_metrics *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->kind = FM_GUESS_1BYTE;
    if (is_name(p, key(p, font, "/Subtype"), "/Type0"))
        fm_type0(p, font, m);
    else
        fm_simple(p, font, m);
    return m;
}

static bool fm_matches(const font_metrics *m, int id, int page, int owner, const char *name)
{
    if (id > 0)
        return m->id == id;
    return m->id == 0 && m->page == page && m->owner == owner && !strcmp(m->name, name);
}

/* The metrics of the font named name in the resources of owner (a page or form), from
 * the cache or parsed into it. Never NULL: unusable fonts get an estimate. */
static const font_metrics *font_metrics_for(pf *p, qpdf_oh font, int owner, const char *name)
{
    if (!qpdf_oh_is_dictionary(p->q, font))
        return &guess_1byte;
    int id = objid(p, font);
    for (size_t i = 0; i < p->nmetrics; i++)
        if (fm_matches(p->metrics[i], id, p->page, owner, name))
            return p->metrics[i];
    bool two_byte = is_name(p, key(p, font, "/Subtype"), "/Type0");
    const font_metrics *fallback = two_byte ? &guess_2byte : &guess_1byte;
    font_metrics **all = p->nmetrics < MAX_FONT_METRICS
                             ? grow(p->metrics, &p->capmetrics, p->nmetrics, sizeof *all)
                             : NULL;
    if (!all)
        return fallback;
    p->metrics = all;
    font_metrics *m = fm_build(p, font);
    if (!m)
        return fallback;
    m->id = id > 0 ? id : 0;
    if (id <= 0) {
        m->page = p->page;
        m->owner = owner;
        snprintf(m->name, sizeof m->name, "%s", name);
    }
    p->metrics[p->nmetrics++] = m;
    return m;
}

static void free_metrics(pf *p)
{
    for (size_t i = 0; i < p->nmetrics; i++) {
        free(p->metrics[i]->ranges);
        free(p->metrics[i]);
    }
    free(p->metrics);
}

/* ---- content streams ---- */

typedef enum { T_NUM, T_NAME, T_STR, T_OP, T_ARRAY, T_DICT, T_EOF } tok_kind;

typedef struct {
    tok_kind k;
    double num;
    char name[128];           /* names with '/', operators */
    size_t off, len;          /* strings: decoded bytes in the lexer's store; arrays: their
                               * elements in the lexer's element list */
    bool partial;             /* strings, arrays: some bytes or elements could not be kept */
} tok;

/* One element of an array operand (a TJ array: strings and adjustments). */
typedef struct {
    bool is_str;
    double num;
    size_t off, len;          /* strings: decoded bytes in the lexer's store */
} elem;

/* Caps what one operator's operands may hold, so that a hostile stream cannot make the
 * element list many times larger than the stream itself. */
#define MAX_OPERAND_ELEMS (1 << 20)

/* The lexer keeps the decoded bytes of string operands and the elements of array
 * operands until the next operator (interpret() empties both there): the text
 * operators measure those bytes glyph by glyph. */
typedef struct {
    const unsigned char *b;
    size_t n, i;
    unsigned char *sb;        /* decoded string bytes (owned) */
    size_t sn, scap;
    elem *el;                 /* array elements (owned) */
    size_t en, ecap;
    size_t lost;              /* stores that failed: out of memory or past the cap */
} lexer;

static void lexer_reset_operands(lexer *L) { L->sn = L->en = 0; }

/* The kept bytes of a string from off (NULL while none are kept: no arithmetic on it). */
static const unsigned char *operand_bytes(const lexer *L, size_t off)
{
    return L->sb ? L->sb + off : NULL;
}

static void lexer_free(lexer *L)
{
    free(L->sb);
    free(L->el);
    L->sb = NULL;
    L->el = NULL;
    L->sn = L->scap = L->en = L->ecap = 0;
}

static void keep_byte(lexer *L, int c)
{
    unsigned char *sb = grow(L->sb, &L->scap, L->sn, 1);
    if (!sb) {
        L->lost++;
        return;
    }
    L->sb = sb;
    L->sb[L->sn++] = (unsigned char)c;
}

static void keep_elem(lexer *L, const elem *e)
{
    elem *el = L->en < MAX_OPERAND_ELEMS ? grow(L->el, &L->ecap, L->en, sizeof *el) : NULL;
    if (!el) {
        L->lost++;
        return;
    }
    L->el = el;
    L->el[L->en++] = *e;
}

static bool is_ws(int c) { return c == 0 || c == 9 || c == 10 || c == 12 || c == 13 || c == 32; }
static bool is_delim(int c) { return c && strchr("()<>[]{}/%", c) != NULL; }

static void skip_ws(lexer *L)
{
    while (L->i < L->n) {
        int c = L->b[L->i];
        if (c == '%') {
            while (L->i < L->n && L->b[L->i] != '\n' && L->b[L->i] != '\r')
                L->i++;
        } else if (is_ws(c)) {
            L->i++;
        } else {
            break;
        }
    }
}

/* The byte a backslash escape stands for; e is the byte after the backslash (octal
 * escapes are read by the caller). */
static int unescape(int e)
{
    switch (e) {
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    case 'b': return '\b';
    case 'f': return '\f';
    default: return e; /* \( \) \\ and unknown escapes: the byte itself */
    }
}

/* A literal string from its '('; its decoded bytes are kept when keep is set (strings
 * inside skipped dictionaries are not). */
static void lex_literal(lexer *L, bool keep)
{
    int depth = 1;
    L->i++;
    while (L->i < L->n && depth > 0) {
        int c = L->b[L->i++];
        if (c == '\\' && L->i < L->n) {
            int e = L->b[L->i++];
            if (e >= '0' && e <= '7') {
                c = e - '0';
                for (int k = 0; k < 2 && L->i < L->n && L->b[L->i] >= '0' && L->b[L->i] <= '7'; k++)
                    c = c * 8 + (L->b[L->i++] - '0');
                c &= 0xFF; /* \777 overflows a byte: high bits ignored */
            } else if (e == '\r' || e == '\n') {
                if (e == '\r' && L->i < L->n && L->b[L->i] == '\n')
                    L->i++;
                continue; /* line continuation */
            } else {
                c = unescape(e);
            }
        } else if (c == '(') {
            depth++;
        } else if (c == ')') {
            if (--depth == 0)
                break;
        } else if (c == '\r') {
            /* An unescaped end of line is one '\n', whatever its form. */
            if (L->i < L->n && L->b[L->i] == '\n')
                L->i++;
            c = '\n';
        }
        if (keep)
            keep_byte(L, c);
    }
}

static int hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* A hex string from its '<'; an odd last digit is followed by 0. Other bytes are
 * skipped (white space is allowed, garbage is not worth a finding). */
static void lex_hex(lexer *L)
{
    int high = -1;
    L->i++;
    while (L->i < L->n && L->b[L->i] != '>') {
        int v = hex_value(L->b[L->i++]);
        if (v < 0)
            continue;
        if (high < 0) {
            high = v;
        } else {
            keep_byte(L, high << 4 | v);
            high = -1;
        }
    }
    if (high >= 0)
        keep_byte(L, high << 4);
    if (L->i < L->n)
        L->i++;
}

static void lex_regular(lexer *L, char *out, size_t outlen)
{
    size_t k = 0;
    while (L->i < L->n && !is_ws(L->b[L->i]) && !is_delim(L->b[L->i])) {
        if (k + 1 < outlen)
            out[k++] = (char)L->b[L->i];
        L->i++;
    }
    out[k] = 0;
}

/* A name with its '/', #xx escapes decoded. */
static void lex_name(lexer *L, char *out, size_t outlen)
{
    size_t k = 0;
    out[k++] = '/';
    L->i++;
    while (L->i < L->n && !is_ws(L->b[L->i]) && !is_delim(L->b[L->i])) {
        int c = L->b[L->i++];
        if (c == '#' && L->i + 1 < L->n && isxdigit(L->b[L->i]) && isxdigit(L->b[L->i + 1])) {
            char hx[3] = { (char)L->b[L->i], (char)L->b[L->i + 1], 0 };
            c = (int)strtol(hx, NULL, 16);
            L->i += 2;
        }
        if (k + 1 < outlen)
            out[k++] = (char)c;
    }
    out[k] = 0;
}

static bool parse_number(const char *s, double *v)
{
    if (!*s)
        return false;
    char *end;
    *v = strtod(s, &end);
    /* strtod also takes "inf", "nan", hex and exponents, which PDF does not have. */
    for (const char *c = s; *c; c++)
        if (!strchr("+-.0123456789", *c))
            return false;
    return *end == 0 && isfinite(*v);
}

/* A dictionary (marked-content properties), from its "<<": skipped whole. */
static void skip_dict(lexer *L)
{
    int depth = 0;
    while (L->i < L->n) {
        if (L->b[L->i] == '<' && L->i + 1 < L->n && L->b[L->i + 1] == '<') {
            depth++;
            L->i += 2;
        } else if (L->b[L->i] == '>' && L->i + 1 < L->n && L->b[L->i + 1] == '>') {
            L->i += 2;
            if (--depth == 0)
                break;
        } else if (L->b[L->i] == '(') {
            lex_literal(L, false);
        } else {
            L->i++;
        }
    }
}

static void next_token(lexer *L, tok *t);

/* An array from its '[': numbers and strings go to the element list in order (nested
 * arrays, invalid in TJ, are flattened into it). */
static void lex_array(lexer *L, tok *t)
{
    L->i++;
    t->k = T_ARRAY;
    t->off = L->en;
    for (int guard = 0; guard < 1 << 20; guard++) {
        tok e;
        skip_ws(L);
        if (L->i >= L->n)
            break;
        if (L->b[L->i] == ']') {
            L->i++;
            break;
        }
        next_token(L, &e);
        if (e.k == T_EOF)
            break;
        if (e.k == T_STR)
            keep_elem(L, &(elem){ .is_str = true, .off = e.off, .len = e.len });
        else if (e.k == T_NUM)
            keep_elem(L, &(elem){ .num = e.num });
    }
    t->len = L->en - t->off;
}

/* The next token; arrays and dictionaries come back whole, as one token. */
static void next_token(lexer *L, tok *t)
{
    memset(t, 0, sizeof *t);
    skip_ws(L);
    if (L->i >= L->n) {
        t->k = T_EOF;
        return;
    }
    size_t lost = L->lost;
    int c = L->b[L->i];
    if (c == '(' || (c == '<' && !(L->i + 1 < L->n && L->b[L->i + 1] == '<'))) {
        t->k = T_STR;
        t->off = L->sn;
        if (c == '(')
            lex_literal(L, true);
        else
            lex_hex(L);
        t->len = L->sn - t->off;
    } else if (c == '<') {
        skip_dict(L);
        t->k = T_DICT;
    } else if (c == '[') {
        lex_array(L, t);
    } else if (c == '/') {
        t->k = T_NAME;
        lex_name(L, t->name, sizeof t->name);
    } else if (c == ')' || c == '>' || c == ']' || c == '{' || c == '}') {
        L->i++; /* stray delimiter (or a PostScript brace): an operator that does nothing */
        t->k = T_OP;
    } else {
        lex_regular(L, t->name, sizeof t->name);
        t->k = parse_number(t->name, &t->num) ? T_NUM : T_OP;
    }
    t->partial = L->lost != lost;
}

typedef struct {
    double ctm[6];
    cs_kind fill_cs, stroke_cs;
    double fill[4], stroke[4];
    bool op, OP;
    int opm;
    double font_size, th, tc, tw, tl, rise;
    int tr;
    const font_metrics *font; /* NULL before Tf: the ½ em estimate */
} gstate;

typedef struct {
    pf *p;
    qpdf_oh res;
    int obj;                  /* object to name in findings (page or form) */
    gstate gs[MAX_GSTACK];
    int top;
    double tm[6], tlm[6];
    double sub[4];            /* current subpath's extent in page space */
    bool has_sub;
    bool path_inside;         /* some subpath of the current path reaches the bleed box */
    int depth;                /* form nesting */
    int *chain;               /* object ids of forms being interpreted (cycle guard) */
} interp;

static void mat_mul(const double a[6], const double b[6], double out[6])
{
    double r[6] = { a[0] * b[0] + a[1] * b[2],        a[0] * b[1] + a[1] * b[3],
                    a[2] * b[0] + a[3] * b[2],        a[2] * b[1] + a[3] * b[3],
                    a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5] };
    memcpy(out, r, sizeof r);
}

static void apply(const double m[6], double x, double y, double *ox, double *oy)
{
    *ox = m[0] * x + m[2] * y + m[4];
    *oy = m[1] * x + m[3] * y + m[5];
}

/* Ends the current subpath: does it reach into the bleed box? (Judged per subpath, so
 * that printer's marks around the page, drawn as one path, stay outside.) */
static void end_subpath(interp *I)
{
    if (!I->has_sub)
        return;
    double box[4];
    memcpy(box, I->sub, sizeof box);
    box[2] = fmax(box[2], box[0] + 0.01); /* lines have no area */
    box[3] = fmax(box[3], box[1] + 0.01);
    if (I->p->has_boxes && intersects(box, I->p->bleed))
        I->path_inside = true;
    I->has_sub = false;
}

static void path_add(interp *I, double x, double y, bool new_subpath)
{
    if (new_subpath)
        end_subpath(I);
    double px, py;
    apply(I->gs[I->top].ctm, x, y, &px, &py);
    if (!I->has_sub) {
        I->sub[0] = I->sub[2] = px;
        I->sub[1] = I->sub[3] = py;
        I->has_sub = true;
    } else {
        I->sub[0] = fmin(I->sub[0], px);
        I->sub[1] = fmin(I->sub[1], py);
        I->sub[2] = fmax(I->sub[2], px);
        I->sub[3] = fmax(I->sub[3], py);
    }
}

static double total_ink(const gstate *g, bool stroke)
{
    const double *v = stroke ? g->stroke : g->fill;
    return v[0] + v[1] + v[2] + v[3];
}

/* PR-05 total ink, for what is painted inside the bleed box (printer's marks outside
 * it are in registration colour on purpose). */
static void check_ink(interp *I, bool stroke)
{
    pf *p = I->p;
    gstate *g = &I->gs[I->top];
    if ((stroke ? g->stroke_cs : g->fill_cs) != CSK_CMYK)
        return;
    double ink = total_ink(g, stroke);
    if (ink > 3.0 + 1e-4)
        finding(p, false, 5, I->obj, "total ink %.0f %% above 300 %%", ink * 100);
}

static void paint(interp *I, bool fill, bool stroke)
{
    end_subpath(I);
    if (I->path_inside) {
        if (fill)
            check_ink(I, false);
        if (stroke)
            check_ink(I, true);
    }
    I->path_inside = false;
}

/* Where the glyphs of one text-showing operator go, along the baseline in unscaled
 * text space (Th applied, Tfs and Tc included): the pen's advance and the extent of the
 * glyphs themselves. */
typedef struct {
    double pen;
    double lo, hi;            /* glyph extent; valid when glyphs > 0 */
    size_t glyphs;
} text_run;

/* One glyph of advance w0 (per unit font size): its box spans its own width from the
 * pen; the pen then moves on by tx = (w0 Tfs + Tc + Tw) Th, Tw only for a space. */
static void run_glyph(text_run *r, const gstate *g, double w0, bool space)
{
    double a = r->pen, b = r->pen + w0 * g->font_size * g->th;
    r->lo = r->glyphs ? fmin(r->lo, fmin(a, b)) : fmin(a, b);
    r->hi = r->glyphs ? fmax(r->hi, fmax(a, b)) : fmax(a, b);
    r->glyphs++;
    r->pen += (w0 * g->font_size + g->tc + (space ? g->tw : 0)) * g->th;
}

/* A TJ number: thousandths of text space, subtracted; it moves only what follows, so
 * the extent stays where the glyphs went. */
static void run_adjust(text_run *r, const gstate *g, double adj)
{
    r->pen -= adj / 1000 * g->font_size * g->th;
}

/* One string's glyphs. For 2-byte fonts a last odd byte is no complete code and shows
 * nothing; word spacing applies to the single-byte code 32 only (so never with
 * Identity-H). */
static void run_string(text_run *r, const gstate *g, const unsigned char *s, size_t n)
{
    const font_metrics *m = g->font ? g->font : &guess_1byte;
    if (fm_two_byte(m)) {
        for (size_t i = 0; i + 1 < n; i += 2)
            run_glyph(r, g, fm_width(m, (unsigned)s[i] << 8 | s[i + 1]), false);
    } else {
        for (size_t i = 0; i < n; i++)
            run_glyph(r, g, fm_width(m, s[i]), s[i] == 32);
    }
}

/* PR-07: the run's box (glyph extent by the font's height estimate: 0.2 em below the
 * baseline to 0.8 em above, raised by Ts) against the trim. */
static void check_text_margin(interp *I, const text_run *r)
{
    pf *p = I->p;
    const gstate *g = &I->gs[I->top];
    double trm[6];
    mat_mul(I->tm, g->ctm, trm);
    double box[4] = { INFINITY, INFINITY, -INFINITY, -INFINITY };
    double xs[2] = { r->lo, r->hi }, ys[2] = { g->rise - 0.2 * g->font_size,
                                               g->rise + 0.8 * g->font_size };
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) {
            double x, y;
            apply(trm, xs[i], ys[j], &x, &y);
            box[0] = fmin(box[0], x), box[1] = fmin(box[1], y);
            box[2] = fmax(box[2], x), box[3] = fmax(box[3], y);
        }
    if (!p->has_boxes || !intersects(box, p->bleed))
        return;
    double d = fmin(fmin(box[0] - p->trim[0], p->trim[2] - box[2]),
                    fmin(box[1] - p->trim[1], p->trim[3] - box[3]));
    if (d < p->o->safe_mm * PT_PER_MM - 0.01) {
        p->text_near++;
        p->text_min_dist = fmin(p->text_min_dist, d);
    }
}

/* PR-05: black text K only, overprinting (OPM 1, or DeviceCMYK zeros knock out). */
static void check_text_colour(interp *I)
{
    pf *p = I->p;
    const gstate *g = &I->gs[I->top];
    const double *v = g->fill;
    if (g->fill_cs == CSK_CMYK) {
        bool konly = v[0] == 0 && v[1] == 0 && v[2] == 0 && v[3] > 0;
        if (konly && (!g->op || g->opm != 1))
            finding(p, false, 5, I->obj, "K-only text does not overprint (%s)",
                    g->op ? "overprint mode 0" : "overprint off");
        else if (!konly && v[3] >= 0.9 && v[0] + v[1] + v[2] > 0)
            finding(p, false, 5, I->obj, "black text in several inks (rich black %.0f %%)",
                    total_ink(g, false) * 100);
        if (total_ink(g, false) > 3.0 + 1e-4)
            finding(p, false, 5, I->obj, "total ink %.0f %% above 300 %%",
                    total_ink(g, false) * 100);
    } else if (g->fill_cs == CSK_GRAY && v[0] <= 0.1) {
        finding(p, false, 5, I->obj, "black text in DeviceGray: knocks out instead of "
                                     "overprinting K");
    } else if (g->fill_cs == CSK_RGB && v[0] <= 0.1 && v[1] <= 0.1 && v[2] <= 0.1) {
        finding(p, false, 5, I->obj, "black text in RGB, not K only");
    }
}

/* PR-05 and PR-07 for one measured text-showing operator; then the text matrix moves
 * on by the pen's advance. Invisible text (Tr 3, 7) is not checked. */
static void show_text(interp *I, const text_run *r)
{
    const gstate *g = &I->gs[I->top];
    if (g->tr != 3 && g->tr != 7 && r->glyphs > 0) {
        check_text_margin(I, r);
        check_text_colour(I);
    }
    double adv[6] = { 1, 0, 0, 1, r->pen, 0 };
    mat_mul(adv, I->tm, I->tm);
}

/* Tj, ' and ": one string operand. Operands the lexer could not keep whole (out of
 * memory) are not measured. */
static void show_string(interp *I, const lexer *L, const tok *t)
{
    if (t->k != T_STR || t->partial)
        return;
    text_run r = { 0 };
    run_string(&r, &I->gs[I->top], operand_bytes(L, t->off), t->len);
    show_text(I, &r);
}

/* TJ: strings and adjustments in order. */
static void show_array(interp *I, const lexer *L, const tok *t)
{
    if (t->k != T_ARRAY || t->partial)
        return;
    const gstate *g = &I->gs[I->top];
    text_run r = { 0 };
    for (size_t i = 0; i < t->len; i++) {
        const elem *e = &L->el[t->off + i];
        if (e->is_str)
            run_string(&r, g, operand_bytes(L, e->off), e->len);
        else
            run_adjust(&r, g, e->num);
    }
    show_text(I, &r);
}

static void set_color(interp *I, bool stroke, cs_kind k, const double *v, int n)
{
    gstate *g = &I->gs[I->top];
    double *dst = stroke ? g->stroke : g->fill;
    memset(dst, 0, 4 * sizeof *dst);
    for (int i = 0; i < n && i < 4; i++)
        dst[i] = v[i];
    if (stroke)
        g->stroke_cs = k;
    else
        g->fill_cs = k;
}

static void set_cs(interp *I, bool stroke, const tok *t)
{
    pf *p = I->p;
    qpdf_oh cs = qpdf_oh_new_name(p->q, t->name);
    const char *why;
    cs_kind k = classify_cs(p, resolve_cs(p, I->res, cs), &why, 0);
    if (why)
        finding(p, true, 4, I->obj, "%s colour space %s selected for %s", why, t->name,
                stroke ? "strokes" : "fills");
    /* Initial colour: black in every device space. */
    double init[4] = { 0, 0, 0, k == CSK_CMYK ? 1 : 0 };
    set_color(I, stroke, k, init, 4);
}

static void set_extgstate(interp *I, const char *name)
{
    pf *p = I->p;
    qpdf_oh gs = key(p, key(p, I->res, "/ExtGState"), name);
    if (!qpdf_oh_is_dictionary(p->q, gs))
        return;
    gstate *g = &I->gs[I->top];
    qpdf_oh OP = key(p, gs, "/OP"), op = key(p, gs, "/op");
    double opm;
    if (qpdf_oh_is_bool(p->q, OP)) {
        g->OP = qpdf_oh_get_bool_value(p->q, OP);
        g->op = g->OP; /* /OP also sets op when /op is absent */
    }
    if (qpdf_oh_is_bool(p->q, op))
        g->op = qpdf_oh_get_bool_value(p->q, op);
    if (num(p, key(p, gs, "/OPM"), &opm))
        g->opm = clamp_int(opm);
}

static void interpret(interp *I, const unsigned char *data, size_t len);

static void check_placed_image(interp *I, qpdf_oh img, double w_px, double h_px, bool mask)
{
    pf *p = I->p;
    const double *m = I->gs[I->top].ctm;
    double wpt = hypot(m[0], m[1]), hpt = hypot(m[2], m[3]);
    if (mask || wpt <= 0 || hpt <= 0 || w_px <= 0 || h_px <= 0)
        return;
    double ppi = fmin(w_px * 72 / wpt, h_px * 72 / hpt);
    if (ppi < p->o->min_ppi - 0.5)
        finding(p, false, 8, img ? objid(p, img) : I->obj,
                "image placed at %.0f ppi (%.0f needed)", ppi, p->o->min_ppi);
}

static void do_form(interp *I, qpdf_oh form)
{
    pf *p = I->p;
    int id = objid(p, form);
    if (I->depth >= MAX_FORM_DEPTH)
        return;
    for (int i = 0; i < I->depth; i++)
        if (I->chain[i] == id)
            return;
    unsigned char *data = NULL;
    size_t len = 0;
    if (qpdf_oh_get_stream_data(p->q, form, qpdf_dl_all, NULL, &data, &len) & QPDF_ERRORS) {
        qpdf_get_error(p->q);
        finding(p, true, 10, id, "form XObject cannot be decoded");
        free(data);
        return;
    }
    interp *sub = malloc(sizeof *sub);
    if (!sub) {
        free(data);
        return;
    }
    *sub = *I;
    sub->obj = id;
    sub->depth = I->depth + 1;
    sub->top = 0;
    sub->gs[0] = I->gs[I->top];
    sub->has_sub = sub->path_inside = false;
    qpdf_oh fres = key(p, form, "/Resources");
    if (qpdf_oh_is_dictionary(p->q, fres)) {
        sub->res = fres;
        scan_resources(p, fres);
    }
    double fm[6] = { 1, 0, 0, 1, 0, 0 };
    qpdf_oh mo = key(p, form, "/Matrix");
    if (qpdf_oh_is_array(p->q, mo) && qpdf_oh_get_array_n_items(p->q, mo) == 6)
        for (int i = 0; i < 6; i++)
            if (!num(p, qpdf_oh_get_array_item(p->q, mo, i), &fm[i]))
                fm[i] = i == 0 || i == 3;
    mat_mul(fm, sub->gs[0].ctm, sub->gs[0].ctm);
    I->chain[I->depth] = id;
    interpret(sub, data, len);
    free(sub);
    free(data);
}

static void do_xobject(interp *I, const char *name)
{
    pf *p = I->p;
    qpdf_oh xo = key(p, key(p, I->res, "/XObject"), name);
    if (!qpdf_oh_is_stream(p->q, xo))
        return;
    pname subn = name_of(p, key(p, xo, "/Subtype"));
    const char *sub = subn.s;
    if (!strcmp(sub, "/Image")) {
        double w = 0, h = 0;
        qpdf_oh im = key(p, xo, "/ImageMask");
        bool mask = qpdf_oh_is_bool(p->q, im) && qpdf_oh_get_bool_value(p->q, im);
        if (num(p, key(p, xo, "/Width"), &w) && num(p, key(p, xo, "/Height"), &h))
            check_placed_image(I, xo, w, h, mask);
    } else if (!strcmp(sub, "/Form")) {
        do_form(I, xo);
    }
}

/* BI … ID <data> EI: the dictionary is read for PR-04/PR-08, the data skipped. */
static void inline_image(interp *I, lexer *L)
{
    pf *p = I->p;
    double w = 0, h = 0;
    bool mask = false;
    char cs[128] = "";
    tok t, prev = { .k = T_EOF };
    for (;;) {
        next_token(L, &t);
        if (t.k == T_EOF)
            return;
        if (t.k == T_OP && !strcmp(t.name, "ID"))
            break;
        if (prev.k == T_NAME) {
            if ((!strcmp(prev.name, "/W") || !strcmp(prev.name, "/Width")) && t.k == T_NUM)
                w = t.num;
            else if ((!strcmp(prev.name, "/H") || !strcmp(prev.name, "/Height")) && t.k == T_NUM)
                h = t.num;
            else if ((!strcmp(prev.name, "/IM") || !strcmp(prev.name, "/ImageMask")) &&
                     t.k == T_OP && !strcmp(t.name, "true"))
                mask = true;
            else if ((!strcmp(prev.name, "/CS") || !strcmp(prev.name, "/ColorSpace")) &&
                     t.k == T_NAME)
                snprintf(cs, sizeof cs, "%s", t.name);
            else if ((!strcmp(prev.name, "/CS") || !strcmp(prev.name, "/ColorSpace")) &&
                     t.k == T_ARRAY)
                snprintf(cs, sizeof cs, "[array]");
            prev.k = T_EOF;
            continue;
        }
        prev = t;
    }
    if (cs[0] == '/') {
        const char *why;
        classify_cs(p, resolve_cs(p, I->res, qpdf_oh_new_name(p->q, cs)), &why, 0);
        if (why)
            finding(p, true, 4, I->obj, "%s in an inline image", why);
    }
    check_placed_image(I, 0, w, h, mask);
    /* Data: after one white-space byte, up to white space + "EI" + white space. */
    L->i++;
    while (L->i + 2 <= L->n) {
        if (is_ws(L->b[L->i]) && L->i + 2 < L->n && L->b[L->i + 1] == 'E' &&
            L->b[L->i + 2] == 'I' && (L->i + 3 == L->n || is_ws(L->b[L->i + 3]) ||
                                      is_delim(L->b[L->i + 3]))) {
            L->i += 3;
            return;
        }
        L->i++;
    }
    L->i = L->n;
}

/* Operand access: the last n operands must be numbers. */
static bool nums(const tok *ops, int nops, int n, double *out)
{
    if (nops < n)
        return false;
    for (int i = 0; i < n; i++) {
        if (ops[nops - n + i].k != T_NUM)
            return false;
        out[i] = ops[nops - n + i].num;
    }
    return true;
}

static void text_newline(interp *I, double tx, double ty)
{
    double t[6] = { 1, 0, 0, 1, tx, ty };
    mat_mul(t, I->tlm, I->tlm);
    memcpy(I->tm, I->tlm, sizeof I->tm);
}

static void set_font(interp *I, const char *name, double size)
{
    pf *p = I->p;
    gstate *g = &I->gs[I->top];
    g->font_size = size;
    qpdf_oh f = key(p, key(p, I->res, "/Font"), name);
    g->font = font_metrics_for(p, f, I->obj, name);
}

static void operator(interp *I, lexer *L, const char *op, tok *ops, int nops)
{
    pf *p = I->p;
    gstate *g = &I->gs[I->top];
    double v[6];
    if (!strcmp(op, "q")) {
        if (I->top + 1 < MAX_GSTACK) {
            I->gs[I->top + 1] = *g;
            I->top++;
        }
    } else if (!strcmp(op, "Q")) {
        if (I->top > 0)
            I->top--;
    } else if (!strcmp(op, "cm")) {
        if (nums(ops, nops, 6, v))
            mat_mul(v, g->ctm, g->ctm);
    } else if (!strcmp(op, "gs")) {
        if (nops >= 1 && ops[nops - 1].k == T_NAME)
            set_extgstate(I, ops[nops - 1].name);
    } else if (!strcmp(op, "g") || !strcmp(op, "G")) {
        if (nums(ops, nops, 1, v))
            set_color(I, op[0] == 'G', CSK_GRAY, v, 1);
    } else if (!strcmp(op, "k") || !strcmp(op, "K")) {
        if (nums(ops, nops, 4, v))
            set_color(I, op[0] == 'K', CSK_CMYK, v, 4);
    } else if (!strcmp(op, "rg") || !strcmp(op, "RG")) {
        bool stroke = op[0] == 'R';
        finding(p, true, 4, I->obj, "DeviceRGB %s colour (%s) in the content", stroke ? "stroke"
                                                                                       : "fill",
                op);
        if (nums(ops, nops, 3, v))
            set_color(I, stroke, CSK_RGB, v, 3);
    } else if (!strcmp(op, "cs") || !strcmp(op, "CS")) {
        if (nops >= 1 && ops[nops - 1].k == T_NAME)
            set_cs(I, op[0] == 'C', &ops[nops - 1]);
    } else if (!strcmp(op, "sc") || !strcmp(op, "scn") || !strcmp(op, "SC") ||
               !strcmp(op, "SCN")) {
        bool stroke = op[0] == 'S';
        cs_kind k = stroke ? g->stroke_cs : g->fill_cs;
        int n = k == CSK_CMYK ? 4 : k == CSK_RGB ? 3 : k == CSK_GRAY ? 1 : 0;
        if (n && nums(ops, nops, n, v))
            set_color(I, stroke, k, v, n);
    } else if (!strcmp(op, "BT")) {
        double id[6] = { 1, 0, 0, 1, 0, 0 };
        memcpy(I->tm, id, sizeof id);
        memcpy(I->tlm, id, sizeof id);
    } else if (!strcmp(op, "Tf")) {
        if (nops >= 2 && ops[nops - 2].k == T_NAME && ops[nops - 1].k == T_NUM)
            set_font(I, ops[nops - 2].name, ops[nops - 1].num);
    } else if (!strcmp(op, "Tm")) {
        if (nums(ops, nops, 6, v)) {
            memcpy(I->tm, v, sizeof I->tm);
            memcpy(I->tlm, v, sizeof I->tlm);
        }
    } else if (!strcmp(op, "Td")) {
        if (nums(ops, nops, 2, v))
            text_newline(I, v[0], v[1]);
    } else if (!strcmp(op, "TD")) {
        if (nums(ops, nops, 2, v)) {
            g->tl = -v[1];
            text_newline(I, v[0], v[1]);
        }
    } else if (!strcmp(op, "T*")) {
        text_newline(I, 0, -g->tl);
    } else if (!strcmp(op, "TL")) {
        if (nums(ops, nops, 1, v))
            g->tl = v[0];
    } else if (!strcmp(op, "Tc")) {
        if (nums(ops, nops, 1, v))
            g->tc = v[0];
    } else if (!strcmp(op, "Tw")) {
        if (nums(ops, nops, 1, v))
            g->tw = v[0];
    } else if (!strcmp(op, "Tz")) {
        if (nums(ops, nops, 1, v))
            g->th = v[0] / 100;
    } else if (!strcmp(op, "Ts")) {
        if (nums(ops, nops, 1, v))
            g->rise = v[0];
    } else if (!strcmp(op, "Tr")) {
        if (nums(ops, nops, 1, v))
            g->tr = clamp_int(v[0]);
    } else if (!strcmp(op, "Tj")) {
        if (nops >= 1)
            show_string(I, L, &ops[nops - 1]);
    } else if (!strcmp(op, "TJ")) {
        if (nops >= 1)
            show_array(I, L, &ops[nops - 1]);
    } else if (!strcmp(op, "'") || !strcmp(op, "\"")) {
        if (op[0] == '"' && nops >= 3 && nums(ops, nops - 1, 2, v)) {
            g->tw = v[0];
            g->tc = v[1];
        }
        text_newline(I, 0, -g->tl);
        if (nops >= 1)
            show_string(I, L, &ops[nops - 1]);
    } else if (!strcmp(op, "m") || !strcmp(op, "l")) {
        if (nums(ops, nops, 2, v))
            path_add(I, v[0], v[1], op[0] == 'm');
    } else if (!strcmp(op, "c")) {
        if (nums(ops, nops, 6, v))
            for (int i = 0; i < 3; i++)
                path_add(I, v[2 * i], v[2 * i + 1], false);
    } else if (!strcmp(op, "v") || !strcmp(op, "y")) {
        if (nums(ops, nops, 4, v))
            for (int i = 0; i < 2; i++)
                path_add(I, v[2 * i], v[2 * i + 1], false);
    } else if (!strcmp(op, "re")) {
        if (nums(ops, nops, 4, v)) {
            path_add(I, v[0], v[1], true);
            path_add(I, v[0] + v[2], v[1] + v[3], false);
            path_add(I, v[0], v[1] + v[3], false);
            path_add(I, v[0] + v[2], v[1], false);
        }
    } else if (!strcmp(op, "f") || !strcmp(op, "F") || !strcmp(op, "f*")) {
        paint(I, true, false);
    } else if (!strcmp(op, "S") || !strcmp(op, "s")) {
        paint(I, false, true);
    } else if (!strcmp(op, "B") || !strcmp(op, "B*") || !strcmp(op, "b") || !strcmp(op, "b*")) {
        paint(I, true, true);
    } else if (!strcmp(op, "n")) {
        I->has_sub = I->path_inside = false;
    } else if (!strcmp(op, "Do")) {
        if (nops >= 1 && ops[nops - 1].k == T_NAME)
            do_xobject(I, ops[nops - 1].name);
    } else if (!strcmp(op, "BI")) {
        inline_image(I, L);
    }
}

static void interpret(interp *I, const unsigned char *data, size_t len)
{
    lexer L = { .b = data, .n = len };
    tok ops[MAX_OPERANDS];
    int nops = 0;
    for (;;) {
        tok t;
        next_token(&L, &t);
        if (t.k == T_EOF)
            break;
        if (t.k != T_OP) {
            if (nops == MAX_OPERANDS) {
                memmove(ops, ops + 1, (MAX_OPERANDS - 1) * sizeof *ops);
                nops--;
            }
            ops[nops++] = t;
            continue;
        }
        operator(I, &L, t.name, ops, nops);
        nops = 0;
        lexer_reset_operands(&L);
    }
    lexer_free(&L);
}

/* ---- document checks ---- */

static const char *std_name(preflight_standard s)
{
    return s == PREFLIGHT_X4 ? "PDF/X-4" : "PDF/X-1a:2003";
}

/* pdfxid:GTS_PDFXVersion from XMP, as element or attribute; NULL if absent. */
static char *xmp_pdfx_version(xmlNode *n)
{
    static const char ns[] = "http://www.npes.org/pdfx/ns/id/";
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (n->ns && n->ns->href && !strcmp((const char *)n->ns->href, ns) &&
            !strcmp((const char *)n->name, "GTS_PDFXVersion")) {
            xmlChar *c = xmlNodeGetContent(n);
            char *r = c ? strdup((const char *)c) : NULL;
            xmlFree(c);
            return r;
        }
        for (xmlAttr *a = n->properties; a; a = a->next)
            if (a->ns && a->ns->href && !strcmp((const char *)a->ns->href, ns) &&
                !strcmp((const char *)a->name, "GTS_PDFXVersion")) {
                xmlChar *c = xmlNodeListGetString(n->doc, a->children, 1);
                char *r = c ? strdup((const char *)c) : NULL;
                xmlFree(c);
                return r;
            }
        char *r = xmp_pdfx_version(n->children);
        if (r)
            return r;
    }
    return NULL;
}

static char *read_xmp_version(pf *p, qpdf_oh root)
{
    qpdf_oh md = key(p, root, "/Metadata");
    if (!qpdf_oh_is_stream(p->q, md))
        return NULL;
    unsigned char *data = NULL;
    size_t len = 0;
    if (qpdf_oh_get_stream_data(p->q, md, qpdf_dl_all, NULL, &data, &len) & QPDF_ERRORS) {
        qpdf_get_error(p->q);
        free(data);
        return NULL;
    }
    char *v = NULL;
    if (len > 0 && len < INT32_MAX) {
        xmlDoc *doc = xmlReadMemory((const char *)data, (int)len, "xmp.xml", NULL,
                                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
        if (doc) {
            v = xmp_pdfx_version(xmlDocGetRootElement(doc));
            xmlFreeDoc(doc);
        }
    }
    free(data);
    return v;
}

/* PR-01, and which standard to check against. */
static void check_identification(pf *p, qpdf_oh trailer, qpdf_oh root)
{
    qpdf_oh info = key(p, trailer, "/Info");
    char ver[128] = "", conf[128] = "", buf[512];
    str_of(p, key(p, info, "/GTS_PDFXVersion"), ver, sizeof ver);
    str_of(p, key(p, info, "/GTS_PDFXConformance"), conf, sizeof conf);
    char *xmpv = read_xmp_version(p, root);
    const char *claim = ver[0] ? ver : xmpv ? xmpv : "";
    if (p->o->standard != PREFLIGHT_AUTO)
        p->std = p->o->standard;
    else
        p->std = !strncmp(claim, "PDF/X-4", 7) ? PREFLIGHT_X4 : PREFLIGHT_X1A;
    if (p->std == PREFLIGHT_X1A) {
        if (!ver[0])
            finding(p, true, 1, 0, "Info has no GTS_PDFXVersion (PDF/X-1:2003)");
        else if (strcmp(ver, "PDF/X-1:2003") != 0)
            finding(p, true, 1, 0, "GTS_PDFXVersion is \"%s\", not PDF/X-1:2003", ver);
        if (strcmp(conf, "PDF/X-1a:2003") != 0)
            finding(p, true, 1, 0, "GTS_PDFXConformance is %s%s%s, not PDF/X-1a:2003",
                    conf[0] ? "\"" : "", conf[0] ? conf : "missing", conf[0] ? "\"" : "");
    } else {
        if (!xmpv || strncmp(xmpv, "PDF/X-4", 7) != 0)
            finding(p, true, 1, 0, "XMP metadata has no pdfxid:GTS_PDFXVersion PDF/X-4");
        if (ver[0] && strncmp(ver, "PDF/X-4", 7) != 0)
            finding(p, true, 1, 0, "Info GTS_PDFXVersion \"%s\" contradicts PDF/X-4", ver);
    }
    free(xmpv);
    qpdf_oh trapped = key(p, info, "/Trapped");
    if (!is_name(p, trapped, "/True") && !is_name(p, trapped, "/False"))
        finding(p, true, 1, 0, "Info /Trapped is not set to True or False");
    if (!str_of(p, key(p, info, "/Title"), buf, sizeof buf) || !buf[0])
        finding(p, true, 1, 0, "Info has no Title");
    if (!qpdf_oh_is_string(p->q, key(p, info, "/CreationDate")))
        finding(p, true, 1, 0, "Info has no CreationDate");
    if (!qpdf_oh_is_string(p->q, key(p, info, "/ModDate")))
        finding(p, true, 1, 0, "Info has no ModDate");
    qpdf_oh id = key(p, trailer, "/ID");
    if (!qpdf_oh_is_array(p->q, id) || qpdf_oh_get_array_n_items(p->q, id) != 2 ||
        !qpdf_oh_is_string(p->q, qpdf_oh_get_array_item(p->q, id, 0)))
        finding(p, true, 1, 0, "trailer has no /ID");
}

/* PR-02 */
static void check_output_intent(pf *p, qpdf_oh root)
{
    qpdf_oh ois = key(p, root, "/OutputIntents");
    int n = qpdf_oh_is_array(p->q, ois) ? qpdf_oh_get_array_n_items(p->q, ois) : 0;
    qpdf_oh oi = 0;
    int count = 0;
    for (int i = 0; i < n; i++) {
        qpdf_oh e = qpdf_oh_get_array_item(p->q, ois, i);
        if (is_name(p, key(p, e, "/S"), "/GTS_PDFX")) {
            oi = e;
            count++;
        }
    }
    if (count == 0) {
        finding(p, true, 2, 0, "no OutputIntent with /S /GTS_PDFX");
        return;
    }
    int oid = objid(p, oi);
    if (count > 1)
        finding(p, true, 2, 0, "%d GTS_PDFX output intents (one allowed)", count);
    char cond[256] = "";
    if (!str_of(p, key(p, oi, "/OutputConditionIdentifier"), cond, sizeof cond) || !cond[0])
        finding(p, true, 2, oid, "output intent has no OutputConditionIdentifier");
    qpdf_oh prof = key(p, oi, "/DestOutputProfile");
    if (qpdf_oh_is_stream(p->q, prof)) {
        int pid = objid(p, prof);
        double nc = 0;
        if (!num(p, key(p, prof, "/N"), &nc) || nc != 4)
            finding(p, true, 2, pid, "output profile is not CMYK (/N %.0f)", nc);
        unsigned char *data = NULL;
        size_t len = 0;
        if (qpdf_oh_get_stream_data(p->q, prof, qpdf_dl_all, NULL, &data, &len) & QPDF_ERRORS) {
            qpdf_get_error(p->q);
            finding(p, true, 2, pid, "output profile cannot be decoded");
        } else if (len < 128 || memcmp(data + 16, "CMYK", 4) != 0 ||
                   memcmp(data + 12, "prtr", 4) != 0) {
            finding(p, true, 2, pid, "output profile is not a CMYK output (printer) ICC profile");
        }
        free(data);
    } else if (p->std == PREFLIGHT_X4) {
        finding(p, true, 2, oid, "PDF/X-4 needs an embedded output profile (DestOutputProfile)");
    } else if (!strcmp(cond, "Custom") || !cond[0]) {
        finding(p, true, 2, oid, "no output profile and no registered condition name");
    } else if (!qpdf_oh_is_string(p->q, key(p, oi, "/RegistryName"))) {
        finding(p, false, 2, oid, "registered condition %s without /RegistryName", cond);
    }
}

static bool is_js_action(pf *p, qpdf_oh a)
{
    return is_name(p, key(p, a, "/S"), "/JavaScript");
}

/* PR-10, document part */
static void check_forbidden(pf *p, qpdf_oh root)
{
    if (qpdf_is_encrypted(p->q))
        finding(p, true, 10, 0, "the file is encrypted");
    if (!qpdf_oh_is_null(p->q, key(p, root, "/AcroForm")))
        finding(p, true, 10, 0, "the file has an interactive form (/AcroForm)");
    if (!qpdf_oh_is_null(p->q, key(p, key(p, root, "/Names"), "/JavaScript")))
        finding(p, true, 10, 0, "the file has document JavaScript");
    if (is_js_action(p, key(p, root, "/OpenAction")))
        finding(p, true, 10, 0, "the file runs JavaScript when opened");
    if (!qpdf_oh_is_null(p->q, key(p, root, "/AA")))
        finding(p, true, 10, 0, "the file has document actions (/AA)");
}

/* PR-11 */
static void check_version(pf *p)
{
    const char *vs = qpdf_get_pdf_version(p->q);
    char v[32];
    snprintf(v, sizeof v, "%s", vs ? vs : "");
    int major = 0, minor = 0;
    if (sscanf(v, "%d.%d", &major, &minor) != 2) {
        finding(p, true, 11, 0, "no PDF version in the header");
        return;
    }
    int ver = major * 10 + minor;
    if (p->std == PREFLIGHT_X1A && (ver < 13 || ver > 14))
        finding(p, true, 11, 0, "PDF %s; PDF/X-1a:2003 allows 1.3 and 1.4", v);
    if (p->std == PREFLIGHT_X4 && ver > 16)
        finding(p, true, 11, 0, "PDF %s; PDF/X-4 allows up to 1.6", v);
    if (p->std == PREFLIGHT_X4 && qpdf_get_pdf_extension_level(p->q) > 0)
        finding(p, true, 11, 0, "PDF %s with extension level %d; PDF/X-4 allows none", v,
                qpdf_get_pdf_extension_level(p->q));
}

/* ---- page checks ---- */

/* PR-06 */
static void check_boxes(pf *p, qpdf_oh page)
{
    double media[4], crop[4], bleed[4], trim[4];
    p->has_boxes = false;
    if (!rect_of(p, inherited(p, page, "/MediaBox"), media)) {
        finding(p, true, 6, p->page_obj, "no valid MediaBox");
        return;
    }
    if (!rect_of(p, inherited(p, page, "/CropBox"), crop))
        memcpy(crop, media, sizeof crop);
    bool has_bleed = rect_of(p, qpdf_oh_get_key(p->q, page, "/BleedBox"), bleed);
    if (!has_bleed)
        memcpy(bleed, crop, sizeof bleed);
    if (!rect_of(p, qpdf_oh_get_key(p->q, page, "/TrimBox"), trim)) {
        finding(p, true, 6, p->page_obj, "no TrimBox");
        return;
    }
    if (!contains(media, bleed))
        finding(p, true, 6, p->page_obj, "BleedBox extends outside the MediaBox");
    if (!contains(bleed, trim))
        finding(p, true, 6, p->page_obj, "TrimBox extends outside the BleedBox");
    double need = p->o->bleed_mm * PT_PER_MM - 0.01;
    double least = fmin(fmin(trim[0] - bleed[0], bleed[2] - trim[2]),
                        fmin(trim[1] - bleed[1], bleed[3] - trim[3]));
    if (least < need)
        finding(p, false, 6, p->page_obj, "bleed is %.1f mm on some side (%.0f mm needed where "
                                          "anything touches the trim)",
                fmax(least, 0) / PT_PER_MM, p->o->bleed_mm);
    memcpy(p->trim, trim, sizeof trim);
    memcpy(p->bleed, bleed, sizeof bleed);
    p->has_boxes = true;
}

static void check_annotations(pf *p, qpdf_oh page)
{
    qpdf_oh annots = qpdf_oh_get_key(p->q, page, "/Annots");
    int n = qpdf_oh_is_array(p->q, annots) ? qpdf_oh_get_array_n_items(p->q, annots) : 0;
    for (int i = 0; i < n && i < 10000; i++) {
        qpdf_oh a = qpdf_oh_get_array_item(p->q, annots, i);
        if (!qpdf_oh_is_dictionary(p->q, a))
            continue;
        int id = objid(p, a);
        pname subn = name_of(p, key(p, a, "/Subtype"));
        const char *sub = subn.s;
        if (is_js_action(p, key(p, a, "/A")))
            finding(p, true, 10, id, "annotation runs JavaScript");
        if (!qpdf_oh_is_null(p->q, key(p, a, "/AA")))
            finding(p, true, 10, id, "annotation with actions (/AA)");
        if (!strcmp(sub, "/Widget"))
            finding(p, true, 10, id, "form field");
        double flags = 0, r[4];
        num(p, key(p, a, "/F"), &flags);
        bool prints = flags >= 0 && flags <= UINT32_MAX && ((uint32_t)flags & 4) != 0;
        if (prints && strcmp(sub, "/PrinterMark") && strcmp(sub, "/TrapNet") && p->has_boxes &&
            rect_of(p, key(p, a, "/Rect"), r) && intersects(r, p->bleed))
            finding(p, true, 10, id, "printing %s annotation inside the bleed box", sub + 1);
    }
}

static void check_page(pf *p, int index)
{
    qpdf_oh page = qpdf_get_page_n(p->q, (size_t)index);
    p->page = index + 1;
    p->page_obj = objid(p, page);
    p->text_min_dist = INFINITY;
    p->text_near = 0;
    if (!qpdf_oh_is_dictionary(p->q, page)) {
        finding(p, true, 10, 0, "page object is damaged");
        return;
    }
    check_boxes(p, page);
    check_group(p, page, "the page");
    check_annotations(p, page);
    qpdf_oh res = inherited(p, page, "/Resources");
    scan_resources(p, res);
    unsigned char *data = NULL;
    size_t len = 0;
    if (qpdf_oh_get_page_content_data(p->q, page, &data, &len) & QPDF_ERRORS) {
        qpdf_get_error(p->q);
        finding(p, true, 10, p->page_obj, "page content cannot be decoded");
        free(data);
        return;
    }
    interp *I = calloc(1, sizeof *I);
    int chain[MAX_FORM_DEPTH] = { 0 };
    if (I) {
        I->p = p;
        I->res = res;
        I->obj = p->page_obj;
        I->chain = chain;
        gstate *g = &I->gs[0];
        double id[6] = { 1, 0, 0, 1, 0, 0 };
        memcpy(g->ctm, id, sizeof id);
        g->fill_cs = g->stroke_cs = CSK_GRAY;
        g->th = 1;
        interpret(I, data, len);
        free(I);
    }
    free(data);
    if (p->text_near > 0)
        finding(p, false, 7, p->page_obj, "text %.1f mm from the trim edge (%.0f mm needed), "
                                          "%d text run%s",
                p->text_min_dist / PT_PER_MM, p->o->safe_mm, p->text_near,
                p->text_near == 1 ? "" : "s");
}

/* qpdf's warnings (a damaged file it could repair, streams it could not decode) are
 * one PR-10 failure: the shop's qpdf --check would fail too. */
static void report_damage(pf *p)
{
    int n = 0;
    char first[300] = "";
    while (qpdf_more_warnings(p->q)) {
        qpdf_error e = qpdf_next_warning(p->q);
        if (!first[0]) {
            const char *t = qpdf_get_error_message_detail(p->q, e);
            snprintf(first, sizeof first, "%s", t ? t : "");
        }
        n++;
    }
    if (n > 0) {
        p->page = 0;
        finding(p, true, 10, 0, "the file is damaged: %s (%d problem%s found by qpdf)", first, n,
                n == 1 ? "" : "s");
    }
}

int preflight_run(const char *pdf_path, FILE *out, const preflight_options *o)
{
    preflight_options def;
    if (!o) {
        preflight_options_default(&def);
        o = &def;
    }
    pf p = { 0 };
    p.out = out;
    p.path = pdf_path;
    p.o = o;
    p.q = qpdf_init();
    if (!p.q) {
        fprintf(out, "%s: error: out of memory\n", pdf_path);
        return 2;
    }
    qpdf_silence_errors(p.q);
    qpdf_set_suppress_warnings(p.q, QPDF_TRUE);
    if (qpdf_read(p.q, pdf_path, "") & QPDF_ERRORS) {
        qpdf_error e = qpdf_get_error(p.q);
        const char *d = e ? qpdf_get_error_message_detail(p.q, e) : NULL;
        fprintf(out, "%s: error: cannot be read as PDF: %s\n", pdf_path,
                d && *d ? d : "unknown error");
        qpdf_cleanup(&p.q);
        return 2;
    }
    qpdf_oh trailer = qpdf_get_trailer(p.q), root = qpdf_get_root(p.q);
    if (qpdf_has_error(p.q) || !qpdf_oh_is_dictionary(p.q, root)) {
        qpdf_error e = qpdf_has_error(p.q) ? qpdf_get_error(p.q) : NULL;
        const char *d = e ? qpdf_get_error_message_detail(p.q, e) : NULL;
        fprintf(out, "%s: error: cannot be read as PDF: %s\n", pdf_path,
                d && *d ? d : "no document catalog");
        qpdf_cleanup(&p.q);
        return 2;
    }
    check_identification(&p, trailer, root);
    check_output_intent(&p, root);
    check_forbidden(&p, root);
    check_version(&p);
    qpdf_oh_release_all(p.q);
    int npages = qpdf_get_num_pages(p.q);
    if (npages < 0) {
        qpdf_get_error(p.q);
        finding(&p, true, 10, 0, "the page tree is damaged");
        npages = 0;
    } else if (npages == 0) {
        finding(&p, true, 6, 0, "the document has no pages");
    }
    for (int i = 0; i < npages; i++) {
        check_page(&p, i);
        qpdf_oh_release_all(p.q);
    }
    if (qpdf_has_error(p.q))
        qpdf_get_error(p.q);
    report_damage(&p);
    /* Always plural: scripts parse this line. */
    fprintf(out, "preflight: %d failures, %d warnings (%s)\n", p.failures, p.warnings,
            std_name(p.std));
    qpdf_cleanup(&p.q);
    free(p.seen);
    free(p.fonts);
    free_metrics(&p);
    return p.failures ? 1 : 0;
}
