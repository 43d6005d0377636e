/* test_report — output files that never lose a result (report.h, afile.h): a set
 * takes its names together or not at all, an interruption stops it before
 * any rename, and the temporary files in the making can be removed from a
 * signal handler, which knows when some are beyond its list. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mc.h"
#include "report.h"
#include "testutil.h"

#include "testdir.h"

static void put_old(const char *dir)
{
    char path[300];
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("metric,mean\nkeep,me\n", f);
    fclose(f);
}

static int extra(FILE *f, const void *ud)
{
    fprintf(f, "figure,value\nanswer,%d\n", *(const int *)ud);
    return 0;
}

/* Written, a set of five; with the flag up, none of it, and the old file
 * and the directory exactly as they were. */
static void set_all_or_nothing(void **state)
{
    (void)state;
    char dir[] = "/tmp/coinsim-test-report-XXXXXX", msg[600], names[600];
    assert_non_null(mkdtemp(dir));
    scenario *s = test_load("tests/fixtures/e2e/small", "runs=2", "steps=3", NULL);
    mc_opts o;
    memset(&o, 0, sizeof o);
    o.runs = 2;
    o.threads = 1;
    o.fault_step = -1;
    mc_result *r = NULL;
    assert_int_equal(mc_run(s, &o, &r, msg, sizeof msg), SIM_OK);

    atomic_int flag = 0;
    afile_watch(&flag);
    put_old(dir);
    flag = SIGINT;
    assert_int_equal(report_write(dir, s, r, NULL, 0, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "interrupted before it was begun")); /* the first file refused */
    listing(dir, names, sizeof names);
    assert_string_equal(names, "summary.csv");

    flag = 0;
    int answer = 42;
    const afile_part more[] = {{"extra.csv", extra, NULL, &answer}};
    assert_int_equal(report_write(dir, s, r, more, 1, msg, sizeof msg), 0);
    listing(dir, names, sizeof names);
    assert_string_equal(names, "channels.csv creators.csv extra.csv gifts.csv pack_sales.csv regions.csv "
                               "runs.csv segments.csv summary.csv timeseries.csv");

    afile_watch(NULL);
    mc_result_free(r);
    scenario_free(s);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

/* AFILE_MAX_TEMPS temporary files are listed; one more is not, and the
 * handler's call says so until it is gone. */
static void temps_listed_and_removed(void **state)
{
    (void)state;
    enum { N = AFILE_MAX_TEMPS + 1 };
    char dir[] = "/tmp/coinsim-test-temps-XXXXXX", msg[600], names[4000], nm[32], last[32];
    assert_non_null(mkdtemp(dir));
    afile a[N];
    for (int i = 0; i < N; i++) {
        snprintf(nm, sizeof nm, "f%03d.csv", i);
        assert_int_equal(afile_open(&a[i], dir, nm, msg, sizeof msg), 0);
    }
    assert_int_equal(afile_remove_temps(), -1);  /* the last was not listed */
    listing(dir, names, sizeof names);           /* only the last is left */
    snprintf(last, sizeof last, ".f%03d.csv.", N - 1);
    assert_int_equal(strncmp(names, last, strlen(last)), 0);
    assert_null(strchr(names, ' '));
    afile_abort(&a[N - 1]);
    assert_int_equal(afile_remove_temps(), 0);
    for (int i = 0; i < N - 1; i++)
        afile_abort(&a[i]);                      /* already unlinked: harmless */
    listing(dir, names, sizeof names);
    assert_string_equal(names, "");
    assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(set_all_or_nothing),
        cmocka_unit_test(temps_listed_and_removed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
