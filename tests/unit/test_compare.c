/* test_compare — paired comparison (compare.c) and sweeps (sweep.c) on
 * common random numbers (rng.h, docs/model.md §4 and §7).
 *
 * Most checks here are exact: run r of A and run r of B draw from the same
 * streams, so whatever a change cannot touch must come out identical to
 * the unit, run by run, and a scenario compared with itself must give a
 * difference of exactly 0.0. The statistical checks (the logit shares)
 * use fixed seeds and a tolerance of K_SD = 5 standard deviations of the
 * statistic, the deviation computed from the closed-form binomial variance
 * named at each check (never from the data, never widened): a correct
 * engine fails one such check with probability about 5.7e-7.
 * Fixtures are in tests/fixtures/compare/. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "diag.h"
#include "kpi.h"
#include "mc.h"
#include "pool.h"
#include "scenario.h"
#include "sweep.h"
#include "testutil.h"

#define FIX "tests/fixtures/compare/"
#define K_SD 5.0

/* ------------------------------------------------------------- helpers */

/* Fixture `name` with the NULL-terminated TARGET=VALUE edits, validated. */
static scenario *load(const char *name, ...)
{
    char dir[256];
    va_list ap;
    snprintf(dir, sizeof dir, FIX "%s", name);
    va_start(ap, name);
    scenario *s = test_load_va(dir, ap);
    va_end(ap);
    return s;
}

static void near(const char *what, double x, double mean, double sd)
{
    test_near(what, x, mean, sd, K_SD);
}

/* Two doubles computed two ways (the library's and this file's): equal to
 * rounding, 1e-9 relative. */
static void same_double(const char *what, double got, double want)
{
    if (!(fabs(got - want) <= 1e-9 * fmax(1.0, fabs(want))))
        fail_msg("%s: %.17g, expected %.17g", what, got, want);
}

static cmp_result *compare(const scenario *a, const scenario *b, int64_t runs, int threads)
{
    cmp_opts o;
    cmp_result *r = NULL;
    char msg[700];
    memset(&o, 0, sizeof o);
    o.runs = runs;
    o.threads = threads;
    int st = compare_run(a, b, &o, &r, msg, sizeof msg);
    if (st != SIM_OK)
        fail_msg("compare_run: %d %s", st, msg);
    assert_int_equal(r->runs, runs);
    return r;
}

static mc_result *mc_all(const scenario *s, int64_t runs, int threads)
{
    mc_opts o;
    mc_result *r = NULL;
    char msg[700];
    memset(&o, 0, sizeof o);
    o.runs = runs;
    o.threads = threads;
    o.fault_step = -1;
    int st = mc_run(s, &o, &r, msg, sizeof msg);
    if (st != SIM_OK)
        fail_msg("mc_run: %d %s", st, msg);
    return r;
}

/* Metric m of B - A has a difference of exactly 0.0 (not -0.0, which
 * would print as -0.000000) with a CI of exactly [0, 0], not significant. */
static void exact_zero(const cmp_result *r, int m, const char *ctx)
{
    const cmp_metric *c = &r->m[m];
    if (!(c->diff_mean == 0.0 && c->diff_lo == 0.0 && c->diff_hi == 0.0) || signbit(c->diff_mean) ||
        signbit(c->diff_lo) || signbit(c->diff_hi))
        fail_msg("%s: %s: B - A = %.17g, CI [%.17g, %.17g], expected exactly 0", ctx, kpi_metrics[m].name, c->diff_mean,
                 c->diff_lo, c->diff_hi);
    if (c->significant)
        fail_msg("%s: %s: a zero difference marked significant", ctx, kpi_metrics[m].name);
}

/* Time-series columns of the demand side: what viewers do. Nothing a
 * creator is paid feeds back into them (docs/model.md §4). */
static const int demand_cols[] = {TS_CASH_IN,     TS_STORE_FEES,     TS_COINS_SOLD,    TS_COINS_BONUS,
                                  TS_COINS_GIFTED, TS_COINS_BREAKAGE, TS_WALLET_COINS, TS_PURCHASES,
                                  TS_GIFTS,        TS_LOST_INTENTS,   TS_ACTIVE_VIEWERS, TS_PAYERS,
                                  TS_LIVE_CREATORS};
#define NDEMAND (sizeof demand_cols / sizeof demand_cols[0])
static const int demand_derived[] = {M_ARPPU, M_PAYER_RATE, M_BREAKAGE_RATE, M_LOST_RATE, M_TOP20_PAYER};
#define NDEMAND_DERIVED (sizeof demand_derived / sizeof demand_derived[0])

/* ============================================== 1. a scenario with itself */

/* base against base, and base against a directory that extends it and
 * changes nothing: every paired run is the same run, so every difference,
 * its CI and its significance are exactly zero, for every metric; the
 * pairing factor is undefined (NaN: the differences do not vary). */
static void self_case(const char *bname)
{
    scenario *a = load("base", NULL), *b = load(bname, NULL);
    cmp_result *r = compare(a, b, 6, 2);
    char ctx[64];
    snprintf(ctx, sizeof ctx, "base vs %s", bname);
    for (int m = 0; m < M_N; m++) {
        exact_zero(r, m, ctx);
        if (r->m[m].a_mean != r->m[m].b_mean)
            fail_msg("%s: %s: A mean %.17g, B mean %.17g", ctx, kpi_metrics[m].name, r->m[m].a_mean, r->m[m].b_mean);
        if (!isnan(r->m[m].var_ratio))
            fail_msg("%s: %s: var_ratio %g with no variance in the differences", ctx, kpi_metrics[m].name,
                     r->m[m].var_ratio);
    }
    for (int64_t i = 0; i < r->runs; i++) {
        assert_int_equal(r->a[i].run, (uint64_t)(i + 1));
        assert_memory_equal(&r->a[i], &r->b[i], sizeof r->a[i]);
    }
    /* Not zero because nothing happens: the fixture has spend, gifts and
     * cash-outs, and runs that differ from each other. */
    assert_true(r->m[TS_CASH_IN].a_mean > 0 && r->m[TS_PAYOUTS_NET].a_mean > 0 && r->m[TS_CASHOUTS].a_mean > 0);
    assert_true(r->a[0].exact[TS_CASH_IN] != r->a[1].exact[TS_CASH_IN]);
    compare_free(r);
    scenario_free(a);
    scenario_free(b);
}

static void test_self_compare_is_exactly_zero(void **state)
{
    (void)state;
    self_case("base");
    self_case("same");
}

/* ====================================== 2. common random numbers hold */

/* (a) Commission 0.50 -> 0.30 from step 0. Demand cannot see the
 * commission, so every demand figure is identical run by run and step by
 * step, and its paired difference is exactly zero. Creators' credit per
 * gift of c coins is floor(c x 10000 x (10^6 - commission_ppm) / 5000)
 * = 2c (10^6 - commission_ppm) µD exactly (docs/model.md §4.4): 10^6 c at 0.50,
 * 1.4 x 10^6 c at 0.30, so B's diamonds credited are exactly 1.4 x A's in
 * every run and every step. */
static void test_commission_leaves_demand_identical(void **state)
{
    (void)state;
    scenario *a = load("base", NULL), *b = load("commission", NULL);
    cmp_result *r = compare(a, b, 6, 2);
    for (int64_t i = 0; i < r->runs; i++) {
        const run_result *x = &r->a[i], *y = &r->b[i];
        for (size_t k = 0; k < NDEMAND; k++)
            if (x->exact[demand_cols[k]] != y->exact[demand_cols[k]])
                fail_msg("run %lld: %s: A %lld, B %lld", (long long)(i + 1), kpi_cols[demand_cols[k]].name,
                         (long long)x->exact[demand_cols[k]], (long long)y->exact[demand_cols[k]]);
        for (size_t k = 0; k < NDEMAND_DERIVED; k++)
            if (x->value[demand_derived[k]] != y->value[demand_derived[k]])
                fail_msg("run %lld: %s: A %.17g, B %.17g", (long long)(i + 1), kpi_metrics[demand_derived[k]].name,
                         x->value[demand_derived[k]], y->value[demand_derived[k]]);
        assert_true(x->exact[TS_DIAMONDS_CREDITED] > 0);
        assert_int_equal(x->exact[TS_DIAMONDS_CREDITED], x->exact[TS_COINS_GIFTED] * 1000000);
        assert_int_equal(y->exact[TS_DIAMONDS_CREDITED], y->exact[TS_COINS_GIFTED] * 1400000);
    }
    for (size_t k = 0; k < NDEMAND; k++)
        exact_zero(r, demand_cols[k], "commission 0.30");
    for (size_t k = 0; k < NDEMAND_DERIVED; k++)
        exact_zero(r, demand_derived[k], "commission 0.30");
    /* The creator figures move: 40% more credit, so about 40% more paid
     * out (+$430 on $1,000 a run), while the paired noise is only that of
     * cash-out timing (the gifts are the same): far outside the CI. Cash in
     * is the same, so the platform keeps what creators gain. */
    const int up[] = {TS_DIAMONDS_CREDITED, TS_PAYOUTS_NET, TS_PAYOUTS_GROSS, M_CREATOR_SHARE};
    for (size_t k = 0; k < sizeof up / sizeof up[0]; k++) {
        const cmp_metric *c = &r->m[up[k]];
        print_message("  %-24s B - A %+.6g [%+.6g, %+.6g]\n", kpi_metrics[up[k]].name, c->diff_mean, c->diff_lo,
                      c->diff_hi);
        if (!(c->significant && c->diff_lo > 0))
            fail_msg("commission 0.30: %s: B - A %g [%g, %g], expected above zero", kpi_metrics[up[k]].name,
                     c->diff_mean, c->diff_lo, c->diff_hi);
    }
    same_double("diamonds credited, B mean / A mean", r->m[TS_DIAMONDS_CREDITED].b_mean,
                1.4 * r->m[TS_DIAMONDS_CREDITED].a_mean);
    assert_true(r->m[TS_PLATFORM_CASH].significant && r->m[TS_PLATFORM_CASH].diff_hi < 0);

    /* Step by step, through mc_run (the runs compare makes are the runs
     * `coinsim run` makes: the same run numbers, the same bytes). */
    mc_result *ra = mc_all(a, 6, 2), *rb = mc_all(b, 6, 2);
    assert_memory_equal(ra->res, r->a, 6 * sizeof *r->a);
    assert_memory_equal(rb->res, r->b, 6 * sizeof *r->b);
    for (int64_t j = 0; j < ra->runs * ra->steps; j++) {
        for (size_t k = 0; k < NDEMAND; k++)
            if (ra->ts[j].v[demand_cols[k]] != rb->ts[j].v[demand_cols[k]])
                fail_msg("run %lld step %lld: %s: A %lld, B %lld", (long long)(j / ra->steps + 1),
                         (long long)(j % ra->steps), kpi_cols[demand_cols[k]].name,
                         (long long)ra->ts[j].v[demand_cols[k]], (long long)rb->ts[j].v[demand_cols[k]]);
        assert_int_equal(rb->ts[j].v[TS_DIAMONDS_CREDITED] * 5, ra->ts[j].v[TS_DIAMONDS_CREDITED] * 7);
    }
    mc_result_free(ra);
    mc_result_free(rb);
    compare_free(r);
    scenario_free(a);
    scenario_free(b);
}

/* (b) One pack dearer (app330 $4.99 -> $6.99 from step 0). Purchases
 * change, but who is active comes from the RNG_VIEWERS stream and who is
 * live from RNG_LIVE, neither of which sees a price: active viewers and
 * live creators are identical in every run and every step.
 * (c) Pairing narrows the CI of cash in: var_ratio = (var A + var B) /
 * var(B - A) > 1. The statistics of compare_stats are recomputed here from
 * the paired runs: mean of B - A, Student-t half-width t(0.975, n-1) sd/√n,
 * the unpaired half-width t sqrt(var A + var B)/√n, the relative change. */
static void test_price_change_pairs(void **state)
{
    (void)state;
    scenario *a = load("base", NULL), *b = load("price", NULL);
    cmp_result *r = compare(a, b, 6, 2);
    int64_t n = r->runs, moved = 0;
    for (int64_t i = 0; i < n; i++) {
        assert_int_equal(r->a[i].exact[TS_ACTIVE_VIEWERS], r->b[i].exact[TS_ACTIVE_VIEWERS]);
        assert_int_equal(r->a[i].exact[TS_LIVE_CREATORS], r->b[i].exact[TS_LIVE_CREATORS]);
        moved += r->a[i].exact[TS_PURCHASES] != r->b[i].exact[TS_PURCHASES];
    }
    print_message("  purchases differ in %lld of %lld paired runs\n", (long long)moved, (long long)n);
    assert_true(moved > 0);
    exact_zero(r, TS_ACTIVE_VIEWERS, "app330 $6.99");
    exact_zero(r, TS_LIVE_CREATORS, "app330 $6.99");

    mc_result *ra = mc_all(a, n, 2), *rb = mc_all(b, n, 2);
    for (int64_t j = 0; j < n * ra->steps; j++) {
        assert_int_equal(ra->ts[j].v[TS_ACTIVE_VIEWERS], rb->ts[j].v[TS_ACTIVE_VIEWERS]);
        assert_int_equal(ra->ts[j].v[TS_LIVE_CREATORS], rb->ts[j].v[TS_LIVE_CREATORS]);
    }
    /* The dearer pack sells at its new price, the others at theirs. */
    for (int64_t i = 0; i < n; i++) {
        brk_block ka = brk_at(&ra->brk, i), kb = brk_at(&rb->brk, i);
        assert_int_equal(test_brk(&ra->brk.sh, ka, BRK_PACKS, 1, PR_REVENUE),
                         test_brk(&ra->brk.sh, ka, BRK_PACKS, 1, PR_PURCHASES) * 4990000);
        assert_int_equal(test_brk(&rb->brk.sh, kb, BRK_PACKS, 1, PR_REVENUE),
                         test_brk(&rb->brk.sh, kb, BRK_PACKS, 1, PR_PURCHASES) * 6990000);
    }
    mc_result_free(ra);
    mc_result_free(rb);

    for (int m = 0; m < M_N; m++) {
        double x[64], y[64], d[64], ma = 0, mb = 0, md = 0, va = 0, vb = 0, vd = 0;
        for (int64_t i = 0; i < n; i++) {
            x[i] = r->a[i].value[m];
            y[i] = r->b[i].value[m];
            d[i] = y[i] - x[i];
            ma += x[i] / (double)n;
            mb += y[i] / (double)n;
            md += d[i] / (double)n;
        }
        for (int64_t i = 0; i < n; i++) {
            va += (x[i] - ma) * (x[i] - ma) / (double)(n - 1);
            vb += (y[i] - mb) * (y[i] - mb) / (double)(n - 1);
            vd += (d[i] - md) * (d[i] - md) / (double)(n - 1);
        }
        double t = gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)), h = t * sqrt(vd / (double)n);
        const cmp_metric *c = &r->m[m];
        char what[96];
        snprintf(what, sizeof what, "%s: A mean", kpi_metrics[m].name);
        same_double(what, c->a_mean, ma);
        snprintf(what, sizeof what, "%s: B mean", kpi_metrics[m].name);
        same_double(what, c->b_mean, mb);
        snprintf(what, sizeof what, "%s: diff mean", kpi_metrics[m].name);
        same_double(what, c->diff_mean, md);
        snprintf(what, sizeof what, "%s: diff CI low", kpi_metrics[m].name);
        same_double(what, c->diff_lo, md - h);
        snprintf(what, sizeof what, "%s: diff CI high", kpi_metrics[m].name);
        same_double(what, c->diff_hi, md + h);
        snprintf(what, sizeof what, "%s: unpaired half-width", kpi_metrics[m].name);
        same_double(what, c->half_unpaired, t * sqrt((va + vb) / (double)n));
        if (ma != 0) {
            snprintf(what, sizeof what, "%s: relative change", kpi_metrics[m].name);
            same_double(what, c->rel_change, md / fabs(ma));
        }
        if (vd > 0) {
            snprintf(what, sizeof what, "%s: var ratio", kpi_metrics[m].name);
            same_double(what, c->var_ratio, (va + vb) / vd);
        }
        if (c->significant != (md - h > 0 || md + h < 0))
            fail_msg("%s: significant %d with CI [%g, %g]", kpi_metrics[m].name, c->significant, md - h, md + h);
    }
    const cmp_metric *ci = &r->m[TS_CASH_IN];
    print_message("  cash_in_usd: var_ratio %.4g (CI %.3gx narrower than unpaired)\n", ci->var_ratio, sqrt(ci->var_ratio));
    assert_true(ci->var_ratio > 1);
    assert_true(ci->half_unpaired > (ci->diff_hi - ci->diff_lo) / 2);

    /* Results do not depend on the number of threads. */
    cmp_result *r1 = compare(a, b, 6, 1);
    assert_memory_equal(r1->a, r->a, 6 * sizeof *r->a);
    assert_memory_equal(r1->b, r->b, 6 * sizeof *r->b);
    assert_memory_equal(r1->m, r->m, sizeof r->m);
    compare_free(r1);

    /* Paired runs need one seed: refused, not silently unpaired. */
    scenario *b2 = load("price", "seed=4", NULL);
    cmp_opts o;
    cmp_result *bad = (cmp_result *)1;
    char msg[300] = "";
    memset(&o, 0, sizeof o);
    o.runs = 2;
    o.threads = 1;
    assert_int_not_equal(compare_run(a, b2, &o, &bad, msg, sizeof msg), SIM_OK);
    assert_null(bad);
    assert_true(strstr(msg, "seed") != NULL);
    scenario_free(b2);

    compare_free(r);
    scenario_free(a);
    scenario_free(b);
}

/* ========================================= 3. a price rise and the logit */

/* logit: one 1-coin gift, so a viewer decides only with an empty wallet,
 * for a shortfall of exactly 1 coin: q_k = 1 for every pack and
 * U_k = alpha + beta ln(coins_k + bonus_k) - gamma price_k, with alpha -1,
 * beta 0.5, gamma 0.2 and packs of 10, 45 + 5 and 200 coins. A decision
 * that buys buys one pack and sends the gift; one that buys nothing loses
 * the intent; an intent with coins in the wallet decides nothing. So the
 * decisions are N = purchases + lost intents, pack k's count is its
 * purchases, and "nothing" is the lost intents. Each decision draws afresh,
 * so count_k - p_k N is a martingale with increments of variance
 * p_k (1 - p_k): the share's sd is sqrt(p_k (1 - p_k) / N). */
static const double logit_coins[3] = {10, 50, 200};

static void logit_probs(const double price[3], double p[4])
{
    double e[3], den = 1;
    for (int k = 0; k < 3; k++) {
        e[k] = exp(-1.0 + 0.5 * log(logit_coins[k]) - 0.2 * price[k]);
        den += e[k];
    }
    for (int k = 0; k < 3; k++)
        p[k] = e[k] / den;
    p[3] = 1 / den;
}

/* The observed shares of s10, m50, l200 and "nothing" over every run of s,
 * each checked against p. */
static void logit_shares(const char *label, const scenario *s, const double price_usd[3], double share[4])
{
    mc_result *r = mc_all(s, s->t.p.runs, 2);
    double cnt[4] = {0}, p[4];
    assert_int_equal(r->brk.sh.npacks, 3);
    for (int64_t i = 0; i < r->runs; i++) {
        int64_t sum = 0;
        brk_block b = brk_at(&r->brk, i);
        for (int k = 0; k < 3; k++) {
            int64_t np = test_brk(&r->brk.sh, b, BRK_PACKS, (size_t)k, PR_PURCHASES);
            cnt[k] += (double)np;
            sum += np;
            /* Every purchase at the pack's price, one pack per decision. */
            assert_int_equal(test_brk(&r->brk.sh, b, BRK_PACKS, (size_t)k, PR_REVENUE),
                             np * (int64_t)llround(price_usd[k] * 1e6));
        }
        assert_int_equal(sum, r->res[i].exact[TS_PURCHASES]);
        cnt[3] += (double)r->res[i].exact[TS_LOST_INTENTS];
        /* Each gift is 1 coin, bought or from the wallet. */
        assert_int_equal(r->res[i].exact[TS_COINS_GIFTED], r->res[i].exact[TS_GIFTS]);
    }
    double N = cnt[0] + cnt[1] + cnt[2] + cnt[3];
    logit_probs(price_usd, p);
    const char *nm[4] = {"P(s10)", "P(m50)", "P(l200)", "P(nothing)"};
    print_message("  %s: %.0f decisions\n", label, N);
    for (int k = 0; k < 4; k++) {
        char what[80];
        snprintf(what, sizeof what, "%s, %s", label, nm[k]);
        share[k] = cnt[k] / N;
        near(what, share[k], p[k], sqrt(p[k] * (1 - p[k]) / N));
    }
    mc_result_free(r);
}

/* Every price 50% higher (logit_up): the shares follow the logit at both
 * price levels; purchases fall, with a paired CI below zero; the mix
 * shifts as the closed form says: the cheap pack gains share of the
 * decisions (0.249 -> 0.297), the others lose, buying nothing gains. */
static void test_price_rise_logit(void **state)
{
    (void)state;
    scenario *a = load("logit", NULL), *b = load("logit_up", NULL);
    const double pa[3] = {0.99, 3.99, 9.99}, pb[3] = {1.49, 5.99, 14.99};
    double sa[4], sb[4], ea[4], eb[4];
    logit_shares("A", a, pa, sa);
    logit_shares("B, prices x1.5", b, pb, sb);
    logit_probs(pa, ea);
    logit_probs(pb, eb);
    for (int k = 0; k < 4; k++) {
        /* The expected shift is tens of sd of either share. */
        if ((eb[k] > ea[k]) != (sb[k] > sa[k]))
            fail_msg("share %d moved from %.4f to %.4f; the logit says %.4f to %.4f", k, sa[k], sb[k], ea[k], eb[k]);
    }

    cmp_result *r = compare(a, b, a->t.p.runs, 2);
    const cmp_metric *c = &r->m[TS_PURCHASES];
    print_message("  purchases: A %.1f, B %.1f, B - A %+.1f [%+.1f, %+.1f]\n", c->a_mean, c->b_mean, c->diff_mean,
                  c->diff_lo, c->diff_hi);
    assert_true(c->b_mean < c->a_mean);
    assert_true(c->significant && c->diff_hi < 0);
    exact_zero(r, TS_ACTIVE_VIEWERS, "prices x1.5");
    exact_zero(r, TS_LIVE_CREATORS, "prices x1.5");
    compare_free(r);
    scenario_free(a);
    scenario_free(b);
}

/* ============================================================ --until-ci */

static cmp_result *until(const scenario *a, const scenario *b, int64_t batch, double pct, int64_t max_runs)
{
    cmp_opts o;
    cmp_result *r = NULL;
    char msg[700];
    memset(&o, 0, sizeof o);
    o.runs = batch;
    o.threads = 2;
    o.until_ci = pct;
    o.metric = TS_PURCHASES;
    o.max_runs = max_runs;
    int st = compare_run(a, b, &o, &r, msg, sizeof msg);
    if (st != SIM_OK)
        fail_msg("compare_run --until-ci: %d %s", st, msg);
    return r;
}

/* Batches of 2 until the CI half-width of the purchases difference is
 * within 1.5% of it. It stops at the first batch that meets the target:
 * the result is that of N paired runs 1..N made at once (later batches
 * continue the run numbers), and N - 2 runs do not meet it. A cap below N
 * stops there, not reached. */
static void test_until_ci(void **state)
{
    (void)state;
    scenario *a = load("logit", NULL), *b = load("logit_up", NULL);
    const double pct = 1.5;
    cmp_result *r = until(a, b, 2, pct, 200);
    const cmp_metric *c = &r->m[TS_PURCHASES];
    double half = (c->diff_hi - c->diff_lo) / 2;
    print_message("  converged %d after %lld runs: half-width %.4g, %.3f%% of %.6g\n", r->converged,
                  (long long)r->runs, half, 100 * half / fabs(c->diff_mean), c->diff_mean);
    assert_true(r->converged);
    assert_true(r->runs >= 4 && r->runs % 2 == 0);
    assert_true(half <= pct / 100 * fabs(c->diff_mean));
    for (int64_t i = 0; i < r->runs; i++)
        assert_int_equal(r->a[i].run, (uint64_t)(i + 1));

    cmp_result *f = compare(a, b, r->runs, 2);
    assert_memory_equal(f->a, r->a, (size_t)r->runs * sizeof *r->a);
    assert_memory_equal(f->b, r->b, (size_t)r->runs * sizeof *r->b);
    assert_memory_equal(f->m, r->m, sizeof r->m);
    compare_free(f);

    cmp_result *s = until(a, b, 2, pct, r->runs - 2);
    const cmp_metric *cs = &s->m[TS_PURCHASES];
    assert_false(s->converged);
    assert_int_equal(s->runs, r->runs - 2);
    assert_true((cs->diff_hi - cs->diff_lo) / 2 > pct / 100 * fabs(cs->diff_mean));
    compare_free(s);

    /* A cap that is not a whole number of batches: the last batch is cut. */
    cmp_result *u = until(a, b, 2, 0.01, 5);
    assert_false(u->converged);
    assert_int_equal(u->runs, 5);
    compare_free(u);
    compare_free(r);
    scenario_free(a);
    scenario_free(b);
}

/* ================================================================ sweeps */

static sweep_result *sweep(scenario *const *pts, const sweep_axis *ax, size_t nax, size_t np, int64_t runs, int threads)
{
    sweep_opts o;
    sweep_result *r = NULL;
    char msg[700];
    memset(&o, 0, sizeof o);
    o.runs = runs;
    o.threads = threads;
    int st = sweep_run(pts, ax, nax, np, &o, &r, msg, sizeof msg);
    if (st != SIM_OK)
        fail_msg("sweep_run: %d %s", st, msg);
    return r;
}

/* Commission 0.1, 0.3, ..., 0.9 (what --vary commission=0.1:0.9:0.2
 * gives). Every point on the same random numbers: every demand figure
 * identical across points run by run; diamonds credited exactly
 * 2 (10^6 - commission_ppm) µD a coin gifted, so strictly falling in every
 * run; net payouts falling from point to point in the mean (cash-outs
 * follow the credit, but a creator crossing the minimum a step earlier or
 * later can reorder a single run, so the monotone claim is on the means:
 * each step of 0.2 takes 0.2 / 0.9 of the credit at 0.1, about $410 of
 * payouts a run here, on the same gifts). A point is the scenario with
 * --set: its runs equal pool_unit's. Threads do not matter. */
static void test_sweep_commission(void **state)
{
    (void)state;
    scenario *base = load("base", "runs=4", NULL);
    const char *vals[] = {"0.1", "0.3", "0.5", "0.7", "0.9"};
    sweep_axis ax = {"commission", vals, 5};
    const int64_t R = 4;
    assert_int_equal(sweep_points(&ax, 1, 1000), 5);
    diag d = {0};
    scenario **pts = sweep_build(base, &ax, 1, 5, &d);
    assert_non_null(pts);
    assert_int_equal(d.errors, 0);
    diag_clear(&d);
    for (int p = 0; p < 5; p++)
        assert_int_equal(pts[p]->t.p.commission, 100000 + 200000 * p);
    assert_int_equal(base->t.p.commission, 500000);

    sweep_result *r = sweep(pts, &ax, 1, 5, R, 2);
    assert_int_equal(r->npoints, 5);
    assert_int_equal(r->runs, R);
    double prev_net = INFINITY;
    for (int p = 0; p < 5; p++) {
        double net = 0;
        for (int64_t i = 0; i < R; i++) {
            const run_result *x = &r->res[p * R + i], *x0 = &r->res[i];
            for (size_t k = 0; k < NDEMAND; k++)
                if (x->exact[demand_cols[k]] != x0->exact[demand_cols[k]])
                    fail_msg("commission %s run %lld: %s %lld, at 0.1 %lld", vals[p], (long long)(i + 1),
                             kpi_cols[demand_cols[k]].name, (long long)x->exact[demand_cols[k]],
                             (long long)x0->exact[demand_cols[k]]);
            assert_int_equal(x->exact[TS_DIAMONDS_CREDITED],
                             x->exact[TS_COINS_GIFTED] * 2 * (1000000 - (100000 + 200000 * p)));
            if (p > 0)
                assert_true(x->exact[TS_DIAMONDS_CREDITED] < r->res[(p - 1) * R + i].exact[TS_DIAMONDS_CREDITED]);
            net += (double)x->exact[TS_PAYOUTS_NET] / (double)R;
        }
        print_message("  commission %s: mean net payouts $%.2f\n", vals[p], net / 1e6);
        if (!(net < prev_net))
            fail_msg("commission %s: mean net payouts %.0f µUSD, not below %.0f at the point before", vals[p], net,
                     prev_net);
        prev_net = net;
    }
    assert_true(r->res[0].exact[TS_PAYOUTS_NET] > 0);

    /* Point 3 is the scenario with --set commission=0.7, run by run. */
    scenario *s07 = load("base", "runs=4", "commission=0.7", NULL);
    mc_opts mo;
    memset(&mo, 0, sizeof mo);
    mo.fault_step = -1;
    kpi_step ts[64];
    run_result one;
    char msg[300];
    assert_true(s07->t.p.steps <= 64);
    for (int64_t i = 0; i < R; i++) {
        assert_int_equal(pool_unit(s07, (uint64_t)(i + 1), mo.check, mo.fault_step, &one, ts, NULL, NULL, msg, sizeof msg), SIM_OK);
        assert_memory_equal(&one, &r->res[3 * R + i], sizeof one);
    }
    scenario_free(s07);

    sweep_result *r1 = sweep(pts, &ax, 1, 5, R, 1);
    assert_memory_equal(r1->res, r->res, (size_t)(5 * R) * sizeof *r->res);
    assert_memory_equal(r1->pick, r->pick, 5 * sizeof *r->pick);
    sweep_free(r1);
    sweep_free(r);
    sweep_points_free(pts, 5);
    scenario_free(base);
}

/* Two axes: 2 commissions x 3 prices of app65 make 6 points, the first
 * axis varying slowest: point p is (p / 3, p % 3). More than the limit is
 * refused (0 points). Each point's runs are the scenario's with both
 * values set. A value out of the target's range makes the grid invalid,
 * the problem labelled with the --vary that brought it. */
static void test_sweep_grid(void **state)
{
    (void)state;
    scenario *base = load("base", "runs=2", NULL);
    const char *cv[] = {"0.2", "0.5"}, *pv[] = {"0.99", "1.49", "1.99"};
    sweep_axis ax[2] = {{"commission", cv, 2}, {"packs.app65.price_usd", pv, 3}};
    assert_int_equal(sweep_points(ax, 2, 1000), 6);
    assert_int_equal(sweep_points(ax, 2, 6), 6);
    assert_int_equal(sweep_points(ax, 2, 5), 0);
    diag d = {0};
    scenario **pts = sweep_build(base, ax, 2, 6, &d);
    assert_non_null(pts);
    diag_clear(&d);
    sweep_result *r = sweep(pts, ax, 2, 6, 2, 2);
    mc_opts mo;
    memset(&mo, 0, sizeof mo);
    mo.fault_step = -1;
    kpi_step ts[64];
    run_result one;
    char msg[300], s1[64], s2[64];
    for (size_t p = 0; p < 6; p++) {
        assert_int_equal(r->pick[p * 2], p / 3);
        assert_int_equal(r->pick[p * 2 + 1], p % 3);
        assert_int_equal(pts[p]->t.p.commission, p / 3 ? 500000 : 200000);
        assert_int_equal(pts[p]->t.packs[0].price, 990000 + 500000 * (int64_t)(p % 3));
        snprintf(s1, sizeof s1, "commission=%s", cv[p / 3]);
        snprintf(s2, sizeof s2, "packs.app65.price_usd=%s", pv[p % 3]);
        scenario *s = load("base", "runs=2", s1, s2, NULL);
        for (int64_t i = 0; i < 2; i++) {
            assert_int_equal(pool_unit(s, (uint64_t)(i + 1), mo.check, mo.fault_step, &one, ts, NULL, NULL, msg, sizeof msg), SIM_OK);
            assert_memory_equal(&one, &r->res[p * 2 + (size_t)i], sizeof one);
        }
        scenario_free(s);
    }
    sweep_free(r);
    sweep_points_free(pts, 6);

    const char *badv[] = {"0.5", "1.5"};
    sweep_axis bad = {"commission", badv, 2};
    assert_null(sweep_build(base, &bad, 1, 2, &d));
    assert_true(d.errors > 0);
    int named = 0;
    for (size_t i = 0; i < d.n; i++) {
        print_message("  %s\n", d.items[i].text);
        named |= strstr(d.items[i].text, "--vary commission=1.5") != NULL;
    }
    assert_true(named);
    diag_clear(&d);
    scenario_free(base);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_self_compare_is_exactly_zero),
        cmocka_unit_test(test_commission_leaves_demand_identical),
        cmocka_unit_test(test_price_change_pairs),
        cmocka_unit_test(test_price_rise_logit),
        cmocka_unit_test(test_until_ci),
        cmocka_unit_test(test_sweep_commission),
        cmocka_unit_test(test_sweep_grid),
    };
    return cmocka_run_group_tests_name("compare", tests, NULL, NULL);
}
