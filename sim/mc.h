/* mc — many runs of one scenario, spread over threads.
 *
 * Run r depends only on (scenario, seed, r), and each run's figures land
 * in its own slot, so the results are the same bytes for any thread count. */
#ifndef COINSIM_MC_H
#define COINSIM_MC_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "brk.h"
#include "kpi.h"
#include "run.h"
#include "scenario.h"
#include "status.h"

typedef struct mc_opts {
    int64_t runs;  /* how many runs: first .. first + runs - 1 */
    int64_t first; /* the first run's number; 0 means 1 */
    int threads;   /* >= 1 */
    int check;     /* check the ledger after every step */
    /* progress (runs done of all), stop (set non-zero to stop early:
     * checked before every step of every run) and ud, from the calling
     * thread; see run.h */
    run_hooks hooks;
    int64_t fault_step; /* tests only: break the ledger at this step (-1 never) */
    /* The hooks of one run, watch_run (its events, its steps), called
     * from the thread that runs it: the event log is written this way,
     * from the run being simulated, never by simulating it again. */
    const run_hooks *watch;
    uint64_t watch_run;
} mc_opts;

typedef struct mc_result {
    int64_t runs, steps;
    run_result *res; /* [runs] */
    kpi_step *ts;    /* [runs * steps], run-major */
    brk_store brk;   /* the runs' breakdowns */
} mc_result;

/* Run every run. Returns SIM_OK with *out filled (free with mc_result_free),
 * or a status with a message in msg (for SIM_LEDGER: the run, step and the
 * broken identity with its figures). */
int mc_run(const scenario *s, const mc_opts *o, mc_result **out, char *msg, size_t n);

void mc_result_free(mc_result *r);

#endif
