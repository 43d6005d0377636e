/* ledger — double-entry money and the coin and diamond counters (docs/model.md §5).
 *
 * Every money posting moves µUSD between accounts and sums to zero. The
 * flow counters are kept apart from the balances so that the identities
 * compare two independent tallies, not one number with itself. */
#ifndef COINSIM_LEDGER_H
#define COINSIM_LEDGER_H

#include <stddef.h>
#include <stdint.h>

enum ledger_account {
    ACC_VIEWERS, /* outside money: goes negative as viewers pay */
    ACC_PLATFORM,
    ACC_APP_STORE,
    ACC_WEB_PROCESSOR,
    ACC_PAYOUT_PROCESSOR,
    ACC_CREATOR_BANKS,
    ACC_FX,      /* the converter of payouts into creators' currencies */
    ACC_OPENING, /* the warm-up's result carried into the reported steps:
                  * minus the opening platform cash */
    ACC_N
};

typedef struct ledger {
    int64_t bal[ACC_N]; /* µUSD */
    /* flows */
    int64_t cash_in, store_fees, payouts_gross, payout_fees, payouts_net;
    int64_t fx_fees;  /* the spread on payouts converted to creators' currencies */
    int64_t web_fees; /* the part of store_fees paid on the web */
    int64_t coins_sold, coins_bonus, coins_granted, coins_gifted, coins_sunk, coins_breakage;
    int64_t coins_issued; /* opening wallets + sold + bonus + granted, a checked total */
    int64_t coins_spent;  /* gifted + sunk + breakage, likewise */
    int64_t diamonds_credited, diamonds_withdrawn; /* µD */
    int64_t diamonds_issued;                       /* opening pending + credited, a checked total */
    /* Opening balances (docs/model.md §5): the stocks a warm-up left,
     * zero without one. The opening platform cash is bal[ACC_PLATFORM]
     * when the reported steps began, held against ACC_OPENING. */
    int64_t open_wallets, open_pending, open_cash;
    /* The first sum that left the int64 range, or NULL. Every addition
     * here is checked; once set, the figures are not to be trusted and the
     * run must fail (ledger_overflow names what broke). */
    const char *ovf;
} ledger;

/* Packs bought for price µUSD through channel (0 app, 1 web), the store
 * or processor keeping fee µUSD; coins and bonus coins enter wallets. The
 * amounts may be the sum of several purchases of one pack. */
void ledger_purchase(ledger *l, int channel, int64_t price, int64_t fee, int64_t coins,
                     int64_t bonus);

/* coins leave wallets as gifts; credited µD go to the creators (one gift
 * or the sum of several). */
void ledger_gift(ledger *l, int64_t coins, int64_t credited);

/* Unspent coins of a churned viewer. */
void ledger_breakage(ledger *l, int64_t coins);

/* Coins granted to wallets with no money behind them (free coins). */
void ledger_grant(ledger *l, int64_t coins);

/* Coins spent on a sink: they leave wallets and credit nobody. */
void ledger_sink(ledger *l, int64_t coins);

/* The end of the warm-up: the stocks now become the opening balances and
 * every flow starts again from zero. */
void ledger_open(ledger *l);

/* Coins in wallets and µD pending, from the flows and opening balances. */
int64_t ledger_wallets(const ledger *l);
int64_t ledger_pending(const ledger *l);

/* A cash-out of withdrawn µD worth gross µUSD, fee µUSD to the processor
 * and fx µUSD to the converter into the creator's currency (docs/model.md
 * §8); the rest reaches the creator's bank. */
void ledger_cashout(ledger *l, int64_t withdrawn, int64_t gross, int64_t fee, int64_t fx);

/* Check every identity of docs/model.md §5 against the actual sums of wallets
 * and creators' pending µD. Returns 0, or -1 with the broken identity and
 * its figures in msg. */
int ledger_check(const ledger *l, int64_t wallet_sum, int64_t pending_sum, char *msg, size_t n);

#endif
