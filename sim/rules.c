#include "rules.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"

#define MICRO NUM_MICRO

int64_t rules_store_fee(const sc_params *p, int channel, int64_t price)
{
    return num_muldiv(price, channel == CH_WEB ? p->store_fee_web : p->store_fee_app, MICRO);
}

int64_t rules_credit(const sc_params *p, int64_t coins)
{
    return (int64_t)((unsigned __int128)(uint64_t)coins * (uint64_t)p->coin_value *
                     (uint64_t)(MICRO - p->commission) / (uint64_t)p->usd_per_diamond);
}

int64_t rules_to_usd(int64_t price, int64_t per_usd)
{
    return per_usd > 0 ? num_muldiv(price, MICRO, per_usd) : -1;
}

int64_t rules_to_local(int64_t usd, int64_t per_usd) { return num_muldiv(usd, per_usd, MICRO); }

int rules_fx_payout(int64_t net, int64_t fx_ppm, int64_t per_usd, int64_t *fee, int64_t *local)
{
    if (per_usd <= 0 || (*fee = num_muldiv(net, fx_ppm, MICRO)) < 0)
        return -1;
    *local = rules_to_local(net - *fee, per_usd);
    return *local < 0 ? -1 : 0;
}

int64_t rules_diamond_value(const sc_params *p, int64_t ud)
{
    return num_muldiv(ud, p->usd_per_diamond, MICRO);
}

/* The platform's position (docs/model.md §6) under p, in 128 bits (coins
 * x µUSD x ppm is below 2^127), each part floored: what the coins in
 * wallets will cost in credit if gifted (coins x coin value x (1 -
 * commission)), the pending diamonds' cash value, and the margin, platform
 * cash less both, less the same at the opening. */
typedef struct position {
    __int128 coin_liab, diamond_liab, margin;
} position;

static __int128 coin_liability(const sc_params *p, int64_t coins)
{
    return (__int128)coins * p->coin_value * (MICRO - p->commission) / MICRO;
}

static int64_t clamp64(__int128 v)
{
    return v > INT64_MAX ? INT64_MAX : v < INT64_MIN ? INT64_MIN : (int64_t)v;
}

/* The creators' take per coin in USD (docs/model.md §4.3). */
static double rules_take(const sc_params *p)
{
    return (double)p->coin_value / MICRO * (double)(MICRO - p->commission) / MICRO *
           (double)(MICRO - p->payout_fee_rate) / MICRO;
}

double rules_live_prob(const sc_params *p)
{
    double base = (double)p->live_prob / MICRO, e = p->live_elasticity / MICRO;
    if (e == 0)
        return base;
    double x = base * pow(rules_take(p) / ((double)p->reference_take / MICRO), e);
    return x < 1.0 ? x : 1.0;
}

int64_t rules_cashout_need(const sc_params *p)
{
    /* max(1, ceil(minimum / USD per diamond)) whole diamonds */
    int64_t need = (p->min_withdrawal + p->usd_per_diamond - 1) / p->usd_per_diamond;
    return (need < 1 ? 1 : need) * MICRO;
}

int64_t rules_cashout_most(const sc_params *p) { return p->daily_limit / p->usd_per_diamond; }

int rules_payout_of(const sc_tables *t, int r, int64_t d, rules_payout *out)
{
    const sc_params *p = &t->p;
    out->diamonds = d;
    out->gross = d * p->usd_per_diamond;
    out->fee = p->payout_fee + num_muldiv(out->gross, p->payout_fee_rate, MICRO);
    out->region = r;
    if (d <= 0 || out->fee >= out->gross)
        return -1;
    /* no FX fee and one for one in the one USD region without regions */
    if (rules_fx_payout(out->gross - out->fee, t->nregions ? t->regions[r].fx_fee : 0,
                        rules_per_usd(t, r), &out->fx, &out->local) < 0)
        out->local = -1;
    return 0;
}

const char *rules_bound(enum rules_unit u)
{
    switch (u) {
    case RU_USD: return "9223372036854.775807 USD";
    case RU_COINS: return "9223372036854775807 coins";
    case RU_DIAMONDS: return "9223372036854.775807 diamonds";
    case RU_LOCAL: return "9223372036854.775807 units of a currency";
    default: return "9223372036854775807";
    }
}

const char *rules_bound_of(const char *what)
{
    return rules_bound(strstr(what, "coins")      ? RU_COINS
                       : strstr(what, "diamonds") ? RU_DIAMONDS
                                                  : RU_USD);
}

int books_init(books *b, const sc_tables *t)
{
    size_t npacks = t->npacks, ngifts = t->ngifts, nsinks = t->nsinks;
    memset(b, 0, sizeof *b);
    b->npacks = npacks;
    b->ngifts = ngifts;
    b->nsinks = nsinks;
    b->nregions = t->nregions ? t->nregions : 1;
    b->region = calloc(b->nregions * BR_N, sizeof *b->region);
    b->pack_n = calloc(npacks ? npacks : 1, sizeof *b->pack_n);
    b->pack_usd = calloc(npacks ? npacks : 1, sizeof *b->pack_usd);
    b->gift_n = calloc(ngifts ? ngifts : 1, sizeof *b->gift_n);
    b->sink_n = calloc(nsinks ? nsinks : 1, sizeof *b->sink_n);
    b->gift_coins = calloc(ngifts ? ngifts : 1, sizeof *b->gift_coins);
    b->sink_coins = calloc(nsinks ? nsinks : 1, sizeof *b->sink_coins);
    if (!b->pack_n || !b->pack_usd || !b->gift_n || !b->sink_n || !b->gift_coins ||
        !b->sink_coins || !b->region) {
        books_release(b);
        return -1;
    }
    return 0;
}

void books_release(books *b)
{
    free(b->pack_n);
    free(b->pack_usd);
    free(b->gift_n);
    free(b->sink_n);
    free(b->gift_coins);
    free(b->sink_coins);
    free(b->region);
    b->region = NULL;
    b->pack_n = b->pack_usd = b->gift_n = b->sink_n = b->gift_coins = b->sink_coins = NULL;
}

void books_add(books *b, int64_t *total, int64_t n, int64_t amount, const char *what,
               enum rules_unit u)
{
    __int128 v = (__int128)*total + (__int128)n * amount;
    if (v <= INT64_MAX && v >= INT64_MIN) {
        *total = (int64_t)v;
    } else if (!b->ovf) {
        b->ovf = what;
        b->ovf_unit = u;
    }
}

int books_overflowed(const books *b) { return b->ovf || b->L.ovf; }

void books_overflow_text(const books *b, const char **what, const char **bound)
{
    *what = b->ovf ? b->ovf : b->L.ovf ? b->L.ovf : "no total";
    *bound = b->ovf ? rules_bound(b->ovf_unit) : rules_bound_of(*what);
}

void books_open_step(books *b)
{
    memset(&b->cur, 0, sizeof b->cur);
    b->gift_value[0] = b->credit_value[0] = b->commission[0] = b->platform_in[0] = 0;
}

void books_purchase(books *b, const sc_params *p, const rules_sale *s)
{
    int64_t *row = b->cur.v, *reg = &b->region[(size_t)s->region * BR_N];
    int64_t usd = 0, fee = 0, sold = 0, extra = 0, n = s->n;
    int channel = s->channel;
    long k = s->k;
    books_add(b, &usd, n, s->usd, "cash in", RU_USD);
    books_add(b, &fee, n, rules_store_fee(p, channel, s->usd), "store fees", RU_USD);
    books_add(b, &sold, n, s->coins, "coins sold", RU_COINS);
    books_add(b, &extra, n, s->bonus, "bonus coins", RU_COINS);
    books_add(b, &reg[BR_PURCHASES], n, 1, "purchases", RU_COUNT);
    books_add(b, &reg[BR_CASH_USD], 1, usd, "cash in", RU_USD);
    books_add(b, &reg[BR_CASH_LOCAL], n, s->local, "cash in in a local currency", RU_LOCAL);
    books_add(b, &reg[BR_FEES], 1, fee, "store fees", RU_USD);
    ledger_purchase(&b->L, channel, usd, fee, sold, extra);
    for (int i = 0; i < 2; i++)
        books_add(b, &b->platform_in[i], 1, usd - fee, "cash in less fees", RU_USD);
    books_add(b, &b->channel_usd[channel == CH_WEB], 1, usd, "cash in", RU_USD);
    books_add(b, &b->channel_n[channel == CH_WEB], n, 1, "purchases", RU_COUNT);
    books_add(b, &b->channel_sold[channel == CH_WEB], 1, sold, "coins sold", RU_COINS);
    books_add(b, &b->channel_bonus[channel == CH_WEB], 1, extra, "bonus coins", RU_COINS);
    books_add(b, &b->channel_fees[channel == CH_WEB], 1, fee, "store fees", RU_USD);
    if (k >= 0) {
        books_add(b, &b->pack_n[k], n, 1, "purchases", RU_COUNT);
        books_add(b, &b->pack_usd[k], 1, usd, "cash in", RU_USD);
    }
    books_add(b, &row[TS_CASH_IN], 1, usd, "cash in", RU_USD);
    if (channel == CH_WEB)
        books_add(b, &row[TS_WEB_CASH_IN], 1, usd, "web cash in", RU_USD);
    books_add(b, &row[TS_STORE_FEES], 1, fee, "store fees", RU_USD);
    books_add(b, &row[TS_COINS_SOLD], 1, sold, "coins sold", RU_COINS);
    books_add(b, &row[TS_COINS_BONUS], 1, extra, "bonus coins", RU_COINS);
    books_add(b, &row[TS_PURCHASES], n, 1, "purchases", RU_COUNT);
}

void books_gift(books *b, const sc_params *p, long g, int64_t n, int64_t coins, int64_t ud)
{
    int64_t *row = b->cur.v;
    int64_t given = 0, credited = 0, gv = 0, cv = 0;
    books_add(b, &given, n, coins, "coins gifted", RU_COINS);
    books_add(b, &credited, n, ud, "diamonds credited", RU_DIAMONDS);
    ledger_gift(&b->L, given, credited);
    books_add(b, &gv, n, rules_coin_value(p, coins), "coin value of gifts", RU_USD);
    books_add(b, &cv, n, rules_diamond_value(p, ud), "value of diamonds credited", RU_USD);
    for (int i = 0; i < 2; i++) {
        books_add(b, &b->gift_value[i], 1, gv, "coin value of gifts", RU_USD);
        books_add(b, &b->credit_value[i], 1, cv, "value of diamonds credited", RU_USD);
        books_add(b, &b->commission[i], 1, gv - cv, "commission kept", RU_USD);
    }
    if (g >= 0) {
        books_add(b, &b->gift_n[g], n, 1, "gifts", RU_COUNT);
        books_add(b, &b->gift_coins[g], 1, given, "coins gifted", RU_COINS);
    }
    books_add(b, &row[TS_COINS_GIFTED], 1, given, "coins gifted", RU_COINS);
    books_add(b, &row[TS_DIAMONDS_CREDITED], 1, credited, "diamonds credited", RU_DIAMONDS);
    books_add(b, &row[TS_GIFTS], n, 1, "gifts", RU_COUNT);
}

void books_breakage(books *b, int64_t coins)
{
    ledger_breakage(&b->L, coins);
    books_add(b, &b->cur.v[TS_COINS_BREAKAGE], 1, coins, "coins lost to churn", RU_COINS);
}

void books_grant(books *b, int64_t n, int64_t coins)
{
    int64_t granted = 0;
    books_add(b, &granted, n, coins, "coins granted", RU_COINS);
    ledger_grant(&b->L, granted);
    books_add(b, &b->cur.v[TS_COINS_GRANTED], 1, granted, "coins granted", RU_COINS);
}

void books_sink(books *b, long k, int64_t n, int64_t coins)
{
    int64_t sunk = 0;
    books_add(b, &sunk, n, coins, "coins spent on sinks", RU_COINS);
    ledger_sink(&b->L, sunk);
    if (k >= 0) {
        books_add(b, &b->sink_n[k], n, 1, "sinks", RU_COUNT);
        books_add(b, &b->sink_coins[k], 1, sunk, "coins spent on sinks", RU_COINS);
    }
    books_add(b, &b->cur.v[TS_COINS_SUNK], 1, sunk, "coins spent on sinks", RU_COINS);
    books_add(b, &b->cur.v[TS_SINKS], n, 1, "sinks", RU_COUNT);
}

void books_open(books *b, const sc_params *p)
{
    ledger_open(&b->L);
    memset(&b->total, 0, sizeof b->total);
    memset(&b->mean_sum, 0, sizeof b->mean_sum);
    memset(b->pack_n, 0, (b->npacks ? b->npacks : 1) * sizeof *b->pack_n);
    memset(b->pack_usd, 0, (b->npacks ? b->npacks : 1) * sizeof *b->pack_usd);
    memset(b->gift_n, 0, (b->ngifts ? b->ngifts : 1) * sizeof *b->gift_n);
    memset(b->sink_n, 0, (b->nsinks ? b->nsinks : 1) * sizeof *b->sink_n);
    memset(b->gift_coins, 0, (b->ngifts ? b->ngifts : 1) * sizeof *b->gift_coins);
    memset(b->sink_coins, 0, (b->nsinks ? b->nsinks : 1) * sizeof *b->sink_coins);
    b->gift_value[1] = b->credit_value[1] = b->commission[1] = b->platform_in[1] = 0;
    memset(b->channel_usd, 0, sizeof b->channel_usd);
    memset(b->channel_n, 0, sizeof b->channel_n);
    memset(b->channel_sold, 0, sizeof b->channel_sold);
    memset(b->channel_bonus, 0, sizeof b->channel_bonus);
    memset(b->channel_fees, 0, sizeof b->channel_fees);
    memset(b->region, 0, b->nregions * BR_N * sizeof *b->region);
    /* within int64: the same stocks passed position_past at the last
     * warm-up step, under the same parameters */
    b->open_coin_liab = clamp64(coin_liability(p, b->L.open_wallets));
    b->open_diamond_liab = rules_diamond_value(p, b->L.open_pending);
}

static position position_of(const books *b, const sc_params *p)
{
    const ledger *L = &b->L;
    position x;
    x.coin_liab = coin_liability(p, ledger_wallets(L));
    x.diamond_liab = (__int128)ledger_pending(L) * p->usd_per_diamond / MICRO;
    x.margin = (__int128)L->bal[ACC_PLATFORM] - x.coin_liab - x.diamond_liab -
               ((__int128)L->open_cash - b->open_coin_liab - b->open_diamond_liab);
    return x;
}

void books_end(const books *b, const sc_params *p, kpi_end *e)
{
    const ledger *L = &b->L;
    position x = position_of(b, p); /* within int64 once a step has closed (position_past) */
    e->earnings = rules_diamond_value(p, L->diamonds_credited);
    e->coin_liab = clamp64(x.coin_liab);
    e->diamond_liab = clamp64(x.diamond_liab);
    e->margin = clamp64(x.margin);
    e->open_coin_liab = b->open_coin_liab;
    e->open_diamond_liab = b->open_diamond_liab;
    e->open_wallets = L->open_wallets;
    e->open_pending = L->open_pending;
    e->open_cash = L->open_cash;
    e->channel_n[0] = b->channel_n[0];
    e->channel_n[1] = b->channel_n[1];
}

void books_cashout(books *b, const rules_payout *po)
{
    int64_t *row = b->cur.v, *reg = &b->region[(size_t)po->region * BR_N];
    int64_t net = po->gross - po->fee - po->fx;
    if (po->local < 0 && !b->ovf) {
        b->ovf = "a payout in a creator's currency";
        b->ovf_unit = RU_LOCAL;
    }
    ledger_cashout(&b->L, po->diamonds * MICRO, po->gross, po->fee, po->fx);
    /* gross <= the daily limit (10^15 µUSD), but a step's sums over up to
     * 10^8 creators need not fit. */
    books_add(b, &row[TS_PAYOUTS_GROSS], 1, po->gross, "gross payouts", RU_USD);
    books_add(b, &row[TS_PAYOUT_FEES], 1, po->fee, "payout fees", RU_USD);
    books_add(b, &row[TS_FX_FEES], 1, po->fx, "FX fees", RU_USD);
    books_add(b, &row[TS_PAYOUTS_NET], 1, net, "net payouts", RU_USD);
    books_add(b, &reg[BR_CASHOUTS], 1, 1, "cash-outs", RU_COUNT);
    books_add(b, &reg[BR_GROSS], 1, po->gross, "gross payouts", RU_USD);
    books_add(b, &reg[BR_NET], 1, net, "net payouts", RU_USD);
    books_add(b, &reg[BR_FX], 1, po->fx, "FX fees", RU_USD);
    if (po->local >= 0)
        books_add(b, &reg[BR_PAID_LOCAL], 1, po->local, "payouts in a local currency", RU_LOCAL);
    books_add(b, &row[TS_DIAMONDS_WITHDRAWN], po->diamonds, MICRO, "diamonds withdrawn",
              RU_DIAMONDS);
    books_add(b, &row[TS_CASHOUTS], 1, 1, "cash-outs", RU_COUNT);
}

/* The first of the platform's position's figures under p past the int64
 * range, or NULL. Free coins have no cash behind them, so the wallets, and
 * what they will cost, are not held down by cash in. */
static const char *position_past(const books *b, const sc_params *p)
{
    position x = position_of(b, p);
    return x.coin_liab > INT64_MAX                        ? "the coin liability"
           : x.diamond_liab > INT64_MAX                   ? "the diamond liability"
           : x.margin > INT64_MAX || x.margin < INT64_MIN ? "the platform margin"
                                                          : NULL;
}

int books_close_step(books *b, const sc_params *p, int64_t payers)
{
    const ledger *L = &b->L;
    /* The wallets hold what entered them and has not left; pending µD are
     * part of those owed: both within int64 when those totals are. */
    b->cur.v[TS_PLATFORM_CASH] = L->bal[ACC_PLATFORM];
    b->cur.v[TS_WALLET_COINS] = ledger_wallets(L);
    b->cur.v[TS_PENDING_DIAMONDS] = ledger_pending(L);
    for (int c = 0; c < TS_N; c++) {
        enum kpi_unit u = kpi_cols[c].unit;
        if (kpi_cols[c].agg == AGG_SUM)
            books_add(b, &b->total.v[c], 1, b->cur.v[c], kpi_cols[c].name,
                      u == U_MONEY      ? RU_USD
                      : u == U_DIAMONDS ? RU_DIAMONDS
                                        : RU_COUNT);
        else
            b->total.v[c] = b->cur.v[c];
        if (kpi_cols[c].agg == AGG_MEAN)
            books_add(b, &b->mean_sum.v[c], 1, b->cur.v[c], kpi_cols[c].name, RU_COUNT);
    }
    const char *past = b->ovf ? NULL : position_past(b, p);
    if (past) {
        b->ovf = past;
        b->ovf_unit = RU_USD;
    }
    if (b->ovf)
        return -1;
    b->total.v[TS_PAYERS] = payers;
    return 0;
}
