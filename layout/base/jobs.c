/* jobs — see jobs.h. */
#include "layout/base/jobs.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

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
