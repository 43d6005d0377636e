/* test_num — exact decimals from text and back (num.h, docs/model.md §2).
 *
 * Every expected value here is worked out by hand from the text: "0.99" is
 * 0.99 x 10^6 = 990000 micro-units, INT64_MAX is 9223372036854775807, so the
 * largest decimal is 9223372036854.775807. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "num.h"

#define N(a) (sizeof a / sizeof a[0])
#define SENTINEL ((int64_t)-424242)

typedef struct dec_case {
    const char *text;
    int64_t micro;
} dec_case;

/* Each parse is described as one line of text, input included, and
 * compared with the line expected: a failing case names itself, and the
 * return code, the value (untouched on error) and the reason are all checked. */
static void check_dec(const char *text, int want_rc, int64_t want, const char *want_why)
{
    char got[256], exp[256];
    int64_t v = SENTINEL;
    const char *why = NULL;
    int rc = num_parse_dec(text, &v, &why);
    snprintf(got, sizeof got, "dec \"%s\": rc %d, value %lld, why %s",
             text ? text : "(null)", rc, (long long)v, why ? why : "-");
    snprintf(exp, sizeof exp, "dec \"%s\": rc %d, value %lld, why %s",
             text ? text : "(null)", want_rc, (long long)(want_rc == 0 ? want : SENTINEL),
             want_why ? want_why : "-");
    assert_string_equal(got, exp);
}

static void check_int(const char *text, int want_rc, int64_t want, const char *want_why)
{
    char got[256], exp[256];
    int64_t v = SENTINEL;
    const char *why = NULL;
    int rc = num_parse_int(text, &v, &why);
    snprintf(got, sizeof got, "int \"%s\": rc %d, value %lld, why %s",
             text, rc, (long long)v, why ? why : "-");
    snprintf(exp, sizeof exp, "int \"%s\": rc %d, value %lld, why %s",
             text, want_rc, (long long)(want_rc == 0 ? want : SENTINEL), want_why ? want_why : "-");
    assert_string_equal(got, exp);
}

static void check_u64(const char *text, int want_rc, uint64_t want, const char *want_why)
{
    char got[256], exp[256];
    uint64_t v = 77;
    const char *why = NULL;
    int rc = num_parse_u64(text, &v, &why);
    snprintf(got, sizeof got, "u64 \"%s\": rc %d, value %llu, why %s",
             text, rc, (unsigned long long)v, why ? why : "-");
    snprintf(exp, sizeof exp, "u64 \"%s\": rc %d, value %llu, why %s",
             text, want_rc, (unsigned long long)(want_rc == 0 ? want : 77), want_why ? want_why : "-");
    assert_string_equal(got, exp);
}

/* ------------------------------------------------------------ decimals */

static void dec_parses_exactly(void **state)
{
    static const dec_case ok[] = {
        {"0.99", 990000},
        {"1", 1000000},
        {"-0.5", -500000},
        {"+3.25", 3250000},
        {"0.000001", 1},
        {"-0.000001", -1},
        {"123.456789", 123456789},
        {"+3.250000", 3250000},
        {"0", 0},
        {"-0", 0},
        {"12", 12000000},
        {"10.000000", 10000000},
        {"0.30", 300000},
        {"007.5", 7500000},
        {"9223372036854.775807", INT64_MAX},
        {"-9223372036854.775807", -INT64_MAX},
        {"9223372036854", 9223372036854000000},
    };
    (void)state;
    for (size_t i = 0; i < N(ok); i++)
        check_dec(ok[i].text, 0, ok[i].micro, NULL);
}

static void dec_rejects_a_seventh_decimal(void **state)
{
    (void)state;
    check_dec("0.1234567", -1, 0, "more than 6 decimal places");
    check_dec("0.0000001", -1, 0, "more than 6 decimal places");
    check_dec("1.0000000", -1, 0, "more than 6 decimal places");   /* even a zero */
    check_dec("-0.9900001", -1, 0, "more than 6 decimal places");
}

static void dec_rejects_overflow(void **state)
{
    static const char *const big[] = {
        "9223372036854.775808",         /* INT64_MAX + 1 micro */
        "9223372036855",                /* whole part one above */
        "9223372036854.999999",
        "99999999999999999999999",
        "18446744073709551616",
        "-9223372036854.775808",        /* INT64_MIN is not offered */
    };
    (void)state;
    for (size_t i = 0; i < N(big); i++)
        check_dec(big[i], -1, 0, "number too large");
}

static void dec_rejects_junk(void **state)
{
    static const char *const junk[] = {
        "abc", "1.2.3", "1e3", " 1", "1 ", ".", "-", "+", "-.", "--1", "+-1",
        "1,5", "0x10", "$1",
    };
    (void)state;
    for (size_t i = 0; i < N(junk); i++)
        check_dec(junk[i], -1, 0, "not a number");
    check_dec("", -1, 0, "empty value");
    check_dec(NULL, -1, 0, "empty value");
}

/* ---------------------------------------------------- real decimals */

/* num_parse_real of text, as one line: rc, the value with 17 digits, why. */
static void check_real(const char *text, int want_rc, double want, const char *want_why)
{
    char got[256], exp[256];
    double v = -4.25;
    const char *why = NULL;
    int rc = num_parse_real(text, &v, &why);
    snprintf(got, sizeof got, "real \"%s\": rc %d, value %.17g, why %s", text ? text : "(null)", rc, v, why ? why : "-");
    snprintf(exp, sizeof exp, "real \"%s\": rc %d, value %.17g, why %s", text ? text : "(null)", want_rc,
             want_rc == 0 ? want : -4.25, want_why ? want_why : "-");
    assert_string_equal(got, exp);
}

static void real_is_dec_up_to_six_places(void **state)
{
    /* Up to 6 places a real is exactly the whole number of micro-units
     * num_parse_dec gives, so the engine computes as before. */
    static const char *const t[] = {"0.99", "1", "-0.5", "+3.25", "0.000001", "-12", "1.2", "0.3", "-7.5",
                                    "0.05", "123456.789012", "1000000", "-1000", ".5", "5."};
    (void)state;
    for (size_t i = 0; i < N(t); i++) {
        int64_t m = SENTINEL;
        const char *why = NULL;
        assert_int_equal(num_parse_dec(t[i], &m, &why), 0);
        check_real(t[i], 0, (double)m, NULL);
    }
}

static void real_takes_any_precision(void **state)
{
    (void)state;
    /* ln 3 as a spreadsheet writes it: the double nearest 10^6 times it. */
    check_real("1.0986122886681098", 0, 1098612.2886681098, NULL);
    check_real("-1.0986122886681098", 0, -1098612.2886681098, NULL);
    check_real("0.0000001", 0, 0.1, NULL);
    check_real("0.33333333333333331", 0, 333333.33333333331, NULL);
    check_real("2.5E-3", 0, 2500, NULL);
    check_real("1e3", 0, 1e9, NULL);
    check_real("-1e+3", 0, -1e9, NULL);
    check_real("1.5e-30", 0, 1.5e-24, NULL);
    /* A nonzero number a double holds only as 0 or subnormal is refused;
     * zero written any way is 0. */
    check_real("1e-400", -1, 0, "nonzero number too close to 0 to hold");
    check_real("-0.000000000000001e-400", -1, 0, "nonzero number too close to 0 to hold");
    check_real("1e-316", -1, 0, "nonzero number too close to 0 to hold");     /* 1e-310 micro: subnormal */
    check_real("1e-300", 0, 1e-294, NULL);
    check_real("0e-400", 0, 0, NULL);
    check_real("-0.000e99999", 0, -0.0, NULL);
    check_real("1e400", -1, 0, "number too large");
    check_real("9e99999999999", -1, 0, "number too large");
    static const char *const junk[] = {
        "abc", "1.2.3", " 1", "1 ", ".", "-", "+", "1e", "1e+", "e3", "1,5", "0x10", "inf", "nan", "1e3.5", "$1", "50%",
        "INF", "-Infinity", "NaN", "nan(1)", "1e400e", "0x1p3",
    };
    for (size_t i = 0; i < N(junk); i++)
        check_real(junk[i], -1, 0, "not a number");
    check_real("", -1, 0, "empty value");
    char many[420];
    memset(many, '1', 401);
    many[401] = '\0';
    check_real(many, -1, 0, "too many digits");
}

static void grouped_numbers(void **state)
{
    static const struct { const char *s; char sep, dec; int groups; const char *plain; } c[] = {
        {"1.000", '.', ',', 1, "1000"},
        {"-12.345.678", '.', ',', 2, "-12345678"},
        {"1.249,99", '.', ',', 1, "1249.99"},
        {"1,000.5", ',', '.', 1, "1000.5"},
        {"0.500", '.', ',', 0, ""},            /* a leading 0 is no thousands */
        {"1234.000", '.', ',', 0, ""},
        {"1.00", '.', ',', 0, ""},
        {"1.0000", '.', ',', 0, ""},
        {"1.000,", '.', ',', 0, ""},
        {"1.000%", '.', ',', 0, ""},
        {"1.000,5", '.', 0, 0, ""},
        {".000", '.', ',', 0, ""},
    };
    (void)state;
    for (size_t i = 0; i < N(c); i++) {
        char plain[64] = "", got[128], exp[128];
        int g = num_grouped(c[i].s, c[i].sep, c[i].dec, plain, sizeof plain);
        snprintf(got, sizeof got, "%s: %d [%s]", c[i].s, g, plain);
        snprintf(exp, sizeof exp, "%s: %d [%s]", c[i].s, c[i].groups, c[i].plain);
        assert_string_equal(got, exp);
    }
}

static void fmt_real_shortest_that_reads_back(void **state)
{
    static const struct { double v; const char *text; } c[] = {
        {990000.0, "0.99"},                    /* whole micro-units: as num_fmt_short */
        {-2250000.0, "-2.25"},
        {0.0, "0"},
        {-0.0, "0"},
        {1098612.2886681098, "1.0986122886681098"},
        {0.1, "0.0000001"},
        {1234567.5, "1.2345675"},
        {333333.33333333331, "0.3333333333333333"},
        {1.5e-24, "1.5e-30"},
        {1e27, "1e21"},
    };
    (void)state;
    for (size_t i = 0; i < N(c); i++) {
        char buf[NUM_REAL_BUF];
        double back = -1;
        const char *why = NULL;
        assert_ptr_equal(num_fmt_real(buf, c[i].v), buf);
        assert_string_equal(buf, c[i].text);
        assert_int_equal(num_parse_real(buf, &back, &why), 0);
        assert_true(back == c[i].v);
    }
    /* Any double reads back: a fixed walk over magnitudes and digits. */
    uint64_t x = 88172645463325252ULL;
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        double v = (double)(x >> 11) / 9007199254740992.0 * 2e6 - 1e6;
        for (int k = 0; k < i % 40; k++)
            v /= 10;
        char buf[NUM_REAL_BUF];
        double back = -1;
        const char *why = NULL;
        num_fmt_real(buf, v);
        if (num_parse_real(buf, &back, &why) != 0 || back != v)
            fail_msg("%.17g written as \"%s\" reads back as %.17g", v, buf, back);
    }
}

/* ------------------------------------------------------ whole numbers */

static void int_bounds(void **state)
{
    (void)state;
    check_int("9223372036854775807", 0, INT64_MAX, NULL);
    check_int("-9223372036854775807", 0, -INT64_MAX, NULL);
    check_int("+42", 0, 42, NULL);
    check_int("-17", 0, -17, NULL);
    check_int("0", 0, 0, NULL);
    check_int("-0", 0, 0, NULL);
    check_int("9223372036854775808", -1, 0, "number too large");
    check_int("-9223372036854775808", -1, 0, "number too large");
    check_int("99999999999999999999", -1, 0, "number too large");
    check_int("1.5", -1, 0, "not a whole number");
    check_int("2.0", -1, 0, "not a whole number");
    check_int("abc", -1, 0, "not a number");
    check_int("1e3", -1, 0, "not a number");
    check_int("-", -1, 0, "not a number");
    check_int(".5", -1, 0, "not a number");
    check_int(" 7", -1, 0, "not a number");
    check_int("", -1, 0, "empty value");
}

static void u64_bounds(void **state)
{
    (void)state;
    check_u64("18446744073709551615", 0, UINT64_MAX, NULL);
    check_u64("18446744073709551614", 0, UINT64_MAX - 1, NULL);
    check_u64("9223372036854775808", 0, (uint64_t)INT64_MAX + 1, NULL);
    check_u64("+5", 0, 5, NULL);
    check_u64("0", 0, 0, NULL);
    check_u64("18446744073709551616", -1, 0, "number too large");
    check_u64("99999999999999999999", -1, 0, "number too large");
    check_u64("-1", -1, 0, "not a whole non-negative number");
    check_u64("-0", -1, 0, "not a whole non-negative number");
    check_u64("1.0", -1, 0, "not a whole non-negative number");
    check_u64("abc", -1, 0, "not a whole non-negative number");
    check_u64("+", -1, 0, "not a whole non-negative number");
    check_u64("", -1, 0, "empty value");
}

/* ---------------------------------------------------------- formatting */

static void fmt_micro_six_places(void **state)
{
    static const struct { int64_t v; const char *text; } c[] = {
        {990000, "0.990000"},
        {0, "0.000000"},
        {1, "0.000001"},
        {-1, "-0.000001"},
        {-1250000, "-1.250000"},
        {10000000, "10.000000"},
        {INT64_MAX, "9223372036854.775807"},
        {INT64_MIN, "-9223372036854.775808"},
    };
    (void)state;
    for (size_t i = 0; i < N(c); i++) {
        char buf[NUM_BUF];
        memset(buf, 'x', sizeof buf);
        assert_ptr_equal(num_fmt_micro(buf, c[i].v), buf);
        assert_string_equal(buf, c[i].text);
    }
}

static void fmt_short_drops_trailing_zeros(void **state)
{
    static const struct { int64_t v; const char *text; } c[] = {
        {990000, "0.99"},
        {10000000, "10"},           /* zeros of the whole part stay */
        {1000000000000, "1000000"},
        {-1, "-0.000001"},
        {0, "0"},
        {100, "0.0001"},
        {-500000, "-0.5"},
        {1100000, "1.1"},
        {INT64_MIN, "-9223372036854.775808"},
    };
    (void)state;
    for (size_t i = 0; i < N(c); i++) {
        char buf[NUM_BUF];
        assert_ptr_equal(num_fmt_short(buf, c[i].v), buf);
        assert_string_equal(buf, c[i].text);
    }
}

static void fmt_round_trips_through_parse(void **state)
{
    static const int64_t v[] = {0, 1, -1, 10, -10, 990000, 123456789, -7000001,
                                1000000000000, INT64_MAX, -INT64_MAX, INT64_MAX - 999999};
    (void)state;
    for (size_t i = 0; i < N(v); i++) {
        char a[NUM_BUF], b[NUM_BUF];
        int64_t x = SENTINEL, y = SENTINEL;
        const char *why = NULL;
        num_fmt_micro(a, v[i]);
        num_fmt_short(b, v[i]);
        assert_int_equal(num_parse_dec(a, &x, &why), 0);
        assert_int_equal(x, v[i]);
        assert_int_equal(num_parse_dec(b, &y, &why), 0);
        assert_int_equal(y, v[i]);
    }
}

/* -------------------------------------------------------------- muldiv */

static void muldiv_floors(void **state)
{
    (void)state;
    assert_int_equal(num_muldiv(7, 3, 2), 10);              /* 21/2 = 10.5 */
    assert_int_equal(num_muldiv(65, 1, 3), 21);             /* 21.67 */
    assert_int_equal(num_muldiv(2, 1, 3), 0);               /* 0.67 */
    assert_int_equal(num_muldiv(990000, 300000, 1000000), 297000);  /* 30% of $0.99 */
    assert_int_equal(num_muldiv(999999, 300000, 1000000), 299999);  /* 299999.7 */
    /* docs/model.md §4.4: one coin at the defaults credits exactly one diamond. */
    assert_int_equal(num_muldiv(10000, 500000, 5000), 1000000);
    assert_int_equal(num_muldiv(0, 5, 7), 0);
    assert_int_equal(num_muldiv(1, 1, 1), 1);
    /* The intermediate is 128-bit: a product far past INT64_MAX is fine
     * as long as the quotient fits. */
    assert_int_equal(num_muldiv(INT64_MAX, INT64_MAX, INT64_MAX), INT64_MAX);
    assert_int_equal(num_muldiv(INT64_MAX, 2, 2), INT64_MAX);
    assert_int_equal(num_muldiv(INT64_MAX, 1000000, 3000000), 3074457345618258602);
}

static void muldiv_fails_with_minus_one(void **state)
{
    (void)state;
    assert_int_equal(num_muldiv(5, 5, 0), -1);              /* zero divisor */
    assert_int_equal(num_muldiv(0, 0, 0), -1);
    assert_int_equal(num_muldiv(INT64_MAX, 2, 1), -1);      /* does not fit */
    assert_int_equal(num_muldiv(INT64_MAX, INT64_MAX, INT64_MAX - 1), -1);
    assert_int_equal(num_muldiv((int64_t)1 << 32, (int64_t)1 << 31, 1), -1);  /* 2^63 */
    assert_int_equal(num_muldiv(-1, 5, 1), -1);             /* negative operands */
    assert_int_equal(num_muldiv(5, -1, 1), -1);
    assert_int_equal(num_muldiv(5, 5, -1), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dec_parses_exactly),
        cmocka_unit_test(dec_rejects_a_seventh_decimal),
        cmocka_unit_test(dec_rejects_overflow),
        cmocka_unit_test(dec_rejects_junk),
        cmocka_unit_test(int_bounds),
        cmocka_unit_test(u64_bounds),
        cmocka_unit_test(fmt_micro_six_places),
        cmocka_unit_test(fmt_short_drops_trailing_zeros),
        cmocka_unit_test(fmt_round_trips_through_parse),
        cmocka_unit_test(real_is_dec_up_to_six_places),
        cmocka_unit_test(real_takes_any_precision),
        cmocka_unit_test(grouped_numbers),
        cmocka_unit_test(fmt_real_shortest_that_reads_back),
        cmocka_unit_test(muldiv_floors),
        cmocka_unit_test(muldiv_fails_with_minus_one),
    };
    return cmocka_run_group_tests_name("num", tests, NULL, NULL);
}
