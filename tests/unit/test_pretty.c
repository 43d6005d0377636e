/* test_pretty — figures for people in report.html (tui/pretty.c): each
 * tier of money and counts at its edges, where rounding carries a figure
 * into the next unit ($999,960 is $1.00M, not $1000.0K; 9999.6 is $10.0K,
 * not $10,000), figures not 0 that round to 0 ("<$0.0001", "<0.01%"),
 * percentages with and without a sign, negatives, the empty cell, and
 * bytes that no locale can change. pretty.c is built into this test
 * directly (it is part of the program, not of libcoinsim).
 *
 * The locale: pretty.c promises integer arithmetic, never a floating
 * conversion of printf (the only ones, with the ' flag, that a locale's
 * decimal point or grouping reaches). Every snprintf of pretty.c goes
 * through format_checked below while the other tests run, and fails the
 * test on a format with such a conversion, so the promise is tested on
 * any machine. Running the figures under a locale with a decimal comma
 * (locale_free) needs one installed; without one that test is reported
 * as skipped, not passed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <locale.h>

static int formats_seen;

/* 0 when fmt has no conversion that reads the locale (none of f F e E g
 * G a A, and no ' flag), else -1. */
static int locale_free_format(const char *fmt)
{
    for (const char *p = strchr(fmt, '%'); p; p = strchr(p, '%')) {
        p++;
        if (*p == '%') {
            p++;
            continue;
        }
        size_t flags = strspn(p, "-+ #0'123456789.*hlLjzt");
        if (memchr(p, '\'', flags) || (p[flags] && strchr("fFeEgGaA", p[flags])))
            return -1;
        p += flags;
    }
    return 0;
}

static int format_checked(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    if (locale_free_format(fmt) < 0)
        fail_msg("pretty.c formats with \"%s\": a locale can change its output", fmt);
    formats_seen++;
    va_start(ap, fmt);
    int k = vsnprintf(buf, n, fmt, ap);
    va_end(ap);
    return k;
}

#define snprintf format_checked
#include "../../tui/pretty.c"
#undef snprintf

typedef struct num_case {
    double v;
    const char *want;
} num_case;

#define N(a) (sizeof a / sizeof a[0])

/* Each case as one line "v -> got", so a failure names its input. */
static void check_all(const num_case *c, size_t n, char *(*fn)(char *, double))
{
    char buf[PRETTY_BUF], got[128], want[128];
    for (size_t i = 0; i < n; i++) {
        snprintf(got, sizeof got, "%.9g -> %s", c[i].v, fn(buf, c[i].v));
        snprintf(want, sizeof want, "%.9g -> %s", c[i].v, c[i].want);
        assert_string_equal(got, want);
    }
}

static const num_case usd_cases[] = {
    {0, "$0"},
    {0.0042, "$0.0042"},
    {0.00004, "<$0.0001"}, /* not 0, but below the finest tier: not "$0.0000" */
    {0.00005, "$0.0001"},
    {0.00999, "$0.01"}, /* rounds to 0.0100: the tier after rounding */
    {0.301, "$0.30"},
    {0.005, "$0.0050"},
    {0.011, "$0.01"},
    {39.533544, "$39.53"},
    {99.994, "$99.99"},
    {99.996, "$100"},
    {99.999, "$100"},
    {100, "$100"},
    {9551.9, "$9,552"},
    {9999.4, "$9,999"},
    {9999.6, "$10.0K"},
    {10000, "$10.0K"},
    {56890, "$56.9K"},
    {568900, "$568.9K"},
    {999949, "$999.9K"},
    {999950, "$1.00M"},
    {999960, "$1.00M"},
    {1314548.7, "$1.31M"},
    {1350000, "$1.35M"},
    {999996000, "$1.00B"},
    {2.1e9, "$2.10B"},
    {1.5e12, "$1,500.00B"},
    {-1350000, "-$1.35M"},
    {-39.5, "-$39.50"},
    {-0.00001, ">-$0.0001"},
};

static void usd(void **state)
{
    (void)state;
    check_all(usd_cases, N(usd_cases), pretty_usd);
}

static const num_case count_cases[] = {
    {0, "0"},          {7, "7"},           {623.83, "623.8"},     {0.25, "0.25"},
    {1234, "1,234"},   {9999, "9,999"},    {10000, "10.0K"},      {56890, "56.9K"},
    {655212, "655.2K"}, {999999, "1.00M"}, {1350000, "1.35M"},    {3.2e9, "3.20B"},
    {-1234, "-1,234"}, {-0.04, "-0.04"},   {1234.5, "1,234.5"},
    {0.004, "<0.01"},  {-0.004, ">-0.01"}, {0.996, "1.0"},        {9999.94, "9,999.9"},
    {9999.96, "10.0K"}, {999950, "1.00M"},
};

static void count(void **state)
{
    (void)state;
    check_all(count_cases, N(count_cases), pretty_count);
}

static char *pct(char *buf, double v) { return pretty_pct(buf, v, 0); }
static char *pct_signed(char *buf, double v) { return pretty_pct(buf, v, 1); }

static void percent(void **state)
{
    (void)state;
    static const num_case plain[] = {
        {0, "0%"},        {0.062, "6.2%"},     {0.101888, "10.2%"}, {1, "100.0%"},
        {0.0005, "0.05%"}, {0.000001, "<0.01%"}, {-0.062, "-6.2%"},  {12.345, "1,234.5%"},
        {0.9996, "100.0%"}, {0.000035, "<0.01%"}, {-0.000035, ">-0.01%"}, {0.00005, "0.01%"},
        {0.00094, "0.09%"}, {0.000996, "0.1%"}, {0.00104, "0.1%"},
    };
    static const num_case sign[] = {
        {0.062, "+6.2%"}, {-0.062, "-6.2%"}, {0, "0%"}, {0.0000001, "<+0.01%"}, {0.2, "+20.0%"},
        {-0.0000001, ">-0.01%"},
    };
    check_all(plain, N(plain), pct);
    check_all(sign, N(sign), pct_signed);
}

static void fixed(void **state)
{
    (void)state;
    char b[PRETTY_BUF];
    assert_string_equal(pretty_fixed(b, 1234.5, 2, 1), "1,234.50");
    assert_string_equal(pretty_fixed(b, 1234.5, 2, 0), "1234.50");
    assert_string_equal(pretty_fixed(b, -0.004, 2, 0), "0.00");
    assert_string_equal(pretty_fixed(b, -2.5, 0, 0), "-3");
    assert_string_equal(pretty_fixed(b, 0.1234567, 9, 0), "0.123457");
    assert_string_equal(pretty_fixed(b, 1e30, 2, 0), "(too large)");
    /* 6 places of 2e13 overflow 64 bits scaled; the whole part does not */
    assert_string_equal(pretty_fixed(b, 2e13 + 0.25, 6, 0), "20000000000000.250000");
    assert_string_equal(pretty_fixed(b, -2e13 - 0.5, 6, 1), "-20,000,000,000,000.500000");
    assert_string_equal(pretty_fixed(b, 9.3e18, 0, 0), "(too large)");
    assert_string_equal(pretty_fixed(b, NAN, 2, 0), "\xe2\x80\x93");
    assert_string_equal(pretty_usd(b, NAN), "\xe2\x80\x93");
    assert_string_equal(pretty_count(b, NAN), "\xe2\x80\x93");
}

static void kinds(void **state)
{
    (void)state;
    char b[PRETTY_BUF];
    assert_int_equal(pretty_kind_of("cash_in_usd"), PRETTY_USD);
    assert_int_equal(pretty_kind_of("payer_rate"), PRETTY_PCT);
    assert_int_equal(pretty_kind_of("decile_3_share"), PRETTY_PCT);
    assert_int_equal(pretty_kind_of("share_of_channel_revenue"), PRETTY_PCT);
    assert_int_equal(pretty_kind_of("rel_change"), PRETTY_PCT);
    assert_int_equal(pretty_kind_of("creator_gini"), PRETTY_RATIO);
    assert_int_equal(pretty_kind_of("payers"), PRETTY_COUNT);
    assert_int_equal(pretty_kind_of("diamonds_credited"), PRETTY_COUNT);
    assert_string_equal(pretty_as(b, 0.71183, PRETTY_RATIO), "0.712");
    assert_string_equal(pretty_as(b, 1576.229, PRETTY_USD), "$1,576");
    assert_string_equal(pretty_as(b, 0.090779, PRETTY_PCT), "9.1%");
    assert_string_equal(pretty_as(b, 484.2, PRETTY_COUNT), "484.2");
}

/* Every format pretty.c used in the tests above went through
 * format_checked; it did see them (else the check proves nothing), and it
 * refuses a floating conversion. */
static void formats(void **state)
{
    (void)state;
    char b[64];
    int before = formats_seen;
    pretty_usd(b, 1314548.7);
    assert_true(formats_seen > before);
    assert_int_equal(locale_free_format("%s%llu%%%5.2s%-3d"), 0);
    assert_int_equal(locale_free_format("%.2f"), -1);
    assert_int_equal(locale_free_format("%'llu"), -1);
    assert_int_equal(locale_free_format("%%f %Lg"), -1);
}

/* The bytes do not depend on the locale: the dashboard sets one, and a
 * report written after it must not gain decimal commas. Only a locale
 * whose decimal point is not '.' proves anything; this machine may have
 * none (C.UTF-8 has '.'), and then the test is skipped. */
static void locale_free(void **state)
{
    (void)state;
    static const char *const names[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8",
                                        "fr_FR.utf8",  "de_DE",      "fr_FR"};
    char b[PRETTY_BUF];
    int tried = 0;
    for (size_t i = 0; i < N(names); i++) {
        if (!setlocale(LC_ALL, names[i]) || strcmp(localeconv()->decimal_point, ".") == 0)
            continue;
        tried++;
        assert_string_equal(pretty_usd(b, 1314548.7), "$1.31M");
        assert_string_equal(pretty_pct(b, 0.062, 0), "6.2%");
        assert_string_equal(pretty_fixed(b, 1234.5, 2, 0), "1234.50");
        assert_string_equal(pretty_count(b, 623.83), "623.8");
    }
    setlocale(LC_ALL, "C");
    if (!tried)
        skip(); /* no locale with a decimal comma here: the format check stands alone */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(usd),   cmocka_unit_test(count), cmocka_unit_test(percent),
        cmocka_unit_test(fixed), cmocka_unit_test(kinds), cmocka_unit_test(formats),
        cmocka_unit_test(locale_free),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
