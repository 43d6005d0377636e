/* kpi — the figures a run records (docs/model.md §6): per-step time-series
 * columns and per-run metrics, with their names and units in one place. */
#ifndef COINSIM_KPI_H
#define COINSIM_KPI_H

#include <stddef.h>
#include <stdint.h>

enum ts_col {
    TS_CASH_IN,
    TS_STORE_FEES,
    TS_PAYOUTS_GROSS,
    TS_PAYOUT_FEES,
    TS_PAYOUTS_NET,
    TS_PLATFORM_CASH,
    TS_COINS_SOLD,
    TS_COINS_BONUS,
    TS_COINS_GIFTED,
    TS_COINS_BREAKAGE,
    TS_WALLET_COINS,
    TS_DIAMONDS_CREDITED,
    TS_DIAMONDS_WITHDRAWN,
    TS_PENDING_DIAMONDS,
    TS_PURCHASES,
    TS_GIFTS,
    TS_LOST_INTENTS,
    TS_ACTIVE_VIEWERS,
    TS_PAYERS,
    TS_LIVE_CREATORS,
    TS_CASHOUTS,
    TS_COINS_GRANTED,
    TS_COINS_SUNK,
    TS_SINKS,
    TS_LOST_SINKS,
    TS_SESSIONS_WATCHED,
    TS_SESSIONS_MISSED,
    TS_WEB_CASH_IN,
    TS_FX_FEES,
    TS_N
};

enum kpi_unit { U_MONEY, U_DIAMONDS, U_COUNT }; /* µUSD, µD, plain */
enum kpi_agg { AGG_SUM, AGG_LAST, AGG_MEAN, AGG_DISTINCT };

typedef struct kpi_col {
    const char *name;
    enum kpi_unit unit;
    enum kpi_agg agg; /* how a run's figure is made from the steps */
} kpi_col;

extern const kpi_col kpi_cols[TS_N];

/* One step of one run; money in µUSD, diamonds in µD. */
typedef struct kpi_step {
    int64_t v[TS_N];
} kpi_step;

/* Metrics beyond the time-series columns. */
enum derived {
    M_ARPPU = TS_N,
    M_PAYER_RATE,
    M_TAKE_RATE,
    M_CREATOR_SHARE,
    M_BREAKAGE_RATE,
    M_LOST_RATE,
    M_GINI,
    M_TOP1_CREATOR,
    M_TOP20_PAYER,
    M_CASHED_OUT,
    M_CREATOR_EARNINGS,
    M_COIN_LIABILITY,
    M_DIAMOND_LIABILITY,
    M_MARGIN,
    M_WEB_SHARE,
    M_MISSED_RATE,
    M_OPEN_WALLETS,
    M_OPEN_PENDING,
    M_OPEN_CASH,
    M_APP_PURCHASES,
    M_WEB_PURCHASES,
    M_N
};

typedef struct kpi_metric {
    const char *name;
    enum kpi_unit unit; /* U_MONEY printed as USD, U_COUNT plain */
    int exact;          /* an integer total (run_result.exact), not a ratio or mean */
    const char *what;   /* one line for tables and help */
} kpi_metric;

extern const kpi_metric kpi_metrics[M_N];

/* A run's figures: value[] for every metric as a double (for statistics);
 * exact[] holds the integer totals of the metrics marked exact. */
typedef struct run_result {
    uint64_t run;
    double value[M_N];
    int64_t exact[M_N];
    int64_t viewers_existed;
    int64_t intents;      /* gift intents: gifts and lost intents */
    int64_t sink_intents; /* sinks and lost sinks */
    int64_t grants;       /* sessions granted free coins */
    /* The random draws the run needed, for the benchmark's floor: viewer
     * streams started (sessions), purchase decisions, geometric skips,
     * binomial draws, creators' cash-out draws. */
    int64_t sessions, decisions, skips, binomials, cashout_draws;
} run_result;

/* What a run leaves behind besides its rows, for kpi_fill. */
typedef struct kpi_end {
    uint64_t run;
    int64_t payers;              /* distinct payers in the run */
    int64_t viewers_existed;     /* population plus churn replacements */
    int64_t *earned;             /* µD credited per creator, zero earners too (sorted in place) */
    const unsigned char *cashed; /* per creator: cashed out at least once */
    size_t ncreators;
    int64_t *spend; /* µUSD per payer, churned payers included (sorted in place) */
    size_t nspend;
    /* The platform's position (docs/model.md §6), floored to the µUSD by
     * the rules: creators' earnings in the reported steps, and the coin and
     * diamond liabilities at the end and at the opening. */
    int64_t earnings, coin_liab, diamond_liab, open_coin_liab, open_diamond_liab;
    int64_t margin; /* platform cash less both liabilities, less the same at the opening */
    int64_t open_wallets, open_pending, open_cash; /* coins, µD, µUSD */
    int64_t channel_n[2];                          /* purchases per channel (CH_APP, CH_WEB) */
} kpi_end;

/* Fill a run's totals and derived metrics (docs/model.md §6) from its rows
 * rows[0..nsteps) and what it left behind; e->earned and e->spend are
 * sorted. */
void kpi_fill(const kpi_step *rows, int64_t nsteps, const kpi_end *e, run_result *out);

/* Index of a metric by name, or -1. */
int kpi_metric_find(const char *name);

/* Format metric m of a run for CSV (exact where the figure is exact). */
void kpi_format(char *buf, size_t n, int m, const run_result *r);

/* Gini of x[0..n) in the population form, 0 when the sum is 0. Sorts x. */
double kpi_gini(int64_t *x, size_t n);

/* Share of the total held by the ceil(frac_ppm * n / 10^6) largest of
 * x[0..n); 0 when the sum is 0. Sorts x. */
double kpi_top_share(int64_t *x, size_t n, int64_t frac_ppm);

/* The same over x[0..n) already sorted, largest first when desc, else
 * smallest first (left as it is); *k, if k is not NULL, receives the number
 * of the largest counted. */
double kpi_gini_dir(const int64_t *x, size_t n, int desc);
double kpi_top_share_dir(const int64_t *x, size_t n, int64_t frac_ppm, int desc, size_t *k);

/* µUSD spent per payer (ARPPU), rounded down; 0 with no payer. The run's
 * arppu_usd metric is the same figure in dollars. */
static inline int64_t kpi_arppu(int64_t spend, int64_t payers)
{
    return payers ? spend / payers : 0;
}

#endif
