/* csvread — rows of an RFC 4180 file, streamed through libcsv.
 *
 * Each row carries the line it starts on, so every later complaint can say
 * FILE:LINE. A UTF-8 BOM is dropped, LF and CRLF both end rows, rows whose
 * first cell starts with '#' and rows with no text are skipped. Memory is
 * bounded by the longest row, not the length of the file.
 *
 * Cells are separated by commas, or by semicolons if the header (the first
 * line that is neither a comment nor blank) has more semicolons than
 * commas outside quotes: what a spreadsheet saves where the comma is the
 * decimal separator. */
#ifndef COINSIM_CSVREAD_H
#define COINSIM_CSVREAD_H

#include <stddef.h>

#include "diag.h"

typedef struct csvr csvr;

typedef struct csvr_row {
    size_t n;     /* number of cells */
    char **cells; /* NUL-terminated; valid until the next csvr_next */
    long line;    /* line the row starts on, from 1 */
} csvr_row;

/* Open path for reading. On failure adds an error to d and returns NULL.
 * label is the name used in messages (often the path itself). */
csvr *csvr_open(const char *path, const char *label, diag *d);

/* Read the next data row: 1 a row, 0 the end, -1 an error added to d
 * (malformed quoting, binary data, bad UTF-8, read failure). */
int csvr_next(csvr *r, csvr_row *row);

/* The separator of cells, ',' or ';' (decided by the header: ',' until
 * it has been read). In a ';' file a decimal comma is a decimal point. */
char csvr_delim(const csvr *r);

/* Close and free; csvr_close(NULL) does nothing. */
void csvr_close(csvr *r);

#endif
