/* scenario_int — what the files of the scenario module share, and nothing
 * outside them includes: the field schema (schema.c), reading one table
 * file (tableread.c), change resolution (change.c) and the timeline
 * (timeline.c). The public face is scenario.h. */
#ifndef COINSIM_SCENARIO_INT_H
#define COINSIM_SCENARIO_INT_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "scenario.h"

/* ---------------------------------------------------------------- schema */

/* F_MONEY and F_RATE are exact to 6 places (int64 micro-units); F_REAL,
 * a behaviour parameter that is a real number rather than an amount, takes
 * any decimal (a double in micro-units, see scenario.h). */
enum ftype { F_NAME, F_TEXT, F_PATH, F_INT, F_SEED, F_MONEY, F_RATE, F_REAL, F_CHANNEL, F_BOOL };

/* sc_field.flags */
enum {
    FLD_REQUIRED = 1,   /* a list table's column that must be there */
    FLD_SHAPE = 2,      /* fixed once a run starts: only --set changes it */
    FLD_RECOMPUTED = 4, /* replay recomputes money from it (what-if) */
    FLD_PAIRS = 8,      /* pairs runs: both sides of a compare must share it */
    FLD_EITHER = 16,    /* one of a table's FLD_EITHER columns, and only one, must
                         * be there (a pack's price and price_usd); its cells
                         * may not be empty */
    FLD_USD = 32        /* an amount in USD for a row that holds its region's
                         * currency: only where that currency is USD */
};

/* (8 bytes of padding in a few static tables: the initializers read in
 * this order.) */
typedef struct sc_field { // NOLINT(clang-analyzer-optin.performance.Padding)
    const char *name;
    enum ftype type;
    size_t off;
    unsigned flags; /* FLD_* */
    int64_t dflt, lo, hi;
} sc_field;

typedef struct table_desc {
    const char *file; /* file name in the directory */
    const char *key;  /* table name in targets */
    const char *noun; /* for "no pack named X" */
    const sc_field *fields;
    size_t nfields;
    size_t size;  /* of a row */
    int optional; /* may be absent from a scenario and its bases: no rows */
} table_desc;

/* Every table of a scenario, by enum sc_table. */
extern const table_desc schema_tables[SC_NTABLES];

/* The list tables, rows with a name (the first field of each): those from
 * SC_LIST_FIRST up to, not including, SC_LIST_END. */
enum { SC_LIST_FIRST = SC_PACKS, SC_LIST_END = SC_TIMELINE };

/* The rows of list table k in t (schema_tables[k].size bytes each), their
 * number in *n. */
void *schema_rows(const sc_tables *t, int k, size_t *n);

/* Make rows (n of them) t's list table k; what it held is not freed. */
void schema_set_rows(sc_tables *t, int k, void *rows, size_t n);

/* If name (lower case: a list table's column or a target's field) is one
 * that td had in an earlier model version, why it is refused, "gone in model
 * version 2 (expected ... instead: see docs/model.md)", in buf; else NULL. */
const char *schema_gone(const table_desc *td, const char *name, char *buf, size_t n);

/* A parsed value; which member holds it depends on the field's type. */
typedef struct parsed {
    int64_t i;
    uint64_t u;
    double r;
} parsed;

/* How a comma in a value is to be read. */
enum comma {
    COMMA_SEP,   /* a comma-separated file or the command line: an error */
    COMMA_DEC,   /* a semicolon-separated file: a decimal comma, "0,5" = 0.5 */
    COMMA_SPLIT, /* the value is two cells of a row joined at the comma
                       that split them: an unquoted 0,5 */
};

/* What f takes, for "(expected ...)": static text or in buf. */
const char *schema_expect(const sc_field *f, char *buf, size_t n);

/* Whether f takes a decimal (money, a rate or a real). */
int schema_decimal(const sc_field *f);

/* Parse text s for field f, a comma in it read as how says. Returns 0, or
 * -1 with why (static or in buf). */
int schema_parse(const sc_field *f, const char *s, enum comma how, parsed *v, char *buf,
                 size_t bufsz, const char **why);

/* Store v (or the text sv, whose ownership passes to row) in row's f. */
void schema_store(void *row, const sc_field *f, const parsed *v, char *sv);

/* Set each of the n fields fs of row to its default (texts untouched). */
void schema_defaults(void *row, const sc_field *fs, size_t n);

/* The field of td named name, or NULL. */
const sc_field *schema_field(const table_desc *td, const char *name);

/* "a, b, c": the names of td's fields, for "(expected one of ...)". */
void schema_field_list(const table_desc *td, char *buf, size_t n);

/* Row's f as text, the way a scenario file writes it. */
void schema_format(const void *row, const sc_field *f, char *buf, size_t n);

/* ------------------------------------------------------------ table files */

/* A raw key/value or timeline row, kept until the whole chain is known. */
typedef struct rawrow {
    char *a, *b, *c;
    long line;
    const char *file;
    size_t split; /* the value was two cells joined at a comma
                                  (0,5 unquoted): the row's cells, else 0 */
} rawrow;

typedef struct rawlist {
    rawrow *v;
    size_t n, cap;
    enum comma how; /* the file's: COMMA_DEC if ';'-separated */
    size_t errs;    /* problems its file had (the timeline's) */
} rawlist;

void rawlist_free(rawlist *l);

/* Load a list table (packs, gifts, segments, sinks) from path into arr and n
 * (malloc'd rows of td->size). Returns 0 or -1 (errors in d). */
int tableread_rows(const table_desc *td, const char *path, void **arr, size_t *n, diag *d);

/* Read a table of fixed columns (params: key,value; timeline:
 * step,target,value; value last) into raw rows of out, each naming file.
 * Returns 0 or -1 (errors in d). */
int tableread_fixed(const char *path, const char *const *cols, size_t ncols, rawlist *out,
                    const char *file, diag *d);

/* A row of got cells where the header has want. */
void tableread_width_error(diag *d, const char *file, long line, size_t got, size_t want);

/* --------------------------------------------------------------- changes */

/* Find the field target names (table, row and field; shape fields only if
 * allow_shape). Returns 0, or -1 with why (possibly in buf). */
int sc_target_find(const sc_tables *t, const char *target, int allow_shape, int *table_out,
                   size_t *index_out, const sc_field **field_out, char *buf, size_t bufsz,
                   const char **why);

/* scenario_resolve, with a comma in value read as how says. */
int sc_change_resolve(const sc_tables *t, const char *target, const char *value, int allow_shape,
                      enum comma how, sc_change *c, char *buf, size_t bufsz, const char **column,
                      const char **why);

/* -------------------------------------------------------------- timeline */

/* Resolve the raw timeline rows tl into s->timeline and order them.
 * Returns 0 or -1 (errors in d). */
int sc_timeline_compile(scenario *s, const rawlist *tl, diag *d);

/* (Re)compute s->tl_order. Returns 0 or -1 out of memory. */
int sc_timeline_order(scenario *s);

#endif
