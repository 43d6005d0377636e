/* Walker's alias tables: the mass each outcome gets is exactly its weight's
 * share, computed from the table itself (no sampling), and draws on a grid
 * of uniforms land in each outcome in that proportion. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "alias.h"

/* Outcome k's mass in a table: its own column's kept part, plus the
 * given-away part of every column aliased to it, each over n. */
static void masses(const alias *a, double *m)
{
    for (size_t k = 0; k < a->n; k++)
        m[k] = 0;
    for (size_t i = 0; i < a->n; i++) {     /* built without values: other is the alias's index */
        m[i] += a->col[i].prob / (double)a->n;
        if (a->col[i].prob < 1.0)
            m[a->col[i].other] += (1.0 - a->col[i].prob) / (double)a->n;
    }
}

static void check_weights(const double *w, size_t n)
{
    alias a = {0};
    double sum = 0, *m = malloc(n * sizeof *m);
    assert_non_null(m);
    assert_int_equal(alias_build(&a, w, n), 0);
    for (size_t i = 0; i < n; i++)
        sum += w[i];
    masses(&a, m);
    for (size_t k = 0; k < n; k++) {
        /* rounding of n divisions and subtractions: far below 1e-12 */
        assert_true(fabs(m[k] - w[k] / sum) < 1e-12);
        assert_true(a.col[k].prob >= 0.0 && a.col[k].prob <= 1.0);
        assert_true(a.col[k].self == k && a.col[k].other < n);
    }
    /* A fine grid of uniforms: each outcome's share of the grid is its
     * mass to within one grid cell per column (n / G). */
    const size_t G = 1000000;
    size_t *count = calloc(n, sizeof *count);
    assert_non_null(count);
    for (size_t g = 0; g < G; g++)
        count[alias_draw(&a, ((double)g + 0.5) / (double)G)]++;
    for (size_t k = 0; k < n; k++)
        assert_true(fabs((double)count[k] / (double)G - w[k] / sum) <= (double)(n + 1) / (double)G);
    free(count);
    free(m);
    alias_release(&a);
}

static void uneven_weights(void **state)
{
    (void)state;
    const double w[] = {30, 10, 6, 6, 8, 12, 8, 5, 4, 2.5, 2, 2, 2, 2.5, 1.5, 1.2, 1, 0.6, 0.5, 0.6, 0.4, 0.3, 0.25, 0.2,
                        0.15, 0.12, 0.1, 0.06, 0.04, 0.05, 0.02, 0.03};
    check_weights(w, sizeof w / sizeof w[0]);
}

static void zipf_weights(void **state)
{
    (void)state;
    double w[1000];
    for (size_t i = 0; i < 1000; i++)
        w[i] = pow((double)(i + 1), -1.2);
    check_weights(w, 1000);
}

static void equal_and_single(void **state)
{
    (void)state;
    const double eq[] = {1, 1, 1, 1, 1};
    check_weights(eq, 5);
    const double one[] = {7};
    check_weights(one, 1);
    const double zeros[] = {0, 3, 0, 1};       /* zero weights are never drawn */
    check_weights(zeros, 4);
}

/* With values, a draw returns the value of the outcome the same uniform
 * gives without them, on a grid of uniforms; rebuilding smaller reuses the
 * memory and forgets the old columns. */
static void values_follow_outcomes(void **state)
{
    (void)state;
    const double w[] = {5, 0, 1, 3, 0.5, 7, 2};
    const uint32_t val[] = {70, 71, 72, 73, 74, 75, 4000000000u};
    const size_t n = sizeof w / sizeof w[0];
    alias plain = {0}, with = {0};
    assert_int_equal(alias_build(&plain, w, n), 0);
    assert_int_equal(alias_build_vals(&with, w, val, n), 0);
    for (size_t g = 0; g < 100000; g++) {
        double u = ((double)g + 0.5) / 100000.0;
        assert_int_equal(alias_draw(&with, u), val[alias_draw(&plain, u)]);
    }
    assert_int_equal(alias_build_vals(&with, w, val, 2), 0);
    for (size_t g = 0; g < 1000; g++)
        assert_int_equal(alias_draw(&with, ((double)g + 0.5) / 1000.0), 70);  /* 71 weighs 0 */
    alias_release(&plain);
    alias_release(&with);
}

static void bad_weights(void **state)
{
    (void)state;
    alias a = {0};
    const double neg[] = {1, -1}, none[] = {0, 0}, nan_[] = {1, NAN};
    assert_int_equal(alias_build(&a, neg, 2), -1);
    assert_int_equal(alias_build(&a, none, 2), -1);
    assert_int_equal(alias_build(&a, nan_, 2), -1);
    assert_int_equal(alias_build(&a, neg, 0), -1);
    alias_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(uneven_weights),
        cmocka_unit_test(zipf_weights),
        cmocka_unit_test(equal_and_single),
        cmocka_unit_test(values_follow_outcomes),
        cmocka_unit_test(bad_weights),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
