/* scenario — a scenario directory and the scenario in memory: loading
 * its tables layer by layer (a directory's own files over those of the
 * base it extends), the copies a run or a thread takes, and saving it as
 * a standalone directory again. What one field is lives in schema.c, how
 * one table file is read in tableread.c, changes in change.c and the
 * timeline in timeline.c. */
#define _XOPEN_SOURCE 700
#include "scenario.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "afile.h"
#include "csvwrite.h"
#include "num.h"
#include "scenario_int.h"

static char *path_join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s%s%s", dir, (*dir && dir[strlen(dir) - 1] == '/') ? "" : "/", name);
    return p;
}

static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Free t's list tables with their names (every F_NAME field of a row:
 * the row's own and those naming a row of another table). */
static void free_tables(sc_tables *t)
{
    for (int k = SC_LIST_FIRST; k < SC_LIST_END; k++) {
        size_t n;
        const table_desc *td = &schema_tables[k];
        void *rows = schema_rows(t, k, &n);
        for (size_t r = 0; r < n; r++)
            for (size_t f = 0; f < td->nfields; f++)
                if (td->fields[f].type == F_NAME)
                    free(*(char **)((char *)rows + r * td->size + td->fields[f].off));
        free(rows);
        schema_set_rows(t, k, NULL, 0);
    }
}

static void replace_file(scenario *s, int table, const char *path)
{
    free(s->file[table]);
    s->file[table] = strdup(path);
}

/* ---------------------------------------------------------------- layers */

/* The directories of the layers being loaded, innermost first: a base
 * already among them would make extends a cycle. */
typedef struct chain {
    char *real;
    struct chain *next;
} chain;

/* The real path of dir (malloc'd) if it is a directory that may be the
 * next layer under seen, depth deep; else NULL, the problem in d. */
static char *layer_dir(const char *dir, const chain *seen, int depth, diag *d)
{
    struct stat st;
    if (!*dir) {
        diag_add(d, DIAG_ERROR, "\"\"", 0, NULL, "an empty name (expected a scenario directory)");
        return NULL;
    }
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        diag_add(d, DIAG_ERROR, dir, 0, NULL, "%s (expected a scenario directory)",
                 stat(dir, &st) != 0 ? strerror(errno) : "not a directory");
        return NULL;
    }
    char *real = realpath(dir, NULL);
    if (!real) {
        diag_add(d, DIAG_ERROR, dir, 0, NULL, "%s", strerror(errno));
        return NULL;
    }
    for (const chain *c = seen; c; c = c->next) {
        if (strcmp(c->real, real) == 0) {
            diag_add(d, DIAG_ERROR, dir, 0, NULL,
                     "extends forms a cycle: this directory is its own base (expected a chain of "
                     "bases that ends)");
            free(real);
            return NULL;
        }
    }
    if (depth > 32) {
        diag_add(d, DIAG_ERROR, dir, 0, NULL,
                 "extends chain deeper than 32 (expected a short chain of bases)");
        free(real);
        return NULL;
    }
    return real;
}

/* Read dir's params.csv, if there is one, into params; *ext_row becomes
 * the row naming extends, or NULL. s->file[SC_PARAMS] becomes its path,
 * kept alive for the messages about its rows. Returns 0 or -1. */
static int layer_params(scenario *s, const char *dir, rawlist *params, const rawrow **ext_row,
                        diag *d)
{
    static const char *const pcols[] = {"key", "value"};
    int rc = 0;
    char *path = path_join(dir, "params.csv");
    *ext_row = NULL;
    if (path && file_exists(path)) {
        char *keep = strdup(path);
        if (tableread_fixed(path, pcols, 2, params, keep, d) < 0)
            rc = -1;
        free(s->file[SC_PARAMS]);
        s->file[SC_PARAMS] = keep;
        for (size_t i = 0; i < params->n; i++)
            if (strcmp(params->v[i].a, "extends") == 0)
                *ext_row = &params->v[i];
    }
    free(path);
    return rc;
}

static int load_layer(scenario *s, const char *dir, chain *seen, int depth, rawlist *tl, diag *d);

/* Load the base that row ext of dir's params.csv extends, as the layer
 * under me. Returns 0 or -1. */
static int layer_base(scenario *s, const char *dir, const rawrow *ext, chain *me, int depth,
                      rawlist *tl, diag *d)
{
    const char *extends = ext->b;
    if (!*extends) {
        diag_add(d, DIAG_ERROR, s->file[SC_PARAMS], ext->line, "value",
                 "empty value for extends (expected a directory path)");
        return -1;
    }
    int rc = 0;
    char *base = extends[0] == '/' ? strdup(extends) : path_join(dir, extends);
    /* A base that is not there is this line's fault: say so here, not at a
     * joined path the user never wrote. */
    struct stat bst;
    int berr = !base ? ENOMEM : stat(base, &bst) != 0 ? errno : !S_ISDIR(bst.st_mode) ? ENOTDIR : 0;
    if (berr) {
        diag_add(d, DIAG_ERROR, s->file[SC_PARAMS], ext->line, "value",
                 "extends \"%s\": %s (expected a scenario directory; a relative path starts from "
                 "this one)",
                 extends, strerror(berr));
        rc = -1;
    } else {
        /* The base's params.csv path replaces ours in s->file while it
         * loads; put ours back after. */
        char *mine = s->file[SC_PARAMS];
        s->file[SC_PARAMS] = NULL;
        size_t e0 = d->errors;
        if (load_layer(s, base, me, depth + 1, tl, d) < 0) {
            if (d->errors == e0)
                diag_add(d, DIAG_ERROR, mine, ext->line, "value", "cannot load base \"%s\"",
                         extends);
            rc = -1;
        }
        free(s->file[SC_PARAMS]);
        s->file[SC_PARAMS] = mine;
    }
    free(base);
    return rc;
}

/* Make arr (n rows) s's list table t, freeing the base's. */
static void replace_rows(scenario *s, int t, void *arr, size_t n)
{
    sc_tables old = {0};
    size_t on;
    void *rows = schema_rows(&s->t, t, &on);
    schema_set_rows(&old, t, rows, on);
    schema_set_rows(&s->t, t, arr, n);
    free_tables(&old);
}

/* This layer's list tables, and its timeline, replace the base's whole.
 * Returns 0 or -1. */
static int layer_tables(scenario *s, const char *dir, rawlist *tl, diag *d)
{
    static const char *const tcols[] = {"step", "target", "value"};
    int rc = 0;
    for (int t = SC_LIST_FIRST; t < SC_LIST_END; t++) {
        char *p = path_join(dir, schema_tables[t].file);
        if (p && file_exists(p)) {
            void *arr;
            size_t n;
            if (tableread_rows(&schema_tables[t], p, &arr, &n, d) < 0)
                rc = -1;
            replace_rows(s, t, arr, n);
            replace_file(s, t, p);
        }
        free(p);
    }
    char *tp = path_join(dir, "timeline.csv");
    if (tp && file_exists(tp)) {
        size_t e0 = d->errors;
        rawlist_free(tl);
        replace_file(s, SC_TIMELINE, tp);
        if (tableread_fixed(tp, tcols, 3, tl, s->file[SC_TIMELINE], d) < 0)
            rc = -1;
        tl->errs = d->errors - e0;
    }
    free(tp);
    return rc;
}

/* Set the param of row i of params over the base's. Returns 0 or -1;
 * *own_name is set if it was the name. */
static int apply_param(scenario *s, const rawlist *params, size_t i, int *own_name, diag *d)
{
    const rawrow *w = &params->v[i];
    const table_desc *td = &schema_tables[SC_PARAMS];
    const sc_field *f = schema_field(td, w->a);
    char buf[400], fl[400];
    const char *why;
    parsed v = {0};
    for (size_t j = 0; j < i; j++)
        if (strcmp(params->v[j].a, w->a) == 0) {
            diag_add(d, DIAG_ERROR, w->file, w->line, "key",
                     "key \"%s\" given twice (expected each key once; first on line %ld)", w->a,
                     params->v[j].line);
            return -1;
        }
    if (!f) {
        schema_field_list(td, fl, sizeof fl);
        diag_add(d, DIAG_ERROR, w->file, w->line, "key", "unknown key \"%s\" (expected one of %s)",
                 w->a, fl);
        return -1;
    }
    if (w->split && !schema_decimal(f)) {
        tableread_width_error(d, w->file, w->line, w->split, w->split - 1);
        return -1;
    }
    if (f->type == F_PATH)
        return 0;
    if (schema_parse(f, w->b, w->split ? COMMA_SPLIT : params->how, &v, buf, sizeof buf, &why) <
        0) {
        diag_add(d, DIAG_ERROR, w->file, w->line, "value", "%s: %s", w->a, why);
        return -1;
    }
    char *sv = f->type == F_TEXT ? strdup(w->b) : NULL;
    schema_store(&s->t.p, f, &v, sv);
    if (f->type == F_TEXT)
        *own_name = 1;
    return 0;
}

/* Load the layer in dir (real path not among seen) and, first, the bases
 * under it; the timeline file's raw rows go to tl. Returns 0 or -1. */
static int load_layer(scenario *s, const char *dir, chain *seen, int depth, rawlist *tl, diag *d)
{
    rawlist params = {0};
    const rawrow *ext;
    char *real = layer_dir(dir, seen, depth, d);
    if (!real)
        return -1;
    chain me = {real, seen};

    int rc = layer_params(s, dir, &params, &ext, d);
    if (ext && layer_base(s, dir, ext, &me, depth, tl, d) < 0)
        rc = -1;
    if (layer_tables(s, dir, tl, d) < 0)
        rc = -1;
    /* This layer's params override the base's one key at a time. */
    int own_name = 0;
    for (size_t i = 0; i < params.n; i++)
        if (apply_param(s, &params, i, &own_name, d) < 0)
            rc = -1;
    if (!own_name) {
        /* name is not inherited: default to this directory's name. */
        const char *b = strrchr(real, '/');
        free(s->t.p.name);
        s->t.p.name = strdup(b && b[1] ? b + 1 : real);
    }
    if (depth == 0 && ext) {
        free(s->t.p.extends);
        s->t.p.extends = strdup(ext->b);
    }
    rawlist_free(&params);
    free(real);
    return rc;
}

/* --------------------------------------------------------------- loading */

scenario *scenario_load(const char *dir, diag *d)
{
    scenario *s = calloc(1, sizeof *s);
    rawlist tl = {0};
    size_t e0 = d->errors;
    const table_desc *pt = &schema_tables[SC_PARAMS];

    if (!s || !(s->dir = strdup(dir))) {
        free(s);
        diag_add(d, DIAG_ERROR, dir, 0, NULL, "out of memory");
        return NULL;
    }
    schema_defaults(&s->t.p, pt->fields, pt->nfields);
    load_layer(s, dir, NULL, 0, &tl, d);
    /* The timeline's rows are resolved against tables that loaded cleanly,
     * even if the timeline file itself had a problem (in its header, say),
     * so that all of that file's problems show at once. */
    if (d->errors - tl.errs == e0) {
        for (int t = SC_LIST_FIRST; t < SC_LIST_END; t++) {
            if (!s->file[t] && !schema_tables[t].optional) {
                char *p = path_join(dir, schema_tables[t].file);
                diag_add(
                    d, DIAG_ERROR, p ? p : dir, 0, NULL,
                    "required table missing (expected %s in the scenario directory or its base)",
                    schema_tables[t].file);
                free(p);
            }
        }
        if (d->errors - tl.errs == e0)
            sc_timeline_compile(s, &tl, d);
    }
    /* The timeline rows point at file names owned by s->file; the raw list
     * used the same pointers, so only its strings go. */
    rawlist_free(&tl);
    if (d->errors > e0) {
        scenario_free(s);
        return NULL;
    }
    return s;
}

void scenario_free(scenario *s)
{
    if (!s)
        return;
    free_tables(&s->t);
    free(s->t.p.name);
    free(s->t.p.extends);
    for (size_t i = 0; i < s->ntl; i++)
        sc_change_free(&s->timeline[i].c);
    free(s->timeline);
    free(s->tl_order);
    for (int i = 0; i < SC_NTABLES; i++)
        free(s->file[i]);
    free(s->set_limits);
    free(s->set_shares);
    free(s->set_prices);
    free(s->dir);
    free(s);
}

void scenario_segment_sizes(const sc_tables *t, int64_t *out)
{
    /* floor(share x viewers) each, then the leftover viewers one by one to
     * the largest remainders, ties to the earlier row. */
    int64_t total = 0;
    int64_t *rem = calloc(t->nsegs ? t->nsegs : 1, sizeof *rem);
    for (size_t i = 0; i < t->nsegs; i++) {
        unsigned __int128 x =
            (unsigned __int128)(uint64_t)t->segs[i].share * (uint64_t)t->p.viewers;
        out[i] = (int64_t)(x / NUM_MICRO);
        if (rem)
            rem[i] = (int64_t)(x % NUM_MICRO);
        total += out[i];
    }
    while (rem && total < t->p.viewers) {
        size_t best = 0;
        for (size_t i = 1; i < t->nsegs; i++)
            if (rem[i] > rem[best])
                best = i;
        if (rem[best] < 0)
            break;
        out[best]++;
        rem[best] = -1;
        total++;
    }
    free(rem);
}

long scenario_region_of(const sc_tables *t, const char *name)
{
    if (!name || (!t->nregions && strcmp(name, "all") == 0))
        return 0;
    for (size_t r = 0; r < t->nregions; r++)
        if (strcmp(t->regions[r].name, name) == 0)
            return (long)r;
    return -1;
}

const char *scenario_region_name(const sc_tables *t, size_t r)
{
    return t->nregions ? t->regions[r].name : "all";
}

const char *scenario_region_currency(const sc_tables *t, size_t r)
{
    return t->nregions ? t->regions[r].currency : "USD";
}

void scenario_creator_regions(const sc_tables *t, int64_t n, uint16_t *out, int64_t *count)
{
    size_t nr = t->nregions;
    if (nr <= 1) {
        count[0] = n;
        if (out)
            memset(out, 0, (size_t)n * sizeof *out);
        return;
    }
    memset(count, 0, nr * sizeof *count);
    for (int64_t i = 0; i < n; i++) {
        /* share_r x (i + 1) - count_r, both in ppm: exact in 128 bits */
        size_t best = 0;
        __int128 top = 0;
        for (size_t r = 0; r < nr; r++) {
            __int128 x =
                (__int128)t->regions[r].creator_share * (i + 1) - (__int128)count[r] * NUM_MICRO;
            if (r == 0 || x > top) {
                best = r;
                top = x;
            }
        }
        count[best]++;
        if (out)
            out[i] = (uint16_t)best;
    }
}

/* ---------------------------------------------------------------- copies */

int sc_tables_copy(sc_tables *dst, const sc_tables *src)
{
    int bad = 0;
    *dst = *src;
    for (int k = SC_LIST_FIRST; k < SC_LIST_END; k++) {
        size_t n, size = schema_tables[k].size;
        const void *rows = schema_rows(src, k, &n);
        void *copy = malloc((n ? n : 1) * size);
        if (copy && n)
            memcpy(copy, rows, n * size);
        schema_set_rows(dst, k, copy, n);
        bad |= !copy;
    }
    if (bad) {
        sc_tables_release(dst);
        return -1;
    }
    dst->p.name = NULL; /* names stay with the source */
    dst->p.extends = NULL;
    return 0;
}

void sc_tables_release(sc_tables *t)
{
    for (int k = SC_LIST_FIRST; k < SC_LIST_END; k++) {
        size_t n;
        free(schema_rows(t, k, &n));
        schema_set_rows(t, k, NULL, 0);
    }
}

static char *dup_or_null(const char *s, int *bad)
{
    char *d = s ? strdup(s) : NULL;
    if (s && !d)
        *bad = 1;
    return d;
}

/* dst's list tables (empty) become copies of src's, names and all.
 * Out of memory sets *bad; what was copied is dst's to free. */
static void clone_rows(sc_tables *dst, const sc_tables *src, int *bad)
{
    for (int k = SC_LIST_FIRST; k < SC_LIST_END; k++) {
        size_t n, size = schema_tables[k].size;
        void *rows = schema_rows(src, k, &n);
        void *copy = calloc(n ? n : 1, size);
        if (!copy) {
            *bad = 1;
            continue;
        }
        schema_set_rows(dst, k, copy, n);
        if (n)
            memcpy(copy, rows, n * size);
        const table_desc *td = &schema_tables[k];
        for (size_t r = 0; r < n; r++)
            for (size_t f = 0; f < td->nfields; f++)
                if (td->fields[f].type == F_NAME) {
                    size_t at = r * size + td->fields[f].off;
                    *(char **)((char *)copy + at) = dup_or_null(*(char **)((char *)rows + at), bad);
                }
    }
}

scenario *scenario_clone(const scenario *src)
{
    scenario *s = calloc(1, sizeof *s);
    int bad = 0;
    if (!s)
        return NULL;
    s->dir = dup_or_null(src->dir, &bad);
    s->t.p = src->t.p;
    s->t.p.name = dup_or_null(src->t.p.name, &bad);
    s->t.p.extends = dup_or_null(src->t.p.extends, &bad);
    clone_rows(&s->t, &src->t, &bad);
    s->timeline = calloc(src->ntl ? src->ntl : 1, sizeof *s->timeline);
    s->tl_order = calloc(src->ntl ? src->ntl : 1, sizeof *s->tl_order);
    for (int i = 0; i < SC_NTABLES; i++)
        s->file[i] = dup_or_null(src->file[i], &bad);
    s->set_limits = dup_or_null(src->set_limits, &bad);
    s->set_shares = dup_or_null(src->set_shares, &bad);
    s->set_prices = dup_or_null(src->set_prices, &bad);
    if (bad || !s->timeline || !s->tl_order) {
        scenario_free(s);
        return NULL;
    }
    for (size_t i = 0; i < src->ntl; i++) {
        const sc_tlrow *r = &src->timeline[i];
        sc_tlrow *w = &s->timeline[i];
        *w = *r;
        w->c.sval = dup_or_null(r->c.sval, &bad);
        w->c.target = dup_or_null(r->c.target, &bad);
        w->c.value = dup_or_null(r->c.value, &bad);
        /* Row file names point at the scenario's own table names. */
        w->file = s->file[SC_TIMELINE];
        s->ntl++;
    }
    memcpy(s->tl_order, src->tl_order, src->ntl * sizeof *s->tl_order);
    if (bad) {
        scenario_free(s);
        return NULL;
    }
    return s;
}

/* ---------------------------------------------------------------- saving */

/* Cell s of a row, then the comma after it or, if last, the line's end. */
static void put_cell(FILE *f, const char *s, int last)
{
    csvw_text(f, s);
    fputc(last ? '\n' : ',', f);
}

/* params.csv: every param but extends (the saved scenario stands alone),
 * name the directory's own. */
static void write_params(FILE *f, const scenario *s, const char *dir, const char *comment)
{
    const table_desc *td = &schema_tables[SC_PARAMS];
    char buf[NUM_BUF + 256];
    fputs("key,value\n", f);
    if (comment) {
        /* One cell, "# " included: a comment whose text holds a comma or a
         * quote (a directory's name may) is then still a comment row, read
         * back whole (csvw_text quotes a cell that begins with '#'). */
        size_t len = strlen(comment) + 3;
        char *row = malloc(len);
        if (row) {
            snprintf(row, len, "# %s", comment);
            put_cell(f, row, 1);
            free(row);
        }
    }
    for (size_t i = 0; i < td->nfields; i++) {
        const sc_field *fd = &td->fields[i];
        if (fd->type == F_PATH)
            continue;
        schema_format(&s->t.p, fd, buf, sizeof buf);
        if (fd->type == F_TEXT) {
            const char *b = strrchr(dir, '/');
            snprintf(buf, sizeof buf, "%s", b && b[1] ? b + 1 : dir);
        }
        put_cell(f, fd->name, 0);
        put_cell(f, buf, 1);
    }
}

/* A list table: its header, then nrows rows. */
static void write_rows(FILE *f, const table_desc *td, const void *rows, size_t nrows)
{
    char buf[NUM_BUF + 256];
    /* A pack's price is written once, in its region's currency: price_usd
     * is another column for the same field. */
    for (size_t i = 0; i < td->nfields; i++)
        if (!(td->fields[i].flags & FLD_USD))
            put_cell(f, td->fields[i].name, i + 1 == td->nfields);
    for (size_t r = 0; r < nrows; r++)
        for (size_t i = 0; i < td->nfields; i++) {
            if (td->fields[i].flags & FLD_USD)
                continue;
            schema_format((const char *)rows + r * td->size, &td->fields[i], buf, sizeof buf);
            put_cell(f, buf, i + 1 == td->nfields);
        }
}

/* The timeline in file order, the live rows with the rest. */
static void write_timeline(FILE *f, const scenario *s)
{
    fputs("step,target,value\n", f);
    for (size_t i = 0; i < s->ntl; i++) {
        const sc_tlrow *r = &s->timeline[i];
        fprintf(f, "%lld,", (long long)r->step);
        put_cell(f, r->c.target, 0);
        put_cell(f, r->c.value, 1);
    }
}

/* Table t of s. Every table is written, an optional one with no rows as
 * its header alone, so that saving over a scenario directory leaves none
 * of the old files in it. */
static void write_table(FILE *f, const scenario *s, int t, const char *dir, const char *comment)
{
    size_t n;
    const void *rows = schema_rows(&s->t, t, &n);
    if (t == SC_PARAMS)
        write_params(f, s, dir, comment);
    else if (t == SC_TIMELINE)
        write_timeline(f, s);
    else
        write_rows(f, &schema_tables[t], rows, n);
}

uint64_t scenario_digest(const scenario *s)
{
    char *text = NULL;
    size_t len = 0;
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return 0;
    for (int t = 0; t < SC_NTABLES; t++)
        write_table(f, s, t, "", NULL);
    if (fclose(f) != 0) {
        free(text);
        return 0;
    }
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)text[i]) * 1099511628211ULL;
    free(text);
    return h;
}

/* A changed scenario's params.csv: its comments, extends, its name (the
 * directory's) and the keys given, at their values in s. */
static void write_delta_params(FILE *f, const scenario *s, const sc_delta *dl)
{
    char buf[NUM_BUF + 256];
    fputs("key,value\n", f);
    for (size_t i = 0; i < dl->ncomments; i++) {
        snprintf(buf, sizeof buf, "# %s", dl->comments[i]);
        put_cell(f, buf, 1);
    }
    put_cell(f, "extends", 0);
    put_cell(f, dl->extends, 1);
    const char *b = strrchr(dl->dir, '/');
    put_cell(f, "name", 0);
    put_cell(f, b && b[1] ? b + 1 : dl->dir, 1);
    for (size_t i = 0; i < dl->nkeys; i++) {
        const sc_field *fd = schema_field(&schema_tables[SC_PARAMS], dl->keys[i]);
        if (!fd)
            continue;
        schema_format(&s->t.p, fd, buf, sizeof buf);
        put_cell(f, fd->name, 0);
        put_cell(f, buf, 1);
    }
}

const char *scenario_table_key(int k)
{
    return k >= SC_PARAMS && k < SC_LIST_END ? schema_tables[k].key : NULL;
}

int scenario_save_delta(const scenario *s, const sc_delta *dl, char *msg, size_t n)
{
    afile a[SC_NTABLES];
    int rc = 0, k = 0;
    if (mkdir(dl->dir, 0777) < 0 && errno != EEXIST) {
        snprintf(msg, n, "%s: cannot create directory: %s", dl->dir, strerror(errno));
        return -1;
    }
    memset(a, 0, sizeof a);
    for (int t = 0; t < SC_TIMELINE && rc == 0; t++) {
        if (t != SC_PARAMS && !dl->tables[t])
            continue;
        if (afile_open(&a[k], dl->dir, schema_tables[t].file, msg, n) < 0) {
            rc = -1;
            break;
        }
        size_t nrows;
        const void *rows = schema_rows(&s->t, t, &nrows);
        if (t == SC_PARAMS)
            write_delta_params(a[k].f, s, dl);
        else
            write_rows(a[k].f, &schema_tables[t], rows, nrows);
        if (afile_finish(&a[k++], msg, n) < 0)
            rc = -1;
    }
    if (rc == 0 && afile_rename_all(dl->dir, a, (size_t)k, msg, n) < 0)
        rc = -1;
    for (int t = 0; t < k; t++)
        afile_abort(&a[t]);
    return rc;
}

int scenario_save(const scenario *s, const char *dir, const char *comment, char *msg, size_t n)
{
    afile a[SC_NTABLES];
    int rc = 0;

    if (mkdir(dir, 0777) < 0 && errno != EEXIST) {
        snprintf(msg, n, "%s: cannot create directory: %s", dir, strerror(errno));
        return -1;
    }
    memset(a, 0, sizeof a);
    for (int t = 0; t < SC_NTABLES && rc == 0; t++) {
        if (afile_open(&a[t], dir, schema_tables[t].file, msg, n) < 0) {
            rc = -1;
            break;
        }
        write_table(a[t].f, s, t, dir, comment);
        if (afile_finish(&a[t], msg, n) < 0)
            rc = -1;
    }
    if (rc == 0 && afile_rename_all(dir, a, SC_NTABLES, msg, n) < 0)
        rc = -1;
    for (int t = 0; t < SC_NTABLES; t++)
        afile_abort(&a[t]);
    return rc;
}
