/* test_paired — paired differences and a sweep's decisions (paired.c):
 * the best point and runner-up, and the edge of the grid, on sweep
 * results made by hand, so that every expected figure is worked out here
 * exactly. The edge's probe of the next value out uses
 * tests/fixtures/compare/base. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "paired.h"
#include "stats.h"
#include "testutil.h"

#define M TS_CASH_IN

/* A grid of one axis, its values `values`, with `runs` runs a point:
 * point p's run i has metric M = x[p * runs + i]. */
typedef struct grid {
    sweep_result r;
    sweep_axis axis;
    size_t pick[8];
    run_result res[32];
} grid;

static void make(grid *g, const char *const *values, size_t npoints, int64_t runs, const double *x)
{
    memset(g, 0, sizeof *g);
    g->axis.target = "commission";
    g->axis.values = values;
    g->axis.nvalues = npoints;
    g->r.naxes = 1;
    g->r.npoints = npoints;
    g->r.runs = runs;
    g->r.pick = g->pick;
    g->r.res = g->res;
    for (size_t p = 0; p < npoints; p++)
        g->pick[p] = p;
    for (size_t i = 0; i < npoints * (size_t)runs; i++)
        g->res[i].value[M] = x[i];
}

static void diff(void **state)
{
    (void)state;
    run_result x[3], y[3];
    memset(x, 0, sizeof x);
    memset(y, 0, sizeof y);
    double a[3] = {10, 20, 30}, b[3] = {9, 17, 28}; /* differences 1, 3, 2 */
    for (int i = 0; i < 3; i++) {
        x[i].value[M] = a[i];
        y[i].value[M] = b[i];
    }
    double mean, half;
    paired_diff(x, y, 3, M, &mean, &half);
    assert_true(mean == 2.0);
    /* sd of 1, 3, 2 is 1; the half-width is t(0.975, 2) / sqrt(3). */
    assert_true(fabs(half - stats_ci95_half(1.0, 3)) < 1e-12);
    paired_diff(x, y, 1, M, &mean, &half);
    assert_true(mean == 1.0);
    assert_true(isnan(half)); /* one run: no interval */
}

static void best(void **state)
{
    (void)state;
    static const char *const v[] = {"0.3", "0.4", "0.5"};
    /* Means 2, 5, 5: the first of the highest is best, the other runner-up. */
    const double x[] = {1, 2, 3, 4, 5, 6, 5, 5, 5};
    grid g;
    make(&g, v, 3, 3, x);
    paired_best b;
    paired_best_point(&g.r, M, 0, &b);
    assert_int_equal(b.best, 1);
    assert_int_equal(b.second, 2);
    assert_true(b.b.mean == 5 && b.s.mean == 5);
    assert_true(b.overlap);
    assert_true(b.diff == 0);
    assert_false(b.ahead);
    paired_best_point(&g.r, M, 1, &b); /* minimized: the lowest mean */
    assert_int_equal(b.best, 0);
    assert_int_equal(b.second, 1);
    assert_true(b.diff == -3); /* 1-4, 2-5, 3-6: exactly -3 each */
    assert_true(b.half == 0);
    assert_true(b.ahead);
}

static void edge(void **state)
{
    (void)state;
    scenario *base = test_load("tests/fixtures/compare/base", NULL);
    static const char *const v[] = {"0.4", "0.5", "0.3"}; /* out of order: 0.5 is the top */
    /* 0.5 beats 0.4 by 1 in every run: on the edge, beyond the noise. */
    const double x[] = {5, 6, 7, 6, 7, 8, 1, 1, 1};
    grid g;
    make(&g, v, 3, 3, x);
    paired_edge e;
    paired_edge_at(base, &g.axis, 0, &g.r, 1, M, 0, &e);
    assert_int_equal(e.kind, PAIRED_EDGE);
    assert_true(e.up);
    assert_int_equal(e.at, 1);
    assert_int_equal(e.nb, 0);
    assert_string_equal(e.next, "0.6");
    /* Minimized, the best is 0.3, the bottom, and far below 0.4. */
    paired_edge_at(base, &g.axis, 0, &g.r, 2, M, 1, &e);
    assert_int_equal(e.kind, PAIRED_EDGE);
    assert_false(e.up);
    assert_string_equal(e.next, "0.2");
    /* The middle point is never on the edge. */
    paired_edge_at(base, &g.axis, 0, &g.r, 0, M, 0, &e);
    assert_int_equal(e.kind, PAIRED_INSIDE);

    /* At commission 1 the next value out, 1.1, is one the target refuses. */
    static const char *const w[] = {"0.9", "1"};
    const double y[] = {1, 2, 3, 2, 3, 4};
    make(&g, w, 2, 3, y);
    paired_edge_at(base, &g.axis, 0, &g.r, 1, M, 0, &e);
    assert_int_equal(e.kind, PAIRED_BOUND);

    /* Ahead on average but not beyond the noise (differences 2, -1, 2). */
    const double z[] = {1, 2, 3, 3, 1, 5};
    make(&g, w, 2, 3, z);
    paired_edge_at(base, &g.axis, 0, &g.r, 1, M, 0, &e);
    assert_int_equal(e.kind, PAIRED_INSIDE);

    /* Values that are not numbers have no edge. */
    static const char *const t[] = {"a", "b"};
    make(&g, t, 2, 3, y);
    paired_edge_at(base, &g.axis, 0, &g.r, 1, M, 0, &e);
    assert_int_equal(e.kind, PAIRED_INSIDE);
    scenario_free(base);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(diff),
        cmocka_unit_test(best),
        cmocka_unit_test(edge),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
