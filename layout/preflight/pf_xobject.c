/* pf_xobject — images (placed, inline) and form XObjects in content streams. A form is
 * decoded once per page and interpreted once per distinct graphics state it is drawn
 * in (a form drawn a million times in one place costs one interpretation); nesting is
 * bounded and cycles are refused. */
#include "layout/preflight/pf_interp_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "layout/base/vec.h"

/* A form XObject met on this page: decoded once. */
typedef struct {
    int id;
    unsigned char *data;      /* NULL: could not be decoded (reported once) */
    size_t len;
    double matrix[6];
    double bbox[4];           /* in form space; no BBox: unbounded */
    qpdf_oh res;              /* its resources, or null (then the caller's) */
    int res_id;
} form_entry;

struct pf_form_memo {
    form_entry *forms;
    size_t n, cap;
    uint32_t slots[2 * PF_MAX_FORM_MEMO]; /* form id → index + 1 */
    pf_idset seen;            /* (form, state) pairs interpreted on this page */
};

/* ---- images (PR-06, PR-08) ---- */

/* An image drawn into the unit square under the CTM. */
void pfi_place_image(interp *I, int obj, double w_px, double h_px, bool mask)
{
    pf *p = I->p;
    const gstate *g = &I->gs[I->top];
    const double *m = g->ctm;
    static const double unit[4] = { 0, 0, 1, 1 };
    double box[4];
    pfi_map_rect(m, unit, box);
    I->path_gap = 0;
    I->path_inside = false;
    pfi_mark_area(I, box);
    if (I->path_inside && I->path_gap > 0 && !mask)
        pf_find_v(p, PFK_INK_NOT_BLEED, obj, I->path_gap / PT_PER_MM,
                  "ink crosses the trim edge but does not run into the bleed");
    I->path_gap = 0;
    I->path_inside = false;
    double wpt = hypot(m[0], m[1]), hpt = hypot(m[2], m[3]);
    if (mask || wpt <= 0 || hpt <= 0 || w_px <= 0 || h_px <= 0)
        return;
    double ppi = fmin(w_px * 72 / wpt, h_px * 72 / hpt);
    if (ppi < p->o->fail_ppi - 0.5)
        pf_find_v(p, PFK_PPI_VERY_LOW, obj, ppi, "image below %.0f ppi", p->o->fail_ppi);
    else if (ppi < p->o->min_ppi - 0.5)
        pf_find_v(p, PFK_PPI_LOW, obj, ppi, "image below %.0f ppi", p->o->min_ppi);
}

/* ---- form XObjects ---- */

void pf_forms_reset(pf *p)
{
    pf_form_memo *m = p->memo;
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++)
        free(m->forms[i].data);
    free(m->forms);
    pf_idset_free(&m->seen);
    free(m);
    p->memo = NULL;
}

static uint32_t hash_id(int id) { return (uint32_t)id * 2654435761u; }

/* The entry of form id on this page: decoded, its matrix, box and resources read, on
 * its first use. NULL when the page's memo is full or memory runs out. */
static form_entry *form_of(interp *I, const char *name, int id)
{
    pf *p = I->p;
    if (!p->memo && !(p->memo = calloc(1, sizeof *p->memo)))
        return NULL;
    pf_form_memo *m = p->memo;
    size_t nslots = sizeof m->slots / sizeof m->slots[0], i = hash_id(id) & (nslots - 1);
    for (; m->slots[i]; i = (i + 1) & (nslots - 1))
        if (m->forms[m->slots[i] - 1].id == id)
            return &m->forms[m->slots[i] - 1];
    if (m->n >= PF_MAX_FORM_MEMO) {
        pf_find(p, PFK_LIMIT, id, "more than %d form XObjects on one page: the others were "
                                  "not checked", PF_MAX_FORM_MEMO);
        return NULL;
    }
    if (!VEC_PUSH_ROOM(m->forms, m->cap, m->n))
        return NULL;
    form_entry *f = &m->forms[m->n];
    memset(f, 0, sizeof *f);
    f->id = id;
    qpdf_oh form = pfi_resource(I, "/XObject", name);
    f->data = pf_stream_data(p, form, "a form XObject", &f->len);
    double id6[6] = { 1, 0, 0, 1, 0, 0 };
    memcpy(f->matrix, id6, sizeof id6);
    qpdf_oh mo = pf_key(p, form, "/Matrix");
    if (qpdf_oh_is_array(p->q, mo) && qpdf_oh_get_array_n_items(p->q, mo) == 6)
        for (int k = 0; k < 6; k++) {
            qpdf_oh e = qpdf_oh_get_array_item(p->q, mo, k);
            if (!pf_num(p, e, &f->matrix[k]))
                f->matrix[k] = id6[k];
            qpdf_oh_release(p->q, e);
        }
    qpdf_oh_release(p->q, mo);
    qpdf_oh bb = pf_key(p, form, "/BBox");
    if (!pf_rect_of(p, bb, f->bbox))
        memcpy(f->bbox, pfi_no_clip, sizeof pfi_no_clip);
    qpdf_oh_release(p->q, bb);
    f->res = pf_key(p, form, "/Resources");
    if (qpdf_oh_is_dictionary(p->q, f->res)) {
        f->res_id = pf_objid(p, f->res);
        pf_scan_resources(p, f->res);
    }
    qpdf_oh_release(p->q, form);
    m->slots[i] = (uint32_t)++m->n;
    return f;
}

/* Mixes n bytes into h, eight at a time (the state is a few hundred bytes, hashed at
 * every form drawn). */
static uint64_t mix(uint64_t h, const void *data, size_t n)
{
    const unsigned char *s = data;
    for (size_t i = 0; i < n; i += 8) {
        uint64_t w = 0;
        memcpy(&w, s + i, n - i < 8 ? n - i : 8);
        h = (h ^ w) * 0x100000001B3u;
        h ^= h >> 29;
    }
    return h;
}

/* What the checks inside a form depend on: the form, the resources it falls back on,
 * and the graphics state it is drawn in. */
static uint64_t state_key(const interp *I, const form_entry *f)
{
    const gstate *g = &I->gs[I->top];
    uint64_t h = mix(1469598103934665603u, &f->id, sizeof f->id);
    int res = f->res_id ? 0 : I->res_id;
    h = mix(h, &res, sizeof res);
    h = mix(h, g->ctm, sizeof g->ctm);
    h = mix(h, g->clip, sizeof g->clip);
    int kinds[5] = { g->fill_cs, g->stroke_cs, g->op, g->OP, g->opm };
    h = mix(h, kinds, sizeof kinds);
    h = mix(h, g->fill, sizeof g->fill);
    h = mix(h, g->stroke, sizeof g->stroke);
    double text[7] = { g->font_size, g->th, g->tc, g->tw, g->tl, g->rise, g->tr };
    h = mix(h, text, sizeof text);
    return mix(h, &g->font, sizeof g->font);
}

static void do_form(interp *I, const char *name, int id)
{
    pf *p = I->p;
    int max_depth = p->lim->form_depth < PF_MAX_FORM_DEPTH ? p->lim->form_depth
                                                          : PF_MAX_FORM_DEPTH;
    if (I->depth >= max_depth) {
        pf_find(p, PFK_LIMIT, id, "form XObjects nested more than %d deep: the inner ones were "
                                  "not checked", max_depth);
        return;
    }
    for (int i = 0; i < I->depth; i++)
        if (I->chain[i] == id) {
            pf_find(p, PFK_DAMAGED, id, "a form XObject draws itself");
            return;
        }
    form_entry *f = form_of(I, name, id);
    if (!f || !f->data)
        return;
    if (p->memo->seen.n < PF_MAX_FORM_MEMO && !pf_idset_add(&p->memo->seen, state_key(I, f)))
        return; /* drawn in this very state before: nothing new to find */
    interp *sub = malloc(sizeof *sub);
    if (!sub)
        return;
    sub->p = p;
    sub->ncache = sub->next_evict = 0;
    sub->res = qpdf_oh_is_dictionary(p->q, f->res) ? f->res : I->res;
    sub->res_id = qpdf_oh_is_dictionary(p->q, f->res) ? f->res_id : I->res_id;
    sub->obj = id;
    sub->gs[0] = I->gs[I->top];
    sub->top = 0;
    memset(sub->tm, 0, sizeof sub->tm);
    memset(sub->tlm, 0, sizeof sub->tlm);
    sub->has_sub = sub->has_path = sub->path_inside = sub->clip_pending = sub->abort = false;
    sub->path_gap = 0;
    sub->depth = I->depth + 1;
    memcpy(sub->chain, I->chain, sizeof sub->chain);
    sub->chain[I->depth] = id;
    gstate *g = &sub->gs[0];
    pfi_mat_mul(f->matrix, g->ctm, g->ctm);
    double bbox[4];
    if (isfinite(f->bbox[0])) {
        pfi_map_rect(g->ctm, f->bbox, bbox);
        pfi_clip_to(g->clip, bbox);
    }
    pfi_interpret(sub, f->data, f->len);
    free(sub);
}

/* What a named XObject is: its id, type and (images) size. */
static void read_xobject(interp *I, const char *name, rc_entry *e)
{
    pf *p = I->p;
    qpdf_oh xo = pfi_resource(I, "/XObject", name);
    e->u.xo.type = XO_OTHER;
    e->u.xo.w = -1;
    if (qpdf_oh_is_stream(p->q, xo)) {
        e->u.xo.id = pf_objid(p, xo);
        qpdf_oh sub = pf_key(p, xo, "/Subtype");
        if (pf_is_name(p, sub, "/Image")) {
            qpdf_oh im = pf_key(p, xo, "/ImageMask"), wo = pf_key(p, xo, "/Width"),
                    ho = pf_key(p, xo, "/Height");
            e->u.xo.type = XO_IMAGE;
            e->u.xo.mask = qpdf_oh_is_bool(p->q, im) && qpdf_oh_get_bool_value(p->q, im);
            if (!pf_num(p, wo, &e->u.xo.w) || !pf_num(p, ho, &e->u.xo.h))
                e->u.xo.w = -1;
            qpdf_oh_release(p->q, im);
            qpdf_oh_release(p->q, wo);
            qpdf_oh_release(p->q, ho);
        } else if (pf_is_name(p, sub, "/Form")) {
            e->u.xo.type = XO_FORM;
        }
        qpdf_oh_release(p->q, sub);
    }
    qpdf_oh_release(p->q, xo);
}

void pfi_do_xobject(interp *I, const char *name)
{
    rc_entry tmp, *e = pfi_cached(I, RC_XOBJECT, name);
    if (!e) {
        e = pfi_remember(I, RC_XOBJECT, name);
        read_xobject(I, name, e ? e : &tmp);
        if (!e)
            e = &tmp;
    }
    if (e->u.xo.type == XO_IMAGE && e->u.xo.w >= 0)
        pfi_place_image(I, e->u.xo.id, e->u.xo.w, e->u.xo.h, e->u.xo.mask);
    else if (e->u.xo.type == XO_FORM)
        do_form(I, name, e->u.xo.id);
}

/* ---- inline images (PR-04, PR-08, PR-10) ---- */

/* The key of an inline image's dictionary, in its long or abbreviated form. */
static bool inline_key(const pfc_value *k, const char *abbr, const char *full)
{
    return k->k == PFV_NAME &&
           (!strcmp((const char *)k->s, abbr) || !strcmp((const char *)k->s, full));
}

static bool lzw_name(const pfc_value *v)
{
    return v->k == PFV_NAME && (!strcmp((const char *)v->s, "/LZW") ||
                                !strcmp((const char *)v->s, "/LZWDecode"));
}

/* The colour space of an inline image: a name, or an array whose first name (Indexed:
 * second, its base) tells. */
static const char *inline_cs(const pfc_value *v)
{
    if (v->k == PFV_NAME)
        return (const char *)v->s;
    if (v->k != PFV_ARRAY || v->len == 0 || v->el[0].k != PFV_NAME)
        return NULL;
    const char *f = (const char *)v->el[0].s;
    if ((!strcmp(f, "/I") || !strcmp(f, "/Indexed")) && v->len > 1 && v->el[1].k == PFV_NAME)
        return (const char *)v->el[1].s;
    return f;
}

/* BI … ID: the dictionary (key, value, key, value…). */
void pfi_inline_image(interp *I, const pfc_op *op)
{
    pf *p = I->p;
    double w = 0, h = 0;
    bool mask = false, lzw = false;
    const char *cs = NULL;
    for (int i = 0; i + 1 < op->nargs; i += 2) {
        const pfc_value *k = &op->args[i], *v = &op->args[i + 1];
        if (inline_key(k, "/W", "/Width") && v->k == PFV_NUM)
            w = v->num;
        else if (inline_key(k, "/H", "/Height") && v->k == PFV_NUM)
            h = v->num;
        else if (inline_key(k, "/IM", "/ImageMask") && v->k == PFV_BOOL)
            mask = v->num != 0;
        else if (inline_key(k, "/CS", "/ColorSpace"))
            cs = inline_cs(v);
        else if (inline_key(k, "/F", "/Filter"))
            for (size_t j = 0; j < (v->k == PFV_ARRAY ? v->len : 1); j++)
                lzw |= lzw_name(v->k == PFV_ARRAY ? &v->el[j] : v);
    }
    if (cs && !mask) {
        qpdf_oh n = qpdf_oh_new_name(p->q, cs);
        qpdf_oh r = pf_resolve_cs(p, I->res, n);
        pf_check_cs(p, r, I->obj, "an inline image");
        qpdf_oh_release(p->q, r);
        qpdf_oh_release(p->q, n);
    }
    if (lzw)
        pf_find(p, PFK_LZW, I->obj, "LZW-compressed inline image");
    pfi_place_image(I, I->obj, w, h, mask);
}

