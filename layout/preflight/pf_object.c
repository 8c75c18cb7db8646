/* pf_object — type-checked access to qpdf objects: every helper accepts any handle
 * and gives a neutral answer (null, false, "") for the wrong type. */
#include "layout/preflight/pf_int.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "layout/base/strbuf.h"
#include "layout/base/vec.h"
#include "layout/preflight/pf_qpdf_int.h"

qpdf_oh pf_key(pf *p, qpdf_oh dict, const char *k)
{
    if (qpdf_oh_is_dictionary(p->q, dict))
        return qpdf_oh_get_key(p->q, dict, k);
    if (!qpdf_oh_is_stream(p->q, dict))
        return qpdf_oh_new_null(p->q);
    qpdf_oh d = qpdf_oh_get_dict(p->q, dict);
    qpdf_oh v = qpdf_oh_get_key(p->q, d, k);
    qpdf_oh_release(p->q, d);
    return v;
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

const char *pf_size(size_t n, char *buf)
{
    if (n >= (size_t)1 << 20)
        snprintf(buf, 32, "%zu MB", n >> 20);
    else if (n >= 1024)
        snprintf(buf, 32, "%zu KB", n >> 10);
    else
        snprintf(buf, 32, "%zu bytes", n);
    return buf;
}

bool pf_spend_object(pf *p)
{
    if (p->stop)
        return false;
    if (p->objects >= p->lim->objects) {
        pf_limit(p, "more than %zu objects: the rest of the file was not checked",
                 p->lim->objects);
        return false;
    }
    p->objects++;
    return true;
}

char **pf_dict_keys(pf *p, qpdf_oh dict, size_t *n)
{
    char **keys = NULL;
    size_t cap = 0;
    *n = 0;
    if (!qpdf_oh_is_dictionary(p->q, dict))
        return NULL;
    qpdf_oh_begin_dict_key_iter(p->q, dict);
    while (qpdf_oh_dict_more_keys(p->q)) {
        const char *k = qpdf_oh_dict_next_key(p->q);
        char *copy = k ? strdup(k) : NULL;
        if (!copy || !VEC_PUSH_ROOM(keys, cap, *n)) {
            free(copy);
            break;
        }
        keys[(*n)++] = copy;
    }
    return keys;
}

void pf_dict_keys_free(char **keys, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(keys[i]);
    free(keys);
}

/* ---- a set of ids (open addressing, grown at half full) ---- */

static size_t slot_of(const pf_idset *s, uint64_t key)
{
    uint64_t h = key * 0x9E3779B97F4A7C15u;
    size_t i = (size_t)(h >> 17) & (s->cap - 1);
    while (s->slots[i] && s->slots[i] != key)
        i = (i + 1) & (s->cap - 1);
    return i;
}

bool pf_idset_add(pf_idset *s, uint64_t id)
{
    uint64_t key = id + 1;
    if (key == 0)
        return false;
    if ((s->n + 1) * 2 > s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 256;
        uint64_t *ns = calloc(nc, sizeof *ns);
        if (!ns)
            return false;
        pf_idset old = *s;
        s->slots = ns;
        s->cap = nc;
        for (size_t i = 0; i < old.cap; i++)
            if (old.slots[i])
                s->slots[slot_of(s, old.slots[i])] = old.slots[i];
        free(old.slots);
    }
    size_t i = slot_of(s, key);
    if (s->slots[i])
        return false;
    s->slots[i] = key;
    s->n++;
    return true;
}

void pf_idset_free(pf_idset *s)
{
    free(s->slots);
    s->slots = NULL;
    s->cap = s->n = 0;
}

/* ---- stream data within the budgets ---- */

/* "<< /Filter … /DecodeParms … >>" as qpdf unparses the stream's own (indirect
 * parameters resolved); NULL when the stream has no filter. */
static char *filter_text(pf *p, qpdf_oh s)
{
    qpdf_oh f = pf_key(p, s, "/Filter");
    bool filtered = !qpdf_oh_is_null(p->q, f) &&
                    !(qpdf_oh_is_array(p->q, f) && qpdf_oh_get_array_n_items(p->q, f) == 0);
    char *text = NULL;
    if (filtered) {
        strbuf b = { 0 };
        strbuf_str(&b, "<< /Filter ");
        strbuf_str(&b, qpdf_oh_unparse_resolved(p->q, f));
        qpdf_oh dp = pf_key(p, s, "/DecodeParms");
        strbuf_str(&b, " /DecodeParms ");
        strbuf_str(&b, qpdf_oh_unparse_resolved(p->q, dp));
        strbuf_str(&b, " >>");
        qpdf_oh_release(p->q, dp);
        text = strbuf_take(&b);
    }
    qpdf_oh_release(p->q, f);
    return text;
}

/* A stream past a budget: the stream limit skips it, the total one stops the run. */
static void too_big(pf *p, int id, const char *what, size_t limit)
{
    char size[32];
    p->decoded += limit;
    if (limit < p->lim->stream_bytes)
        pf_limit(p, "decoded streams pass %s in all: the rest of the file was not checked",
                 pf_size(p->lim->decoded_bytes, size));
    else
        pf_find(p, PFK_LIMIT, id, "%s decodes to more than %s: it was not checked", what,
                pf_size(p->lim->stream_bytes, size));
}

unsigned char *pf_stream_data(pf *p, qpdf_oh s, const char *what, size_t *len)
{
    *len = 0;
    if (p->stop || !qpdf_oh_is_stream(p->q, s))
        return NULL;
    int id = pf_objid(p, s);
    unsigned char *raw = NULL;
    size_t rawlen = 0;
    if (qpdf_oh_get_stream_data(p->q, s, qpdf_dl_none, NULL, &raw, &rawlen) & QPDF_ERRORS) {
        qpdf_get_error(p->q);
        free(raw);
        pf_find(p, PFK_DAMAGED, id, "%s cannot be read", what);
        return NULL;
    }
    size_t room = p->lim->decoded_bytes - p->decoded;
    size_t limit = room < p->lim->stream_bytes ? room : p->lim->stream_bytes;
    char *filters = filter_text(p, s);
    unsigned char *out = NULL;
    size_t n = 0;
    if (!filters) {
        if (rawlen > limit) {
            too_big(p, id, what, limit);
        } else if ((out = realloc(raw, rawlen + 1))) {
            raw = NULL;
            out[rawlen] = 0;
            n = rawlen;
        }
        free(raw);
    } else {
        char err[200] = "";
        pfd_status st = pfd_decode(raw, rawlen, filters, limit, &out, &n, err, sizeof err);
        free(raw);
        free(filters);
        if (st == PFD_TOO_BIG)
            too_big(p, id, what, limit);
        else if (st == PFD_BAD)
            pf_find(p, PFK_DAMAGED, id, "%s cannot be decoded: %s", what, err);
    }
    if (out) {
        p->decoded += n;
        *len = n;
    }
    return out;
}
