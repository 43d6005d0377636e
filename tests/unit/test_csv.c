/* test_csv — csvread: rows, the line each starts on, and every way a file
 * can fail to be CSV text (docs/model.md §3).
 *
 * Each test writes its exact bytes (BOM, CR, NUL and all) to a temporary
 * file and reads it under the label "t.csv", so messages are predictable. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvread.h"
#include "diag.h"

/* Open bytes as a CSV file labelled t.csv. The file is unlinked at once;
 * the open stream keeps it alive until csvr_close. */
static csvr *open_bytes(const char *bytes, size_t n, diag *d)
{
    char path[] = "/tmp/coinsim_test_csv_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, bytes, n), (ssize_t)n);
    assert_int_equal(close(fd), 0);
    csvr *r = csvr_open(path, "t.csv", d);
    unlink(path);
    assert_non_null(r);
    return r;
}

#define OPEN(lit, d) open_bytes(lit, sizeof(lit) - 1, d)

/* The outcome of the next read as one line of text: "row 2: [rose][1]",
 * "end" or "error: MESSAGE" (the one diagnostic it added). Comparing these
 * lines, with a label for cases in a loop, makes a failure name itself. */
static void describe_next(csvr *r, diag *d, char *out, size_t cap)
{
    csvr_row row;
    size_t n0 = d->n, used;
    memset(&row, 0, sizeof row);
    int rc = csvr_next(r, &row);
    if (rc == 1) {
        used = (size_t)snprintf(out, cap, "row %ld: ", row.line);
        for (size_t i = 0; i < row.n && used < cap; i++)
            used += (size_t)snprintf(out + used, cap - used, "[%s]", row.cells[i]);
    } else if (rc == 0) {
        snprintf(out, cap, "end");
    } else if (rc == -1 && d->n == n0 + 1 && d->errors == n0 + 1 && d->items[n0].level == DIAG_ERROR) {
        snprintf(out, cap, "error: %s", d->items[n0].text);
    } else {
        snprintf(out, cap, "rc %d with %zu new diagnostics", rc, d->n - n0);
    }
}

static void expect_next(csvr *r, diag *d, const char *label, const char *want)
{
    char got[8192], exp[8192];
    int k = snprintf(got, sizeof got, "%s", label);
    describe_next(r, d, got + k, sizeof got - (size_t)k);
    snprintf(exp, sizeof exp, "%s%s", label, want);
    assert_string_equal(got, exp);
}

static void expect_row(csvr *r, diag *d, long line, const char *const *cells, size_t n)
{
    char want[4096];
    size_t used = (size_t)snprintf(want, sizeof want, "row %ld: ", line);
    for (size_t i = 0; i < n && used < sizeof want; i++)
        used += (size_t)snprintf(want + used, sizeof want - used, "[%s]", cells[i]);
    expect_next(r, d, "", want);
}

#define ROW(r, d, line, ...) do { \
        const char *const c_[] = {__VA_ARGS__}; \
        expect_row(r, d, line, c_, sizeof c_ / sizeof *c_); \
    } while (0)

/* The end, and it stays the end. */
static void expect_end(csvr *r, diag *d)
{
    expect_next(r, d, "", "end");
    expect_next(r, d, "", "end");
}

/* The next read fails with exactly the one error msg; every read after it
 * fails too, without adding another. */
static void expect_error(csvr *r, diag *d, const char *label, const char *msg)
{
    char want[1024];
    snprintf(want, sizeof want, "error: %s", msg);
    expect_next(r, d, label, want);
    expect_next(r, d, label, "rc -1 with 0 new diagnostics");
}

/* ---------------------------------------------------------------- rows */

static void header_and_rows_with_lines(void **state)
{
    diag d = {0};
    (void)state;
    csvr *r = OPEN("name,coins\nrose,1\nlion,29999\n", &d);
    ROW(r, &d, 1, "name", "coins");
    ROW(r, &d, 2, "rose", "1");
    ROW(r, &d, 3, "lion", "29999");
    expect_end(r, &d);
    csvr_close(r);
    assert_int_equal(d.n, 0);
    diag_clear(&d);
}

static void last_row_without_newline(void **state)
{
    diag d = {0};
    (void)state;
    csvr *r = OPEN("a,b\n1,2", &d);
    ROW(r, &d, 1, "a", "b");
    ROW(r, &d, 2, "1", "2");
    expect_end(r, &d);
    csvr_close(r);
    assert_int_equal(d.n, 0);
    diag_clear(&d);
}

static void empty_file_has_no_rows(void **state)
{
    diag d = {0};
    (void)state;
    csvr *r = OPEN("", &d);
    expect_end(r, &d);
    csvr_close(r);
    r = OPEN("\xEF\xBB\xBF\n\n# only a comment\n", &d);
    expect_end(r, &d);
    csvr_close(r);
    assert_int_equal(d.n, 0);
    diag_clear(&d);
}

static void quoted_field_spanning_lines(void **state)
{
    diag d = {0};
    (void)state;
    csvr *r = OPEN("name,note\n"
                   "x,\"two\nlines\"\n"             /* lines 2-3 */
                   "y,\"say \"\"hi\"\", ok\"\n"     /* line 4 */
                   "z,\"a\n\nb,c\nd\"\n"            /* lines 5-8 */
                   "w,1\n", &d);                    /* line 9 */
    ROW(r, &d, 1, "name", "note");
    ROW(r, &d, 2, "x", "two\nlines");
    ROW(r, &d, 4, "y", "say \"hi\", ok");
    ROW(r, &d, 5, "z", "a\n\nb,c\nd");
    ROW(r, &d, 9, "w", "1");
    expect_end(r, &d);
    csvr_close(r);
    assert_int_equal(d.n, 0);
    diag_clear(&d);
}

static void quoted_field_first_in_row_spanning_lines(void **state)
{
    diag d = {0};
    (void)state;
    csvr *r = OPEN("a,b\n\"p\nq\",1\n\"\",2\n", &d);
    ROW(r, &d, 1, "a", "b");
    ROW(r, &d, 2, "p\nq", "1");
    ROW(r, &d, 4, "", "2");
    expect_end(r, &d);
    csvr_close(r);
    diag_clear(&d);
}

static void crlf_rows(void **state)
{
    diag d = {0};
    (void)state;
    csvr *r = OPEN("a,b\r\n1,2\r\n\"x\r\ny\",3\r\n4,5\r\n", &d);
    ROW(r, &d, 1, "a", "b");
    ROW(r, &d, 2, "1", "2");
    ROW(r, &d, 3, "x\r\ny", "3");   /* inside quotes the line break is text */
    ROW(r, &d, 5, "4", "5");
    expect_end(r, &d);
    csvr_close(r);
    assert_int_equal(d.n, 0);
    diag_clear(&d);
}

static void utf8_bom_dropped(void **state)
{
    diag d = {0};
    (void)state;
    csvr *r = OPEN("\xEF\xBB\xBFkey,value\r\nname,caf\xC3\xA9\r\n", &d);
    ROW(r, &d, 1, "key", "value");
    ROW(r, &d, 2, "name", "caf\xC3\xA9");
    expect_end(r, &d);
    csvr_close(r);
    /* Only a BOM that opens the file is dropped; later it is a character. */
    r = OPEN("a\n\xEF\xBB\xBF" "b\n", &d);
    ROW(r, &d, 1, "a");
    ROW(r, &d, 2, "\xEF\xBB\xBF" "b");
    expect_end(r, &d);
    csvr_close(r);
    assert_int_equal(d.n, 0);
    diag_clear(&d);
}

static void comments_and_blank_rows_skipped(void **state)
{
    diag d = {0};
    (void)state;
    csvr *r = OPEN("# a comment before the header\n"   /* 1 */
                   "a,b\n"                             /* 2 */
                   "# note, with a comma\n"            /* 3 */
                   "\n"                                /* 4 */
                   ",\n"                               /* 5: cells, no text */
                   "#\n"                               /* 6 */
                   "1,2\n"                             /* 7 */
                   "\r\n"                              /* 8 */
                   "\n"                                /* 9 */
                   "3,#not a comment\n"                /* 10 */
                   "#x,\"quoted, across\nlines\"\n"    /* 11-12: a comment too */
                   "4,5\n", &d);                       /* 13 */
    ROW(r, &d, 2, "a", "b");
    ROW(r, &d, 7, "1", "2");
    ROW(r, &d, 10, "3", "#not a comment");
    ROW(r, &d, 13, "4", "5");
    expect_end(r, &d);
    csvr_close(r);
    assert_int_equal(d.n, 0);
    diag_clear(&d);
}

static void many_rows_reuse_memory(void **state)
{
    /* 3000 rows with a two-line quoted cell every 7th row: each row's line
     * is its index plus the extra lines before it. */
    size_t cap = 3000 * 40 + 64, len = 0;
    char *buf = malloc(cap);
    diag d = {0};
    (void)state;
    assert_non_null(buf);
    len += (size_t)snprintf(buf + len, cap - len, "i,v\n");
    for (int i = 0; i < 3000; i++) {
        if (i % 7 == 3)
            len += (size_t)snprintf(buf + len, cap - len, "%d,\"v%d\nmore\"\n", i, i);
        else
            len += (size_t)snprintf(buf + len, cap - len, "%d,v%d\n", i, i);
    }
    csvr *r = open_bytes(buf, len, &d);
    free(buf);
    ROW(r, &d, 1, "i", "v");
    long line = 2;
    for (int i = 0; i < 3000; i++) {
        char a[16], b[32];
        snprintf(a, sizeof a, "%d", i);
        if (i % 7 == 3)
            snprintf(b, sizeof b, "v%d\nmore", i);
        else
            snprintf(b, sizeof b, "v%d", i);
        ROW(r, &d, line, a, b);
        line += i % 7 == 3 ? 2 : 1;
    }
    expect_end(r, &d);
    csvr_close(r);
    assert_int_equal(d.n, 0);
    diag_clear(&d);
}

/* ------------------------------------------------------ separators */

/* The separator the header decided, ',' before it is read. */
static void expect_delim(csvr *r, char want)
{
    char got[2] = {csvr_delim(r), 0}, exp[2] = {want, 0};
    assert_string_equal(got, exp);
}

static void semicolon_header_decides(void **state)
{
    diag d = {0};
    (void)state;
    /* A spreadsheet where the comma is the decimal separator. */
    csvr *r = OPEN("\xEF\xBB\xBFName;Coins;Weight;;\r\nrose;1;0,5;;\r\n\"a;b\";2;1,25;;\r\n", &d);
    expect_delim(r, ',');
    ROW(r, &d, 1, "Name", "Coins", "Weight", "", "");
    expect_delim(r, ';');
    ROW(r, &d, 2, "rose", "1", "0,5", "", "");
    ROW(r, &d, 3, "a;b", "2", "1,25", "", "");
    expect_end(r, &d);
    csvr_close(r);
    /* More semicolons than commas outside quotes: semicolons. */
    r = OPEN("a;b;c,d\n1;2;3,4\n", &d);
    ROW(r, &d, 1, "a", "b", "c,d");
    ROW(r, &d, 2, "1", "2", "3,4");
    expect_delim(r, ';');
    expect_end(r, &d);
    csvr_close(r);
    assert_int_equal(d.n, 0);
    diag_clear(&d);
}

static void comma_header_stays_comma(void **state)
{
    diag d = {0};
    (void)state;
    csvr *r = OPEN("a,b\n1;2,3\n", &d);
    ROW(r, &d, 1, "a", "b");
    ROW(r, &d, 2, "1;2", "3");
    expect_delim(r, ',');
    csvr_close(r);
    /* Semicolons inside quotes do not count; a tie is commas. */
    r = OPEN("\"x;y;z\",b\n1,2\n", &d);
    ROW(r, &d, 1, "x;y;z", "b");
    ROW(r, &d, 2, "1", "2");
    expect_delim(r, ',');
    csvr_close(r);
    r = OPEN("a;b,c\n1;2,3\n", &d);
    ROW(r, &d, 1, "a;b", "c");
    expect_delim(r, ',');
    csvr_close(r);
    assert_int_equal(d.n, 0);
    diag_clear(&d);
}

static void separator_from_the_header_not_before(void **state)
{
    diag d = {0};
    (void)state;
    /* Comments (one across lines) and blank lines before the header do
     * not decide, and ";;" before a semicolon header is a blank row. */
    csvr *r = OPEN("# a;b;c;d\n"                      /* 1 */
                   "#x,\"q;\n;;\"\n"                 /* 2-3 */
                   ";;\n"                             /* 4 */
                   "\r\n"                             /* 5 */
                   "k;v\n"                            /* 6 */
                   "1;2,5\n", &d);                    /* 7 */
    ROW(r, &d, 6, "k", "v");
    ROW(r, &d, 7, "1", "2,5");
    expect_delim(r, ';');
    expect_end(r, &d);
    csvr_close(r);
    /* A comment full of semicolons before a comma header. */
    r = OPEN("# note; with; semicolons\nk,v\n1,2\n", &d);
    ROW(r, &d, 2, "k", "v");
    ROW(r, &d, 3, "1", "2");
    expect_delim(r, ',');
    csvr_close(r);
    assert_int_equal(d.n, 0);
    diag_clear(&d);
}

static void quoted_comment_does_not_decide(void **state)
{
    diag d = {0};
    (void)state;
    /* A spreadsheet quotes a comment cell holding '"' or ';'; it is a
     * comment all the same, and the header after it decides. */
    csvr *r = OPEN("\"# the \"\"best\"\" gifts\"\r\n"           /* 1 */
                   "\"# by weight; then coins\";;;;\r\n"          /* 2 */
                   "Name;Coins;Weight;;\r\n"                      /* 3 */
                   "rose;1;0,5;;\r\n", &d);                       /* 4 */
    ROW(r, &d, 3, "Name", "Coins", "Weight", "", "");
    expect_delim(r, ';');
    ROW(r, &d, 4, "rose", "1", "0,5", "", "");
    expect_end(r, &d);
    csvr_close(r);
    /* The same in a comma file, a quoted comment holding semicolons, and
     * one across lines whose quote closes on the second. */
    r = OPEN("\"# a; b; \"\"c\"\"\",,\n"                             /* 1 */
             "  \"# two\nlines; x; y\";;\n"                          /* 2-3 */
             "\"# ; \n, \"\n"                                       /* 4-5 */
             "k,v\n"                                                /* 6 */
             "1;2,3\n", &d);                                        /* 7 */
    ROW(r, &d, 6, "k", "v");
    expect_delim(r, ',');
    ROW(r, &d, 7, "1;2", "3");
    expect_end(r, &d);
    csvr_close(r);
    /* A quoted cell that is not a comment is still the header. */
    r = OPEN("\" #x\";b;c\n1;2;3\n", &d);
    ROW(r, &d, 1, " #x", "b", "c");
    expect_delim(r, ';');
    csvr_close(r);
    assert_int_equal(d.n, 0);
    diag_clear(&d);
}

/* -------------------------------------------------------------- errors */

static void unterminated_quote_at_row_start(void **state)
{
    diag d = {0};
    (void)state;
    csvr *r = OPEN("a,b\n1,2\n3,\"open\n4,5\n6,7\n", &d);
    ROW(r, &d, 1, "a", "b");
    ROW(r, &d, 2, "1", "2");
    expect_error(r, &d, "", "t.csv:3: unterminated quoted field (a closing \" was expected before the end of the file)");
    csvr_close(r);
    diag_clear(&d);

    /* An unterminated quote in the first row, with no newline at all. */
    r = OPEN("\"a,b", &d);
    expect_error(r, &d, "", "t.csv:1: unterminated quoted field (a closing \" was expected before the end of the file)");
    csvr_close(r);
    diag_clear(&d);
}

static void malformed_quoting(void **state)
{
    static const char *const msg2 =
        "t.csv:2: malformed quoting (a quote may only open a field or be doubled inside a quoted one)";
    diag d = {0};
    (void)state;
    csvr *r = OPEN("a,b\n\"ab\"c,d\n", &d);      /* text after the closing quote */
    ROW(r, &d, 1, "a", "b");
    expect_error(r, &d, "", msg2);
    csvr_close(r);
    diag_clear(&d);

    r = OPEN("a,b\nab\"c,d\n", &d);              /* a quote inside a bare field */
    ROW(r, &d, 1, "a", "b");
    expect_error(r, &d, "", msg2);
    csvr_close(r);
    diag_clear(&d);

    /* Found on the second line of a row: the message names that line. */
    r = OPEN("a,b\n\"x\ny\"z,1\n", &d);
    ROW(r, &d, 1, "a", "b");
    expect_error(r, &d, "", "t.csv:3: malformed quoting (a quote may only open a field or be doubled inside a quoted one)");
    csvr_close(r);
    diag_clear(&d);
}

static void nul_byte_is_binary_data(void **state)
{
    diag d = {0};
    (void)state;
    csvr *r = OPEN("a,b\n1,2\n3,\0x\n", &d);
    ROW(r, &d, 1, "a", "b");
    ROW(r, &d, 2, "1", "2");
    expect_error(r, &d, "", "t.csv:3: binary data (a NUL byte) where CSV text was expected");
    csvr_close(r);
    diag_clear(&d);

    r = OPEN("\0\0\0\0", &d);
    expect_error(r, &d, "", "t.csv:1: binary data (a NUL byte) where CSV text was expected");
    csvr_close(r);
    diag_clear(&d);
}

static void invalid_utf8(void **state)
{
    static const char *const bad[] = {
        "\xff",                 /* never valid */
        "\x80",                 /* a lone continuation byte */
        "\xC3",                 /* a lead byte cut short by the line end */
        "\xE2\x82",
        "\xC0\xAF",             /* overlong '/' */
        "\xE0\x80\xAF",         /* overlong, three bytes */
        "\xED\xA0\x80",         /* a UTF-16 surrogate */
        "\xF4\x90\x80\x80",     /* above U+10FFFF */
        "\xF8\x88\x80\x80\x80", /* five-byte form */
        "caf\xE9",              /* Latin-1 */
    };
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char buf[64];
        diag d = {0};
        int n = snprintf(buf, sizeof buf, "a,b\n1,%s\n", bad[i]);
        csvr *r = open_bytes(buf, (size_t)n, &d);
        char label[32];
        snprintf(label, sizeof label, "invalid case %zu: ", i);
        ROW(r, &d, 1, "a", "b");
        expect_error(r, &d, label, "t.csv:2: text is not valid UTF-8 (expected UTF-8 text)");
        csvr_close(r);
        diag_clear(&d);
    }
    /* Cut short by the end of the file, no newline. */
    diag d = {0};
    csvr *r = OPEN("a\n\xE2\x82", &d);
    ROW(r, &d, 1, "a");
    expect_error(r, &d, "", "t.csv:2: text is not valid UTF-8 (expected UTF-8 text)");
    csvr_close(r);
    diag_clear(&d);
}

static void valid_utf8_kept(void **state)
{
    static const char *const good[] = {
        "caf\xC3\xA9",          /* U+00E9 */
        "\xE2\x82\xAC",         /* U+20AC euro */
        "\xED\x9F\xBF",         /* U+D7FF, just below the surrogates */
        "\xEE\x80\x80",         /* U+E000, just above them */
        "\xF0\x9F\x98\x80",     /* U+1F600 */
        "\xF4\x8F\xBF\xBF",     /* U+10FFFF, the last code point */
        "\xC2\x80",             /* U+0080, the first two-byte one */
    };
    (void)state;
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        char buf[64];
        diag d = {0};
        int n = snprintf(buf, sizeof buf, "a,b\n1,%s\n", good[i]);
        csvr *r = open_bytes(buf, (size_t)n, &d);
        char label[32], want[64];
        snprintf(label, sizeof label, "valid case %zu: ", i);
        snprintf(want, sizeof want, "row 2: [1][%s]", good[i]);
        ROW(r, &d, 1, "a", "b");
        expect_next(r, &d, label, want);
        expect_end(r, &d);
        csvr_close(r);
        assert_int_equal(d.n, 0);
        diag_clear(&d);
    }
}

static void missing_file(void **state)
{
    diag d = {0};
    (void)state;
    assert_null(csvr_open("tests/fixtures/no_such_file.csv", "nope.csv", &d));
    assert_int_equal(d.n, 1);
    assert_int_equal(d.errors, 1);
    assert_string_equal(d.items[0].text, "nope.csv: cannot open: No such file or directory (expected a readable file)");
    diag_clear(&d);
    csvr_close(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(header_and_rows_with_lines),
        cmocka_unit_test(last_row_without_newline),
        cmocka_unit_test(empty_file_has_no_rows),
        cmocka_unit_test(quoted_field_spanning_lines),
        cmocka_unit_test(quoted_field_first_in_row_spanning_lines),
        cmocka_unit_test(crlf_rows),
        cmocka_unit_test(semicolon_header_decides),
        cmocka_unit_test(comma_header_stays_comma),
        cmocka_unit_test(separator_from_the_header_not_before),
        cmocka_unit_test(quoted_comment_does_not_decide),
        cmocka_unit_test(utf8_bom_dropped),
        cmocka_unit_test(comments_and_blank_rows_skipped),
        cmocka_unit_test(many_rows_reuse_memory),
        cmocka_unit_test(unterminated_quote_at_row_start),
        cmocka_unit_test(malformed_quoting),
        cmocka_unit_test(nul_byte_is_binary_data),
        cmocka_unit_test(invalid_utf8),
        cmocka_unit_test(valid_utf8_kept),
        cmocka_unit_test(missing_file),
    };
    return cmocka_run_group_tests_name("csvread", tests, NULL, NULL);
}
