/* stats — a metric summarised over runs: mean, sd, Student-t 95% CI and
 * percentiles (docs/model.md §6). */
#ifndef COINSIM_STATS_H
#define COINSIM_STATS_H

#include <stddef.h>

typedef struct stat_row {
    double mean, sd, lo, hi, p5, p50, p95;
    size_t n; /* sd, lo and hi are NaN when n < 2 */
} stat_row;

/* Summarise x[0..n) (n >= 1). scratch has room for n doubles. */
void stats_summary(const double *x, size_t n, double *scratch, stat_row *out);

/* Half-width of the two-sided 95% Student-t interval for sd over n. */
double stats_ci95_half(double sd, size_t n);

#endif
