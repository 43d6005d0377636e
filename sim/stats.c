#include "stats.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <string.h>

#include "setup.h"

double stats_ci95_half(double sd, size_t n)
{
    if (n < 2)
        return NAN;
    sim_setup(); /* GSL reports a bad argument through its handler */
    return gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) * sd / sqrt((double)n);
}

void stats_summary(const double *x, size_t n, double *scratch, stat_row *out)
{
    out->n = n;
    out->mean = gsl_stats_mean(x, 1, n);
    out->sd = n > 1 ? gsl_stats_sd_m(x, 1, n, out->mean) : NAN;
    double h = stats_ci95_half(out->sd, n);
    out->lo = out->mean - h;
    out->hi = out->mean + h;
    memcpy(scratch, x, n * sizeof *x);
    gsl_sort(scratch, 1, n);
    out->p5 = gsl_stats_quantile_from_sorted_data(scratch, 1, n, 0.05);
    out->p50 = gsl_stats_quantile_from_sorted_data(scratch, 1, n, 0.50);
    out->p95 = gsl_stats_quantile_from_sorted_data(scratch, 1, n, 0.95);
}
