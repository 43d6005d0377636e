/* fuzz_csv — libFuzzer harness for sim/csvread.c.
 *
 * The input is written as a file (a temporary directory made once per
 * process) and every row is read with csvr_open/csvr_next, touching each
 * cell so that AddressSanitizer sees any cell that is not a NUL-terminated
 * string inside its buffer. Errors go to a diag, which is cleared, so leaks
 * show. Seeds: the CSV fixtures (tests/fuzz/corpus/csv/).
 * Run with `make fuzz` (all harnesses) or build-fuzz/fuzz_csv DIR. */
#define _POSIX_C_SOURCE 200809L
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvread.h"
#include "diag.h"

#include "fuzzutil.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *path;         /* the input's file (fuzz_tmpfile) */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    path = fuzz_tmpfile("csv", "t.csv");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_write(path, data, size);

    diag d = {0};
    csvr *r = csvr_open(path, "t.csv", &d);
    if (r) {
        csvr_row row;
        long last = 0;
        int rc;
        size_t total = 0;
        while ((rc = csvr_next(r, &row)) > 0) {
            if (row.n == 0 || row.line < 1 || row.line < last)
                abort();    /* skipped empty rows never come out; lines go forward */
            last = row.line;
            for (size_t i = 0; i < row.n; i++)
                total += strlen(row.cells[i]);
        }
        if (rc < 0 && d.errors == 0)
            abort();        /* an error is always reported */
        (void)total;
        csvr_close(r);
    }
    diag_clear(&d);
    return 0;
}
