/* jobs: every job runs exactly once, on one slot at a time per slot, whatever the
 * number of threads; the caller's own work runs while helpers work; JIANBAO_THREADS
 * bounds the slots; with one slot nothing leaves the calling thread. */
#include "testutil.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "layout/base/jobs.h"

#define N 1000

typedef struct {
    atomic_int runs[N];
    atomic_int busy[16];      /* per slot: threads inside a job now */
    atomic_int clash;         /* a slot used by two threads at once */
    atomic_int bad_slot;
    int slots;
    pthread_t caller;
    atomic_int off_caller;    /* jobs run on another thread */
    atomic_int sink;          /* keeps the busy work */
} state;

static void job(void *arg, size_t k, int slot)
{
    state *s = arg;
    if (slot < 0 || slot >= s->slots) {
        atomic_fetch_add(&s->bad_slot, 1);
        return;
    }
    if (atomic_fetch_add(&s->busy[slot], 1) != 0)
        atomic_fetch_add(&s->clash, 1);
    if (!pthread_equal(pthread_self(), s->caller))
        atomic_fetch_add(&s->off_caller, 1);
    unsigned x = 0;
    for (unsigned i = 0; i < 2000; i++)   /* long enough for threads to overlap */
        x += i * (unsigned)k;
    atomic_fetch_add(&s->sink, (int)(x & 1));
    atomic_fetch_add(&s->runs[k], 1);
    atomic_fetch_sub(&s->busy[slot], 1);
}

static state *state_new(void)
{
    state *s = calloc(1, sizeof *s);
    assert_non_null(s);
    s->slots = jobs_slots();
    s->caller = pthread_self();
    return s;
}

static void each_job_once(state *s)
{
    for (int k = 0; k < N; k++)
        assert_int_equal(atomic_load(&s->runs[k]), 1);
    assert_int_equal(atomic_load(&s->clash), 0);
    assert_int_equal(atomic_load(&s->bad_slot), 0);
}

static void run_with(const char *threads, int want_slots)
{
    setenv("JIANBAO_THREADS", threads, 1);
    state *s = state_new();
    assert_int_equal(s->slots, want_slots);
    jobs_run(N, job, s);
    each_job_once(s);
    if (want_slots == 1)
        assert_int_equal(atomic_load(&s->off_caller), 0);
    free(s);
}

static void test_each_job_once_any_threads(void **st)
{
    (void)st;
    run_with("1", 1);
    run_with("2", 2);
    run_with("5", 5);
    run_with("999", 16);      /* bounded */
    run_with("0", 1);
    unsetenv("JIANBAO_THREADS");
}

/* Started, the helpers work while the caller does something else; finished, the
 * caller takes what is left. */
static void test_start_then_finish(void **st)
{
    (void)st;
    setenv("JIANBAO_THREADS", "2", 1);
    state *s = state_new();
    jobs *j = jobs_start(N, job, s);
    assert_non_null(j);
    /* The helper takes jobs without the caller: wait (bounded) until it has some. */
    for (long spin = 0; spin < 2000000000L && atomic_load(&s->off_caller) == 0; spin++)
        ;
    assert_true(atomic_load(&s->off_caller) > 0);
    jobs_finish(j);
    each_job_once(s);
    assert_null(jobs_start(0, job, s));
    jobs_finish(NULL);
    unsetenv("JIANBAO_THREADS");
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_job_once_any_threads),
        cmocka_unit_test(test_start_then_finish),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
