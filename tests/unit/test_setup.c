/* test_setup — the library sets itself up: a program that embeds sim/ and
 * never touches GSL's error handler still gets GSL's errors as return
 * values, not an abort, once it has used the library. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>

#include "rng.h"
#include "setup.h"

/* A random stream is the first thing any run makes: after it, a GSL call
 * with a domain error (the gamma function at -1, a pole) returns an error
 * status. Under GSL's default handler this process would abort instead:
 * the test cannot pass unless the library turned the handler off. */
static void test_stream_sets_up(void **state)
{
    (void)state;
    gsl_rng *r = rng_stream(1, 1, 0);
    assert_non_null(r);
    gsl_sf_result res;
    assert_int_equal(gsl_sf_gamma_e(-1.0, &res), GSL_EDOM);
    gsl_rng_free(r);
}

/* sim_setup may be called any number of times. */
static void test_idempotent(void **state)
{
    (void)state;
    sim_setup();
    sim_setup();
    gsl_sf_result res;
    assert_int_equal(gsl_sf_gamma_e(-1.0, &res), GSL_EDOM);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stream_sets_up),
        cmocka_unit_test(test_idempotent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
