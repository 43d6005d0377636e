/* test_kpi — the metrics of docs/model.md §6: the Gini and top-share helpers on
 * vectors worked by hand, the metric table, formatting, and every derived
 * metric of a real run recomputed here from its event stream. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "kpi.h"
#include "scenario.h"
#include "world.h"

#define FIX "tests/fixtures/model/"

/* Floating results computed two ways agree to rounding: 1e-12 relative. */
static void close_to(const char *what, double x, double want)
{
    double tol = 1e-12 * (fabs(want) > 1 ? fabs(want) : 1);
    if (!(fabs(x - want) <= tol))
        fail_msg("%s: %.17g, expected %.17g", what, x, want);
}

/* ------------------------------------------------------------ gini */

static void test_gini_known_vectors(void **state)
{
    (void)state;
    int64_t eq[7] = {5, 5, 5, 5, 5, 5, 5};
    assert_true(kpi_gini(eq, 7) == 0.0);

    /* One earner of n: sum (2i - n - 1) x_i / (n sum x) = (n - 1) / n. */
    const size_t ns[] = {1, 2, 10, 1000};
    for (size_t k = 0; k < sizeof ns / sizeof ns[0]; k++) {
        size_t n = ns[k];
        int64_t *x = calloc(n, sizeof *x);
        assert_non_null(x);
        x[n / 2] = 123456789;
        close_to("one earner", kpi_gini(x, n), (double)(n - 1) / (double)n);
        free(x);
    }

    /* {1,2,3,4}: the pairwise differences sum to 10 over the 6 pairs, so
     * G = 2 x 10 / (2 n^2 mean) = 20 / (2 x 16 x 2.5) = 0.25. */
    int64_t a[4] = {3, 1, 4, 2};
    close_to("{1,2,3,4}", kpi_gini(a, 4), 0.25);
    /* It sorts its input, as documented. */
    for (int i = 0; i < 4; i++)
        assert_int_equal(a[i], i + 1);

    /* {0,0,5,3,2}: sorted 0,0,2,3,5, weights -4,-2,0,2,4: 26 / (5 x 10). */
    int64_t b[5] = {0, 0, 5, 3, 2};
    close_to("{0,0,5,3,2}", kpi_gini(b, 5), 0.52);

    /* Nobody earned: 0, not NaN; empty: 0. */
    int64_t z[3] = {0, 0, 0};
    assert_true(kpi_gini(z, 3) == 0.0);
    assert_true(kpi_gini(z, 0) == 0.0);

    /* Large amounts (µD of a big economy) keep their precision. */
    int64_t big[2] = {0, INT64_C(4000000000000000)};
    close_to("large values", kpi_gini(big, 2), 0.5);
}

/* ------------------------------------------------------- top share */

static void test_top_share_ceil(void **state)
{
    (void)state;
    int64_t x[150];
    for (int i = 0; i < 150; i++)
        x[i] = 150 - i;                 /* 150..1, unsorted for the helper */
    /* ceil(1% x 150) = ceil(1.5) = 2: (150 + 149) / 11325. */
    close_to("n 150, 1%", kpi_top_share(x, 150, 10000), 299.0 / 11325.0);
    /* ceil(1% x 100) = 1 exactly: an integer is not rounded up. */
    for (int i = 0; i < 100; i++)
        x[i] = i + 1;
    close_to("n 100, 1%", kpi_top_share(x, 100, 10000), 100.0 / 5050.0);
    /* ceil(1% x 101) = ceil(1.01) = 2. */
    for (int i = 0; i < 101; i++)
        x[i] = i + 1;
    close_to("n 101, 1%", kpi_top_share(x, 101, 10000), 201.0 / 5151.0);
    /* ceil(20% x 7) = ceil(1.4) = 2. */
    int64_t y[7] = {1, 7, 2, 6, 3, 5, 4};
    close_to("n 7, 20%", kpi_top_share(y, 7, 200000), 13.0 / 28.0);
    /* 100% is everything; 0% is nobody. */
    close_to("n 7, 100%", kpi_top_share(y, 7, 1000000), 1.0);
    assert_true(kpi_top_share(y, 7, 0) == 0.0);
    /* Ties: the top 2 of {5,5,5} hold 2/3. */
    int64_t t[3] = {5, 5, 5};
    close_to("ties", kpi_top_share(t, 3, 500000), 2.0 / 3.0);
    /* Zero sum and empty: 0. */
    int64_t z[4] = {0, 0, 0, 0};
    assert_true(kpi_top_share(z, 4, 200000) == 0.0);
    assert_true(kpi_top_share(z, 0, 200000) == 0.0);
}

/* ------------------------------------------------- table and format */

static void test_metric_table(void **state)
{
    (void)state;
    for (int m = 0; m < M_N; m++) {
        assert_non_null(kpi_metrics[m].name);
        assert_int_equal(kpi_metric_find(kpi_metrics[m].name), m);
        for (int k = 0; k < m; k++)
            assert_string_not_equal(kpi_metrics[k].name, kpi_metrics[m].name);
    }
    for (int c = 0; c < TS_N; c++) {
        assert_string_equal(kpi_metrics[c].name, kpi_cols[c].name);
        assert_int_equal(kpi_metrics[c].unit, kpi_cols[c].unit);
    }
    assert_int_equal(kpi_metric_find("creator_gini"), M_GINI);
    assert_int_equal(kpi_metric_find("top1pct_creator_share"), M_TOP1_CREATOR);
    assert_int_equal(kpi_metric_find("payers"), TS_PAYERS);
    assert_int_equal(kpi_metric_find("no_such_metric"), -1);
    assert_int_equal(kpi_metric_find(""), -1);
    /* The stocks and means of docs/model.md §6. */
    assert_int_equal(kpi_cols[TS_PLATFORM_CASH].agg, AGG_LAST);
    assert_int_equal(kpi_cols[TS_WALLET_COINS].agg, AGG_LAST);
    assert_int_equal(kpi_cols[TS_PENDING_DIAMONDS].agg, AGG_LAST);
    assert_int_equal(kpi_cols[TS_ACTIVE_VIEWERS].agg, AGG_MEAN);
    assert_int_equal(kpi_cols[TS_LIVE_CREATORS].agg, AGG_MEAN);
    assert_int_equal(kpi_cols[TS_PAYERS].agg, AGG_DISTINCT);
    assert_int_equal(kpi_cols[TS_CASH_IN].agg, AGG_SUM);
}

static void test_format(void **state)
{
    (void)state;
    run_result r;
    char buf[64];
    memset(&r, 0, sizeof r);
    r.exact[TS_CASH_IN] = 1230000;
    r.exact[TS_DIAMONDS_CREDITED] = 1500001;
    r.exact[TS_GIFTS] = 42;
    r.exact[TS_PLATFORM_CASH] = -1;
    r.value[TS_ACTIVE_VIEWERS] = 12.5;
    r.value[M_GINI] = 0.25;
    kpi_format(buf, sizeof buf, TS_CASH_IN, &r);
    assert_string_equal(buf, "1.230000");
    kpi_format(buf, sizeof buf, TS_DIAMONDS_CREDITED, &r);
    assert_string_equal(buf, "1.500001");
    kpi_format(buf, sizeof buf, TS_GIFTS, &r);
    assert_string_equal(buf, "42");
    kpi_format(buf, sizeof buf, TS_PLATFORM_CASH, &r);
    assert_string_equal(buf, "-0.000001");
    kpi_format(buf, sizeof buf, TS_ACTIVE_VIEWERS, &r);
    assert_string_equal(buf, "12.500000");
    kpi_format(buf, sizeof buf, M_GINI, &r);
    assert_string_equal(buf, "0.250000");
}

/* ------------------------------------- derived metrics from events */

typedef struct shadow {
    world *w;
    int64_t nv, nc, step;
    int64_t *earned, *spend, *cashed;
    int64_t *bought_step;       /* step of the last purchase, -1 never */
    int64_t *churned_spend;
    size_t nchurned;
    int64_t churns, step_payers, gifts, lost, breakage, cash_in;
} shadow;

static void on_event(void *ud, const sim_event *e)
{
    shadow *h = ud;
    const sc_tables *t = world_tables(h->w);
    assert_int_equal(e->step, h->step);
    switch (e->type) {
    case EV_PURCHASE:
        if (h->bought_step[e->viewer] != h->step)
            h->step_payers++;
        h->bought_step[e->viewer] = h->step;
        h->spend[e->viewer] += e->usd;
        h->cash_in += e->usd;
        break;
    case EV_GIFT: {
        /* docs/model.md §4.4: floor(c x coin value x (10^6 - commission) / $ per diamond). */
        unsigned __int128 x = (unsigned __int128)(uint64_t)e->coins * (uint64_t)t->p.coin_value *
                              (uint64_t)(1000000 - t->p.commission);
        h->earned[e->creator] += (int64_t)(x / (uint64_t)t->p.usd_per_diamond);
        h->gifts++;
        break;
    }
    case EV_LOST:
        h->lost++;
        break;
    case EV_CASHOUT:
        h->cashed[e->creator] = 1;
        break;
    case EV_CHURN:
        h->breakage += e->coins;
        if (h->bought_step[e->viewer] >= 0) {
            h->churned_spend = realloc(h->churned_spend, (h->nchurned + 1) * sizeof *h->churned_spend);
            assert_non_null(h->churned_spend);
            h->churned_spend[h->nchurned++] = h->spend[e->viewer];
        }
        h->spend[e->viewer] = 0;
        h->bought_step[e->viewer] = -1;
        h->churns++;
        break;
    case EV_GRANT: /* free coins, sinks: none in this fixture */
    case EV_SINK:
    case EV_LOST_SINK:
    case EV_NTYPES: fail_msg("unexpected event type %d", (int)e->type);
    }
}

static int cmp_desc(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x < y) - (x > y);
}

/* Gini by its definition, the mean absolute difference over twice the
 * mean: sum_i sum_j |x_i - x_j| / (2 n sum x). */
static double gini_pairs(const int64_t *x, size_t n)
{
    long double d = 0, s = 0;
    for (size_t i = 0; i < n; i++) {
        s += x[i];
        for (size_t j = 0; j < n; j++)
            d += x[i] > x[j] ? x[i] - x[j] : x[j] - x[i];
    }
    return s > 0 ? (double)(d / (2.0L * (long double)n * s)) : 0.0;
}

/* Share of the k largest, k counted here as the smallest k with
 * k >= frac x n (ceil without floating point). */
static double top_k(int64_t *x, size_t n, int64_t num, int64_t den)
{
    size_t k = 0;
    while ((int64_t)k * den < (int64_t)n * num)
        k++;
    qsort(x, n, sizeof *x, cmp_desc);
    long double top = 0, s = 0;
    for (size_t i = 0; i < n; i++) {
        s += x[i];
        if (i < k)
            top += x[i];
    }
    return s > 0 ? (double)(top / s) : 0.0;
}

static void derived_case(const char *set, int want_zero_earners)
{
    diag d = {0};
    scenario *s = scenario_load(FIX "mixed", &d);
    assert_non_null(s);
    if (set)
        assert_int_equal(scenario_set(s, set, "test", &d), 0);
    assert_int_equal(scenario_check(s, &d), 0);
    diag_clear(&d);
    shadow h;
    memset(&h, 0, sizeof h);
    h.nv = s->t.p.viewers;
    h.nc = s->t.p.creators;
    h.earned = calloc((size_t)h.nc, sizeof *h.earned);
    h.cashed = calloc((size_t)h.nc, sizeof *h.cashed);
    h.spend = calloc((size_t)h.nv, sizeof *h.spend);
    h.bought_step = malloc((size_t)h.nv * sizeof *h.bought_step);
    int64_t steps = s->t.p.steps;
    kpi_step *rows = calloc((size_t)steps, sizeof *rows);
    assert_true(h.earned && h.cashed && h.spend && h.bought_step && rows);
    for (int64_t v = 0; v < h.nv; v++)
        h.bought_step[v] = -1;

    h.w = world_new(s, 4);
    assert_non_null(h.w);
    world_on_event(h.w, on_event, &h);
    for (h.step = 0; h.step < steps; h.step++) {
        h.step_payers = 0;
        assert_int_equal(world_step(h.w, &rows[h.step]), 0);
        /* payers per step: distinct viewers who bought in that step */
        assert_int_equal(rows[h.step].v[TS_PAYERS], h.step_payers);
    }
    run_result r;
    assert_int_equal(world_result(h.w, rows, steps, &r, NULL), 0);
    const int64_t *e = r.exact;
    const kpi_step *last = &rows[steps - 1];

    /* Payers: the living who bought plus those who bought and churned. */
    size_t np = 0;
    int64_t *sp = malloc(((size_t)h.nv + h.nchurned) * sizeof *sp);
    assert_non_null(sp);
    for (int64_t v = 0; v < h.nv; v++)
        if (h.bought_step[v] >= 0)
            sp[np++] = h.spend[v];
    for (size_t i = 0; i < h.nchurned; i++)
        sp[np++] = h.churned_spend[i];
    print_message("  payers %zu (%zu of them churned), churns %lld, creators cashed out %.0f\n", np, h.nchurned,
                  (long long)h.churns, r.value[M_CASHED_OUT]);
    assert_true(h.nchurned > 0);
    int64_t spent = 0;
    for (size_t i = 0; i < np; i++)
        spent += sp[i];
    assert_int_equal(spent, e[TS_CASH_IN]);
    assert_int_equal(h.cash_in, e[TS_CASH_IN]);
    assert_int_equal(e[TS_PAYERS], (int64_t)np);
    close_to("payers value", r.value[TS_PAYERS], (double)np);
    assert_int_equal(r.viewers_existed, h.nv + h.churns);
    assert_int_equal(r.intents, h.gifts + h.lost);
    assert_int_equal(e[TS_GIFTS], h.gifts);
    assert_int_equal(e[TS_LOST_INTENTS], h.lost);
    assert_int_equal(e[TS_COINS_BREAKAGE], h.breakage);

    /* Each column's run figure from the steps (§6). */
    for (int c = 0; c < TS_N; c++) {
        if (c == TS_PAYERS)
            continue;
        int64_t acc = 0;
        for (int64_t st = 0; st < steps; st++)
            acc = kpi_cols[c].agg == AGG_LAST ? rows[st].v[c] : acc + rows[st].v[c];
        assert_int_equal(e[c], acc);
        double want = kpi_cols[c].agg == AGG_MEAN ? (double)acc / (double)steps
                      : kpi_cols[c].unit == U_COUNT ? (double)acc : (double)acc / 1e6;
        close_to(kpi_cols[c].name, r.value[c], want);
    }

    double cash = (double)e[TS_CASH_IN];
    close_to("arppu_usd", r.value[M_ARPPU], cash / (double)np / 1e6);
    close_to("payer_rate", r.value[M_PAYER_RATE], (double)np / (double)(h.nv + h.churns));
    close_to("platform_take_rate", r.value[M_TAKE_RATE], (double)last->v[TS_PLATFORM_CASH] / cash);
    double pending_usd = (double)last->v[TS_PENDING_DIAMONDS] / 1e6 * (double)world_tables(h.w)->p.usd_per_diamond;
    close_to("creator_share_of_spend", r.value[M_CREATOR_SHARE], ((double)e[TS_PAYOUTS_GROSS] + pending_usd) / cash);
    close_to("breakage_rate", r.value[M_BREAKAGE_RATE],
             (double)h.breakage / (double)(e[TS_COINS_SOLD] + e[TS_COINS_BONUS]));
    close_to("lost_intent_rate", r.value[M_LOST_RATE], (double)h.lost / (double)(h.gifts + h.lost));

    /* Creator metrics over earnings (credited µD), zero earners included. */
    int64_t earned_total = 0, cashed = 0, zero_earners = 0;
    for (int64_t c = 0; c < h.nc; c++) {
        earned_total += h.earned[c];
        cashed += h.cashed[c];
        zero_earners += h.earned[c] == 0;
    }
    assert_int_equal(earned_total, e[TS_DIAMONDS_CREDITED]);
    close_to("creator_gini", r.value[M_GINI], gini_pairs(h.earned, (size_t)h.nc));
    /* 60 creators: ceil(1% x 60) = 1; 2000: 20. */
    close_to("top1pct_creator_share", r.value[M_TOP1_CREATOR], top_k(h.earned, (size_t)h.nc, 1, 100));
    close_to("top20pct_payer_spend_share", r.value[M_TOP20_PAYER], top_k(sp, np, 20, 100));
    close_to("creators_cashed_out", r.value[M_CASHED_OUT], (double)cashed);
    print_message("  gini %.6f (creators who earned nothing: %lld), top 1%% %.6f, top 20%% payers %.6f\n",
                  r.value[M_GINI], (long long)zero_earners, r.value[M_TOP1_CREATOR], r.value[M_TOP20_PAYER]);
    if (want_zero_earners)
        assert_true(zero_earners > 0);

    world_free(h.w);
    free(sp);
    free(h.earned);
    free(h.cashed);
    free(h.spend);
    free(h.bought_step);
    free(h.churned_spend);
    free(rows);
    scenario_free(s);
}

static void test_derived_metrics_from_events(void **state)
{
    (void)state;
    derived_case(NULL, 0);
    /* Many creators, so that some earn nothing and still count. */
    derived_case("creators=2000", 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gini_known_vectors),
        cmocka_unit_test(test_top_share_ceil),
        cmocka_unit_test(test_metric_table),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_derived_metrics_from_events),
    };
    return cmocka_run_group_tests_name("kpi", tests, NULL, NULL);
}
