/* change — the one way a scenario's tables change: a target
 * ("params.commission", "packs.NAME.price_usd") resolved to a field of
 * the schema, its value parsed, and the change applied. A timeline row, a
 * key in the dashboard, a --set and a sweep point all come through here. */
#define _XOPEN_SOURCE 700
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"
#include "scenario_int.h"

void sc_change_free(sc_change *c)
{
    free(c->sval);
    free(c->target);
    free(c->value);
    memset(c, 0, sizeof *c);
}

static void *row_ptr(const sc_tables *t, int table, size_t index)
{
    size_t n;
    if (table == SC_PARAMS)
        return (void *)&t->p;
    return (char *)schema_rows(t, table, &n) + index * schema_tables[table].size;
}

/* The tables a target may name, "params, packs, ... or sinks", or with
 * targets their targets, "params.KEY, packs.NAME.FIELD, ...", in buf. */
static void table_list(int targets, char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int k = SC_PARAMS; k < SC_LIST_END && used < n; k++) {
        const char *sep = ", ", *form = ".NAME.FIELD";
        if (k == SC_PARAMS) {
            sep = "";
            form = ".KEY";
        } else if (k + 1 == SC_LIST_END)
            sep = " or ";
        used += (size_t)snprintf(buf + used, n - used, "%s%s%s", sep, schema_tables[k].key,
                                 targets ? form : "");
    }
}

/* The table target starts with (the text before dot). Returns its
 * index, or -1 with why in buf. */
static char *set_target(const char *assign);

static int find_table(const char *target, const char *dot, char *buf, size_t bufsz)
{
    char tb[256], tl[200];
    if (!dot || (size_t)(dot - target) >= sizeof tb) {
        table_list(1, tl, sizeof tl);
        snprintf(buf, bufsz, "\"%.80s\" is not a target (expected %s)", target, tl);
        return -1;
    }
    memcpy(tb, target, (size_t)(dot - target));
    tb[dot - target] = '\0';
    int table = -1;
    for (int i = SC_PARAMS; i < SC_LIST_END; i++)
        if (strcmp(schema_tables[i].key, tb) == 0)
            table = i;
    if (table < 0) {
        table_list(0, tl, sizeof tl);
        snprintf(buf, bufsz, "unknown table \"%.80s\" in \"%.80s\" (expected %s)", tb, target, tl);
    }
    return table;
}

/* The row of list table named at the start of *fname ("NAME.FIELD"),
 * *fname then moved to FIELD. Returns 0, or -1 with why in buf. */
static int find_row(const sc_tables *t, int table, const char *target, const char **fname,
                    size_t *index, char *buf, size_t bufsz)
{
    const table_desc *td = &schema_tables[table];
    const char *dot2 = strchr(*fname, '.');
    size_t nrows;
    schema_rows(t, table, &nrows);
    if (!dot2) {
        snprintf(buf, bufsz, "\"%.80s\" names no field (expected %s.NAME.FIELD)", target, td->key);
        return -1;
    }
    size_t nl = (size_t)(dot2 - *fname);
    for (*index = 0; *index < nrows; (*index)++) {
        const char *nm = *(char **)row_ptr(t, table, *index);
        if (nm && strlen(nm) == nl && memcmp(nm, *fname, nl) == 0)
            break;
    }
    if (*index == nrows) {
        snprintf(buf, bufsz, "no %s named \"%.*s\" (expected a name from %s.csv)", td->noun,
                 (int)(nl > 80 ? 80 : nl), *fname, td->key);
        return -1;
    }
    *fname = dot2 + 1;
    return 0;
}

int sc_target_find(const sc_tables *t, const char *target, int allow_shape, int *table_out,
                   size_t *index_out, const sc_field **field_out, char *buf, size_t bufsz,
                   const char **why)
{
    char fl[400];
    const char *dot = strchr(target, '.');
    size_t index = 0;

    *why = buf;
    int table = find_table(target, dot, buf, bufsz);
    if (table < 0)
        return -1;
    const table_desc *td = &schema_tables[table];
    const char *fname = dot + 1;
    if (table != SC_PARAMS && find_row(t, table, target, &fname, &index, buf, bufsz) < 0)
        return -1;
    const sc_field *f = schema_field(td, fname);
    if (!f) {
        const char *gone = schema_gone(td, fname, fl, sizeof fl);
        if (gone) {
            snprintf(buf, bufsz, "%.80s: %s", target, gone);
            return -1;
        }
        schema_field_list(td, fl, sizeof fl);
        snprintf(buf, bufsz, "unknown %s \"%.80s\" (expected one of %s)",
                 table == SC_PARAMS ? "key" : "field", fname, fl);
        return -1;
    }
    if (f->type == F_PATH || f->type == F_NAME) {
        snprintf(buf, bufsz, "%s cannot be changed by a target (edit the scenario's files)",
                 target);
        return -1;
    }
    if ((f->flags & FLD_SHAPE) && !allow_shape) {
        snprintf(
            buf, bufsz,
            "%s cannot change once the world is built (the shape of a run is fixed; use --set)",
            target);
        return -1;
    }
    *table_out = table;
    *index_out = index;
    *field_out = f;
    return 0;
}

int scenario_target_number(const scenario *s, const char *target, sc_number *out, char *buf,
                           size_t n)
{
    int table;
    size_t index;
    const sc_field *f;
    const char *why;
    char *t = set_target(target);
    if (!t) {
        snprintf(buf, n, "out of memory");
        return -1;
    }
    int rc = sc_target_find(&s->t, t, 0, &table, &index, &f, buf, n, &why);
    if (rc == 0 &&
        !(f->type == F_INT || f->type == F_MONEY || f->type == F_RATE || f->type == F_REAL)) {
        snprintf(buf, n, "%s is not a number (expected a target whose value is one)", t);
        rc = -1;
    } else if (rc < 0 && why != buf)
        snprintf(buf, n, "%s", why);
    if (rc == 0) {
        const char *p = (const char *)row_ptr(&s->t, table, index) + f->off;
        double scale = f->type == F_INT ? 1.0 : (double)NUM_MICRO, r;
        out->whole = f->type == F_INT;
        if (f->type == F_REAL)
            memcpy(&r, p, sizeof r);
        else
            r = (double)*(const int64_t *)p;
        out->value = r / scale;
        out->lo = (double)f->lo / scale;
        out->hi = (double)f->hi / scale;
        snprintf(out->target, sizeof out->target, "%s", t);
    }
    free(t);
    return rc;
}

int sc_change_resolve(const sc_tables *t, const char *target, const char *value, int allow_shape,
                      enum comma how, sc_change *c, char *buf, size_t bufsz, const char **column,
                      const char **why)
{
    char exp[160];
    const sc_field *f;
    parsed v = {0};

    memset(c, 0, sizeof *c);
    *column = "target";
    if (sc_target_find(t, target, allow_shape, &c->table, &c->index, &f, buf, bufsz, why) < 0)
        return -1;
    *column = "value";
    if (!*value) {
        snprintf(buf, bufsz, "empty value for %.80s (expected %s)", target,
                 schema_expect(f, exp, sizeof exp));
        *why = buf;
        return -1;
    }
    if (schema_parse(f, value, how, &v, buf, bufsz, why) < 0)
        return -1;
    c->field = f;
    c->ival = v.i;
    c->uval = v.u;
    c->dval = v.r;
    c->target = strdup(target);
    c->value = strdup(value);
    if (f->type == F_TEXT)
        c->sval = strdup(value);
    if (!c->target || !c->value || (f->type == F_TEXT && !c->sval)) {
        sc_change_free(c);
        *why = "out of memory";
        return -1;
    }
    /* Kept as the point form, so a saved timeline reads the same in any file. */
    if (how == COMMA_DEC && f->type != F_TEXT && num_decimal_comma(c->value))
        *strchr(c->value, ',') = '.';
    return 0;
}

int scenario_resolve(const sc_tables *t, const char *target, const char *value, int allow_shape,
                     sc_change *c, char *buf, size_t bufsz, const char **column, const char **why)
{
    return sc_change_resolve(t, target, value, allow_shape, COMMA_SEP, c, buf, bufsz, column, why);
}

void sc_change_apply(sc_tables *t, const sc_change *c)
{
    char *sv = NULL;
    parsed v = {c->ival, c->uval, c->dval};
    if (c->field->type == F_TEXT)
        sv = strdup(c->sval);
    schema_store(row_ptr(t, c->table, c->index), c->field, &v, sv);
}

int sc_change_recomputed(const sc_change *c)
{
    return c->field && (c->field->flags & FLD_RECOMPUTED);
}

/* The target of "TARGET=VALUE" or "TARGET" as --set takes it, a bare KEY
 * as params.KEY: malloc'd, NULL out of memory. */
static char *set_target(const char *assign)
{
    size_t n = strcspn(assign, "=");
    int bare = !memchr(assign, '.', n);
    char *t = malloc(n + (bare ? 8 : 1));
    if (t)
        snprintf(t, n + (bare ? 8 : 1), "%s%.*s", bare ? "params." : "", (int)n, assign);
    return t;
}

int scenario_target_recomputed(const scenario *s, const char *set)
{
    char buf[600];
    const char *why;
    const sc_field *f = NULL;
    int table;
    size_t index;
    char *target = set_target(set);
    int found =
        target && sc_target_find(&s->t, target, 1, &table, &index, &f, buf, sizeof buf, &why) == 0;
    free(target);
    return found && (f->flags & FLD_RECOMPUTED);
}

const char *scenario_target_pairing(const char *set)
{
    char buf[600];
    const char *why;
    const sc_field *f = NULL;
    int table;
    size_t index;
    sc_tables none; /* a key of params needs no rows */
    memset(&none, 0, sizeof none);
    char *target = set_target(set);
    int found =
        target && sc_target_find(&none, target, 1, &table, &index, &f, buf, sizeof buf, &why) == 0;
    free(target);
    return found && table == SC_PARAMS && (f->flags & FLD_PAIRS) ? f->name : NULL;
}

/* Remember label if c changed a field the cross-table checks look at
 * (scenario.h). Returns 0, or -1 out of memory. */
static int note_set(scenario *s, const sc_change *c, const char *label)
{
    char **blame = NULL;
    size_t off = c->field ? c->field->off : SIZE_MAX;
    if (c->table == SC_PARAMS &&
        (off == offsetof(sc_params, min_withdrawal) || off == offsetof(sc_params, daily_limit)))
        blame = &s->set_limits;
    else if (c->table == SC_SEGMENTS && off == offsetof(sc_segment, share))
        blame = &s->set_shares;
    else if ((c->table == SC_PACKS && off == offsetof(sc_pack, price)) ||
             (c->table == SC_REGIONS && off == offsetof(sc_region, per_usd)))
        blame = &s->set_prices;
    if (!blame)
        return 0;
    char *l = strdup(label);
    if (!l)
        return -1;
    free(*blame);
    *blame = l;
    return 0;
}

int scenario_set(scenario *s, const char *assign, const char *label, diag *d)
{
    char buf[600];
    const char *eq = strchr(assign, '='), *col, *why;
    sc_change c;

    if (!eq || eq == assign) {
        diag_add(d, DIAG_ERROR, label, 0, NULL,
                 "\"%.80s\" is not TARGET=VALUE (for example commission=0.4 or "
                 "packs.app65.price_usd=0.89)",
                 assign);
        return -1;
    }
    /* A bare KEY means params.KEY: --set commission=0.4. */
    char *target = set_target(assign);
    if (!target) {
        diag_add(d, DIAG_ERROR, label, 0, NULL, "out of memory");
        return -1;
    }
    int rc = scenario_resolve(&s->t, target, eq + 1, 1, &c, buf, sizeof buf, &col, &why);
    if (rc < 0)
        diag_add(d, DIAG_ERROR, label, 0, col, "%s", why);
    else {
        sc_change_apply(&s->t, &c);
        if (note_set(s, &c, label) < 0) {
            diag_add(d, DIAG_ERROR, label, 0, NULL, "out of memory");
            rc = -1;
        }
        sc_change_free(&c);
    }
    free(target);
    return rc;
}
