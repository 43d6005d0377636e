/* test_rng — the random streams of docs/model.md §7: the documented seeding
 * (recomputed here from rng.h's formula with reference splitmix64 and
 * xoshiro256**), reproducibility, distinct streams, and the uniforms.
 *
 * Statistical checks use fixed streams and K_SD = 5 standard deviations
 * of the statistic from its closed-form variance under iid U[0,1); the
 * chi-square uses the same tail probability, 5.7e-7. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"

#define K_SD 5.0
#define P_TAIL 5.7e-7
#define N_U 1000000

static void near(const char *what, double x, double mean, double sd)
{
    double z = (x - mean) / sd;
    print_message("  %-36s observed %-14.9g expected %-14.9g sd %-10.4g z %+.2f\n", what, x, mean, sd, z);
    if (!(fabs(x - mean) <= K_SD * sd))
        fail_msg("%s: observed %.10g, expected %.10g within %.1f sd (sd %.6g)", what, x, mean, K_SD, sd);
}

/* ------------------------------------------ reference implementations */

static uint64_t ref_mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t ref_next(uint64_t s[4])
{
    uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* rng.h: k = mix64(mix64(seed ^ 0x636f696e73696d00) + run * 0x9E3779B97F4A7C15
 * + purpose * 0xD1B54A32D192ED03); the state is four splitmix64 outputs from k. */
static void ref_state(uint64_t seed, uint64_t run, int purpose, uint64_t s[4])
{
    uint64_t k = ref_mix(ref_mix(seed ^ 0x636f696e73696d00ULL) + run * 0x9E3779B97F4A7C15ULL +
                         (uint64_t)purpose * 0xD1B54A32D192ED03ULL);
    for (int i = 0; i < 4; i++) {
        k += 0x9E3779B97F4A7C15ULL;
        s[i] = ref_mix(k);
    }
}

/* ------------------------------------------------------------- tests */

/* splitmix64 from state 0 yields e220a8397b1dcdaf, 6e789e6aa1b965f4,
 * 06c45d188009454f (Vigna's reference): the finaliser of 1, 2, 3 x gamma. */
static void test_mix64_vectors(void **state)
{
    (void)state;
    assert_true(rng_mix64(0) == 0);
    assert_true(rng_mix64(0x9E3779B97F4A7C15ULL) == 0xe220a8397b1dcdafULL);
    assert_true(rng_mix64(2 * 0x9E3779B97F4A7C15ULL) == 0x6e789e6aa1b965f4ULL);
    assert_true(rng_mix64(3 * 0x9E3779B97F4A7C15ULL) == 0x06c45d188009454fULL);
}

/* The stream is exactly the documented one. */
static void test_documented_seeding(void **state)
{
    (void)state;
    const uint64_t seeds[] = {0, 1, 42, UINT64_MAX};
    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++)
        for (uint64_t run = 0; run <= 3; run++)
            for (int p = RNG_CHURN; p < RNG_NPURPOSE; p++) {
                uint64_t s[4];
                ref_state(seeds[i], run, p, s);
                gsl_rng *r = rng_stream(seeds[i], run, p);
                assert_non_null(r);
                for (int k = 0; k < 1000; k++) {
                    uint64_t want = ref_next(s), got = (uint64_t)gsl_rng_get(r);
                    if (got != want)
                        fail_msg("seed %llu run %llu purpose %d draw %d: %016llx, expected %016llx",
                                 (unsigned long long)seeds[i], (unsigned long long)run, p, k,
                                 (unsigned long long)got, (unsigned long long)want);
                }
                gsl_rng_free(r);
            }
    gsl_rng *r = rng_stream(1, 1, RNG_CHURN);
    assert_non_null(r);
    assert_string_equal(gsl_rng_name(r), "xoshiro256**");
    assert_true(gsl_rng_max(r) == (unsigned long)UINT64_MAX && gsl_rng_min(r) == 0);
    gsl_rng_free(r);
}

static void test_reproducible(void **state)
{
    (void)state;
    gsl_rng *a = rng_stream(7, 3, RNG_VIEWERS), *b = rng_stream(7, 3, RNG_VIEWERS);
    assert_non_null(a);
    assert_non_null(b);
    uint64_t *first = malloc(10000 * sizeof *first);
    assert_non_null(first);
    for (int i = 0; i < 10000; i++) {
        first[i] = gsl_rng_get(a);
        assert_true(first[i] == gsl_rng_get(b));
    }
    /* Reseeding an used generator restarts the stream. */
    rng_reseed(a, 7, 3, RNG_VIEWERS);
    for (int i = 0; i < 10000; i++)
        assert_true(first[i] == gsl_rng_get(a));
    /* The uniforms are the top 53 bits of the same outputs. */
    rng_reseed(b, 7, 3, RNG_VIEWERS);
    for (int i = 0; i < 1000; i++)
        assert_true(gsl_rng_uniform(b) == (double)(first[i] >> 11) * 0x1.0p-53);
    free(first);
    gsl_rng_free(a);
    gsl_rng_free(b);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Streams that differ in seed, run or purpose differ: the first 4 outputs
 * of 5 x 9 x (RNG_NPURPOSE - 1) streams are distinct numbers (a collision
 * among a thousand random 64-bit values has probability about 3e-14). */
static void test_distinct_streams(void **state)
{
    (void)state;
    const uint64_t seeds[] = {0, 1, 2, 0x8000000000000000ULL, UINT64_MAX};
    uint64_t v[5 * 9 * (RNG_NPURPOSE - 1) * 4];
    size_t n = 0;
    for (size_t i = 0; i < 5; i++)
        for (uint64_t run = 0; run < 9; run++)
            for (int p = RNG_CHURN; p < RNG_NPURPOSE; p++) {
                gsl_rng *r = rng_stream(seeds[i], run, p);
                assert_non_null(r);
                for (int k = 0; k < 4; k++)
                    v[n++] = gsl_rng_get(r);
                gsl_rng_free(r);
            }
    qsort(v, n, sizeof v[0], cmp_u64);
    for (size_t i = 1; i < n; i++)
        assert_true(v[i] != v[i - 1]);
}

/* 10^6 uniforms of one stream: each in [0, 1) and a multiple of 2^-53;
 * mean 1/2 with sd sqrt(1/12 / N); sample variance 1/12 with sd
 * sqrt((mu4 - sigma^4) / N), mu4 = 1/80, sigma^4 = 1/144; 100 equal bins
 * by chi-square with 99 df; disjoint pairs have E[uv] = 1/4 with
 * sd sqrt((1/9 - 1/16) / (N/2)); each bit of the 64-bit outputs is one
 * with probability 1/2, sd sqrt(N/4) on its count. */
static void test_uniforms(void **state)
{
    (void)state;
    gsl_rng *r = rng_stream(2024, 1, RNG_VIEWERS);
    assert_non_null(r);
    double *u = malloc(N_U * sizeof *u), sum = 0, bins[100] = {0}, prod = 0, lo = 1, hi = 0;
    assert_non_null(u);
    for (int i = 0; i < N_U; i++) {
        double x = gsl_rng_uniform(r);
        if (!(x >= 0.0 && x < 1.0))
            fail_msg("draw %d: %.17g outside [0, 1)", i, x);
        assert_true(ldexp(x, 53) == floor(ldexp(x, 53)));
        u[i] = x;
        sum += x;
        bins[(int)(x * 100)]++;
        lo = x < lo ? x : lo;
        hi = x > hi ? x : hi;
    }
    const double N = N_U;
    double mean = sum / N, var = 0;
    for (int i = 0; i < N_U; i++)
        var += (u[i] - mean) * (u[i] - mean);
    var /= N - 1;
    for (int i = 0; i + 1 < N_U; i += 2)
        prod += u[i] * u[i + 1];
    prod /= N / 2;
    near("mean of 10^6 uniforms", mean, 0.5, sqrt(1.0 / 12.0 / N));
    near("variance of 10^6 uniforms", var, 1.0 / 12.0, sqrt((1.0 / 80.0 - 1.0 / 144.0) / N));
    near("E[u v] of disjoint pairs", prod, 0.25, sqrt((1.0 / 9.0 - 1.0 / 16.0) / (N / 2)));
    double x2 = 0;
    for (int b = 0; b < 100; b++)
        x2 += (bins[b] - N / 100) * (bins[b] - N / 100) / (N / 100);
    double crit = gsl_cdf_chisq_Qinv(P_TAIL, 99);
    print_message("  %-36s chi2 %.4g df 99 critical %.4g; range [%.3g, 1 - %.3g]\n", "100 bins", x2, crit, lo, 1 - hi);
    assert_true(x2 <= crit);

    /* gsl_rng_uniform_pos never returns 0. */
    for (int i = 0; i < 1000; i++)
        assert_true(gsl_rng_uniform_pos(r) > 0.0);

    /* Bit frequencies of the raw outputs. */
    double ones[64] = {0};
    for (int i = 0; i < N_U; i++) {
        uint64_t x = gsl_rng_get(r);
        for (int b = 0; b < 64; b++)
            ones[b] += (double)((x >> b) & 1);
    }
    double worst = 0;
    int wb = 0;
    for (int b = 0; b < 64; b++)
        if (fabs(ones[b] - N / 2) > worst) {
            worst = fabs(ones[b] - N / 2);
            wb = b;
        }
    char what[48];
    snprintf(what, sizeof what, "ones in bit %d (the worst of 64)", wb);
    near(what, ones[wb], N / 2, sqrt(N / 4));
    free(u);
    gsl_rng_free(r);
}

/* Streams of adjacent runs and of two purposes of one run are
 * uncorrelated: E[u v] = 1/4 over N pairs, sd sqrt((1/9 - 1/16) / N). */
static void test_streams_uncorrelated(void **state)
{
    (void)state;
    const struct { uint64_t s1, r1; int p1; uint64_t s2, r2; int p2; const char *what; } c[] = {
        {1, 1, RNG_VIEWERS, 1, 2, RNG_VIEWERS, "runs 1 and 2"},
        {1, 5, RNG_CHURN, 1, 5, RNG_LIVE, "purposes churn and live"},
        {1, 5, RNG_VIEWERS, 2, 5, RNG_VIEWERS, "seeds 1 and 2"},
    };
    for (size_t k = 0; k < sizeof c / sizeof c[0]; k++) {
        gsl_rng *a = rng_stream(c[k].s1, c[k].r1, c[k].p1), *b = rng_stream(c[k].s2, c[k].r2, c[k].p2);
        assert_non_null(a);
        assert_non_null(b);
        double prod = 0;
        for (int i = 0; i < N_U; i++)
            prod += gsl_rng_uniform(a) * gsl_rng_uniform(b);
        near(c[k].what, prod / N_U, 0.25, sqrt((1.0 / 9.0 - 1.0 / 16.0) / N_U));
        gsl_rng_free(a);
        gsl_rng_free(b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mix64_vectors),
        cmocka_unit_test(test_documented_seeding),
        cmocka_unit_test(test_reproducible),
        cmocka_unit_test(test_distinct_streams),
        cmocka_unit_test(test_uniforms),
        cmocka_unit_test(test_streams_uncorrelated),
    };
    return cmocka_run_group_tests_name("rng", tests, NULL, NULL);
}
