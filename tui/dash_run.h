/* dash_run — the one run the dashboard shows, step by step: a world of the
 * engine, or an event log replayed. The rest of the dashboard sees it only
 * through these calls and the snapshot and series they copy out; they are
 * the only code that tells a world from a replay. */
#ifndef COINSIM_DASH_RUN_H
#define COINSIM_DASH_RUN_H

#include <stdatomic.h>
#include <stdint.h>

#include "../sim/scenario.h"
#include "../sim/world.h"

typedef struct dash_run dash_run;

/* Why the run shown cannot go on: the exit status the dashboard ends with
 * (cli_exit of the engine's status: 1 a total past 64 bits, 2 a bad event
 * log, 3 a ledger identity broken, 4 out of memory) and the line it
 * prints. */
typedef struct dash_fault {
    int code;
    char msg[600];
} dash_fault;

/* Open run `run` (from 1) of s, or play the event log `log` over s when
 * log is not NULL (live edits on a log are what-if accounting), and step it
 * to step upto: fewer if the run ends first or *stop is set on the way
 * (stop may be NULL). The snapshot is taken. s must outlive the run.
 * Returns the run (free with dash_run_free), or NULL with why in *f. */
dash_run *dash_run_open(const scenario *s, const char *log, uint64_t run, int64_t upto,
                        atomic_int *stop, dash_fault *f);

void dash_run_free(dash_run *r);

/* Run the next step (the snapshot is not retaken: dash_run_snapshot).
 * Returns 0, 1 when every step has run already, or -1 with why in *f (the
 * ledger is checked after the last step); the run is then of no use. */
int dash_run_step(dash_run *r, dash_fault *f);

/* Copy the run's state into its snapshot. Returns 0, or -1 with why in *f. */
int dash_run_snapshot(dash_run *r, dash_fault *f);

/* The snapshot last taken; owned by the run. */
const world_snap *dash_run_snap(const dash_run *r);

/* Series k (SER_... of views.h) of the run: USD per step for steps
 * 0..dash_run_steps_done-1. Owned by the run. */
const double *dash_run_series(const dash_run *r, int k);

int64_t dash_run_steps_done(const dash_run *r);

/* The tables the last step ran with (rows due at the next step are not
 * applied yet). Owned by the run. */
const sc_tables *dash_run_tables(const dash_run *r);

/* Which run of the scenario this is (1 for a log). */
uint64_t dash_run_number(const dash_run *r);

#endif
