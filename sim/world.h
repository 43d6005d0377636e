/* world — one run of the economy (docs/model.md §4), step by step.
 *
 * A world owns a working copy of the scenario's tables, which the timeline
 * changes as steps go by; the scenario itself is never written. The world
 * reports through hooks it was handed and never prints. */
#ifndef COINSIM_WORLD_H
#define COINSIM_WORLD_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "brk.h"
#include "kpi.h"
#include "ledger.h"
#include "scenario.h"
#include "snap.h"

typedef struct world world;

/* A snapshot sized for w's tables. NULL out of memory. */
world_snap *world_snap_new(const world *w);

/* Copy w's state into s (made by world_snap_new for this world). */
void world_snapshot(const world *w, world_snap *s);

enum ev_type {
    EV_PURCHASE,
    EV_GIFT,
    EV_LOST,
    EV_CASHOUT,
    EV_CHURN,
    EV_GRANT,
    EV_SINK,
    EV_LOST_SINK,
    EV_NTYPES
};

/* One event, for event logs and live views. item is a pack, gift or sink
 * index (-1 for none); channel is CH_APP/CH_WEB or -1. coins and usd (µUSD)
 * are: purchase, coins + bonus delivered and the price; gift and lost, the
 * gift's coins and their coin value; sink and lost_sink likewise for the
 * sink; cashout, whole diamonds withdrawn and the gross; churn, the coins
 * left in the wallet (breakage) and 0; grant, the coins granted and 0.
 * region (an index of the scenario's regions, 0 without them) and local
 * (µ-units of its currency) are, for a purchase, the pack's region and its
 * price there, and for a cash-out the creator's region and what its bank
 * received; -1 and 0 for the rest. Warm-up steps are negative
 * (docs/model.md §4.0). */
typedef struct sim_event {
    enum ev_type type;
    uint64_t run;
    int64_t step;
    int64_t viewer, creator;
    int64_t item;
    int64_t coins;
    int64_t usd;
    int channel;
    int region;
    int64_t local;
} sim_event;

typedef void (*world_event_fn)(void *ud, const sim_event *ev);

/* Build run `run` (from 1) of scenario s, which must outlive the world and
 * have passed scenario_check. Returns NULL out of memory. */
world *world_new(const scenario *s, uint64_t run);
void world_free(world *w);

/* Be told of every event of the following steps (fn NULL to stop). */
void world_on_event(world *w, world_event_fn fn, void *ud);

enum { WORLD_NOMEM = -1, WORLD_OVERFLOW = -2, WORLD_STOPPED = -3 };

/* Give up a step as soon as *stop is set (checked every so many visits);
 * world_step then returns WORLD_STOPPED and the world is of no further use. */
void world_watch(world *w, atomic_int *stop);

/* Run one step of the warm-up (docs/model.md §4.0), if one is left.
 * Returns 1 after one, 0 when the warm-up is over (the next step is
 * reported), or a failure as world_step. */
int world_warm_step(world *w);

/* Run the next reported step (what is left of the warm-up first) and
 * fill *row with its figures. Returns 0, 1 when
 * every step has run already, WORLD_NOMEM out of memory, WORLD_OVERFLOW
 * when a total left the int64 range (world_overflow says which; the world
 * is then of no further use), or WORLD_STOPPED (see world_watch). */
int world_step(world *w, kpi_step *row);

/* After WORLD_OVERFLOW: "run R, step S: TOTAL went past BOUND, the most a
 * 64-bit total holds" in msg, e.g. TOTAL "cash in", BOUND
 * "9223372036854.775807 USD". */
void world_overflow(const world *w, char *msg, size_t n);

/* Reported steps run so far (0 during the warm-up). */
int64_t world_steps_done(const world *w);

/* Check the ledger identities now. Returns 0, or -1 with the identity and
 * figures in msg. */
int world_check(const world *w, char *msg, size_t n);

/* Fill the run's totals and derived metrics from the steps recorded in
 * rows[0..nsteps) and the world's final state. Returns 0, or -1 out of
 * memory (out is then not to be used); the breakdowns into blk, if not
 * NULL, of the shape world_brk_shape. It ends the run: the viewers'
 * records are used up, so only world_ledger and world_free may follow. */
int world_result(world *w, const kpi_step *rows, int64_t nsteps, run_result *out,
                 const brk_block *blk);

/* The shape of the run's breakdowns (brk.h). */
brk_shape world_brk_shape(const world *w);

/* For tests of the identity checks only: put one coin into a wallet
 * without a ledger entry, so the next check must fail. */
void world_inject_fault(world *w);

const ledger *world_ledger(const world *w);
const sc_tables *world_tables(const world *w);

#endif
