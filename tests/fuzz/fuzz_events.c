/* fuzz_events — libFuzzer harness for the event-log reader (sim/replay.c,
 * sim/idmap.c, through sim/csvread.c and sim/num.c).
 *
 * tests/fixtures/replay/tiny, and tiny-regions (the same with two regions
 * and a pack priced in rupiah), are loaded once. The input is written as
 * an event log (a temporary directory made once per process) and replayed
 * under each twice, strict and lenient: replay_open, replay_step to the end
 * or the first error, then replay_check and replay_result on the rows.
 * Seeds: tests/fixtures/replay/tiny.csv and variations
 * (tests/fuzz/corpus/events/).
 * Run with `make fuzz` (all harnesses) or build-fuzz/fuzz_events DIR. */
#define _POSIX_C_SOURCE 200809L
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "kpi.h"
#include "replay.h"
#include "scenario.h"

#include "fuzzutil.h"

#ifndef COINSIM_ROOT
#define COINSIM_ROOT "."
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_STEPS 16

static scenario *scs[2];
static const char *path; /* the input's file (fuzz_tmpfile) */

static scenario *load(const char *name)
{
    char dir[512];
    diag d = {0};
    snprintf(dir, sizeof dir, "%s/tests/fixtures/replay/%s", COINSIM_ROOT, name);
    scenario *s = scenario_load(dir, &d);
    if (s && scenario_check(s, &d) != 0) {
        scenario_free(s);
        s = NULL;
    }
    diag_clear(&d);
    if (!s || s->t.p.steps > MAX_STEPS) {
        fprintf(stderr, "fuzz_events: cannot load %s\n", dir);
        abort();
    }
    return s;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    scs[0] = load("tiny");
    scs[1] = load("tiny-regions");
    path = fuzz_tmpfile("events", "events.csv");
    return 0;
}

static void replay_all(const scenario *sc, int lenient)
{
    replay_opts o = {.lenient = lenient, .whatif = 0};
    diag d = {0};
    replay *r = replay_open(sc, path, &o, &d);
    if (!r) {
        if (d.errors == 0)
            abort(); /* a refusal always says why */
        diag_clear(&d);
        return;
    }
    kpi_step rows[MAX_STEPS];
    int64_t n = 0;
    int rc = 0;
    while (n < MAX_STEPS && (rc = replay_step(r, &rows[n], &d)) == 0)
        n++;
    if (rc < 0 && d.errors == 0)
        abort();
    if (rc == 1) {
        char msg[256];
        run_result res;
        /* A log replayed to its end keeps the ledger's identities. */
        if (replay_check(r, msg, sizeof msg) != 0) {
            fprintf(stderr, "fuzz_events: %s\n", msg);
            abort();
        }
        /* and its breakdowns: what a channel, gift or pack took adds up */
        brk_shape sh = replay_brk_shape(r);
        brk_store bs;
        if (brk_store_init(&bs, &sh, 1) == 0) {
            brk_block k = brk_at(&bs, 0);
            if (replay_result(r, rows, n, &res, &k) == 0) {
                int64_t in = 0, by_region = 0, fx = 0;
                for (size_t c = 0; c < 2; c++)
                    in += brk_row(&sh, k.raw, BRK_CHANNELS, c)[CHR_REVENUE];
                /* and so do the regions' cash in and FX fees */
                for (size_t g = 0; g < sh.nregions; g++) {
                    by_region += brk_row(&sh, k.raw, BRK_REGIONS, g)[RR_CASH_USD];
                    fx += brk_row(&sh, k.raw, BRK_REGIONS, g)[RR_FX];
                }
                if (in != res.exact[TS_CASH_IN] || by_region != in || fx != res.exact[TS_FX_FEES])
                    abort();
            }
            brk_store_free(&bs);
        }
    }
    replay_free(r);
    diag_clear(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_write(path, data, size);
    for (int i = 0; i < 2; i++) {
        replay_all(scs[i], 0);
        replay_all(scs[i], 1);
    }
    return 0;
}
