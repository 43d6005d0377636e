/* sweep — a scenario run at every point of a grid of values.
 *
 * Every point is the scenario with one value per varied target set (the
 * same operation as --set and a timeline row), and every point runs on the
 * same random numbers (same seed, same run numbers), so differences between
 * points are the values' effect. Points and runs share one pool of threads. */
#ifndef COINSIM_SWEEP_H
#define COINSIM_SWEEP_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "brk.h"
#include "diag.h"
#include "kpi.h"
#include "run.h"
#include "scenario.h"

typedef struct sweep_axis {
    const char *target;        /* as --set takes it */
    const char *const *values; /* as text */
    size_t nvalues;
} sweep_axis;

typedef struct sweep_opts {
    int64_t runs;
    int threads;
    run_hooks hooks; /* progress (runs of all points), stop, ud: see run.h */
} sweep_opts;

typedef struct sweep_result {
    size_t naxes, npoints;
    size_t *pick; /* [npoints * naxes]: the value index per axis */
    int64_t runs;
    run_result *res; /* [npoints * runs], point-major */
    brk_store *brk;  /* [npoints]: each point's runs' breakdowns */
} sweep_result;

/* The number of points of a grid, or 0 if it would exceed limit. */
size_t sweep_points(const sweep_axis *axes, size_t naxes, size_t limit);

/* Build every point of the grid (the first axis varies slowest) and check
 * it; problems go to d labelled "--vary TARGET=VALUE". Returns the points
 * (free with sweep_points_free), or NULL if any point is invalid. */
scenario **sweep_build(const scenario *base, const sweep_axis *axes, size_t naxes, size_t npoints,
                       diag *d);
void sweep_points_free(scenario **pts, size_t npoints);

/* Run every point. Returns a sim_status; on SIM_OK *out is filled (free with
 * sweep_free). */
int sweep_run(scenario *const *pts, const sweep_axis *axes, size_t naxes, size_t npoints,
              const sweep_opts *o, sweep_result **out, char *msg, size_t n);

void sweep_free(sweep_result *r);

#endif
