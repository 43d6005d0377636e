/* pool_ranks — the pool over the ranks of an MPI job (dist.h).
 *
 * Rank 0 hands the units out, in increasing order, to its own workers and
 * to the other ranks as they ask, a few at a time: a rank on a slower or
 * busier machine simply asks less often. Which rank runs a unit changes
 * nothing in its result. The ranks meet in rounds (progress, the lowest
 * failing unit, whether all have stopped); then every rank receives every
 * result, in unit order, so that every rank holds the bytes one process
 * would and takes the same decisions after the job. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pool_int.h"

enum { TAG_ASK = 7101, TAG_GIVE = 7102 };

/* ----------------------------------------------------- handing units out */

/* Rank 0: up to k units for another rank into give[1..], their count in
 * give[0]; none past the limit. */
static void hand_out(shared *sh, int64_t k, int64_t *give)
{
    int64_t c = 0;
    while (c < k) {
        long long u = pool_next(sh);
        if (u >= sh->units || u >= atomic_load(&sh->limit))
            break;
        give[1 + c++] = u;
    }
    give[0] = c;
}

/* Rank 0 answers every rank that has asked. */
static void serve(shared *sh)
{
    int64_t ask;
    int from;
    while (dist_take(&ask, 1, TAG_ASK, &from)) {
        dist_msg_wait(&sh->sent[from]); /* its last answer, long received */
        hand_out(sh, ask < 0 ? 0 : ask > POOL_FEED ? POOL_FEED : ask, sh->give[from]);
        dist_send(&sh->sent[from], sh->give[from], (int)(1 + sh->give[from][0]), from, TAG_GIVE);
    }
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The units to hold: two for each thread, and a fifth of a second's
 * worth at this rank's pace so far, so that its workers never wait for
 * rank 0, which answers about every 20 ms. */
static int wanted(const shared *sh, const pool_asker *a)
{
    double secs = now() - a->t0;
    double pace = secs > 0 ? (double)atomic_load(&sh->done) / secs : 0;
    double w = 2.0 * sh->nt + 0.2 * pace;
    return w > POOL_FEED ? POOL_FEED : (int)w;
}

/* Another rank: what its workers lack, asked of rank 0 and put in fed. */
static void feed(shared *sh, pool_asker *a)
{
    pthread_mutex_lock(&sh->lock);
    if (a->asking && dist_msg_done(&a->got)) {
        dist_msg_wait(&a->sent);
        a->asking = 0;
        for (int64_t i = 0; i < a->give[0] && sh->nfed < POOL_FEED; i++)
            sh->fed[(sh->fed_at + sh->nfed++) % POOL_FEED] = a->give[1 + i];
        if (a->give[0] == 0)
            sh->fed_over = 1;
        pthread_cond_broadcast(&sh->fed_cond);
    }
    /* Ask once half of what it should hold is left. */
    int want = wanted(sh, a);
    sh->low_water = want / 2;
    if (!a->asking && !sh->fed_over && atomic_load(&sh->running) > 0 && 2 * sh->nfed <= want) {
        a->ask = want - sh->nfed;
        dist_recv(&a->got, a->give, POOL_FEED + 1, 0, TAG_GIVE);
        dist_send(&a->sent, &a->ask, 1, 0, TAG_ASK);
        a->asking = 1;
    }
    pthread_mutex_unlock(&sh->lock);
}

/* ----------------------------------------------------------------- rounds */

/* This rank's state for a round: units done and whether it has stopped
 * (its workers have, and it awaits no answer) are summed over the ranks;
 * the lowest failing unit known is minimised. */
static void round_fill(shared *sh, const pool_asker *a, dist_round *r)
{
    int idle = atomic_load(&sh->running) == 0 && !a->asking; /* first: the rest is final */
    r->nsum = 2;
    r->sum[0] = atomic_load(&sh->done);
    r->sum[1] = idle;
    r->nmin = 1;
    r->min[0] = atomic_load(&sh->limit);
    dist_round_start(r);
}

/* Rounds, and the handing out of units, until every rank has stopped:
 * the job's progress, and a failure on one rank stops every rank's units
 * above it. Leaves the job's figures in *r and returns 0; or -1 at once
 * when the stop flag is set: the process is ending, and a rank it leaves
 * is ended by the launcher (a rank that died takes no part in rounds, so
 * waiting for one could be forever). */
static int watch(shared *sh)
{
    atomic_int *stop = pool_stop_flag(sh->j);
    pool_asker *a = &sh->asker;
    dist_round *r = &sh->round;
    round_fill(sh, a, r);
    for (;;) {
        if (stop && *stop)
            return -1;
        if (sh->rank == 0)
            serve(sh);
        else
            feed(sh, a);
        if (dist_round_done(r)) {
            pool_progress(sh->j, r->sum[0], sh->units);
            pool_lower_limit(sh, r->min[0]);
            sh->seen = r->sum[0];
            if (r->sum[1] == sh->ranks)
                return 0;
            round_fill(sh, a, r);
        }
        /* Each wake takes the core from a worker for a moment: rank 0
         * wakes every 20 ms to answer, another rank every 10 ms while it
         * awaits an answer, else when a worker wants units (or every
         * 100 ms). A rank whose workers have all stopped only waits. */
        pthread_mutex_lock(&sh->lock);
        int hungry = sh->rank > 0 && !a->asking && !sh->fed_over && sh->nfed <= sh->low_water &&
                     atomic_load(&sh->running) > 0;
        long ms = atomic_load(&sh->running) == 0 ? 2 : sh->rank == 0 ? 20 : a->asking ? 10 : 100;
        if (!hungry) /* (a worker's call for units may have come since feed) */
            pool_wait_ms(sh, ms);
        pthread_mutex_unlock(&sh->lock);
    }
}

/* ------------------------------------------------------------ the results */

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

/* The first unit from u on that rank r ran, or units. */
static long long owned(const shared *sh, long long u, int r)
{
    while (u < sh->units && sh->owner[u] != r)
        u++;
    return u;
}

/* Every rank's results to every rank, in pieces of at most CHUNK bytes
 * (or one unit): each rank in turn sends the units it ran, in their
 * order. Every rank knows who ran which (owner) and each unit's size, so
 * nothing else is said. Returns SIM_OK or SIM_NOMEM (msg), the same on
 * every rank. */
static int exchange(shared *sh, char *msg, size_t n)
{
    enum { CHUNK = 32 << 20 };
    const pool_job *j = sh->j;
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
    for (int r = 0; r < sh->ranks; r++)
        for (long long u = owned(sh, 0, r), end; u < sh->units; u = end) {
            size_t len = 0; /* a piece: units u up to end (not included) */
            for (end = u; end < sh->units && (end == u || len + unit_bytes(j, end) <= cap);
                 end = owned(sh, end + 1, r)) {
                if (r == sh->rank)
                    unit_copy(j, end, buf + len, 1);
                len += unit_bytes(j, end);
            }
            dist_bcast(buf, len, r);
            for (long long k = u, at = 0; r != sh->rank && k < end; k = owned(sh, k + 1, r))
                at += (long long)unit_copy(j, k, buf + at, 0);
        }
    free(buf);
    return SIM_OK;
}

/* A digest of the job, which every rank must share: the units, what is
 * kept of each, and each variant's scenario, every value of it. (The
 * tests' fault step is left out: a test gives it to one rank.) */
static int64_t shape_digest(const pool_job *j)
{
    uint64_t h = 1469598103934665603ULL;
    uint64_t w[7] = {j->nvariants,         (uint64_t)j->runs, j->first,
                     j->rows != NULL,      j->brk != NULL,    (uint64_t)j->check,
                     (uint64_t)j->brk_base};
    for (int i = 0; i < 7; i++)
        h = (h ^ w[i]) * 1099511628211ULL;
    for (size_t v = 0; v < j->nvariants; v++) /* (the results' sizes follow from these) */
        h = (h ^ scenario_digest(j->variants[v])) * 1099511628211ULL;
    return (int64_t)(h >> 2);
}

int pool_same_job(const pool_job *j, char *msg, size_t n)
{
    atomic_int *stop = pool_stop_flag(j);
    int64_t d = shape_digest(j);
    static dist_round r; /* (static: a rank leaving on a signal leaves it in flight) */
    r = (dist_round){.nmin = 2, .min = {d, -d}};
    dist_round_start(&r);
    while (!dist_round_done(&r)) {
        if (stop && *stop) { /* leaving: see pool_ranks_watch */
            snprintf(msg, n, "after 0 of %lld runs", (long long)j->nvariants * j->runs);
            return SIM_STOPPED;
        }
        nanosleep(&(struct timespec){0, 1000000L}, NULL);
    }
    if (r.min[0] == -r.min[1])
        return 0;
    snprintf(msg, n,
             "the ranks of the MPI job were given different work: every rank must read the "
             "same scenario (on storage all nodes share) with the same arguments");
    return SIM_BADINPUT;
}

/* After the rounds (r): the lowest failing unit's status and message,
 * from the rank that ran it; or SIM_STOPPED; or every result on every
 * rank. */
static int ranks_outcome(shared *sh, const dist_round *r, char *msg, size_t n)
{
    dist_max(sh->owner, (size_t)sh->units);
    if (r->min[0] < sh->units) {
        struct {
            int status;
            char msg[600];
        } f = {0};
        int who = sh->owner[r->min[0]];
        if (who == sh->rank) {
            f.status = sh->status;
            snprintf(f.msg, sizeof f.msg, "%s", sh->msg);
        }
        dist_bcast(&f, sizeof f, who);
        snprintf(msg, n, "%s", f.msg);
        return f.status;
    }
    if (r->sum[0] < sh->units) { /* no rank could start a worker */
        snprintf(msg, n, "after %lld of %lld runs: no thread could be started to run the rest",
                 (long long)r->sum[0], (long long)sh->units);
        return SIM_NOMEM;
    }
    return exchange(sh, msg, n);
}

int pool_ranks_watch(shared *sh, char *msg, size_t n)
{
    sh->asker.t0 = now();
    if (watch(sh) < 0) {
        /* Leaving: the workers waiting for units must end too. */
        pthread_mutex_lock(&sh->lock);
        sh->fed_over = 1;
        pthread_cond_broadcast(&sh->fed_cond);
        pthread_mutex_unlock(&sh->lock);
        snprintf(msg, n, "after %lld of %lld runs", (long long)sh->seen, (long long)sh->units);
        return SIM_STOPPED;
    }
    for (int k = 0; sh->rank == 0 && k < sh->ranks; k++)
        dist_msg_wait(&sh->sent[k]);
    return ranks_outcome(sh, &sh->round, msg, n);
}
