/* test_brk — the breakdowns (docs/outputs.md): every per-segment,
 * per-channel, per-gift and per-pack total adds up to the run's own totals,
 * exactly; the creators' distribution on earnings worked by hand; the
 * shares sum to one; and the dashboard's snapshot at a run's end holds the
 * same breakdowns as the run's result. */
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
#include "mc.h"
#include "rules.h"
#include "snap.h"
#include "world.h"

#include "testutil.h"

#define FIX "tests/fixtures/model/"

/* Floating results computed two ways agree to rounding: 1e-12 relative. */
static void close_to(const char *what, double x, double want)
{
    double tol = 1e-12 * (fabs(want) > 1 ? fabs(want) : 1);
    if (!(fabs(x - want) <= tol))
        fail_msg("%s: %.17g, expected %.17g", what, x, want);
}

/* The sum of raw figure fig over the rows [from, to) of table t. */
static int64_t sum_of(const brk_shape *sh, brk_block k, enum brk_table t, size_t from, size_t to,
                      int fig)
{
    int64_t s = 0;
    for (size_t r = from; r < to; r++)
        s += test_brk(sh, k, t, r, fig);
    return s;
}

/* The sum of figure f (by name) over the rows of table t, as brk_value
 * gives it. */
static double value_sum(const brk_shape *sh, brk_block k, enum brk_table t, const char *name)
{
    int f = brk_fig_find(t, name);
    assert_true(f >= 0);
    double s = 0;
    for (size_t r = 0; r < brk_rows(sh, t); r++)
        s += brk_value(sh, k, t, r, (size_t)f);
    return s;
}

/* ------------------------------------------------------------- sums */

static void test_totals_add_up(void **state)
{
    (void)state;
    scenario *s = test_load(FIX "brk", NULL);
    mc_opts o = {0};
    o.runs = 4;
    o.threads = 2;
    o.fault_step = -1;
    mc_result *r = NULL;
    char msg[600];
    assert_int_equal(mc_run(s, &o, &r, msg, sizeof msg), SIM_OK);
    const brk_shape *sh = &r->brk.sh;
    assert_int_equal(sh->nsegs, 3);
    assert_int_equal(sh->ngifts, 4);
    assert_int_equal(sh->nsinks, 2);
    assert_int_equal(sh->npacks, 5);
    int64_t size[3];
    scenario_segment_sizes(&s->t, size);

    for (int64_t i = 0; i < r->runs; i++) {
        const int64_t *e = r->res[i].exact;
        brk_block k = brk_at(&r->brk, i);
        size_t ns = sh->nsegs, ng = sh->ngifts;
#define SEGS(fig) sum_of(sh, k, BRK_SEGMENTS, 0, ns, fig)
        assert_int_equal(SEGS(SR_SPEND), e[TS_CASH_IN]);
        assert_int_equal(SEGS(SR_PAYERS), e[TS_PAYERS]);
        assert_int_equal(SEGS(SR_PURCHASES), e[TS_PURCHASES]);
        assert_int_equal(SEGS(SR_GIFTS), e[TS_GIFTS]);
        assert_int_equal(SEGS(SR_LOST), e[TS_LOST_INTENTS]);
        assert_int_equal(SEGS(SR_GRANTED), e[TS_COINS_GRANTED]);
        assert_int_equal(SEGS(SR_SINKS), e[TS_SINKS]);
        assert_int_equal(SEGS(SR_SUNK), e[TS_COINS_SUNK]);
        assert_int_equal(SEGS(SR_LOST_SINKS), e[TS_LOST_SINKS]);
        assert_int_equal(SEGS(SR_WALLET), e[TS_WALLET_COINS]);
        assert_int_equal(SEGS(SR_VIEWERS), r->res[i].viewers_existed);
#undef SEGS
        for (size_t g = 0; g < ns; g++) /* a leaver's place goes to its own segment */
            assert_int_equal(test_brk(sh, k, BRK_SEGMENTS, g, SR_VIEWERS) -
                                 test_brk(sh, k, BRK_SEGMENTS, g, SR_CHURNED),
                             size[g]);
        /* The guests cannot buy, and live on free coins. */
        assert_int_equal(test_brk(sh, k, BRK_SEGMENTS, 2, SR_SPEND), 0);
        assert_int_equal(test_brk(sh, k, BRK_SEGMENTS, 2, SR_PAYERS), 0);
        assert_true(test_brk(sh, k, BRK_SEGMENTS, 2, SR_GRANTED) > 0);
        assert_int_equal(test_brk(sh, k, BRK_SEGMENTS, 0, SR_GRANTED), 0);

#define CHANS(fig) sum_of(sh, k, BRK_CHANNELS, 0, 2, fig)
        assert_int_equal(CHANS(CHR_REVENUE), e[TS_CASH_IN]);
        assert_int_equal(CHANS(CHR_FEES), e[TS_STORE_FEES]);
        assert_int_equal(CHANS(CHR_SOLD), e[TS_COINS_SOLD]);
        assert_int_equal(CHANS(CHR_BONUS), e[TS_COINS_BONUS]);
        close_to("net", value_sum(sh, k, BRK_CHANNELS, "net_usd") * 1e6,
                 (double)(e[TS_CASH_IN] - e[TS_STORE_FEES]));
#undef CHANS
        assert_int_equal(test_brk(sh, k, BRK_CHANNELS, 1, CHR_REVENUE), e[TS_WEB_CASH_IN]);
        assert_int_equal(test_brk(sh, k, BRK_CHANNELS, 0, CHR_PURCHASES), e[M_APP_PURCHASES]);
        assert_int_equal(test_brk(sh, k, BRK_CHANNELS, 1, CHR_PURCHASES), e[M_WEB_PURCHASES]);

        assert_int_equal(sum_of(sh, k, BRK_GIFTS, 0, ng, GR_SENT), e[TS_GIFTS]);
        assert_int_equal(sum_of(sh, k, BRK_GIFTS, 0, ng, GR_COINS), e[TS_COINS_GIFTED]);
        assert_int_equal(sum_of(sh, k, BRK_GIFTS, ng, ng + sh->nsinks, GR_SENT), e[TS_SINKS]);
        assert_int_equal(sum_of(sh, k, BRK_GIFTS, ng, ng + sh->nsinks, GR_COINS), e[TS_COINS_SUNK]);
        assert_int_equal(sum_of(sh, k, BRK_PACKS, 0, sh->npacks, PR_PURCHASES), e[TS_PURCHASES]);
        assert_int_equal(sum_of(sh, k, BRK_PACKS, 0, sh->npacks, PR_REVENUE), e[TS_CASH_IN]);

        /* Not vacuous: every kind of flow moved. */
        assert_true(e[TS_SINKS] > 0 && e[TS_COINS_BONUS] > 0 && e[TS_WEB_CASH_IN] > 0 &&
                    e[TS_CASHOUTS] > 0 && e[TS_STORE_FEES] > 0 && e[TS_LOST_INTENTS] > 0);

        /* Shares sum to one; a pack's share of its channel, per channel. */
        close_to("spend_share", value_sum(sh, k, BRK_SEGMENTS, "spend_share"), 1.0);
        close_to("revenue_share", value_sum(sh, k, BRK_CHANNELS, "revenue_share"), 1.0);
        close_to("coin_share", value_sum(sh, k, BRK_GIFTS, "coin_share"), 1.0);
        close_to("share_of_channel_revenue",
                 value_sum(sh, k, BRK_PACKS, "share_of_channel_revenue"), 2.0);
        close_to("fee_rate app", brk_value(sh, k, BRK_CHANNELS, 0, 6), 0.3);

        /* The creators' figures agree with the run's metrics. */
        const double *v = r->res[i].value;
        assert_true(k.cr[CR_GINI] == v[M_GINI]);
        assert_true(k.cr[CR_TOP1] == v[M_TOP1_CREATOR]);
        assert_true(k.cr[CR_CASHED] == v[M_CASHED_OUT]);
        assert_true(k.cr[CR_LIVE] == v[TS_LIVE_CREATORS]);
        assert_true(k.cr[CR_CASHOUTS] == (double)e[TS_CASHOUTS]);
        assert_true(k.cr[CR_CREATORS] == (double)s->t.p.creators);
        close_to("mean x creators", k.cr[CR_MEAN] * k.cr[CR_CREATORS], v[M_CREATOR_EARNINGS]);
        double dec = 0;
        for (int d = 0; d < 10; d++)
            dec += k.cr[CR_DECILE1 + d];
        close_to("deciles", dec, 1.0);
        assert_true(k.cr[CR_REACHED] >= k.cr[CR_CASHED]);
        assert_true(k.cr[CR_P50] <= k.cr[CR_P90] && k.cr[CR_P90] <= k.cr[CR_P99] &&
                    k.cr[CR_P99] <= k.cr[CR_MAX]);
    }
    mc_result_free(r);
    scenario_free(s);
}

/* ------------------------------------------------------- by hand */

/* The creators' figures of earnings x[0..n) (µD, worth 1 µUSD each), given
 * smallest first or, reversed, largest first: both the same. */
static void creators_of(const int64_t *x, size_t n, double *cr)
{
    sc_params p;
    memset(&p, 0, sizeof p);
    p.usd_per_diamond = 1000000; /* a diamond is a dollar: 1 µD is 1 µUSD */
    p.min_withdrawal = 1;
    books b;
    sc_tables none;
    memset(&none, 0, sizeof none);
    assert_int_equal(books_init(&b, &none), 0);
    brk_shape sh = {0, 0, 0, 0, 1};
    int64_t raw[CHR_N * 2 + RR_N]; /* two channels and the one region */
    int64_t *rev = malloc((n ? n : 1) * sizeof *rev);
    unsigned char cashed[32] = {0};
    assert_non_null(rev);
    for (size_t i = 0; i < n; i++)
        rev[i] = x[n - 1 - i];
    double other[CR_N];
    for (int desc = 0; desc < 2; desc++) {
        brk_src src = {.b = &b,
                       .p = &p,
                       .earned = desc ? rev : x,
                       .ncreators = n,
                       .desc = desc,
                       .live_per_step = 2.5,
                       .reached = 3,
                       .cashouts = 4,
                       .cashed = cashed};
        brk_fill(&sh, (brk_block){raw, desc ? other : cr}, &src);
    }
    for (int c = 0; c < CR_N; c++)
        close_to("largest first", other[c], cr[c]);
    free(rev);
    books_release(&b);
}

static void test_creators_by_hand(void **state)
{
    (void)state;
    double cr[CR_N];
    int64_t x[20];
    for (int i = 0; i < 20; i++)
        x[i] = i + 1; /* 1 .. 20 µUSD, 210 in all */
    creators_of(x, 20, cr);
    assert_true(cr[CR_CREATORS] == 20 && cr[CR_EARNERS] == 20);
    close_to("mean", cr[CR_MEAN], 10.5e-6);
    close_to("p50: rank 10", cr[CR_P50], 10e-6);
    close_to("p90: rank 18", cr[CR_P90], 18e-6);
    close_to("p99: rank ceil(19.8) = 20", cr[CR_P99], 20e-6);
    close_to("max", cr[CR_MAX], 20e-6);
    for (int d = 1; d <= 10; d++) /* tenth d: ranks 2d - 1 and 2d */
        close_to("decile", cr[CR_DECILE1 + d - 1], (4.0 * d - 1) / 210);
    close_to("top 1%: the largest", cr[CR_TOP1], 20.0 / 210);
    close_to("top 10%: the two largest", cr[CR_TOP10], 39.0 / 210);
    close_to("gini of 1..n: (n - 1) / 3n", cr[CR_GINI], 19.0 / 60);
    assert_true(cr[CR_LIVE] == 2.5 && cr[CR_REACHED] == 3 && cr[CR_CASHOUTS] == 4);

    /* Fewer creators than tenths: some tenths are empty, the rest is whole. */
    int64_t y[3] = {0, 5, 15};
    creators_of(y, 3, cr);
    assert_true(cr[CR_EARNERS] == 2);
    double sum = 0;
    for (int d = 0; d < 10; d++)
        sum += cr[CR_DECILE1 + d];
    close_to("three creators' tenths", sum, 1.0);
    close_to("the richest tenth holds the richest", cr[CR_DECILE1 + 9], 15.0 / 20);
    close_to("p50: rank 2", cr[CR_P50], 5e-6);

    /* Nobody earned: even tenths, no earner, no inequality. */
    int64_t z[7] = {0};
    creators_of(z, 7, cr);
    for (int d = 0; d < 10; d++)
        assert_true(cr[CR_DECILE1 + d] == 0.1);
    assert_true(cr[CR_EARNERS] == 0 && cr[CR_GINI] == 0 && cr[CR_MAX] == 0 && cr[CR_TOP1] == 0);
}

/* A ratio with nothing under it is 0, not NaN; ARPPU is USD per payer. */
static void test_values(void **state)
{
    (void)state;
    brk_shape sh = {2, 0, 0, 0, 1};
    int64_t raw[2 * SR_N + 2 * CHR_N + RR_N];
    double cr[CR_N] = {0};
    memset(raw, 0, sizeof raw);
    brk_block k = {raw, cr};
    int64_t *a = brk_row(&sh, raw, BRK_SEGMENTS, 0), *b = brk_row(&sh, raw, BRK_SEGMENTS, 1);
    a[SR_VIEWERS] = 10;
    a[SR_PAYERS] = 4;
    a[SR_SPEND] = 3000000; /* $3 */
    a[SR_GIFTS] = 3;
    a[SR_LOST] = 1;
    b[SR_SPEND] = 1000000;
    int f;
    assert_true((f = brk_fig_find(BRK_SEGMENTS, "arppu_usd")) >= 0);
    close_to("arppu", brk_value(&sh, k, BRK_SEGMENTS, 0, (size_t)f), 0.75);
    assert_true(brk_value(&sh, k, BRK_SEGMENTS, 1, (size_t)f) == 0.0); /* no payer */
    assert_true((f = brk_fig_find(BRK_SEGMENTS, "payer_rate")) >= 0);
    close_to("payer rate", brk_value(&sh, k, BRK_SEGMENTS, 0, (size_t)f), 0.4);
    assert_true(brk_value(&sh, k, BRK_SEGMENTS, 1, (size_t)f) == 0.0);
    assert_true((f = brk_fig_find(BRK_SEGMENTS, "lost_intent_rate")) >= 0);
    close_to("lost over gifts and lost", brk_value(&sh, k, BRK_SEGMENTS, 0, (size_t)f), 0.25);
    assert_true((f = brk_fig_find(BRK_SEGMENTS, "spend_share")) >= 0);
    close_to("spend share", brk_value(&sh, k, BRK_SEGMENTS, 1, (size_t)f), 0.25);
    assert_true((f = brk_fig_find(BRK_SEGMENTS, "spend_usd")) >= 0);
    close_to("spend in USD", brk_value(&sh, k, BRK_SEGMENTS, 0, (size_t)f), 3.0);
    int share = brk_fig_find(BRK_CHANNELS, "revenue_share");
    assert_true(brk_value(&sh, k, BRK_CHANNELS, 0, (size_t)share) == 0.0);
    assert_int_equal(brk_fig_find(BRK_SEGMENTS, "no_such_figure"), -1);
    assert_string_equal(brk_file(BRK_GIFTS), "gifts.csv");
    assert_string_equal(brk_labels(BRK_GIFTS), "item,kind");
}

/* ------------------------------------------------- the dashboard's */

/* The dashboard's snapshot after a run's last step holds the breakdowns
 * the run's result has, creators live per step included. */
static void test_snapshot_same(void **state)
{
    (void)state;
    scenario *s = test_load(FIX "brk", NULL);
    int64_t steps = s->t.p.steps;
    world *w = world_new(s, 2);
    kpi_step *rows = calloc((size_t)steps, sizeof *rows);
    world_snap *sn = world_snap_new(w);
    assert_true(w && rows && sn);
    for (int64_t st = 0; st < steps; st++)
        assert_int_equal(world_step(w, &rows[st]), 0);
    world_snapshot(w, sn);
    brk_shape sh = world_brk_shape(w);
    brk_store bs;
    assert_int_equal(brk_store_init(&bs, &sh, 1), 0);
    brk_block k = brk_at(&bs, 0);
    run_result res;
    assert_int_equal(world_result(w, rows, steps, &res, &k), 0);
    assert_memory_equal(&sn->bsh, &sh, sizeof sh);
    assert_memory_equal(sn->brk.raw, k.raw, brk_nraw(&sh) * sizeof *k.raw);
    for (int c = 0; c < CR_N; c++)
        close_to("snapshot's creators", sn->brk.cr[c], k.cr[c]);
    assert_true(k.cr[CR_LIVE] > 0);
    brk_store_free(&bs);
    world_snap_free(sn);
    world_free(w);
    free(rows);
    scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_totals_add_up),
        cmocka_unit_test(test_creators_by_hand),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_snapshot_same),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
