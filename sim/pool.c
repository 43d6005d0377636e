#define _POSIX_C_SOURCE 200809L
#include "pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pool_int.h"

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

long long pool_watched_unit(const pool_job *j)
{
    if (!j->watch || j->watch_variant >= j->nvariants || j->watch_run < j->first ||
        j->watch_run - j->first >= (uint64_t)j->runs)
        return -1;
    return (long long)j->watch_variant * j->runs + (long long)(j->watch_run - j->first);
}

/* One process's outcome: the lowest failing unit's, or SIM_STOPPED. */
static int outcome(shared *sh, char *msg, size_t n)
{
    if (sh->status) {
        snprintf(msg, n, "%s", sh->msg);
        return sh->status;
    }
    if (atomic_load(&sh->done) < sh->units) {
        snprintf(msg, n, "after %lld of %lld runs", (long long)atomic_load(&sh->done),
                 (long long)sh->units);
        return SIM_STOPPED;
    }
    return SIM_OK;
}

/* Unit u of the job. */
static int unit(const shared *sh, long long u, char *msg, size_t n)
{
    const pool_job *j = sh->j;
    size_t v = (size_t)(u / j->runs);
    uint64_t run_no = j->first + (uint64_t)(u % j->runs);
    const scenario *s = j->variants[v];
    run_hooks quiet = {.stop = pool_stop_flag(j)}, watched;
    const run_hooks *h = &quiet;
    if (u == sh->watched) {
        watched = *j->watch;
        watched.stop = pool_stop_flag(j);
        h = &watched;
    }
    kpi_step *rows = j->rows ? &j->rows[u * s->t.p.steps] : NULL;
    brk_block blk;
    if (j->brk)
        blk = brk_at(&j->brk[v], j->brk_base + u % j->runs);
    return pool_unit(s, run_no, j->check, j->fault_step, &j->res[u], rows, j->brk ? &blk : NULL, h,
                     msg, n);
}

void pool_lower_limit(shared *sh, long long u)
{
    long long l = atomic_load(&sh->limit);
    while (u < l && !atomic_compare_exchange_weak(&sh->limit, &l, u))
        ;
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
    pool_lower_limit(sh, u);
}

long long pool_next(shared *sh)
{
    long long u;
    do
        u = atomic_fetch_add(&sh->next, 1);
    while (u == sh->watched);
    return u;
}

long long pool_take(shared *sh)
{
    if (sh->ranks == 1)
        return atomic_fetch_add(&sh->next, 1);
    if (sh->rank == 0) {
        if (sh->watched >= 0 && !atomic_exchange(&sh->took_watched, 1))
            return sh->watched;
        return pool_next(sh);
    }
    long long u = sh->units;
    pthread_mutex_lock(&sh->lock);
    while (sh->nfed == 0 && !sh->fed_over) {
        pthread_cond_signal(&sh->changed); /* the calling thread asks rank 0 */
        pthread_cond_wait(&sh->fed_cond, &sh->lock);
    }
    if (sh->nfed > 0) {
        u = sh->fed[sh->fed_at];
        sh->fed_at = (sh->fed_at + 1) % POOL_FEED;
        sh->nfed--;
    }
    if (sh->nfed <= sh->low_water)
        pthread_cond_signal(&sh->changed); /* ask for more before it runs out */
    pthread_mutex_unlock(&sh->lock);
    return u;
}

static void *worker(void *arg)
{
    shared *sh = arg;
    atomic_int *stop = pool_stop_flag(sh->j);
    for (;;) {
        if (stop && *stop)
            break;
        /* Units are handed out in increasing order: once one is at or
         * past the limit, so are all that follow. */
        long long u = pool_take(sh);
        if (u == sh->watched && u >= atomic_load(&sh->limit))
            continue; /* rank 0's first, out of order: those after it may be below */
        if (u >= sh->units || u >= atomic_load(&sh->limit))
            break;
        if (sh->owner)
            sh->owner[u] = sh->rank;
        char msg[600];
        int st = unit(sh, u, msg, sizeof msg);
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

void pool_progress(const pool_job *j, long long done, int64_t total)
{
    if (j->hooks && j->hooks->progress)
        j->hooks->progress(j->hooks->ud, done, total);
}

/* Wait (sh->lock held) until a unit finishes or ms milliseconds pass. */
void pool_wait_ms(shared *sh, long ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += ms * 1000 * 1000;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(&sh->changed, &sh->lock, &ts);
}

/* Wake when a unit finishes or every worker has stopped, and at least ten
 * times a second for the progress line and the stop flag. */
static void watch_workers(shared *sh)
{
    pthread_mutex_lock(&sh->lock);
    for (;;) {
        pthread_mutex_unlock(&sh->lock);
        pool_progress(sh->j, atomic_load(&sh->done), sh->units);
        pthread_mutex_lock(&sh->lock);
        if (atomic_load(&sh->running) == 0)
            break;
        pool_wait_ms(sh, 100);
    }
    pthread_mutex_unlock(&sh->lock);
    pool_progress(sh->j, atomic_load(&sh->done), sh->units); /* the last word */
}

int pool_run(const pool_job *j, char *msg, size_t n)
{
    int nt = j->threads < 1 ? 1 : j->threads, st = SIM_OK;
    int ranks = dist_size(), rank = dist_rank();
    atomic_int *stop = pool_stop_flag(j);
    if (ranks > 1 && stop && *stop) { /* leaving: no rank is waited for (pool.h) */
        snprintf(msg, n, "after 0 of %lld runs", (long long)j->nvariants * j->runs);
        return SIM_STOPPED;
    }
    if (ranks > 1 && (st = pool_same_job(j, msg, n)))
        return st;
    shared *sh = calloc(1, sizeof *sh);
    pthread_t *th = calloc((size_t)nt, sizeof *th);
    int *owner = ranks > 1 ? malloc((size_t)j->nvariants * (size_t)j->runs * sizeof *owner) : NULL;
    int serving = ranks > 1 && rank == 0;
    if (sh && serving) {
        sh->give = calloc((size_t)ranks, sizeof *sh->give);
        sh->sent = calloc((size_t)ranks, sizeof *sh->sent);
    }
    int bad = !sh || !th || (ranks > 1 && !owner) || (serving && (!sh->give || !sh->sent));
    snprintf(msg, n, "out of memory for %d threads", nt);
    if (dist_agree(bad, msg, n) || bad) { /* (any rank's failure is every rank's) */
        if (sh) {
            free(sh->give);
            free(sh->sent);
        }
        free(sh);
        free(th);
        free(owner);
        return SIM_NOMEM;
    }
    sh->j = j;
    sh->nt = nt;
    sh->units = (int64_t)j->nvariants * j->runs;
    sh->ranks = ranks;
    sh->rank = rank;
    sh->owner = owner;
    for (int64_t u = 0; owner && u < sh->units; u++)
        owner[u] = -1;
    sh->watched = pool_watched_unit(j);
    atomic_init(&sh->next, 0);
    atomic_init(&sh->done, 0);
    atomic_init(&sh->limit, sh->units);
    atomic_init(&sh->running, nt);
    atomic_init(&sh->took_watched, 0);
    pthread_mutex_init(&sh->lock, NULL);
    pthread_cond_init(&sh->changed, NULL);
    pthread_cond_init(&sh->fed_cond, NULL);
    int started = 0;
    for (int i = 0; i < nt; i++) {
        if (pthread_create(&th[i], NULL, worker, sh) != 0)
            break;
        started++;
    }
    atomic_fetch_sub(&sh->running, nt - started);
    if (started == 0 && ranks == 1) {
        atomic_fetch_add(&sh->running, 1);
        worker(sh); /* no thread to be had: do the work here */
    }
    if (ranks > 1)
        st = pool_ranks_watch(sh, msg, n);
    else
        watch_workers(sh);
    for (int i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    free(th);
    if (ranks <= 1)
        st = outcome(sh, msg, n);
    if (ranks > 1 && st == SIM_STOPPED)
        return st; /* sh is left to the ending process: MPI may still write into it */
    pthread_mutex_destroy(&sh->lock);
    pthread_cond_destroy(&sh->changed);
    pthread_cond_destroy(&sh->fed_cond);
    free(sh->owner);
    free(sh->give);
    free(sh->sent);
    free(sh);
    return st;
}
