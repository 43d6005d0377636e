/* test_ledger — the double-entry ledger and its identities (docs/model.md §5):
 * postings by hand, every identity after a real run (checked by
 * ledger_check and recomputed here), each kind of breakage detected when
 * a ledger is corrupted by hand, and the fault hook seen by world_check,
 * pool_unit and mc_run. Everything here is exact. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "kpi.h"
#include "ledger.h"
#include "mc.h"
#include "pool.h"
#include "scenario.h"
#include "world.h"
#include "testutil.h"

#define FIX "tests/fixtures/model/"

static scenario *load(const char *name)
{
    char dir[256];
    snprintf(dir, sizeof dir, FIX "%s", name);
    return test_load(dir, (const char *)NULL);
}

static int64_t bal_sum(const ledger *l)
{
    int64_t s = 0;
    for (int i = 0; i < ACC_N; i++)
        s += l->bal[i];
    return s;
}

/* Each posting, by hand: who pays whom, and the flow counters. */
static void test_postings_by_hand(void **state)
{
    (void)state;
    ledger l;
    char msg[512];
    memset(&l, 0, sizeof l);

    ledger_purchase(&l, CH_APP, 990000, 297000, 65, 5);
    assert_int_equal(l.bal[ACC_VIEWERS], -990000);
    assert_int_equal(l.bal[ACC_PLATFORM], 693000);
    assert_int_equal(l.bal[ACC_APP_STORE], 297000);
    assert_int_equal(l.bal[ACC_WEB_PROCESSOR], 0);
    ledger_purchase(&l, CH_WEB, 740000, 22200, 70, 0);
    assert_int_equal(l.bal[ACC_VIEWERS], -1730000);
    assert_int_equal(l.bal[ACC_PLATFORM], 693000 + 717800);
    assert_int_equal(l.bal[ACC_APP_STORE], 297000);
    assert_int_equal(l.bal[ACC_WEB_PROCESSOR], 22200);
    assert_int_equal(l.cash_in, 1730000);
    assert_int_equal(l.store_fees, 319200);
    assert_int_equal(l.coins_sold, 135);
    assert_int_equal(l.coins_bonus, 5);

    ledger_gift(&l, 100, 100000000);
    ledger_breakage(&l, 15);
    assert_int_equal(l.coins_gifted, 100);
    assert_int_equal(l.diamonds_credited, 100000000);
    assert_int_equal(l.coins_breakage, 15);
    /* Gifts and breakage move no money. */
    assert_int_equal(l.bal[ACC_PLATFORM], 1410800);

    ledger_cashout(&l, 60000000, 300000, 25000, 0);
    assert_int_equal(l.bal[ACC_PLATFORM], 1410800 - 300000);
    assert_int_equal(l.bal[ACC_CREATOR_BANKS], 275000);
    assert_int_equal(l.bal[ACC_PAYOUT_PROCESSOR], 25000);
    assert_int_equal(l.payouts_gross, 300000);
    assert_int_equal(l.payout_fees, 25000);
    assert_int_equal(l.payouts_net, 275000);
    assert_int_equal(l.diamonds_withdrawn, 60000000);
    assert_int_equal(bal_sum(&l), 0);

    /* wallets: 140 in, 100 gifted, 15 broken: 25; pending 40 diamonds. */
    assert_int_equal(ledger_check(&l, 25, 40000000, msg, sizeof msg), 0);
    assert_int_equal(ledger_check(&l, 26, 40000000, msg, sizeof msg), -1);
    assert_int_equal(ledger_check(&l, 25, 39999999, msg, sizeof msg), -1);

    /* A cash-out to a creator paid in another currency (docs/model.md §8):
     * 20 diamonds, $0.10 gross, $0.01 fee, $0.002700 FX fee to the
     * converter; the bank gets the rest, and the FX fee is a term of the
     * money identity. */
    ledger_cashout(&l, 20000000, 100000, 10000, 2700);
    assert_int_equal(l.bal[ACC_PLATFORM], 1410800 - 300000 - 100000);
    assert_int_equal(l.bal[ACC_CREATOR_BANKS], 275000 + 87300);
    assert_int_equal(l.bal[ACC_PAYOUT_PROCESSOR], 25000 + 10000);
    assert_int_equal(l.bal[ACC_FX], 2700);
    assert_int_equal(l.fx_fees, 2700);
    assert_int_equal(l.payouts_net, 275000 + 87300);
    assert_int_equal(bal_sum(&l), 0);
    assert_int_equal(ledger_check(&l, 25, 20000000, msg, sizeof msg), 0);
    /* Without the FX fee among the outflows the money does not add up. */
    l.fx_fees = 0;
    assert_int_equal(ledger_check(&l, 25, 20000000, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "money:"));
    assert_non_null(strstr(msg, "FX fees 0.000000"));
    l.fx_fees = 2700;
    /* An FX fee posted to the creators' banks breaks the banks' account
     * (checked before the converter's); an FX fee from nowhere, the
     * converter's own. */
    l.bal[ACC_FX] -= 100;
    l.bal[ACC_CREATOR_BANKS] += 100;
    assert_int_equal(ledger_check(&l, 25, 20000000, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "accounts: creators' banks"));
    l.bal[ACC_CREATOR_BANKS] -= 100;
    l.bal[ACC_OPENING] -= 100;
    assert_int_equal(ledger_check(&l, 25, 20000000, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "accounts: FX converter (FX fees) balance 0.002600 != flow 0.002700"));
}

/* A real run of the mixed fixture (churn, both channels, bonus coins,
 * fees, cash-outs, a timeline): world_check after every step, and every
 * identity recomputed here from the ledger and the time series, which the
 * engine tallies apart from the ledger. */
static void test_identities_after_real_run(void **state)
{
    (void)state;
    scenario *s = load("mixed");
    char msg[512];
    world *w = world_new(s, 2);
    assert_non_null(w);
    int64_t steps = s->t.p.steps;
    kpi_step *rows = calloc((size_t)steps, sizeof *rows);
    int64_t flow[TS_N] = {0};
    assert_non_null(rows);
    for (int64_t st = 0; st < steps; st++) {
        assert_int_equal(world_step(w, &rows[st]), 0);
        if (world_check(w, msg, sizeof msg) != 0)
            fail_msg("step %lld: %s", (long long)st, msg);
        for (int c = 0; c < TS_N; c++)
            flow[c] += rows[st].v[c];
    }
    const ledger *L = world_ledger(w);
    const kpi_step *last = &rows[steps - 1];
    int64_t wallets = last->v[TS_WALLET_COINS], pending = last->v[TS_PENDING_DIAMONDS];

    /* The run must exercise every posting, or the identities are idle. */
    assert_true(L->coins_breakage > 0 && L->diamonds_withdrawn > 0 && L->payout_fees > 0);
    assert_true(L->coins_bonus > 0 && L->bal[ACC_APP_STORE] > 0 && L->bal[ACC_WEB_PROCESSOR] > 0);

    assert_int_equal(ledger_check(L, wallets, pending, msg, sizeof msg), 0);
    assert_int_equal(L->coins_sold + L->coins_bonus, L->coins_gifted + L->coins_breakage + wallets);
    assert_int_equal(L->diamonds_credited, L->diamonds_withdrawn + pending);
    assert_int_equal(L->cash_in, L->store_fees + L->payouts_net + L->payout_fees + L->bal[ACC_PLATFORM]);
    assert_int_equal(bal_sum(L), 0);
    assert_int_equal(-L->bal[ACC_VIEWERS], L->cash_in);
    assert_int_equal(L->bal[ACC_APP_STORE] + L->bal[ACC_WEB_PROCESSOR], L->store_fees);
    assert_int_equal(L->bal[ACC_CREATOR_BANKS], L->payouts_net);
    assert_int_equal(L->bal[ACC_PAYOUT_PROCESSOR], L->payout_fees);
    assert_int_equal(L->payouts_gross, L->payouts_net + L->payout_fees);

    /* The time series agrees with the ledger to the unit. */
    assert_int_equal(flow[TS_CASH_IN], L->cash_in);
    assert_int_equal(flow[TS_STORE_FEES], L->store_fees);
    assert_int_equal(flow[TS_PAYOUTS_GROSS], L->payouts_gross);
    assert_int_equal(flow[TS_PAYOUT_FEES], L->payout_fees);
    assert_int_equal(flow[TS_PAYOUTS_NET], L->payouts_net);
    assert_int_equal(flow[TS_COINS_SOLD], L->coins_sold);
    assert_int_equal(flow[TS_COINS_BONUS], L->coins_bonus);
    assert_int_equal(flow[TS_COINS_GIFTED], L->coins_gifted);
    assert_int_equal(flow[TS_COINS_BREAKAGE], L->coins_breakage);
    assert_int_equal(flow[TS_DIAMONDS_CREDITED], L->diamonds_credited);
    assert_int_equal(flow[TS_DIAMONDS_WITHDRAWN], L->diamonds_withdrawn);
    assert_int_equal(last->v[TS_PLATFORM_CASH], L->bal[ACC_PLATFORM]);

    /* mc_run checking after every step of every run. */
    mc_opts o = {0};
    mc_result *r = NULL;
    o.runs = 3;
    o.threads = 2;
    o.check = 1;
    o.fault_step = -1;
    assert_int_equal(mc_run(s, &o, &r, msg, sizeof msg), SIM_OK);
    mc_result_free(r);

    free(rows);
    world_free(w);
    scenario_free(s);
}

/* ledger_check must fail on l with the message starting with prefix. */
static void expect_broken(const char *what, const ledger *l, int64_t wallets, int64_t pending, const char *prefix)
{
    char msg[512];
    int rc = ledger_check(l, wallets, pending, msg, sizeof msg);
    if (rc != -1)
        fail_msg("%s: ledger_check returned %d, expected -1", what, rc);
    if (strncmp(msg, prefix, strlen(prefix)) != 0)
        fail_msg("%s: message \"%s\" does not start with \"%s\"", what, msg, prefix);
    print_message("  %-40s %s\n", what, msg);
}

/* Start from the ledger of a real run, which passes, and break one thing
 * at a time. */
static void test_each_breakage_detected(void **state)
{
    (void)state;
    scenario *s = load("mixed");
    char msg[512];
    kpi_step row;
    world *w = world_new(s, 1);
    assert_non_null(w);
    while (world_step(w, &row) == 0)
        ;
    const ledger good = *world_ledger(w);
    int64_t wl = row.v[TS_WALLET_COINS], pd = row.v[TS_PENDING_DIAMONDS];
    ledger l;
    assert_int_equal(ledger_check(&good, wl, pd, msg, sizeof msg), 0);

    /* coins */
    l = good; l.coins_sold++;
    expect_broken("coin sold from nowhere", &l, wl, pd, "coins:");
    l = good; l.coins_bonus--;
    expect_broken("bonus coin missing", &l, wl, pd, "coins:");
    l = good; l.coins_gifted++;
    expect_broken("gift with no coin", &l, wl, pd, "coins:");
    l = good; l.coins_breakage--;
    expect_broken("breakage lost", &l, wl, pd, "coins:");
    expect_broken("wallets hold one coin too many", &good, wl + 1, pd, "coins:");

    /* diamonds */
    l = good; l.diamonds_credited++;
    expect_broken("one µD credited from nowhere", &l, wl, pd, "diamonds:");
    l = good; l.diamonds_withdrawn += 1000000;
    expect_broken("diamond withdrawn twice", &l, wl, pd, "diamonds:");
    expect_broken("pending short by one µD", &good, wl, pd - 1, "diamonds:");

    /* money: balances still sum to zero, the cash identity does not hold */
    l = good; l.bal[ACC_PLATFORM] += 1; l.bal[ACC_VIEWERS] -= 1;
    expect_broken("platform paid twice by a viewer", &l, wl, pd, "money:");
    l = good; l.cash_in += 1;
    expect_broken("cash in miscounted", &l, wl, pd, "money:");
    l = good; l.store_fees -= 1;
    expect_broken("store fee miscounted", &l, wl, pd, "money:");

    /* accounts: the cash identity holds, the balances do not */
    l = good; l.bal[ACC_CREATOR_BANKS] += 5; l.bal[ACC_PAYOUT_PROCESSOR] -= 5;
    expect_broken("payout fee posted to creators", &l, wl, pd, "accounts:");
    l = good; l.payouts_net += 5; l.payout_fees -= 5;
    expect_broken("net and fee flows swapped", &l, wl, pd, "accounts:");
    l = good; l.bal[ACC_APP_STORE] += 7;
    expect_broken("app store credited from nowhere", &l, wl, pd, "accounts:");
    l = good; l.bal[ACC_CREATOR_BANKS] += 1;
    expect_broken("creators' bank credited from nowhere", &l, wl, pd, "accounts:");
    l = good; l.bal[ACC_VIEWERS] -= 3; l.bal[ACC_CREATOR_BANKS] += 3;
    expect_broken("viewer paid a creator directly", &l, wl, pd, "accounts:");

    /* A short buffer truncates the message; it never overflows. */
    char tiny[8];
    memset(tiny, 'x', sizeof tiny);
    l = good; l.coins_sold++;
    assert_int_equal(ledger_check(&l, wl, pd, tiny, 7), -1);
    assert_int_equal(tiny[6], '\0');
    assert_int_equal(tiny[7], 'x');

    world_free(w);
    scenario_free(s);
}

/* world_inject_fault puts a coin in a wallet behind the ledger's back. */
static void test_fault_hook(void **state)
{
    (void)state;
    scenario *s = load("mixed");
    char msg[700];
    kpi_step row;
    world *w = world_new(s, 1);
    assert_non_null(w);
    for (int i = 0; i < 3; i++)
        assert_int_equal(world_step(w, &row), 0);
    assert_int_equal(world_check(w, msg, sizeof msg), 0);
    world_inject_fault(w);
    assert_int_equal(world_check(w, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "coins:"));
    /* It stays broken: nothing repairs a ledger. */
    assert_int_equal(world_step(w, &row), 0);
    assert_int_equal(world_check(w, msg, sizeof msg), -1);
    world_free(w);

    int64_t steps = s->t.p.steps;
    kpi_step *ts = calloc((size_t)steps, sizeof *ts);
    run_result res;
    mc_opts o = {0};
    assert_non_null(ts);
    o.fault_step = 2;
    o.check = 1;
    assert_int_equal(pool_unit(s, 1, o.check, o.fault_step, &res, ts, NULL, NULL, msg, sizeof msg), SIM_LEDGER);
    print_message("  %s\n", msg);
    assert_non_null(strstr(msg, "run 1 after step 2:"));
    assert_non_null(strstr(msg, "coins:"));
    /* Without --check the end-of-run check still catches it. */
    o.check = 0;
    assert_int_equal(pool_unit(s, 1, o.check, o.fault_step, &res, ts, NULL, NULL, msg, sizeof msg), SIM_LEDGER);
    char want[64];
    snprintf(want, sizeof want, "after step %lld:", (long long)(steps - 1));
    assert_non_null(strstr(msg, want));
    o.fault_step = -1;
    assert_int_equal(pool_unit(s, 1, o.check, o.fault_step, &res, ts, NULL, NULL, msg, sizeof msg), SIM_OK);

    mc_result *r = (mc_result *)&o;     /* must be reset to NULL on failure */
    o.runs = 4;
    o.threads = 2;
    o.check = 1;
    o.fault_step = 5;
    assert_int_equal(mc_run(s, &o, &r, msg, sizeof msg), SIM_LEDGER);
    assert_null(r);
    assert_non_null(strstr(msg, "after step 5:"));
    free(ts);
    scenario_free(s);
}

/* Checked arithmetic at the bound: a total may reach INT64_MAX exactly;
 * one unit more is noted, naming what overflowed, and not wrapped. */
static void test_totals_checked_at_the_bound(void **state)
{
    (void)state;
    ledger l;
    memset(&l, 0, sizeof l);
    ledger_purchase(&l, CH_APP, INT64_MAX - 1, 0, INT64_MAX - 1, 0);
    ledger_purchase(&l, CH_APP, 1, 0, 1, 0);
    assert_null(l.ovf);
    assert_true(l.cash_in == INT64_MAX && l.coins_sold == INT64_MAX && l.bal[ACC_PLATFORM] == INT64_MAX);
    assert_true(l.bal[ACC_VIEWERS] == -INT64_MAX);
    ledger_purchase(&l, CH_APP, 1, 0, 0, 0);
    assert_non_null(l.ovf);
    assert_string_equal(l.ovf, "an account balance");  /* the platform's, the first addition */

    /* Sold and bonus each fit, their sum (what entered wallets) does not. */
    memset(&l, 0, sizeof l);
    ledger_purchase(&l, CH_APP, 0, 0, INT64_MAX, 0);
    ledger_purchase(&l, CH_APP, 0, 0, 0, 1);
    assert_true(l.coins_sold == INT64_MAX && l.coins_bonus == 1);
    assert_string_equal(l.ovf, "coins put into wallets");

    memset(&l, 0, sizeof l);
    ledger_gift(&l, INT64_MAX, INT64_MAX);
    assert_null(l.ovf);
    ledger_gift(&l, 1, 0);
    assert_string_equal(l.ovf, "coins gifted");
    assert_true(l.diamonds_credited == INT64_MAX);

    memset(&l, 0, sizeof l);
    ledger_gift(&l, 0, INT64_MAX);
    ledger_gift(&l, 0, 1);
    assert_string_equal(l.ovf, "diamonds credited");

    memset(&l, 0, sizeof l);
    ledger_breakage(&l, INT64_MAX);
    ledger_breakage(&l, 1);
    assert_string_equal(l.ovf, "coins lost to churn");

    /* Cash-outs draw on the platform, which may go below zero as far as
     * INT64_MIN; the gross paid out is a total of its own. */
    memset(&l, 0, sizeof l);
    ledger_cashout(&l, 0, INT64_MAX - 1, 0, 0);
    ledger_cashout(&l, 0, 1, 1, 0);
    assert_null(l.ovf);
    assert_true(l.bal[ACC_PLATFORM] == -INT64_MAX && l.payouts_gross == INT64_MAX);
    ledger_cashout(&l, 0, 1, 1, 0);
    assert_true(l.bal[ACC_PLATFORM] == INT64_MIN);
    assert_string_equal(l.ovf, "gross payouts");
}

/* A scenario whose money passes int64 fails its run with SIM_OVERFLOW and a
 * message naming the total and the bound; the same scenario at a price a
 * million million times lower runs. */
static void test_overflow_fails_the_run(void **state)
{
    (void)state;
    char msg[512];
    diag d = {0};
    scenario *s = load("../e2e/overflow");
    mc_opts o;
    memset(&o, 0, sizeof o);
    o.fault_step = -1;
    int64_t steps = s->t.p.steps;
    kpi_step *ts = calloc((size_t)steps, sizeof *ts);
    run_result res;
    assert_non_null(ts);
    assert_int_equal(pool_unit(s, 1, o.check, o.fault_step, &res, ts, NULL, NULL, msg, sizeof msg), SIM_OVERFLOW);
    assert_string_equal(msg, "run 1, step 0: cash in went past 9223372036854.775807 USD, the most a 64-bit total holds");

    /* Diamonds: 10^6 coins at $1 a coin, no commission, $0.0001 a diamond
     * credit 10^16 µD a gift; a thousand gifts pass int64. */
    static const char *const dia[] = {"coin_value_usd=1", "commission=0", "usd_per_diamond=0.0001",
                                      "packs.penny.price_usd=0.000001"};
    for (size_t i = 0; i < sizeof dia / sizeof dia[0]; i++)
        assert_int_equal(scenario_set(s, dia[i], "test", &d), 0);
    assert_int_equal(scenario_check(s, &d), 0);
    assert_int_equal(pool_unit(s, 2, o.check, o.fault_step, &res, ts, NULL, NULL, msg, sizeof msg), SIM_OVERFLOW);
    assert_string_equal(msg,
                        "run 2, step 0: diamonds credited went past 9223372036854.775807 diamonds, the most a 64-bit total holds");

    /* Back to a cent a coin and half to the platform: the same flood of
     * purchases fits and the run ends with its ledger balanced. */
    assert_int_equal(scenario_set(s, "coin_value_usd=0.01", "test", &d), 0);
    assert_int_equal(scenario_set(s, "commission=0.5", "test", &d), 0);
    assert_int_equal(scenario_set(s, "usd_per_diamond=0.005", "test", &d), 0);
    assert_int_equal(scenario_check(s, &d), 0);
    assert_int_equal(pool_unit(s, 1, o.check, o.fault_step, &res, ts, NULL, NULL, msg, sizeof msg), SIM_OK);
    assert_true(res.exact[TS_PURCHASES] > 1000000000);    /* 10^6 packs an intent */
    diag_clear(&d);
    free(ts);
    scenario_free(s);
}

/* Version 2's totals past int64. Free coins have no cash behind them, so
 * the wallets (and the coin liability) grow with no cash-in check: 1000
 * viewers, every one active, granted 10^6 coins a session at $1 a coin
 * (nobody buys or gifts) hold 10^9 (t + 1) coins after step t, a
 * liability of 5 x 10^5 uUSD a coin: past 2^63 - 1 first when
 * 10^9 (t + 1) > 18446744073709.55, at step 18446. And a warm-up's pending
 * diamonds count with those credited after it: 12 viewers sending about
 * 120 gifts of 10^16 uD a step credit about 7.2 x 10^18 uD in 6 steps
 * (within int64 by 7 standard deviations), but twice that with 6 steps of
 * warm-up before them. */
static void test_v2_totals_past_the_bound(void **state)
{
    (void)state;
    char msg[512];
    diag d = {0};
    run_result res;
    kpi_step *ts = calloc(20000, sizeof *ts);
    assert_non_null(ts);
    scenario *s = load("../model/sure");
    static const char *const coin[] = {"viewers=1000", "steps=20000", "coin_value_usd=1",
                                       "segments.all.free_coins_per_session=1000000",
                                       "segments.all.can_buy=0",
                                       "segments.all.gifts_per_session=0"};
    for (size_t i = 0; i < sizeof coin / sizeof coin[0]; i++)
        assert_int_equal(scenario_set(s, coin[i], "test", &d), 0);
    assert_int_equal(scenario_check(s, &d), 0);
    assert_int_equal(pool_unit(s, 1, 0, -1, &res, ts, NULL, NULL, msg, sizeof msg), SIM_OVERFLOW);
    assert_string_equal(msg, "run 1, step 18446: the coin liability went past "
                             "9223372036854.775807 USD, the most a 64-bit total holds");
    scenario_free(s);

    s = load("../e2e/overflow");
    static const char *const dia[] = {"viewers=12", "steps=6", "p_cashout=0", "coin_value_usd=1",
                                      "commission=0", "usd_per_diamond=0.0001",
                                      "packs.penny.price_usd=0.000001"};
    for (size_t i = 0; i < sizeof dia / sizeof dia[0]; i++)
        assert_int_equal(scenario_set(s, dia[i], "test", &d), 0);
    assert_int_equal(scenario_check(s, &d), 0);
    assert_int_equal(pool_unit(s, 1, 1, -1, &res, ts, NULL, NULL, msg, sizeof msg), SIM_OK);
    assert_true(res.exact[TS_DIAMONDS_CREDITED] > 5000000000000000000LL);
    assert_int_equal(scenario_set(s, "warmup_steps=6", "test", &d), 0);
    assert_int_equal(pool_unit(s, 1, 1, -1, &res, ts, NULL, NULL, msg, sizeof msg), SIM_OVERFLOW);
    if (!strstr(msg, ": diamonds owed to creators went past 9223372036854.775807 diamonds, the "
                     "most a 64-bit total holds"))
        fail_msg("%s", msg);
    diag_clear(&d);
    free(ts);
    scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_postings_by_hand),
        cmocka_unit_test(test_identities_after_real_run),
        cmocka_unit_test(test_each_breakage_detected),
        cmocka_unit_test(test_fault_hook),
        cmocka_unit_test(test_totals_checked_at_the_bound),
        cmocka_unit_test(test_overflow_fails_the_run),
        cmocka_unit_test(test_v2_totals_past_the_bound),
    };
    return cmocka_run_group_tests_name("ledger", tests, NULL, NULL);
}
