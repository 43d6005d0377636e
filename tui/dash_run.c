/* dash_run — the one run the dashboard shows: a source (a world of the
 * engine or a replayed event log) driven step by step by the engine's run
 * loop, which checks its ledger; the series charted come from the loop's
 * step hook, the snapshot from the source. */
#define _POSIX_C_SOURCE 200809L
#include "dash_run.h"

#include <stdio.h>
#include <stdlib.h>

#include "../sim/diag.h"
#include "../sim/kpi.h"
#include "../sim/replay.h"
#include "../sim/run.h"
#include "cli.h"
#include "views.h"

struct dash_run {
    const scenario *sc;
    uint64_t run;
    source *src; /* the run simulated, or the log played */
    diag dg;     /* what a log that cannot go on says */
    run_loop loop;
    run_hooks hooks;
    world_snap *snap;
    double *series[SER_N];
};

/* Why the run shown cannot go on: status st (a sim_status) as the exit
 * status the program gives it, and msg. */
static void fault(dash_fault *f, int st, const char *msg)
{
    f->code = cli_exit(st);
    snprintf(f->msg, sizeof f->msg, "%s", msg);
}

void dash_run_free(dash_run *r)
{
    if (!r)
        return;
    world_snap_free(r->snap);
    source_free(r->src);
    diag_clear(&r->dg);
    for (int k = 0; k < SER_N; k++)
        free(r->series[k]);
    free(r);
}

/* The run loop's step hook: the charted series. */
static void on_step(void *ud, int64_t s, const kpi_step *row)
{
    dash_run *r = ud;
    r->series[SER_CASH_IN][s] = (double)row->v[TS_CASH_IN] / 1e6;
    r->series[SER_PAYOUTS][s] = (double)row->v[TS_PAYOUTS_GROSS] / 1e6;
    r->series[SER_PLATFORM][s] = (double)row->v[TS_PLATFORM_CASH] / 1e6;
}

static int open_source(dash_run *r, const char *log, dash_fault *f)
{
    if (!log) {
        if (!(r->src = source_world(r->sc, r->run))) {
            fault(f, SIM_NOMEM, "out of memory building the run shown");
            return -1;
        }
        return 0;
    }
    /* Live edits on a log are what-if accounting: cash-outs are capped and
     * infeasible rows counted rather than fatal mid-play. */
    replay_opts ro = {1, 1};
    replay *rp = replay_open(r->sc, log, &ro, &r->dg);
    if (!rp) {
        fault(f, SIM_BADINPUT, r->dg.n ? r->dg.items[0].text : "cannot open the event log");
        return -1;
    }
    if (!(r->src = source_replay(rp, &r->dg))) {
        fault(f, SIM_NOMEM, "out of memory");
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
        fault(f, SIM_NOMEM, "out of memory");
        dash_run_free(r);
        return NULL;
    }
    r->sc = s;
    r->run = run;
    if (open_source(r, log, f) < 0 || !(r->snap = source_snap_new(r->src))) {
        if (r->src)
            fault(f, SIM_NOMEM, "out of memory");
        dash_run_free(r);
        return NULL;
    }
    r->hooks = (run_hooks){.step = on_step, .ud = r};
    run_init(&r->loop, r->src, NULL, &r->hooks);
    int rc = 0;
    while (rc == 0 && dash_run_steps_done(r) < upto && !(stop && atomic_load(stop)))
        rc = dash_run_step(r, f);
    if (rc < 0 || dash_run_snapshot(r, f) < 0) {
        dash_run_free(r);
        return NULL;
    }
    return r;
}

int dash_run_step(dash_run *r, dash_fault *f)
{
    char msg[600];
    int st = run_next(&r->loop, msg, sizeof msg);
    if (st == SIM_OK)
        return 0;
    if (st == RUN_DONE)
        return 1;
    if (st == SIM_BADINPUT)
        fault(f, SIM_BADINPUT, r->dg.n ? r->dg.items[0].text : "the event log stopped");
    else
        fault(f, st, msg);
    return -1;
}

int dash_run_snapshot(dash_run *r, dash_fault *f)
{
    if (source_snapshot(r->src, r->snap) < 0) {
        fault(f, SIM_NOMEM, "out of memory in a snapshot");
        return -1;
    }
    return 0;
}

const world_snap *dash_run_snap(const dash_run *r) { return r->snap; }

const double *dash_run_series(const dash_run *r, int k) { return r->series[k]; }

int64_t dash_run_steps_done(const dash_run *r) { return source_steps_done(r->src); }

const sc_tables *dash_run_tables(const dash_run *r) { return source_tables(r->src); }

uint64_t dash_run_number(const dash_run *r) { return r->run; }
