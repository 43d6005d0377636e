/* test_replay — replay (sim/replay.h) of event logs (sim/evlog.h):
 *
 * - a small log written by hand, replayed under tests/fixtures/replay/tiny,
 *   against every figure of every step computed by hand (the working is in
 *   tests/fixtures/replay/README.md): exact integers, floors per gift;
 * - the same log with each step's rows reversed gives the same figures;
 * - what-if: the commission changed before the replay;
 * - infeasible events: an error by default, counted with lenient, and the
 *   ledger identities hold either way;
 * - malformed input reported as FILE:LINE: ...;
 * - the round trip: a log written by a run's event hook, replayed,
 *   equals world_result for that run (exact totals, every step, derived
 *   metrics, pack totals) but active viewers and live creators.
 *
 * Logs are written to temporary files; replay streams from the path. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "evlog.h"
#include "kpi.h"
#include "mc.h"
#include "pool.h"
#include "replay.h"
#include "scenario.h"
#include "world.h"
#include "testutil.h"

#define FIX "tests/fixtures/replay/"

/* ------------------------------------------------------------- helpers */

/* A temporary file holding text; its path in path (unlink when done). */
static void write_tmp(char *path, size_t n, const char *text)
{
    snprintf(path, n, "/tmp/coinsim_test_replay_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t len = strlen(text);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    assert_int_equal(close(fd), 0);
}

/* Floating results computed two ways agree to rounding: 1e-12 relative. */
static void close_to(const char *what, double x, double want)
{
    double tol = 1e-12 * (fabs(want) > 1 ? fabs(want) : 1);
    if (!(fabs(x - want) <= tol))
        fail_msg("%s: %.17g, expected %.17g", what, x, want);
}

/* The figures an event log does not hold: who was active, who was live,
 * which sessions were watched. Replay reports them as 0. */
static int unknowable(int c)
{
    return c == TS_ACTIVE_VIEWERS || c == TS_LIVE_CREATORS || c == TS_SESSIONS_WATCHED ||
           c == TS_SESSIONS_MISSED;
}

/* row equals want in every column, naming the first that differs. */
static void same_row(const char *what, int64_t step, const kpi_step *row, const int64_t *want, int skip_unknowable)
{
    for (int c = 0; c < TS_N; c++) {
        if (skip_unknowable && unknowable(c))
            continue;
        if (row->v[c] != want[c])
            fail_msg("%s, step %lld, %s: %lld, expected %lld", what, (long long)step, kpi_cols[c].name,
                     (long long)row->v[c], (long long)want[c]);
    }
}

static void print_diag(const diag *d)
{
    for (size_t i = 0; i < d->n; i++)
        print_message("  diag: %s\n", d->items[i].text);
}

/* ------------------------------------------------------- the hand log */

/* The log of tests/fixtures/replay/tiny.csv. */
static const char *const TINY_HEADER = "run,step,type,viewer,creator,item,coins,usd,channel\n";
static const char *const TINY_ROWS[3] = {
    "1,0,purchase,ann,,app100,110,1.990000,app\n"
    "1,0,purchase,bob,,web100,100,1.490000,web\n"
    "1,0,gift,ann,cat,rose,1,0.010000,\n"
    "1,0,gift,ann,cat,heart,2,0.020000,\n"
    "1,0,gift,ann,cat,cake,50,0.500000,\n"
    "1,0,gift,bob,dan,star,3,0.030000,\n"
    "1,0,gift,bob,cat,cake,50,0.500000,\n"
    "1,0,lost,eve,dan,lion,1000,10.000000,\n",
    "1,1,purchase,ann,,app100,110,1.990000,app\n"
    "1,1,gift,ann,cat,cake,50,0.500000,\n"
    "1,1,cashout,,cat,,100,0.300000,\n",
    "1,2,churn,bob,,,47,0.000000,\n"
    "1,2,churn,eve,,,0,0.000000,\n"
    "1,2,purchase,bob,,web100,100,1.490000,web\n"
    "1,2,gift,bob,dan,star,3,0.030000,\n",
};

/* By hand (tests/fixtures/replay/README.md). Commission 0.333333 and
 * usd_per_diamond 0.003: a coin credits 10000 x 666667 / 3000 =
 * 2222223.33 uD, floored per gift: 1 -> 2222223, 2 -> 4444446,
 * 3 -> 6666670, 50 -> 111111166. App fee floor(1990000 x 0.3) = 597000,
 * web fee floor(1490000 x 0.03) = 44700. The cash-out of 100 diamonds:
 * gross 300000, fee 100000 + floor(300000 x 0.02) = 106000. */
static const int64_t TINY_STEP[3][TS_N] = {
    /* cash_in store gross pfee net platform sold bonus gifted breakage wallet
     * credited withdrawn pending purchases gifts lost active payers live cashouts
     * granted sunk sinks lost_sinks watched missed web_cash_in */
    {3480000, 641700, 0, 0, 0, 2838300, 200, 10, 106, 0, 104,
     2222223 + 4444446 + 111111166 + 6666670 + 111111166, 0, 235555671, 2, 5, 1, 0, 2, 0, 0,
     0, 0, 0, 0, 0, 0, 1490000},
    {1990000, 597000, 300000, 106000, 194000, 3931300, 100, 10, 50, 0, 164,
     111111166, 100000000, 246666837, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0},
    {1490000, 44700, 0, 0, 0, 5376600, 100, 0, 3, 47, 214,
     6666670, 0, 253333507, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1490000},
};
/* The run: flows summed, stocks at the end, payers distinct (ann, bob and
 * the bob who came after bob churned). */
static const int64_t TINY_TOTAL[TS_N] = {
    6960000, 1283400, 300000, 106000, 194000, 5376600, 400, 20, 159, 47, 214,
    353333507, 100000000, 253333507, 4, 7, 1, 0, 3, 0, 1, 0, 0, 0, 0, 0, 0, 2980000,
};

/* The tiny log with the rows of each step in the given order (reversed if
 * rev) and an extra row appended to step `at` (-1 none). */
static void tiny_log(char *path, size_t n, int rev, int at, const char *extra)
{
    char text[4096];
    size_t len = 0;
    len += (size_t)snprintf(text + len, sizeof text - len, "%s", TINY_HEADER);
    for (int s = 0; s < 3; s++) {
        const char *rows[16];
        int k = 0;
        for (const char *p = TINY_ROWS[s]; *p; p = strchr(p, '\n') + 1)
            rows[k++] = p;
        for (int i = 0; i < k; i++) {
            const char *r = rows[rev ? k - 1 - i : i];
            len += (size_t)snprintf(text + len, sizeof text - len, "%.*s", (int)(strchr(r, '\n') - r + 1), r);
        }
        if (s == at)
            len += (size_t)snprintf(text + len, sizeof text - len, "%s", extra);
    }
    assert_true(len < sizeof text);
    write_tmp(path, n, text);
}

/* Replay path under s to the end, each row into rows[], checking the ledger
 * after every step; fills *res and the breakdowns in *bs (made here: free
 * it) unless bs is NULL. Returns the replay (free it). */
static replay *replay_all(const scenario *s, const char *path, const replay_opts *o, kpi_step *rows,
                          run_result *res, brk_store *bs)
{
    diag d = {0};
    replay *r = replay_open(s, path, o, &d);
    print_diag(&d);
    assert_non_null(r);
    assert_int_equal(d.errors, 0);
    char msg[512];
    for (int64_t st = 0; st < s->t.p.steps; st++) {
        int rc = replay_step(r, &rows[st], &d);
        print_diag(&d);
        assert_int_equal(rc, 0);
        if (replay_check(r, msg, sizeof msg) != 0)
            fail_msg("ledger identity broken after step %lld: %s", (long long)st, msg);
    }
    kpi_step extra;
    assert_int_equal(replay_step(r, &extra, &d), 1);
    assert_int_equal(d.errors, 0);
    diag_clear(&d);
    brk_shape sh = replay_brk_shape(r);
    brk_store own;
    assert_int_equal(sh.nsegs, 0);
    if (!bs)
        bs = &own;
    assert_int_equal(brk_store_init(bs, &sh, 1), 0);
    brk_block b = brk_at(bs, 0);
    assert_int_equal(replay_result(r, rows, s->t.p.steps, res, &b), 0);
    if (bs == &own)
        brk_store_free(&own);
    return r;
}

static void test_hand_log(void **state)
{
    (void)state;
    scenario *s = test_load(FIX "tiny", NULL);
    char path[64];
    tiny_log(path, sizeof path, 0, -1, NULL);
    replay_opts o = {0, 0};
    kpi_step rows[3];
    run_result res;
    brk_store bs;
    replay *r = replay_all(s, path, &o, rows, &res, &bs);
    unlink(path);
    int64_t packs[4];
    for (size_t k = 0; k < 2; k++) {
        packs[2 * k] = test_brk(&bs.sh, brk_at(&bs, 0), BRK_PACKS, k, PR_PURCHASES);
        packs[2 * k + 1] = test_brk(&bs.sh, brk_at(&bs, 0), BRK_PACKS, k, PR_REVENUE);
    }
    brk_store_free(&bs);

    for (int st = 0; st < 3; st++)
        same_row("hand log", st, &rows[st], TINY_STEP[st], 0);
    for (int c = 0; c < TS_N; c++)
        if (res.exact[c] != TINY_TOTAL[c])
            fail_msg("run total %s: %lld, expected %lld", kpi_cols[c].name, (long long)res.exact[c], (long long)TINY_TOTAL[c]);
    assert_int_equal(res.run, 1);
    assert_int_equal(res.viewers_existed, 5 + 2);     /* the population, and 2 churn replacements */
    assert_int_equal(res.intents, 8);

    /* Derived metrics from the hand totals; earnings cat 340000167 and dan
     * 13333340 uD; payers' spend ann 3980000, bob 1490000 twice. */
    close_to("arppu_usd", res.value[M_ARPPU], 6.96 / 3);
    close_to("payer_rate", res.value[M_PAYER_RATE], 3.0 / 7);
    close_to("platform_take_rate", res.value[M_TAKE_RATE], 5376600.0 / 6960000);
    /* Earnings: every µD credited at $0.003, floor(353333507 x 3000 / 10^6). */
    close_to("creator_share_of_spend", res.value[M_CREATOR_SHARE], 1060000.0 / 6960000);
    assert_int_equal(res.exact[M_CREATOR_EARNINGS], 1060000);
    /* Liabilities: 214 coins x 10000 x 666667 / 10^6 = 1426667.38 and
     * 253333507 µD x 3000 / 10^6 = 760000.52, each floored; no warm-up, so
     * the margin is platform cash less both. */
    assert_int_equal(res.exact[M_COIN_LIABILITY], 1426667);
    assert_int_equal(res.exact[M_DIAMOND_LIABILITY], 760000);
    assert_int_equal(res.exact[M_MARGIN], 5376600 - 1426667 - 760000);
    close_to("web_share_of_revenue", res.value[M_WEB_SHARE], 2980000.0 / 6960000);
    close_to("breakage_rate", res.value[M_BREAKAGE_RATE], 47.0 / 420);
    close_to("lost_intent_rate", res.value[M_LOST_RATE], 1.0 / 8);
    close_to("creator_gini", res.value[M_GINI], (340000167.0 - 13333340) / (2 * 353333507.0));
    close_to("top1pct_creator_share", res.value[M_TOP1_CREATOR], 340000167.0 / 353333507);
    close_to("top20pct_payer_spend_share", res.value[M_TOP20_PAYER], 3980000.0 / 6960000);
    close_to("creators_cashed_out", res.value[M_CASHED_OUT], 1);

    /* app100 twice at $1.99, web100 twice at $1.49 */
    assert_int_equal(packs[0], 2);
    assert_int_equal(packs[1], 3980000);
    assert_int_equal(packs[2], 2);
    assert_int_equal(packs[3], 2980000);

    const replay_counts *k = replay_get_counts(r);
    assert_int_equal(k->events, 15);
    assert_int_equal(k->viewers, 3);
    assert_int_equal(k->creators, 2);
    assert_int_equal(k->run, 1);
    assert_int_equal(k->rejected_gifts + k->rejected_cashouts + k->capped_cashouts + k->skipped_cashouts, 0);
    assert_int_equal(k->unknown_packs + k->unknown_gifts + k->price_differs + k->breakage_differs, 0);
    replay_free(r);
    scenario_free(s);
}

/* Each step's rows reversed: gifts before the purchases that pay for them,
 * the cash-out before the gift it withdraws, churn after the purchase of
 * the viewer who replaces the churned one. The same figures. */
static void test_order_within_step(void **state)
{
    (void)state;
    scenario *s = test_load(FIX "tiny", NULL);
    char path[64];
    tiny_log(path, sizeof path, 1, -1, NULL);
    replay_opts o = {0, 0};
    kpi_step rows[3];
    run_result res;
    brk_store bs;
    replay *r = replay_all(s, path, &o, rows, &res, &bs);
    brk_store_free(&bs);
    unlink(path);
    for (int st = 0; st < 3; st++)
        same_row("reversed steps", st, &rows[st], TINY_STEP[st], 0);
    assert_memory_equal(res.exact, TINY_TOTAL, sizeof TINY_TOTAL);
    close_to("creator_gini", res.value[M_GINI], (340000167.0 - 13333340) / (2 * 353333507.0));
    close_to("top20pct_payer_spend_share", res.value[M_TOP20_PAYER], 3980000.0 / 6960000);
    replay_free(r);
    scenario_free(s);
}

/* What-if: commission 0.2 makes a coin 10000 x 800000 / 3000 = 2666666.67
 * uD; the 159 coins credit 2666666 + 5333333 + 3 x 133333333 + 2 x 8000000
 * = 423999998 uD (424000000 if floored on the total). Cash in, fees and the
 * recorded cash-out are as before. */
static void test_whatif_commission(void **state)
{
    (void)state;
    scenario *s = test_load(FIX "tiny", "commission=0.2", NULL);
    char path[64];
    tiny_log(path, sizeof path, 0, -1, NULL);
    replay_opts o = {0, 1};
    kpi_step rows[3];
    run_result res;
    replay *r = replay_all(s, path, &o, rows, &res, NULL);
    unlink(path);
    assert_int_equal(rows[0].v[TS_DIAMONDS_CREDITED], 2666666 + 5333333 + 133333333 + 8000000 + 133333333);
    assert_int_equal(rows[1].v[TS_DIAMONDS_CREDITED], 133333333);
    assert_int_equal(rows[2].v[TS_DIAMONDS_CREDITED], 8000000);
    assert_int_equal(res.exact[TS_DIAMONDS_CREDITED], 423999998);
    assert_int_equal(res.exact[TS_DIAMONDS_WITHDRAWN], 100000000);
    assert_int_equal(res.exact[TS_PENDING_DIAMONDS], 323999998);
    for (int c = TS_CASH_IN; c <= TS_PLATFORM_CASH; c++)
        assert_int_equal(res.exact[c], TINY_TOTAL[c]);
    const replay_counts *k = replay_get_counts(r);
    assert_int_equal(k->capped_cashouts + k->skipped_cashouts, 0);
    replay_free(r);
    scenario_free(s);
}

/* One infeasible row: an error naming its line without lenient; with it,
 * counted, and every figure as if the row were not there. */
static void infeasible_case(const char *what, int at, const char *row, long line, const char *msg_want, int gifts,
                            int cashouts)
{
    scenario *s = test_load(FIX "tiny", NULL);
    char path[64], want[512];
    tiny_log(path, sizeof path, 0, at, row);

    /* by default: the step holding the row fails with FILE:LINE: ... */
    diag d = {0};
    replay_opts strict = {0, 0};
    replay *r = replay_open(s, path, &strict, &d);
    assert_non_null(r);
    kpi_step rows[3];
    int rc = 0;
    int64_t st;
    for (st = 0; st < 3 && (rc = replay_step(r, &rows[st], &d)) == 0; st++)
        ;
    print_diag(&d);
    if (rc != -1)
        fail_msg("%s: no error without lenient", what);
    assert_int_equal(st, at);
    assert_int_equal(d.errors, 1);
    snprintf(want, sizeof want, "%s:%ld: %s (use --lenient to count such events as rejected)", path, line, msg_want);
    assert_string_equal(d.items[0].text, want);
    diag_clear(&d);
    replay_free(r);

    /* lenient: counted, the ledger holds after every step, the figures are
     * the hand figures */
    replay_opts len = {1, 0};
    run_result res;
    r = replay_all(s, path, &len, rows, &res, NULL);
    unlink(path);
    for (int i = 0; i < 3; i++)
        same_row(what, i, &rows[i], TINY_STEP[i], 0);
    const replay_counts *k = replay_get_counts(r);
    assert_int_equal(k->rejected_gifts, gifts);
    assert_int_equal(k->rejected_cashouts, cashouts);
    assert_int_equal(k->events, 16);
    replay_free(r);
    scenario_free(s);
}

static void test_infeasible(void **state)
{
    (void)state;
    /* eve never bought: her wallet is empty (line 10, after step 0's 8 rows) */
    infeasible_case("gift beyond the wallet", 0, "1,0,gift,eve,cat,lion,1000,10.000000,\n", 10,
                    "gift of 1000 coins, but the viewer's wallet holds 0", 1, 0);
    /* dan has 6.666670 diamonds pending at step 1 (line 13) */
    infeasible_case("cash-out beyond the pending", 1, "1,1,cashout,,dan,,7,0.021000,\n", 13,
                    "cash-out of 7 diamonds, but the creator has 6.66667 pending", 0, 1);
    /* a cash-out of nothing is refused too */
    infeasible_case("cash-out of 0 diamonds", 2, "1,2,cashout,,cat,,0,0.000000,\n", 17,
                    "cash-out of 0 diamonds, but the creator has 240.000167 pending", 0, 1);
}

/* Malformed input: FILE:LINE: column NAME: ... from replay_open (header,
 * first row) or replay_step (later rows). */
static void bad_case(const char *text, const char *want_tail)
{
    scenario *s = test_load(FIX "tiny", NULL);
    char path[64], want[512];
    write_tmp(path, sizeof path, text);
    diag d = {0};
    replay_opts o = {0, 0};
    replay *r = replay_open(s, path, &o, &d);
    kpi_step row;
    for (int st = 0; r && st < 3; st++)
        if (replay_step(r, &row, &d) < 0)
            break;
    unlink(path);
    print_diag(&d);
    if (!d.errors)
        fail_msg("no error for: %s", text);
    snprintf(want, sizeof want, "%s:%s", path, want_tail);
    assert_string_equal(d.items[0].text, want);
    diag_clear(&d);
    replay_free(r);
    scenario_free(s);
}

static void test_bad_input(void **state)
{
    (void)state;
    bad_case("run,step,type,viewer,creator,item,coins,channel\n",
             "1: column usd: required column missing (expected \"usd\" in the header)");
    bad_case("run,step,type,viewer,creator,item,coins,usd,channel,note\n",
             "1: column note: unknown column (expected run,step,type,viewer,creator,item,coins,usd,channel)");
    bad_case("run,step,type,viewer,creator,item,coins,usd,channel\n1,0,purchase,ann,,app100,110,1.99,app\n"
             "1,1,gift,ann,cat,rose,1,0.01,\n1,2,sale,ann,,app100,110,1.99,app\n",
             "4: column type: unknown event type \"sale\" (expected purchase, gift, lost, cashout, churn, grant, sink or lost_sink)");
    bad_case("run,step,type,viewer,creator,item,coins,usd,channel\n1,0,purchase,ann,,app100,110,1.99,app\n"
             "1,1,gift,ann,cat,rose,1,0.01,\n1,0,gift,ann,cat,rose,1,0.01,\n",
             "4: column step: step 0 after step 1 (expected the log ordered by step)");
    bad_case("run,step,type,viewer,creator,item,coins,usd,channel\n1,0,purchase,ann,,gem,500,,web\n",
             "2: column item: pack \"gem\" is not in the scenario (expected a known pack, or coins, usd and channel on the row)");
    bad_case("run,step,type,viewer,creator,item,coins,usd,channel\n1,0,purchase,ann,,app100,110,1.99,app\n"
             "1,0,gift,ann,cat,rose,1,0.0100001,\n",
             "3: column usd: usd \"0.0100001\": more than 6 decimal places (expected an amount with at most 6 decimals)");
}

/* ------------------------------------------------- the round trip */

/* A run of a scenario with a timeline (commission and bonus changes), fees
 * that floor, payout fees, churn and bonus coins: its log, written by the
 * event hook of the run itself, replayed, gives the run's figures exactly. */
static void round_trip(scenario *s, const int *want_nonzero, size_t nwant)
{
    const uint64_t run = 2;
    int64_t steps = s->t.p.steps;
    char path[64], msg[512];
    write_tmp(path, sizeof path, "");

    /* the run itself, its log written as it goes */
    kpi_step *wrows = calloc((size_t)steps, sizeof *wrows), *rrows = calloc((size_t)steps, sizeof *rrows);
    brk_shape wsh = brk_shape_of(&s->t);
    brk_store ws, rs;
    assert_true(wrows && rrows && brk_store_init(&ws, &wsh, 1) == 0);
    brk_block wb = brk_at(&ws, 0);
    evlog *log = evlog_open(path, s, msg, sizeof msg);
    assert_non_null(log);
    run_hooks h = {.event = evlog_event, .ud = log};
    run_result wr, rr;
    assert_int_equal(pool_unit(s, run, 1, -1, &wr, wrows, &wb, &h, msg, sizeof msg), SIM_OK);
    assert_int_equal(evlog_close(log, 1, msg, sizeof msg), 0);

    /* not vacuous: every kind of flow happened */
    for (size_t i = 0; i < nwant; i++)
        if (wr.exact[want_nonzero[i]] <= 0)
            fail_msg("the run has no %s", kpi_metrics[want_nonzero[i]].name);

    replay_opts o = {0, 0};
    replay *r = replay_all(s, path, &o, rrows, &rr, &rs);
    unlink(path);

    for (int64_t st = 0; st < steps; st++) {
        same_row("round trip", st, &rrows[st], wrows[st].v, 1);
        assert_int_equal(rrows[st].v[TS_ACTIVE_VIEWERS], 0);
        assert_int_equal(rrows[st].v[TS_LIVE_CREATORS], 0);
    }
    /* every exact total and figure (the platform's position and the
     * opening balances too), but those a log does not hold */
    for (int m = 0; m < M_N; m++) {
        if (!kpi_metrics[m].exact || unknowable(m))
            continue;
        if (wr.exact[m] != rr.exact[m])
            fail_msg("%s: run %lld, replay %lld", kpi_metrics[m].name, (long long)wr.exact[m],
                     (long long)rr.exact[m]);
    }
    assert_int_equal(rr.run, run);
    assert_int_equal(rr.viewers_existed, wr.viewers_existed);
    assert_int_equal(rr.intents, wr.intents);
    /* every derived metric is computed from the same integers */
    for (int m = 0; m < M_N; m++) {
        if (unknowable(m) || m == M_MISSED_RATE)
            continue;
        if (rr.value[m] != wr.value[m])
            fail_msg("%s: replay %.17g, run %.17g", kpi_metrics[m].name, rr.value[m], wr.value[m]);
    }
    /* The breakdowns too, but the segments (a log does not know them) and
     * creators live (nor that). */
    brk_block rb = brk_at(&rs, 0);
    for (int t = BRK_CHANNELS; t <= BRK_PACKS; t++)
        for (size_t row = 0; row < brk_rows(&wsh, (enum brk_table)t); row++)
            assert_memory_equal(brk_row(&rs.sh, rb.raw, (enum brk_table)t, row),
                                brk_row(&wsh, wb.raw, (enum brk_table)t, row),
                                (t == BRK_CHANNELS ? CHR_N : t == BRK_GIFTS ? GR_N : PR_N) *
                                    sizeof *wb.raw);
    for (int c = 0; c < CR_N; c++)
        if (c != CR_LIVE && rb.cr[c] != wb.cr[c])
            fail_msg("creators' figure %d: replay %.17g, run %.17g", c, rb.cr[c], wb.cr[c]);

    const replay_counts *k = replay_get_counts(r);
    assert_int_equal(k->run, run);
    assert_true(k->events > 0);
    assert_int_equal(k->rejected_gifts + k->rejected_sinks + k->rejected_cashouts + k->capped_cashouts +
                         k->skipped_cashouts, 0);
    assert_int_equal(k->unknown_packs + k->unknown_gifts + k->unknown_sinks + k->price_differs +
                         k->breakage_differs, 0);
    print_message("  run %llu: %lld events, %lld viewers, %lld creators\n", (unsigned long long)run,
                  (long long)k->events, (long long)k->viewers, (long long)k->creators);
    replay_free(r);
    free(wrows);
    free(rrows);
    brk_store_free(&ws);
    brk_store_free(&rs);
    scenario_free(s);
}

static void test_round_trip(void **state)
{
    (void)state;
    scenario *s = test_load("tests/fixtures/e2e/timeline", "usd_per_diamond=0.007", "commission=0.333333",
                       "store_fee_app=0.299999", "payout_fee_usd=0.25", "payout_fee_rate=0.023",
                       "min_withdrawal_usd=1", "packs.web350.bonus_coins=35", "segments.casual.p_churn=0.05",
                       "segments.fan.p_churn=0.02", NULL);
    static const int want[] = {TS_PAYOUT_FEES, TS_COINS_BONUS, TS_COINS_BREAKAGE, TS_CASHOUTS,
                               TS_LOST_INTENTS, TS_GIFTS};
    round_trip(s, want, sizeof want / sizeof want[0]);
}

/* Version 2's flows too: a warm-up (its events at negative steps make the
 * opening balances), free coins, sinks and lost sinks, missed sessions,
 * both stores; replayed, the run's figures exactly, opening balances,
 * liabilities and margin included. */
static void test_round_trip_v2(void **state)
{
    (void)state;
    scenario *s = test_load("scenarios/baseline", "viewers=3000", "creators=40", "steps=20",
                            "warmup_steps=5", "p_switch=0.5", "segments.casual.free_coins_per_session=3",
                            "segments.whale.sinks_per_session=2", "segments.casual.sinks_per_session=0.5",
                            "segments.casual.p_churn=0.05", "min_withdrawal_usd=1", NULL);
    static const int want[] = {TS_COINS_GRANTED, TS_COINS_SUNK,  TS_LOST_SINKS,  TS_COINS_BREAKAGE,
                               TS_CASHOUTS,      TS_WEB_CASH_IN, M_OPEN_WALLETS, M_OPEN_PENDING,
                               M_OPEN_CASH,      M_MARGIN};
    round_trip(s, want, sizeof want / sizeof want[0]);
}

/* ------------------------------------- the event hook of one run */

typedef struct seen {
    int64_t events, other_runs, steps, ends;
    int end_status;
} seen;

static void count_end(void *ud, int status)
{
    seen *k = ud;
    k->ends++;
    k->end_status = status;
}

static void count_event(void *ud, const sim_event *ev)
{
    seen *k = ud;
    k->events++;
    k->other_runs += ev->run != 3;
}

static void count_step(void *ud, int64_t step, const kpi_step *row)
{
    (void)step;
    (void)row;
    ((seen *)ud)->steps++;
}

/* A job watching run 3 of 4 (as --events does) tells the hook of that
 * run's events and steps alone, and its results are the bytes of the same
 * job unwatched, on 1 and 2 threads (and its end hook is told once): the hook observes the run it records
 * and changes nothing, so no run is simulated twice. */
static void test_watch_one_run(void **state)
{
    (void)state;
    scenario *s = test_load("tests/fixtures/e2e/timeline", "segments.casual.p_churn=0.05", NULL);
    char msg[512];
    for (int threads = 1; threads <= 2; threads++) {
        mc_opts o = {.runs = 4, .threads = threads, .fault_step = -1};
        mc_result *plain, *watched;
        assert_int_equal(mc_run(s, &o, &plain, msg, sizeof msg), SIM_OK);
        seen k = {0, 0, 0, 0, -1};
        run_hooks h = {.event = count_event, .step = count_step, .end = count_end, .ud = &k};
        o.watch = &h;
        o.watch_run = 3;
        assert_int_equal(mc_run(s, &o, &watched, msg, sizeof msg), SIM_OK);
        assert_true(k.events > 0);
        assert_int_equal(k.other_runs, 0);
        assert_int_equal(k.steps, s->t.p.steps);
        assert_int_equal(k.ends, 1); /* the run's end, once, done */
        assert_int_equal(k.end_status, SIM_OK);
        /* every event of run 3 is a purchase, gift, lost intent, cash-out
         * or churn: their count is bounded below by the purchases,
         * gifts and lost intents the run reports */
        const run_result *r3 = &watched->res[2];
        assert_true(k.events >= r3->exact[TS_PURCHASES] + r3->exact[TS_GIFTS] +
                                    r3->exact[TS_LOST_INTENTS]);
        assert_memory_equal(plain->res, watched->res, 4 * sizeof *plain->res);
        assert_memory_equal(plain->ts, watched->ts, 4 * (size_t)s->t.p.steps * sizeof *plain->ts);
        mc_result_free(plain);
        mc_result_free(watched);
    }
    scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_log),
        cmocka_unit_test(test_order_within_step),
        cmocka_unit_test(test_whatif_commission),
        cmocka_unit_test(test_infeasible),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_round_trip_v2),
        cmocka_unit_test(test_watch_one_run),
    };
    return cmocka_run_group_tests_name("replay", tests, NULL, NULL);
}
