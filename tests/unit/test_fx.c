/* test_fx — the currency rules of docs/model.md §8 (rules.h), groundwork
 * for regions: a local price brought into USD and a payout converted out
 * of it with its FX fee, exact to the µ-unit at awkward rates, worked by
 * hand; a pack priced at one dollar in any currency brings in one dollar;
 * a rate that doubles halves what a price brings in; and the int64 bound. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "rules.h"

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_awkward_rates),  cmocka_unit_test(test_one_dollar_everywhere),
        cmocka_unit_test(test_rate_move_halves), cmocka_unit_test(test_payout),
        cmocka_unit_test(test_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
