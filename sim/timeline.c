/* timeline — the rows that change a scenario at a given step: the
 * timeline file's rows resolved into changes, the order a run applies
 * them in (by step, file order within), and the rows the dashboard adds
 * while it runs. */
#define _XOPEN_SOURCE 700
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"
#include "scenario_int.h"

/* Rows apply at their step, in file order within a step: the order is
 * sorted on (step, position in the file), a total order, so qsort's
 * instability cannot reorder anything. */
typedef struct tl_key {
    int64_t step;
    size_t pos;
} tl_key;

static int cmp_tl(const void *a, const void *b)
{
    const tl_key *x = a, *y = b;
    if (x->step != y->step)
        return x->step < y->step ? -1 : 1;
    return (x->pos > y->pos) - (x->pos < y->pos);
}

int sc_timeline_order(scenario *s)
{
    tl_key *k = malloc((s->ntl ? s->ntl : 1) * sizeof *k);
    size_t *o = malloc((s->ntl ? s->ntl : 1) * sizeof *o);
    if (!k || !o) {
        free(k);
        free(o);
        return -1;
    }
    for (size_t i = 0; i < s->ntl; i++) {
        k[i].step = s->timeline[i].step;
        k[i].pos = i;
    }
    qsort(k, s->ntl, sizeof *k, cmp_tl);
    for (size_t i = 0; i < s->ntl; i++)
        o[i] = k[i].pos;
    free(k);
    free(s->tl_order);
    s->tl_order = o;
    return 0;
}

int sc_timeline_compile(scenario *s, const rawlist *tl, diag *d)
{
    int rc = 0;
    s->timeline = calloc(tl->n ? tl->n : 1, sizeof *s->timeline);
    if (!s->timeline) {
        diag_add(d, DIAG_ERROR, s->file[SC_TIMELINE], 0, NULL, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < tl->n; i++) {
        const rawrow *w = &tl->v[i];
        sc_tlrow *row = &s->timeline[s->ntl];
        const char *why, *col;
        char buf[600];
        int pr = num_parse_int(w->a, &row->step, &why);
        if (pr < 0 || row->step < 0) {
            if (pr == 0)
                why = "negative";
            diag_add(d, DIAG_ERROR, w->file, w->line, "step",
                     "%s \"%s\" (expected a whole number of steps from 0)", why, w->a);
            rc = -1;
            continue;
        }
        if (w->split) {
            /* Two cells joined at a comma: a number's decimal comma if the
             * target takes a decimal, else just a row too long. */
            int tb;
            size_t ix;
            const sc_field *f;
            if (sc_target_find(&s->t, w->b, 0, &tb, &ix, &f, buf, sizeof buf, &why) == 0 &&
                !schema_decimal(f)) {
                tableread_width_error(d, w->file, w->line, w->split, w->split - 1);
                rc = -1;
                continue;
            }
        }
        if (sc_change_resolve(&s->t, w->b, w->c, 0, w->split ? COMMA_SPLIT : tl->how, &row->c, buf,
                              sizeof buf, &col, &why) < 0) {
            diag_add(d, DIAG_ERROR, w->file, w->line, col, "%s", why);
            rc = -1;
            continue;
        }
        row->file = w->file;
        row->line = w->line;
        s->ntl++;
    }
    if (sc_timeline_order(s) < 0) {
        diag_add(d, DIAG_ERROR, s->file[SC_TIMELINE], 0, NULL, "out of memory");
        return -1;
    }
    return rc;
}

size_t scenario_timeline_at(const scenario *s, sc_tables *t, size_t *cursor, int64_t step)
{
    size_t n = 0;
    while (*cursor < s->ntl && s->timeline[s->tl_order[*cursor]].step <= step) {
        const sc_tlrow *r = &s->timeline[s->tl_order[(*cursor)++]];
        if (r->step == step) {
            sc_change_apply(t, &r->c);
            n++;
        }
    }
    return n;
}

int scenario_add_change(scenario *s, int64_t step, const char *target, const char *value, char *msg,
                        size_t n)
{
    char buf[600];
    const char *col, *why;
    sc_change c;
    if (scenario_resolve(&s->t, target, value, 0, &c, buf, sizeof buf, &col, &why) < 0) {
        snprintf(msg, n, "%s", why);
        return -1;
    }
    /* A second live change of the same target at the same step replaces
     * the first: the later one would win anyway. */
    for (size_t i = 0; i < s->ntl; i++) {
        sc_tlrow *r = &s->timeline[i];
        if (r->line == 0 && r->step == step && strcmp(r->c.target, c.target) == 0) {
            sc_change_free(&r->c);
            r->c = c;
            return 0;
        }
    }
    sc_tlrow *nt = realloc(s->timeline, (s->ntl + 1) * sizeof *nt);
    if (!nt) {
        sc_change_free(&c);
        snprintf(msg, n, "out of memory");
        return -1;
    }
    s->timeline = nt;
    /* Rows added live belong to no file; a saved session writes them out. */
    s->timeline[s->ntl].step = step;
    s->timeline[s->ntl].c = c;
    s->timeline[s->ntl].file = "live";
    s->timeline[s->ntl].line = 0;
    s->ntl++;
    if (sc_timeline_order(s) < 0) {
        s->ntl--;
        sc_change_free(&s->timeline[s->ntl].c);
        snprintf(msg, n, "out of memory");
        return -1;
    }
    return 0;
}
