/* compare — two scenarios run pair by pair on common random numbers.
 *
 * Run r of A and run r of B draw from the same streams (same seed, same
 * run number; see rng.h), so their difference is the change's effect and
 * not the noise of two unrelated runs. Each metric gets the mean of the
 * paired differences with a Student-t 95% interval. */
#ifndef COINSIM_COMPARE_H
#define COINSIM_COMPARE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "brk.h"
#include "kpi.h"
#include "run.h"
#include "scenario.h"

typedef struct cmp_metric {
    double a_mean, b_mean;
    double diff_mean, diff_lo, diff_hi; /* B - A, 95% CI (NaN below 2 runs) */
    double rel_change;                  /* diff / |A mean|, NaN when A mean is 0 */
    int significant;                    /* the CI excludes 0 */
    /* What pairing bought: (var A + var B) / var(B - A), the factor by
     * which independent runs would need more runs for the same CI; NaN
     * when the paired differences do not vary. */
    double var_ratio;
    double half_unpaired; /* CI half-width independent runs would give */
} cmp_metric;

typedef struct cmp_result {
    int64_t runs;
    run_result *a, *b; /* [runs], run r at index r - 1 */
    brk_store brk[2];  /* A's and B's breakdowns, likewise */
    cmp_metric m[M_N];
    int converged; /* --until-ci reached its target */
} cmp_result;

typedef struct cmp_opts {
    int64_t runs; /* runs per batch (and in all, without until_ci) */
    int threads;
    double until_ci; /* > 0: add batches until the CI half-width of
                                   metric's difference is within this percent
                                   of its mean, or max_runs */
    int metric;
    int64_t max_runs;
    run_hooks hooks; /* progress (pairs of runs), stop, ud: see run.h */
} cmp_opts;

/* Run A and B (which must have the same seed) and compare them. Returns an
 * sim_status; on SIM_OK *out is filled (free with compare_free). */
int compare_run(const scenario *a, const scenario *b, const cmp_opts *o, cmp_result **out,
                char *msg, size_t n);

void compare_free(cmp_result *r);

/* The comparison of figures x (A) and y (B) of n paired runs into *c.
 * Returns 0, or -1 out of memory. */
int compare_pair(const double *x, const double *y, size_t n, cmp_metric *c);

/* Recompute r->m from r->a and r->b. */
void compare_stats(cmp_result *r);

#endif
