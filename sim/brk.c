#include "brk.h"

#include <stdlib.h>
#include <string.h>

#include "num.h"
#include "rules.h"
#include "snap.h"

/* ------------------------------------------------------------ figures */

#define RAW(n, a, w)          \
    {                         \
        n, BK_RAW, a, 0, 0, w \
    }
#define USD(n, a, w)          \
    {                         \
        n, BK_RAW, a, 0, 1, w \
    }
#define RATIO(n, a, b, w)       \
    {                           \
        n, BK_RATIO, a, b, 0, w \
    }
#define REAL(n, a, w)          \
    {                          \
        n, BK_REAL, a, 0, 0, w \
    }

static const brk_fig seg_figs[] = {
    RAW("viewers", SR_VIEWERS, "viewers who existed: the segment's size plus replacements"),
    RAW("payers", SR_PAYERS, "viewers who bought at least once"),
    RATIO("payer_rate", SR_PAYERS, SR_VIEWERS, "payers over viewers"),
    USD("spend_usd", SR_SPEND, "USD paid for packs"),
    {"spend_share", BK_SHARE, SR_SPEND, 0, 0, "share of all segments' spend"},
    {"arppu_usd", BK_RATIO, SR_SPEND, SR_PAYERS, 1, "spend per payer"},
    RAW("purchases", SR_PURCHASES, "packs bought"),
    RAW("wallet_coins", SR_WALLET, "coins in its wallets after the last step"),
    RAW("gifts", SR_GIFTS, "gifts sent"),
    RAW("lost_intents", SR_LOST, "gift intents lost"),
    {"lost_intent_rate", BK_PART, SR_LOST, SR_GIFTS, 0, "lost over gifts and lost"},
    RAW("churned", SR_CHURNED, "viewers who left"),
    RATIO("churn_rate", SR_CHURNED, SR_VIEWERS, "churned over viewers"),
    RAW("coins_granted", SR_GRANTED, "free coins granted"),
    RAW("sinks", SR_SINKS, "coin sinks bought"),
    RAW("coins_sunk", SR_SUNK, "coins spent on sinks"),
    RAW("lost_sinks", SR_LOST_SINKS, "sink intents lost"),
};

static const brk_fig chan_figs[] = {
    RAW("purchases", CHR_PURCHASES, "packs bought through the channel"),
    RAW("coins_sold", CHR_SOLD, "coins in them, without bonus"),
    RAW("coins_bonus", CHR_BONUS, "bonus coins in them"),
    USD("revenue_usd", CHR_REVENUE, "cash in through the channel"),
    {"revenue_share", BK_SHARE, CHR_REVENUE, 0, 0, "share of all cash in"},
    USD("fees_usd", CHR_FEES, "the store's or the processor's fees"),
    RATIO("fee_rate", CHR_FEES, CHR_REVENUE, "fees over revenue"),
    {"net_usd", BK_DIFF, CHR_REVENUE, CHR_FEES, 1, "revenue less fees"},
};

static const brk_fig gift_figs[] = {
    RAW("sent", GR_SENT, "times sent or bought"),
    RAW("coins", GR_COINS, "coins spent on it"),
    {"coin_share", BK_SHARE, GR_COINS, 0, 0, "share of all coins spent on gifts and sinks"},
};

static const brk_fig pack_figs[] = {
    RAW("purchases", PR_PURCHASES, "copies bought"),
    USD("revenue_usd", PR_REVENUE, "USD paid for it"),
    {"share_of_channel_revenue", BK_SHARE_IN, PR_REVENUE, PR_CHANNEL, 0,
     "share of its channel's revenue"},
};

#define LOCAL(n, a, w)               \
    {                                \
        n, BK_RAW, a, 0, BK_LOCAL, w \
    }

static const brk_fig region_figs[] = {
    RAW("viewers", RR_VIEWERS, "viewers who existed in its segments"),
    RAW("payers", RR_PAYERS, "viewers who bought at least once"),
    RATIO("payer_rate", RR_PAYERS, RR_VIEWERS, "payers over viewers"),
    RAW("purchases", RR_PURCHASES, "packs bought"),
    USD("cash_in_usd", RR_CASH_USD, "cash in, in USD at each step's rate"),
    {"cash_in_share", BK_SHARE, RR_CASH_USD, 0, 0, "share of all cash in"},
    LOCAL("cash_in_local", RR_CASH_LOCAL, "cash in, in the region's currency"),
    USD("store_fees_usd", RR_FEES, "the stores' and processors' fees"),
    RAW("creators", RR_CREATORS, "creators living there"),
    RAW("cashouts", RR_CASHOUTS, "cash-outs made"),
    USD("payouts_gross_usd", RR_GROSS, "cash-outs before fees"),
    USD("payouts_net_usd", RR_NET, "what reached creators' banks, in USD"),
    LOCAL("payouts_local", RR_PAID_LOCAL, "the same in the region's currency"),
    USD("fx_fees_usd", RR_FX, "the conversion spread on payouts"),
    {"payout_per_creator_local", BK_RATIO, RR_PAID_LOCAL, RR_CREATORS, BK_LOCAL,
     "payouts in the region's currency per creator living there"},
};

static const brk_fig cre_figs[] = {
    REAL("creators", CR_CREATORS, "creators"),
    REAL("earners", CR_EARNERS, "creators who earned anything"),
    {"earnings_mean_usd", BK_REAL, CR_MEAN, 0, 1, "mean earnings per creator"},
    {"earnings_p50_usd", BK_REAL, CR_P50, 0, 1, "the median creator's earnings"},
    {"earnings_p90_usd", BK_REAL, CR_P90, 0, 1, "the 90th percentile"},
    {"earnings_p99_usd", BK_REAL, CR_P99, 0, 1, "the 99th percentile"},
    {"earnings_max_usd", BK_REAL, CR_MAX, 0, 1, "the most a creator earned"},
    REAL("decile_1_share", CR_DECILE1, "share of earnings of the poorest tenth"),
    REAL("decile_2_share", CR_DECILE1 + 1, "of the second tenth"),
    REAL("decile_3_share", CR_DECILE1 + 2, "of the third tenth"),
    REAL("decile_4_share", CR_DECILE1 + 3, "of the fourth tenth"),
    REAL("decile_5_share", CR_DECILE1 + 4, "of the fifth tenth"),
    REAL("decile_6_share", CR_DECILE1 + 5, "of the sixth tenth"),
    REAL("decile_7_share", CR_DECILE1 + 6, "of the seventh tenth"),
    REAL("decile_8_share", CR_DECILE1 + 7, "of the eighth tenth"),
    REAL("decile_9_share", CR_DECILE1 + 8, "of the ninth tenth"),
    REAL("decile_10_share", CR_DECILE1 + 9, "of the richest tenth"),
    REAL("top1pct_share", CR_TOP1, "share of the top 1%"),
    REAL("top10pct_share", CR_TOP10, "share of the top 10%"),
    REAL("gini", CR_GINI, "Gini coefficient of earnings"),
    REAL("live_per_step", CR_LIVE, "creators live, mean per step"),
    REAL("reached_minimum", CR_REACHED, "creators at the withdrawal minimum or cashed out"),
    REAL("cashed_out", CR_CASHED, "creators who cashed out"),
    REAL("cashouts", CR_CASHOUTS, "cash-outs made"),
};

#define N(a) (sizeof(a) / sizeof *(a))

static const struct {
    const brk_fig *figs;
    size_t nfigs;
    const char *file, *labels;
} tables[BRK_NTABLES] = {
    [BRK_SEGMENTS] = {seg_figs, N(seg_figs), "segments.csv", "segment"},
    [BRK_CHANNELS] = {chan_figs, N(chan_figs), "channels.csv", "channel"},
    [BRK_GIFTS] = {gift_figs, N(gift_figs), "gifts.csv", "item,kind"},
    [BRK_PACKS] = {pack_figs, N(pack_figs), "pack_sales.csv", "pack,channel"},
    [BRK_REGIONS] = {region_figs, N(region_figs), "regions.csv", "region,currency"},
    [BRK_CREATORS] = {cre_figs, N(cre_figs), "creators.csv", ""},
};

const brk_fig *brk_figs(enum brk_table t, size_t *n)
{
    *n = tables[t].nfigs;
    return tables[t].figs;
}

const char *brk_file(enum brk_table t) { return tables[t].file; }

const char *brk_row_name(const sc_tables *tb, enum brk_table t, size_t r)
{
    static const char *const chan[] = {"app", "web"};
    switch (t) {
    case BRK_SEGMENTS: return r < tb->nsegs ? tb->segs[r].name : NULL;
    case BRK_CHANNELS: return r < 2 ? chan[r] : NULL;
    case BRK_GIFTS:
        return r < tb->ngifts                ? tb->gifts[r].name
               : r < tb->ngifts + tb->nsinks ? tb->sinks[r - tb->ngifts].name
                                             : NULL;
    case BRK_PACKS: return r < tb->npacks ? tb->packs[r].name : NULL;
    case BRK_REGIONS:
        return r < (tb->nregions ? tb->nregions : 1) ? scenario_region_name(tb, r) : NULL;
    default: return r ? NULL : "";
    }
}
const char *brk_labels(enum brk_table t) { return tables[t].labels; }

int brk_fig_find(enum brk_table t, const char *name)
{
    for (size_t f = 0; f < tables[t].nfigs; f++)
        if (strcmp(tables[t].figs[f].name, name) == 0)
            return (int)f;
    return -1;
}

/* -------------------------------------------------------------- shape */

brk_shape brk_shape_of(const sc_tables *t)
{
    return (brk_shape){t->nsegs, t->ngifts, t->nsinks, t->npacks, t->nregions ? t->nregions : 1};
}

/* Each table's row width, and its rows. */
static size_t width(enum brk_table t)
{
    static const size_t w[BRK_NTABLES] = {SR_N, CHR_N, GR_N, PR_N, RR_N, 0};
    return w[t];
}

size_t brk_rows(const brk_shape *sh, enum brk_table t)
{
    switch (t) {
    case BRK_SEGMENTS: return sh->nsegs;
    case BRK_CHANNELS: return 2;
    case BRK_GIFTS: return sh->ngifts + sh->nsinks;
    case BRK_PACKS: return sh->npacks;
    case BRK_REGIONS: return sh->nregions;
    default: return 1;
    }
}

static size_t offset(const brk_shape *sh, enum brk_table t)
{
    size_t o = 0;
    for (int u = 0; u < (int)t; u++)
        o += brk_rows(sh, (enum brk_table)u) * width((enum brk_table)u);
    return o;
}

size_t brk_nraw(const brk_shape *sh) { return offset(sh, BRK_CREATORS); }

int64_t *brk_row(const brk_shape *sh, int64_t *raw, enum brk_table t, size_t row)
{
    return raw + offset(sh, t) + row * width(t);
}

int brk_store_init(brk_store *st, const brk_shape *sh, int64_t runs)
{
    memset(st, 0, sizeof *st);
    st->sh = *sh;
    st->nraw = brk_nraw(sh);
    return brk_store_grow(st, runs);
}

int brk_store_grow(brk_store *st, int64_t runs)
{
    if (runs <= st->runs)
        return 0;
    size_t nr = (size_t)runs * (st->nraw ? st->nraw : 1), nc = (size_t)runs * CR_N;
    int64_t *raw = realloc(st->raw, nr * sizeof *raw);
    if (raw)
        st->raw = raw;
    double *cr = raw ? realloc(st->cr, nc * sizeof *cr) : NULL;
    if (!cr)
        return -1;
    st->cr = cr;
    st->runs = runs;
    return 0;
}

void brk_store_free(brk_store *st)
{
    free(st->raw);
    free(st->cr);
    st->raw = NULL;
    st->cr = NULL;
    st->runs = 0;
}

brk_block brk_at(const brk_store *st, int64_t i)
{
    return (brk_block){st->raw + (size_t)i * st->nraw, st->cr + (size_t)i * CR_N};
}

/* ------------------------------------------------------------- values */

static double ratio(double a, double b) { return b > 0 ? a / b : 0.0; }

double brk_value(const brk_shape *sh, brk_block k, enum brk_table t, size_t row, size_t f)
{
    const brk_fig *g = &tables[t].figs[f];
    if (g->kind == BK_REAL)
        return k.cr[g->a];
    const int64_t *r = brk_row(sh, k.raw, t, row);
    double a = (double)r[g->a], v;
    switch (g->kind) {
    case BK_DIFF: v = a - (double)r[g->b]; break;
    case BK_RATIO: v = ratio(a, (double)r[g->b]); break;
    case BK_PART: v = ratio(a, a + (double)r[g->b]); break;
    case BK_SHARE:
    case BK_SHARE_IN: {
        double sum = 0;
        for (size_t i = 0; i < brk_rows(sh, t); i++) {
            const int64_t *o = brk_row(sh, k.raw, t, i);
            if (g->kind == BK_SHARE || o[g->b] == r[g->b])
                sum += (double)o[g->a];
        }
        return ratio(a, sum);
    }
    default: v = a; break;
    }
    return g->money ? v / NUM_MICRO : v;
}

/* --------------------------------------------------------------- fill */

int64_t brk_reached(const sc_params *p, const int64_t *pending, const unsigned char *cashed,
                    size_t n)
{
    int64_t need = rules_cashout_need(p), reached = 0;
    for (size_t c = 0; c < n; c++)
        reached += cashed[c] || rules_may_cash_out(need, pending[c]);
    return reached;
}

/* The creators' figures from their earnings, sorted. */
static void creators(double *cr, const brk_src *src)
{
    size_t n = src->ncreators;
    const int64_t *x = src->earned;
    const sc_params *p = src->p;
#define AT(i) (src->desc ? x[n - 1 - (i)] : x[(i)]) /* the i-th poorest */
    int64_t sum = 0, earners = 0; /* sum: the diamonds credited, a checked total */
    for (size_t i = 0; i < n; i++) {
        sum += x[i];
        earners += x[i] > 0;
    }
    memset(cr, 0, CR_N * sizeof *cr);
    cr[CR_CREATORS] = (double)n;
    cr[CR_EARNERS] = (double)earners;
    if (n > 0) {
        cr[CR_MEAN] = (double)rules_diamond_value(p, sum) / NUM_MICRO / (double)n;
        static const int pct[] = {50, 90, 99, 100};
        for (int j = 0; j < 4; j++) {
            size_t rank = ((size_t)pct[j] * n + 99) / 100; /* ceil(k% x n), from 1 */
            cr[CR_P50 + j] = (double)rules_diamond_value(p, AT(rank - 1)) / NUM_MICRO;
        }
    }
    for (size_t d = 0; d < 10; d++) {
        long double part = 0;
        for (size_t i = n * d / 10; i < n * (d + 1) / 10; i++)
            part += (long double)AT(i);
        cr[CR_DECILE1 + d] = sum > 0 ? (double)(part / (long double)sum) : 0.1;
    }
#undef AT
    cr[CR_TOP1] = kpi_top_share_dir(x, n, NUM_MICRO / 100, src->desc, NULL);
    cr[CR_TOP10] = kpi_top_share_dir(x, n, NUM_MICRO / 10, src->desc, NULL);
    cr[CR_GINI] = kpi_gini_dir(x, n, src->desc);
    cr[CR_LIVE] = src->live_per_step;
    cr[CR_REACHED] = (double)src->reached;
    int64_t cashed = 0;
    for (size_t c = 0; src->cashed && c < n; c++)
        cashed += src->cashed[c];
    cr[CR_CASHED] = (double)cashed;
    cr[CR_CASHOUTS] = (double)src->cashouts;
}

void brk_fill(const brk_shape *sh, brk_block k, const brk_src *src)
{
    const books *b = src->b;
    memset(k.raw, 0, brk_nraw(sh) * sizeof *k.raw);
    for (size_t i = 0; src->seg && i < sh->nsegs; i++) {
        const world_seg *g = &src->seg[i];
        int64_t *r = brk_row(sh, k.raw, BRK_SEGMENTS, i);
        r[SR_VIEWERS] = g->viewers + g->churned; /* each leaver was replaced */
        r[SR_PAYERS] = g->payers;
        r[SR_SPEND] = g->spend;
        r[SR_PURCHASES] = g->purchases;
        r[SR_WALLET] = g->wallet;
        r[SR_GIFTS] = g->gifts;
        r[SR_LOST] = g->lost;
        r[SR_CHURNED] = g->churned;
        r[SR_GRANTED] = g->granted;
        r[SR_SINKS] = g->sinks;
        r[SR_SUNK] = g->sunk;
        r[SR_LOST_SINKS] = g->lost_sinks;
    }
    for (size_t c = 0; c < 2; c++) {
        int64_t *r = brk_row(sh, k.raw, BRK_CHANNELS, c);
        r[CHR_PURCHASES] = b->channel_n[c];
        r[CHR_SOLD] = b->channel_sold[c];
        r[CHR_BONUS] = b->channel_bonus[c];
        r[CHR_REVENUE] = b->channel_usd[c];
        r[CHR_FEES] = b->channel_fees[c];
    }
    for (size_t g = 0; g < sh->ngifts + sh->nsinks; g++) {
        int64_t *r = brk_row(sh, k.raw, BRK_GIFTS, g);
        int sink = g >= sh->ngifts;
        size_t i = sink ? g - sh->ngifts : g;
        r[GR_SENT] = sink ? b->sink_n[i] : b->gift_n[i];
        r[GR_COINS] = sink ? b->sink_coins[i] : b->gift_coins[i];
    }
    for (size_t i = 0; i < sh->npacks; i++) {
        int64_t *r = brk_row(sh, k.raw, BRK_PACKS, i);
        r[PR_PURCHASES] = b->pack_n[i];
        r[PR_REVENUE] = b->pack_usd[i];
        r[PR_CHANNEL] = src->packs[i].channel;
    }
    for (size_t g = 0; g < sh->nregions; g++) {
        int64_t *r = brk_row(sh, k.raw, BRK_REGIONS, g);
        const int64_t *br = &b->region[g * BR_N];
        r[RR_PURCHASES] = br[BR_PURCHASES];
        r[RR_CASH_USD] = br[BR_CASH_USD];
        r[RR_CASH_LOCAL] = br[BR_CASH_LOCAL];
        r[RR_FEES] = br[BR_FEES];
        r[RR_CASHOUTS] = br[BR_CASHOUTS];
        r[RR_GROSS] = br[BR_GROSS];
        r[RR_NET] = br[BR_NET];
        r[RR_PAID_LOCAL] = br[BR_PAID_LOCAL];
        r[RR_FX] = br[BR_FX];
        r[RR_CREATORS] = src->region_creators ? src->region_creators[g] : 0;
        r[RR_PAYERS] = src->region_payers ? src->region_payers[g] : 0;
    }
    for (size_t i = 0; src->seg && i < sh->nsegs; i++) {
        int64_t *r =
            brk_row(sh, k.raw, BRK_REGIONS, src->seg_region ? (size_t)src->seg_region[i] : 0);
        r[RR_VIEWERS] += src->seg[i].viewers + src->seg[i].churned;
        if (!src->region_payers)
            r[RR_PAYERS] += src->seg[i].payers;
    }
    creators(k.cr, src);
}
