#include "kpi.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"

const kpi_col kpi_cols[TS_N] = {
    {"cash_in_usd", U_MONEY, AGG_SUM},
    {"store_fees_usd", U_MONEY, AGG_SUM},
    {"payouts_gross_usd", U_MONEY, AGG_SUM},
    {"payout_fees_usd", U_MONEY, AGG_SUM},
    {"payouts_net_usd", U_MONEY, AGG_SUM},
    {"platform_cash_usd", U_MONEY, AGG_LAST},
    {"coins_sold", U_COUNT, AGG_SUM},
    {"coins_bonus", U_COUNT, AGG_SUM},
    {"coins_gifted", U_COUNT, AGG_SUM},
    {"coins_breakage", U_COUNT, AGG_SUM},
    {"wallet_coins", U_COUNT, AGG_LAST},
    {"diamonds_credited", U_DIAMONDS, AGG_SUM},
    {"diamonds_withdrawn", U_DIAMONDS, AGG_SUM},
    {"pending_diamonds", U_DIAMONDS, AGG_LAST},
    {"purchases", U_COUNT, AGG_SUM},
    {"gifts", U_COUNT, AGG_SUM},
    {"lost_intents", U_COUNT, AGG_SUM},
    {"active_viewers", U_COUNT, AGG_MEAN},
    {"payers", U_COUNT, AGG_DISTINCT},
    {"live_creators", U_COUNT, AGG_MEAN},
    {"cashouts", U_COUNT, AGG_SUM},
    {"coins_granted", U_COUNT, AGG_SUM},
    {"coins_sunk", U_COUNT, AGG_SUM},
    {"sinks", U_COUNT, AGG_SUM},
    {"lost_sinks", U_COUNT, AGG_SUM},
    {"sessions_watched", U_COUNT, AGG_SUM},
    {"sessions_missed", U_COUNT, AGG_SUM},
    {"web_cash_in_usd", U_MONEY, AGG_SUM},
    {"fx_fees_usd", U_MONEY, AGG_SUM},
};

const kpi_metric kpi_metrics[M_N] = {
    {"cash_in_usd", U_MONEY, 1, "money viewers paid for coins"},
    {"store_fees_usd", U_MONEY, 1, "app-store and web-processor fees"},
    {"payouts_gross_usd", U_MONEY, 1, "creators' cash-outs before fees"},
    {"payout_fees_usd", U_MONEY, 1, "fees on cash-outs"},
    {"payouts_net_usd", U_MONEY, 1, "what reached creators' banks"},
    {"platform_cash_usd", U_MONEY, 1, "platform's cash at the end"},
    {"coins_sold", U_COUNT, 1, "coins bought"},
    {"coins_bonus", U_COUNT, 1, "bonus coins given with packs"},
    {"coins_gifted", U_COUNT, 1, "coins sent as gifts"},
    {"coins_breakage", U_COUNT, 1, "coins lost with churned viewers"},
    {"wallet_coins", U_COUNT, 1, "coins unspent at the end"},
    {"diamonds_credited", U_DIAMONDS, 1, "diamonds credited to creators"},
    {"diamonds_withdrawn", U_DIAMONDS, 1, "diamonds cashed out"},
    {"pending_diamonds", U_DIAMONDS, 1, "diamonds not yet cashed out at the end"},
    {"purchases", U_COUNT, 1, "packs bought"},
    {"gifts", U_COUNT, 1, "gifts sent"},
    {"lost_intents", U_COUNT, 1, "gift intents given up (nothing bought)"},
    {"active_viewers", U_COUNT, 0, "active viewers, mean per step"},
    {"payers", U_COUNT, 1, "distinct viewers who bought in the run"},
    {"live_creators", U_COUNT, 0, "live creators, mean per step"},
    {"cashouts", U_COUNT, 1, "cash-outs"},
    {"coins_granted", U_COUNT, 1, "free coins granted to active viewers"},
    {"coins_sunk", U_COUNT, 1, "coins spent on sinks (no creator)"},
    {"sinks", U_COUNT, 1, "sink purchases made (effects, boosts, unlocks)"},
    {"lost_sinks", U_COUNT, 1, "sink intents given up (nothing bought)"},
    {"sessions_watched", U_COUNT, 1, "active sessions spent watching a live creator"},
    {"sessions_missed", U_COUNT, 1, "active sessions whose creator was not live"},
    {"web_cash_in_usd", U_MONEY, 1, "cash in through the web store"},
    {"fx_fees_usd", U_MONEY, 1, "conversion spread on payouts to creators' currencies"},
    {"arppu_usd", U_MONEY, 0, "cash in per payer"},
    {"payer_rate", U_COUNT, 0, "payers over every viewer who existed"},
    {"platform_take_rate", U_COUNT, 0, "platform cash gained over cash in"},
    {"creator_share_of_spend", U_COUNT, 0, "creators' earnings over cash in"},
    {"breakage_rate", U_COUNT, 0, "breakage over coins sold, bonus and granted"},
    {"lost_intent_rate", U_COUNT, 0, "lost intents over all intents"},
    {"creator_gini", U_COUNT, 0, "Gini of creators' earnings (diamonds credited)"},
    {"top1pct_creator_share", U_COUNT, 0, "share of earnings of the top 1% of creators"},
    {"top20pct_payer_spend_share", U_COUNT, 0, "share of spend of the top 20% of payers"},
    {"creators_cashed_out", U_COUNT, 0, "distinct creators with a cash-out"},
    {"creator_earnings_usd", U_MONEY, 1, "diamonds credited, at the final USD per diamond"},
    {"coin_liability_usd", U_MONEY, 1, "what coins in wallets will cost in credit if gifted"},
    {"diamond_liability_usd", U_MONEY, 1, "pending diamonds at the final USD per diamond"},
    {"platform_margin_usd", U_MONEY, 1, "platform cash less both liabilities, gained"},
    {"web_share_of_revenue", U_COUNT, 0, "web cash in over cash in"},
    {"missed_session_rate", U_COUNT, 0, "missed sessions over active sessions"},
    {"opening_wallet_coins", U_COUNT, 1, "coins in wallets when the reported steps began"},
    {"opening_pending_diamonds", U_DIAMONDS, 1, "pending diamonds when they began"},
    {"opening_platform_cash_usd", U_MONEY, 1, "platform cash when they began"},
    {"app_purchases", U_COUNT, 1, "packs bought in the app"},
    {"web_purchases", U_COUNT, 1, "packs bought on the web"},
};

int kpi_metric_find(const char *name)
{
    for (int i = 0; i < M_N; i++)
        if (strcmp(kpi_metrics[i].name, name) == 0)
            return i;
    return -1;
}

void kpi_format(char *buf, size_t n, int m, const run_result *r)
{
    char t[NUM_BUF];
    if (kpi_metrics[m].exact) {
        if (kpi_metrics[m].unit == U_COUNT)
            snprintf(buf, n, "%lld", (long long)r->exact[m]);
        else
            snprintf(buf, n, "%s", num_fmt_micro(t, r->exact[m]));
        return;
    }
    if (m == M_CASHED_OUT)
        snprintf(buf, n, "%.0f", r->value[m]);
    else
        snprintf(buf, n, "%.6f", r->value[m]);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Gini of x[0..n) sorted ascending, or largest first (desc); summed in
 * the array's order. G = sum_r (2r - n - 1) x_(r) / (n sum x), x_(r) the
 * r-th smallest. */
static double gini_sorted(const int64_t *x, size_t n, int desc)
{
    long double num = 0, sum = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t r = desc ? (int64_t)(n - i) : (int64_t)(i + 1);
        num += (long double)(2 * r - (int64_t)n - 1) * (long double)x[i];
        sum += (long double)x[i];
    }
    return sum > 0 ? (double)(num / ((long double)n * sum)) : 0.0;
}

double kpi_gini(int64_t *x, size_t n)
{
    qsort(x, n, sizeof *x, cmp_i64);
    return gini_sorted(x, n, 0);
}

double kpi_gini_dir(const int64_t *x, size_t n, int desc) { return gini_sorted(x, n, desc); }

/* Share of the k = ceil(frac x n) largest of x[0..n) sorted ascending, or
 * largest first (desc). */
static double top_share_sorted(const int64_t *x, size_t n, int64_t frac_ppm, int desc, size_t *kout)
{
    long double top = 0, sum = 0;
    size_t k = (size_t)(((unsigned __int128)n * (uint64_t)frac_ppm + NUM_MICRO - 1) / NUM_MICRO);
    for (size_t i = 0; i < n; i++) {
        sum += (long double)x[i];
        if (desc ? i < k : i >= n - k)
            top += (long double)x[i];
    }
    if (kout)
        *kout = k;
    return sum > 0 ? (double)(top / sum) : 0.0;
}

double kpi_top_share_dir(const int64_t *x, size_t n, int64_t frac_ppm, int desc, size_t *k)
{
    return top_share_sorted(x, n, frac_ppm, desc, k);
}

double kpi_top_share(int64_t *x, size_t n, int64_t frac_ppm)
{
    qsort(x, n, sizeof *x, cmp_i64);
    return top_share_sorted(x, n, frac_ppm, 0, NULL);
}

void kpi_fill(const kpi_step *rows, int64_t nsteps, const kpi_end *end, run_result *out)
{
    memset(out, 0, sizeof *out);
    out->run = end->run;
    for (int c = 0; c < TS_N; c++) {
        int64_t acc = 0;
        for (int64_t s = 0; s < nsteps; s++) {
            if (kpi_cols[c].agg == AGG_LAST)
                acc = rows[s].v[c];
            else
                acc += rows[s].v[c];
        }
        out->exact[c] = acc;
        out->value[c] = (double)acc;
        if (kpi_cols[c].unit != U_COUNT)
            out->value[c] /= NUM_MICRO;
        if (kpi_cols[c].agg == AGG_MEAN)
            out->value[c] = nsteps ? (double)acc / (double)nsteps : 0.0;
    }
    out->exact[TS_PAYERS] = end->payers;
    out->value[TS_PAYERS] = (double)end->payers;
    out->viewers_existed = end->viewers_existed;
    const int64_t *e = out->exact;
    out->intents = e[TS_GIFTS] + e[TS_LOST_INTENTS];
    out->sink_intents = e[TS_SINKS] + e[TS_LOST_SINKS];

#define RATIO(a, b) ((b) > 0 ? (double)(a) / (double)(b) : 0.0)
    out->value[M_ARPPU] = RATIO(e[TS_CASH_IN], e[TS_PAYERS]) / NUM_MICRO;
    out->value[M_PAYER_RATE] = RATIO(e[TS_PAYERS], out->viewers_existed);
    out->value[M_TAKE_RATE] =
        RATIO((double)e[TS_PLATFORM_CASH] - (double)end->open_cash, e[TS_CASH_IN]);
    out->value[M_CREATOR_SHARE] = RATIO(end->earnings, e[TS_CASH_IN]);
    out->value[M_BREAKAGE_RATE] =
        RATIO(e[TS_COINS_BREAKAGE],
              (double)e[TS_COINS_SOLD] + (double)e[TS_COINS_BONUS] + (double)e[TS_COINS_GRANTED]);
    out->value[M_LOST_RATE] = RATIO(e[TS_LOST_INTENTS], out->intents);
    out->value[M_WEB_SHARE] = RATIO(e[TS_WEB_CASH_IN], e[TS_CASH_IN]);
    out->value[M_MISSED_RATE] = RATIO(e[TS_SESSIONS_MISSED], (double)e[TS_SESSIONS_MISSED] +
                                                                 (double)e[TS_SESSIONS_WATCHED]);
#undef RATIO

    int64_t exact[M_N] = {[M_CREATOR_EARNINGS] = end->earnings,
                          [M_COIN_LIABILITY] = end->coin_liab,
                          [M_DIAMOND_LIABILITY] = end->diamond_liab,
                          [M_MARGIN] = end->margin,
                          [M_OPEN_WALLETS] = end->open_wallets,
                          [M_OPEN_PENDING] = end->open_pending,
                          [M_OPEN_CASH] = end->open_cash,
                          [M_APP_PURCHASES] = end->channel_n[0],
                          [M_WEB_PURCHASES] = end->channel_n[1]};
    for (int m = TS_N; m < M_N; m++)
        if (kpi_metrics[m].exact) {
            out->exact[m] = exact[m];
            out->value[m] = (double)exact[m] / (kpi_metrics[m].unit == U_COUNT ? 1.0 : NUM_MICRO);
        }

    int64_t cashed = 0;
    for (size_t c = 0; c < end->ncreators; c++)
        cashed += end->cashed[c];
    out->value[M_CASHED_OUT] = (double)cashed;
    /* Creators' earnings and payers' spends are sorted in place (the
     * earnings once, for both figures). */
    qsort(end->earned, end->ncreators, sizeof *end->earned, cmp_i64);
    out->value[M_TOP1_CREATOR] = top_share_sorted(end->earned, end->ncreators, 10000, 0, NULL);
    out->value[M_GINI] = gini_sorted(end->earned, end->ncreators, 0);
    out->value[M_TOP20_PAYER] = end->spend ? kpi_top_share(end->spend, end->nspend, 200000) : NAN;
}
