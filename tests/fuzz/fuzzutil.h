/* Helpers shared by the fuzz harnesses: a private temporary directory for
 * the process, an input written to a file whole, an input as a C string.
 * Any failure of the machinery (not of coinsim) aborts: the fuzzer must
 * not count it as a pass. Include after defining _POSIX_C_SOURCE. */
#ifndef COINSIM_FUZZUTIL_H
#define COINSIM_FUZZUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Make TMPDIR/coinsim-fuzz-NAME-XXXXXX (TMPDIR or /tmp) into dir. */
static inline void fuzz_tmpdir(char *dir, size_t n, const char *name)
{
    const char *t = getenv("TMPDIR");
    snprintf(dir, n, "%s/coinsim-fuzz-%s-XXXXXX", t && *t ? t : "/tmp", name);
    if (!mkdtemp(dir))
        abort();
}

/* One file in a temporary directory of the process's own, both removed
 * at exit (fuzz_tmpfile). */
static struct {
    char dir[256], path[300];
} fuzz_tmp __attribute__((unused));

static inline void fuzz_tmp_gone(void)
{
    unlink(fuzz_tmp.path);
    rmdir(fuzz_tmp.dir);
}

/* The path of a file NAME in a fresh directory for this harness. */
static inline const char *fuzz_tmpfile(const char *harness, const char *name)
{
    fuzz_tmpdir(fuzz_tmp.dir, sizeof fuzz_tmp.dir, harness);
    snprintf(fuzz_tmp.path, sizeof fuzz_tmp.path, "%s/%s", fuzz_tmp.dir, name);
    atexit(fuzz_tmp_gone);
    return fuzz_tmp.path;
}

/* The input as the whole content of path. */
static inline void fuzz_write(const char *path, const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        abort();
}

/* The input with a NUL after it (malloc'd), or NULL out of memory. */
static inline char *fuzz_string(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (s) {
        memcpy(s, data, size);
        s[size] = '\0';
    }
    return s;
}

#endif
