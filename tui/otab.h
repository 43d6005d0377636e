/* otab — the CSV files of an output directory, read by column name.
 *
 * A report reads what run, compare and sweep wrote (docs/outputs.md): the
 * columns it needs are found by their header names, wherever they stand,
 * and columns or rows it does not know are kept out of its way, so a
 * newer file still reads. Numbers are read without the locale (num.h). A
 * file that is not there is not an error: the caller says so on the page.
 * Every problem is added to a diag as FILE:LINE: column NAME: what
 * (expected). */
#ifndef COINSIM_OTAB_H
#define COINSIM_OTAB_H

#include <stddef.h>

#include "../sim/csvread.h"
#include "../sim/diag.h"

/* ------------------------------------------------------ streaming a file */

/* An open file and its header. */
typedef struct ocsv ocsv;

/* Open dir/name. Returns 1 open (*out set), 0 when the file is not there,
 * -1 after an error added to d (unreadable, no header). */
int ocsv_open(const char *dir, const char *name, ocsv **out, diag *d);
/* The name used in messages (DIR/NAME). */
const char *ocsv_label(const ocsv *c);
/* The header's cells. */
size_t ocsv_ncols(const ocsv *c);
const char *ocsv_colname(const ocsv *c, size_t i);
/* Index of column name, or -1 (need: after "no column NAME" in d). */
int ocsv_col(const ocsv *c, const char *name);
int ocsv_need(const ocsv *c, const char *name, diag *d);
/* The next row: 1, 0 at the end, -1 after an error in d (bad quoting, or
 * not as many cells as the header). */
int ocsv_next(ocsv *c, csvr_row *row);
/* Cell col of row as a number; an empty cell is NaN. Not a number: NaN
 * and an error in d naming the line and column. Numbers are read as
 * micro-units in a double (num_parse_real), not in an int64, so nothing
 * caps them near 9.2e12 (INT64_MAX micro-units); only a double's range
 * and its 15-16 significant digits bound them. */
double ocsv_num(const ocsv *c, const csvr_row *row, int col);
/* The same for a column whose format says it is never empty
 * (timeseries.csv): an empty cell is NaN and an error in d too. */
double ocsv_num_full(const ocsv *c, const csvr_row *row, int col);
/* Close; ocsv_close(NULL) does nothing. */
void ocsv_close(ocsv *c);

/* ------------------------------------------------------- a whole table */

#define OTAB_LABS 4
#define OTAB_VALS 8

/* A row: its label cells (as named when loaded), its figures as numbers
 * and as written (the exact text, for a tooltip). */
typedef struct orow {
    char *lab[OTAB_LABS];
    double v[OTAB_VALS];
    char *txt[OTAB_VALS];
    long line;
} orow;

typedef struct otab {
    char *file; /* DIR/NAME, for messages */
    orow *rows;
    size_t n;
    int nlab, nval;
} otab;

/* The columns of summary.csv's statistics, in the order of orow.v. */
extern const char *const otab_stats[OTAB_VALS];
enum { OT_MEAN, OT_SD, OT_LO, OT_HI, OT_P5, OT_P50, OT_P95, OT_RUNS };

/* Load dir/name keeping, for every row, the nlab text columns labs and
 * the nval numeric columns vals (all required). Returns 1 loaded (*out
 * set; otab_free it), 0 when the file is not there, -1 after errors in d. */
int otab_load(const char *dir, const char *name, const char *const *labs, int nlab,
              const char *const *vals, int nval, otab **out, diag *d);
/* A statistics file (summary.csv's columns) with labels labs. */
int otab_load_stats(const char *dir, const char *name, const char *const *labs, int nlab,
                    otab **out, diag *d);
/* The first row whose labels 0..k) are l[0..k), or NULL. */
const orow *otab_find(const otab *t, const char *const *l, int k);
/* The first row whose first label is name: otab_find(t, &name, 1). */
const orow *otab_get(const otab *t, const char *name);
void otab_free(otab *t);

#endif
