/* ahead — see ahead.h. */
#include "layout/compose/ahead.h"

#include <stdlib.h>
#include <string.h>

#include "layout/base/jobs.h"
#include "layout/base/vec.h"

typedef struct {
    para *p;
    compose_opts o;
    compose_result r;
    int rc;
    float measure;
    long job;                 /* in the queue, -1: composed when taken */
    size_t msg_at;            /* held message bytes before its report */
    int errors_at, warnings_at;
} ticket;

struct ahead {
    typeset_ctx *t;
    diag *real;               /* where messages go */
    diag held;                /* where they go meanwhile */
    char *buf;
    size_t len;
    size_t given;             /* held bytes given out */
    int errors_given, warnings_given;
    jobq *q;
    ticket **tk;
    size_t ntk, captk;
};

static void compose_job(void *item, int slot)
{
    (void)slot;
    ticket *k = item;
    k->rc = compose(k->p, &k->o, &k->r);
}

ahead *ahead_new(typeset_ctx *t)
{
    ahead *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->t = t;
    a->real = t->d;
    FILE *mem = open_memstream(&a->buf, &a->len);
    if (!mem || !(a->q = jobq_new(compose_job))) {
        if (mem)
            fclose(mem);
        free(a->buf);
        free(a);
        return NULL;
    }
    a->held = (diag){ .out = mem, .flags = a->real ? a->real->flags : 0 };
    t->d = &a->held;
    return a;
}

int ahead_compose(ahead *a, para *p, const style_text *ts, float measure, float indent)
{
    ticket *k = calloc(1, sizeof *k);
    if (!k || !VEC_PUSH_ROOM(a->tk, a->captk, a->ntk)) {
        free(k);
        return -1;
    }
    k->p = p;
    k->measure = measure;
    typeset_compose_opts(a->t, ts, measure, indent, &k->o);
    fflush(a->held.out);
    k->msg_at = a->len;
    k->errors_at = a->held.errors;
    k->warnings_at = a->held.warnings;
    k->job = jobq_add(a->q, k);
    a->tk[a->ntk] = k;
    return (int)a->ntk++;
}

void ahead_release(ahead *a)
{
    if (a && a->t->d == &a->held) {
        fflush(a->held.out);
        a->t->d = a->real;
    }
}

/* Gives out the held messages up to byte at, and their counts. */
static void give_out(ahead *a, size_t at, int errors_at, int warnings_at)
{
    if (at > a->given && a->real)
        fwrite(a->buf + a->given, 1, at - a->given, a->real->out ? a->real->out : stderr);
    a->given = at > a->given ? at : a->given;
    if (a->real) {
        a->real->errors += errors_at - a->errors_given;
        a->real->warnings += warnings_at - a->warnings_given;
    }
    a->errors_given = errors_at;
    a->warnings_given = warnings_at;
}

int ahead_take(ahead *a, int ticket_no, compose_result *r)
{
    ticket *k = a->tk[ticket_no];
    give_out(a, k->msg_at, k->errors_at, k->warnings_at);
    long long t0 = typeset_now_ns();
    if (k->job >= 0)
        jobq_wait(a->q, k->job);
    else
        compose_job(k, 0);
    a->t->ns_compose += typeset_now_ns() - t0;   /* what the caller waited */
    *r = k->r;
    memset(&k->r, 0, sizeof k->r);
    if (k->rc)
        return -1;
    typeset_compose_report(a->t, k->p, r, k->measure);
    return 0;
}

void ahead_free(ahead *a)
{
    if (!a)
        return;
    ahead_release(a);
    jobq_free(a->q);          /* every job done: nothing refers to a ticket now */
    give_out(a, a->len, a->held.errors, a->held.warnings);
    fclose(a->held.out);
    free(a->buf);
    for (size_t i = 0; i < a->ntk; i++) {
        compose_result_free(&a->tk[i]->r);
        free(a->tk[i]);
    }
    free(a->tk);
    free(a);
}
