/* A run's files for report.html: loaded by column name, and the per-step
 * curves of timeseries.csv summarised over runs. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../sim/num.h"
#include "../sim/stats.h"
#include "html.h"
#include "page_int.h"

static const char *const one_metric[] = {"metric"};
static const char *const pack_labs[] = {"pack", "channel", "figure"};
static const char *const seg_labs[] = {"segment", "figure"};
static const char *const chan_labs[] = {"channel", "figure"};
static const char *const region_labs[] = {"region", "figure"};
static const char *const currency_labs[] = {"region", "currency"};
static const char *const gift_labs[] = {"item", "kind", "figure"};
static const char *const figure_lab[] = {"figure"};
static const char *const kv[] = {"key", "value"};
static const char *const tl_labs[] = {"step", "target", "value"};

double page_mean(const page_run_data *r, const char *metric)
{
    const orow *w = otab_get(r->summary, metric);
    return w ? w->v[OT_MEAN] : NAN;
}

/* text as a number, or NaN. */
static double number(const char *text)
{
    double micro;
    const char *why;
    return text && num_parse_real(text, &micro, &why) == 0 ? micro / 1e6 : NAN;
}

enum page_rules page_rules(const page_run_data *r, page_rule rules[RULE_N])
{
    static const char *const keys[RULE_N] = {"usd_per_diamond", "coin_value_usd", "commission"};
    int changed = 0;
    for (int k = 0; k < RULE_N; k++) {
        page_rule *u = &rules[k];
        char target[40];
        double last = -INFINITY;
        const char *from = page_manifest_get(r->params, keys[k]);
        *u = (page_rule){keys[k], number(from), number(from), NAN, 0, from, NULL, NULL};
        snprintf(target, sizeof target, "params.%s", keys[k]);
        for (size_t i = 0; r->timeline && i < r->timeline->n; i++) {
            const orow *w = &r->timeline->rows[i];
            double step = number(w->lab[0]), to = number(w->lab[2]);
            if (strcmp(w->lab[1], target) != 0)
                continue;
            if (!(step < last)) /* the last step's row is in force at the end */
                last = step, u->end = to;
            if (to == u->start)
                continue;
            if (!u->changes++)
                u->step = w->lab[0], u->to = w->lab[2], u->first = to;
        }
        changed |= u->changes > 0;
    }
    if (r->timeline)
        return changed ? PAGE_RULES_CHANGED : PAGE_RULES_FIXED;
    /* No timeline.csv: a scenario with none, or one not saved here. */
    const char *rows = page_manifest_get(r->manifest, "timeline_rows");
    if (rows)
        return number(rows) == 0 ? PAGE_RULES_FIXED : PAGE_RULES_UNKNOWN;
    return r->params ? PAGE_RULES_FIXED : PAGE_RULES_UNKNOWN;
}

void page_rules_text(char *buf, size_t n, const page_rule rules[RULE_N])
{
    size_t used = 0;
    buf[0] = '\0';
    for (int k = 0; k < RULE_N && used < n; k++) {
        const page_rule *u = &rules[k];
        if (!u->changes)
            continue;
        const char *from = u->from ? u->from : "";
        used += (size_t)snprintf(
            buf + used, n - used, "%s%s%s%.*s to %.*s at step %.*s%s", used ? "; " : "", u->key,
            u->from ? " from " : "", html_cut(from, 30), from, html_cut(u->to, 30), u->to,
            html_cut(u->step, 20), u->step, u->changes > 1 ? ", and again later" : "");
    }
}

/* One row of timeseries.csv: its step and the columns the curves need. */
enum { C_RUN, C_STEP, C_CASH, C_PAYOUT, C_PCASH, C_WALLET, C_PENDING, C_N };
typedef struct ts_row {
    double step, v[C_N];
} ts_row;

/* -1, 0 or 1 as a is below, equal to or above b, NaN above every number
 * and equal to itself: a total order, as qsort needs (plain < and > on a
 * NaN make it inconsistent, which qsort may answer with any order or by
 * reading out of bounds). */
static int cmp_num(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) - isnan(b);
    return (a > b) - (a < b);
}

static int by_step(const void *a, const void *b)
{
    const ts_row *x = a, *y = b;
    int k = cmp_num(x->step, y->step);
    return k ? k : cmp_num(x->v[C_RUN], y->v[C_RUN]);
}

/* The margin so far at a step: platform cash less the coins in wallets
 * and the diamonds pending, valued as summary.csv values them at the end
 * (coin_liability_usd per wallet coin, diamond_liability_usd per pending
 * diamond), less the same at the opening. */
typedef struct valuation {
    double coin, diamond, opening;
} valuation;

static valuation value_of(const page_run_data *r)
{
    valuation v = {0, 0, 0};
    double w = page_mean(r, "wallet_coins"), p = page_mean(r, "pending_diamonds");
    double cl = page_mean(r, "coin_liability_usd"), dl = page_mean(r, "diamond_liability_usd");
    v.coin = w > 0 && !isnan(cl) ? cl / w : 0;
    v.diamond = p > 0 && !isnan(dl) ? dl / p : 0;
    double oc = page_mean(r, "opening_platform_cash_usd"),
           ow = page_mean(r, "opening_wallet_coins");
    double op = page_mean(r, "opening_pending_diamonds");
    v.opening =
        (isnan(oc) ? 0 : oc) - (isnan(ow) ? 0 : ow) * v.coin - (isnan(op) ? 0 : op) * v.diamond;
    return v;
}

static int alloc_curves(page_curves *c, size_t steps)
{
    c->steps = steps;
    steps = steps ? steps : 1;
    if (!(c->x = calloc(steps, sizeof *c->x)))
        return -1;
    for (int k = 0; k < TS_NCURVES; k++)
        if (!(c->mean[k] = calloc(steps, sizeof(double))) ||
            !(c->p5[k] = calloc(steps, sizeof(double))) ||
            !(c->p95[k] = calloc(steps, sizeof(double))))
            return -1;
    return 0;
}

/* One step's runs rows[0..n) into the curves at s, summarised over runs
 * as summary.csv is (stats.h); tmp holds 2n. */
static void one_step(page_curves *c, size_t s, const ts_row *rows, size_t n, double *tmp,
                     const valuation *val)
{
    c->x[s] = rows[0].step;
    for (int k = 0; k < TS_NCURVES; k++) {
        stat_row st;
        for (size_t i = 0; i < n; i++) {
            const double *v = rows[i].v;
            tmp[i] = k == TS_CASH     ? v[C_CASH]
                     : k == TS_PAYOUT ? v[C_PAYOUT]
                     : k == TS_PCASH  ? v[C_PCASH]
                                      : v[C_PCASH] - v[C_WALLET] * val->coin -
                                           v[C_PENDING] * val->diamond - val->opening;
        }
        stats_summary(tmp, n, tmp + n, &st);
        c->mean[k][s] = st.mean;
        c->p5[k][s] = st.p5;
        c->p95[k][s] = st.p95;
    }
    if (n > c->runs)
        c->runs = n;
}

/* The rows sorted by step into curves. */
static int summarise(page_curves *c, ts_row *rows, size_t n, const valuation *val)
{
    size_t steps = 0;
    qsort(rows, n, sizeof *rows, by_step);
    for (size_t i = 0; i < n; i++)
        steps += i == 0 || rows[i].step != rows[i - 1].step;
    double *tmp = malloc((n ? 2 * n : 1) * sizeof *tmp);
    if (!tmp || alloc_curves(c, steps) < 0) {
        free(tmp);
        return -1;
    }
    for (size_t i = 0, s = 0; i < n; s++) {
        size_t j = i + 1;
        while (j < n && rows[j].step == rows[i].step)
            j++;
        one_step(c, s, rows + i, j - i, tmp, val);
        i = j;
    }
    free(tmp);
    return 0;
}

/* The columns of timeseries.csv the curves read, in ts_row order. */
static int ts_columns(ocsv *c, page_curves *out, int *at, diag *d)
{
    static const char *const names[C_N] = {"run",
                                           "step",
                                           "cash_in_usd",
                                           "payouts_net_usd",
                                           "platform_cash_usd",
                                           "wallet_coins",
                                           "pending_diamonds"};
    int bad = 0;
    for (int k = 0; k < C_N; k++) {
        at[k] = ocsv_col(c, names[k]);
        if (k == C_PAYOUT && at[k] < 0 && (at[k] = ocsv_col(c, "payouts_gross_usd")) >= 0)
            out->gross = 1;
        if (at[k] < 0)
            bad |= ocsv_need(c, names[k], d) < 0;
    }
    return bad ? -1 : 0;
}

/* timeseries.csv read into the curves: 1, 2 with no rows, 0 not there,
 * -1 errors. */
static int load_curves(const char *dir, const page_run_data *r, page_curves *out, diag *d)
{
    ocsv *c;
    int at[C_N], k = ocsv_open(dir, "timeseries.csv", &c, d);
    if (k <= 0)
        return k;
    ts_row *rows = NULL;
    size_t n = 0, cap = 0, before = d->errors;
    csvr_row w;
    if (ts_columns(c, out, at, d) < 0)
        k = -1;
    while (k == 1 && (k = ocsv_next(c, &w)) == 1) {
        if (n == cap) {
            ts_row *nr = realloc(rows, (cap = cap ? cap * 2 : 1024) * sizeof *nr);
            if (!nr) {
                diag_add(d, DIAG_ERROR, ocsv_label(c), w.line, NULL, "out of memory");
                k = -1;
                break;
            }
            rows = nr;
        }
        for (int j = 0; j < C_N; j++) /* docs/outputs.md: a number in every cell */
            rows[n].v[j] = ocsv_num_full(c, &w, at[j]);
        rows[n].step = rows[n].v[C_STEP];
        n++;
        k = 1;
    }
    ocsv_close(c);
    valuation val = value_of(r);
    if (k == 0 && d->errors == before && n > 0 && summarise(out, rows, n, &val) < 0) {
        diag_add(d, DIAG_ERROR, dir, 0, NULL, "timeseries.csv: out of memory");
        k = -1;
    }
    free(rows);
    return k < 0 || d->errors > before ? -1 : n > 0 ? 1 : 2;
}

int page_run_load(const char *dir, page_run_data *r, diag *d)
{
    memset(r, 0, sizeof *r);
    int k = otab_load_stats(dir, "summary.csv", one_metric, 1, &r->summary, d);
    if (k == 0)
        diag_add(d, DIAG_ERROR, dir, 0, NULL,
                 "no summary.csv (expected the --out of run or replay)");
    otab_load_stats(dir, "pack_sales.csv", pack_labs, 3, &r->packs, d);
    otab_load_stats(dir, "segments.csv", seg_labs, 2, &r->segments, d);
    otab_load_stats(dir, "channels.csv", chan_labs, 2, &r->channels, d);
    otab_load_stats(dir, "gifts.csv", gift_labs, 3, &r->gifts, d);
    otab_load_stats(dir, "regions.csv", region_labs, 2, &r->regions, d);
    otab_load_stats(dir, "regions.csv", currency_labs, 2, &r->currencies, d);
    otab_load_stats(dir, "creators.csv", figure_lab, 1, &r->creators, d);
    otab_load(dir, "manifest.csv", kv, 2, NULL, 0, &r->manifest, d);
    otab_load(dir, "scenario/params.csv", kv, 2, NULL, 0, &r->params, d);
    otab_load(dir, "scenario/timeline.csv", tl_labs, 3, NULL, 0, &r->timeline, d);
    if (r->summary)
        r->have_ts = load_curves(dir, r, &r->ts, d);
    return d->errors ? -1 : 0;
}

void page_run_free(page_run_data *r)
{
    otab_free(r->summary);
    otab_free(r->packs);
    otab_free(r->segments);
    otab_free(r->channels);
    otab_free(r->gifts);
    otab_free(r->regions);
    otab_free(r->currencies);
    otab_free(r->creators);
    otab_free(r->manifest);
    otab_free(r->params);
    otab_free(r->timeline);
    free(r->ts.x);
    for (int k = 0; k < TS_NCURVES; k++) {
        free(r->ts.mean[k]);
        free(r->ts.p5[k]);
        free(r->ts.p95[k]);
    }
    memset(r, 0, sizeof *r);
}
