/* pf_resources — what a page or form XObject declares in its resources: fonts,
 * images, graphics states, colour spaces, shadings and patterns. */
#include "layout/preflight/pf_int.h"

#include <string.h>
/* ---- resources: fonts, images, ExtGStates, shadings (PR-03, PR-04, PR-09) ---- */

static void check_image_dict(pf *p, qpdf_oh img, qpdf_oh res)
{
    int id = pf_objid(p, img);
    QPDF_BOOL is_mask = QPDF_FALSE;
    qpdf_oh im = pf_key(p, img, "/ImageMask");
    if (qpdf_oh_is_bool(p->q, im))
        is_mask = qpdf_oh_get_bool_value(p->q, im);
    if (!is_mask) {
        qpdf_oh cs = pf_key(p, img, "/ColorSpace");
        if (qpdf_oh_is_null(p->q, cs)) {
            /* JPEG 2000 carries its own space; PDF/X-1a does not allow JPXDecode anyway. */
            pf_finding(p, true, 4, id, "image without /ColorSpace");
        } else {
            pf_check_cs(p, pf_resolve_cs(p, res, cs), id, "an image");
        }
    }
    if (!qpdf_oh_is_null(p->q, pf_key(p, img, "/SMask")))
        pf_transparency(p, id, "image with a soft mask (/SMask)");
    double smid = 0;
    if (pf_num(p, pf_key(p, img, "/SMaskInData"), &smid) && smid != 0)
        pf_transparency(p, id, "image with /SMaskInData");
}

static void check_extgstate(pf *p, qpdf_oh gs)
{
    int id = pf_objid(p, gs);
    qpdf_oh sm = pf_key(p, gs, "/SMask");
    if (!qpdf_oh_is_null(p->q, sm) && !pf_is_name(p, sm, "/None"))
        pf_transparency(p, id, "soft mask in a graphics state");
    double a;
    if (pf_num(p, pf_key(p, gs, "/CA"), &a) && a < 1)
        pf_transparency(p, id, "stroke opacity /CA below 1");
    if (pf_num(p, pf_key(p, gs, "/ca"), &a) && a < 1)
        pf_transparency(p, id, "fill opacity /ca below 1");
    qpdf_oh bm = pf_key(p, gs, "/BM");
    if (qpdf_oh_is_array(p->q, bm) && qpdf_oh_get_array_n_items(p->q, bm) > 0)
        bm = qpdf_oh_get_array_item(p->q, bm, 0);
    if (qpdf_oh_is_name(p->q, bm) && !pf_is_name(p, bm, "/Normal") && !pf_is_name(p, bm, "/Compatible"))
        pf_transparency(p, id, "blend mode other than Normal");
}

void pf_check_group(pf *p, qpdf_oh owner, const char *what)
{
    qpdf_oh g = pf_key(p, owner, "/Group");
    if (pf_is_name(p, pf_key(p, g, "/S"), "/Transparency")) {
        char msg[96];
        snprintf(msg, sizeof msg, "transparency group on %s", what);
        pf_transparency(p, pf_objid(p, owner), msg);
    }
}

/* Every entry of a resource category, by value. */
typedef void (*entry_fn)(pf *p, qpdf_oh value, qpdf_oh res);

static void each_entry(pf *p, qpdf_oh res, const char *category, entry_fn fn)
{
    qpdf_oh d = pf_key(p, res, category);
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

static void res_font(pf *p, qpdf_oh v, qpdf_oh res) { (void)res, pf_check_font(p, v); }
static void res_gs(pf *p, qpdf_oh v, qpdf_oh res) { (void)res, check_extgstate(p, v); }

static void res_cs(pf *p, qpdf_oh v, qpdf_oh res)
{
    (void)res;
    int id = pf_objid(p, v);
    pf_check_cs(p, v, id, "the page's colour spaces");
}

static void res_shading(pf *p, qpdf_oh v, qpdf_oh res)
{
    pf_check_cs(p, pf_resolve_cs(p, res, pf_key(p, v, "/ColorSpace")), pf_objid(p, v), "a shading");
}

static void res_pattern(pf *p, qpdf_oh v, qpdf_oh res)
{
    qpdf_oh sh = pf_key(p, v, "/Shading");
    if (!qpdf_oh_is_null(p->q, sh))
        res_shading(p, sh, res);
}

static void res_xobject(pf *p, qpdf_oh v, qpdf_oh res)
{
    pname subn = pf_name_of(p, pf_key(p, v, "/Subtype"));
    const char *sub = subn.s;
    if (!strcmp(sub, "/Image"))
        check_image_dict(p, v, res);
    else if (!strcmp(sub, "/Form"))
        pf_check_group(p, v, "a form XObject");
}

void pf_scan_resources(pf *p, qpdf_oh res)
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

