#define _POSIX_C_SOURCE 200809L
#include "sweep.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mc.h"

size_t sweep_points(const sweep_axis *axes, size_t naxes, size_t limit)
{
    size_t n = 1;
    for (size_t a = 0; a < naxes; a++) {
        if (axes[a].nvalues == 0 || n > limit / axes[a].nvalues)
            return 0;
        n *= axes[a].nvalues;
    }
    return n <= limit ? n : 0;
}

static void pick_of(const sweep_axis *axes, size_t naxes, size_t point, size_t *pick)
{
    for (size_t a = naxes; a-- > 0;) {
        pick[a] = point % axes[a].nvalues;
        point /= axes[a].nvalues;
    }
}

void sweep_points_free(scenario **pts, size_t npoints)
{
    if (!pts)
        return;
    for (size_t i = 0; i < npoints; i++)
        scenario_free(pts[i]);
    free(pts);
}

scenario **sweep_build(const scenario *base, const sweep_axis *axes, size_t naxes, size_t npoints,
                       diag *d)
{
    scenario **pts =
        calloc(npoints, sizeof *pts); // NOLINT(bugprone-sizeof-expression): an array of pointers
    size_t *pick = calloc(naxes ? naxes : 1, sizeof *pick);
    size_t e0 = d->errors;
    if (!pts || !pick) {
        free(pts);
        free(pick);
        diag_add(d, DIAG_ERROR, "sweep", 0, NULL, "out of memory for %zu points", npoints);
        return NULL;
    }
    for (size_t p = 0; p < npoints; p++) {
        if (!(pts[p] = scenario_clone(base))) {
            diag_add(d, DIAG_ERROR, "sweep", 0, NULL, "out of memory for %zu points", npoints);
            break;
        }
        pick_of(axes, naxes, p, pick);
        size_t before = d->errors;
        for (size_t a = 0; a < naxes; a++) {
            char assign[600], label[640];
            snprintf(assign, sizeof assign, "%s=%s", axes[a].target, axes[a].values[pick[a]]);
            snprintf(label, sizeof label, "--vary %s", assign);
            scenario_set(pts[p], assign, label, d);
        }
        /* Warnings from the base itself were shown already: check only
         * for errors a point's values bring. */
        diag pd = {0};
        if (d->errors == before && scenario_check(pts[p], &pd) > 0) {
            for (size_t i = 0; i < pd.n; i++)
                if (pd.items[i].level == DIAG_ERROR) {
                    char where[640] = "";
                    for (size_t a = 0; a < naxes; a++) {
                        size_t l = strlen(where);
                        snprintf(where + l, sizeof where - l, "%s%s=%s", a ? " " : "",
                                 axes[a].target, axes[a].values[pick[a]]);
                    }
                    if (naxes == 1 && strncmp(pd.items[i].text, "--vary ", 7) == 0)
                        diag_add(d, DIAG_ERROR, NULL, 0, NULL, "%s",
                                 pd.items[i].text); /* names the point */
                    else
                        diag_add(d, DIAG_ERROR, NULL, 0, NULL, "at the point %s: %s", where,
                                 pd.items[i].text);
                }
        }
        diag_clear(&pd);
        if (d->errors > e0 + 20)
            break; /* enough to show what is wrong */
    }
    free(pick);
    if (d->errors > e0) {
        sweep_points_free(pts, npoints);
        return NULL;
    }
    return pts;
}

typedef struct pool {
    scenario *const *pts;
    size_t npoints;
    const sweep_opts *o;
    sweep_result *r;
    atomic_llong next, done;
    atomic_int failed;
    pthread_mutex_t lock;
    int status;
    long long status_job; /* the job whose failure msg is */
    char msg[600];
} pool;

static void *work(void *arg)
{
    pool *p = arg;
    mc_opts mo;
    memset(&mo, 0, sizeof mo);
    mo.fault_step = -1;
    mo.stop = p->o->stop;
    long long total = (long long)p->npoints * p->r->runs;
    for (;;) {
        if (atomic_load(&p->failed) || (p->o->stop && *p->o->stop))
            break;
        long long j = atomic_fetch_add(&p->next, 1);
        if (j >= total)
            break;
        size_t pt = (size_t)(j / p->r->runs);
        int64_t run = j % p->r->runs + 1;
        const scenario *s = p->pts[pt];
        kpi_step *ts = malloc((size_t)s->t.p.steps * sizeof *ts);
        char msg[600];
        int st = ts ? mc_one(s, (uint64_t)run, &mo, &p->r->res[j], ts, NULL, msg, sizeof msg)
                    : SIM_NOMEM;
        if (!ts)
            snprintf(msg, sizeof msg, "out of memory");
        free(ts);
        if (st == SIM_STOPPED)
            break; /* counted as not done: see sweep_run */
        if (st != SIM_OK) {
            /* The lowest failing job is reported, whatever the timing (as
             * in mc_run). */
            pthread_mutex_lock(&p->lock);
            if (!p->status || j < p->status_job) {
                p->status = st;
                p->status_job = j;
                snprintf(p->msg, sizeof p->msg, "%s", msg);
            }
            pthread_mutex_unlock(&p->lock);
            atomic_store(&p->failed, 1);
            break;
        }
        atomic_fetch_add(&p->done, 1);
    }
    return NULL;
}

void sweep_free(sweep_result *r)
{
    if (!r)
        return;
    free(r->pick);
    free(r->res);
    free(r);
}

int sweep_run(scenario *const *pts, const sweep_axis *axes, size_t naxes, size_t npoints,
              const sweep_opts *o, sweep_result **out, char *msg, size_t n)
{
    sweep_result *r = calloc(1, sizeof *r);
    int nt = o->threads < 1 ? 1 : o->threads;
    pthread_t *th = calloc((size_t)nt, sizeof *th);
    *out = NULL;
    if (r) {
        r->naxes = naxes;
        r->npoints = npoints;
        r->runs = o->runs;
        r->pick = calloc(npoints * (naxes ? naxes : 1), sizeof *r->pick);
        r->res = calloc(npoints * (size_t)o->runs, sizeof *r->res);
    }
    if (!r || !th || !r->pick || !r->res) {
        snprintf(msg, n, "out of memory for %zu points of %lld runs", npoints, (long long)o->runs);
        sweep_free(r);
        free(th);
        return SIM_NOMEM;
    }
    for (size_t p = 0; p < npoints; p++)
        pick_of(axes, naxes, p, &r->pick[p * naxes]);

    pool pl;
    memset(&pl, 0, sizeof pl);
    pl.pts = pts;
    pl.npoints = npoints;
    pl.o = o;
    pl.r = r;
    atomic_init(&pl.next, 0);
    atomic_init(&pl.done, 0);
    atomic_init(&pl.failed, 0);
    pthread_mutex_init(&pl.lock, NULL);
    int started = 0;
    for (int i = 0; i < nt; i++)
        if (pthread_create(&th[i], NULL, work, &pl) == 0)
            started++;
    if (!started)
        work(&pl);
    long long total = (long long)npoints * o->runs;
    for (;;) {
        long long d = atomic_load(&pl.done);
        if (o->progress)
            o->progress(o->ud, d, total);
        if (d >= total || atomic_load(&pl.failed) || (o->stop && *o->stop) || !started)
            break;
        struct timespec ts = {0, 50L * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    for (int i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    free(th);
    pthread_mutex_destroy(&pl.lock);
    if (pl.status) {
        snprintf(msg, n, "%s", pl.msg);
        sweep_free(r);
        return pl.status;
    }
    if (atomic_load(&pl.done) < total) {
        snprintf(msg, n, "after %lld of %lld runs", (long long)atomic_load(&pl.done), total);
        sweep_free(r);
        return SIM_STOPPED;
    }
    if (o->progress)
        o->progress(o->ud, total, total);
    *out = r;
    return SIM_OK;
}
