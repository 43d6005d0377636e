/* paired — the statistics of runs made in pairs on common random numbers
 * (run r of each side from the same streams, rng.h), whose run-by-run
 * differences are a change's effect with little noise left; and the
 * decisions a sweep makes with them: its best point, and whether that
 * point lies on the grid's edge. Plain functions that return data; the
 * program prints. compare.c builds its figures on the same differences. */
#ifndef COINSIM_PAIRED_H
#define COINSIM_PAIRED_H

#include <stddef.h>
#include <stdint.h>

#include "kpi.h"
#include "num.h"
#include "scenario.h"
#include "stats.h"
#include "sweep.h"

/* The paired differences x[i].value[m] - y[i].value[m] over runs i < n:
 * their mean and sample variance (NaN with one run; both NaN out of
 * memory). */
void paired_moments(const run_result *x, const run_result *y, size_t n, int m, double *mean,
                    double *var);

/* The mean over runs i < n of x[i].value[m] - y[i].value[m] into *mean,
 * and its 95% CI half-width into *half (NaN with one run; both NaN out of
 * memory). */
void paired_diff(const run_result *x, const run_result *y, size_t n, int m, double *mean,
                 double *half);

/* Metric m over the runs of sweep point p (mean NaN out of memory). */
void paired_point(const sweep_result *r, size_t p, int m, stat_row *out);

/* A sweep's best point for one metric and how far ahead it is. */
typedef struct paired_best {
    size_t best, second; /* the points with the highest and next mean (lowest if minimized) */
    stat_row b, s;       /* the metric at each */
    int overlap;         /* their 95% CIs overlap */
    double diff, half;   /* best - runner-up, run by run, and its CI half-width (NaN: one run) */
    int ahead;           /* the difference is beyond that half-width */
} paired_best;

/* The best point of r (at least 2 points) for metric m: the first of the
 * highest means, or of the lowest when minimize; the runner-up likewise. */
void paired_best_point(const sweep_result *r, int m, int minimize, paired_best *out);

/* Where the best point stands on one axis. */
enum paired_edge_kind {
    PAIRED_INSIDE, /* not on the edge, or not ahead of its neighbour beyond the noise */
    PAIRED_EDGE,   /* on the edge and ahead: the best may lie beyond the grid */
    PAIRED_BOUND   /* on the edge and ahead, but the next value out is one the target refuses */
};

typedef struct paired_edge {
    enum paired_edge_kind kind;
    int up;                  /* the edge is the highest value tried (else the lowest) */
    size_t at, nb;           /* value indices on the axis: the best's, and its neighbour inward */
    char next[NUM_REAL_BUF]; /* one step further out, as text (PAIRED_EDGE) */
} paired_edge;

/* Whether the best point (best) of r for metric m lies on the grid's edge
 * along axis k of axes: its value there is the highest or lowest the axis
 * tried, and it beats its neighbour on that axis (the other axes as they
 * are) beyond the noise (the paired difference's CI excludes zero), so the
 * best may lie beyond. The next value out is tried on a copy of base, as a
 * --set would be: a value the target does not take (a rate above 1) makes
 * the edge the target's own. Axes of one value, of values that are not
 * numbers, or along which m does not move are PAIRED_INSIDE. */
void paired_edge_at(const scenario *base, const sweep_axis *axes, size_t k, const sweep_result *r,
                    size_t best, int m, int minimize, paired_edge *out);

#endif
