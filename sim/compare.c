#include "compare.h"

#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc.h"
#include "paired.h"
#include "stats.h"

void compare_free(cmp_result *r)
{
    if (!r)
        return;
    free(r->a);
    free(r->b);
    free(r);
}

void compare_stats(cmp_result *r)
{
    size_t n = (size_t)r->runs;
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    if (!x || !y) {
        free(x);
        free(y);
        return;
    }
    for (int m = 0; m < M_N; m++) {
        cmp_metric *c = &r->m[m];
        for (size_t i = 0; i < n; i++) {
            x[i] = r->a[i].value[m];
            y[i] = r->b[i].value[m];
        }
        c->a_mean = gsl_stats_mean(x, 1, n);
        c->b_mean = gsl_stats_mean(y, 1, n);
        double vd; /* of the differences B - A, run by run (paired.h) */
        paired_moments(r->b, r->a, n, m, &c->diff_mean, &vd);
        double va = n > 1 ? gsl_stats_variance_m(x, 1, n, c->a_mean) : NAN;
        double vb = n > 1 ? gsl_stats_variance_m(y, 1, n, c->b_mean) : NAN;
        double h = stats_ci95_half(sqrt(vd), n);
        c->diff_lo = c->diff_mean - h;
        c->diff_hi = c->diff_mean + h;
        c->significant = n > 1 && (c->diff_lo > 0 || c->diff_hi < 0);
        c->rel_change = c->a_mean != 0 ? c->diff_mean / fabs(c->a_mean) : NAN;
        c->var_ratio = vd > 0 ? (va + vb) / vd : NAN;
        c->half_unpaired = stats_ci95_half(sqrt(va + vb), n);
    }
    free(x);
    free(y);
}

/* Append runs first..first+k-1 of s to *arr (which holds `have`). */
static int batch(const scenario *s, const cmp_opts *o, int64_t first, int64_t k, run_result **arr,
                 int64_t have, char *msg, size_t n)
{
    mc_opts mo;
    memset(&mo, 0, sizeof mo);
    mo.runs = k;
    mo.first = first;
    mo.threads = o->threads;
    mo.hooks.stop = o->hooks.stop;
    mo.fault_step = -1;
    mc_result *r;
    int st = mc_run(s, &mo, &r, msg, n);
    if (st != 0)
        return st;
    run_result *na = realloc(*arr, ((size_t)have + (size_t)k) * sizeof *na);
    if (!na) {
        mc_result_free(r);
        snprintf(msg, n, "out of memory for %lld runs", (long long)have + (long long)k);
        return SIM_NOMEM;
    }
    memcpy(na + have, r->res, (size_t)k * sizeof *na);
    *arr = na;
    mc_result_free(r);
    return SIM_OK;
}

int compare_run(const scenario *a, const scenario *b, const cmp_opts *o, cmp_result **out,
                char *msg, size_t n)
{
    cmp_result *r = calloc(1, sizeof *r);
    *out = NULL;
    if (!r) {
        snprintf(msg, n, "out of memory");
        return SIM_NOMEM;
    }
    if (a->t.p.seed != b->t.p.seed) {
        snprintf(msg, n, "A and B must share a seed for paired runs");
        free(r);
        return SIM_BADINPUT;
    }
    int64_t cap = o->until_ci > 0 ? o->max_runs : o->runs;
    for (;;) {
        int64_t k = o->runs;
        if (r->runs + k > cap)
            k = cap - r->runs;
        if (o->hooks.progress)
            o->hooks.progress(o->hooks.ud, r->runs, cap);
        int st = batch(a, o, r->runs + 1, k, &r->a, r->runs, msg, n), side = 0;
        if (st == SIM_OK) {
            side = 1;
            st = batch(b, o, r->runs + 1, k, &r->b, r->runs, msg, n);
        }
        if (st == SIM_STOPPED) { /* the batch's count alone would mislead */
            long long done = r->runs;
            snprintf(msg, n, "after %lld pairs of runs (in %s's runs %lld to %lld)", done,
                     side ? "B" : "A", done + 1, done + k);
        }
        if (st != SIM_OK) {
            compare_free(r);
            return st;
        }
        r->runs += k;
        compare_stats(r);
        if (o->until_ci <= 0)
            break;
        const cmp_metric *c = &r->m[o->metric];
        double half = (c->diff_hi - c->diff_lo) / 2;
        if (r->runs >= 2 && half <= o->until_ci / 100.0 * fabs(c->diff_mean)) {
            r->converged = 1;
            break;
        }
        if (r->runs >= cap)
            break;
    }
    if (o->hooks.progress)
        o->hooks.progress(o->hooks.ud, r->runs, r->runs);
    *out = r;
    return SIM_OK;
}
