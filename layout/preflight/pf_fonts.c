/* pf_fonts — fonts embedded, subset and mapped to Unicode (PR-03), and their widths
 * for measuring text (PR-07). */
#include "layout/preflight/pf_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "layout/base/vec.h"

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

/* A name under key k of dict, copied (the handle let go). */
static pname name_at(pf *p, qpdf_oh dict, const char *k)
{
    qpdf_oh v = pf_key(p, dict, k);
    pname n = pf_name_of(p, v);
    qpdf_oh_release(p->q, v);
    return n;
}

static bool stream_at(pf *p, qpdf_oh dict, const char *k)
{
    qpdf_oh v = pf_key(p, dict, k);
    bool s = qpdf_oh_is_stream(p->q, v);
    qpdf_oh_release(p->q, v);
    return s;
}

/* The font program: in the descriptor of the font (Type 0: of its descendant). */
static bool embedded(pf *p, qpdf_oh desc_font)
{
    qpdf_oh fd = pf_key(p, desc_font, "/FontDescriptor");
    bool e = stream_at(p, fd, "/FontFile") || stream_at(p, fd, "/FontFile2") ||
             stream_at(p, fd, "/FontFile3");
    qpdf_oh_release(p->q, fd);
    return e;
}

void pf_check_font(pf *p, qpdf_oh font)
{
    int id = pf_objid(p, font);
    if (!qpdf_oh_is_dictionary(p->q, font) || (id > 0 && !pf_idset_add(&p->fonts_checked, (uint64_t)id)))
        return;
    pname subn = name_at(p, font, "/Subtype"), basen = name_at(p, font, "/BaseFont");
    const char *sub = subn.s, *base = basen.s;
    const char *shown = base[0] ? base + 1 : "(unnamed)";
    if (!strcmp(sub, "/Type3")) {
        pf_find(p, PFK_FONT_TYPE3, id, "Type 3 font %s", shown);
        return;
    }
    bool ok;
    if (!strcmp(sub, "/Type0")) {
        qpdf_oh df = pf_key(p, font, "/DescendantFonts");
        qpdf_oh d = qpdf_oh_is_array(p->q, df) && qpdf_oh_get_array_n_items(p->q, df) >= 1
                        ? qpdf_oh_get_array_item(p->q, df, 0)
                        : qpdf_oh_new_null(p->q);
        bool has = qpdf_oh_is_dictionary(p->q, d);
        ok = has && embedded(p, d);
        qpdf_oh_release(p->q, d);
        qpdf_oh_release(p->q, df);
        if (!has) {
            pf_find(p, PFK_FONT_BROKEN, id, "Type 0 font %s has no descendant font", shown);
            return;
        }
    } else {
        ok = embedded(p, font);
    }
    if (!ok)
        pf_find(p, PFK_FONT_NOT_EMBEDDED, id, "font %s is not embedded", shown);
    else if (!subset_tagged(base))
        pf_find(p, PFK_FONT_NOT_SUBSET, id, "font %s is not a subset (no subset tag)", shown);
    if (!stream_at(p, font, "/ToUnicode"))
        pf_find(p, PFK_FONT_NO_TOUNICODE, id, "font %s has no ToUnicode map", shown);
}

/* ---- font metrics (PR-07) ----
 *
 * Glyph advances for measuring text, per unit of font size in text space, parsed once
 * per font object and kept for the whole run. */

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

struct font_metrics {
    fm_kind kind;
    /* the key: an indirect font's object id, or (page, owner, resource name) for a
     * direct font dictionary, which has no id */
    int id, page, owner;
    char name[128];
    double simple[256];       /* FM_SIMPLE: advance of every code */
    double dw;                /* FM_CID: advance of CIDs not in ranges */
    cid_range *ranges;        /* FM_CID: sorted, not overlapping (owned) */
    size_t nranges;
};

static const font_metrics guess_1byte = { .kind = FM_GUESS_1BYTE };
static const font_metrics guess_2byte = { .kind = FM_GUESS_2BYTE };

const font_metrics *pf_fm_guess(void) { return &guess_1byte; }

bool pf_fm_two_byte(const font_metrics *m)
{
    return m->kind == FM_CID || m->kind == FM_GUESS_2BYTE;
}

double pf_fm_width(const font_metrics *m, unsigned code)
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

static bool add_range(font_metrics *m, size_t *cap, uint32_t lo, uint32_t hi, double w)
{
    if (!VEC_PUSH_ROOM(m->ranges, *cap, m->nranges))
        return false;
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

/* A number from an array (the item's handle let go). */
static bool num_item(pf *p, qpdf_oh a, int i, double *v)
{
    qpdf_oh o = qpdf_oh_get_array_item(p->q, a, i);
    bool ok = pf_num(p, o, v);
    qpdf_oh_release(p->q, o);
    return ok;
}

/* A whole CID (0…0xFFFF for Identity-H, which has 2-byte codes); larger ones are
 * clamped when clamp is set, refused otherwise. */
static bool cid_item(pf *p, qpdf_oh a, int i, bool clamp, uint32_t *cid)
{
    double v;
    if (!num_item(p, a, i, &v) || v != floor(v) || v < 0 || (v > 0xFFFF && !clamp))
        return false;
    *cid = v > 0xFFFF ? 0xFFFF : (uint32_t)v;
    return true;
}

/* /W: "c [w1 w2 …]" gives CIDs c, c+1, … their widths; "c_first c_last w" one width to a
 * range. Reading stops at the first entry of neither form (what follows cannot be
 * trusted) and after PF_MAX_W_ITEMS numbers (with a warning); CIDs left out take /DW.
 * Returns false when it stopped at the limit. */
static bool parse_w(pf *p, qpdf_oh w, font_metrics *m)
{
    size_t cap = 0, items = 0;
    int n = qpdf_oh_is_array(p->q, w) ? qpdf_oh_get_array_n_items(p->q, w) : 0;
    for (int i = 0; i + 1 < n;) {
        uint32_t c, last;
        double width;
        if (!cid_item(p, w, i, false, &c))
            break;
        qpdf_oh next = qpdf_oh_get_array_item(p->q, w, i + 1);
        bool list = qpdf_oh_is_array(p->q, next);
        int k = list ? qpdf_oh_get_array_n_items(p->q, next) : 0;
        if (list) {
            for (int j = 0; j < k && c + (uint32_t)j <= 0xFFFF; j++) {
                if (++items > PF_MAX_W_ITEMS) {
                    qpdf_oh_release(p->q, next);
                    return false;
                }
                if (num_item(p, next, j, &width) &&
                    !add_range(m, &cap, c + (uint32_t)j, c + (uint32_t)j, width))
                    break;
            }
            i += 2;
        }
        qpdf_oh_release(p->q, next);
        if (list)
            continue;
        if ((items += 3) > PF_MAX_W_ITEMS)
            return false;
        if (i + 2 < n && cid_item(p, w, i + 1, true, &last) && num_item(p, w, i + 2, &width)) {
            if (last >= c && !add_range(m, &cap, c, last, width))
                break;
            i += 3;
        } else {
            break;
        }
    }
    return true;
}

/* Type 0: widths only for the Identity-H CMap, where a code is a 2-byte CID. Other
 * CMaps (predefined or embedded) map codes of 1 to 4 bytes to CIDs through tables we do
 * not parse, and vertical ones advance downwards: those keep the 1 em estimate. */
static void fm_type0(pf *p, qpdf_oh font, font_metrics *m)
{
    m->kind = FM_GUESS_2BYTE;
    qpdf_oh enc = pf_key(p, font, "/Encoding"), df = pf_key(p, font, "/DescendantFonts");
    bool identity = pf_is_name(p, enc, "/Identity-H");
    qpdf_oh cid = identity && qpdf_oh_is_array(p->q, df) && qpdf_oh_get_array_n_items(p->q, df) >= 1
                      ? qpdf_oh_get_array_item(p->q, df, 0)
                      : qpdf_oh_new_null(p->q);
    if (qpdf_oh_is_dictionary(p->q, cid)) {
        m->kind = FM_CID;
        double dw;
        qpdf_oh dwo = pf_key(p, cid, "/DW"), w = pf_key(p, cid, "/W");
        m->dw = pf_num(p, dwo, &dw) ? dw / 1000 : 1.0;
        if (!parse_w(p, w, m)) {
            pname base = pf_name_of(p, pf_key(p, font, "/BaseFont"));
            pf_find(p, PFK_WIDTHS_ESTIMATED, pf_objid(p, font),
                    "font %s has more than %d widths: the rest are estimated",
                    base.s[0] ? base.s + 1 : "(unnamed)", PF_MAX_W_ITEMS);
        }
        normalise_ranges(m);
        qpdf_oh_release(p->q, dwo);
        qpdf_oh_release(p->q, w);
    }
    qpdf_oh_release(p->q, cid);
    qpdf_oh_release(p->q, enc);
    qpdf_oh_release(p->q, df);
}

/* Type 1, TrueType, Type 3: /Widths from /FirstChar, /MissingWidth elsewhere. Without
 * /Widths (the standard 14 fonts may omit it) the ½ em estimate stays. Type 3 widths
 * are in glyph space, scaled to text space by the /FontMatrix. */
static void fm_simple(pf *p, qpdf_oh font, font_metrics *m)
{
    qpdf_oh widths = pf_key(p, font, "/Widths");
    double first, missing = 0, scale = 0.001, v;
    if (!qpdf_oh_is_array(p->q, widths) || !pf_num(p, pf_key(p, font, "/FirstChar"), &first) ||
        first != floor(first) || first < 0 || first > 255)
        return;
    if (pf_is_name(p, pf_key(p, font, "/Subtype"), "/Type3")) {
        qpdf_oh fm = pf_key(p, font, "/FontMatrix");
        if (qpdf_oh_is_array(p->q, fm) && qpdf_oh_get_array_n_items(p->q, fm) == 6 &&
            pf_num(p, qpdf_oh_get_array_item(p->q, fm, 0), &v))
            scale = v;
    }
    pf_num(p, pf_key(p, pf_key(p, font, "/FontDescriptor"), "/MissingWidth"), &missing);
    m->kind = FM_SIMPLE;
    for (int c = 0; c < 256; c++)
        m->simple[c] = missing * scale;
    int n = qpdf_oh_get_array_n_items(p->q, widths);
    for (int i = 0; i < n && (int)first + i < 256; i++)
        if (pf_num(p, qpdf_oh_get_array_item(p->q, widths, i), &v))
            m->simple[(int)first + i] = v * scale;
}

/* The metrics of a font dictionary (NULL when out of memory; the caller owns them). */
static font_metrics *fm_build(pf *p, qpdf_oh font)
{
    font_metrics *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->kind = FM_GUESS_1BYTE;
    if (pf_is_name(p, pf_key(p, font, "/Subtype"), "/Type0"))
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

const font_metrics *pf_font_metrics_for(pf *p, qpdf_oh font, int owner, const char *name)
{
    if (!qpdf_oh_is_dictionary(p->q, font))
        return &guess_1byte;
    int id = pf_objid(p, font);
    for (size_t i = 0; i < p->nmetrics; i++)
        if (fm_matches(p->metrics[i], id, p->page, owner, name))
            return p->metrics[i];
    bool two_byte = pf_is_name(p, pf_key(p, font, "/Subtype"), "/Type0");
    const font_metrics *fallback = two_byte ? &guess_2byte : &guess_1byte;
    if (p->nmetrics >= PF_MAX_FONT_METRICS) {
        pf_find(p, PFK_WIDTHS_ESTIMATED, 0,
                "more than %d fonts: text in the others is measured by estimate",
                PF_MAX_FONT_METRICS);
        return fallback;
    }
    if (!VEC_PUSH_ROOM(p->metrics, p->capmetrics, p->nmetrics))
        return fallback;
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

void pf_free_metrics(pf *p)
{
    for (size_t i = 0; i < p->nmetrics; i++) {
        free(p->metrics[i]->ranges);
        free(p->metrics[i]);
    }
    free(p->metrics);
}

