/* dash_edit — the dashboard's live changes. Each is the scenario's one
 * change mechanism: the commission and the pack form add timeline rows at
 * the next step to run, a new seed is a --set of params.seed; then the
 * runs behind the band start over. Also saving the session. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "../sim/diag.h"
#include "../sim/num.h"
#include "dash_int.h"

int dash_change(dash *d, const char *target, const char *value)
{
    char msg[600];
    if (dash_over(d)) {
        dash_say(d, "the run is over: r starts again with a new seed (your changes are kept)");
        return -1;
    }
    int64_t step = dash_steps_done(d);
    if (scenario_add_change(d->sc, step, target, value, msg, sizeof msg) < 0) {
        dash_say(d, "%s", msg);
        return -1;
    }
    dash_say(d, "from step %lld: %s = %s", (long long)step, target, value);
    dash_band_restart(d);
    return 0;
}

/* now, the value of target at present, unless rows waiting at the next
 * step change it (the last of them wins). */
static int64_t next_value(const dash *d, const char *target, int64_t now)
{
    int64_t step = dash_steps_done(d);
    for (size_t i = 0; i < d->sc->ntl; i++) {
        const sc_tlrow *r = &d->sc->timeline[d->sc->tl_order[i]];
        if (r->step == step && strcmp(r->c.target, target) == 0)
            now = r->c.ival;
    }
    return now;
}

int64_t dash_next_commission(const dash *d)
{
    return next_value(d, "params.commission", dash_tables(d)->p.commission);
}

/* The region shown and its field's target ("regions.NAME.FIELD") in
 * target, or NULL (said on the last row) without regions. */
static const sc_region *shown_region(dash *d, const char *field, char *target, size_t n)
{
    const sc_tables *t = dash_tables(d);
    if (!t->nregions) {
        dash_say(d, "one region: there is no regions.csv, every price is in USD");
        return NULL;
    }
    const sc_region *g = &t->regions[d->region < (int)t->nregions ? d->region : 0];
    snprintf(target, n, "regions.%s.%s", g->name, field);
    return g;
}

void dash_rate_by(dash *d, int weaker)
{
    char target[160], v[NUM_BUF];
    const sc_region *g = shown_region(d, "per_usd", target, sizeof target);
    if (!g)
        return;
    /* A dollar buys 5% more of a currency that weakens, 1/1.05 of it as it
     * strengthens, to the µ-unit. */
    int64_t r = next_value(d, target, g->per_usd);
    r = weaker ? num_muldiv(r, 21, 20) : num_muldiv(r, 20, 21);
    if (r < 1) {
        dash_say(d, "%s's rate cannot go lower than 0.000001 %s to the dollar", g->name,
                 g->currency);
        return;
    }
    dash_change(d, target, num_fmt_short(v, r));
}

void dash_fx_fee_by(dash *d, int tenths)
{
    char target[160], v[NUM_BUF];
    const sc_region *g = shown_region(d, "fx_fee_rate", target, sizeof target);
    if (!g)
        return;
    int64_t f = next_value(d, target, g->fx_fee) + (int64_t)tenths * 1000;
    if (f < 0 || f > NUM_MICRO) {
        dash_say(d, "the FX fee stays between 0%% and 100%%");
        return;
    }
    dash_change(d, target, num_fmt_short(v, f));
}

void dash_commission_by(dash *d, int points)
{
    int64_t c = dash_next_commission(d);
    c += (int64_t)points * 10000;
    if (c < 0 || c > NUM_MICRO) {
        dash_say(d, "commission stays between 0%% and 100%%");
        return;
    }
    char v[NUM_BUF];
    dash_change(d, "params.commission", num_fmt_short(v, c));
}

void dash_restart(dash *d)
{
    if (d->o.replay) {
        dash_say(d, "a replay plays one log: there is no seed to change");
        return;
    }
    /* The seed is part of the world's shape, not a timeline row: it
     * changes as --set seed=N does, before the new world is built. */
    char assign[40];
    diag dg = {0};
    snprintf(assign, sizeof assign, "seed=%llu", (unsigned long long)d->sc->t.p.seed + 1);
    int rc = scenario_set(d->sc, assign, "r (a new seed)", &dg);
    if (rc < 0)
        dash_say(d, "%s", dg.n ? dg.items[0].text : "the seed cannot change");
    diag_clear(&dg);
    if (rc < 0 || dash_open_run(d, 1, 0) < 0)
        return;
    dash_band_restart(d);
    dash_say(d, "restarted with seed %llu (live changes kept)",
             (unsigned long long)d->sc->t.p.seed);
}

/* ---------------------------------------------------------- pack form */

const sc_region *dash_pack_region(const dash *d, size_t k)
{
    const sc_tables *t = dash_tables(d);
    long r = scenario_region_of(t, t->packs[k].region);
    return t->nregions && r >= 0 ? &t->regions[r] : NULL;
}

int dash_pack_shown(const dash *d, size_t k)
{
    const sc_tables *t = dash_tables(d);
    return !t->nregions || scenario_region_of(t, t->packs[k].region) == d->region;
}

const char *dash_price_field(const dash *d, size_t k)
{
    const sc_region *r = dash_pack_region(d, k);
    return r && strcmp(r->currency, "USD") != 0 ? "price" : "price_usd";
}

/* The first field is the price, in USD or in the region's currency. */
static const char *const pack_fields[] = {NULL, "bonus_coins", "enabled"};
#define NFIELDS ((int)(sizeof pack_fields / sizeof pack_fields[0]))

/* The field's value now, to edit. */
static void pack_form_value(dash *d)
{
    const sc_pack *p = &dash_tables(d)->packs[d->pack_sel];
    char v[NUM_BUF];
    if (d->pack_field == 0)
        snprintf(d->edit, sizeof d->edit, "%s", num_fmt_short(v, p->price));
    else if (d->pack_field == 1)
        snprintf(d->edit, sizeof d->edit, "%lld", (long long)p->bonus);
    else
        snprintf(d->edit, sizeof d->edit, "%lld", (long long)p->enabled);
}

/* The next pack of the region shown dpack (-1 or 1) from k, wrapping
 * round; k itself if it is the only one. */
static int next_shown(const dash *d, int k, int dpack)
{
    int n = (int)dash_tables(d)->npacks;
    for (int i = 1; i <= n; i++) {
        int j = ((k + dpack * i) % n + n) % n;
        if (dash_pack_shown(d, (size_t)j))
            return j;
    }
    return k;
}

void dash_pack_open(dash *d)
{
    const sc_tables *t = dash_tables(d);
    d->pack_field = 0;
    d->mode = M_NONE;
    if (!t->npacks)
        return;
    d->pack_sel = next_shown(d, (int)t->npacks - 1, 1);
    if (!dash_pack_shown(d, (size_t)d->pack_sel)) {
        dash_say(d, "region %s has no packs", t->regions[d->region].name);
        return;
    }
    d->mode = M_PACK;
    pack_form_value(d);
}

void dash_pack_select(dash *d, int dpack, int dfield)
{
    if (dpack)
        d->pack_sel = next_shown(d, d->pack_sel, dpack < 0 ? -1 : 1);
    d->pack_field = (d->pack_field + NFIELDS + dfield) % NFIELDS;
    pack_form_value(d);
}

const char *dash_pack_field(const dash *d)
{
    return d->pack_field ? pack_fields[d->pack_field] : dash_price_field(d, (size_t)d->pack_sel);
}

void dash_pack_apply(dash *d)
{
    char target[300];
    snprintf(target, sizeof target, "packs.%s.%s", dash_tables(d)->packs[d->pack_sel].name,
             dash_pack_field(d));
    dash_change(d, target, d->edit);
}

/* ---------------------------------------------------------- save form */

void dash_save_open(dash *d)
{
    d->mode = M_SAVE;
    size_t n = strlen(d->dir);
    while (n > 1 && d->dir[n - 1] == '/')
        n--;
    struct stat st;
    for (int i = 1; i < 1000; i++) {
        if (i == 1)
            snprintf(d->edit, sizeof d->edit, "%.*s-live", (int)n, d->dir);
        else
            snprintf(d->edit, sizeof d->edit, "%.*s-live%d", (int)n, d->dir, i);
        if (stat(d->edit, &st) != 0)
            break;
    }
}

void dash_save(dash *d)
{
    char msg[600], comment[600];
    int live = 0;
    for (size_t i = 0; i < d->sc->ntl; i++)
        live += d->sc->timeline[i].line == 0;
    snprintf(comment, sizeof comment, "saved from the coinsim dashboard: %s with %d live change%s",
             d->dir, live, live == 1 ? "" : "s");
    if (scenario_save(d->sc, d->edit, comment, msg, sizeof msg) < 0)
        dash_say(d, "not saved: %s", msg);
    else
        dash_say(d, "saved %s: replay with coinsim run %s --headless", d->edit, d->edit);
}
