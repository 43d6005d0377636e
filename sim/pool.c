#define _POSIX_C_SOURCE 200809L
#include "pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int pool_unit(const scenario *s, uint64_t run_no, int check, int64_t fault_step, run_result *res,
              kpi_step *rows, const brk_block *blk, const run_hooks *h, char *msg, size_t n)
{
    kpi_step *own = rows ? NULL : malloc((size_t)s->t.p.steps * sizeof *own);
    source *src = rows || own ? source_world(s, run_no) : NULL;
    if (!src) {
        free(own);
        snprintf(msg, n, "out of memory building run %llu", (unsigned long long)run_no);
        return SIM_NOMEM;
    }
    run_loop r;
    run_init(&r, src, rows ? rows : own, h);
    r.check = check;
    r.fault_step = fault_step;
    int st = run_all(&r, res, blk, msg, n);
    source_free(src);
    free(own);
    return st;
}

typedef struct shared {
    const pool_job *j;
    int64_t units;
    atomic_llong next, done;
    atomic_int failed, running;
    pthread_mutex_t lock;
    pthread_cond_t changed; /* a unit finished or a worker stopped */
    int status;
    long long status_unit; /* the unit whose failure msg is */
    char msg[600];
} shared;

static atomic_int *stop_flag(const pool_job *j) { return j->hooks ? j->hooks->stop : NULL; }

/* Unit u of the job. */
static int unit(const pool_job *j, long long u, char *msg, size_t n)
{
    size_t v = (size_t)(u / j->runs);
    uint64_t run_no = j->first + (uint64_t)(u % j->runs);
    const scenario *s = j->variants[v];
    run_hooks quiet = {.stop = stop_flag(j)}, watched;
    const run_hooks *h = &quiet;
    if (j->watch && v == j->watch_variant && run_no == j->watch_run) {
        watched = *j->watch;
        watched.stop = stop_flag(j);
        h = &watched;
    }
    kpi_step *rows = j->rows ? &j->rows[u * s->t.p.steps] : NULL;
    brk_block blk;
    if (j->brk)
        blk = brk_at(&j->brk[v], j->brk_base + u % j->runs);
    return pool_unit(s, run_no, j->check, j->fault_step, &j->res[u], rows, j->brk ? &blk : NULL, h,
                     msg, n);
}

static void note_failure(shared *sh, long long u, int st, const char *msg)
{
    pthread_mutex_lock(&sh->lock);
    if (!sh->status || u < sh->status_unit) {
        sh->status = st;
        sh->status_unit = u;
        snprintf(sh->msg, sizeof sh->msg, "%s", msg);
    }
    pthread_mutex_unlock(&sh->lock);
    atomic_store(&sh->failed, 1);
}

static void *worker(void *arg)
{
    shared *sh = arg;
    atomic_int *stop = stop_flag(sh->j);
    for (;;) {
        if (atomic_load(&sh->failed) || (stop && *stop))
            break;
        long long u = atomic_fetch_add(&sh->next, 1);
        if (u >= sh->units)
            break;
        char msg[600];
        int st = unit(sh->j, u, msg, sizeof msg);
        if (st == SIM_STOPPED)
            break; /* not done: pool_run says how many were */
        if (st != SIM_OK) {
            /* The lowest failing unit is reported: every unit below it
             * was started and runs to its end. */
            note_failure(sh, u, st, msg);
            break;
        }
        atomic_fetch_add(&sh->done, 1);
        pthread_mutex_lock(&sh->lock);
        pthread_cond_signal(&sh->changed);
        pthread_mutex_unlock(&sh->lock);
    }
    pthread_mutex_lock(&sh->lock);
    atomic_fetch_sub(&sh->running, 1);
    pthread_cond_signal(&sh->changed);
    pthread_mutex_unlock(&sh->lock);
    return NULL;
}

static void progress(const pool_job *j, long long done, int64_t total)
{
    if (j->hooks && j->hooks->progress)
        j->hooks->progress(j->hooks->ud, done, total);
}

/* Wake when a unit finishes or every worker has stopped, and at least ten
 * times a second for the progress line and the stop flag. */
static void watch_workers(shared *sh)
{
    atomic_int *stop = stop_flag(sh->j);
    pthread_mutex_lock(&sh->lock);
    for (;;) {
        pthread_mutex_unlock(&sh->lock);
        progress(sh->j, atomic_load(&sh->done), sh->units);
        pthread_mutex_lock(&sh->lock);
        if (atomic_load(&sh->running) == 0)
            break;
        if (stop && *stop)
            atomic_store(&sh->failed, 1); /* workers stop after their unit */
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 100L * 1000 * 1000;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        if (atomic_load(&sh->running) > 0)
            pthread_cond_timedwait(&sh->changed, &sh->lock, &ts);
    }
    pthread_mutex_unlock(&sh->lock);
    progress(sh->j, atomic_load(&sh->done), sh->units); /* the last word */
}

int pool_run(const pool_job *j, char *msg, size_t n)
{
    int nt = j->threads < 1 ? 1 : j->threads;
    pthread_t *th = calloc((size_t)nt, sizeof *th);
    shared sh;
    if (!th) {
        snprintf(msg, n, "out of memory for %d threads", nt);
        return SIM_NOMEM;
    }
    memset(&sh, 0, sizeof sh);
    sh.j = j;
    sh.units = (int64_t)j->nvariants * j->runs;
    atomic_init(&sh.next, 0);
    atomic_init(&sh.done, 0);
    atomic_init(&sh.failed, 0);
    atomic_init(&sh.running, nt);
    pthread_mutex_init(&sh.lock, NULL);
    pthread_cond_init(&sh.changed, NULL);
    int started = 0;
    for (int i = 0; i < nt; i++) {
        if (pthread_create(&th[i], NULL, worker, &sh) != 0)
            break;
        started++;
    }
    atomic_fetch_sub(&sh.running, nt - started);
    if (started == 0) {
        atomic_fetch_add(&sh.running, 1);
        worker(&sh); /* no thread to be had: do the work here */
    }
    watch_workers(&sh);
    for (int i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    free(th);
    pthread_mutex_destroy(&sh.lock);
    pthread_cond_destroy(&sh.changed);
    if (sh.status) {
        snprintf(msg, n, "%s", sh.msg);
        return sh.status;
    }
    if (atomic_load(&sh.done) < sh.units) {
        snprintf(msg, n, "after %lld of %lld runs", (long long)atomic_load(&sh.done),
                 (long long)sh.units);
        return SIM_STOPPED;
    }
    return SIM_OK;
}
