#include "ledger.h"

#include <stdio.h>

#include "num.h"

/* a += b, noting in l->ovf (first one wins) when the sum leaves int64. */
static void add(ledger *l, int64_t *a, int64_t b, const char *what)
{
    if (__builtin_add_overflow(*a, b, a) && !l->ovf)
        l->ovf = what;
}

static void post(ledger *l, enum ledger_account from, enum ledger_account to, int64_t amount)
{
    if (__builtin_sub_overflow(l->bal[from], amount, &l->bal[from]) && !l->ovf)
        l->ovf = "an account balance";
    add(l, &l->bal[to], amount, "an account balance");
}

void ledger_purchase(ledger *l, int channel, int64_t price, int64_t fee, int64_t coins,
                     int64_t bonus)
{
    post(l, ACC_VIEWERS, ACC_PLATFORM, price);
    post(l, ACC_PLATFORM, channel ? ACC_WEB_PROCESSOR : ACC_APP_STORE, fee);
    add(l, &l->cash_in, price, "cash in");
    add(l, &l->store_fees, fee, "store fees");
    if (channel)
        add(l, &l->web_fees, fee, "web fees");
    add(l, &l->coins_sold, coins, "coins sold");
    add(l, &l->coins_bonus, bonus, "bonus coins");
    add(l, &l->coins_issued, coins, "coins put into wallets");
    add(l, &l->coins_issued, bonus, "coins put into wallets");
}

void ledger_gift(ledger *l, int64_t coins, int64_t credited)
{
    add(l, &l->coins_gifted, coins, "coins gifted");
    add(l, &l->coins_spent, coins, "coins taken from wallets");
    add(l, &l->diamonds_credited, credited, "diamonds credited");
    add(l, &l->diamonds_issued, credited, "diamonds owed to creators");
}

void ledger_breakage(ledger *l, int64_t coins)
{
    add(l, &l->coins_breakage, coins, "coins lost to churn");
    add(l, &l->coins_spent, coins, "coins taken from wallets");
}

void ledger_grant(ledger *l, int64_t coins)
{
    add(l, &l->coins_granted, coins, "coins granted");
    add(l, &l->coins_issued, coins, "coins put into wallets");
}

void ledger_sink(ledger *l, int64_t coins)
{
    add(l, &l->coins_sunk, coins, "coins spent on sinks");
    add(l, &l->coins_spent, coins, "coins taken from wallets");
}

int64_t ledger_wallets(const ledger *l) { return l->coins_issued - l->coins_spent; }
int64_t ledger_pending(const ledger *l) { return l->diamonds_issued - l->diamonds_withdrawn; }

void ledger_open(ledger *l)
{
    ledger o = {0};
    o.open_wallets = o.coins_issued = ledger_wallets(l);
    o.open_pending = o.diamonds_issued = ledger_pending(l);
    o.open_cash = o.bal[ACC_PLATFORM] = l->bal[ACC_PLATFORM];
    o.bal[ACC_OPENING] = -l->bal[ACC_PLATFORM];
    o.ovf = l->ovf;
    *l = o;
}

void ledger_cashout(ledger *l, int64_t withdrawn, int64_t gross, int64_t fee, int64_t fx)
{
    post(l, ACC_PLATFORM, ACC_CREATOR_BANKS, gross - fee - fx);
    post(l, ACC_PLATFORM, ACC_PAYOUT_PROCESSOR, fee);
    post(l, ACC_PLATFORM, ACC_FX, fx);
    add(l, &l->diamonds_withdrawn, withdrawn, "diamonds withdrawn");
    add(l, &l->payouts_gross, gross, "gross payouts");
    add(l, &l->payout_fees, fee, "payout fees");
    add(l, &l->fx_fees, fx, "FX fees");
    add(l, &l->payouts_net, gross - fee - fx, "net payouts");
}

int ledger_check(const ledger *l, int64_t wallet_sum, int64_t pending_sum, char *msg, size_t n)
{
    char a[NUM_BUF], b[NUM_BUF], c[NUM_BUF], d[NUM_BUF], e[NUM_BUF], f[NUM_BUF], g[NUM_BUF];
    __int128 sum = 0;

    /* The sums below in 128 bits: a ledger given here (a test's, say) need
     * not have passed the checked additions. */
    typedef __int128 wide;
    if ((wide)l->open_wallets + l->coins_sold + l->coins_bonus + l->coins_granted !=
        (wide)l->coins_gifted + l->coins_sunk + l->coins_breakage + wallet_sum) {
        snprintf(msg, n,
                 "coins: opening wallets %lld + sold %lld + bonus %lld + granted %lld != gifted "
                 "%lld + sunk %lld + breakage %lld + in wallets %lld",
                 (long long)l->open_wallets, (long long)l->coins_sold, (long long)l->coins_bonus,
                 (long long)l->coins_granted, (long long)l->coins_gifted, (long long)l->coins_sunk,
                 (long long)l->coins_breakage, (long long)wallet_sum);
        return -1;
    }
    if ((wide)l->open_pending + l->diamonds_credited != (wide)l->diamonds_withdrawn + pending_sum) {
        snprintf(msg, n, "diamonds: opening pending %s + credited %s != withdrawn %s + pending %s",
                 num_fmt_micro(a, l->open_pending), num_fmt_micro(b, l->diamonds_credited),
                 num_fmt_micro(c, l->diamonds_withdrawn), num_fmt_micro(d, pending_sum));
        return -1;
    }
    if ((wide)l->open_cash + l->cash_in !=
        (wide)l->store_fees + l->payouts_net + l->payout_fees + l->fx_fees + l->bal[ACC_PLATFORM]) {
        snprintf(msg, n,
                 "money: opening platform cash %s + cash in %s != store fees %s + net payouts %s "
                 "+ payout fees %s + FX fees %s + platform cash %s",
                 num_fmt_micro(a, l->open_cash), num_fmt_micro(b, l->cash_in),
                 num_fmt_micro(c, l->store_fees), num_fmt_micro(d, l->payouts_net),
                 num_fmt_micro(e, l->payout_fees), num_fmt_micro(g, l->fx_fees),
                 num_fmt_micro(f, l->bal[ACC_PLATFORM]));
        return -1;
    }
    /* Each account against the flow that feeds it, named when it breaks. */
    const struct {
        const char *name;
        wide bal, flow;
    } acc[] = {
        {"viewers (minus cash in)", -(wide)l->bal[ACC_VIEWERS], l->cash_in},
        {"app store (app fees)", l->bal[ACC_APP_STORE], (wide)l->store_fees - l->web_fees},
        {"web processor (web fees)", l->bal[ACC_WEB_PROCESSOR], l->web_fees},
        {"creators' banks (net payouts)", l->bal[ACC_CREATOR_BANKS], l->payouts_net},
        {"payout processor (payout fees)", l->bal[ACC_PAYOUT_PROCESSOR], l->payout_fees},
        {"FX converter (FX fees)", l->bal[ACC_FX], l->fx_fees},
        {"opening (minus opening platform cash)", -(wide)l->bal[ACC_OPENING], l->open_cash},
    };
    for (size_t i = 0; i < sizeof acc / sizeof acc[0]; i++)
        if (acc[i].bal != acc[i].flow) {
            snprintf(msg, n, "accounts: %s balance %s != flow %s", acc[i].name,
                     num_fmt_micro(a, (int64_t)acc[i].bal), num_fmt_micro(b, (int64_t)acc[i].flow));
            return -1;
        }
    for (int i = 0; i < ACC_N; i++)
        sum += l->bal[i];
    if (sum != 0) {
        snprintf(msg, n, "accounts: balances sum to %s (expected 0)",
                 num_fmt_micro(a, (int64_t)sum));
        return -1;
    }
    return 0;
}
