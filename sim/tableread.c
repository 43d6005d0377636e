/* tableread — one table file of a scenario read into rows: its header
 * matched to the schema's columns (whatever their case and surrounding
 * blanks), each data row fitted to the header (a spreadsheet's empty
 * columns dropped, a number split in two cells by its decimal comma
 * joined) and, for the list tables, its cells parsed. Every problem of a
 * file is reported, not only the first. */
#define _XOPEN_SOURCE 700
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvread.h"
#include "scenario_int.h"

static int blank(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return !*s;
}

/* Whether header cell h names the column name (lower case): a header is
 * matched whatever its case and surrounding blanks ("Price_USD "). ASCII
 * only, so no locale changes the answer. */
static int header_is(const char *h, const char *name)
{
    while (*h == ' ' || *h == '\t')
        h++;
    for (; *name; h++, name++) {
        char c = (*h >= 'A' && *h <= 'Z') ? (char)(*h - 'A' + 'a') : *h;
        if (c != *name)
            return 0;
    }
    return blank(h);
}

/* Header cell h as header_is reads it, blanks around it dropped and ASCII
 * letters lowered, in out (n bytes; "" if it does not fit). */
static void header_name(const char *h, char *out, size_t n)
{
    size_t len = 0;
    while (*h == ' ' || *h == '\t')
        h++;
    for (; *h && len + 1 < n; h++)
        out[len++] = (*h >= 'A' && *h <= 'Z') ? (char)(*h - 'A' + 'a') : *h;
    while (len > 0 && (out[len - 1] == ' ' || out[len - 1] == '\t'))
        len--;
    out[*h ? 0 : len] = '\0';
}

static const sc_field *find_column(const table_desc *td, const char *h)
{
    for (size_t i = 0; i < td->nfields; i++)
        if (header_is(h, td->fields[i].name))
            return &td->fields[i];
    return NULL;
}

/* The cells of a row up to the last one with text: the header's named
 * columns, or a data row's width. Empty cells after it are a
 * spreadsheet's unused columns. */
static size_t text_width(const csvr_row *row)
{
    size_t n = row->n;
    while (n > 0 && blank(row->cells[n - 1]))
        n--;
    return n;
}

/* Whether cells k and k+1 of row may be one number split in two by its
 * decimal comma, an unquoted 0,5: sign and digits, then digits. */
static int split_pair(const csvr_row *row, size_t k)
{
    if (k + 1 >= row->n)
        return 0;
    const char *a = row->cells[k], *b = row->cells[k + 1];
    a += (*a == '+' || *a == '-');
    return *a && *b && strspn(a, "0123456789") == strlen(a) && strspn(b, "0123456789") == strlen(b);
}

#define MAX_COLS 64

void tableread_width_error(diag *d, const char *file, long line, size_t got, size_t want)
{
    diag_add(d, DIAG_ERROR, file, line, NULL,
             "%zu cells in this row (expected %zu, as in the header)", got, want);
}

/* Count (up to 2) the ways of reading row's cells as the width columns,
 * joining split pairs where may_join allows, with only empty cells left
 * over; first gets the joins of the first way (no join tried before a
 * join). The ways from column ci on depend only on ci and the joins made
 * so far, so they are counted once each, back to front: O(width^2) steps
 * whatever the row. */
static int joins(const csvr_row *row, const unsigned char *may_join, size_t width,
                 unsigned char *first)
{
    unsigned char ways[MAX_COLS + 1][MAX_COLS + 2]; /* [ci][joins so far] */
    size_t tw = text_width(row);

    for (size_t j = 0; j <= width; j++)
        ways[width][j] = width + j >= tw && width + j <= row->n;
    for (size_t ci = width; ci-- > 0;)
        for (size_t j = 0; j <= ci; j++) {
            size_t k = ci + j;
            int w = 0;
            if (k < row->n) {
                w = ways[ci + 1][j];
                if (may_join[ci] && split_pair(row, k))
                    w += ways[ci + 1][j + 1];
            }
            ways[ci][j] = (unsigned char)(w > 2 ? 2 : w);
        }
    if (ways[0][0] == 1)
        for (size_t ci = 0, j = 0; ci < width; ci++) {
            first[ci] = !ways[ci + 1][j];
            j += first[ci];
        }
    return ways[0][0];
}

/* A data row read under the header's width named columns (at most
 * MAX_COLS): cell[i] is the text under column i. */
typedef struct fitted {
    const char *cell[MAX_COLS];
    unsigned char joined[MAX_COLS]; /* two cells joined at a decimal comma */
    char *buf;                      /* the joined texts; fit_done frees */
} fitted;

/* Fit row to the header, which has width named columns of hn cells.
 * Empty cells to the right of the named ones are dropped. Text there is
 * a number split by its decimal comma when exactly one way of joining
 * pairs of cells (in columns may_join allows) fits the row; else a value
 * under an empty header cell (reported, the row still read), or a row of
 * the wrong length. Returns 0, or -1 with the problem added to d. */
static int fit_row(const char *path, const csvr_row *row, const unsigned char *may_join,
                   size_t width, size_t hn, fitted *ft, diag *d)
{
    size_t tw = text_width(row);
    unsigned char first[MAX_COLS];

    memset(ft->joined, 0, sizeof ft->joined);
    ft->buf = NULL;
    if (row->n < width) {
        tableread_width_error(d, path, row->line, row->n, width);
        return -1;
    }
    if (tw > width && joins(row, may_join, width, first) == 1) {
        size_t len = 0;
        for (size_t j = 0; j < row->n; j++)
            len += strlen(row->cells[j]) + 1;
        char *p = ft->buf = malloc(len + 1);
        if (!p) {
            diag_add(d, DIAG_ERROR, path, row->line, NULL, "out of memory");
            return -1;
        }
        for (size_t i = 0, k = 0; i < width; i++) {
            ft->cell[i] = row->cells[k++];
            if ((ft->joined[i] = first[i])) {
                size_t a = strlen(row->cells[k - 1]), b = strlen(row->cells[k]);
                memcpy(p, row->cells[k - 1], a);
                p[a] = ',';
                memcpy(p + a + 1, row->cells[k++], b + 1);
                ft->cell[i] = p;
                p += a + b + 2;
            }
        }
        return 0;
    }
    if (tw > hn) {
        tableread_width_error(d, path, row->line, tw, hn);
        return -1;
    }
    for (size_t k = width; k < tw; k++)
        if (!blank(row->cells[k]))
            diag_add(d, DIAG_ERROR, path, row->line, "(empty)",
                     "value \"%.60s\" in column %zu, which has no name in the header (expected a "
                     "name above it, or an empty cell)",
                     row->cells[k], k + 1);
    for (size_t i = 0; i < width; i++)
        ft->cell[i] = row->cells[i];
    return 0;
}

static void fit_done(fitted *ft)
{
    free(ft->buf);
    ft->buf = NULL;
}

/* ------------------------------------------------------------ list tables */

/* A list table's header: the field of each of its width named columns
 * (NULL where not understood) and those that may join split cells. */
typedef struct header {
    const sc_field *col[MAX_COLS];
    unsigned char may_join[MAX_COLS];
    size_t width, hn; /* named columns, cells */
    long line;
} header;

/* Match the header row's named columns to td's fields, each problem
 * reported (fl: td's field list). */
static void match_columns(const table_desc *td, const csvr_row *row, header *h, const char *fl,
                          const char *path, diag *d)
{
    unsigned char present[MAX_COLS] = {0};
    for (size_t i = 0; i < h->width; i++) {
        const sc_field *f = blank(row->cells[i]) ? NULL : find_column(td, row->cells[i]);
        char name[64], why[200];
        h->col[i] = f;
        header_name(row->cells[i], name, sizeof name);
        if (!f && schema_gone(td, name, why, sizeof why)) {
            diag_add(d, DIAG_ERROR, path, h->line, row->cells[i], "%s", why);
            continue;
        }
        if (!f) {
            diag_add(d, DIAG_ERROR, path, h->line, blank(row->cells[i]) ? "(empty)" : row->cells[i],
                     "unknown column (expected one of %s)", fl);
            continue;
        }
        size_t fi = (size_t)(f - td->fields);
        if (present[fi]) {
            diag_add(d, DIAG_ERROR, path, h->line, f->name,
                     "column appears twice in the header (expected once)");
            h->col[i] = NULL;
        }
        present[fi] = 1;
        h->may_join[i] = h->col[i] && schema_decimal(f);
    }
    const char *either[2] = {NULL, NULL};
    size_t neither = 0, given = 0;
    /* Both of two FLD_EITHER columns: the second is refused once here and
     * its cells not read (no "empty value" on every row). */
    for (size_t i = 0, seen = 0; i < h->width; i++)
        if (h->col[i] && (h->col[i]->flags & FLD_EITHER) && seen++)
            h->col[i] = NULL;
    for (size_t i = 0; i < td->nfields; i++) {
        if ((td->fields[i].flags & FLD_REQUIRED) && !present[i])
            diag_add(d, DIAG_ERROR, path, h->line, td->fields[i].name,
                     "required column missing (expected \"%s\" in the header)", td->fields[i].name);
        if ((td->fields[i].flags & FLD_EITHER) && neither < 2) {
            either[neither++] = td->fields[i].name;
            given += present[i];
        }
    }
    if (neither == 2 && given != 1)
        diag_add(d, DIAG_ERROR, path, h->line, either[0],
                 given ? "both \"%s\" and \"%s\" in the header (expected one of them: %s in the "
                         "region's currency, %s where that is USD)"
                       : "required column missing (expected \"%s\" or \"%s\" in the header: %s "
                         "in the region's currency, %s where that is USD)",
                 either[0], either[1], either[0], either[1]);
}

/* Read the header row of a list table into h. The rows are read even
 * after a problem in it, skipping the columns not understood, so that all
 * of a file's problems show at once; returns -1 only if there is no
 * header, or one too wide to read under. */
static int read_header(csvr *r, const table_desc *td, const char *path, header *h, diag *d)
{
    csvr_row row;
    char fl[400];
    schema_field_list(td, fl, sizeof fl);
    int rc = csvr_next(r, &row);
    if (rc <= 0) {
        if (rc == 0)
            diag_add(d, DIAG_ERROR, path, 0, NULL, "no header row (expected columns %s)", fl);
        return -1;
    }
    memset(h->may_join, 0, sizeof h->may_join);
    h->line = row.line;
    h->hn = row.n;
    h->width = text_width(&row);
    if (h->width > MAX_COLS) {
        diag_add(d, DIAG_ERROR, path, h->line, NULL,
                 "%zu columns in the header (expected at most %zu)", h->width, td->nfields);
        return -1;
    }
    match_columns(td, &row, h, fl, path, d);
    return 0;
}

/* The rows of a list table as they are read, with the line of each. */
typedef struct rowset {
    char *a; /* rows of td->size bytes */
    long *line;
    size_t n, cap;
} rowset;

/* A new row of rs, at its defaults, read from line. NULL out of memory,
 * with rs's arrays freed. */
static void *add_row(rowset *rs, const table_desc *td, long line)
{
    if (rs->n == rs->cap) {
        size_t nc = rs->cap ? rs->cap * 2 : 16;
        char *na = realloc(rs->a, nc * td->size);
        long *nl = realloc(rs->line, nc * sizeof *nl);
        if (!na || !nl) {
            free(na ? na : rs->a);
            free(nl ? nl : rs->line);
            return NULL;
        }
        rs->a = na;
        rs->line = nl;
        rs->cap = nc;
    }
    void *e = rs->a + rs->n * td->size;
    memset(e, 0, td->size);
    schema_defaults(e, td->fields, td->nfields);
    rs->line[rs->n++] = line;
    return e;
}

/* Parse the cells of a fitted row into row e, each problem reported. */
static void parse_cells(const header *h, const fitted *ft, enum comma how, void *e,
                        const char *path, long line, diag *d)
{
    char exp[400], buf[400];
    for (size_t i = 0; i < h->width; i++) {
        const sc_field *f = h->col[i];
        if (!f)
            continue; /* not understood: refused in the header */
        const char *s = ft->cell[i];
        parsed v = {0};
        const char *why;
        if (!*s && !(f->flags & (FLD_REQUIRED | FLD_EITHER)))
            continue; /* empty optional cell: default */
        if (!*s) {
            diag_add(d, DIAG_ERROR, path, line, f->name, "empty value (expected %s)",
                     schema_expect(f, exp, sizeof exp));
            continue;
        }
        if (schema_parse(f, s, ft->joined[i] ? COMMA_SPLIT : how, &v, buf, sizeof buf, &why) < 0) {
            diag_add(d, DIAG_ERROR, path, line, f->name, "%s", why);
            continue;
        }
        char *sv = NULL;
        if (f->type == F_NAME && !(sv = strdup(s))) {
            diag_add(d, DIAG_ERROR, path, line, NULL, "out of memory");
            continue;
        }
        schema_store(e, f, &v, sv);
    }
}

/* Names are unique within a table: the last row of rs, read from line,
 * against those before it. */
static void check_unique(const rowset *rs, const table_desc *td, const char *path, long line,
                         diag *d)
{
    const char *nm = *(char **)(rs->a + (rs->n - 1) * td->size);
    for (size_t j = 0; nm && j + 1 < rs->n; j++) {
        const char *other = *(char **)(rs->a + j * td->size);
        if (other && strcmp(other, nm) == 0) {
            diag_add(d, DIAG_ERROR, path, line, "name",
                     "duplicate name \"%s\" (first on line %ld; names are unique within a table)",
                     nm, rs->line[j]);
            break;
        }
    }
}

int tableread_rows(const table_desc *td, const char *path, void **arr, size_t *n, diag *d)
{
    csvr *r = csvr_open(path, path, d);
    csvr_row row;
    header h;
    rowset rs = {0};
    size_t errs0 = d->errors;
    int rc;

    *arr = NULL;
    *n = 0;
    if (!r)
        return -1;
    if (read_header(r, td, path, &h, d) < 0) {
        csvr_close(r);
        return -1;
    }
    enum comma how = csvr_delim(r) == ';' ? COMMA_DEC : COMMA_SEP;
    while ((rc = csvr_next(r, &row)) > 0) {
        void *e = add_row(&rs, td, row.line);
        if (!e) {
            diag_add(d, DIAG_ERROR, path, row.line, NULL, "out of memory");
            csvr_close(r);
            return -1;
        }
        fitted ft;
        if (fit_row(path, &row, h.may_join, h.width, h.hn, &ft, d) < 0)
            continue;
        parse_cells(&h, &ft, how, e, path, row.line, d);
        fit_done(&ft);
        check_unique(&rs, td, path, row.line, d);
    }
    free(rs.line);
    csvr_close(r);
    *arr = rs.a;
    *n = rs.n;
    return (rc < 0 || d->errors > errs0) ? -1 : 0;
}

/* ----------------------------------------------------- fixed-column tables */

void rawlist_free(rawlist *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].a);
        free(l->v[i].b);
        free(l->v[i].c);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

/* Match the header row of a fixed-column table to cols (expect says them
 * all): idx[k] becomes the cell of cols[k]. Returns 0 if the rows can be
 * read under it, else -1; every problem is reported. */
static int fixed_header(const csvr_row *row, const char *path, const char *const *cols,
                        size_t ncols, const char *expect, int *idx, diag *d)
{
    size_t width = text_width(row);
    for (size_t i = 0; i < width; i++) {
        size_t k = ncols;
        if (!blank(row->cells[i]))
            for (k = 0; k < ncols && !header_is(row->cells[i], cols[k]); k++)
                ;
        if (k == ncols)
            diag_add(d, DIAG_ERROR, path, row->line,
                     blank(row->cells[i]) ? "(empty)" : row->cells[i],
                     "unknown column (expected %s)", expect);
        else if (idx[k] >= 0)
            diag_add(d, DIAG_ERROR, path, row->line, cols[k],
                     "column appears twice in the header (expected once)");
        else
            idx[k] = (int)i;
    }
    int readable = width <= MAX_COLS;
    for (size_t k = 0; k < ncols; k++)
        if (idx[k] < 0) {
            diag_add(d, DIAG_ERROR, path, row->line, cols[k],
                     "required column missing (expected \"%s\" in the header)", cols[k]);
            readable = 0;
        }
    return readable ? 0 : -1;
}

/* Append to out the cells idx[0..ncols) of row, as fitted in ft (the
 * value, last, in cell vi). Returns 0, or -1 out of memory. */
static int add_raw(rawlist *out, const csvr_row *row, const fitted *ft, const int *idx,
                   size_t ncols, size_t vi, const char *file)
{
    if (out->n == out->cap) {
        size_t nc = out->cap ? out->cap * 2 : 16;
        rawrow *nv = realloc(out->v, nc * sizeof *nv);
        if (!nv)
            return -1;
        out->v = nv;
        out->cap = nc;
    }
    rawrow *w = &out->v[out->n++];
    w->a = strdup(ft->cell[idx[0]]);
    w->b = strdup(ft->cell[idx[1]]);
    w->c = ncols > 2 ? strdup(ft->cell[idx[2]]) : NULL;
    w->line = row->line;
    w->file = file;
    w->split = ft->joined[vi] ? text_width(row) : 0;
    return (!w->a || !w->b || (ncols > 2 && !w->c)) ? -1 : 0;
}

/* The rows are read even after a problem in the header if its columns
 * are there. */
int tableread_fixed(const char *path, const char *const *cols, size_t ncols, rawlist *out,
                    const char *file, diag *d)
{
    if (ncols < 2 || ncols > 3) /* key,value or step,target,value */
        return -1;
    csvr *r = csvr_open(path, path, d);
    csvr_row row;
    int rc, idx[3] = {-1, -1, -1};
    size_t errs0 = d->errors;
    char expect[64];

    if (!r)
        return -1;
    snprintf(expect, sizeof expect, "%s,%s%s%s", cols[0], cols[1], ncols > 2 ? "," : "",
             ncols > 2 ? cols[2] : "");
    rc = csvr_next(r, &row);
    if (rc <= 0) {
        if (rc == 0)
            diag_add(d, DIAG_ERROR, path, 0, NULL, "no header row (expected columns %s)", expect);
        csvr_close(r);
        return -1;
    }
    size_t hn = row.n, width = text_width(&row);
    if (fixed_header(&row, path, cols, ncols, expect, idx, d) < 0) {
        csvr_close(r);
        return -1;
    }
    out->how = csvr_delim(r) == ';' ? COMMA_DEC : COMMA_SEP;
    unsigned char may_join[MAX_COLS] = {0};
    size_t vi = (size_t)idx[ncols - 1];
    may_join[vi] = 1;
    while ((rc = csvr_next(r, &row)) > 0) {
        fitted ft;
        if (fit_row(path, &row, may_join, width, hn, &ft, d) < 0)
            continue;
        int bad = add_raw(out, &row, &ft, idx, ncols, vi, file);
        fit_done(&ft);
        if (bad) {
            diag_add(d, DIAG_ERROR, path, row.line, NULL, "out of memory");
            break;
        }
    }
    csvr_close(r);
    return (rc < 0 || d->errors > errs0) ? -1 : 0;
}
