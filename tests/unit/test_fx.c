/* test_fx — the currency rules of docs/model.md §8 (rules.h), groundwork
 * for regions: a local price brought into USD and a payout converted out
 * of it with its FX fee, exact to the µ-unit at awkward rates, worked by
 * hand; a pack priced at one dollar in any currency brings in one dollar;
 * a rate that doubles halves what a price brings in; and the int64 bound.
 * Then the same rules as the engine calls them: a cash-out's payout of a
 * creator of a region (rules_payout_of), a pack's dollars at its region's
 * rate (rules_pack_usd), and creators spread over regions by the model's
 * rule (scenario_creator_regions). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "rules.h"
#include "scenario.h"

/* IDR 16,321.5 and JPY 151.37 to the dollar: floors checked by hand. */
static void test_awkward_rates(void **state)
{
    (void)state;
    const int64_t idr = 16321500000, jpy = 151370000; /* µ-units a dollar buys */
    /* Rp16,000: 16,000 / 16,321.5 = 0.98030267... USD: 980302.67 µUSD,
     * floored. */
    assert_int_equal(rules_to_usd(16000000000, idr), 980302);
    /* Rp1: 1e6 x 1e6 / 16321.5e6 = 61.269... */
    assert_int_equal(rules_to_usd(1000000, idr), 61);
    /* ¥150: 150e6 x 1e6 / 151.37e6 = 990949.329... */
    assert_int_equal(rules_to_usd(150000000, jpy), 990949);
    /* ¥1,500 is ten times that price but not ten times the floor:
     * 9909493.294... */
    assert_int_equal(rules_to_usd(1500000000, jpy), 9909493);
    /* USD itself: the price unchanged. */
    assert_int_equal(rules_to_usd(4990000, 1000000), 4990000);
}

/* A pack priced at exactly one dollar in every currency brings in exactly
 * one dollar: its price is the rate itself. */
static void test_one_dollar_everywhere(void **state)
{
    (void)state;
    const int64_t rates[] = {1000000, 16321500000, 151370000, 5831524, 793468, 1, 999999999999};
    for (size_t i = 0; i < sizeof rates / sizeof *rates; i++)
        assert_int_equal(rules_to_usd(rates[i], rates[i]), 1000000);
}

/* A rate that doubles (the currency loses half its value) halves what a
 * local price brings in, floored. */
static void test_rate_move_halves(void **state)
{
    (void)state;
    const int64_t brl = 5831524, price = 27900000; /* R$27.90 */
    int64_t before = rules_to_usd(price, brl), after = rules_to_usd(price, 2 * brl);
    assert_int_equal(before, 4784341); /* 27.9 / 5.831524 = 4.7843417... USD */
    assert_int_equal(after, 2392170);  /* half of it, 2392170.88, floored */
    assert_int_equal(after, before / 2);
}

/* A payout converted with its fee: the fee in µUSD, floored, then the rest
 * at the rate, floored. */
static void test_payout(void **state)
{
    (void)state;
    int64_t fee, local;
    /* $100 net, 2.5% fee, to IDR 16,321.5: fee $2.50; 97.5 x 16,321.5 =
     * Rp1,591,346.25. */
    assert_int_equal(rules_fx_payout(100000000, 25000, 16321500000, &fee, &local), 0);
    assert_int_equal(fee, 2500000);
    assert_int_equal(local, 1591346250000);
    /* $0.333333 net, 3% fee: fee 9999.99 µUSD floored to 9999; 323334 µUSD
     * x 151.37 = 48943067.58 µJPY, floored. */
    assert_int_equal(rules_fx_payout(333333, 30000, 151370000, &fee, &local), 0);
    assert_int_equal(fee, 9999);
    assert_int_equal(local, 48943067);
    /* No fee, USD: what was net arrives. */
    assert_int_equal(rules_fx_payout(12345678, 0, 1000000, &fee, &local), 0);
    assert_int_equal(fee, 0);
    assert_int_equal(local, 12345678);
}

/* Past the int64 range, or a rate that is not positive: refused, never a
 * wrapped figure. */
static void test_bounds(void **state)
{
    (void)state;
    int64_t fee, local;
    assert_int_equal(rules_to_usd(INT64_MAX, 1), -1);
    assert_int_equal(rules_to_usd(1000000, 0), -1);
    assert_int_equal(rules_fx_payout(INT64_MAX / 2, 0, 4000000, &fee, &local), -1);
    assert_int_equal(rules_fx_payout(1000000, 0, -5, &fee, &local), -1);
}

/* Two regions, us (USD, no FX fee, 60% of creators) and id (IDR
 * 16,321.5, 3% FX fee, 40%), and the params a cash-out reads. */
static void two_regions(sc_tables *t, sc_region r[2])
{
    memset(t, 0, sizeof *t);
    r[0] = (sc_region){"us", "USD", 1000000, 0, 600000};
    r[1] = (sc_region){"id", "IDR", 16321500000, 30000, 400000};
    t->regions = r;
    t->nregions = 2;
    t->p.usd_per_diamond = 5000;  /* $0.005 */
    t->p.payout_fee = 100000;     /* $0.10 flat */
    t->p.payout_fee_rate = 10000; /* and 1% */
}

/* A cash-out of 3,767 diamonds ($18.835 gross): the same fees in either
 * region; in id the FX fee and the rupiah the bank receives, by hand. */
static void test_payout_of_region(void **state)
{
    (void)state;
    sc_tables t;
    sc_region r[2];
    two_regions(&t, r);
    rules_payout us, id;
    assert_int_equal(rules_payout_of(&t, 0, 3767, &us), 0);
    assert_int_equal(rules_payout_of(&t, 1, 3767, &id), 0);
    /* fee: 0.10 + 1% of 18.835 = 0.10 + 0.18835 */
    assert_int_equal(us.gross, 18835000);
    assert_int_equal(us.fee, 288350);
    assert_int_equal(us.fx, 0);
    assert_int_equal(us.local, 18835000 - 288350);
    assert_int_equal(id.fee, us.fee);
    /* net $18.54665: 3% is $0.5563995, floored to 556399 µUSD; the bank
     * gets 17.990251 x 16,321.5 = Rp293,627.8816965: 293627881696.5
     * µ-units of rupiah, floored. */
    assert_int_equal(id.fx, 556399);
    assert_int_equal(id.local, 293627881696);
    assert_int_equal(id.region, 1);
    /* Without regions: one USD region, nothing converted. */
    t.nregions = 0;
    rules_payout one;
    assert_int_equal(rules_payout_of(&t, 0, 3767, &one), 0);
    assert_int_equal(one.fx, 0);
    assert_int_equal(one.local, us.local);
}

/* A pack's dollars at its region's rate, and the same price as a rate
 * move doubles per_usd from one step to the next: half, floored. */
static void test_pack_usd(void **state)
{
    (void)state;
    sc_tables t;
    sc_region r[2];
    sc_pack k = {0};
    two_regions(&t, r);
    k.price = 13000000000; /* Rp13,000 */
    t.packs = &k;
    t.npacks = 1;
    assert_int_equal(rules_pack_usd(&t, 0, 1), 796495); /* 13000 / 16321.5 = 0.7964953... */
    r[1].per_usd *= 2;
    assert_int_equal(rules_pack_usd(&t, 0, 1), 398247); /* 0.39824767... */
    t.nregions = 0;                                     /* no regions: the price is USD */
    assert_int_equal(rules_pack_usd(&t, 0, 0), 13000000000);
}

/* Creator i goes where share x (i + 1) less those already there is
 * largest, ties to the earlier row: 60/40 over five creators, by hand,
 * us id us id us; and shares kept exactly at every multiple of five. */
static void test_creator_regions(void **state)
{
    (void)state;
    sc_tables t;
    sc_region r[3];
    two_regions(&t, r);
    uint16_t who[1000];
    int64_t n[3];
    scenario_creator_regions(&t, 5, who, n);
    const uint16_t want[5] = {0, 1, 0, 1, 0};
    for (int i = 0; i < 5; i++)
        assert_int_equal(who[i], want[i]);
    assert_int_equal(n[0], 3);
    assert_int_equal(n[1], 2);
    scenario_creator_regions(&t, 1000, who, n);
    assert_int_equal(n[0], 600);
    assert_int_equal(n[1], 400);
    /* Every prefix holds each region within one creator of its share:
     * the stars and the long tail are shared alike. */
    int64_t c[2] = {0, 0};
    for (int i = 0; i < 1000; i++) {
        c[who[i]]++;
        assert_true(llabs(c[0] * 1000000 - 600000LL * (i + 1)) <= 1000000);
    }
    /* A region with no share gets no creator; a tie goes to the earlier row. */
    r[2] = (sc_region){"zz", "EUR", 1000000, 0, 0};
    r[0].creator_share = 500000;
    r[1].creator_share = 500000;
    t.nregions = 3;
    scenario_creator_regions(&t, 4, who, n);
    assert_int_equal(who[0], 0);
    assert_int_equal(who[1], 1);
    assert_int_equal(n[2], 0);
    /* Without regions every creator is in the one. */
    t.nregions = 0;
    scenario_creator_regions(&t, 7, NULL, n);
    assert_int_equal(n[0], 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_awkward_rates),    cmocka_unit_test(test_one_dollar_everywhere),
        cmocka_unit_test(test_rate_move_halves), cmocka_unit_test(test_payout),
        cmocka_unit_test(test_bounds),           cmocka_unit_test(test_payout_of_region),
        cmocka_unit_test(test_pack_usd),         cmocka_unit_test(test_creator_regions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
