#define _POSIX_C_SOURCE 200809L
#include "mc.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "world.h"

int mc_one(const scenario *s, uint64_t run, const mc_opts *o, run_result *res, kpi_step *ts,
           int64_t *packs, char *msg, size_t n)
{
    char why[512];
    int st = SIM_OK, rc;
    world *w = world_new(s, run);
    if (!w) {
        snprintf(msg, n, "out of memory building run %llu", (unsigned long long)run);
        return SIM_NOMEM;
    }
    int64_t steps = s->t.p.steps;
    world_watch(w, o->stop);
    for (int64_t i = 0; i < steps && st == SIM_OK; i++) {
        if ((o->stop && *o->stop) || (rc = world_step(w, &ts[i])) == WORLD_STOPPED) {
            snprintf(msg, n, "stopped in run %llu at step %lld", (unsigned long long)run,
                     (long long)i);
            st = SIM_STOPPED;
        } else if (rc == WORLD_OVERFLOW) {
            world_overflow(w, msg, n);
            st = SIM_OVERFLOW;
        } else if (rc < 0) {
            snprintf(msg, n, "out of memory in run %llu, step %lld", (unsigned long long)run,
                     (long long)i);
            st = SIM_NOMEM;
        } else {
            if (i == o->fault_step)
                world_inject_fault(w);
            if ((o->check || i == steps - 1) && world_check(w, why, sizeof why) < 0) {
                snprintf(msg, n, "ledger identity broken in run %llu after step %lld: %s",
                         (unsigned long long)run, (long long)i, why);
                st = SIM_LEDGER;
            }
        }
    }
    if (st == SIM_OK && world_result(w, ts, steps, res) < 0) {
        snprintf(msg, n, "out of memory finishing run %llu", (unsigned long long)run);
        st = SIM_NOMEM;
    }
    if (st == SIM_OK && packs)
        world_pack_totals(w, packs);
    world_free(w);
    return st;
}

typedef struct job {
    const scenario *s;
    const mc_opts *o;
    mc_result *r;
    atomic_llong next, done;
    atomic_int failed, running;
    pthread_mutex_t lock;
    pthread_cond_t changed; /* a run finished or a worker stopped */
    int status;
    long long status_run; /* the run whose failure msg is */
    char msg[600];
} job;

static void *worker(void *arg)
{
    job *j = arg;
    for (;;) {
        if (atomic_load(&j->failed) || (j->o->stop && *j->o->stop))
            break;
        long long i = atomic_fetch_add(&j->next, 1);
        if (i >= j->r->runs)
            break;
        char msg[600];
        uint64_t run = (uint64_t)i + (uint64_t)(j->o->first > 0 ? j->o->first : 1);
        int st = mc_one(j->s, run, j->o, &j->r->res[i], &j->r->ts[i * j->r->steps],
                        &j->r->packs[(size_t)i * j->r->npacks * 2], msg, sizeof msg);
        if (st == SIM_STOPPED)
            break; /* not done: mc_run says how many were */
        if (st != SIM_OK) {
            /* The lowest failing run is reported: every run below it was
             * started and runs to its end, so which one that is does not
             * depend on the threads' timing. */
            pthread_mutex_lock(&j->lock);
            if (!j->status || i < j->status_run) {
                j->status = st;
                j->status_run = i;
                snprintf(j->msg, sizeof j->msg, "%s", msg);
            }
            pthread_mutex_unlock(&j->lock);
            atomic_store(&j->failed, 1);
            break;
        }
        atomic_fetch_add(&j->done, 1);
        pthread_mutex_lock(&j->lock);
        pthread_cond_signal(&j->changed);
        pthread_mutex_unlock(&j->lock);
    }
    pthread_mutex_lock(&j->lock);
    atomic_fetch_sub(&j->running, 1);
    pthread_cond_signal(&j->changed);
    pthread_mutex_unlock(&j->lock);
    return NULL;
}

void mc_result_free(mc_result *r)
{
    if (!r)
        return;
    free(r->res);
    free(r->ts);
    free(r->packs);
    free(r);
}

int mc_run(const scenario *s, const mc_opts *o, mc_result **out, char *msg, size_t n)
{
    mc_result *r = calloc(1, sizeof *r);
    int nt = o->threads < 1 ? 1 : o->threads;
    pthread_t *th = calloc((size_t)nt, sizeof *th);
    job j;

    *out = NULL;
    if (r) {
        r->runs = o->runs;
        r->steps = s->t.p.steps;
        r->res = calloc((size_t)r->runs, sizeof *r->res);
        r->ts = calloc((size_t)(r->runs * r->steps), sizeof *r->ts);
        r->npacks = s->t.npacks;
        r->packs = calloc((size_t)r->runs * (r->npacks ? r->npacks : 1) * 2, sizeof *r->packs);
    }
    if (!r || !th || !r->res || !r->ts || !r->packs) {
        snprintf(msg, n, "out of memory for %lld runs of %lld steps", (long long)o->runs,
                 (long long)s->t.p.steps);
        mc_result_free(r);
        free(th);
        return SIM_NOMEM;
    }
    memset(&j, 0, sizeof j);
    j.s = s;
    j.o = o;
    j.r = r;
    atomic_init(&j.next, 0);
    atomic_init(&j.done, 0);
    atomic_init(&j.failed, 0);
    atomic_init(&j.running, nt);
    pthread_mutex_init(&j.lock, NULL);
    pthread_cond_init(&j.changed, NULL);
    int started = 0;
    for (int i = 0; i < nt; i++) {
        if (pthread_create(&th[i], NULL, worker, &j) != 0)
            break;
        started++;
    }
    atomic_fetch_sub(&j.running, nt - started);
    if (started == 0) {
        atomic_fetch_add(&j.running, 1);
        worker(&j); /* no thread to be had: do the work here */
    }
    /* Wake when a run finishes or every worker has stopped, and at least
     * ten times a second for the progress line and the stop flag. */
    pthread_mutex_lock(&j.lock);
    for (;;) {
        long long d = atomic_load(&j.done);
        if (o->progress) {
            pthread_mutex_unlock(&j.lock);
            o->progress(o->ud, d, r->runs);
            pthread_mutex_lock(&j.lock);
        }
        if (atomic_load(&j.running) == 0)
            break;
        if (o->stop && *o->stop) {
            atomic_store(&j.failed, 1); /* workers stop after their run */
        }
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 100L * 1000 * 1000;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        if (atomic_load(&j.running) > 0)
            pthread_cond_timedwait(&j.changed, &j.lock, &ts);
    }
    pthread_mutex_unlock(&j.lock);
    if (o->progress) /* the last word, so a progress line can close */
        o->progress(o->ud, atomic_load(&j.done), r->runs);
    for (int i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    free(th);
    pthread_mutex_destroy(&j.lock);
    pthread_cond_destroy(&j.changed);
    if (j.status) {
        snprintf(msg, n, "%s", j.msg);
        mc_result_free(r);
        return j.status;
    }
    if (atomic_load(&j.done) < r->runs) {
        snprintf(msg, n, "after %lld of %lld runs", (long long)atomic_load(&j.done),
                 (long long)r->runs);
        mc_result_free(r);
        return SIM_STOPPED;
    }
    *out = r;
    return SIM_OK;
}
