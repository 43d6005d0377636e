/* check — the checks of a scenario across its tables, made once it is
 * loaded and --set applied: segment shares sum to 1, every segment can
 * reach a gift and, if it forms sink intents, a sink, the withdrawal
 * minimum is at or below the daily limit at every step of the timeline,
 * and no row lies past the last step. A value wrong on its own is refused
 * earlier, where it is read (schema.c). */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "num.h"
#include "scenario.h"

/* The most a pack may cost in USD at any step (the bound of price_usd):
 * within it a step's purchases of one pack stay inside 64 bits. */
#define PRICE_USD_MOST ((int64_t)1000000 * NUM_MICRO)

/* A pack's price in µUSD at its region's rate now (the division of
 * rules_to_usd, which this layer cannot call; used only for the bound). */
static int64_t usd_price(const sc_tables *t, const sc_pack *k)
{
    long r = scenario_region_of(t, k->region);
    return r < 0 || !t->nregions ? k->price
                                 : num_muldiv(k->price, NUM_MICRO, t->regions[r].per_usd);
}

/* Whether t is a state a run cannot take: the withdrawal minimum above the
 * daily limit, a pack dearer than the bound in USD, or a price given in
 * USD for a region that pays in another currency. */
static int state_bad(const sc_tables *t)
{
    if (t->p.min_withdrawal > t->p.daily_limit)
        return 1;
    for (size_t k = 0; k < t->npacks; k++) {
        long r = scenario_region_of(t, t->packs[k].region);
        int64_t u = usd_price(t, &t->packs[k]);
        if (u < 0 || u > PRICE_USD_MOST ||
            (r >= 0 && t->nregions && t->packs[k].price_in_usd &&
             strcmp(t->regions[r].currency, "USD") != 0))
            return 1;
    }
    return 0;
}

/* Report what state_bad finds in t: where and line name what set it,
 * step that it applies from (-1: from the start, the tables as loaded and
 * --set). The limits are the params' (where), the prices the packs'
 * (packs, or where when a change set them). */
static void check_state(const sc_tables *t, const char *where, const char *packs, long line,
                        int64_t step, diag *d)
{
    char a[NUM_BUF], b[NUM_BUF], from[48] = "";
    if (step >= 0)
        snprintf(from, sizeof from, "from step %lld ", (long long)step);
    if (t->p.min_withdrawal > t->p.daily_limit)
        diag_add(d, DIAG_ERROR, where, line, "value",
                 "%smin_withdrawal_usd %s is above daily_withdrawal_limit_usd %s (expected a "
                 "minimum at or below the daily limit)",
                 from, num_fmt_short(a, t->p.min_withdrawal), num_fmt_short(b, t->p.daily_limit));
    for (size_t k = 0; k < t->npacks; k++) {
        const sc_pack *pk = &t->packs[k];
        long r = scenario_region_of(t, pk->region);
        if (r < 0 || !t->nregions)
            continue; /* an unknown region is check_regions' to report */
        const sc_region *rg = &t->regions[r];
        int64_t u = usd_price(t, pk);
        if (pk->price_in_usd && strcmp(rg->currency, "USD") != 0)
            diag_add(d, DIAG_ERROR, packs, line, "price_usd",
                     "%spack %s has a price_usd, but its region %s pays in %s (expected its price "
                     "in the price column, in %s)",
                     from, pk->name, rg->name, rg->currency, rg->currency);
        else if (u < 0 || u > PRICE_USD_MOST)
            diag_add(d, DIAG_ERROR, packs, line, "price",
                     "%spack %s costs %s %s, more than 1000000 USD at %s %s to the dollar "
                     "(expected a price worth at most 1000000 USD)",
                     from, pk->name, num_fmt_short(a, pk->price), rg->currency,
                     num_fmt_short(b, rg->per_usd), rg->currency);
    }
}

/* A pack's or a segment's (table k) region that regions.csv does not have. */
static void unknown_region(const scenario *s, diag *d, int k, const char *name, const char *region)
{
    if (scenario_region_of(&s->t, region) >= 0)
        return;
    diag_add(d, DIAG_ERROR, s->file[k], 0, "region",
             "%s %s: region \"%s\" is not in %s (expected one of its names)",
             k == SC_PACKS ? "pack" : "segment", name, region,
             s->t.nregions ? s->file[SC_REGIONS] : "regions.csv, which the scenario does not have");
}

/* regions.csv (docs/model.md §8): creators' shares sum to 1, a currency is
 * an ISO 4217 code, and every pack's and segment's region is a row of it
 * (without regions.csv, no pack or segment may name one). */
static void check_regions(const scenario *s, diag *d)
{
    const sc_tables *t = &s->t;
    const char *rf = s->file[SC_REGIONS] ? s->file[SC_REGIONS] : "regions.csv";
    char a[NUM_BUF];
    int64_t sum = 0;
    for (size_t r = 0; r < t->nregions; r++) {
        const char *c = t->regions[r].currency;
        sum += t->regions[r].creator_share;
        if (strlen(c) != 3 || !isupper((unsigned char)c[0]) || !isupper((unsigned char)c[1]) ||
            !isupper((unsigned char)c[2]))
            diag_add(d, DIAG_ERROR, rf, 0, "currency",
                     "region %s: currency \"%s\" (expected an ISO 4217 code: three capital "
                     "letters, such as USD, IDR or BRL)",
                     t->regions[r].name, c);
    }
    if (t->nregions > SC_REGIONS_MOST)
        diag_add(d, DIAG_ERROR, rf, 0, NULL, "%zu regions (expected at most %d)", t->nregions,
                 SC_REGIONS_MOST);
    if (t->nregions && sum != NUM_MICRO)
        diag_add(d, DIAG_ERROR, rf, 0, "creator_share",
                 "creator shares sum to %s (expected exactly 1)", num_fmt_short(a, sum));
    for (size_t k = 0; k < t->npacks; k++)
        unknown_region(s, d, SC_PACKS, t->packs[k].name, t->packs[k].region);
    for (size_t g = 0; g < t->nsegs; g++)
        unknown_region(s, d, SC_SEGMENTS, t->segs[g].name, t->segs[g].region);
}

/* The tables as loaded: shares, and something to buy, send and reach. */
static void check_tables(const scenario *s, diag *d)
{
    const sc_tables *t = &s->t;
    char a[NUM_BUF];
    int64_t sum = 0;
    for (size_t i = 0; i < t->nsegs; i++)
        sum += t->segs[i].share;
    if (t->nsegs == 0)
        diag_add(d, DIAG_ERROR, s->file[SC_SEGMENTS], 0, NULL,
                 "no segments: every viewer belongs to one (expected at least one row)");
    else if (sum != NUM_MICRO)
        diag_add(d, DIAG_ERROR, s->set_shares ? s->set_shares : s->file[SC_SEGMENTS], 0, "share",
                 "shares sum to %s (expected exactly 1)", num_fmt_short(a, sum));
    if (t->npacks == 0)
        diag_add(d, DIAG_WARNING, s->file[SC_PACKS], 0, NULL, "no packs: nobody can buy coins");
    if (t->ngifts == 0)
        diag_add(d, DIAG_WARNING, s->file[SC_GIFTS], 0, NULL, "no gifts: nobody can send one");
    for (size_t i = 0; i < t->nsegs && t->ngifts; i++) {
        int reach = 0, cheap = 0;
        for (size_t g = 0; g < t->ngifts; g++) {
            cheap |= t->gifts[g].coins <= t->segs[i].max_gift;
            reach |= t->gifts[g].coins <= t->segs[i].max_gift && t->gifts[g].weight > 0;
        }
        if (!reach && t->segs[i].p_active > 0 && t->segs[i].gps > 0)
            diag_add(d, DIAG_WARNING, s->file[SC_SEGMENTS], 0, "max_gift_coins",
                     cheap ? "segment \"%s\" can reach no gift (every gift within max_gift_coins "
                             "%lld has weight 0): it forms no intents"
                           : "segment \"%s\" can reach no gift (max_gift_coins %lld is below every "
                             "gift): it forms no intents",
                     t->segs[i].name, (long long)t->segs[i].max_gift);
    }
}

/* A segment that forms sink intents with no sink of positive weight to
 * choose: its intents never happen (docs/model.md §4). */
static void check_sinks(const scenario *s, diag *d)
{
    const sc_tables *t = &s->t;
    char a[NUM_BUF];
    int any = 0;
    for (size_t k = 0; k < t->nsinks; k++)
        any |= t->sinks[k].weight > 0;
    for (size_t i = 0; i < t->nsegs && !any; i++)
        if (t->segs[i].p_active > 0 && t->segs[i].sps > 0)
            diag_add(d, DIAG_WARNING, s->file[SC_SEGMENTS], 0, "sinks_per_session",
                     "segment \"%s\" forms sink intents (sinks_per_session %s) but %s: they never "
                     "happen",
                     t->segs[i].name, num_fmt_real(a, t->segs[i].sps),
                     t->nsinks ? "every sink has weight 0" : "there is no sink");
}

/* Rows that never apply, and the limits at every step of the timeline. */
static void check_timeline(const scenario *s, diag *d)
{
    const sc_tables *t = &s->t;
    /* Walk the timeline on a copy in the order a run applies it
     * (s->tl_order), checking the state after each step's rows. A state
     * that turns bad is reported once, at that step's last row, not again at
     * every later step it stays bad. */
    for (size_t i = 0; i < s->ntl; i++) {
        const sc_tlrow *r = &s->timeline[i];
        if (r->step >= t->p.steps)
            diag_add(
                d, DIAG_WARNING, r->file, r->line, "step",
                "step %lld is at or beyond the last step (steps = %lld): this row never applies",
                (long long)r->step, (long long)t->p.steps);
    }
    sc_tables w;
    if (s->ntl && sc_tables_copy(&w, t) == 0) {
        size_t n = 0;
        while (n < s->ntl && s->timeline[s->tl_order[n]].step < t->p.steps)
            n++;
        int bad = state_bad(t);
        for (size_t k = 0; k < n; k++) {
            const sc_tlrow *r = &s->timeline[s->tl_order[k]];
            sc_change_apply(&w, &r->c);
            if (k + 1 < n && s->timeline[s->tl_order[k + 1]].step == r->step)
                continue;
            int now = state_bad(&w);
            if (now && !bad)
                check_state(&w, r->file, r->file, r->line, r->step, d);
            bad = now;
        }
        sc_tables_release(&w);
    }
}

size_t scenario_check(const scenario *s, diag *d)
{
    size_t e0 = d->errors;
    check_tables(s, d);
    check_sinks(s, d);
    check_regions(s, d);
    check_state(&s->t,
                s->set_limits        ? s->set_limits
                : s->file[SC_PARAMS] ? s->file[SC_PARAMS]
                                     : "params.csv",
                s->set_prices       ? s->set_prices
                : s->file[SC_PACKS] ? s->file[SC_PACKS]
                                    : "packs.csv",
                0, -1, d);
    check_timeline(s, d);
    return d->errors - e0;
}
