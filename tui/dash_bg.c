/* dash_bg — the runs behind the dashboard's band: a Monte Carlo job on
 * threads of its own per start, jobs made stale stopped and joined later,
 * and the band computed from the last job that finished. */
#define _POSIX_C_SOURCE 200809L
#include "dash_bg.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "../sim/kpi.h"
#include "../sim/mc.h"
#include "../sim/stats.h"
#include "../sim/status.h"

typedef struct bgjob {
    pthread_t th;
    scenario *sc;
    mc_opts o;
    mc_result *r;
    int status;
    char msg[512];
    atomic_int stop;
    atomic_int finished;
    atomic_llong done;
    struct bgjob *next;
} bgjob;

struct dash_bg {
    bgjob *job;     /* the job running for the scenario as it is now */
    bgjob *retired; /* told to stop, not yet joined */
    int64_t total;  /* runs of the last job started */
    band b;
    int band_ok;
};

static void job_progress(void *ud, int64_t done, int64_t total)
{
    (void)total;
    atomic_store(&((bgjob *)ud)->done, done);
}

static void *job_main(void *arg)
{
    bgjob *j = arg;
    j->status = mc_run(j->sc, &j->o, &j->r, j->msg, sizeof j->msg);
    atomic_store(&j->finished, 1);
    return NULL;
}

static void job_free(bgjob *j)
{
    pthread_join(j->th, NULL);
    mc_result_free(j->r);
    scenario_free(j->sc);
    free(j);
}

dash_bg *dash_bg_new(int64_t steps)
{
    dash_bg *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    for (int k = 0; k < SER_N; k++) {
        g->b.mean[k] = calloc((size_t)steps, sizeof(double));
        g->b.lo[k] = calloc((size_t)steps, sizeof(double));
        g->b.hi[k] = calloc((size_t)steps, sizeof(double));
        if (!g->b.mean[k] || !g->b.lo[k] || !g->b.hi[k]) {
            dash_bg_free(g);
            return NULL;
        }
    }
    return g;
}

/* Tell the current job to stop and put it with the retired ones. */
static void retire(dash_bg *g)
{
    if (!g->job)
        return;
    g->job->stop = 1;
    g->job->next = g->retired;
    g->retired = g->job;
    g->job = NULL;
}

void dash_bg_free(dash_bg *g)
{
    if (!g)
        return;
    retire(g);
    for (bgjob *j = g->retired; j;) {
        bgjob *n = j->next;
        job_free(j);
        j = n;
    }
    for (int k = 0; k < SER_N; k++) {
        free(g->b.mean[k]);
        free(g->b.lo[k]);
        free(g->b.hi[k]);
    }
    free(g);
}

int dash_bg_start(dash_bg *g, const scenario *s, int threads, char *msg, size_t n)
{
    retire(g);
    g->band_ok = 0;
    bgjob *j = calloc(1, sizeof *j);
    if (!j || !(j->sc = scenario_clone(s))) {
        free(j);
        snprintf(msg, n, "out of memory: no band across runs");
        return -1;
    }
    j->o.runs = s->t.p.runs;
    j->o.threads = threads;
    j->o.hooks.progress = job_progress;
    j->o.hooks.ud = j;
    j->o.hooks.stop = &j->stop;
    j->o.fault_step = -1;
    atomic_init(&j->finished, 0);
    atomic_init(&j->done, 0);
    if (pthread_create(&j->th, NULL, job_main, j) != 0) {
        scenario_free(j->sc);
        free(j);
        snprintf(msg, n, "cannot start a thread: no band across runs");
        return -1;
    }
    g->job = j;
    g->total = j->o.runs;
    return 0;
}

/* The band from every run of r; none (out of memory) leaves band_ok 0. */
static void band_from(dash_bg *g, const mc_result *r)
{
    int64_t n = r->runs, steps = r->steps;
    double *x = malloc((size_t)n * sizeof *x), *tmp = malloc((size_t)n * sizeof *tmp);
    if (!x || !tmp) {
        free(x);
        free(tmp);
        return;
    }
    static const int col[SER_N] = {TS_CASH_IN, TS_PAYOUTS_GROSS, TS_PLATFORM_CASH};
    for (int k = 0; k < SER_N; k++)
        for (int64_t s = 0; s < steps; s++) {
            stat_row st;
            for (int64_t i = 0; i < n; i++)
                x[i] = (double)r->ts[i * steps + s].v[col[k]] / 1e6;
            stats_summary(x, (size_t)n, tmp, &st);
            g->b.mean[k][s] = st.mean;
            g->b.lo[k][s] = st.p5;
            g->b.hi[k][s] = st.p95;
        }
    free(x);
    free(tmp);
    g->b.nsteps = (int)steps;
    g->band_ok = 1;
}

int dash_bg_poll(dash_bg *g, char *msg, size_t n)
{
    int status = SIM_OK;
    if (g->job && atomic_load(&g->job->finished)) {
        bgjob *j = g->job;
        g->job = NULL;
        if (j->status == SIM_OK)
            band_from(g, j->r);
        else if (j->status != SIM_STOPPED) {
            status = j->status;
            snprintf(msg, n, "%s", j->msg);
        }
        job_free(j);
    }
    for (bgjob **p = &g->retired; *p;) {
        if (atomic_load(&(*p)->finished)) {
            bgjob *j = *p;
            *p = j->next;
            job_free(j);
        } else {
            p = &(*p)->next;
        }
    }
    return status;
}

const band *dash_bg_band(const dash_bg *g) { return g->band_ok ? &g->b : NULL; }

int dash_bg_progress(const dash_bg *g, int64_t *done, int64_t *total)
{
    *total = g->total;
    *done = g->job ? (int64_t)atomic_load(&g->job->done) : 0;
    return g->job != NULL;
}
