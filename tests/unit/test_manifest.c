/* test_manifest — manifest.csv's rows (manifest.h): in the order added,
 * each cell CSV-quoted where needed; and the command line quoted so that
 * a POSIX shell reads it back as the very words it was made from. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"

/* What manifest_write makes of m. */
static char *written(const manifest *m)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    manifest_write(f, m);
    fclose(f);
    return buf;
}

static void rows_in_order_and_quoted(void **state)
{
    (void)state;
    manifest *m = manifest_new();
    assert_non_null(m);
    manifest_add(m, "command", "run");
    manifest_add_int(m, "runs", 20);
    manifest_add(m, "set", "packs.app65.price_usd=0.89");
    manifest_add(m, "vary", "commission=0.3,0.5");
    manifest_add(m, "set", "name=say \"hi\"");
    manifest_add(m, "log", "#not a comment");
    manifest_add(m, "scenario_path", "two\nlines");
    assert_false(manifest_failed(m));
    char *got = written(m);
    assert_string_equal(got, "key,value\n"
                             "command,run\n"
                             "runs,20\n"
                             "set,packs.app65.price_usd=0.89\n"
                             "vary,\"commission=0.3,0.5\"\n"
                             "set,\"name=say \"\"hi\"\"\"\n"
                             "log,\"#not a comment\"\n"
                             "scenario_path,\"two\nlines\"\n");
    free(got);
    manifest_free(m);
    manifest_free(NULL);
    assert_true(manifest_failed(NULL));
}

static void plain_words_stay_plain(void **state)
{
    (void)state;
    char *argv[] = {"./coinsim", "run", "scenarios/baseline", "--set", "commission=0.4",
                    "--vary", "commission=0.3,0.5", "--out=/tmp/x", "--runs", "20"};
    char *line = manifest_shell_words(10, argv);
    assert_string_equal(line, "./coinsim run scenarios/baseline --set commission=0.4 --vary "
                              "commission=0.3,0.5 --out=/tmp/x --runs 20");
    free(line);
    char *odd[] = {"a=b", "it's", "", "if", "x y"};
    line = manifest_shell_words(5, odd);
    assert_string_equal(line, "'a=b' 'it'\\''s' '' if 'x y'");
    free(line);
    char *first[] = {"if"};
    line = manifest_shell_words(1, first);
    assert_string_equal(line, "'if'");
    free(line);
}

/* The quoted line run by sh: printf prints each word back between < >. */
static void the_shell_reads_the_same_words(void **state)
{
    (void)state;
    char *argv[] = {"printf", "<%s>",        "plain",     "with space", "it's",
                    "\"dq\"", "$HOME",       "`id`",      "a\nb",       "",
                    "*",      "~root",       "--set=a b", "tab\there",  "back\\slash",
                    "semi;colon", "amp&", "#hash", "é", "'", "''", "a=b"};
    int argc = (int)(sizeof argv / sizeof argv[0]);
    char *line = manifest_shell_words(argc, argv);
    assert_non_null(line);
    char want[1000] = "";
    for (int i = 2; i < argc; i++)
        snprintf(want + strlen(want), sizeof want - strlen(want), "<%s>", argv[i]);
    FILE *p = popen(line, "r");
    assert_non_null(p);
    char got[1000];
    size_t n = fread(got, 1, sizeof got - 1, p);
    got[n] = '\0';
    assert_int_equal(pclose(p), 0);
    if (strcmp(got, want) != 0)
        fail_msg("sh -c %s\nprinted  %s\nexpected %s", line, got, want);
    free(line);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rows_in_order_and_quoted),
        cmocka_unit_test(plain_words_stay_plain),
        cmocka_unit_test(the_shell_reads_the_same_words),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
