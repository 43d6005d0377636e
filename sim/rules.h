/* rules — every rule that moves money, coins or diamonds (docs/model.md §4
 * and §5), written once.
 *
 * The amounts (a store fee, a gift's credit, a cash-out's gross and fee,
 * who may cash out) and the postings that carry them into the ledger and
 * the run's figures (the books) live here alone. The simulation (world.c)
 * and replay (replay.c) both call them, with a count of identical events
 * or with one event; the dashboard and the output files only read what
 * was posted. Everything is exact: integer µUSD, coins and µD, checked
 * against the int64 range. */
#ifndef COINSIM_RULES_H
#define COINSIM_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "kpi.h"
#include "ledger.h"
#include "num.h"
#include "scenario.h"

/* ------------------------------------------------------------ amounts */

/* The store's fee (channel CH_APP) or the web processor's (CH_WEB) on a
 * purchase at price µUSD: price x rate, rounded down. */
int64_t rules_store_fee(const sc_params *p, int channel, int64_t price);

/* Currencies (docs/model.md §8, regions): per_usd is the µ-units of a
 * currency one US dollar buys (16,321.5 IDR: 16321500000). What a price of
 * price µ-units of that currency brings in, in µUSD: price x 10^6 /
 * per_usd, rounded down. -1 past the int64 range (or per_usd not > 0). */
int64_t rules_to_usd(int64_t price, int64_t per_usd);

/* usd µUSD in a currency with per_usd: usd x per_usd / 10^6, rounded
 * down (-1 past int64): what an older log's purchase, recorded in USD
 * alone, cost in its region's currency. */
int64_t rules_to_local(int64_t usd, int64_t per_usd);

/* A cash-out's net µUSD converted for a creator paid in a currency with
 * per_usd and an FX fee of fx_ppm (parts per million): the fee, net x
 * fx_ppm / 10^6 rounded down, in µUSD, and what the creator's bank
 * receives, (net - fee) x per_usd / 10^6 rounded down, in µ-units of the
 * currency. Returns 0, or -1 past the int64 range (or per_usd not > 0). */
int rules_fx_payout(int64_t net, int64_t fx_ppm, int64_t per_usd, int64_t *fee, int64_t *local);

/* µD credited to the creator for a gift of coins: coins x coin value x
 * (1 - commission) / USD per diamond, rounded down, in 128 bits. */
int64_t rules_credit(const sc_params *p, int64_t coins);

/* µUSD: what coins are worth at the coin value (in 128 bits, INT64_MAX
 * past the int64 range: a display of every wallet may ask), and what ud
 * µD are. */
static inline int64_t rules_coin_value(const sc_params *p, int64_t coins)
{
    __int128 v = (__int128)coins * p->coin_value;
    return v > INT64_MAX ? INT64_MAX : (int64_t)v;
}
int64_t rules_diamond_value(const sc_params *p, int64_t ud);

/* The chance a creator is live at the creators' take per coin, coin value
 * x (1 - commission) x (1 - payout fee rate) (docs/model.md §4.3):
 * live_prob x (take / reference)^elasticity, at most 1. */
double rules_live_prob(const sc_params *p);

/* Whether a creator with pending µD may cash out: at least one whole
 * diamond and whole diamonds worth the minimum withdrawal. */
int64_t rules_cashout_need(const sc_params *p); /* the µD that takes */
static inline int rules_may_cash_out(int64_t need, int64_t pending) { return pending >= need; }

/* The most whole diamonds one cash-out may take (the daily limit). */
int64_t rules_cashout_most(const sc_params *p);

/* Whole diamonds a cash-out takes when want are asked for (INT64_MAX: as
 * many as may be) with pending µD: no more than the whole diamonds
 * pending nor than most (rules_cashout_most). */
static inline int64_t rules_cashout_amount(int64_t most, int64_t want, int64_t pending)
{
    int64_t whole = pending / NUM_MICRO;
    int64_t d = want < whole ? want : whole;
    return d < most ? d : most;
}

/* A cash-out of whole diamonds: gross at the diamond's value, the fixed
 * and proportional fees, and its conversion into the creator's currency
 * (docs/model.md §8): the FX fee in µUSD and what the creator's bank
 * receives, in µ-units of that currency. */
typedef struct rules_payout {
    int64_t diamonds; /* whole */
    int64_t gross, fee;
    int region; /* the creator's: an index of regions (0 without them) */
    int64_t fx, local;
} rules_payout;

/* Fill *out for a cash-out of d whole diamonds by a creator of region r
 * of t (0 without regions): the fees, then the conversion. Returns 0, or
 * -1 when it does not go ahead: nothing to withdraw, or a fee at least the
 * gross. What the bank receives past the int64 range is local -1, for
 * books_cashout to report. */
int rules_payout_of(const sc_tables *t, int r, int64_t d, rules_payout *out);

/* A region's exchange rate: per_usd µ-units of its currency a US dollar
 * buys (one for one without regions). */
static inline int64_t rules_per_usd(const sc_tables *t, int r)
{
    return t->nregions ? t->regions[r].per_usd : NUM_MICRO;
}

/* What one pack k of t brings in, in µUSD at its region's rate now
 * (rules_to_usd); region of pack k is r. */
static inline int64_t rules_pack_usd(const sc_tables *t, size_t k, int r)
{
    return rules_to_usd(t->packs[k].price, rules_per_usd(t, r)); /* the price itself in USD */
}

/* ------------------------------------------------------------- bounds */

enum rules_unit { RU_USD, RU_COINS, RU_DIAMONDS, RU_LOCAL, RU_COUNT };

/* The most a 64-bit total of unit u holds, as text ("9223372036854.775807
 * USD"); rules_bound_of guesses the unit from a total's name. */
const char *rules_bound(enum rules_unit u);
const char *rules_bound_of(const char *what);

/* -------------------------------------------------------------- books */

/* What the books keep per region for the run (docs/model.md §8): money
 * in µUSD, local amounts in µ-units of the region's currency. */
enum books_region {
    BR_PURCHASES,
    BR_CASH_USD,
    BR_CASH_LOCAL,
    BR_FEES,
    BR_CASHOUTS,
    BR_GROSS,
    BR_NET, /* µUSD that reached creators' banks, after the FX fee */
    BR_PAID_LOCAL,
    BR_FX,
    BR_N
};

/* The accounts of one run: the ledger, the step's row and the running
 * totals, purchases and revenue per pack, gifts per kind, per region (BR_*),
 * and the value of gifts and credits ([0] this step, [1] the run). */
typedef struct books {
    ledger L;
    kpi_step cur, total;
    kpi_step mean_sum; /* the columns a run averages over steps (AGG_MEAN), summed */
    size_t npacks, ngifts, nsinks, nregions; /* nregions at least 1 */
    int64_t *pack_n, *pack_usd, *gift_n, *sink_n;
    int64_t *region;                  /* nregions x BR_N */
    int64_t *gift_coins, *sink_coins; /* coins spent per gift and sink kind */
    int64_t gift_value[2], credit_value[2];
    int64_t commission[2];  /* µUSD: coin value of gifts less the value credited */
    int64_t platform_in[2]; /* µUSD: cash in less store and processor fees */
    int64_t channel_usd[2]; /* µUSD cash in per channel (CH_APP, CH_WEB), the run */
    int64_t channel_n[2];   /* purchases per channel, the run */
    int64_t channel_sold[2], channel_bonus[2], channel_fees[2]; /* coins, coins, µUSD */
    int64_t open_coin_liab, open_diamond_liab; /* µUSD, valued when the reported steps began */
    const char *ovf;                           /* the first total past int64, or NULL */
    enum rules_unit ovf_unit;                  /* its unit */
} books;

/* Room for t's packs, gifts, sinks and regions (one without regions.csv).
 * Returns 0 or -1 out of memory. */
int books_init(books *b, const sc_tables *t);
void books_release(books *b);

/* *total += n x amount, in 128 bits; past int64 the first such total is
 * noted (what, in unit u) and *total is left as it was. */
void books_add(books *b, int64_t *total, int64_t n, int64_t amount, const char *what,
               enum rules_unit u);

/* Whether a total (the books' or the ledger's) left the int64 range, and
 * then "WHAT went past BOUND" for messages. */
int books_overflowed(const books *b);
void books_overflow_text(const books *b, const char **what, const char **bound);

/* A new step: the step's row and this-step values at zero. */
void books_open_step(books *b);

/* n purchases alike: pack k (or -1 for a pack the scenario does not know)
 * of region r through channel, each bringing in usd µUSD for local µ-units
 * of the region's currency, with coins and bonus coins. */
typedef struct rules_sale {
    long k;
    int region, channel;
    int64_t n, usd, local, coins, bonus;
} rules_sale;
void books_purchase(books *b, const sc_params *p, const rules_sale *s);

/* n gifts of coins each, of kind g (or -1); ud µD credited for each
 * (rules_credit). */
void books_gift(books *b, const sc_params *p, long g, int64_t n, int64_t coins, int64_t ud);

/* A churned viewer's coins left unspent. */
void books_breakage(books *b, int64_t coins);

/* n grants of coins each (free coins, no money behind them). */
void books_grant(books *b, int64_t n, int64_t coins);

/* n sink purchases of coins each, of sink k (or -1): the coins leave
 * wallets and credit nobody. */
void books_sink(books *b, long k, int64_t n, int64_t coins);

/* The warm-up is over (docs/model.md §4.0): its stocks become the opening
 * balances, valued under p, and every flow and count starts again. */
void books_open(books *b, const sc_params *p);

/* The platform's position and the opening balances for kpi_fill, under
 * the final parameters p. */
void books_end(const books *b, const sc_params *p, kpi_end *e);

/* A cash-out made (rules_payout_of); a local amount past int64 (-1)
 * fails the run as any total past its bound. */
void books_cashout(books *b, const rules_payout *po);

/* The step's stocks from the ledger (platform cash, coins in wallets,
 * pending µD) and the run's totals; payers is the run's distinct payers.
 * The platform's position under p (books_end) is checked too: a liability
 * or the margin past int64 is a total past its bound, as the flows are.
 * Returns 0, or -1 when a total left the int64 range. */
int books_close_step(books *b, const sc_params *p, int64_t payers);

#endif
