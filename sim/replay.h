/* replay — an event log (docs/model.md §6) applied to the ledger under a
 * scenario, step by step, with the same figures as a run.
 *
 * The log is streamed and one step is held at a time, so memory follows the
 * number of viewers and creators, not the length of the log. Within a step
 * the events may come in any order: they are applied in the model's order
 * (churn, purchases, gifts and lost intents, cash-outs), which gives the
 * step's totals exactly. Steps must not go backwards.
 *
 * What replay recomputes from the scenario (prices of known packs, store
 * fees, creator credits, cash-out grosses and fees) can be changed with
 * --set before it starts: that is what-if accounting on recorded demand.
 * What it cannot know (active viewers, live creators) is reported as 0. */
#ifndef COINSIM_REPLAY_H
#define COINSIM_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "brk.h"
#include "kpi.h"
#include "scenario.h"
#include "world.h"

typedef struct replay replay;

typedef struct replay_opts {
    int lenient; /* count infeasible events as rejected instead of failing */
    int whatif;  /* parameters were changed: cap cash-outs at what the
                       creator then has, under the minimum and daily limit */
} replay_opts;

/* What replay met besides the figures. */
typedef struct replay_counts {
    int64_t events;
    int64_t rejected_gifts;    /* a gift the wallet could not cover */
    int64_t rejected_sinks;    /* a sink the wallet could not cover */
    int64_t rejected_cashouts; /* a cash-out beyond the pending diamonds */
    int64_t capped_cashouts;   /* what-if: withdrew less than recorded */
    int64_t skipped_cashouts;  /* what-if: below the minimum, or fee >= gross */
    int64_t unknown_packs, unknown_gifts, unknown_sinks; /* rows naming none */
    int64_t price_differs;     /* purchases recorded at another price than the scenario's
                                * (in USD at the step's rate, or in the local currency) */
    int64_t local_differs;     /* cash-outs whose recorded local amount is not the one
                                * converted at the step's rate */
    int64_t breakage_differs;  /* churn rows whose coins differ from the wallet */
    int64_t viewers, creators; /* distinct identifiers */
    uint64_t run;
} replay_counts;

/* Open the log at path for scenario s (checked, outliving the replay).
 * Problems go to d as FILE:LINE: ...; NULL if any. */
replay *replay_open(const scenario *s, const char *path, const replay_opts *o, diag *d);

enum { REPLAY_NOMEM = -2 }; /* replay_step: out of memory */

/* Apply one step of the warm-up (the log's negative steps), if one is
 * left: 1 after one, 0 when it is over, or a failure as replay_step. */
int replay_warm_step(replay *r, diag *d);

/* Apply the next reported step (what is left of the warm-up first) and
 * fill *row. Returns 0, 1 after the last step,
 * -1 on an error added to d (a malformed or infeasible row), or
 * REPLAY_NOMEM out of memory (said in d too). */
int replay_step(replay *r, kpi_step *row, diag *d);

/* Check the ledger identities now (as world_check). */
int replay_check(const replay *r, char *msg, size_t n);

/* The run's metrics from its rows (as world_result), and its breakdowns
 * into blk if not NULL, of the shape replay_brk_shape: the scenario's, but
 * no segment (a log does not know them). Returns 0, or -1 out of memory. */
int replay_result(replay *r, const kpi_step *rows, int64_t nsteps, run_result *out,
                  const brk_block *blk);
brk_shape replay_brk_shape(const replay *r);

const replay_counts *replay_get_counts(const replay *r);

/* Steps applied so far, and the tables as they now are (after timeline rows). */
int64_t replay_steps_done(const replay *r);
const sc_tables *replay_tables(const replay *r);

/* A snapshot for the dashboard's views, as world_snapshot; the segments are
 * unknown to a log (nsegs 0). world_snap_free frees it. */
world_snap *replay_snap_new(const replay *r);
int replay_snapshot(replay *r, world_snap *s);

void replay_free(replay *r);

#endif
