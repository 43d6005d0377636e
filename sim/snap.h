/* snap — a snapshot of a run in progress, for the dashboard's views: the
 * figures a panel draws, copied out of a source (world.c, replay.c) so a
 * view never reads the engine's state; and the creator figures both
 * sources fill the same way. */
#ifndef COINSIM_SNAP_H
#define COINSIM_SNAP_H

#include <stddef.h>
#include <stdint.h>

#include "brk.h"
#include "kpi.h"
#include "scenario.h"

/* A segment's figures in the run so far. */
typedef struct world_seg {
    int64_t viewers; /* size of the segment (fixed) */
    int64_t payers;  /* distinct viewers who bought */
    int64_t spend;   /* µUSD */
    int64_t wallet;  /* coins in the segment's wallets now */
    int64_t purchases, gifts, lost, churned;
    int64_t granted, sinks, sunk, lost_sinks; /* coins granted, sinks bought, coins sunk */
} world_seg;

#define WORLD_SNAP_TOP 10

/* Everything a view may show, copied out of a world: a panel draws from a
 * snapshot and never reads the world itself. */
typedef struct world_snap {
    uint64_t run;
    int64_t step, steps; /* steps done, of steps */
    sc_params p;         /* parameters now (after timeline rows) */
    size_t npacks, ngifts, nsegs, nsinks;
    sc_pack *packs; /* tables now; names belong to the scenario */
    sc_gift *gifts;
    sc_segment *segs;
    sc_sink *sinks;
    size_t nregions;    /* 0 without regions.csv */
    sc_region *regions; /* rates and FX fees now */
    kpi_step last;      /* the last step's figures */
    kpi_step total;     /* flows summed, stocks now, payers distinct */
    int64_t viewers_existed;
    int64_t gift_value[2];   /* µUSD coin value of gifts: [0] last step, [1] all */
    int64_t credit_value[2]; /* µUSD value of diamonds credited, likewise */
    int64_t commission[2];   /* µUSD the platform kept of gifts, likewise */
    int64_t platform_in[2];  /* µUSD cash in less store fees, likewise */
    /* The platform's position now (docs/model.md §6): the opening balances,
     * creators' earnings, the liabilities and the margin at the parameters
     * now (µUSD). */
    kpi_end pos;
    int64_t ncreators;
    size_t ntop; /* leaderboard by earnings (µD credited) */
    int64_t top_id[WORLD_SNAP_TOP], top_earned[WORLD_SNAP_TOP];
    char top_name[WORLD_SNAP_TOP][24]; /* a log's identifiers; "" in a simulation */
    int64_t creators_reached_min;      /* at the withdrawal minimum or cashed out */
    int64_t *sorted;                   /* earnings, largest first (for histograms) */
    size_t sorted_cap;
    /* The breakdowns so far (brk.h), as the output files have them at a
     * run's end. */
    brk_shape bsh;
    brk_block brk;
} world_snap;

/* A snapshot with room for t's packs, gifts, sinks and regions, nsegs
 * segments and ncreators creators. NULL out of memory. */
world_snap *world_snap_alloc(const sc_tables *t, size_t nsegs, int64_t ncreators);

/* Fill the creator part of s (leaderboard, reached the minimum, sorted
 * earnings) from n creators' earned and pending µD and cashed flags, with
 * s->p already set; earned may be NULL, then it is pending + withdrawn.
 * Their distribution is in the breakdowns (snap_breakdown). Returns 0 or
 * -1 out of memory. */
int world_snap_creators(world_snap *s, const int64_t *earned, const int64_t *pending,
                        const int64_t *withdrawn, const unsigned char *cashed, int64_t n);

void world_snap_free(world_snap *s);

/* The breakdowns of s (s->brk) from what a source holds now: src has its
 * segments' figures (NULL: unknown), books, packs as loaded, the creators'
 * cashed flags and the regions' figures (brk_src); the rest comes from s,
 * after world_snap_creators and snap_books. */
void snap_breakdown(world_snap *s, brk_src *src);

/* Copy into s what every source has alike: run `run` after `step` steps,
 * the tables t as they now are, and the figures posted in the books b. */
struct books;
void snap_books(world_snap *s, uint64_t run, int64_t step, const sc_tables *t,
                const struct books *b);

#endif
