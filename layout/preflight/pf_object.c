/* pf_object — type-checked access to qpdf objects: every helper accepts any handle
 * and gives a neutral answer (null, false, "") for the wrong type. */
#include "layout/preflight/pf_int.h"

#include <limits.h>
#include <math.h>
#include <string.h>
qpdf_oh pf_key(pf *p, qpdf_oh dict, const char *k)
{
    return qpdf_oh_is_dictionary(p->q, dict) || qpdf_oh_is_stream(p->q, dict)
               ? qpdf_oh_get_key(p->q, qpdf_oh_is_stream(p->q, dict) ? qpdf_oh_get_dict(p->q, dict)
                                                                     : dict,
                                 k)
               : qpdf_oh_new_null(p->q);
}

bool pf_is_name(pf *p, qpdf_oh o, const char *name)
{
    return qpdf_oh_is_name_and_equals(p->q, o, name);
}

bool pf_num(pf *p, qpdf_oh o, double *v)
{
    if (!qpdf_oh_is_number(p->q, o))
        return false;
    *v = qpdf_oh_get_numeric_value(p->q, o);
    return isfinite(*v);
}

pname pf_name_of(pf *p, qpdf_oh o)
{
    pname n = { "" };
    if (qpdf_oh_is_name(p->q, o)) {
        const char *v = qpdf_oh_get_name(p->q, o);
        snprintf(n.s, sizeof n.s, "%s", v ? v : "");
    }
    return n;
}

int pf_objid(pf *p, qpdf_oh o) { return qpdf_oh_get_object_id(p->q, o); }

/* A number as an int, clamped: converting an out-of-range double is undefined. */
int pf_clamp_int(double v)
{
    return v <= INT_MIN ? INT_MIN : v >= INT_MAX ? INT_MAX : (int)v;
}

/* A string value as UTF-8, or NULL; copied into buf. */
const char *pf_str_of(pf *p, qpdf_oh o, char *buf, size_t n)
{
    if (!qpdf_oh_is_string(p->q, o))
        return NULL;
    const char *s = qpdf_oh_get_utf8_value(p->q, o);
    snprintf(buf, n, "%s", s ? s : "");
    return buf;
}

/* A page attribute, inherited through /Parent (bounded: the tree may be a loop). */
qpdf_oh pf_inherited(pf *p, qpdf_oh page, const char *k)
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
bool pf_rect_of(pf *p, qpdf_oh a, double r[4])
{
    if (!qpdf_oh_is_array(p->q, a) || qpdf_oh_get_array_n_items(p->q, a) != 4)
        return false;
    for (int i = 0; i < 4; i++)
        if (!pf_num(p, qpdf_oh_get_array_item(p->q, a, i), &r[i]))
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

bool pf_contains(const double outer[4], const double inner[4])
{
    const double eps = 0.01;
    return inner[0] >= outer[0] - eps && inner[1] >= outer[1] - eps &&
           inner[2] <= outer[2] + eps && inner[3] <= outer[3] + eps;
}

bool pf_intersects(const double a[4], const double b[4])
{
    return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
}


bool pf_is_js_action(pf *p, qpdf_oh a)
{
    return pf_is_name(p, pf_key(p, a, "/S"), "/JavaScript");
}
