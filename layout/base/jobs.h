/* jobs — independent pieces of work shared between the calling thread and helper
 * threads, for a machine's idle cores.
 *
 * jobs_start hands out job numbers 0..n-1 to helper threads at once and returns; the
 * caller goes on with its own work, then jobs_finish takes on this thread the jobs no
 * helper has taken and waits for the rest. Each job writes only its own result, so the
 * output does not depend on which thread ran which job. Where threads cannot be made,
 * jobs_finish runs every job itself: threads change the speed, never the result. */
#ifndef JB_JOBS_H
#define JB_JOBS_H

#include <stddef.h>

/* fn(arg, job, slot): slot (0 .. jobs_slots()-1) tells the running thread apart, for
 * state that one thread at a time may use (a compressor). */
typedef void (*jobs_fn)(void *arg, size_t job, int slot);

typedef struct jobs jobs;

/* At most this many threads run jobs at once, the caller's among them: the cores online
 * (JIANBAO_THREADS=N overrides; 1 runs every job on the caller). */
int jobs_slots(void);

/* Starts fn on helper threads for jobs 0..n-1. Never NULL for n > 0 unless memory ran
 * out (then the caller runs the jobs itself: see jobs_run). */
jobs *jobs_start(size_t n, jobs_fn fn, void *arg);

/* Runs on this thread the jobs no helper has taken, waits for all, frees j. */
void jobs_finish(jobs *j);

/* Runs every job now, in parallel where it can: jobs_start then jobs_finish, or all on
 * this thread when jobs_start could not start. */
void jobs_run(size_t n, jobs_fn fn, void *arg);

/* A queue: jobs added one at a time while the caller goes on making the next, taken by
 * helpers in the order added. A job is fn(item, slot) for the item it was added with;
 * the item must stay where it is until the job is done. As with jobs, which thread runs
 * a job never changes its result. */
typedef struct jobq jobq;
typedef void (*jobq_fn)(void *item, int slot);

/* NULL when memory runs out (then run each job yourself). */
jobq *jobq_new(jobq_fn fn);
/* Adds a job; returns its number, or -1 when memory ran out (then run it yourself). */
long jobq_add(jobq *q, void *item);
/* Until job k is done: runs it on this thread when no helper has taken it yet. */
void jobq_wait(jobq *q, long k);
/* Waits for every job added (running those no helper took) and frees q. */
void jobq_free(jobq *q);

#endif
