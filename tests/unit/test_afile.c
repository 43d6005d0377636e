/* test_afile — a set of output parts, files and directories (afile.h):
 * all of them take their names or none; an older directory of a part's
 * name is replaced whole; a failure, an interruption or a name of the
 * wrong kind leaves the older set as it was and no temporary name behind;
 * a handler's removal of the temporary names finds the directories too. */
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
#include <sys/stat.h>
#include <unistd.h>

#include "afile.h"

#include "testdir.h"

static void put(const char *dir, const char *name, const char *text)
{
    char path[400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* The first line of dir/name, or "" if there is none. */
static const char *line(const char *dir, const char *name)
{
    static char buf[200];
    char path[400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    buf[0] = '\0';
    if (f) {
        if (!fgets(buf, sizeof buf, f))
            buf[0] = '\0';
        fclose(f);
    }
    buf[strcspn(buf, "\n")] = '\0';
    return buf;
}

static void rm_rf(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

/* What the parts of a test do. */
static atomic_int flag;
typedef struct how {
    const char *text;  /* what the files say */
    int fail;          /* the directory's writer fails half-way */
    int interrupt;     /* the directory's writer raises the flag */
    int remove_temps;  /* the file's writer calls afile_remove_temps (its result
                          in removed) and raises the flag, as a second signal */
    int removed;
    int dir_removed;   /* the same call's result from the directory's writer */
    const char *dir;   /* with remove_temps: its listing just after the call, */
    char seen[600];    /* in seen */
    int short_of_memory; /* the file's writer could not write all of it */
} how;

static int write_file(FILE *f, const void *ud)
{
    how *h = (how *)ud;
    fprintf(f, "%s\n", h->text);
    if (h->remove_temps) {
        h->removed = afile_remove_temps();
        listing(h->dir, h->seen, sizeof h->seen);
        flag = SIGINT;
    }
    return h->short_of_memory ? -1 : 0;
}

/* A directory of two files, each written atomically, as scenario_save does. */
static int write_dir(const char *path, const void *ud, char *msg, size_t n)
{
    how *h = (how *)ud;
    afile a;
    if (mkdir(path, 0777) < 0)
        return -1;
    if (afile_open(&a, path, "one.csv", msg, n) < 0)
        return -1;
    fprintf(a.f, "%s\n", h->text);
    if (afile_commit(&a, msg, n) < 0) {
        afile_abort(&a);
        return -1;
    }
    afile_abort(&a);
    if (h->remove_temps)
        h->dir_removed = afile_remove_temps();
    if (h->interrupt)
        flag = SIGINT;
    if (h->fail) {
        snprintf(msg, n, "%s: failed on purpose", path);
        return -1;
    }
    if (afile_open(&a, path, "two.csv", msg, n) < 0)
        return -1;
    fprintf(a.f, "%s\n", h->text);
    int rc = afile_commit(&a, msg, n);
    afile_abort(&a);
    return rc;
}

static int write_set(const char *dir, how *h, char *msg, size_t n)
{
    afile_part parts[] = {
        {"a.csv", write_file, NULL, h},
        {"d", NULL, write_dir, h},
        {"b.csv", write_file, NULL, h},
    };
    return afile_write_set(dir, parts, 3, msg, n);
}

/* An older set: a.csv, b.csv and d/ with a file the new d/ lacks. */
static void put_old(const char *dir)
{
    char sub[400];
    put(dir, "a.csv", "old\n");
    put(dir, "b.csv", "old\n");
    snprintf(sub, sizeof sub, "%s/d", dir);
    assert_int_equal(mkdir(sub, 0777), 0);
    put(sub, "one.csv", "old\n");
    put(sub, "stale.csv", "old\n");
}

static void assert_old(const char *dir)
{
    char names[600], sub[400];
    listing(dir, names, sizeof names);
    assert_string_equal(names, "a.csv b.csv d");
    snprintf(sub, sizeof sub, "%s/d", dir);
    listing(sub, names, sizeof names);
    assert_string_equal(names, "one.csv stale.csv");
    assert_string_equal(line(dir, "a.csv"), "old");
    assert_string_equal(line(sub, "one.csv"), "old");
}

/* Written into an empty directory, then over an older set: the older d/
 * goes whole, nothing hidden is left. */
static void set_with_directory(void **state)
{
    (void)state;
    char dir[] = "/tmp/coinsim-test-afile-XXXXXX", msg[600], names[600], sub[400];
    assert_non_null(mkdtemp(dir));
    afile_watch(&flag);
    flag = 0;
    how h = {"new", 0, 0, 0, 0, 0, NULL, "", 0};
    assert_int_equal(write_set(dir, &h, msg, sizeof msg), 0);
    listing(dir, names, sizeof names);
    assert_string_equal(names, "a.csv b.csv d");
    rm_rf(dir);

    assert_int_equal(mkdir(dir, 0777), 0);
    put_old(dir);
    assert_int_equal(write_set(dir, &h, msg, sizeof msg), 0);
    listing(dir, names, sizeof names);
    assert_string_equal(names, "a.csv b.csv d");
    snprintf(sub, sizeof sub, "%s/d", dir);
    listing(sub, names, sizeof names);
    assert_string_equal(names, "one.csv two.csv");
    assert_string_equal(line(sub, "two.csv"), "new");
    assert_string_equal(line(dir, "b.csv"), "new");
    assert_int_equal(afile_remove_temps(), 0); /* nothing is listed any more */
    afile_watch(NULL);
    rm_rf(dir);
}

/* A writer that fails, an interruption inside the directory's writer,
 * and final names of the wrong kind: the older set stays, nothing hidden. */
static void failures_leave_the_old_set(void **state)
{
    (void)state;
    char dir[] = "/tmp/coinsim-test-afile-XXXXXX", msg[600], names[600], path[400];
    assert_non_null(mkdtemp(dir));
    afile_watch(&flag);
    put_old(dir);

    flag = 0;
    how fail = {"new", 1, 0, 0, 0, 0, NULL, "", 0};
    assert_int_equal(write_set(dir, &fail, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "failed on purpose"));
    assert_old(dir);

    flag = 0;
    how stop = {"new", 0, 1, 0, 0, 0, NULL, "", 0};
    assert_int_equal(write_set(dir, &stop, msg, sizeof msg), -1);
    /* The directory's second file is refused: the flag stood when it was
     * to be opened. */
    assert_non_null(strstr(msg, "two.csv: interrupted before it was begun"));
    assert_old(dir);

    /* d a plain file; then b.csv a directory. */
    flag = 0;
    how ok = {"new", 0, 0, 0, 0, 0, NULL, "", 0};
    snprintf(path, sizeof path, "%s/d", dir);
    rm_rf(path);
    put(dir, "d", "a file\n");
    assert_int_equal(write_set(dir, &ok, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "/d exists and is not a directory"));
    listing(dir, names, sizeof names);
    assert_string_equal(names, "a.csv b.csv d");
    assert_string_equal(line(dir, "a.csv"), "old");
    assert_int_equal(unlink(path), 0);
    snprintf(path, sizeof path, "%s/b.csv", dir);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(mkdir(path, 0777), 0);
    assert_int_equal(write_set(dir, &ok, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "/b.csv exists and is not a regular file"));
    listing(dir, names, sizeof names);
    assert_string_equal(names, "a.csv b.csv");
    assert_string_equal(line(dir, "a.csv"), "old");
    assert_int_equal(afile_remove_temps(), 0);
    afile_watch(NULL);
    rm_rf(dir);
}

/* A second signal while b.csv is written, after d/ is complete: the
 * handler's call removes the directory's temporary name with all in it
 * and the temporary files, and knows that nothing remains. */
static void handler_removes_directories(void **state)
{
    (void)state;
    char dir[] = "/tmp/coinsim-test-afile-XXXXXX", msg[600], names[600];
    assert_non_null(mkdtemp(dir));
    afile_watch(&flag);
    put_old(dir);
    flag = 0;
    how h = {"new", 0, 0, 1, 99, 99, dir, "", 0};
    afile_part parts[] = {
        {"d", NULL, write_dir, &h},
        {"b.csv", write_file, NULL, &h},
    };
    assert_int_equal(afile_write_set(dir, parts, 2, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "interrupted before it was complete"));
    /* Inside the directory's writer, what it renamed into place is
     * listed nowhere yet: the call says some may remain. */
    assert_int_equal(h.dir_removed, -1);
    assert_int_equal(h.removed, 0);
    assert_string_equal(h.seen, "a.csv b.csv d"); /* the call itself removed them all */
    assert_old(dir);
    listing(dir, names, sizeof names);
    assert_string_equal(names, "a.csv b.csv d");
    afile_watch(NULL);
    rm_rf(dir);
}

/* A file's writer that could not finish, and a directory that cannot be
 * put in place (a busy mount point, here made to fail): no file of the
 * set is replaced either, and with two directories the first, already in
 * place, goes back. */
static int write_two_dirs(const char *dir, how *h, char *msg, size_t n)
{
    afile_part parts[] = {
        {"a.csv", write_file, NULL, h},
        {"d", NULL, write_dir, h},
        {"e", NULL, write_dir, h},
        {"b.csv", write_file, NULL, h},
    };
    return afile_write_set(dir, parts, 4, msg, n);
}

static void directory_swap_fails(void **state)
{
    (void)state;
    char dir[] = "/tmp/coinsim-test-afile-XXXXXX", msg[600], names[600], sub[400];
    assert_non_null(mkdtemp(dir));
    afile_watch(&flag);
    flag = 0;
    how h = {"new", 0, 0, 0, 0, 0, NULL, "", 0};

    put_old(dir);
    h.short_of_memory = 1; /* a file's writer that could not finish */
    assert_int_equal(write_set(dir, &h, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "a.csv: out of memory while writing it"));
    assert_old(dir);
    h.short_of_memory = 0;

    afile_test_fail_swap(1);
    assert_int_equal(write_set(dir, &h, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "cannot move the older one aside"));
    assert_old(dir);

    /* d goes in, e fails: d goes back. */
    snprintf(sub, sizeof sub, "%s/e", dir);
    assert_int_equal(mkdir(sub, 0777), 0);
    put(sub, "one.csv", "old e\n");
    afile_test_fail_swap(2);
    assert_int_equal(write_two_dirs(dir, &h, msg, sizeof msg), -1);
    listing(dir, names, sizeof names);
    assert_string_equal(names, "a.csv b.csv d e");
    assert_string_equal(line(dir, "a.csv"), "old");
    assert_string_equal(line(dir, "b.csv"), "old");
    snprintf(sub, sizeof sub, "%s/d", dir);
    listing(sub, names, sizeof names);
    assert_string_equal(names, "one.csv stale.csv");
    snprintf(sub, sizeof sub, "%s/e", dir);
    assert_string_equal(line(sub, "one.csv"), "old e");

    /* and with no failure, both new */
    assert_int_equal(write_two_dirs(dir, &h, msg, sizeof msg), 0);
    assert_string_equal(line(sub, "one.csv"), "new");
    assert_string_equal(line(dir, "b.csv"), "new");
    assert_int_equal(afile_remove_temps(), 0);
    afile_watch(NULL);
    rm_rf(dir);
}

/* A part with no writer: an older plain file of its name goes when the set
 * takes its names, not before (a failed set keeps it); absent, nothing
 * happens; a directory of that name refuses the set. */
static void names_that_go_with_the_set(void **state)
{
    (void)state;
    char dir[] = "/tmp/coinsim-test-afile-XXXXXX", msg[600], names[600], sub[400];
    assert_non_null(mkdtemp(dir));
    afile_watch(&flag);
    flag = 0;
    how h = {"new", 0, 0, 0, 0, 0, NULL, "", 0};
    afile_part parts[] = {{"a.csv", write_file, NULL, &h}, {"page.html", NULL, NULL, NULL}};

    put(dir, "page.html", "old page\n");
    h.short_of_memory = 1;
    assert_int_equal(afile_write_set(dir, parts, 2, msg, sizeof msg), -1);
    listing(dir, names, sizeof names);
    assert_string_equal(names, "page.html");
    h.short_of_memory = 0;
    assert_int_equal(afile_write_set(dir, parts, 2, msg, sizeof msg), 0);
    listing(dir, names, sizeof names);
    assert_string_equal(names, "a.csv");
    assert_int_equal(afile_write_set(dir, parts, 2, msg, sizeof msg), 0); /* absent: fine */

    snprintf(sub, sizeof sub, "%s/page.html", dir);
    assert_int_equal(mkdir(sub, 0777), 0);
    put(dir, "a.csv", "old\n");
    assert_int_equal(afile_write_set(dir, parts, 2, msg, sizeof msg), -1);
    assert_string_equal(line(dir, "a.csv"), "old");
    afile_watch(NULL);
    rm_rf(dir);
}

/* Muted (the ranks of an MPI job but rank 0): a set, a file, a directory
 * to prepare all succeed and nothing is made or changed. The last test:
 * muting is for the rest of the process. */
static void muted_writes_nothing(void **state)
{
    (void)state;
    char dir[] = "/tmp/coinsim-afile-XXXXXX", sub[200], msg[300], names[600];
    how h = {.text = "new"};
    afile a;
    assert_non_null(mkdtemp(dir));
    put_old(dir);
    listing(dir, names, sizeof names);
    char before[600];
    snprintf(before, sizeof before, "%s", names);
    afile_mute();
    assert_int_equal(afile_muted(), 1);
    assert_int_equal(write_set(dir, &h, msg, sizeof msg), 0);
    assert_int_equal(afile_open(&a, dir, "c.csv", msg, sizeof msg), 0);
    fprintf(a.f, "new\n");
    assert_int_equal(afile_commit(&a, msg, sizeof msg), 0);
    afile_abort(&a);
    snprintf(sub, sizeof sub, "%s/out/deeper", dir);
    assert_int_equal(afile_prepare_dir(sub, msg, sizeof msg), 0);
    listing(dir, names, sizeof names);
    assert_string_equal(names, before);
    assert_string_equal(line(dir, "a.csv"), "old");
    rm_rf(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(set_with_directory),
        cmocka_unit_test(failures_leave_the_old_set),
        cmocka_unit_test(handler_removes_directories),
        cmocka_unit_test(directory_swap_fails),
        cmocka_unit_test(names_that_go_with_the_set),
        cmocka_unit_test(muted_writes_nothing), /* the last: muting lasts */
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
