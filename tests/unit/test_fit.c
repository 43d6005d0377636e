/* test_fit — the pieces of coinsim fit (sim/fit.h) below the command:
 * a target's name resolved to a summary metric or a breakdown figure (the
 * file, the row of the scenario, the figure), a free parameter's
 * TARGET=LO:HI with its messages, a target's scale, a point applied to the
 * scenario as --set would, and a short search's contract: on common random
 * numbers two searches are the same, digit for digit, the best point is
 * within its bounds and no worse than the start, and the progress reports
 * every evaluation. All exact: nothing here is statistical.
 * The scenario is tests/fixtures/e2e/small (casual.alpha -5.5). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brk.h"
#include "fit.h"
#include "kpi.h"
#include "scenario.h"
#include "status.h"
#include "testutil.h"

#define SMALL "tests/fixtures/e2e/small"

/* ------------------------------------------------------------- targets */

/* name resolves in s to a breakdown figure: table, row and figure. */
static void breakdown(const scenario *s, const char *name, enum brk_table t, size_t row,
                      const char *fig)
{
    fit_target x;
    char msg[600] = "";
    if (fit_target_parse(s, name, &x, msg, sizeof msg) < 0)
        fail_msg("%s: %s", name, msg);
    assert_int_equal(x.metric, -1);
    assert_int_equal(x.table, t);
    assert_int_equal(x.row, row);
    assert_int_equal(x.fig, brk_fig_find(t, fig));
    assert_true(x.fig >= 0);
    assert_string_equal(x.name, name);
}

static void test_targets(void **state)
{
    (void)state;
    scenario *s = test_load(SMALL, NULL);
    fit_target x;
    char msg[600] = "";

    /* A summary metric: its index in the metric table, weight 1, no tolerance. */
    assert_int_equal(fit_target_parse(s, "payer_rate", &x, msg, sizeof msg), 0);
    assert_int_equal(x.metric, kpi_metric_find("payer_rate"));
    assert_true(x.metric >= 0);
    assert_true(x.weight == 1.0 && x.tol == 0.0);

    /* Rows in the scenario's order: lurker, casual, fan, whale; app, web;
     * the packs and gifts in file order; one region "all" without
     * regions.csv; creators.csv has a single row. */
    breakdown(s, "segments.whale.spend_share", BRK_SEGMENTS, 3, "spend_share");
    breakdown(s, "segments.lurker.payer_rate", BRK_SEGMENTS, 0, "payer_rate");
    breakdown(s, "channels.web.revenue_share", BRK_CHANNELS, 1, "revenue_share");
    breakdown(s, "pack_sales.app330.purchases", BRK_PACKS, 1, "purchases");
    breakdown(s, "packs.web70.purchases", BRK_PACKS, 7, "purchases");
    breakdown(s, "gifts.rosa.sent", BRK_GIFTS, 6, "sent");
    breakdown(s, "regions.all.payers", BRK_REGIONS, 0, "payers");
    breakdown(s, "creators.gini", BRK_CREATORS, 0, "gini");
    scenario_free(s);
}

/* name does not resolve in s; the reason is want. */
static void bad_target(const scenario *s, const char *name, const char *want)
{
    fit_target x;
    char msg[600] = "";
    assert_int_equal(fit_target_parse(s, name, &x, msg, sizeof msg), -1);
    assert_string_equal(msg, want);
}

static void test_target_errors(void **state)
{
    (void)state;
    scenario *s = test_load(SMALL, NULL);
    bad_target(s, "nosuch",
               "\"nosuch\" is neither a metric of summary.csv nor a breakdown figure (expected a "
               "metric such as payer_rate, or FILE.ROW.FIGURE such as segments.whale.spend_share "
               "or creators.gini)");
    bad_target(s, "summary.payer_rate.mean",
               "\"summary.payer_rate.mean\" is neither a metric of summary.csv nor a breakdown "
               "figure (expected a metric such as payer_rate, or FILE.ROW.FIGURE such as "
               "segments.whale.spend_share or creators.gini)");
    bad_target(s, "segments.nosuch.payer_rate",
               "\"segments.nosuch.payer_rate\": segments.csv has no row \"nosuch\" (expected "
               "FILE.ROW.FIGURE with a row of the scenario)");
    bad_target(s, "channels.tv.revenue_share",
               "\"channels.tv.revenue_share\": channels.csv has no row \"tv\" (expected "
               "FILE.ROW.FIGURE with a row of the scenario)");
    bad_target(s, "segments.whale.nosuch",
               "\"segments.whale.nosuch\": segments.csv has no figure \"nosuch\" (see "
               "docs/outputs.md for its figures)");
    bad_target(s, "creators.all.gini",
               "\"creators.all.gini\": creators.csv has one row (expected creators.FIGURE)");
    /* A region of a scenario with regions.csv is not "all" here either. */
    bad_target(s, "regions.us.payers",
               "\"regions.us.payers\": regions.csv has no row \"us\" (expected FILE.ROW.FIGURE "
               "with a row of the scenario)");
    scenario_free(s);
}

/* ---------------------------------------------------------- parameters */

static void test_params(void **state)
{
    (void)state;
    scenario *s = test_load(SMALL, NULL);
    fit_param p;
    char msg[600] = "";

    assert_int_equal(fit_param_parse(s, "segments.casual.alpha=-8:-3", &p, msg, sizeof msg), 0);
    assert_string_equal(p.num.target, "segments.casual.alpha");
    assert_true(p.lo == -8.0 && p.hi == -3.0);
    assert_true(p.num.value == -5.5); /* the start: the scenario's own */
    assert_false(p.num.whole);

    /* A bare key is params.KEY, as for --set. */
    assert_int_equal(fit_param_parse(s, "p_cashout=0.02:0.5", &p, msg, sizeof msg), 0);
    assert_string_equal(p.num.target, "params.p_cashout");
    assert_true(p.lo == 0.02 && p.hi == 0.5 && p.num.value == 0.15);

    assert_int_equal(
        fit_param_parse(s, "segments.casual.max_gift_coins=1:1000", &p, msg, sizeof msg), 0);
    assert_true(p.num.whole);
    scenario_free(s);
}

static void bad_param(const scenario *s, const char *spec, const char *want)
{
    fit_param p;
    char msg[600] = "";
    assert_int_equal(fit_param_parse(s, spec, &p, msg, sizeof msg), -1);
    assert_string_equal(msg, want);
}

static void test_param_errors(void **state)
{
    (void)state;
    scenario *s = test_load(SMALL, NULL);
    bad_param(s, "segments.casual.alpha",
              "\"segments.casual.alpha\" is not TARGET=LO:HI (for example "
              "segments.whale.gamma=0.01:0.1)");
    bad_param(s, "segments.casual.alpha=-8",
              "\"segments.casual.alpha=-8\" is not TARGET=LO:HI (for example "
              "segments.whale.gamma=0.01:0.1)");
    bad_param(s, "=-8:-3",
              "\"=-8:-3\" is not TARGET=LO:HI (for example segments.whale.gamma=0.01:0.1)");
    bad_param(s, "segments.casual.alpha=-8:",
              "the bounds are not numbers (expected TARGET=LO:HI)");
    bad_param(
        s, "segments.casual.alpha=-8:-3x",
        "the bounds are not numbers (expected TARGET=LO:HI)");
    bad_param(
        s, "segments.casual.alpha=-8:-3:0",
        "the bounds are not numbers (expected TARGET=LO:HI)");
    bad_param(s, "segments.casual.alpha=-3:-8",
              "LO -3 is not below HI -8 (expected LO < HI)");
    bad_param(s, "segments.casual.alpha=-3:-3",
              "LO -3 is not below HI -3 (expected LO < HI)");
    /* p_cashout is a rate: 0 to 1. */
    bad_param(s, "p_cashout=0.5:2",
              "the bounds leave params.p_cashout's range, 0 to 1 (expected bounds inside it)");
    scenario_free(s);
}

/* ---------------------------------------------------- scale and apply */

static void test_scale(void **state)
{
    (void)state;
    fit_target t;
    memset(&t, 0, sizeof t);
    t.value = -40;
    assert_true(fit_scale(&t) == 40.0); /* |value| */
    t.value = 0;
    assert_true(fit_scale(&t) == 1.0); /* not a division by 0 */
    t.tol = 0.25;
    t.value = 40;
    assert_true(fit_scale(&t) == 0.25); /* the tolerance wins */
}

static void test_apply(void **state)
{
    (void)state;
    scenario *s = test_load(SMALL, NULL);
    fit_param p[3];
    char msg[600] = "";
    assert_int_equal(fit_param_parse(s, "segments.casual.alpha=-8:-3", &p[0], msg, sizeof msg), 0);
    assert_int_equal(
        fit_param_parse(s, "segments.casual.max_gift_coins=1:1000", &p[1], msg, sizeof msg), 0);
    assert_int_equal(fit_param_parse(s, "p_cashout=0.02:0.5", &p[2], msg, sizeof msg), 0);
    /* A real is set to 6 decimals (the value is written as --set takes
     * it), a whole number rounded. */
    const double x[3] = {-6.12345678, 98.6, 0.2};
    scenario *c = fit_apply(s, p, 3, x, msg, sizeof msg);
    if (!c)
        fail_msg("fit_apply: %s", msg);
    scenario *want = test_load(SMALL, "segments.casual.alpha=-6.123457",
                               "segments.casual.max_gift_coins=99", "p_cashout=0.2", NULL);
    sc_number a, b;
    const char *names[] = {"segments.casual.alpha", "segments.casual.max_gift_coins",
                           "params.p_cashout", "segments.whale.alpha", "params.commission"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        assert_int_equal(scenario_target_number(c, names[i], &a, msg, sizeof msg), 0);
        assert_int_equal(scenario_target_number(want, names[i], &b, msg, sizeof msg), 0);
        if (a.value != b.value)
            fail_msg("%s: %.17g, expected %.17g", names[i], a.value, b.value);
    }
    /* s itself is untouched. */
    assert_int_equal(scenario_target_number(s, "segments.casual.alpha", &a, msg, sizeof msg), 0);
    assert_true(a.value == -5.5);
    scenario_free(want);
    scenario_free(c);
    scenario_free(s);
}

/* -------------------------------------------------------------- search */

typedef struct seen {
    int calls, last;
    double best;
    int best_rose;
} seen;

static void progress(void *ud, int evals, double obj, double best, const double *x)
{
    seen *v = ud;
    (void)obj;
    (void)x;
    if (v->calls && best > v->best)
        v->best_rose = 1;
    v->calls++;
    v->last = evals;
    v->best = best;
}

/* casual.alpha from -7 to a payer rate of 0.1 (about what the scenario's
 * own -5.5 gives: reachable inside the bounds), 2 runs on seed 1, the
 * check on seed 2, at most 15 evaluations. */
static int search(const scenario *s, fit_result *r, seen *v)
{
    fit_target t;
    fit_param p;
    char msg[600] = "";
    assert_int_equal(fit_target_parse(s, "payer_rate", &t, msg, sizeof msg), 0);
    t.value = 0.1;
    assert_int_equal(fit_param_parse(s, "segments.casual.alpha=-8:-3", &p, msg, sizeof msg), 0);
    fit_opts o;
    memset(&o, 0, sizeof o);
    o.runs = 2;
    o.seed = 1;
    o.fresh_seed = 2;
    o.threads = 2;
    o.max_evals = 15;
    o.progress = progress;
    o.ud = v;
    int st = fit_run(s, &t, 1, &p, 1, &o, r, msg, sizeof msg);
    if (st != SIM_OK)
        fail_msg("fit_run: %d %s", st, msg);
    return st;
}

static void test_search(void **state)
{
    (void)state;
    scenario *s = test_load(SMALL, "segments.casual.alpha=-7", NULL);
    fit_result a, b;
    seen va = {0}, vb = {0};
    search(s, &a, &va);
    search(s, &b, &vb);
    assert_int_equal(a.nt, 1);
    assert_int_equal(a.np, 1);
    /* the progress saw every evaluation, its best never rose */
    assert_int_equal(va.calls, a.evals);
    assert_int_equal(va.last, a.evals);
    assert_false(va.best_rose);
    assert_true(va.best == a.best_obj);
    /* ended by itself or by the cap, not stopped; the best point no worse
     * than the start, within the bounds, not at one (-5.5 is inside) */
    assert_true(a.end == FIT_CONVERGED || a.end == FIT_STALLED || a.end == FIT_MAX_EVALS);
    assert_true(a.best_obj <= a.start_obj);
    assert_true(a.best_x[0] > -8 && a.best_x[0] < -3);
    assert_false(a.edge[0]);
    assert_true(a.improved >= 1 && a.improved <= a.evals);
    /* the check on the fresh seed ran: 2 runs */
    assert_true(a.fresh[0].n == 2 && a.best[0].n == 2);
    /* the same seeds, the same search */
    assert_int_equal(a.evals, b.evals);
    assert_int_equal(a.end, b.end);
    assert_memory_equal(a.best_x, b.best_x, sizeof *a.best_x);
    assert_memory_equal(&a.best[0], &b.best[0], sizeof a.best[0]);
    assert_memory_equal(&a.fresh[0], &b.fresh[0], sizeof a.fresh[0]);
    assert_memory_equal(a.sens, b.sens, sizeof *a.sens);
    assert_true(a.best_obj == b.best_obj && a.start_obj == b.start_obj);
    /* casual.alpha raises the payer rate: a positive move over its range */
    assert_true(a.sens[0] > 0);
    fit_result_free(&a);
    fit_result_free(&b);
    scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_targets), cmocka_unit_test(test_target_errors),
        cmocka_unit_test(test_params),  cmocka_unit_test(test_param_errors),
        cmocka_unit_test(test_scale),   cmocka_unit_test(test_apply),
        cmocka_unit_test(test_search),
    };
    return cmocka_run_group_tests_name("fit", tests, NULL, NULL);
}
