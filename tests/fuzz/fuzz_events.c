/* fuzz_events — libFuzzer harness for the event-log reader (sim/replay.c,
 * sim/idmap.c, through sim/csvread.c and sim/num.c).
 *
 * tests/fixtures/replay/tiny is loaded once. The input is written as an
 * event log (a temporary directory made once per process) and replayed
 * under it twice, strict and lenient: replay_open, replay_step to the end
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

static scenario *sc;
static const char *path;         /* the input's file (fuzz_tmpfile) */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    diag d = {0};
    sc = scenario_load(COINSIM_ROOT "/tests/fixtures/replay/tiny", &d);
    if (sc && scenario_check(sc, &d) != 0) {
        scenario_free(sc);
        sc = NULL;
    }
    diag_clear(&d);
    if (!sc || sc->t.p.steps > MAX_STEPS) {
        fprintf(stderr, "fuzz_events: cannot load %s/tests/fixtures/replay/tiny\n", COINSIM_ROOT);
        abort();
    }
    path = fuzz_tmpfile("events", "events.csv");
    return 0;
}

static void replay_all(int lenient)
{
    replay_opts o = {.lenient = lenient, .whatif = 0};
    diag d = {0};
    replay *r = replay_open(sc, path, &o, &d);
    if (!r) {
        if (d.errors == 0)
            abort();        /* a refusal always says why */
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
                int64_t in = 0;
                for (size_t c = 0; c < 2; c++)
                    in += brk_row(&sh, k.raw, BRK_CHANNELS, c)[CHR_REVENUE];
                if (in != res.exact[TS_CASH_IN])
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
    replay_all(0);
    replay_all(1);
    return 0;
}
