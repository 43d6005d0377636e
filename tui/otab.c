#define _POSIX_C_SOURCE 200809L
#include "otab.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../sim/num.h"

struct ocsv {
    csvr *r;
    diag *d;
    char *label;
    char **cols;
    size_t ncols;
    long header_line;
};

const char *const otab_stats[OTAB_VALS] = {"mean", "sd",  "ci95_low", "ci95_high",
                                           "p5",   "p50", "p95",      "runs"};

void ocsv_close(ocsv *c)
{
    if (!c)
        return;
    csvr_close(c->r);
    for (size_t i = 0; i < c->ncols; i++)
        free(c->cols[i]);
    free(c->cols);
    free(c->label);
    free(c);
}

/* Keep the header row's cells. */
static int keep_header(ocsv *c, const csvr_row *h)
{
    if (!(c->cols = calloc(h->n ? h->n : 1, sizeof *c->cols)))
        return -1;
    for (size_t i = 0; i < h->n; i++)
        if (!(c->cols[c->ncols++] = strdup(h->cells[i])))
            return -1;
    c->header_line = h->line;
    return 0;
}

int ocsv_open(const char *dir, const char *name, ocsv **out, diag *d)
{
    char path[4096];
    struct stat st;
    *out = NULL;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (stat(path, &st) < 0 && errno == ENOENT)
        return 0;
    ocsv *c = calloc(1, sizeof *c);
    if (!c || !(c->label = strdup(path))) {
        diag_add(d, DIAG_ERROR, path, 0, NULL, "out of memory");
        free(c);
        return -1;
    }
    c->d = d;
    if (!(c->r = csvr_open(path, path, d))) {
        ocsv_close(c);
        return -1;
    }
    csvr_row h;
    int k = csvr_next(c->r, &h);
    if (k == 0)
        diag_add(d, DIAG_ERROR, path, 0, NULL, "empty file (expected a header row)");
    if (k == 1 && keep_header(c, &h) < 0) {
        diag_add(d, DIAG_ERROR, path, 0, NULL, "out of memory");
        k = -1;
    }
    if (k != 1) {
        ocsv_close(c);
        return -1;
    }
    *out = c;
    return 1;
}

const char *ocsv_label(const ocsv *c) { return c->label; }
size_t ocsv_ncols(const ocsv *c) { return c->ncols; }
const char *ocsv_colname(const ocsv *c, size_t i) { return c->cols[i]; }

int ocsv_col(const ocsv *c, const char *name)
{
    for (size_t i = 0; i < c->ncols; i++)
        if (strcmp(c->cols[i], name) == 0)
            return (int)i;
    return -1;
}

int ocsv_need(const ocsv *c, const char *name, diag *d)
{
    int k = ocsv_col(c, name);
    if (k < 0)
        diag_add(d, DIAG_ERROR, c->label, c->header_line, name,
                 "no such column in the header (expected the columns of docs/outputs.md)");
    return k;
}

int ocsv_next(ocsv *c, csvr_row *row)
{
    int k = csvr_next(c->r, row);
    if (k == 1 && row->n != c->ncols) {
        diag_add(c->d, DIAG_ERROR, c->label, row->line, NULL,
                 "%zu cells (expected %zu, as many as the header has)", row->n, c->ncols);
        return -1;
    }
    return k;
}

double ocsv_num(const ocsv *c, const csvr_row *row, int col)
{
    const char *s = row->cells[col], *why;
    char buf[128];
    double micro;
    if (!*s)
        return NAN;
    /* A spreadsheet that saved with ';' wrote a decimal comma. */
    snprintf(buf, sizeof buf, "%s", s);
    if (csvr_delim(c->r) == ';')
        for (char *p = buf; *p; p++)
            if (*p == ',')
                *p = '.';
    if (strlen(s) >= sizeof buf || num_parse_real(buf, &micro, &why) < 0) {
        diag_add(c->d, DIAG_ERROR, c->label, row->line, c->cols[col],
                 "\"%.40s\" is not a number (%s)", s, strlen(s) >= sizeof buf ? "too long" : why);
        return NAN;
    }
    return micro / 1e6;
}

double ocsv_num_full(const ocsv *c, const csvr_row *row, int col)
{
    if (!*row->cells[col]) {
        diag_add(c->d, DIAG_ERROR, c->label, row->line, c->cols[col],
                 "empty (expected a number: this file has one in every cell)");
        return NAN;
    }
    return ocsv_num(c, row, col);
}

/* ------------------------------------------------------- a whole table */

void otab_free(otab *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++) {
        for (int k = 0; k < t->nlab; k++)
            free(t->rows[i].lab[k]);
        for (int k = 0; k < t->nval; k++)
            free(t->rows[i].txt[k]);
    }
    free(t->rows);
    free(t->file);
    free(t);
}

/* Append row r's wanted cells (columns at[0..nlab+nval)) to t. */
static int add_row(otab *t, ocsv *c, const csvr_row *r, const int *at, size_t *cap)
{
    if (t->n == *cap) {
        size_t nc = *cap ? *cap * 2 : 64;
        orow *nr = realloc(t->rows, nc * sizeof *nr);
        if (!nr)
            return -1;
        t->rows = nr;
        *cap = nc;
    }
    orow *o = &t->rows[t->n++];
    memset(o, 0, sizeof *o);
    o->line = r->line;
    for (int k = 0; k < t->nlab; k++)
        if (!(o->lab[k] = strdup(r->cells[at[k]])))
            return -1;
    for (int k = 0; k < t->nval; k++) {
        o->v[k] = ocsv_num(c, r, at[t->nlab + k]);
        if (!(o->txt[k] = strdup(r->cells[at[t->nlab + k]])))
            return -1;
    }
    return 0;
}

/* The rows of an open file into t; 0, or -1 after errors in d. */
static int read_rows(otab *t, ocsv *c, const int *at, diag *d)
{
    size_t cap = 0, before = d->errors;
    csvr_row r;
    int k;
    while ((k = ocsv_next(c, &r)) == 1)
        if (add_row(t, c, &r, at, &cap) < 0) {
            diag_add(d, DIAG_ERROR, t->file, r.line, NULL, "out of memory");
            return -1;
        }
    return k < 0 || d->errors > before ? -1 : 0;
}

int otab_load(const char *dir, const char *name, const char *const *labs, int nlab,
              const char *const *vals, int nval, otab **out, diag *d)
{
    ocsv *c;
    int at[OTAB_LABS + OTAB_VALS] = {0}, bad = 0;
    *out = NULL;
    int k = ocsv_open(dir, name, &c, d);
    if (k <= 0)
        return k;
    for (int i = 0; i < nlab + nval; i++)
        bad |= (at[i] = ocsv_need(c, i < nlab ? labs[i] : vals[i - nlab], d)) < 0;
    otab *t = calloc(1, sizeof *t);
    if (!bad && t && (t->file = strdup(c->label))) {
        t->nlab = nlab;
        t->nval = nval;
        bad = read_rows(t, c, at, d) < 0;
    } else if (!bad) {
        diag_add(d, DIAG_ERROR, c->label, 0, NULL, "out of memory");
        bad = 1;
    }
    ocsv_close(c);
    if (bad) {
        otab_free(t);
        return -1;
    }
    *out = t;
    return 1;
}

int otab_load_stats(const char *dir, const char *name, const char *const *labs, int nlab,
                    otab **out, diag *d)
{
    return otab_load(dir, name, labs, nlab, otab_stats, OTAB_VALS, out, d);
}

const orow *otab_find(const otab *t, const char *const *l, int k)
{
    for (size_t i = 0; t && i < t->n; i++) {
        int j = 0;
        while (j < k && strcmp(t->rows[i].lab[j], l[j]) == 0)
            j++;
        if (j == k)
            return &t->rows[i];
    }
    return NULL;
}

const orow *otab_get(const otab *t, const char *name) { return otab_find(t, &name, 1); }
