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
#include "status.h"

/* Write part first, then extra[0..nextra), as one set: the status of the
 * outcome. */
static int write_set(const char *dir, afile_part first, const afile_part *extra, size_t nextra,
                     char *msg, size_t n)
{
    afile_part *parts = malloc((1 + nextra) * sizeof *parts);
    if (!parts) {
        snprintf(msg, n, "out of memory");
        return SIM_NOMEM;
    }
    parts[0] = first;
    if (nextra)
        memcpy(parts + 1, extra, nextra * sizeof *extra);
    int st = SIM_OK;
    if (afile_write_set(dir, parts, 1 + nextra, msg, n) < 0)
        st = afile_interrupted() ? SIM_STOPPED : SIM_IO;
    free(parts);
    return st;
}

typedef struct compare_file {
    const cmp_result *r;
    const char *const *side;
} compare_file;

static void write_compare(FILE *f, const void *ud)
{
    const compare_file *c = ud;
    const cmp_result *r = c->r;
    const char *const *side = c->side;
    fprintf(f, "# %s\n# %s\n# %s\n", side[0], side[1], side[2]);
    fputs("metric,a_mean,b_mean,diff_mean,diff_ci95_low,diff_ci95_high,rel_change,significant\n",
          f);
    for (int m = 0; m < M_N; m++) {
        const cmp_metric *cm = &r->m[m];
        csvw_text(f, kpi_metrics[m].name);
        csvw_num(f, cm->a_mean);
        csvw_num(f, cm->b_mean);
        csvw_num(f, cm->diff_mean);
        csvw_num(f, cm->diff_lo);
        csvw_num(f, cm->diff_hi);
        csvw_num(f, cm->rel_change);
        /* Empty with one run: no interval, no verdict. */
        fprintf(f, ",%s\n", isnan(cm->diff_lo) ? "" : cm->significant ? "yes" : "no");
    }
}

int report_paired_compare(const char *dir, const cmp_result *r, const char *const side[3],
                          const afile_part *extra, size_t nextra, char *msg, size_t n)
{
    compare_file c = {r, side};
    return write_set(dir, (afile_part){"compare.csv", write_compare, NULL, &c}, extra, nextra, msg,
                     n);
}

static const int key_metrics[] = {
    TS_CASH_IN,         TS_PLATFORM_CASH, TS_PAYOUTS_NET,  TS_STORE_FEES,    TS_PURCHASES,
    TS_PAYERS,          M_ARPPU,          M_CREATOR_SHARE, M_TAKE_RATE,      M_MARGIN,
    M_CREATOR_EARNINGS, M_WEB_SHARE,      M_WEB_PURCHASES, TS_LIVE_CREATORS, M_MISSED_RATE};
#define NKEY ((int)(sizeof key_metrics / sizeof key_metrics[0]))

typedef struct sweep_file {
    const sweep_result *r;
    const sweep_axis *axes;
    int objective;
} sweep_file;

static void write_sweep(FILE *f, const void *ud)
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
    for (size_t p = 0; p < r->npoints; p++) {
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
}

int report_paired_sweep(const char *dir, const sweep_result *r, const sweep_axis *axes,
                        int objective, const afile_part *extra, size_t nextra, char *msg, size_t n)
{
    sweep_file w = {r, axes, objective};
    return write_set(dir, (afile_part){"sweep.csv", write_sweep, NULL, &w}, extra, nextra, msg, n);
}
