/* test_opt — the table-driven command line (tui/opt.c): every kind of
 * option in both spellings, the refusals and their exit status, "--" and
 * -h, the nearest-name suggestion, and the help text made from the same
 * table. opt.c is built into this test directly (it is part of the
 * program, not of libcoinsim). */
#include "../../tui/opt.c"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct args {
    const char *dir, *out;
    int flag;
    long long n;
    opt_list sets;
    int calls;
    const char *last;
} args;

static int call(const char *cmd, void *p, const char *name, const char *value)
{
    args *a = p;
    (void)cmd;
    (void)name;
    a->calls++;
    a->last = value;
    return strcmp(value, "refuse") == 0 ? 7 : 0;
}

static int word(const char *cmd, void *p, const char *w)
{
    args *a = p;
    (void)cmd;
    if (a->dir)
        return 9;
    a->dir = w;
    return 0;
}

static const opt_spec specs[] = {
    OPT_FLAG("--flag", args, flag, "a flag"),
    OPT_TEXT("--out", "DIR", args, out, "where to write"),
    OPT_INT("--n", "N", args, n, 1, 10, "a number from 1 to 10"),
    OPT_LIST("--set", "T=V", args, sets, 3, "repeatable, at most 3"),
    OPT_CALL("--call", "X", call, "a function keeps it"),
    OPT_CALL("--a-rather-long-option", "VALUE", call,
             "a long name: its help starts on the next line, and wraps at the width of the help "
             "text like every other"),
    OPT_END};

static const opt_cmd cmd = {
    .name = "test",
    .usage = "DIR",
    .about = "about\n",
    .opts = specs,
    .word = word,
    .min_words = 1,
    .none = "no directory given",
};

/* Parse the NULL-terminated words into *a (zeroed first). */
static int parse(args *a, ...)
{
    char *argv[32] = {"test"};
    int argc = 1;
    va_list ap;
    va_start(ap, a);
    for (char *w; argc < 31 && (w = va_arg(ap, char *));)
        argv[argc++] = w;
    va_end(ap);
    memset(a, 0, sizeof *a);
    return opt_parse(&cmd, argc, argv, a);
}

static void kinds_both_spellings(void **state)
{
    (void)state;
    args a;
    assert_int_equal(parse(&a, "d", "--flag", "--out", "o", "--n", "4", "--set", "x=1", "--set=y=2",
                           "--call", "c", NULL),
                     OPT_GO);
    assert_string_equal(a.dir, "d");
    assert_int_equal(a.flag, 1);
    assert_string_equal(a.out, "o");
    assert_int_equal(a.n, 4);
    assert_int_equal(a.sets.n, 2);
    assert_string_equal(a.sets.v[0], "x=1");
    assert_string_equal(a.sets.v[1], "y=2"); /* only the first '=' splits */
    assert_int_equal(a.calls, 1);
    assert_string_equal(a.last, "c");
    assert_int_equal(parse(&a, "--out=o1", "--out", "o2", "--n=10", "d", NULL), OPT_GO);
    assert_string_equal(a.out, "o2"); /* the last one wins */
    assert_int_equal(a.n, 10);
    assert_int_equal(parse(&a, "d", "--out=", NULL), OPT_GO);
    assert_string_equal(a.out, ""); /* an empty value is a value */
}

static void refusals(void **state)
{
    (void)state;
    args a;
    assert_int_equal(parse(&a, "d", "--flag=1", NULL), 2);         /* a flag takes no value */
    assert_int_equal(parse(&a, "d", "--out", NULL), 2);            /* a value missing */
    assert_int_equal(parse(&a, "d", "--n", "0", NULL), 2);         /* out of range */
    assert_int_equal(parse(&a, "d", "--n", "11", NULL), 2);        /* out of range */
    assert_int_equal(parse(&a, "d", "--n", "4x", NULL), 2);        /* not a number */
    assert_int_equal(parse(&a, "d", "--nope", NULL), 2);           /* unknown */
    assert_int_equal(parse(&a, "d", "-x", NULL), 2);               /* unknown */
    assert_int_equal(parse(&a, "--flag", NULL), 2);                /* too few words */
    assert_int_equal(parse(&a, "d", "e", NULL), 9);                /* the word function's status */
    assert_int_equal(parse(&a, "d", "--call", "refuse", NULL), 7); /* the call's status */
    assert_int_equal(parse(&a, "d", "--set", "1", "--set", "2", "--set", "3", NULL), OPT_GO);
    assert_int_equal(parse(&a, "d", "--set", "1", "--set", "2", "--set", "3", "--set", "4", NULL),
                     2); /* more than the list takes */
}

static void dashes_and_help(void **state)
{
    (void)state;
    args a;
    assert_int_equal(parse(&a, "--", "-d", NULL), OPT_GO); /* after "--", a word */
    assert_string_equal(a.dir, "-d");
    assert_int_equal(parse(&a, "-", NULL), OPT_GO); /* "-" is a word */
    assert_string_equal(a.dir, "-");
    assert_int_equal(parse(&a, "-h", NULL), OPT_HELP); /* before the word count is checked */
    assert_int_equal(parse(&a, "d", "--flag", "--help", NULL), OPT_HELP);
    assert_int_equal(parse(&a, "--nope", "--help", NULL), 2); /* in order: the error first */
    assert_int_equal(parse(&a, "--", "--help", NULL), OPT_GO);
    assert_string_equal(a.dir, "--help");
}

static void nearest(void **state)
{
    (void)state;
    const char *names[] = {"set", "set-a", "set-b", "headless", "help"};
    assert_string_equal(opt_nearest("headles", names, 5), "headless");
    assert_string_equal(opt_nearest("HEAD", names, 5), "headless"); /* a unique start, any case */
    assert_string_equal(opt_nearest("set-c", names, 5), "set-a");   /* a tie: the first */
    assert_null(opt_nearest("frobnicate", names, 5));
}

/* Each line of text, checked: no line over 79 columns. */
static void narrow(const char *text)
{
    for (const char *l = text; *l;) {
        size_t n = strcspn(l, "\n");
        if (n > 79)
            fail_msg("a line of %zu columns: %.*s", n, (int)n, l);
        l += n + (l[n] == '\n');
    }
}

static void help_from_the_table(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    opt_print_options(&cmd, f);
    fclose(f);
    narrow(buf);
    assert_non_null(strstr(buf, "options:\n  --flag            a flag\n"));
    assert_non_null(strstr(buf, "\n  --out DIR         where to write\n"));
    assert_non_null(strstr(buf, "\n  --set T=V         repeatable, at most 3\n"));
    /* Too long for the column: the help on the next line, at column 20. */
    assert_non_null(
        strstr(buf, "\n  --a-rather-long-option VALUE\n                    a long name:"));
    assert_non_null(strstr(buf, "\n  -h, --help        this text\n"));
    free(buf);
}

static void wrap(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    opt_wrap(f, "aaa bbb ccc ddd\neee", 0, 2, 8);
    fclose(f);
    assert_string_equal(buf, "aaa bbb\n  ccc\n  ddd\n  eee\n");
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(kinds_both_spellings), cmocka_unit_test(refusals),
        cmocka_unit_test(dashes_and_help),      cmocka_unit_test(nearest),
        cmocka_unit_test(help_from_the_table),  cmocka_unit_test(wrap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
