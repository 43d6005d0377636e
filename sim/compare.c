#include "compare.h"

#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dist.h"
#include "pool.h"
#include "paired.h"
#include "stats.h"

void compare_free(cmp_result *r)
{
    if (!r)
        return;
    free(r->a);
    free(r->b);
    brk_store_free(&r->brk[0]);
    brk_store_free(&r->brk[1]);
    free(r);
}

int compare_pair(const double *x, const double *y, size_t n, cmp_metric *c)
{
    double *d = malloc((n ? n : 1) * sizeof *d);
    if (!d)
        return -1;
    for (size_t i = 0; i < n; i++)
        d[i] = y[i] - x[i];
    c->a_mean = gsl_stats_mean(x, 1, n);
    c->b_mean = gsl_stats_mean(y, 1, n);
    c->diff_mean = gsl_stats_mean(d, 1, n);
    double vd = n > 1 ? gsl_stats_variance_m(d, 1, n, c->diff_mean) : NAN;
    free(d);
    double va = n > 1 ? gsl_stats_variance_m(x, 1, n, c->a_mean) : NAN;
    double vb = n > 1 ? gsl_stats_variance_m(y, 1, n, c->b_mean) : NAN;
    double h = stats_ci95_half(sqrt(vd), n);
    c->diff_lo = c->diff_mean - h;
    c->diff_hi = c->diff_mean + h;
    c->significant = n > 1 && (c->diff_lo > 0 || c->diff_hi < 0);
    c->rel_change = c->a_mean != 0 ? c->diff_mean / fabs(c->a_mean) : NAN;
    c->var_ratio = vd > 0 ? (va + vb) / vd : NAN;
    c->half_unpaired = stats_ci95_half(sqrt(va + vb), n);
    return 0;
}

void compare_stats(cmp_result *r)
{
    size_t n = (size_t)r->runs;
    double *x = malloc((n ? n : 1) * sizeof *x), *y = malloc((n ? n : 1) * sizeof *y);
    for (int m = 0; x && y && m < M_N; m++) {
        for (size_t i = 0; i < n; i++) {
            x[i] = r->a[i].value[m];
            y[i] = r->b[i].value[m];
        }
        compare_pair(x, y, n, &r->m[m]);
    }
    free(x);
    free(y);
}

/* A batch's progress, in pairs of the whole job. */
typedef struct batch_progress {
    const cmp_opts *o;
    int64_t before, cap; /* pairs done before the batch; pairs in all */
} batch_progress;

static void on_progress(void *ud, int64_t units, int64_t total)
{
    const batch_progress *bp = ud;
    (void)total;
    bp->o->hooks.progress(bp->o->hooks.ud, bp->before + units / 2, bp->cap);
}

/* Runs first..first+k-1 of A and of B, as one job of the pool (variants A
 * and B, so both sides' runs share the threads), appended to r->a and
 * r->b (which hold r->runs). */
static int batch(const scenario *a, const scenario *b, const cmp_opts *o, cmp_result *r, int64_t k,
                 int64_t cap, char *msg, size_t n)
{
    size_t have = (size_t)r->runs, want = have + (size_t)k;
    run_result *res = calloc(2 * (size_t)k, sizeof *res);
    run_result *na = realloc(r->a, want * sizeof *na);
    if (na)
        r->a = na;
    run_result *nb = na ? realloc(r->b, want * sizeof *nb) : NULL;
    if (nb)
        r->b = nb;
    int bad = !res || !na || !nb || brk_store_grow(&r->brk[0], (int64_t)want) < 0 ||
              brk_store_grow(&r->brk[1], (int64_t)want) < 0;
    snprintf(msg, n, "out of memory for %zu pairs of runs", want);
    if (dist_agree(bad, msg, n) || bad) { /* in an MPI job, any rank's is every rank's */
        free(res);
        return SIM_NOMEM;
    }
    const scenario *sides[2] = {a, b};
    batch_progress bp = {o, r->runs, cap};
    run_hooks h = {
        .progress = o->hooks.progress ? on_progress : NULL, .stop = o->hooks.stop, .ud = &bp};
    pool_job j = {
        .variants = sides,
        .nvariants = 2,
        .runs = k,
        .first = (uint64_t)r->runs + 1,
        .threads = o->threads,
        .fault_step = -1,
        .res = res,
        .brk = r->brk,
        .brk_base = r->runs,
        .hooks = &h,
    };
    int st = pool_run(&j, msg, n);
    if (st == SIM_OK) {
        memcpy(r->a + have, res, (size_t)k * sizeof *res);
        memcpy(r->b + have, res + k, (size_t)k * sizeof *res);
    }
    free(res);
    return st;
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
    brk_shape sa = brk_shape_of(&a->t), sb = brk_shape_of(&b->t);
    if (brk_store_init(&r->brk[0], &sa, 0) < 0 || brk_store_init(&r->brk[1], &sb, 0) < 0) {
        snprintf(msg, n, "out of memory");
        compare_free(r);
        return SIM_NOMEM;
    }
    int64_t cap = o->until_ci > 0 ? o->max_runs : o->runs;
    for (;;) {
        int64_t k = o->runs;
        if (r->runs + k > cap)
            k = cap - r->runs;
        if (o->hooks.progress)
            o->hooks.progress(o->hooks.ud, r->runs, cap);
        int st = batch(a, b, o, r, k, cap, msg, n);
        if (st == SIM_STOPPED) { /* the batch's count alone would mislead */
            long long done = r->runs;
            snprintf(msg, n, "after %lld pairs of runs (in the pairs %lld to %lld)", done, done + 1,
                     done + k);
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
