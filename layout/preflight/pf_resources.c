/* pf_resources — what a page or form XObject declares in its resources: fonts
 * (PR-03), colour spaces of images, shadings and the resources themselves (PR-04),
 * transparency (PR-09), and what PDF/X forbids in graphics states and XObjects:
 * halftones, transfer functions, OPI, PostScript (PR-10). Each entry counts against the
 * objects budget. */
#include "layout/preflight/pf_int.h"

#include <string.h>

/* Halftones inside a type 5 halftone (one per colorant) are followed this deep. */
#define HALFTONE_DEPTH 1

static bool has_key(pf *p, qpdf_oh dict, const char *k)
{
    qpdf_oh v = pf_key(p, dict, k);
    bool has = !qpdf_oh_is_null(p->q, v);
    qpdf_oh_release(p->q, v);
    return has;
}

static void check_image_dict(pf *p, qpdf_oh img, qpdf_oh res)
{
    int id = pf_objid(p, img);
    qpdf_oh im = pf_key(p, img, "/ImageMask");
    bool mask = qpdf_oh_is_bool(p->q, im) && qpdf_oh_get_bool_value(p->q, im);
    if (!mask) {
        qpdf_oh cs = pf_key(p, img, "/ColorSpace");
        qpdf_oh filter = pf_key(p, img, "/Filter");
        if (!qpdf_oh_is_null(p->q, cs))
            pf_check_cs(p, pf_resolve_cs(p, res, cs), id, "an image");
        else if (!pf_is_name(p, filter, "/JPXDecode"))
            pf_find(p, PFK_CS_UNKNOWN, id, "an image without a colour space");
    }
    if (has_key(p, img, "/SMask"))
        pf_find(p, PFK_TRANSPARENCY, id, "image with a soft mask (/SMask)");
    double smid = 0;
    if (pf_num(p, pf_key(p, img, "/SMaskInData"), &smid) && smid != 0)
        pf_find(p, PFK_TRANSPARENCY, id, "image with /SMaskInData");
    if (has_key(p, img, "/OPI"))
        pf_find(p, PFK_OPI, id, "image with an OPI link");
}

/* ISO 15930: a halftone is the name /Default or of type 1 or 5, without a
 * HalftoneName; a type 5 holds one halftone per colorant. */
static void check_halftone(pf *p, qpdf_oh ht, int id, int depth)
{
    if (pf_is_name(p, ht, "/Default"))
        return;
    double type = -1;
    qpdf_oh t = pf_key(p, ht, "/HalftoneType");
    if (!pf_num(p, t, &type) || (type != 1 && type != 5)) {
        if (type >= 0)
            pf_find(p, PFK_HALFTONE, id, "halftone of type %.0f (only 1 and 5 are allowed)", type);
        else
            pf_find(p, PFK_HALFTONE, id, "halftone that is not of type 1 or 5");
        return;
    }
    if (has_key(p, ht, "/HalftoneName"))
        pf_find(p, PFK_HALFTONE, id, "halftone with a HalftoneName");
    if (has_key(p, ht, "/TransferFunction"))
        pf_find(p, PFK_TRANSFER, id, "transfer function in a halftone");
    if (type != 5 || depth >= HALFTONE_DEPTH)
        return;
    size_t n;
    char **keys = pf_dict_keys(p, ht, &n);
    for (size_t i = 0; i < n && pf_spend_object(p); i++) {
        qpdf_oh c = qpdf_oh_get_key(p->q, ht, keys[i]);
        if (qpdf_oh_is_dictionary(p->q, c) || qpdf_oh_is_stream(p->q, c))
            check_halftone(p, c, id, depth + 1);
        qpdf_oh_release(p->q, c);
    }
    pf_dict_keys_free(keys, n);
}

static void check_extgstate(pf *p, qpdf_oh gs)
{
    int id = pf_objid(p, gs);
    qpdf_oh sm = pf_key(p, gs, "/SMask");
    if (!qpdf_oh_is_null(p->q, sm) && !pf_is_name(p, sm, "/None"))
        pf_find(p, PFK_TRANSPARENCY, id, "soft mask in a graphics state");
    double a;
    if (pf_num(p, pf_key(p, gs, "/CA"), &a) && a < 1)
        pf_find(p, PFK_TRANSPARENCY, id, "stroke opacity /CA below 1");
    if (pf_num(p, pf_key(p, gs, "/ca"), &a) && a < 1)
        pf_find(p, PFK_TRANSPARENCY, id, "fill opacity /ca below 1");
    qpdf_oh bm = pf_key(p, gs, "/BM");
    if (qpdf_oh_is_array(p->q, bm) && qpdf_oh_get_array_n_items(p->q, bm) > 0)
        bm = qpdf_oh_get_array_item(p->q, bm, 0);
    if (qpdf_oh_is_name(p->q, bm) && !pf_is_name(p, bm, "/Normal") &&
        !pf_is_name(p, bm, "/Compatible"))
        pf_find(p, PFK_TRANSPARENCY, id, "blend mode other than Normal");
    qpdf_oh ht = pf_key(p, gs, "/HT");
    if (!qpdf_oh_is_null(p->q, ht))
        check_halftone(p, ht, id, 0);
    qpdf_oh tr = pf_key(p, gs, "/TR"), tr2 = pf_key(p, gs, "/TR2");
    if (!qpdf_oh_is_null(p->q, tr) && !pf_is_name(p, tr, "/Identity"))
        pf_find(p, PFK_TRANSFER, id, "transfer function (/TR) in a graphics state");
    if (!qpdf_oh_is_null(p->q, tr2) && !pf_is_name(p, tr2, "/Default"))
        pf_find(p, PFK_TRANSFER, id, "transfer function (/TR2) in a graphics state");
}

void pf_check_group(pf *p, qpdf_oh owner, const char *what)
{
    qpdf_oh g = pf_key(p, owner, "/Group");
    if (pf_is_name(p, pf_key(p, g, "/S"), "/Transparency")) {
        int id = pf_objid(p, owner);
        pf_find(p, PFK_TRANSPARENCY, id, "transparency group on %s", what);
        qpdf_oh cs = pf_key(p, g, "/CS");
        if (!qpdf_oh_is_null(p->q, cs))
            pf_check_group_cs(p, cs, id, what);
    }
}

/* Every entry of a resource category, by value; each costs one object. */
typedef void (*entry_fn)(pf *p, qpdf_oh value, qpdf_oh res);

static void each_entry(pf *p, qpdf_oh res, const char *category, entry_fn fn)
{
    qpdf_oh d = pf_key(p, res, category);
    size_t n;
    char **keys = pf_dict_keys(p, d, &n);
    for (size_t i = 0; i < n && pf_spend_object(p); i++) {
        qpdf_oh v = qpdf_oh_get_key(p->q, d, keys[i]);
        fn(p, v, res);
        qpdf_oh_release(p->q, v);
    }
    pf_dict_keys_free(keys, n);
    qpdf_oh_release(p->q, d);
}

static void res_font(pf *p, qpdf_oh v, qpdf_oh res) { (void)res, pf_check_font(p, v); }
static void res_gs(pf *p, qpdf_oh v, qpdf_oh res) { (void)res, check_extgstate(p, v); }

static void res_cs(pf *p, qpdf_oh v, qpdf_oh res)
{
    (void)res;
    pf_check_cs(p, v, pf_objid(p, v), "the colour space resources");
}

static void res_shading(pf *p, qpdf_oh v, qpdf_oh res)
{
    pf_check_cs(p, pf_resolve_cs(p, res, pf_key(p, v, "/ColorSpace")), pf_objid(p, v),
                "a shading");
}

static void res_pattern(pf *p, qpdf_oh v, qpdf_oh res)
{
    qpdf_oh sh = pf_key(p, v, "/Shading");
    if (!qpdf_oh_is_null(p->q, sh))
        res_shading(p, sh, res);
}

static void res_xobject(pf *p, qpdf_oh v, qpdf_oh res)
{
    int id = pf_objid(p, v);
    pname sub = pf_name_of(p, pf_key(p, v, "/Subtype"));
    if (!strcmp(sub.s, "/Image")) {
        check_image_dict(p, v, res);
    } else if (!strcmp(sub.s, "/Form")) {
        pf_check_group(p, v, "a form XObject");
        if (has_key(p, v, "/OPI"))
            pf_find(p, PFK_OPI, id, "form XObject with an OPI link");
        if (pf_is_name(p, pf_key(p, v, "/Subtype2"), "/PS"))
            pf_find(p, PFK_POSTSCRIPT, id, "PostScript form XObject");
    } else if (!strcmp(sub.s, "/PS")) {
        pf_find(p, PFK_POSTSCRIPT, id, "PostScript XObject");
    }
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
