/* fuzz_set — libFuzzer harness for scenario_set (sim/scenario.c): the
 * --set and --vary path into a scenario.
 *
 * tests/fixtures/good/timeline (which extends minimal and has a timeline) is
 * loaded once. The input, up to its first NUL, is a --set "TARGET=VALUE"
 * applied to a clone of it; then, as --vary TARGET=V1,V2,... gives a sweep,
 * the value is split at commas and each "TARGET=Vi" is applied to a fresh
 * clone. Every result goes through scenario_check and is freed.
 * Seeds: tests/fuzz/corpus/set/.
 * Run with `make fuzz` (all harnesses) or build-fuzz/fuzz_set DIR. */
#define _POSIX_C_SOURCE 200809L
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "scenario.h"

#include "fuzzutil.h"

#ifndef COINSIM_ROOT
#define COINSIM_ROOT "."
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static scenario *base;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    diag d = {0};
    base = scenario_load(COINSIM_ROOT "/tests/fixtures/good/timeline", &d);
    diag_clear(&d);
    if (!base) {
        fprintf(stderr, "fuzz_set: cannot load %s/tests/fixtures/good/timeline\n", COINSIM_ROOT);
        abort();
    }
    return 0;
}

static void apply(const char *assign, const char *label)
{
    diag d = {0};
    scenario *s = scenario_clone(base);
    if (!s)
        return;
    size_t e0 = d.errors;
    if (scenario_set(s, assign, label, &d) < 0 && d.errors == e0)
        abort();            /* a refusal always says why */
    scenario_check(s, &d);
    scenario_free(s);
    diag_clear(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_string(data, size);
    if (!s)
        return 0;

    apply(s, "--set");

    char *eq = strchr(s, '=');
    if (eq) {
        size_t tl = (size_t)(eq - s);
        char *one = malloc(size + 2);
        if (one) {
            for (char *v = eq + 1, *end;; v = end + 1) {
                end = strchr(v, ',');
                size_t vl = end ? (size_t)(end - v) : strlen(v);
                memcpy(one, s, tl + 1);
                memcpy(one + tl + 1, v, vl);
                one[tl + 1 + vl] = '\0';
                apply(one, "--vary");
                if (!end)
                    break;
            }
            free(one);
        }
    }
    free(s);
    return 0;
}
