/* dash_run — the one run the dashboard shows: open it (a world of the
 * engine or a replayed event log), step it, check its ledger at the end,
 * copy its snapshot and the charted series out. */
#define _POSIX_C_SOURCE 200809L
#include "dash_run.h"

#include <stdio.h>
#include <stdlib.h>

#include "../sim/diag.h"
#include "../sim/kpi.h"
#include "../sim/replay.h"
#include "views.h"

struct dash_run {
    const scenario *sc;
    uint64_t run;
    world *w;   /* the run simulated, or */
    replay *rp; /* the log played */
    world_snap *snap;
    double *series[SER_N];
};

static void fault(dash_fault *f, int code, const char *msg)
{
    f->code = code;
    snprintf(f->msg, sizeof f->msg, "%s", msg);
}

void dash_run_free(dash_run *r)
{
    if (!r)
        return;
    world_snap_free(r->snap);
    world_free(r->w);
    replay_free(r->rp);
    for (int k = 0; k < SER_N; k++)
        free(r->series[k]);
    free(r);
}

static int open_replay(dash_run *r, const char *log, dash_fault *f)
{
    /* Live edits on a log are what-if accounting: cash-outs are capped and
     * infeasible rows counted rather than fatal mid-play. */
    replay_opts ro = {1, 1};
    diag dg = {0};
    r->rp = replay_open(r->sc, log, &ro, &dg);
    if (!r->rp)
        fault(f, 2, dg.n ? dg.items[0].text : "cannot open the event log");
    diag_clear(&dg);
    if (!r->rp)
        return -1;
    if (!(r->snap = replay_snap_new(r->rp))) {
        fault(f, 1, "out of memory");
        return -1;
    }
    return 0;
}

static int open_world(dash_run *r, dash_fault *f)
{
    r->w = world_new(r->sc, r->run);
    if (!r->w || !(r->snap = world_snap_new(r->w))) {
        fault(f, 1, "out of memory building the run shown");
        return -1;
    }
    return 0;
}

dash_run *dash_run_open(const scenario *s, const char *log, uint64_t run, int64_t upto,
                        atomic_int *stop, dash_fault *f)
{
    dash_run *r = calloc(1, sizeof *r);
    int ok = r != NULL;
    for (int k = 0; ok && k < SER_N; k++)
        ok = (r->series[k] = calloc((size_t)s->t.p.steps, sizeof(double))) != NULL;
    if (!ok) {
        fault(f, 1, "out of memory");
        dash_run_free(r);
        return NULL;
    }
    r->sc = s;
    r->run = run;
    if ((log ? open_replay(r, log, f) : open_world(r, f)) < 0) {
        dash_run_free(r);
        return NULL;
    }
    int rc = 0;
    while (rc == 0 && dash_run_steps_done(r) < upto && !(stop && atomic_load(stop)))
        rc = dash_run_step(r, f);
    if (rc < 0 || dash_run_snapshot(r, f) < 0) {
        dash_run_free(r);
        return NULL;
    }
    return r;
}

/* The next step of the log; 0, 1 at its end, -1 with why in *f. */
static int replay_next(dash_run *r, kpi_step *row, dash_fault *f)
{
    diag dg = {0};
    int rc = replay_step(r->rp, row, &dg);
    if (rc < 0)
        fault(f, 2, dg.n ? dg.items[0].text : "the event log stopped");
    diag_clear(&dg);
    return rc < 0 ? -1 : rc;
}

/* The next step of the world; 0, 1 at its end, -1 with why in *f. */
static int world_next(dash_run *r, kpi_step *row, dash_fault *f)
{
    int rc = world_step(r->w, row);
    if (rc == WORLD_OVERFLOW) {
        char msg[512];
        world_overflow(r->w, msg, sizeof msg);
        fault(f, 1, msg);
        return -1;
    }
    if (rc < 0) {
        fault(f, 1, "out of memory in the run shown");
        return -1;
    }
    return rc;
}

int dash_run_step(dash_run *r, dash_fault *f)
{
    kpi_step row;
    int64_t s = dash_run_steps_done(r);
    int rc = r->rp ? replay_next(r, &row, f) : world_next(r, &row, f);
    if (rc != 0)
        return rc;
    r->series[SER_CASH_IN][s] = (double)row.v[TS_CASH_IN] / 1e6;
    r->series[SER_PAYOUTS][s] = (double)row.v[TS_PAYOUTS_GROSS] / 1e6;
    r->series[SER_PLATFORM][s] = (double)row.v[TS_PLATFORM_CASH] / 1e6;
    char msg[512];
    if (s + 1 == r->sc->t.p.steps &&
        (r->rp ? replay_check(r->rp, msg, sizeof msg) : world_check(r->w, msg, sizeof msg)) < 0) {
        f->code = 3;
        snprintf(f->msg, sizeof f->msg, "ledger identity broken in run %llu after step %lld: %s",
                 (unsigned long long)r->run, (long long)s, msg);
        return -1;
    }
    return 0;
}

int dash_run_snapshot(dash_run *r, dash_fault *f)
{
    if (!r->rp) {
        world_snapshot(r->w, r->snap);
        return 0;
    }
    if (replay_snapshot(r->rp, r->snap) < 0) {
        fault(f, 1, "out of memory in a snapshot");
        return -1;
    }
    return 0;
}

const world_snap *dash_run_snap(const dash_run *r) { return r->snap; }

const double *dash_run_series(const dash_run *r, int k) { return r->series[k]; }

int64_t dash_run_steps_done(const dash_run *r)
{
    return r->rp ? replay_steps_done(r->rp) : world_steps_done(r->w);
}

const sc_tables *dash_run_tables(const dash_run *r)
{
    return r->rp ? replay_tables(r->rp) : world_tables(r->w);
}

uint64_t dash_run_number(const dash_run *r) { return r->run; }
