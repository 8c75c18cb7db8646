/* pf_colour — colour spaces against the standard (PR-04). */
#include "layout/preflight/pf_int.h"

#include <string.h>

cs_kind pf_classify_cs(pf *p, qpdf_oh cs, const char **why, int depth)
{
    *why = NULL;
    if (depth > 4) {
        *why = "colour space nested too deeply";
        return CSK_OTHER;
    }
    if (qpdf_oh_is_name(p->q, cs)) {
        pname nm = pf_name_of(p, cs);
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
    pname fn = pf_name_of(p, fam);
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
        if (!pf_num(p, pf_key(p, arg, "/N"), &n)) {
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
        pf_classify_cs(p, arg, why, depth + 1);
        return CSK_OTHER;
    }
    if (!strcmp(f, "/Separation") || !strcmp(f, "/DeviceN")) {
        qpdf_oh alt = qpdf_oh_get_array_n_items(p->q, cs) > 2 ? qpdf_oh_get_array_item(p->q, cs, 2)
                                                              : qpdf_oh_new_null(p->q);
        if (pf_classify_cs(p, alt, why, depth + 1) == CSK_RGB)
            *why = "spot colour with an RGB alternate space";
        return CSK_OTHER;
    }
    *why = "unknown colour space";
    return CSK_OTHER;
}

qpdf_oh pf_resolve_cs(pf *p, qpdf_oh res, qpdf_oh cs)
{
    if (qpdf_oh_is_name(p->q, cs)) {
        pname n = pf_name_of(p, cs);
        qpdf_oh named = pf_key(p, pf_key(p, res, "/ColorSpace"), n.s);
        if (!qpdf_oh_is_null(p->q, named))
            return named;
    }
    return cs;
}

void pf_check_cs(pf *p, qpdf_oh cs, int obj, const char *where)
{
    const char *why;
    pf_classify_cs(p, cs, &why, 0);
    if (why)
        pf_finding(p, true, 4, obj, "%s in %s", why, where);
}

