/* fuzz_scenario — libFuzzer harness for the scenario loader (sim/scenario.c
 * through sim/csvread.c and sim/num.c).
 *
 * Once per process, tests/fixtures/good/minimal is copied into a temporary
 * directory. The first byte of an input chooses a table (params, packs,
 * gifts, segments, timeline, sinks, regions, by its value mod 7: the tables
 * of seeds made for 5 and 6 keep their bytes 0 to 5); the rest replaces
 * that table's file in the copy. scenario_load and, if it loads, scenario_check
 * run on it, everything is freed, and the file is put back as it was (the
 * timeline, sinks and regions removed, minimal has none). Seeds: tests/fuzz/corpus/scenario/,
 * each a fixture's table behind its selector byte.
 * Run with `make fuzz` (all harnesses) or build-fuzz/fuzz_scenario DIR. */
#define _POSIX_C_SOURCE 200809L
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "scenario.h"

#include "fuzzutil.h"

#ifndef COINSIM_ROOT
#define COINSIM_ROOT "."
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NTAB 7
static const char *const table[NTAB] = {"params.csv",   "packs.csv", "gifts.csv",  "segments.csv",
                                        "timeline.csv", "sinks.csv", "regions.csv"};
static char tmpdir[256], scdir[300];
static char *orig[NTAB]; /* the fixture's text of each table, NULL if none */
static size_t origlen[NTAB];

static char *tpath(int t)
{
    static char p[400];
    snprintf(p, sizeof p, "%s/%s", scdir, table[t]);
    return p;
}

static void put(int t, const void *data, size_t size) { fuzz_write(tpath(t), data, size); }

static void cleanup(void)
{
    for (int t = 0; t < NTAB; t++)
        unlink(tpath(t));
    rmdir(scdir);
    rmdir(tmpdir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_tmpdir(tmpdir, sizeof tmpdir, "scenario");
    snprintf(scdir, sizeof scdir, "%s/minimal", tmpdir);
    if (mkdir(scdir, 0700) != 0)
        abort();
    atexit(cleanup);
    for (int i = 0; i < NTAB; i++) {
        char src[512];
        snprintf(src, sizeof src, "%s/tests/fixtures/good/minimal/%s", COINSIM_ROOT, table[i]);
        FILE *f = fopen(src, "rb");
        if (!f)
            continue;
        static char buf[1 << 16];
        origlen[i] = fread(buf, 1, sizeof buf, f);
        fclose(f);
        if (!(orig[i] = malloc(origlen[i] + 1)))
            abort();
        memcpy(orig[i], buf, origlen[i]);
        put(i, orig[i], origlen[i]);
    }
    if (!orig[0]) {
        fprintf(stderr, "fuzz_scenario: %s/tests/fixtures/good/minimal not found\n", COINSIM_ROOT);
        abort();
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    int t = data[0] % NTAB;
    put(t, data + 1, size - 1);

    diag d = {0};
    scenario *s = scenario_load(scdir, &d);
    if (!s && d.errors == 0)
        abort(); /* a refusal always says why */
    if (s)
        scenario_check(s, &d);
    scenario_free(s);
    diag_clear(&d);

    if (orig[t])
        put(t, orig[t], origlen[t]);
    else
        unlink(tpath(t));
    return 0;
}
