/* pf_colour — colour spaces against the standard (PR-04): PDF/X-1a allows DeviceGray,
 * DeviceCMYK and spot colours with a CMYK alternate; PDF/X-4 (with a CMYK output
 * intent) also ICC-based and calibrated colour, but never DeviceRGB. */
#include "layout/preflight/pf_int.h"

#include <string.h>

/* What the standard may not allow in a colour space: check PFK_COUNT for nothing. */
typedef struct {
    pf_check_id check;
    char what[200];
} cs_problem;

static void problem(cs_problem *pb, pf_check_id c, const char *what)
{
    pb->check = c;
    snprintf(pb->what, sizeof pb->what, "%s", what);
}

static cs_kind classify(pf *p, qpdf_oh cs, cs_problem *pb, int depth);

static cs_kind classify_name(const char *n, cs_problem *pb)
{
    if (!strcmp(n, "/DeviceGray") || !strcmp(n, "/G"))
        return CSK_GRAY;
    if (!strcmp(n, "/DeviceCMYK") || !strcmp(n, "/CMYK"))
        return CSK_CMYK;
    if (!strcmp(n, "/DeviceRGB") || !strcmp(n, "/RGB")) {
        problem(pb, PFK_CS_RGB, "DeviceRGB");
        return CSK_RGB;
    }
    if (strcmp(n, "/Pattern") != 0)
        problem(pb, PFK_CS_UNKNOWN, "an unknown colour space");
    return CSK_OTHER;
}

static cs_kind classify_icc(pf *p, qpdf_oh arg, cs_problem *pb)
{
    double n = 0;
    qpdf_oh no = pf_key(p, arg, "/N");
    bool ok = pf_num(p, no, &n);
    qpdf_oh_release(p->q, no);
    if (!ok || (n != 1 && n != 3 && n != 4)) {
        problem(pb, PFK_CS_UNKNOWN, "an ICC-based colour space without a valid /N");
        return CSK_OTHER;
    }
    if (n == 3) {
        problem(pb, PFK_CS_RGB_ICC, "ICC-based RGB");
        return CSK_RGB;
    }
    problem(pb, PFK_CS_CALIBRATED, n == 4 ? "ICC-based CMYK" : "ICC-based gray");
    return n == 4 ? CSK_CMYK : CSK_GRAY;
}

/* Separation and DeviceN: judged by their alternate space. */
static cs_kind classify_spot(pf *p, qpdf_oh cs, cs_problem *pb, int depth)
{
    qpdf_oh alt = qpdf_oh_get_array_n_items(p->q, cs) > 2 ? qpdf_oh_get_array_item(p->q, cs, 2)
                                                          : qpdf_oh_new_null(p->q);
    cs_problem a = { PFK_COUNT, "" };
    classify(p, alt, &a, depth + 1);
    qpdf_oh_release(p->q, alt);
    if (a.check != PFK_COUNT) {
        char what[200];
        snprintf(what, sizeof what, "a spot colour with %.150s as its alternate", a.what);
        problem(pb, a.check == PFK_LIMIT ? PFK_LIMIT : a.check, what);
    }
    return CSK_OTHER;
}

static cs_kind classify_array(pf *p, qpdf_oh cs, cs_problem *pb, int depth)
{
    qpdf_oh fam = qpdf_oh_get_array_item(p->q, cs, 0);
    pname fn = pf_name_of(p, fam);
    qpdf_oh_release(p->q, fam);
    const char *f = fn.s;
    if (!strcmp(f, "/Separation") || !strcmp(f, "/DeviceN"))
        return classify_spot(p, cs, pb, depth);
    qpdf_oh arg = qpdf_oh_get_array_n_items(p->q, cs) > 1 ? qpdf_oh_get_array_item(p->q, cs, 1)
                                                          : qpdf_oh_new_null(p->q);
    cs_kind k = CSK_OTHER;
    if (!strcmp(f, "/CalRGB")) {
        problem(pb, PFK_CS_RGB_ICC, "CalRGB");
        k = CSK_RGB;
    } else if (!strcmp(f, "/CalGray") || !strcmp(f, "/Lab")) {
        problem(pb, PFK_CS_CALIBRATED, f + 1);
    } else if (!strcmp(f, "/ICCBased")) {
        k = classify_icc(p, arg, pb);
    } else if (!strcmp(f, "/Indexed") || !strcmp(f, "/I") || !strcmp(f, "/Pattern")) {
        /* The colours are those of the base space (none for an uncoloured pattern). */
        if (!qpdf_oh_is_null(p->q, arg))
            classify(p, arg, pb, depth + 1);
    } else {
        problem(pb, PFK_CS_UNKNOWN, "an unknown colour space");
    }
    qpdf_oh_release(p->q, arg);
    return k;
}

static cs_kind classify(pf *p, qpdf_oh cs, cs_problem *pb, int depth)
{
    if (depth > PF_MAX_CS_DEPTH) {
        problem(pb, PFK_LIMIT, "colour spaces nested more than 4 deep (not checked)");
        return CSK_OTHER;
    }
    if (qpdf_oh_is_name(p->q, cs))
        return classify_name(pf_name_of(p, cs).s, pb);
    if (!qpdf_oh_is_array(p->q, cs) || qpdf_oh_get_array_n_items(p->q, cs) < 1) {
        problem(pb, PFK_CS_UNKNOWN, "a malformed colour space");
        return CSK_OTHER;
    }
    return classify_array(p, cs, pb, depth);
}

qpdf_oh pf_resolve_cs(pf *p, qpdf_oh res, qpdf_oh cs)
{
    if (qpdf_oh_is_name(p->q, cs)) {
        pname n = pf_name_of(p, cs);
        qpdf_oh dict = pf_key(p, res, "/ColorSpace");
        qpdf_oh named = pf_key(p, dict, n.s);
        qpdf_oh_release(p->q, dict);
        if (!qpdf_oh_is_null(p->q, named))
            return named;
        qpdf_oh_release(p->q, named);
    }
    return cs;
}

cs_kind pf_check_cs(pf *p, qpdf_oh cs, int obj, const char *where)
{
    cs_problem pb = { PFK_COUNT, "" };
    cs_kind k = classify(p, cs, &pb, 0);
    if (pb.check != PFK_COUNT)
        pf_find(p, pb.check, obj, "%s in %s", pb.what, where);
    return k;
}

void pf_check_group_cs(pf *p, qpdf_oh cs, int obj, const char *owner)
{
    cs_problem pb = { PFK_COUNT, "" };
    classify(p, cs, &pb, 0);
    if (pb.check == PFK_CS_RGB)
        pf_find(p, PFK_GROUP_RGB, obj, "transparency group of %s blends in DeviceRGB", owner);
    else if (pb.check != PFK_COUNT)
        pf_find(p, pb.check, obj, "%s in the transparency group of %s", pb.what, owner);
}
