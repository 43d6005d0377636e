#define _POSIX_C_SOURCE 200809L
#include "pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dist.h"

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

/* The units this process runs: base, base + stride, ... below units (all
 * of them, or a rank's share of an MPI job). */
typedef struct shared {
    const pool_job *j;
    int64_t units, mine;
    long long base, stride;
    atomic_llong next, done;
    atomic_llong limit; /* no unit from here on starts: the lowest failing unit known */
    atomic_int running;
    pthread_mutex_t lock;
    pthread_cond_t changed; /* a unit finished or a worker stopped */
    int status;
    long long status_unit; /* the unit whose failure msg is */
    char msg[600];
    int64_t seen; /* over MPI ranks: the units done in the last round */
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

static void lower_limit(shared *sh, long long u)
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
    lower_limit(sh, u);
}

static void *worker(void *arg)
{
    shared *sh = arg;
    atomic_int *stop = stop_flag(sh->j);
    for (;;) {
        if (stop && *stop)
            break;
        long long k = atomic_fetch_add(&sh->next, 1);
        if (k >= sh->mine)
            break;
        /* Units are taken in increasing order: once one is at or past
         * the limit, so are all that follow. */
        long long u = sh->base + k * sh->stride;
        if (u >= atomic_load(&sh->limit))
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

/* Wait (sh->lock held) until a unit finishes or ms milliseconds pass. */
static void wait_ms(shared *sh, long ms)
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
        progress(sh->j, atomic_load(&sh->done), sh->units);
        pthread_mutex_lock(&sh->lock);
        if (atomic_load(&sh->running) == 0)
            break;
        wait_ms(sh, 100);
    }
    pthread_mutex_unlock(&sh->lock);
    progress(sh->j, atomic_load(&sh->done), sh->units); /* the last word */
}

/* ------------------------------------------------------ over MPI ranks */

/* This rank's state for a round: units done and whether its workers have
 * all stopped (summed over ranks); the lowest failing unit known
 * (minimised). */
static void round_fill(shared *sh, dist_round *r)
{
    int idle = atomic_load(&sh->running) == 0; /* first: then the rest is final */
    r->nsum = 2;
    r->sum[0] = atomic_load(&sh->done);
    r->sum[1] = idle;
    r->nmin = 1;
    r->min[0] = atomic_load(&sh->limit);
    dist_round_start(r);
}

/* The ranks' rounds while the workers work, about ten a second, until
 * every rank's workers have stopped: the job's progress, and a failure on
 * one rank stops every rank's units above it. Leaves the job's figures in
 * *r and returns 0; or -1 at once when the stop flag is set: the process
 * is ending, and a rank it leaves is ended by the launcher (a rank that
 * died takes no part in rounds, so waiting for one could be forever). */
static int watch_ranks(shared *sh, dist_round *r)
{
    atomic_int *stop = stop_flag(sh->j);
    round_fill(sh, r);
    pthread_mutex_lock(&sh->lock);
    for (;;) {
        if (stop && *stop) {
            pthread_mutex_unlock(&sh->lock);
            return -1;
        }
        if (dist_round_done(r)) {
            pthread_mutex_unlock(&sh->lock);
            progress(sh->j, r->sum[0], sh->units);
            lower_limit(sh, r->min[0]);
            if (r->sum[1] == dist_size())
                return 0;
            sh->seen = r->sum[0];
            round_fill(sh, r);
            pthread_mutex_lock(&sh->lock);
        }
        /* Idle, this rank only waits for the others: ask often. */
        wait_ms(sh, atomic_load(&sh->running) > 0 ? 100 : 1);
    }
}

/* The owner of unit u: the ranks take the units in turn, starting from
 * the watched unit (whose hooks write to rank 0's files) at rank 0. */
static int owner(long long u, long long shift)
{
    long long n = dist_size();
    return (int)(((u - shift) % n + n) % n);
}

static long long watched_unit(const pool_job *j)
{
    if (!j->watch || j->watch_variant >= j->nvariants || j->watch_run < j->first ||
        j->watch_run - j->first >= (uint64_t)j->runs)
        return 0;
    return (long long)j->watch_variant * j->runs + (long long)(j->watch_run - j->first);
}

typedef struct span {
    void *p;
    size_t n;
} span;

/* Unit u's results as bytes: its result, its rows, its breakdowns. */
static size_t unit_bytes(const pool_job *j, long long u)
{
    size_t v = (size_t)(u / j->runs), b = sizeof(run_result);
    if (j->rows)
        b += (size_t)j->variants[v]->t.p.steps * sizeof(kpi_step);
    if (j->brk)
        b += j->brk[v].nraw * sizeof(int64_t) + CR_N * sizeof(double);
    return b;
}

/* Copy unit u's results into buf (out) or from it; returns the bytes. */
static size_t unit_copy(const pool_job *j, long long u, char *buf, int out)
{
    size_t v = (size_t)(u / j->runs), at = 0;
    span part[4] = {{&j->res[u], sizeof(run_result)}};
    int np = 1;
    if (j->rows) {
        int64_t steps = j->variants[v]->t.p.steps;
        part[np++] = (span){&j->rows[u * steps], (size_t)steps * sizeof(kpi_step)};
    }
    if (j->brk) {
        brk_block blk = brk_at(&j->brk[v], j->brk_base + u % j->runs);
        part[np++] = (span){blk.raw, j->brk[v].nraw * sizeof(int64_t)};
        part[np++] = (span){blk.cr, CR_N * sizeof(double)};
    }
    for (int i = 0; i < np; i++) {
        if (out)
            memcpy(buf + at, part[i].p, part[i].n);
        else
            memcpy(part[i].p, buf + at, part[i].n);
        at += part[i].n;
    }
    return at;
}
/* Every rank's results to every rank, in pieces of at most CHUNK bytes
 * (or one unit): each rank in turn sends its units, in their order. The
 * ranks all know who has which unit and its size, so nothing else is
 * said. Returns SIM_OK or SIM_NOMEM (msg), the same on every rank. */
static int exchange(shared *sh, long long shift, char *msg, size_t n)
{
    enum { CHUNK = 32 << 20 };
    const pool_job *j = sh->j;
    int ranks = dist_size(), me = dist_rank();
    size_t cap = CHUNK;
    for (size_t v = 0; v < j->nvariants; v++) {
        size_t b = unit_bytes(j, (long long)v * j->runs);
        cap = b > cap ? b : cap;
    }
    char *buf = malloc(cap);
    snprintf(msg, n, "out of memory for %zu bytes to exchange results", cap);
    if (dist_agree(!buf, msg, n)) {
        free(buf);
        return SIM_NOMEM;
    }
    for (int r = 0; r < ranks; r++) {
        long long first = (shift + r) % ranks;
        for (long long u = first; u < sh->units;) {
            size_t len = 0;
            long long end = u;
            while (end < sh->units && (end == u || len + unit_bytes(j, end) <= cap)) {
                if (r == me)
                    unit_copy(j, end, buf + len, 1);
                len += unit_bytes(j, end);
                end += ranks;
            }
            dist_bcast(buf, len, r);
            for (long long k = u, at = 0; r != me && k < end; k += ranks)
                at += (long long)unit_copy(j, k, buf + at, 0);
            u = end;
        }
    }
    free(buf);
    return SIM_OK;
}

/* A digest of the job's shape, which every rank must share: the units,
 * and the bytes of each variant's results. */
static int64_t shape_digest(const pool_job *j)
{
    uint64_t h = 1469598103934665603ULL;
    uint64_t w[5] = {j->nvariants, (uint64_t)j->runs, j->first, j->rows != NULL, j->brk != NULL};
    for (int i = 0; i < 5; i++)
        h = (h ^ w[i]) * 1099511628211ULL;
    for (size_t v = 0; v < j->nvariants; v++)
        h = (h ^ unit_bytes(j, (long long)v * j->runs)) * 1099511628211ULL;
    return (int64_t)(h >> 2);
}

/* Whether every rank has this job: 0, or SIM_BADINPUT with msg. */
static int same_job(const pool_job *j, char *msg, size_t n)
{
    dist_round r = {.nmin = 2, .min = {shape_digest(j), -shape_digest(j)}};
    dist_round_start(&r);
    while (!dist_round_done(&r))
        nanosleep(&(struct timespec){0, 1000 * 1000}, NULL);
    if (r.min[0] == -r.min[1])
        return 0;
    snprintf(msg, n,
             "the ranks of the MPI job were given different work: every rank must read the "
             "same scenario (on storage all nodes share) with the same arguments");
    return SIM_BADINPUT;
}

/* After the rounds (r): the lowest failing unit's status and message,
 * from its owner; or SIM_STOPPED; or every result on every rank. */
static int ranks_outcome(shared *sh, const dist_round *r, long long shift, char *msg, size_t n)
{
    if (r->min[0] < sh->units) {
        struct {
            int status;
            char msg[600];
        } f = {0};
        int who = owner(r->min[0], shift);
        if (who == dist_rank()) {
            f.status = sh->status;
            snprintf(f.msg, sizeof f.msg, "%s", sh->msg);
        }
        dist_bcast(&f, sizeof f, who);
        snprintf(msg, n, "%s", f.msg);
        return f.status;
    }
    if (r->sum[0] < sh->units) {
        snprintf(msg, n, "after %lld of %lld runs", (long long)r->sum[0], (long long)sh->units);
        return SIM_STOPPED;
    }
    return exchange(sh, shift, msg, n);
}

int pool_run(const pool_job *j, char *msg, size_t n)
{
    int nt = j->threads < 1 ? 1 : j->threads, ranks = dist_size(), st;
    if (ranks > 1 && (st = same_job(j, msg, n)))
        return st;
    pthread_t *th = calloc((size_t)nt, sizeof *th);
    snprintf(msg, n, "out of memory for %d threads", nt);
    if (dist_agree(!th, msg, n)) {
        free(th);
        return SIM_NOMEM;
    }
    shared sh;
    memset(&sh, 0, sizeof sh);
    sh.j = j;
    sh.units = (int64_t)j->nvariants * j->runs;
    long long shift = ranks > 1 ? watched_unit(j) : 0;
    sh.base = (shift + dist_rank()) % ranks;
    sh.stride = ranks;
    sh.mine = sh.base < sh.units ? (sh.units - sh.base + ranks - 1) / ranks : 0;
    atomic_init(&sh.next, 0);
    atomic_init(&sh.done, 0);
    atomic_init(&sh.limit, sh.units);
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
    dist_round r;
    int left = 0;
    if (ranks > 1)
        left = watch_ranks(&sh, &r) < 0;
    else
        watch_workers(&sh);
    for (int i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    free(th);
    pthread_mutex_destroy(&sh.lock);
    pthread_cond_destroy(&sh.changed);
    if (left) {
        snprintf(msg, n, "after %lld of %lld runs", (long long)sh.seen, (long long)sh.units);
        return SIM_STOPPED;
    }
    if (ranks > 1)
        return ranks_outcome(&sh, &r, shift, msg, n);
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
