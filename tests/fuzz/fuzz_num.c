/* fuzz_num — libFuzzer harness for sim/num.c.
 *
 * The input, up to its first NUL, is a cell's text handed to
 * num_parse_dec, num_parse_int, num_parse_u64 and num_parse_real. Every
 * accepted decimal must survive a round trip: num_fmt_micro and
 * num_fmt_short write it, and the text parses back to the same micro-units;
 * every accepted real likewise through num_fmt_real, and a text both
 * parsers take is the same number to both. Seeds: tests/fuzz/corpus/num/.
 * Run with `make fuzz` (all harnesses) or build-fuzz/fuzz_num DIR. */
#define _POSIX_C_SOURCE 200809L     /* fuzzutil.h: mkdtemp */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzzutil.h"
#include "num.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void roundtrip(int64_t v)
{
    char buf[NUM_BUF];
    const char *why = NULL;
    int64_t back = 0;
    if (num_parse_dec(num_fmt_micro(buf, v), &back, &why) != 0 || back != v)
        abort();
    if (num_parse_dec(num_fmt_short(buf, v), &back, &why) != 0 || back != v)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_string(data, size);
    if (!s)
        return 0;

    const char *why = NULL;
    int64_t micro, i;
    uint64_t u;
    if (num_parse_dec(s, &micro, &why) == 0)
        roundtrip(micro);
    else if (!why)
        abort();            /* every failure names its reason */
    why = NULL;
    if (num_parse_int(s, &i, &why) == 0) {
        /* A whole number within range is also a decimal of the same value. */
        int64_t m;
        if (i > -INT64_MAX / NUM_MICRO && i < INT64_MAX / NUM_MICRO &&
            (num_parse_dec(s, &m, &why) != 0 || m != i * NUM_MICRO))
            abort();
    } else if (!why) {
        abort();
    }
    why = NULL;
    if (num_parse_u64(s, &u, &why) != 0 && !why)
        abort();
    why = NULL;
    double r, back;
    if (num_parse_real(s, &r, &why) == 0) {
        char buf[NUM_REAL_BUF];
        if (num_parse_real(num_fmt_real(buf, r), &back, &why) != 0 || back != r)
            abort();
        if (num_parse_dec(s, &micro, &why) == 0 && r != (double)micro)
            abort();        /* up to 6 places: the very number of micro-units */
    } else if (!why) {
        abort();
    }
    free(s);
    return 0;
}
