/* page_int — what the pages of report.html share (page.c): the parts of
 * every page, and a run's files loaded once for the run's page and the
 * explainer. */
#ifndef COINSIM_PAGE_INT_H
#define COINSIM_PAGE_INT_H

#include <stdio.h>

#include "../sim/diag.h"
#include "otab.h"

/* manifest.csv's value of key, or NULL (m may be NULL). */
const char *page_manifest_get(const otab *m, const char *key);

/* The page's heading: h1 (escaped), then a line naming the scenario and
 * the command line from the manifest when it has them. */
void page_heading(FILE *f, const char *h1, const otab *manifest);

/* The manifest section: every key and value, or the note that it was
 * not there. */
void page_manifest(FILE *f, const otab *m);

/* A table of paired differences (the columns of compare.csv after the
 * labels): its rows, nlab labels each (the last is the figure). */
void page_diff_table(FILE *f, const char *caption, const otab *t, const char *const *head,
                     int nlab);

/* ---------------------------------------------------------- a run's data */

/* The per-step curves over runs: mean and the 5th and 95th percentiles. */
enum { TS_CASH, TS_PAYOUT, TS_PCASH, TS_MARGIN, TS_NCURVES };
typedef struct page_curves {
    size_t steps;
    double *x, *mean[TS_NCURVES], *p5[TS_NCURVES], *p95[TS_NCURVES];
    size_t runs;
    int gross; /* the payout curve is gross (payouts_net_usd was not there) */
} page_curves;

typedef struct page_run_data {
    otab *summary, *packs, *segments, *channels, *gifts, *creators, *manifest;
    otab *regions, *currencies; /* regions.csv by (region, figure), and by (region, currency) */
    otab *params, *timeline;    /* scenario/params.csv and scenario/timeline.csv */
    page_curves ts;
    int have_ts; /* 1 the curves, 2 timeseries.csv without rows, 0 not there */
} page_run_data;

/* Load every file of a run in dir (those not there left NULL). 0, or -1
 * after errors in d (also when summary.csv is not there). */
int page_run_load(const char *dir, page_run_data *r, diag *d);
void page_run_free(page_run_data *r);

/* A summary metric's mean, or NaN when it is not there. */
double page_mean(const page_run_data *r, const char *metric);

/* The money rules that value coins, diamonds and commission: earnings,
 * the liabilities and the margin are valued at the end's values, payouts
 * at the values of their day, so the flows are exact only when none of
 * them changes during the reported steps. */
enum { RULE_DIAMOND, RULE_COIN, RULE_COMMISSION, RULE_N };
typedef struct page_rule {
    const char *key;       /* params.csv's key: usd_per_diamond, coin_value_usd, commission */
    double start, end;     /* at step 0 (params.csv) and after the last step; NaN unknown */
    double first;          /* the value of the first row that changes it */
    size_t changes;        /* timeline rows setting it to another value than the start's */
    const char *from;      /* params.csv's value as written, or NULL */
    const char *step, *to; /* the first such row's step and value, as written */
} page_rule;

/* Whether the timeline changes a money rule, from scenario/ and the
 * manifest: PAGE_RULES_FIXED (no row changes one), PAGE_RULES_CHANGED
 * (rules[] says which and how), or PAGE_RULES_UNKNOWN (the timeline is
 * not here to read: manifest.csv counts rows but scenario/timeline.csv is
 * missing, or neither manifest.csv nor scenario/ is here). rules[] is
 * filled in every case, its texts pointing into r. */
enum page_rules { PAGE_RULES_FIXED, PAGE_RULES_CHANGED, PAGE_RULES_UNKNOWN };
enum page_rules page_rules(const page_run_data *r, page_rule rules[RULE_N]);

/* The changed rules in words, into buf: "usd_per_diamond from 0.005 to
 * 0.004 at step 10", joined by "; "; "" when none changes. */
void page_rules_text(char *buf, size_t n, const page_rule rules[RULE_N]);

/* The money flow of a dollar of cash in (Sankey), with its basis; the
 * flows in per-dollar units into per[] (see page_run.c) for the
 * explainer's sentences. Returns 0, or -1 when there is nothing to draw
 * (a note has been written). */
enum { FL_FEES, FL_CREATORS, FL_COINS, FL_MARGIN, FL_PFEES, FL_FX, FL_NET, FL_PENDING, FL_N };
int page_flow(FILE *f, const page_run_data *r, double per[FL_N]);

/* The Lorenz curve of creators.csv with its figures, or the note. */
void page_lorenz(FILE *f, const page_run_data *r);

/* The pages. Each writes the whole page to f; 0, or -1 after errors in d
 * (nothing useful was written). */
int page_run(FILE *f, const char *dir, diag *d);
int page_explain(FILE *f, const char *dir, diag *d);
int page_compare(FILE *f, const char *dir, diag *d);
int page_sweep(FILE *f, const char *dir, diag *d);

#endif
