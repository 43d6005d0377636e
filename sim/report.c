#define _POSIX_C_SOURCE 200809L
#include "report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvwrite.h"
#include "kpi.h"
#include "num.h"

/* Summarise get(i) over the runs i of r. Returns 0, or -1 out of memory
 * (every figure NaN). */
static int summarise(const mc_result *r, double (*get)(const mc_result *, int64_t, const void *),
                     const void *arg, stat_row *out)
{
    size_t n = r->runs > 0 ? (size_t)r->runs : 1;
    double *x = malloc(n * sizeof *x), *tmp = malloc(n * sizeof *tmp);
    int rc = 0;
    if (!x || !tmp) {
        memset(out, 0, sizeof *out);
        out->mean = out->sd = out->lo = out->hi = out->p5 = out->p50 = out->p95 = NAN;
        rc = -1;
    } else {
        for (int64_t i = 0; i < r->runs; i++)
            x[i] = get(r, i, arg);
        stats_summary(x, (size_t)r->runs, tmp, out);
    }
    free(x);
    free(tmp);
    return rc;
}

static double get_metric(const mc_result *r, int64_t i, const void *arg)
{
    return r->res[i].value[*(const int *)arg];
}

int report_stat(const mc_result *r, int m, stat_row *out)
{
    return summarise(r, get_metric, &m, out);
}

typedef struct brk_arg {
    enum brk_table t;
    size_t row, fig;
} brk_arg;

static double get_brk(const mc_result *r, int64_t i, const void *arg)
{
    const brk_arg *a = arg;
    return brk_value(&r->brk.sh, brk_at(&r->brk, i), a->t, a->row, a->fig);
}

int report_brk_stat(const mc_result *r, enum brk_table t, size_t row, size_t fig, stat_row *out)
{
    brk_arg a = {t, row, fig};
    return summarise(r, get_brk, &a, out);
}

/* The columns mean,sd,ci95_low,ci95_high,p5,p50,p95,runs of a row. */
void report_put_stat(FILE *f, const stat_row *s)
{
    csvw_num(f, s->mean);
    csvw_num(f, s->sd);
    csvw_num(f, s->lo);
    csvw_num(f, s->hi);
    csvw_num(f, s->p5);
    csvw_num(f, s->p50);
    csvw_num(f, s->p95);
    fprintf(f, ",%zu\n", s->n);
}

static int write_summary(FILE *f, const mc_result *r)
{
    fputs("metric,mean,sd,ci95_low,ci95_high,p5,p50,p95,runs\n", f);
    for (int m = 0; m < M_N && !afile_interrupted(); m++) {
        stat_row s;
        if (report_stat(r, m, &s) < 0)
            return -1;
        fputs(kpi_metrics[m].name, f);
        report_put_stat(f, &s);
    }
    return 0;
}

static int write_timeseries(FILE *f, const mc_result *r)
{
    char b[NUM_BUF];
    fputs("run,step", f);
    for (int c = 0; c < TS_N; c++)
        fprintf(f, ",%s", kpi_cols[c].name);
    fputc('\n', f);
    for (int64_t i = 0; i < r->runs && !afile_interrupted(); i++)
        for (int64_t s = 0; s < r->steps; s++) {
            const kpi_step *k = &r->ts[i * r->steps + s];
            fprintf(f, "%lld,%lld", (long long)r->res[i].run, (long long)s);
            for (int c = 0; c < TS_N; c++) {
                if (kpi_cols[c].unit == U_COUNT)
                    fprintf(f, ",%lld", (long long)k->v[c]);
                else
                    fprintf(f, ",%s", num_fmt_micro(b, k->v[c]));
            }
            fputc('\n', f);
        }
    return 0;
}

static int write_runs(FILE *f, const mc_result *r)
{
    char b[64];
    fputs("run", f);
    for (int m = 0; m < M_N; m++)
        fprintf(f, ",%s", kpi_metrics[m].name);
    fputc('\n', f);
    for (int64_t i = 0; i < r->runs && !afile_interrupted(); i++) {
        fprintf(f, "%lld", (long long)r->res[i].run);
        for (int m = 0; m < M_N; m++) {
            kpi_format(b, sizeof b, m, &r->res[i]);
            fprintf(f, ",%s", b);
        }
        fputc('\n', f);
    }
    return 0;
}

void report_brk_labels(FILE *f, const scenario *s, const brk_shape *sh, enum brk_table t,
                       size_t row)
{
    const sc_tables *tb = &s->t;
    if (t == BRK_CREATORS)
        return;
    csvw_text(f, brk_row_name(tb, t, row));
    if (t == BRK_GIFTS)
        fputs(row < sh->ngifts ? ",gift" : ",sink", f);
    else if (t == BRK_PACKS)
        fprintf(f, ",%s", brk_row_name(tb, BRK_CHANNELS, tb->packs[row].channel == CH_WEB));
    else if (t == BRK_REGIONS) {
        fputc(',', f);
        csvw_text(f, scenario_region_currency(tb, row));
    }
    fputc(',', f);
}

/* A breakdown file: each row's figures summarised over runs. */
static int write_brk(FILE *f, const scenario *s, const mc_result *r, enum brk_table t)
{
    size_t nf;
    const brk_fig *figs = brk_figs(t, &nf);
    const char *lab = brk_labels(t);
    fprintf(f, "%s%sfigure,mean,sd,ci95_low,ci95_high,p5,p50,p95,runs\n", lab, *lab ? "," : "");
    for (size_t row = 0; row < brk_rows(&r->brk.sh, t) && !afile_interrupted(); row++)
        for (size_t g = 0; g < nf; g++) {
            stat_row st;
            if (report_brk_stat(r, t, row, g, &st) < 0)
                return -1;
            report_brk_labels(f, s, &r->brk.sh, t, row);
            fputs(figs[g].name, f);
            report_put_stat(f, &st);
        }
    return 0;
}

/* What report_write's own files are written from: file k of s and r. */
typedef struct own_file {
    const scenario *s;
    const mc_result *r;
    int k;
} own_file;

static const char *const own_names[] = {"summary.csv",    "timeseries.csv", "runs.csv",
                                        "pack_sales.csv", "segments.csv",   "channels.csv",
                                        "gifts.csv",      "regions.csv",    "creators.csv"};
enum { NOWN = sizeof own_names / sizeof own_names[0] };

static int write_own(FILE *f, const void *ud)
{
    const own_file *o = ud;
    switch (o->k) {
    case 0: return write_summary(f, o->r);
    case 1: return write_timeseries(f, o->r);
    case 2: return write_runs(f, o->r);
    case 3: return write_brk(f, o->s, o->r, BRK_PACKS);
    case 4: return write_brk(f, o->s, o->r, BRK_SEGMENTS);
    case 5: return write_brk(f, o->s, o->r, BRK_CHANNELS);
    case 6: return write_brk(f, o->s, o->r, BRK_GIFTS);
    case 7: return write_brk(f, o->s, o->r, BRK_REGIONS);
    default: return write_brk(f, o->s, o->r, BRK_CREATORS);
    }
}

int report_write_parts(const char *dir, const afile_part *own, size_t nown, const afile_part *extra,
                       size_t nextra, char *msg, size_t n)
{
    afile_part *parts = malloc((nown + nextra) * sizeof *parts);
    if (!parts) {
        snprintf(msg, n, "out of memory");
        return -2;
    }
    memcpy(parts, own, nown * sizeof *own);
    if (nextra)
        memcpy(parts + nown, extra, nextra * sizeof *extra);
    int rc = afile_write_set(dir, parts, nown + nextra, msg, n);
    free(parts);
    return rc;
}

int report_write(const char *dir, const scenario *s, const mc_result *r, const afile_part *extra,
                 size_t nextra, char *msg, size_t n)
{
    own_file own[NOWN];
    afile_part parts[NOWN];
    for (int k = 0; k < NOWN; k++) {
        own[k] = (own_file){s, r, k};
        parts[k] = (afile_part){own_names[k], write_own, NULL, &own[k]};
    }
    return report_write_parts(dir, parts, NOWN, extra, nextra, msg, n) < 0 ? -1 : 0;
}
