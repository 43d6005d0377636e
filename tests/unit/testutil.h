/* Helpers shared by the cmocka tests; include after cmocka.h. */
#ifndef COINSIM_TESTUTIL_H
#define COINSIM_TESTUTIL_H

#include <math.h>
#include <stdarg.h>
#include <stdio.h>

#include "brk.h"
#include "diag.h"
#include "scenario.h"

/* Load the scenario in dir, apply the NULL-terminated TARGET=VALUE edits in
 * ap, and insist that it validates (failing the test, with every problem
 * printed, if not). */
static inline scenario *test_load_va(const char *dir, va_list ap)
{
    diag d = {0};
    scenario *s = scenario_load(dir, &d);
    if (s) {
        for (const char *a; (a = va_arg(ap, const char *));)
            scenario_set(s, a, "test", &d);
        scenario_check(s, &d);
    }
    if (!s || d.errors) {
        for (size_t i = 0; i < d.n; i++)
            print_error("%s\n", d.items[i].text);
        diag_clear(&d);
        scenario_free(s);
        fail_msg("scenario %s did not load", dir);
    }
    diag_clear(&d);
    return s;
}

/* test_load_va with the edits as arguments, NULL last. */
static inline scenario *test_load(const char *dir, ...)
{
    va_list ap;
    va_start(ap, dir);
    scenario *s = test_load_va(dir, ap);
    va_end(ap);
    return s;
}

/* |x - mean| <= k sd, with the figures printed either way. */
static inline void test_near(const char *what, double x, double mean, double sd, double k)
{
    double z = sd > 0 ? (x - mean) / sd : (x == mean ? 0.0 : INFINITY);
    print_message("  %-44s observed %-14.8g expected %-14.8g sd %-10.4g z %+.2f\n", what, x, mean, sd, z);
    if (!(fabs(x - mean) <= k * sd))
        fail_msg("%s: observed %.10g, expected %.10g within %.1f sd (sd %.6g, z %.2f)", what, x, mean, k, sd, z);
}

/* Raw figure fig of row `row` of breakdown table t in block k of shape sh. */
static inline int64_t test_brk(const brk_shape *sh, brk_block k, enum brk_table t, size_t row,
                               int fig)
{
    return brk_row(sh, k.raw, t, row)[fig];
}

#endif
