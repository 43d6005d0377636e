#define _POSIX_C_SOURCE 200809L
#include "report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvwrite.h"
#include "kpi.h"
#include "num.h"

/* Summarise get(i) over the runs i of r. */
static void summarise(const mc_result *r, double (*get)(const mc_result *, int64_t, const void *),
                      const void *arg, stat_row *out)
{
    double *x = malloc((size_t)r->runs * sizeof *x), *tmp = malloc((size_t)r->runs * sizeof *tmp);
    if (!x || !tmp) {
        memset(out, 0, sizeof *out);
        out->mean = out->sd = out->lo = out->hi = out->p5 = out->p50 = out->p95 = NAN;
    } else {
        for (int64_t i = 0; i < r->runs; i++)
            x[i] = get(r, i, arg);
        stats_summary(x, (size_t)r->runs, tmp, out);
    }
    free(x);
    free(tmp);
}

static double get_metric(const mc_result *r, int64_t i, const void *arg)
{
    return r->res[i].value[*(const int *)arg];
}

void report_stat(const mc_result *r, int m, stat_row *out) { summarise(r, get_metric, &m, out); }

typedef struct pack_arg {
    const scenario *s;
    size_t k;
    enum pack_figure f;
} pack_arg;

static double get_pack(const mc_result *r, int64_t i, const void *arg)
{
    const pack_arg *a = arg;
    const int64_t *p = &r->packs[(size_t)i * r->npacks * 2];
    if (a->f == PACK_PURCHASES)
        return (double)p[2 * a->k];
    if (a->f == PACK_REVENUE_USD)
        return (double)p[2 * a->k + 1] / NUM_MICRO;
    int64_t chan = 0;
    for (size_t j = 0; j < r->npacks; j++)
        if (a->s->t.packs[j].channel == a->s->t.packs[a->k].channel)
            chan += p[2 * j + 1];
    return chan > 0 ? (double)p[2 * a->k + 1] / (double)chan : 0.0;
}

void report_pack_stat(const scenario *s, const mc_result *r, size_t k, enum pack_figure f,
                      stat_row *out)
{
    pack_arg a = {s, k, f};
    summarise(r, get_pack, &a, out);
}

/* The columns mean,sd,ci95_low,ci95_high,p5,p50,p95,runs of a row. */
static void put_stat(FILE *f, const stat_row *s)
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

static void write_summary(FILE *f, const mc_result *r)
{
    fputs("metric,mean,sd,ci95_low,ci95_high,p5,p50,p95,runs\n", f);
    for (int m = 0; m < M_N && !afile_interrupted(); m++) {
        stat_row s;
        report_stat(r, m, &s);
        fputs(kpi_metrics[m].name, f);
        put_stat(f, &s);
    }
}

static void write_timeseries(FILE *f, const mc_result *r)
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
}

static void write_runs(FILE *f, const mc_result *r)
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
}

static void write_packs(FILE *f, const scenario *s, const mc_result *r)
{
    static const char *const fig[] = {"purchases", "revenue_usd", "share_of_channel_revenue"};
    fputs("pack,channel,figure,mean,sd,ci95_low,ci95_high,p5,p50,p95,runs\n", f);
    for (size_t k = 0; k < r->npacks; k++)
        for (int g = PACK_PURCHASES; g <= PACK_CHANNEL_SHARE; g++) {
            stat_row st;
            report_pack_stat(s, r, k, (enum pack_figure)g, &st);
            fprintf(f, "%s,%s,%s", s->t.packs[k].name,
                    s->t.packs[k].channel == CH_WEB ? "web" : "app", fig[g]);
            put_stat(f, &st);
        }
}

/* What report_write's own files are written from: file k of s and r. */
typedef struct own_file {
    const scenario *s;
    const mc_result *r;
    int k;
} own_file;

static const char *const own_names[] = {"summary.csv", "timeseries.csv", "runs.csv",
                                        "pack_sales.csv"};
enum { NOWN = sizeof own_names / sizeof own_names[0] };

static void write_own(FILE *f, const void *ud)
{
    const own_file *o = ud;
    switch (o->k) {
    case 0: write_summary(f, o->r); break;
    case 1: write_timeseries(f, o->r); break;
    case 2: write_runs(f, o->r); break;
    default: write_packs(f, o->s, o->r); break;
    }
}

int report_write(const char *dir, const scenario *s, const mc_result *r, const afile_part *extra,
                 size_t nextra, char *msg, size_t n)
{
    own_file own[NOWN];
    afile_part *parts = malloc((NOWN + nextra) * sizeof *parts);
    if (!parts) {
        snprintf(msg, n, "out of memory");
        return -1;
    }
    for (int k = 0; k < NOWN; k++) {
        own[k] = (own_file){s, r, k};
        parts[k] = (afile_part){own_names[k], write_own, NULL, &own[k]};
    }
    if (nextra)
        memcpy(parts + NOWN, extra, nextra * sizeof *extra);
    int rc = afile_write_set(dir, parts, NOWN + nextra, msg, n);
    free(parts);
    return rc;
}
