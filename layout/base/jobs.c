/* jobs — see jobs.h. */
#include "layout/base/jobs.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "layout/base/vec.h"

#define MAX_SLOTS 16

struct jobs {
    jobs_fn fn;
    void *arg;
    size_t n;
    atomic_size_t next;       /* the next job nobody has taken */
    int nthreads;             /* helpers started */
    pthread_t threads[MAX_SLOTS];
    struct helper {
        jobs *j;
        int slot;
    } helpers[MAX_SLOTS];
};

int jobs_slots(void)
{
    const char *env = getenv("JIANBAO_THREADS");
    long n = env && *env ? strtol(env, NULL, 10) : sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > MAX_SLOTS ? MAX_SLOTS : (int)n;
}

/* Takes jobs until none is left. */
static void drain(jobs *j, int slot)
{
    for (size_t k; (k = atomic_fetch_add(&j->next, 1)) < j->n;)
        j->fn(j->arg, k, slot);
}

static void *helper_main(void *p)
{
    struct helper *h = p;
    drain(h->j, h->slot);
    return NULL;
}

jobs *jobs_start(size_t n, jobs_fn fn, void *arg)
{
    if (n == 0)
        return NULL;
    jobs *j = calloc(1, sizeof *j);
    if (!j)
        return NULL;
    j->fn = fn;
    j->arg = arg;
    j->n = n;
    atomic_init(&j->next, 0);
    /* Slot 0 is the caller's. */
    int want = jobs_slots() - 1;
    if ((size_t)want > n)
        want = (int)n;
    for (int i = 0; i < want; i++) {
        j->helpers[i] = (struct helper){ j, i + 1 };
        if (pthread_create(&j->threads[i], NULL, helper_main, &j->helpers[i]) != 0)
            break;            /* fewer helpers; the caller takes the rest */
        j->nthreads++;
    }
    return j;
}

void jobs_finish(jobs *j)
{
    if (!j)
        return;
    drain(j, 0);
    for (int i = 0; i < j->nthreads; i++)
        pthread_join(j->threads[i], NULL);
    free(j);
}

void jobs_run(size_t n, jobs_fn fn, void *arg)
{
    jobs *j = jobs_start(n, fn, arg);
    if (j) {
        jobs_finish(j);
        return;
    }
    for (size_t k = 0; k < n; k++)
        fn(arg, k, 0);
}

/* ---- queues ---- */

typedef enum { Q_WAITING, Q_TAKEN, Q_DONE } q_state;

struct jobq {
    jobq_fn fn;
    pthread_mutex_t mu;
    pthread_cond_t more;      /* a job added, or the queue closing */
    pthread_cond_t done;      /* a job done */
    unsigned char *state;     /* per job: q_state */
    void **item;              /* per job: what it works on */
    size_t n, cap, capitem, next;   /* jobs added; the first nobody has taken */
    bool closing;
    int nthreads;
    pthread_t threads[MAX_SLOTS];
    struct qhelper {
        struct jobq *q;
        int slot;
    } helpers[MAX_SLOTS];
};

/* The next job nobody has taken, marked taken; -1 when none is (q->mu held). */
static long q_take(struct jobq *q)
{
    while (q->next < q->n && q->state[q->next] != Q_WAITING)
        q->next++;
    if (q->next == q->n)
        return -1;
    q->state[q->next] = Q_TAKEN;
    return (long)q->next++;
}

/* Runs job k, taken by this thread (item read under q->mu). */
static void q_run(struct jobq *q, long k, void *item, int slot)
{
    q->fn(item, slot);
    pthread_mutex_lock(&q->mu);
    q->state[k] = Q_DONE;
    pthread_cond_broadcast(&q->done);
    pthread_mutex_unlock(&q->mu);
}

static void *q_helper(void *p)
{
    struct qhelper *h = p;
    struct jobq *q = h->q;
    pthread_mutex_lock(&q->mu);
    for (;;) {
        long k = q_take(q);
        if (k < 0) {
            if (q->closing)
                break;
            pthread_cond_wait(&q->more, &q->mu);
            continue;
        }
        void *item = q->item[k];
        pthread_mutex_unlock(&q->mu);
        q_run(q, k, item, h->slot);
        pthread_mutex_lock(&q->mu);
    }
    pthread_mutex_unlock(&q->mu);
    return NULL;
}

jobq *jobq_new(jobq_fn fn)
{
    jobq *q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    q->fn = fn;
    if (pthread_mutex_init(&q->mu, NULL) != 0) {
        free(q);
        return NULL;
    }
    if (pthread_cond_init(&q->more, NULL) != 0 || pthread_cond_init(&q->done, NULL) != 0) {
        /* Destroying a condition never initialised is undefined: none is used. */
        pthread_mutex_destroy(&q->mu);
        free(q);
        return NULL;
    }
    int want = jobs_slots() - 1;
    for (int i = 0; i < want; i++) {
        q->helpers[i] = (struct qhelper){ q, i + 1 };
        if (pthread_create(&q->threads[i], NULL, q_helper, &q->helpers[i]) != 0)
            break;
        q->nthreads++;
    }
    return q;
}

long jobq_add(jobq *q, void *item)
{
    pthread_mutex_lock(&q->mu);
    long k = -1;
    if (vec_reserve((void **)&q->state, &q->cap, q->n + 1, 1) &&
        VEC_PUSH_ROOM(q->item, q->capitem, q->n)) {
        q->state[q->n] = Q_WAITING;
        q->item[q->n] = item;
        k = (long)q->n++;
        pthread_cond_signal(&q->more);
    }
    pthread_mutex_unlock(&q->mu);
    return k;
}

void jobq_wait(jobq *q, long k)
{
    pthread_mutex_lock(&q->mu);
    if (q->state[k] == Q_WAITING) {
        q->state[k] = Q_TAKEN;
        void *item = q->item[k];
        pthread_mutex_unlock(&q->mu);
        q_run(q, k, item, 0);
        return;
    }
    while (q->state[k] != Q_DONE)
        pthread_cond_wait(&q->done, &q->mu);
    pthread_mutex_unlock(&q->mu);
}

void jobq_free(jobq *q)
{
    if (!q)
        return;
    for (long k = 0; k < (long)q->n; k++)
        jobq_wait(q, k);
    pthread_mutex_lock(&q->mu);
    q->closing = true;
    pthread_cond_broadcast(&q->more);
    pthread_mutex_unlock(&q->mu);
    for (int i = 0; i < q->nthreads; i++)
        pthread_join(q->threads[i], NULL);
    pthread_cond_destroy(&q->more);
    pthread_cond_destroy(&q->done);
    pthread_mutex_destroy(&q->mu);
    free(q->state);
    free(q->item);
    free(q);
}
