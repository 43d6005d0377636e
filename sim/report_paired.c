/* report_paired — compare.csv and sweep.csv (report_paired.h). */
#include "report_paired.h"

#include <math.h>
#include <stdio.h>

#include "afile.h"
#include "csvwrite.h"
#include "kpi.h"
#include "paired.h"
#include "status.h"

/* Give a written file its name: the status of the outcome. */
static int commit(afile *a, char *msg, size_t n)
{
    int st = SIM_OK;
    if (afile_commit(a, msg, n) < 0)
        st = afile_interrupted() ? SIM_STOPPED : SIM_IO;
    afile_abort(a);
    return st;
}

int report_paired_compare(const char *dir, const cmp_result *r, const char *const side[3],
                          char *msg, size_t n)
{
    afile a;
    if (afile_open(&a, dir, "compare.csv", msg, n) < 0)
        return SIM_IO;
    fprintf(a.f, "# %s\n# %s\n# %s\n", side[0], side[1], side[2]);
    fputs("metric,a_mean,b_mean,diff_mean,diff_ci95_low,diff_ci95_high,rel_change,significant\n",
          a.f);
    for (int m = 0; m < M_N; m++) {
        const cmp_metric *c = &r->m[m];
        csvw_text(a.f, kpi_metrics[m].name);
        csvw_num(a.f, c->a_mean);
        csvw_num(a.f, c->b_mean);
        csvw_num(a.f, c->diff_mean);
        csvw_num(a.f, c->diff_lo);
        csvw_num(a.f, c->diff_hi);
        csvw_num(a.f, c->rel_change);
        /* Empty with one run: no interval, no verdict. */
        fprintf(a.f, ",%s\n", isnan(c->diff_lo) ? "" : c->significant ? "yes" : "no");
    }
    return commit(&a, msg, n);
}

static const int key_metrics[] = {
    TS_CASH_IN,         TS_PLATFORM_CASH, TS_PAYOUTS_NET,  TS_STORE_FEES,    TS_PURCHASES,
    TS_PAYERS,          M_ARPPU,          M_CREATOR_SHARE, M_TAKE_RATE,      M_MARGIN,
    M_CREATOR_EARNINGS, M_WEB_SHARE,      M_WEB_PURCHASES, TS_LIVE_CREATORS, M_MISSED_RATE};
#define NKEY ((int)(sizeof key_metrics / sizeof key_metrics[0]))

int report_paired_sweep(const char *dir, const sweep_result *r, const sweep_axis *axes,
                        int objective, char *msg, size_t n)
{
    afile a;
    if (afile_open(&a, dir, "sweep.csv", msg, n) < 0)
        return SIM_IO;
    int ms[NKEY + 1], nm = 0, have = 0;
    for (int i = 0; i < NKEY; i++) {
        ms[nm++] = key_metrics[i];
        have |= key_metrics[i] == objective;
    }
    if (objective >= 0 && !have)
        ms[nm++] = objective;
    for (size_t k = 0; k < r->naxes; k++) {
        fputs(k ? "," : "", a.f);
        csvw_text(a.f, axes[k].target);
    }
    for (int i = 0; i < nm; i++)
        fprintf(a.f, ",%s_mean,%s_ci95_low,%s_ci95_high", kpi_metrics[ms[i]].name,
                kpi_metrics[ms[i]].name, kpi_metrics[ms[i]].name);
    fputc('\n', a.f);
    for (size_t p = 0; p < r->npoints; p++) {
        for (size_t k = 0; k < r->naxes; k++) {
            fputs(k ? "," : "", a.f);
            csvw_text(a.f, axes[k].values[r->pick[p * r->naxes + k]]);
        }
        for (int i = 0; i < nm; i++) {
            stat_row st;
            paired_point(r, p, ms[i], &st);
            csvw_num(a.f, st.mean);
            csvw_num(a.f, st.lo);
            csvw_num(a.f, st.hi);
        }
        fputc('\n', a.f);
    }
    return commit(&a, msg, n);
}
