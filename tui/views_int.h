/* views_int — what the files drawing the views share, included by no
 * other:
 *   views.c         the five views and their help
 *   views_region.c  the regions' parts of the Pricing and Creators views */
#ifndef COINSIM_VIEWS_INT_H
#define COINSIM_VIEWS_INT_H

#include <stddef.h>
#include <stdint.h>

#include "../sim/brk.h"
#include "views.h"

/* Name the place y, x, h rows by w columns, for the tour. */
void view_mark(view_ctx *c, const char *name, int y, int x, int h, int w);

/* Figure `name` of row `row` of breakdown table t in the snapshot: what
 * the output files hold at a run's end, by the same code (brk.h); NAN for
 * a name the table lacks. */
double view_brk(const world_snap *s, enum brk_table t, size_t row, const char *name);

/* A raw breakdown figure: a count, coins, µUSD or µ-units of a region's
 * currency. */
int64_t view_brk_raw(const world_snap *s, enum brk_table t, size_t row, int fig);

/* An amount in units (USD, or a region's currency) as µ-units for the
 * formatters. */
int64_t view_micro(double units);

/* ------------------------------------------------------ views_region.c */

/* The Pricing view's packs with regions (s->nregions > 0): the region
 * shown, its packs at their local price and in USD, and the cash in of
 * every region, from the top of the area; leaves `keep` rows below for
 * the channels and the gift mix. Returns the row after them. */
int view_region_packs(view_ctx *c, int keep);

/* The Creators view's payouts per region from row y at column x, w wide,
 * in at most rows rows; rows needed with rows < 0 (nothing drawn). */
int view_region_payouts(view_ctx *c, int y, int x, int w, int rows);

#endif
