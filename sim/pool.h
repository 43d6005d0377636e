/* pool — the one pool of worker threads. Its unit of work is explicit:
 * (scenario variant, run number) -> that run's result. Runs, compare's
 * pairs, sweep's points and fit's evaluations are all jobs of units.
 *
 * A unit depends only on its variant, the seed and its run number, and
 * each result lands in its own slot, so a job's results are the same
 * bytes for any number of threads. In an MPI job (dist.h) the ranks share
 * the units and every rank ends with every result (pool_ranks.c): the
 * same bytes for any number of ranks too. */
#ifndef COINSIM_POOL_H
#define COINSIM_POOL_H

#include <stddef.h>
#include <stdint.h>

#include "brk.h"
#include "kpi.h"
#include "run.h"
#include "scenario.h"

typedef struct pool_job {
    const scenario *const *variants;
    size_t nvariants;
    int64_t runs;       /* runs per variant: first .. first + runs - 1 */
    uint64_t first;     /* the first run's number (>= 1) */
    int threads;        /* >= 1 */
    int check;          /* check the ledger after every step */
    int64_t fault_step; /* tests only: break the ledger at this step (-1 never) */

    /* Unit u is variant u / runs, run first + u % runs; its result goes to
     * res[u], and its breakdowns to block brk_base + u % runs of brk[its
     * variant] (a store per variant, room made by the caller). With one
     * variant, rows (steps per unit, unit-major) may be kept too. */
    run_result *res;
    kpi_step *rows;       /* NULL: not kept */
    const brk_store *brk; /* [nvariants]; NULL: not kept */
    int64_t brk_base;

    /* progress (units done of all), stop and ud, from the calling thread */
    const run_hooks *hooks;
    /* The hooks of one run (its events, steps, end): run watch_run of
     * variant watch_variant, from the thread that runs it. */
    const run_hooks *watch;
    size_t watch_variant;
    uint64_t watch_run;
} pool_job;

/* Every unit of j. Returns SIM_OK, or a sim_status with msg: the failure
 * of the lowest failing unit (every unit below it ran to its end, so
 * which one does not depend on timing), or SIM_STOPPED "after N of M
 * runs" when the stop flag ended the job. In an MPI job every rank must
 * call it alike (the calls are collective), from the thread that joined
 * the job; a rank whose stop flag is set returns SIM_STOPPED at once,
 * leaving the others to the launcher. */
int pool_run(const pool_job *j, char *msg, size_t n);

/* One unit alone, as pool_run runs it: run `run` of s into res, and its
 * rows (room for its steps; NULL allocates and frees them) and breakdowns
 * if not NULL, with check and fault_step, and hooks h. A sim_status. */
int pool_unit(const scenario *s, uint64_t run, int check, int64_t fault_step, run_result *res,
              kpi_step *rows, const brk_block *blk, const run_hooks *h, char *msg, size_t n);

#endif
