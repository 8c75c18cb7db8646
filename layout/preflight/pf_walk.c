/* pf_walk — every object reachable from the trailer, once: what PDF/X forbids
 * anywhere in the file, used or not (PR-10): LZW (and, for X-1a, JPEG 2000) filters and
 * attached files. (PostScript and OPI are found where they are drawn: pf_resources.c.)
 *
 * Indirect objects wait in a queue of ids; the containers inside one object are walked
 * with an explicit stack of handles; nothing recurses, and every value costs one object
 * of the budget. Handles are let go as soon as they are done with. */
#include "layout/preflight/pf_int.h"

#include <limits.h>
#include <stdlib.h>

#include "layout/base/vec.h"

typedef struct {
    qpdf_oh h;
    bool dict;
    int next, n;              /* next item (arrays) or key (dicts), and how many */
    char **keys;              /* dicts: the keys, copied (the C API shares one iterator) */
} frame;

typedef struct {
    pf *p;
    pf_idset seen;
    uint64_t *queue;          /* ids (generation in the high half) still to visit */
    size_t nqueue, capqueue, head;
    frame *stack;
    size_t nstack, capstack;
} walk;

static uint64_t og_key(int id, int gen) { return (uint64_t)(uint32_t)gen << 32 | (uint32_t)id; }

/* The filters of a stream: LZW anywhere is forbidden; JPEG 2000 in X-1a. */
static void check_filters(pf *p, qpdf_oh dict, int id)
{
    qpdf_oh f = qpdf_oh_get_key(p->q, dict, "/Filter");
    int n = qpdf_oh_is_array(p->q, f) ? qpdf_oh_get_array_n_items(p->q, f) : 1;
    for (int i = 0; i < n && pf_spend_object(p); i++) {
        qpdf_oh one = qpdf_oh_is_array(p->q, f) ? qpdf_oh_get_array_item(p->q, f, i) : f;
        if (pf_is_name(p, one, "/LZWDecode") || pf_is_name(p, one, "/LZW"))
            pf_find(p, PFK_LZW, id, "LZW-compressed stream");
        else if (pf_is_name(p, one, "/JPXDecode"))
            pf_find(p, PFK_JPX, id, "JPEG 2000 image");
        if (one != f)
            qpdf_oh_release(p->q, one);
    }
    qpdf_oh_release(p->q, f);
}

/* Checks on one dictionary (a stream's own, or any other), wherever it is. */
static void check_dict(pf *p, qpdf_oh d, int id, bool stream)
{
    if (stream)
        check_filters(p, d, id);
    qpdf_oh ef = qpdf_oh_get_key(p->q, d, "/EF");
    if (qpdf_oh_is_dictionary(p->q, ef))
        pf_find(p, PFK_EMBEDDED_FILE, id, "attached file");
    qpdf_oh_release(p->q, ef);
}

static bool push(walk *w, qpdf_oh h, bool dict)
{
    pf *p = w->p;
    frame f = { h, dict, 0, 0, NULL };
    if (dict) {
        size_t n;
        f.keys = pf_dict_keys(p, h, &n);
        f.n = n > INT_MAX ? INT_MAX : (int)n;
    } else {
        f.n = qpdf_oh_get_array_n_items(p->q, h);
    }
    if (!VEC_PUSH_ROOM(w->stack, w->capstack, w->nstack)) {
        pf_dict_keys_free(f.keys, f.keys ? (size_t)f.n : 0);
        return false;
    }
    w->stack[w->nstack++] = f;
    return true;
}

static void pop(walk *w)
{
    frame *f = &w->stack[--w->nstack];
    pf_dict_keys_free(f->keys, f->keys ? (size_t)f->n : 0);
    qpdf_oh_release(w->p->q, f->h);
}

/* A direct value: a container is walked (a dictionary checked first); anything else is
 * done with. */
static void enter(walk *w, qpdf_oh v, int owner)
{
    pf *p = w->p;
    if (qpdf_oh_is_dictionary(p->q, v)) {
        check_dict(p, v, owner, false);
        if (push(w, v, true))
            return;
    } else if (qpdf_oh_is_array(p->q, v)) {
        if (push(w, v, false))
            return;
    }
    qpdf_oh_release(p->q, v);
}

/* A value met inside an object: an indirect object is queued, once. */
static void visit(walk *w, qpdf_oh v, int owner)
{
    pf *p = w->p;
    if (!qpdf_oh_is_indirect(p->q, v)) {
        enter(w, v, owner);
        return;
    }
    uint64_t k = og_key(qpdf_oh_get_object_id(p->q, v), qpdf_oh_get_generation(p->q, v));
    if (pf_idset_add(&w->seen, k) && VEC_PUSH_ROOM(w->queue, w->capqueue, w->nqueue))
        w->queue[w->nqueue++] = k;
    qpdf_oh_release(p->q, v);
}

/* The containers on the stack, to the end (or the end of the budget). */
static void walk_stack(walk *w, int owner)
{
    pf *p = w->p;
    while (w->nstack > 0 && pf_spend_object(p)) {
        frame *f = &w->stack[w->nstack - 1];
        if (f->next >= f->n) {
            pop(w);
            continue;
        }
        int i = f->next++;
        qpdf_oh v = f->dict ? qpdf_oh_get_key(p->q, f->h, f->keys[i])
                            : qpdf_oh_get_array_item(p->q, f->h, i);
        visit(w, v, owner);
    }
    while (w->nstack > 0)
        pop(w);
}

/* One indirect object and everything directly inside it. */
static void walk_object(walk *w, qpdf_oh obj)
{
    pf *p = w->p;
    int id = qpdf_oh_get_object_id(p->q, obj);
    if (qpdf_oh_is_stream(p->q, obj)) {
        qpdf_oh d = qpdf_oh_get_dict(p->q, obj);
        qpdf_oh_release(p->q, obj);
        check_dict(p, d, id, true);
        if (!push(w, d, true))
            qpdf_oh_release(p->q, d);
    } else {
        enter(w, obj, id);
    }
    walk_stack(w, id);
}

void pf_walk_file(pf *p)
{
    walk w = { .p = p };
    qpdf_oh trailer = qpdf_get_trailer(p->q);
    p->page = 0;
    enter(&w, trailer, 0);
    walk_stack(&w, 0);
    while (w.head < w.nqueue && !p->stop) {
        uint64_t k = w.queue[w.head++];
        qpdf_oh obj = qpdf_get_object_by_id(p->q, (int)(uint32_t)k, (int)(k >> 32));
        walk_object(&w, obj);
    }
    if (qpdf_has_error(p->q))
        qpdf_get_error(p->q);
    free(w.queue);
    free(w.stack);
    pf_idset_free(&w.seen);
}
