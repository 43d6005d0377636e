/* report_paired — compare.csv and sweep.csv (report_paired.h). */
#include "report_paired.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "afile.h"
#include "csvwrite.h"
#include "kpi.h"
#include "paired.h"
#include "report.h"
#include "status.h"

/* The cells of a comparison after its labels: a_mean to significant. */
static void put_cmp(FILE *f, const cmp_metric *c)
{
    csvw_num(f, c->a_mean);
    csvw_num(f, c->b_mean);
    csvw_num(f, c->diff_mean);
    csvw_num(f, c->diff_lo);
    csvw_num(f, c->diff_hi);
    csvw_num(f, c->rel_change);
    /* Empty with one run: no interval, no verdict. */
    fprintf(f, ",%s\n", isnan(c->diff_lo) ? "" : c->significant ? "yes" : "no");
}

#define CMP_COLS "a_mean,b_mean,diff_mean,diff_ci95_low,diff_ci95_high,rel_change,significant\n"

typedef struct compare_file {
    const cmp_result *r;
    const char *const *side;
    const scenario *const *sc;
} compare_file;

static int write_compare(FILE *f, const void *ud)
{
    const compare_file *c = ud;
    const cmp_result *r = c->r;
    const char *const *side = c->side;
    fprintf(f, "# %s\n# %s\n# %s\n", side[0], side[1], side[2]);
    fputs("metric," CMP_COLS, f);
    for (int m = 0; m < M_N && !afile_interrupted(); m++) {
        csvw_text(f, kpi_metrics[m].name);
        put_cmp(f, &r->m[m]);
    }
    return 0;
}

/* A breakdown row's name in scenario s (a segment's, a gift's or sink's,
 * a pack's; NULL for the channels and the creators, which every scenario
 * has alike) and, for the gifts' table, whether it is a sink. */
static const char *row_name(const scenario *s, const brk_shape *sh, enum brk_table t, size_t row,
                            int *sink)
{
    *sink = t == BRK_GIFTS && row >= sh->ngifts;
    return t == BRK_CHANNELS || t == BRK_CREATORS ? NULL : brk_row_name(&s->t, t, row);
}

/* A region's currency in s (USD for the one region without regions.csv). */
static const char *currency_of(const scenario *s, enum brk_table t, size_t row)
{
    return t != BRK_REGIONS ? "" : scenario_region_currency(&s->t, row);
}

/* The row of y's table t that is row `row` of x's: the same name (and
 * kind; for a region, the same currency too, or its amounts would not be
 * comparable), or the same place for channels and creators; -1 if y has
 * none. */
static long match_row(const scenario *x, const brk_shape *sx, const scenario *y,
                      const brk_shape *sy, enum brk_table t, size_t row)
{
    int kx, ky;
    const char *name = row_name(x, sx, t, row, &kx);
    if (!name)
        return (long)row;
    for (size_t i = 0; i < brk_rows(sy, t); i++) {
        const char *other = row_name(y, sy, t, i, &ky);
        if (kx == ky && strcmp(name, other) == 0 &&
            strcmp(currency_of(x, t, row), currency_of(y, t, i)) == 0)
            return (long)i;
    }
    return -1;
}

static const char *const cmp_files[BRK_NTABLES] = {
    [BRK_SEGMENTS] = "compare_segments.csv", [BRK_CHANNELS] = "compare_channels.csv",
    [BRK_GIFTS] = "compare_gifts.csv",       [BRK_PACKS] = "compare_packs.csv",
    [BRK_REGIONS] = "compare_regions.csv",   [BRK_CREATORS] = "compare_creators.csv",
};

/* compare_TABLE.csv: every figure of the rows both sides have, as paired
 * differences. */
static int write_cmp_brk(FILE *f, const compare_file *cb, enum brk_table t)
{
    const cmp_result *r = cb->r;
    const brk_shape *sa = &r->brk[0].sh, *sb = &r->brk[1].sh;
    size_t nf, n = (size_t)r->runs;
    const brk_fig *figs = brk_figs(t, &nf);
    const char *lab = brk_labels(t);
    double *x = malloc((n ? n : 1) * sizeof *x), *y = malloc((n ? n : 1) * sizeof *y);
    int rc = x && y ? 0 : -1;
    fprintf(f, "%s%sfigure," CMP_COLS, lab, *lab ? "," : "");
    for (size_t row = 0; rc == 0 && row < brk_rows(sa, t) && !afile_interrupted(); row++) {
        long rb = match_row(cb->sc[0], sa, cb->sc[1], sb, t, row);
        for (size_t g = 0; rb >= 0 && g < nf; g++) {
            for (size_t i = 0; i < n; i++) {
                x[i] = brk_value(sa, brk_at(&r->brk[0], (int64_t)i), t, row, g);
                y[i] = brk_value(sb, brk_at(&r->brk[1], (int64_t)i), t, (size_t)rb, g);
            }
            cmp_metric c;
            if ((rc = compare_pair(x, y, n, &c)) < 0)
                break;
            report_brk_labels(f, cb->sc[0], sa, t, row);
            fputs(figs[g].name, f);
            put_cmp(f, &c);
        }
    }
    free(x);
    free(y);
    return rc;
}

void report_paired_unmatched(const scenario *const sc[2], FILE *err)
{
    static const char *const what[BRK_NTABLES] = {"segment", "", "gift", "pack", "region", ""};
    brk_shape sh[2] = {brk_shape_of(&sc[0]->t), brk_shape_of(&sc[1]->t)};
    for (int side = 0; side < 2; side++)
        for (int t = 0; t < BRK_NTABLES; t++)
            for (size_t row = 0; row < brk_rows(&sh[side], (enum brk_table)t); row++) {
                int sink;
                const char *name = row_name(sc[side], &sh[side], (enum brk_table)t, row, &sink);
                if (name && match_row(sc[side], &sh[side], sc[!side], &sh[!side], (enum brk_table)t,
                                      row) < 0)
                    fprintf(err, "coinsim: note: %s %s is only in %c, so %s has no row for it\n",
                            sink ? "sink" : what[t], name, side ? 'B' : 'A', cmp_files[t]);
            }
}

/* Parts own[0..nown), then extra[0..nextra), written as one set: the
 * status of the outcome. */
static int write_set(const char *dir, const afile_part *own, size_t nown, const afile_part *extra,
                     size_t nextra, char *msg, size_t n)
{
    int rc = report_write_parts(dir, own, nown, extra, nextra, msg, n);
    return rc == 0 ? SIM_OK : rc == -2 ? SIM_NOMEM : afile_interrupted() ? SIM_STOPPED : SIM_IO;
}

/* The breakdowns' comparisons, each a part of the set. */
static int write_cmp_segments(FILE *f, const void *ud)
{
    return write_cmp_brk(f, ud, BRK_SEGMENTS);
}
static int write_cmp_channels(FILE *f, const void *ud)
{
    return write_cmp_brk(f, ud, BRK_CHANNELS);
}
static int write_cmp_gifts(FILE *f, const void *ud) { return write_cmp_brk(f, ud, BRK_GIFTS); }
static int write_cmp_creators(FILE *f, const void *ud)
{
    return write_cmp_brk(f, ud, BRK_CREATORS);
}
static int write_cmp_packs(FILE *f, const void *ud) { return write_cmp_brk(f, ud, BRK_PACKS); }
static int write_cmp_regions(FILE *f, const void *ud) { return write_cmp_brk(f, ud, BRK_REGIONS); }

int report_paired_compare(const char *dir, const cmp_result *r, const scenario *const sc[2],
                          const char *const side[3], const afile_part *extra, size_t nextra,
                          char *msg, size_t n)
{
    compare_file c = {r, side, sc};
    const afile_part own[] = {
        {"compare.csv", write_compare, NULL, &c},
        {cmp_files[BRK_SEGMENTS], write_cmp_segments, NULL, &c},
        {cmp_files[BRK_CHANNELS], write_cmp_channels, NULL, &c},
        {cmp_files[BRK_GIFTS], write_cmp_gifts, NULL, &c},
        {cmp_files[BRK_CREATORS], write_cmp_creators, NULL, &c},
        {cmp_files[BRK_PACKS], write_cmp_packs, NULL, &c},
        {cmp_files[BRK_REGIONS], write_cmp_regions, NULL, &c},
    };
    return write_set(dir, own, sizeof own / sizeof *own, extra, nextra, msg, n);
}

static const int key_metrics[] = {
    TS_CASH_IN,         TS_PLATFORM_CASH, TS_PAYOUTS_NET,  TS_STORE_FEES,    TS_PURCHASES,
    TS_PAYERS,          M_ARPPU,          M_CREATOR_SHARE, M_TAKE_RATE,      M_MARGIN,
    M_CREATOR_EARNINGS, M_WEB_SHARE,      M_WEB_PURCHASES, TS_LIVE_CREATORS, M_MISSED_RATE};
#define NKEY ((int)(sizeof key_metrics / sizeof key_metrics[0]))

/* sweep.csv: a row a point. */
typedef struct sweep_file {
    const sweep_result *r;
    const sweep_axis *axes;
    int objective;
    const scenario *s; /* names the breakdowns' rows */
    enum brk_table t;  /* the breakdown a sweep_TABLE.csv holds */
} sweep_file;

static int write_sweep(FILE *f, const void *ud)
{
    const sweep_file *w = ud;
    const sweep_result *r = w->r;
    const sweep_axis *axes = w->axes;
    int objective = w->objective;
    int ms[NKEY + 1], nm = 0, have = 0;
    for (int i = 0; i < NKEY; i++) {
        ms[nm++] = key_metrics[i];
        have |= key_metrics[i] == objective;
    }
    if (objective >= 0 && !have)
        ms[nm++] = objective;
    for (size_t k = 0; k < r->naxes; k++) {
        fputs(k ? "," : "", f);
        csvw_text(f, axes[k].target);
    }
    for (int i = 0; i < nm; i++)
        fprintf(f, ",%s_mean,%s_ci95_low,%s_ci95_high", kpi_metrics[ms[i]].name,
                kpi_metrics[ms[i]].name, kpi_metrics[ms[i]].name);
    fputc('\n', f);
    for (size_t p = 0; p < r->npoints && !afile_interrupted(); p++) {
        for (size_t k = 0; k < r->naxes; k++) {
            fputs(k ? "," : "", f);
            csvw_text(f, axes[k].values[r->pick[p * r->naxes + k]]);
        }
        for (int i = 0; i < nm; i++) {
            stat_row st;
            paired_point(r, p, ms[i], &st);
            csvw_num(f, st.mean);
            csvw_num(f, st.lo);
            csvw_num(f, st.hi);
        }
        fputc('\n', f);
    }
    return 0;
}

/* sweep_channels.csv, sweep_regions.csv: every figure of every row of a
 * breakdown (w->t) at every point, summarised over the point's runs. */
static int write_sweep_brk(FILE *f, const void *ud)
{
    const sweep_file *w = ud;
    const sweep_result *r = w->r;
    const sweep_axis *axes = w->axes;
    size_t nf, n = (size_t)r->runs;
    const brk_fig *figs = brk_figs(w->t, &nf);
    double *x = malloc((n ? n : 1) * sizeof *x), *tmp = malloc((n ? n : 1) * sizeof *tmp);
    int rc = x && tmp ? 0 : -1;
    fputs("point", f);
    for (size_t k = 0; k < r->naxes; k++) {
        fputc(',', f);
        csvw_text(f, axes[k].target);
    }
    fprintf(f, ",%s,figure,mean,sd,ci95_low,ci95_high,p5,p50,p95,runs\n", brk_labels(w->t));
    for (size_t p = 0; rc == 0 && p < r->npoints && !afile_interrupted(); p++)
        for (size_t c = 0; c < brk_rows(&r->brk[p].sh, w->t); c++)
            for (size_t g = 0; g < nf; g++) {
                const brk_store *b = &r->brk[p];
                for (size_t i = 0; i < n; i++)
                    x[i] = brk_value(&b->sh, brk_at(b, (int64_t)i), w->t, c, g);
                stat_row st;
                stats_summary(x, n, tmp, &st);
                fprintf(f, "%zu", p);
                for (size_t k = 0; k < r->naxes; k++) {
                    fputc(',', f);
                    csvw_text(f, axes[k].values[r->pick[p * r->naxes + k]]);
                }
                fputc(',', f);
                report_brk_labels(f, w->s, &b->sh, w->t, c);
                fputs(figs[g].name, f);
                report_put_stat(f, &st);
            }
    free(x);
    free(tmp);
    return rc;
}

int report_paired_sweep(const char *dir, const sweep_result *r, const sweep_axis *axes,
                        int objective, const scenario *s, const afile_part *extra, size_t nextra,
                        char *msg, size_t n)
{
    sweep_file w = {r, axes, objective, s, BRK_CHANNELS}, wr = w;
    wr.t = BRK_REGIONS;
    const afile_part own[] = {
        {"sweep.csv", write_sweep, NULL, &w},
        {"sweep_channels.csv", write_sweep_brk, NULL, &w},
        {"sweep_regions.csv", write_sweep_brk, NULL, &wr},
    };
    return write_set(dir, own, sizeof own / sizeof *own, extra, nextra, msg, n);
}
