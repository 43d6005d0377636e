/* run — the one loop that drives a run, and the sources it steps.
 *
 * A source is what produces a run's steps: the simulated world (world.h)
 * or a replayed event log (replay.h). A run steps its source, checks the
 * ledger identities (after every step with check, always after the last),
 * tells its hooks, and at the end collects the result. The Monte Carlo
 * pool's workers, replay and the dashboard all drive runs through it, so
 * a run is stepped, checked and summed one way. */
#ifndef COINSIM_RUN_H
#define COINSIM_RUN_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "kpi.h"
#include "replay.h"
#include "scenario.h"
#include "status.h"
#include "world.h"

/* How a run (or a job of runs) reports. Every member may be NULL.
 * step: after each step, once checked, with its figures; event: every
 * event of a simulated run (see sim_event), from the thread running it;
 * end: when the run is over, with its status (a sim_status); progress:
 * done of total (steps of a run, runs of a job); stop: set it non-zero to
 * end the run before its next step (SIM_STOPPED). ud goes to each. */
typedef struct run_hooks {
    void (*step)(void *ud, int64_t step, const kpi_step *row);
    world_event_fn event;
    void (*end)(void *ud, int status);
    void (*progress)(void *ud, int64_t done, int64_t total);
    atomic_int *stop;
    void *ud;
} run_hooks;

/* ------------------------------------------------------------ sources */

typedef struct source source;

/* Run `run` (from 1) of s, simulated; s must outlive the source. NULL out
 * of memory. */
source *source_world(const scenario *s, uint64_t run);

/* The log rp (from replay_open), replayed; the source owns rp from then
 * on. A step the log cannot make adds its reasons to d (FILE:LINE: ...).
 * NULL out of memory (rp is then freed). */
source *source_replay(replay *rp, diag *d);

void source_free(source *src);

/* The steps the run has, and those done so far. */
int64_t source_steps(const source *src);
int64_t source_steps_done(const source *src);

/* The shape of the source's breakdowns (brk.h). */
brk_shape source_brk_shape(const source *src);

/* The tables as they now are (after the timeline's rows so far). */
const sc_tables *source_tables(const source *src);

/* The replay behind src, or NULL for a simulation. */
replay *source_replay_of(const source *src);

/* A snapshot for the dashboard's views (world_snap), sized for src, and
 * src's state copied into one. */
world_snap *source_snap_new(const source *src);
int source_snapshot(const source *src, world_snap *s);

/* --------------------------------------------------------------- runs */

enum { RUN_DONE = -1 }; /* run_next: every step has run */

typedef struct run_loop {
    source *src;
    const run_hooks *h; /* may be NULL */
    int check;          /* check the ledger after every step */
    int64_t fault_step; /* tests only: break the ledger after this step (-1 never) */
    kpi_step *rows;     /* [steps], filled as steps run; NULL keeps only the last */
    kpi_step last;
    int64_t steps;
} run_loop;

/* Set r up to drive src (which it does not own) with hooks h, into rows
 * (room for source_steps(src) rows, or NULL). */
void run_init(run_loop *r, source *src, kpi_step *rows, const run_hooks *h);

/* Run the next step. Returns SIM_OK, RUN_DONE when every step has run, or
 * a sim_status with msg: SIM_STOPPED (the stop flag), SIM_NOMEM,
 * SIM_OVERFLOW, SIM_LEDGER, SIM_BADINPUT (the log; its reasons in d).
 * After a failure the run is of no further use. */
int run_next(run_loop *r, char *msg, size_t n);

/* After the last step: the run's result, and its breakdowns into blk
 * (of the shape source_brk_shape) if blk is not NULL. Needs rows. It ends
 * the run (see world_result). Returns SIM_OK or SIM_NOMEM with msg. */
int run_finish(run_loop *r, run_result *res, const brk_block *blk, char *msg, size_t n);

/* Every step, then run_finish, then the end hook: a whole run. */
int run_all(run_loop *r, run_result *res, const brk_block *blk, char *msg, size_t n);

#endif
