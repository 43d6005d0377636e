/* paired — paired differences, and a sweep's best point and edges
 * (paired.h). */
#include "paired.h"

#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

void paired_moments(const run_result *x, const run_result *y, size_t n, int m, double *mean,
                    double *var)
{
    double *d = calloc(n ? n : 1, sizeof *d);
    *mean = *var = NAN;
    if (!d)
        return;
    for (size_t i = 0; i < n; i++)
        d[i] = x[i].value[m] - y[i].value[m];
    *mean = gsl_stats_mean(d, 1, n);
    if (n > 1)
        *var = gsl_stats_variance_m(d, 1, n, *mean);
    free(d);
}

void paired_diff(const run_result *x, const run_result *y, size_t n, int m, double *mean,
                 double *half)
{
    double var;
    paired_moments(x, y, n, m, mean, &var);
    *half = n > 1 && !isnan(var) ? stats_ci95_half(sqrt(var), n) : NAN;
}

/* Point p's runs. */
static const run_result *runs_of(const sweep_result *r, size_t p)
{
    return r->res + p * (size_t)r->runs;
}

void paired_point(const sweep_result *r, size_t p, int m, stat_row *out)
{
    size_t n = (size_t)r->runs;
    double *x = malloc(n * sizeof *x), *tmp = malloc(n * sizeof *tmp);
    if (!x || !tmp) {
        memset(out, 0, sizeof *out);
        out->mean = NAN;
    } else {
        for (size_t i = 0; i < n; i++)
            x[i] = runs_of(r, p)[i].value[m];
        stats_summary(x, n, tmp, out);
    }
    free(x);
    free(tmp);
}

static double mean_at(const sweep_result *r, size_t p, int m)
{
    stat_row st;
    paired_point(r, p, m, &st);
    return st.mean;
}

void paired_best_point(const sweep_result *r, int m, int minimize, paired_best *out)
{
    double sign = minimize ? -1 : 1, bm = mean_at(r, 0, m), sm;
    memset(out, 0, sizeof *out);
    for (size_t p = 1; p < r->npoints; p++) {
        double x = mean_at(r, p, m);
        if (sign * x > sign * bm) {
            out->best = p;
            bm = x;
        }
    }
    out->second = out->best == 0 ? 1 : 0;
    sm = mean_at(r, out->second, m);
    for (size_t p = 0; p < r->npoints; p++) {
        if (p == out->best)
            continue;
        double x = mean_at(r, p, m);
        if (sign * x > sign * sm) {
            out->second = p;
            sm = x;
        }
    }
    paired_point(r, out->best, m, &out->b);
    paired_point(r, out->second, m, &out->s);
    out->overlap = !(out->b.lo > out->s.hi || out->s.lo > out->b.hi);
    paired_diff(runs_of(r, out->best), runs_of(r, out->second), (size_t)r->runs, m, &out->diff,
                &out->half);
    out->ahead = fabs(out->diff) > out->half;
}

/* The range of axis a's values as numbers into *lo, *hi; -1 if one is not
 * a number. */
static int axis_range(const sweep_axis *a, double *lo, double *hi)
{
    for (size_t i = 0; i < a->nvalues; i++) {
        char *end;
        double x = strtod(a->values[i], &end);
        if (end == a->values[i] || *end)
            return -1;
        *lo = i == 0 || x < *lo ? x : *lo;
        *hi = i == 0 || x > *hi ? x : *hi;
    }
    return 0;
}

/* The point with value nb on axis k and the best's values on the others
 * (r->npoints if none). */
static size_t neighbour(const sweep_result *r, size_t k, size_t best, size_t nb)
{
    size_t nax = r->naxes;
    for (size_t p = 0; p < r->npoints; p++) {
        int same = r->pick[p * nax + k] == nb;
        for (size_t j = 0; same && j < nax; j++)
            same = j == k || r->pick[p * nax + j] == r->pick[best * nax + j];
        if (same)
            return p;
    }
    return r->npoints;
}

/* e->next: one step out from the best's value, past its neighbour's,
 * written exactly where both values are decimals; whether base takes it. */
static int next_out(const scenario *base, const sweep_axis *a, paired_edge *e, double v, double xn)
{
    int64_t mv, mn;
    const char *why;
    char assign[600];
    if (num_parse_dec(a->values[e->at], &mv, &why) == 0 &&
        num_parse_dec(a->values[e->nb], &mn, &why) == 0)
        num_fmt_short(e->next, 2 * mv - mn);
    else
        snprintf(e->next, sizeof e->next, "%.15g", 2 * v - xn);
    snprintf(assign, sizeof assign, "%s=%s", a->target, e->next);
    scenario *probe = scenario_clone(base);
    diag d = {0};
    int takes = probe && scenario_set(probe, assign, "edge", &d) == 0 && !d.errors;
    diag_clear(&d);
    scenario_free(probe);
    return takes;
}

void paired_edge_at(const scenario *base, const sweep_axis *axes, size_t k, const sweep_result *r,
                    size_t best, int m, int minimize, paired_edge *out)
{
    const sweep_axis *a = &axes[k];
    double lo = 0, hi = 0, sign = minimize ? -1 : 1;
    memset(out, 0, sizeof *out);
    out->kind = PAIRED_INSIDE;
    out->at = r->pick[best * r->naxes + k];
    if (a->nvalues < 2 || axis_range(a, &lo, &hi) < 0)
        return;
    double v = strtod(a->values[out->at], NULL);
    if (lo == hi || (v != lo && v != hi))
        return;
    out->up = v == hi;
    /* The value next inward, and the point that has it with the others. */
    double xn = out->up ? lo : hi;
    out->nb = out->at;
    for (size_t i = 0; i < a->nvalues; i++) {
        double x = strtod(a->values[i], NULL);
        if (out->up ? x < v && x >= xn : x > v && x <= xn) {
            xn = x;
            out->nb = i;
        }
    }
    size_t q = neighbour(r, k, best, out->nb);
    if (q == r->npoints)
        return;
    double dm, dh;
    paired_diff(runs_of(r, best), runs_of(r, q), (size_t)r->runs, m, &dm, &dh);
    if (!(sign * dm > 0 && fabs(dm) > dh))
        return;
    out->kind = next_out(base, a, out, v, xn) ? PAIRED_EDGE : PAIRED_BOUND;
}
