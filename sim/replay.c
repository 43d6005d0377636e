#define _POSIX_C_SOURCE 200809L
#include "replay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvread.h"
#include "evlog.h"
#include "idmap.h"
#include "ledger.h"
#include "rules.h"
#include "num.h"

#define MICRO NUM_MICRO

/* The log's columns: those up to C_NEED every log has; the region, its
 * currency and the local amount came with regions (docs/model.md §8) and
 * an older log has none of them: it replays under the scenario's first
 * region. */
enum {
    C_RUN,
    C_STEP,
    C_TYPE,
    C_VIEWER,
    C_CREATOR,
    C_ITEM,
    C_COINS,
    C_USD,
    C_CHANNEL,
    C_NEED,
    C_REGION = C_NEED,
    C_CURRENCY,
    C_LOCAL,
    C_N
};
static const char *const colname[C_N] = {"run",   "step", "type",    "viewer", "creator",  "item",
                                         "coins", "usd",  "channel", "region", "currency", "local"};

typedef struct ev {
    int type;
    int64_t viewer, creator; /* dense indices, -1 none */
    long item;               /* pack or gift index, -1 unknown */
    int64_t coins, usd;
    int channel;
    int region;    /* an index of the scenario's regions */
    int64_t local; /* the row's local amount, -1 if it has none */
    long line;
} ev;

typedef struct growvec {
    void *p;
    size_t n, cap, size;
} growvec;

static int vec_need(growvec *v, size_t n)
{
    if (n <= v->cap)
        return 0;
    size_t nc = v->cap ? v->cap : 1024;
    while (nc < n)
        nc *= 2;
    void *np = realloc(v->p, nc * v->size);
    if (!np)
        return -1;
    memset((char *)np + v->cap * v->size, 0, (nc - v->cap) * v->size);
    v->p = np;
    v->cap = nc;
    return 0;
}

struct replay {
    const scenario *sc;
    sc_tables t;
    size_t tl_next;
    replay_opts o;
    csvr *in;
    char *path;
    int col[C_N];
    size_t ncells; /* cells in the header, and so in every row */
    int64_t step;  /* next step to apply */
    int have_next, eof;
    ev next;
    int64_t next_step;
    growvec buf; /* the events of the step being applied */

    idmap *vid, *cid;
    growvec wallet, spend, last_buy; /* per viewer: int64, int64, int64 */
    growvec pending, earned, cashed; /* per creator: int64, int64, uchar */
    growvec churned;                 /* spend of payers who left */
    int64_t payers_run, churns;
    int64_t *reg_payers;     /* payers per region, by the region of their first purchase */
    int64_t *reg_creators;   /* creators per region (region_creators), for reg_creators_of */
    int64_t reg_creators_of; /* creators they were counted over, 0 before the first count */
    books bk;                /* the ledger and the figures (rules.h), posted as in a run */
    replay_counts k;
};

#define V64(v, i) (((int64_t *)(v).p)[i])
#define NEVER     INT64_MIN /* last_buy of a viewer who has not bought in the reported steps */

/* The index of the pack, gift or sink (by event type) named, or -1. */
static int find_name(const sc_tables *t, int type, const char *name)
{
    size_t n = type == EV_PURCHASE ? t->npacks : type == EV_SINK ? t->nsinks : t->ngifts;
    for (size_t i = 0; i < n; i++)
        if (strcmp(type == EV_PURCHASE ? t->packs[i].name
                   : type == EV_SINK   ? t->sinks[i].name
                                       : t->gifts[i].name,
                   name) == 0)
            return (int)i;
    return -1;
}

static int64_t id_of(replay *r, int creator, const char *key)
{
    int added;
    idmap *m = creator ? r->cid : r->vid;
    int64_t i = idmap_get(m, key, &added);
    if (i < 0)
        return -1;
    size_t n = (size_t)i + 1;
    if (creator) {
        if (vec_need(&r->pending, n) || vec_need(&r->earned, n) || vec_need(&r->cashed, n))
            return -1;
    } else {
        if (vec_need(&r->wallet, n) || vec_need(&r->spend, n) || vec_need(&r->last_buy, n))
            return -1;
        if (added)
            V64(r->last_buy, i) = NEVER;
    }
    return i;
}

#define ROW_GIFT_MAX  1000000LL           /* a gift's or sink's coins, a grant (schema.c) */
#define ROW_COINS_MAX 2000000000LL        /* a pack's coins plus its bonus */
#define ROW_USD_MAX   (1000000LL * MICRO) /* a pack's price */

/* Parse the next data row into r->next. 1 a row, 0 the end, -1 an error. */
/* The run and step of a row (c: its cells by column). */
static int read_when(replay *r, const char *const *c, long line, diag *d)
{
    const char *why = "below 1";
    int64_t run = 0;
    if (num_parse_int(c[C_RUN], &run, &why) < 0 || run < 1) {
        diag_add(d, DIAG_ERROR, r->path, line, "run",
                 "run \"%s\": %s (expected a run number from 1)", c[C_RUN], why);
        return -1;
    }
    if (r->k.run && (uint64_t)run != r->k.run) {
        diag_add(d, DIAG_ERROR, r->path, line, "run",
                 "run %lld after run %llu (expected one run per log)", (long long)run,
                 (unsigned long long)r->k.run);
        return -1;
    }
    r->k.run = (uint64_t)run;
    r->next_step = 0;
    int64_t first = -r->t.p.warmup_steps;
    if (num_parse_int(c[C_STEP], &r->next_step, &why) < 0) {
        diag_add(d, DIAG_ERROR, r->path, line, "step",
                 "step \"%s\": %s (expected a whole number from %lld)", c[C_STEP], why,
                 (long long)first);
        return -1;
    }
    if (r->next_step >= r->t.p.steps) {
        diag_add(
            d, DIAG_ERROR, r->path, line, "step",
            "step %lld is beyond the scenario's %lld steps (expected a step from %lld to %lld)",
            (long long)r->next_step, (long long)r->t.p.steps, (long long)first,
            (long long)r->t.p.steps - 1);
        return -1;
    }
    if (r->next_step < first) {
        diag_add(d, DIAG_ERROR, r->path, line, "step",
                 "step %lld is before the scenario's warm-up of %lld steps (expected a step from "
                 "%lld to %lld)",
                 (long long)r->next_step, (long long)r->t.p.warmup_steps, (long long)first,
                 (long long)r->t.p.steps - 1);
        return -1;
    }
    return 0;
}

/* The event's type, and the viewer and creator it needs. */
static int read_who(replay *r, ev *e, const char *const *c, long line, diag *d)
{
    e->type = -1;
    for (int t = 0; t < EV_NTYPES; t++)
        if (strcmp(c[C_TYPE], evlog_type_names[t]) == 0)
            e->type = t;
    if (e->type < 0) {
        diag_add(d, DIAG_ERROR, r->path, line, "type",
                 "unknown event type \"%.40s\" (expected purchase, gift, lost, cashout, churn, "
                 "grant, sink or lost_sink)",
                 c[C_TYPE]);
        return -1;
    }
    int need_v = e->type != EV_CASHOUT, need_c = e->type == EV_GIFT || e->type == EV_CASHOUT;
    if (need_v && !*c[C_VIEWER]) {
        diag_add(d, DIAG_ERROR, r->path, line, "viewer",
                 "a %s needs a viewer (expected an identifier)", c[C_TYPE]);
        return -1;
    }
    if (need_c && !*c[C_CREATOR]) {
        diag_add(d, DIAG_ERROR, r->path, line, "creator",
                 "a %s needs a creator (expected an identifier)", c[C_TYPE]);
        return -1;
    }
    if ((need_v && (e->viewer = id_of(r, 0, c[C_VIEWER])) < 0) ||
        (need_c && (e->creator = id_of(r, 1, c[C_CREATOR])) < 0)) {
        diag_add(d, DIAG_ERROR, r->path, line, NULL, "out of memory");
        return REPLAY_NOMEM;
    }
    return 0;
}

/* The coins, the price and the channel. A gift or a purchase may carry no
 * more than a scenario could: the largest gift, the largest pack with its
 * bonus, the highest price. Within these the products and sums of apply()
 * stay inside 64 bits (churn coins are only compared, cash-outs are capped
 * by the pending). */
static int read_amounts(replay *r, ev *e, const char *const *c, long line, diag *d)
{
    const char *why = "";
    int64_t most = e->type == EV_GIFT || e->type == EV_SINK || e->type == EV_GRANT ? ROW_GIFT_MAX
                   : e->type == EV_PURCHASE                                        ? ROW_COINS_MAX
                                                                                   : INT64_MAX;
    if (num_parse_int(c[C_COINS], &e->coins, &why) < 0 || e->coins < 0) {
        diag_add(d, DIAG_ERROR, r->path, line, "coins",
                 "coins \"%s\": %s (expected a whole number from 0)", c[C_COINS],
                 e->coins < 0 ? "negative" : why);
        return -1;
    }
    if (e->coins > most) {
        diag_add(d, DIAG_ERROR, r->path, line, "coins",
                 "coins %lld: too large for a %s (expected at most %lld)", (long long)e->coins,
                 c[C_TYPE], (long long)most);
        return -1;
    }
    if (*c[C_USD] && (num_parse_dec(c[C_USD], &e->usd, &why) < 0 || e->usd < 0)) {
        diag_add(d, DIAG_ERROR, r->path, line, "usd",
                 "usd \"%s\": %s (expected an amount with at most 6 decimals)", c[C_USD],
                 e->usd < 0 ? "negative" : why);
        return -1;
    }
    if (e->usd > ROW_USD_MAX) {
        diag_add(d, DIAG_ERROR, r->path, line, "usd",
                 "usd \"%s\": too large (expected at most 1000000)", c[C_USD]);
        return -1;
    }
    if (!*c[C_CHANNEL])
        return 0;
    if (!strcmp(c[C_CHANNEL], "app") || !strcmp(c[C_CHANNEL], "web")) {
        e->channel = !strcmp(c[C_CHANNEL], "app") ? CH_APP : CH_WEB;
        return 0;
    }
    diag_add(d, DIAG_ERROR, r->path, line, "channel", "channel \"%.40s\" (expected app or web)",
             c[C_CHANNEL]);
    return -1;
}

/* A purchase's or a cash-out's region (its name, or failing that its
 * currency, else the first region) and local amount, if the log has them. */
static int read_region(replay *r, ev *e, const char *const *c, long line, diag *d)
{
    const sc_tables *t = &r->t;
    const char *why = "";
    e->region = 0;
    e->local = -1;
    if (e->type != EV_PURCHASE && e->type != EV_CASHOUT)
        return 0;
    const char *rn = r->col[C_REGION] >= 0 ? c[C_REGION] : "",
               *cur = r->col[C_CURRENCY] >= 0 ? c[C_CURRENCY] : "";
    if (*rn) {
        long k = scenario_region_of(t, rn);
        if (k < 0) {
            diag_add(d, DIAG_ERROR, r->path, line, "region",
                     "region \"%.40s\" is not in the scenario (expected one of its regions%s)", rn,
                     t->nregions ? "" : ": it has none but the one named all");
            return -1;
        }
        e->region = (int)k;
    } else if (*cur && t->nregions) {
        size_t k = 0;
        while (k < t->nregions && strcmp(t->regions[k].currency, cur) != 0)
            k++;
        if (k == t->nregions) {
            diag_add(d, DIAG_ERROR, r->path, line, "currency",
                     "no region of the scenario pays in \"%.40s\" (expected the currency of one "
                     "of its regions)",
                     cur);
            return -1;
        }
        e->region = (int)k;
    }
    const char *pays = scenario_region_currency(t, (size_t)e->region);
    if (*cur && strcmp(cur, pays) != 0) {
        diag_add(d, DIAG_ERROR, r->path, line, "currency",
                 "currency \"%.40s\", but region %s pays in %s (expected its currency)", cur,
                 scenario_region_name(t, (size_t)e->region), pays);
        return -1;
    }
    if (r->col[C_LOCAL] >= 0 && *c[C_LOCAL] &&
        (num_parse_dec(c[C_LOCAL], &e->local, &why) < 0 || e->local < 0)) {
        diag_add(d, DIAG_ERROR, r->path, line, "local",
                 "local \"%s\": %s (expected an amount with at most 6 decimals)", c[C_LOCAL],
                 e->local < 0 ? "negative" : why);
        return -1;
    }
    return 0;
}

/* The pack or gift named. A name the scenario does not know is fine when
 * the row says what it is worth; it is counted and reported. */
static int read_item(replay *r, ev *e, const char *const *c, long line, diag *d)
{
    if (e->type == EV_CASHOUT || e->type == EV_CHURN || e->type == EV_GRANT)
        return 0;
    int kind = e->type == EV_LOST ? EV_GIFT : e->type == EV_LOST_SINK ? EV_SINK : e->type;
    e->item = find_name(&r->t, kind, c[C_ITEM]);
    if (e->item >= 0)
        return 0;
    if (e->type == EV_PURCHASE && (!*c[C_USD] || e->channel < 0 || e->coins == 0)) {
        diag_add(d, DIAG_ERROR, r->path, line, "item",
                 "pack \"%.60s\" is not in the scenario (expected a known pack, or coins, "
                 "usd and channel on the row)",
                 c[C_ITEM]);
        return -1;
    }
    if (e->type != EV_PURCHASE && e->coins == 0) {
        diag_add(d, DIAG_ERROR, r->path, line, "item",
                 "%s \"%.60s\" is not in the scenario (expected a known %s, or its "
                 "coins on the row)",
                 kind == EV_SINK ? "sink" : "gift", c[C_ITEM], kind == EV_SINK ? "sink" : "gift");
        return -1;
    }
    if (e->type == EV_PURCHASE)
        r->k.unknown_packs++;
    else if (kind == EV_SINK)
        r->k.unknown_sinks++;
    else
        r->k.unknown_gifts++;
    return 0;
}

/* The next row into r->next. Returns 1, 0 at the end of the log, or -1
 * with the problem added to d. */
static int read_row(replay *r, diag *d)
{
    csvr_row row;
    int rc = csvr_next(r->in, &row);
    if (rc <= 0)
        return rc;
    ev *e = &r->next;
    const char *c[C_N];
    memset(e, 0, sizeof *e);
    e->line = row.line;
    e->viewer = e->creator = -1;
    e->item = -1;
    e->channel = -1;
    if (row.n != r->ncells) {
        diag_add(d, DIAG_ERROR, r->path, row.line, NULL,
                 "%zu cells in this row (expected %zu, as in the header)", row.n, r->ncells);
        return -1;
    }
    for (int i = 0; i < C_N; i++)
        c[i] = r->col[i] >= 0 ? row.cells[r->col[i]] : "";
    if (read_when(r, c, row.line, d) < 0 || (rc = read_who(r, e, c, row.line, d)) < 0 ||
        read_amounts(r, e, c, row.line, d) < 0 || read_region(r, e, c, row.line, d) < 0 ||
        read_item(r, e, c, row.line, d) < 0)
        return rc < 0 ? rc : -1;
    r->k.events++;
    return 1;
}

replay *replay_open(const scenario *s, const char *path, const replay_opts *o, diag *d)
{
    replay *r = calloc(1, sizeof *r);
    size_t e0 = d->errors;
    if (!r || !(r->path = strdup(path)) || sc_tables_copy(&r->t, &s->t) < 0) {
        diag_add(d, DIAG_ERROR, path, 0, NULL, "out of memory");
        if (r)
            free(r->path);
        free(r);
        return NULL;
    }
    r->sc = s;
    r->o = *o;
    r->step = -s->t.p.warmup_steps;
    r->wallet.size = r->spend.size = r->last_buy.size = sizeof(int64_t);
    r->pending.size = r->earned.size = r->churned.size = sizeof(int64_t);
    r->cashed.size = 1;
    r->buf.size = sizeof(ev);
    r->vid = idmap_new();
    r->cid = idmap_new();
    r->reg_payers = calloc(s->t.nregions ? s->t.nregions : 1, sizeof *r->reg_payers);
    r->reg_creators = calloc(s->t.nregions ? s->t.nregions : 1, sizeof *r->reg_creators);
    if (!r->vid || !r->cid || !r->reg_payers || !r->reg_creators || books_init(&r->bk, &s->t) < 0) {
        diag_add(d, DIAG_ERROR, path, 0, NULL, "out of memory");
        replay_free(r);
        return NULL;
    }
    if (!(r->in = csvr_open(path, path, d))) {
        replay_free(r);
        return NULL;
    }
    csvr_row row;
    int rc = csvr_next(r->in, &row);
    if (rc <= 0) {
        if (rc == 0)
            diag_add(d, DIAG_ERROR, path, 0, NULL, "no header row (expected %s)", EVLOG_HEADER);
        replay_free(r);
        return NULL;
    }
    for (int i = 0; i < C_N; i++)
        r->col[i] = -1;
    r->ncells = row.n;
    for (size_t i = 0; i < row.n; i++) {
        int k;
        for (k = 0; k < C_N; k++)
            if (strcmp(row.cells[i], colname[k]) == 0)
                break;
        if (k == C_N)
            diag_add(d, DIAG_ERROR, path, row.line, row.cells[i][0] ? row.cells[i] : "(empty)",
                     "unknown column (expected %s)", EVLOG_HEADER);
        else if (r->col[k] >= 0)
            diag_add(d, DIAG_ERROR, path, row.line, colname[k],
                     "column appears twice in the header (expected once)");
        else
            r->col[k] = (int)i;
    }
    for (int k = 0; k < C_NEED; k++)
        if (r->col[k] < 0)
            diag_add(d, DIAG_ERROR, path, row.line, colname[k],
                     "required column missing (expected \"%s\" in the header)", colname[k]);
    if (d->errors > e0) {
        replay_free(r);
        return NULL;
    }
    rc = read_row(r, d);
    if (rc < 0) {
        replay_free(r);
        return NULL;
    }
    r->have_next = rc > 0;
    r->eof = rc == 0;
    return r;
}

void replay_free(replay *r)
{
    if (!r)
        return;
    csvr_close(r->in);
    idmap_free(r->vid);
    idmap_free(r->cid);
    free(r->buf.p);
    free(r->wallet.p);
    free(r->spend.p);
    free(r->last_buy.p);
    free(r->pending.p);
    free(r->earned.p);
    free(r->cashed.p);
    free(r->churned.p);
    free(r->reg_payers);
    free(r->reg_creators);
    books_release(&r->bk);
    sc_tables_release(&r->t);
    free(r->path);
    free(r);
}

const replay_counts *replay_get_counts(const replay *r) { return &r->k; }

static int infeasible(replay *r, const ev *e, diag *d, const char *what)
{
    if (r->o.lenient)
        return 0;
    diag_add(d, DIAG_ERROR, r->path, e->line, NULL,
             "%s (use --lenient to count such events as rejected)", what);
    return -1;
}

/* *a += b, checked: a log can hold any number of rows, so its sums are
 * not bounded by the scenario. The first total past int64 is noted. */
static void add(replay *r, int64_t *a, int64_t b, const char *what, enum rules_unit u)
{
    books_add(&r->bk, a, 1, b, what, u);
}

static int apply_row(replay *r, const ev *e, diag *d);

/* One row, then refused at its line if a total left the int64 range. */
static int apply(replay *r, const ev *e, diag *d)
{
    int rc = apply_row(r, e, d);
    if (rc < 0)
        return rc;
    if (books_overflowed(&r->bk)) {
        const char *what, *bound;
        books_overflow_text(&r->bk, &what, &bound);
        diag_add(d, DIAG_ERROR, r->path, e->line, NULL,
                 "%s went past %s, the most a 64-bit total holds (expected a log whose totals fit)",
                 what, bound);
        return -1;
    }
    return 0;
}

static int churned(replay *r, const ev *e, diag *d)
{
    int64_t coins = V64(r->wallet, e->viewer);
    if (coins != e->coins)
        r->k.breakage_differs++;
    books_breakage(&r->bk, coins);
    if (V64(r->last_buy, e->viewer) != NEVER) {
        if (vec_need(&r->churned, r->churned.n + 1) < 0) {
            diag_add(d, DIAG_ERROR, r->path, e->line, NULL, "out of memory");
            return REPLAY_NOMEM;
        }
        V64(r->churned, r->churned.n++) = V64(r->spend, e->viewer);
    }
    V64(r->wallet, e->viewer) = 0;
    V64(r->spend, e->viewer) = 0;
    V64(r->last_buy, e->viewer) = NEVER;
    r->churns++;
    return 0;
}

/* A purchase. A known pack is bought in its region at the scenario's
 * price, converted at this step's rate (what-if on prices and rates); an
 * unknown one at the row's amounts, in the row's region. */
static void purchased(replay *r, const ev *e)
{
    rules_sale s = {e->item, e->region, e->channel, 1, e->usd, e->local, e->coins, 0};
    if (e->item >= 0) {
        const sc_pack *pk = &r->t.packs[e->item];
        s.region = (int)scenario_region_of(&r->t, pk->region);
        s.usd = rules_pack_usd(&r->t, (size_t)e->item, s.region);
        s.local = pk->price;
        if (e->usd != s.usd || (e->local >= 0 && e->local != s.local))
            r->k.price_differs++;
        s.channel = (int)pk->channel;
        s.bonus = pk->bonus < e->coins ? pk->bonus : e->coins;
        s.coins = e->coins - s.bonus;
    } else if (s.local < 0) { /* an older log: the amount in USD, at the step's rate */
        s.local = rules_to_local(e->usd, rules_per_usd(&r->t, s.region));
    }
    books_purchase(&r->bk, &r->t.p, &s);
    add(r, &V64(r->wallet, e->viewer), e->coins, "coins in a wallet", RU_COINS);
    add(r, &V64(r->spend, e->viewer), s.usd, "a viewer's spend", RU_USD);
    if (V64(r->last_buy, e->viewer) == NEVER) {
        r->payers_run++;
        r->reg_payers[s.region]++;
    }
    if (V64(r->last_buy, e->viewer) != r->step)
        r->bk.cur.v[TS_PAYERS]++;
    V64(r->last_buy, e->viewer) = r->step;
}

/* Take a gift's or a sink's coins (what) from the viewer's wallet.
 * Returns 1, or when the wallet cannot cover them, counted in *rejected,
 * 0 to skip the row (--lenient) or -1 to stop (see infeasible). */
static int take_coins(replay *r, const ev *e, diag *d, const char *what, int64_t *rejected)
{
    int64_t *wallet = &V64(r->wallet, e->viewer);
    if (*wallet >= e->coins) {
        *wallet -= e->coins;
        return 1;
    }
    char msg[300];
    snprintf(msg, sizeof msg, "%s of %lld coins, but the viewer's wallet holds %lld", what,
             (long long)e->coins, (long long)*wallet);
    (*rejected)++;
    return infeasible(r, e, d, msg);
}

static int gifted(replay *r, const ev *e, diag *d)
{
    int rc = take_coins(r, e, d, "gift", &r->k.rejected_gifts);
    if (rc <= 0)
        return rc;
    int64_t ud = rules_credit(&r->t.p, e->coins);
    add(r, &V64(r->pending, e->creator), ud, "a creator's pending diamonds", RU_DIAMONDS);
    add(r, &V64(r->earned, e->creator), ud, "a creator's earned diamonds", RU_DIAMONDS);
    books_gift(&r->bk, &r->t.p, e->item, 1, e->coins, ud);
    return 0;
}

/* A recorded cash-out. Replayed as recorded, or refused when the creator
 * has fewer diamonds pending; in what-if mode (other parameters) capped at
 * what the creator now has and at the daily limit, and skipped under the
 * minimum. */
static int cashed_out(replay *r, const ev *e, diag *d)
{
    const sc_params *p = &r->t.p;
    int64_t pending = V64(r->pending, e->creator), dd = e->coins;
    int capped = 0;
    if (dd == 0 || (!r->o.whatif && dd > pending / MICRO)) {
        char a[NUM_BUF], msg[300];
        snprintf(msg, sizeof msg, "cash-out of %lld diamonds, but the creator has %s pending",
                 (long long)dd, num_fmt_short(a, pending));
        r->k.rejected_cashouts++;
        return infeasible(r, e, d, msg);
    }
    if (r->o.whatif) { /* capped at what the creator has, and at the daily limit */
        int64_t amount = rules_cashout_amount(rules_cashout_most(p), dd, pending);
        capped = amount < dd;
        dd = amount;
        if (dd == 0 || !rules_may_cash_out(rules_cashout_need(p), pending)) {
            r->k.skipped_cashouts++;
            return 0;
        }
    }
    rules_payout po;
    if (rules_payout_of(&r->t, e->region, dd, &po) < 0) {
        r->k.skipped_cashouts++;
        return 0;
    }
    if (e->local >= 0 && e->local != po.local)
        r->k.local_differs++;
    r->k.capped_cashouts += capped;
    V64(r->pending, e->creator) -= dd * MICRO;
    ((unsigned char *)r->cashed.p)[e->creator] = 1;
    books_cashout(&r->bk, &po);
    return 0;
}

/* A sink bought with coins from the wallet: as a gift, crediting nobody. */
static int sunk(replay *r, const ev *e, diag *d)
{
    int rc = take_coins(r, e, d, "sink", &r->k.rejected_sinks);
    if (rc > 0)
        books_sink(&r->bk, e->item, 1, e->coins);
    return rc < 0 ? rc : 0;
}

static int apply_row(replay *r, const ev *e, diag *d)
{
    switch (e->type) {
    case EV_CHURN: return churned(r, e, d);
    case EV_PURCHASE: purchased(r, e); return 0;
    case EV_GIFT: return gifted(r, e, d);
    case EV_LOST: r->bk.cur.v[TS_LOST_INTENTS]++; return 0;
    case EV_GRANT:
        add(r, &V64(r->wallet, e->viewer), e->coins, "coins in a wallet", RU_COINS);
        books_grant(&r->bk, 1, e->coins);
        return 0;
    case EV_SINK: return sunk(r, e, d);
    case EV_LOST_SINK: r->bk.cur.v[TS_LOST_SINKS]++; return 0;
    default: return cashed_out(r, e, d);
    }
}

/* Gather the events of step r->step into r->buf. */
static int gather(replay *r, diag *d)
{
    r->buf.n = 0;
    while (r->have_next && r->next_step == r->step) {
        if (vec_need(&r->buf, r->buf.n + 1) < 0) {
            diag_add(d, DIAG_ERROR, r->path, r->next.line, NULL, "out of memory holding step %lld",
                     (long long)r->step);
            return REPLAY_NOMEM;
        }
        ((ev *)r->buf.p)[r->buf.n++] = r->next;
        int rc = read_row(r, d);
        if (rc < 0)
            return rc;
        r->have_next = rc > 0;
    }
    if (r->have_next && r->next_step < r->step) {
        diag_add(d, DIAG_ERROR, r->path, r->next.line, "step",
                 "step %lld after step %lld (expected the log ordered by step)",
                 (long long)r->next_step, (long long)r->step);
        return -1;
    }
    return 0;
}

/* One step, warm-up or reported: its figures are then in r->bk.cur. */
static int replay_one(replay *r, diag *d)
{
    int rc;
    books_open_step(&r->bk);
    if (r->step >= 0)
        scenario_timeline_at(r->sc, &r->t, &r->tl_next, r->step);
    if ((rc = gather(r, d)) < 0)
        return rc;
    /* The model's order within a step: churn, free coins, purchases, gifts
     * and lost intents, sinks and lost sink intents, cash-outs. Within a
     * step every purchase and grant comes before every gift and sink, so a
     * wallet that covered them in the run covers them here. */
    static const int phase[6][2] = {{EV_CHURN, EV_CHURN},       {EV_GRANT, EV_GRANT},
                                    {EV_PURCHASE, EV_PURCHASE}, {EV_GIFT, EV_LOST},
                                    {EV_SINK, EV_LOST_SINK},    {EV_CASHOUT, EV_CASHOUT}};
    ev *evs = r->buf.p;
    for (int ph = 0; ph < 6; ph++)
        for (size_t i = 0; i < r->buf.n; i++)
            if (evs[i].type == phase[ph][0] || evs[i].type == phase[ph][1])
                if ((rc = apply(r, &evs[i], d)) < 0)
                    return rc;
    if (books_close_step(&r->bk, &r->t.p, r->payers_run) < 0) {
        diag_add(d, DIAG_ERROR, r->path, 0, NULL,
                 "step %lld: %s went past what a 64-bit total holds", (long long)r->step,
                 r->bk.ovf);
        return -1;
    }
    r->step++;
    return 0;
}

/* The warm-up is over (docs/model.md §4.0): its stocks become the opening
 * balances, and payers, spend and earnings count from here. */
static void open_reported(replay *r)
{
    books_open(&r->bk, &r->t.p);
    for (size_t v = 0; v < idmap_size(r->vid); v++) {
        V64(r->last_buy, v) = NEVER;
        V64(r->spend, v) = 0;
    }
    size_t nc = idmap_size(r->cid);
    if (nc) {
        memset(r->earned.p, 0, nc * sizeof(int64_t));
        memset(r->cashed.p, 0, nc);
    }
    r->churned.n = 0;
    r->payers_run = r->churns = 0;
    memset(r->reg_payers, 0, (r->t.nregions ? r->t.nregions : 1) * sizeof *r->reg_payers);
}

int replay_warm_step(replay *r, diag *d)
{
    if (r->step >= 0)
        return 0;
    int rc = replay_one(r, d);
    if (rc < 0)
        return rc;
    if (r->step == 0)
        open_reported(r);
    return 1;
}

int replay_step(replay *r, kpi_step *row, diag *d)
{
    int rc;
    while ((rc = replay_warm_step(r, d)) == 1)
        ;
    if (rc < 0)
        return rc;
    if (r->step >= r->t.p.steps)
        return 1;
    if ((rc = replay_one(r, d)) < 0)
        return rc;
    *row = r->bk.cur;
    return 0;
}

int replay_check(const replay *r, char *msg, size_t n)
{
    int64_t ws = 0, ps = 0;
    for (size_t i = 0; i < idmap_size(r->vid); i++)
        ws += V64(r->wallet, i);
    for (size_t i = 0; i < idmap_size(r->cid); i++)
        ps += V64(r->pending, i);
    return ledger_check(&r->bk.L, ws, ps, msg, n);
}

/* Creators per region: the scenario's rule (docs/model.md §8) over its
 * creators, or the log's if more. A log names a cash-out's region, not a
 * creator's: the counts are the scenario's. */
static const int64_t *region_creators(replay *r)
{
    size_t nc = idmap_size(r->cid);
    int64_t n = (int64_t)nc > r->t.p.creators ? (int64_t)nc : r->t.p.creators;
    if (n != r->reg_creators_of) /* a pass over every creator: only when their number grew */
        scenario_creator_regions(&r->t, n, NULL, r->reg_creators);
    r->reg_creators_of = n;
    return r->reg_creators;
}

brk_shape replay_brk_shape(const replay *r)
{
    brk_shape sh = brk_shape_of(&r->t);
    sh.nsegs = 0;
    return sh;
}

int replay_result(replay *r, const kpi_step *rows, int64_t nsteps, run_result *out,
                  const brk_block *blk)
{
    size_t nv = idmap_size(r->vid), nc = idmap_size(r->cid);
    r->k.viewers = (int64_t)nv;
    r->k.creators = (int64_t)nc;
    /* Creators and viewers the log never names still count in the
     * population: the scenario's sizes, or the log's if larger. */
    size_t ncr = (size_t)r->t.p.creators > nc ? (size_t)r->t.p.creators : nc;
    int64_t *earned = calloc(ncr ? ncr : 1, sizeof *earned);
    unsigned char *cashed = calloc(ncr ? ncr : 1, 1);
    int64_t *sp = malloc((nv + r->churned.n + 1) * sizeof *sp);
    size_t np = 0;
    if (!earned || !cashed || !sp) {
        free(earned);
        free(cashed);
        free(sp);
        return -1;
    }
    if (nc) {
        memcpy(earned, r->earned.p, nc * sizeof *earned);
        memcpy(cashed, r->cashed.p, nc);
    }
    for (size_t v = 0; v < nv; v++)
        if (V64(r->last_buy, v) != NEVER)
            sp[np++] = V64(r->spend, v);
    for (size_t i = 0; i < r->churned.n; i++)
        sp[np++] = V64(r->churned, i);
    kpi_end e;
    memset(&e, 0, sizeof e);
    e.run = r->k.run ? r->k.run : 1; /* a log with no rows is still run 1 */
    e.payers = r->payers_run;
    e.viewers_existed = ((int64_t)nv > r->t.p.viewers ? (int64_t)nv : r->t.p.viewers) + r->churns;
    books_end(&r->bk, &r->t.p, &e);
    e.earned = earned;
    e.cashed = cashed;
    e.ncreators = ncr;
    e.spend = sp;
    e.nspend = np;
    int64_t reached = brk_reached(&r->t.p, r->pending.p, cashed, nc);
    kpi_fill(rows, nsteps, &e, out); /* sorts the earnings, smallest first */
    if (blk) {
        brk_shape sh = replay_brk_shape(r);
        brk_src src = {.b = &r->bk,
                       .packs = r->sc->t.packs,
                       .p = &r->t.p,
                       .earned = earned,
                       .ncreators = ncr,
                       .live_per_step = out->value[TS_LIVE_CREATORS],
                       .reached = reached,
                       .cashouts = out->exact[TS_CASHOUTS],
                       .cashed = cashed,
                       .region_payers = r->reg_payers,
                       .region_creators = region_creators(r)};
        brk_fill(&sh, *blk, &src);
    }
    free(earned);
    free(cashed);
    free(sp);
    return 0;
}

int64_t replay_steps_done(const replay *r) { return r->step > 0 ? r->step : 0; }
const sc_tables *replay_tables(const replay *r) { return &r->t; }

world_snap *replay_snap_new(const replay *r) { return world_snap_alloc(&r->t, 0, r->t.p.creators); }

int replay_snapshot(replay *r, world_snap *s)
{
    snap_books(s, r->k.run, r->step, &r->t, &r->bk);
    s->nsegs = 0; /* a log does not know the segments */
    size_t nv = idmap_size(r->vid);
    s->viewers_existed = ((int64_t)nv > r->t.p.viewers ? (int64_t)nv : r->t.p.viewers) + r->churns;
    int rc = world_snap_creators(s, r->earned.p, r->pending.p, NULL, r->cashed.p,
                                 (int64_t)idmap_size(r->cid));
    if (rc == 0) {
        brk_src src = {.b = &r->bk,
                       .packs = r->sc->t.packs,
                       .cashed = r->cashed.p,
                       .region_payers = r->reg_payers,
                       .region_creators = region_creators(r)};
        snap_breakdown(s, &src);
    }
    for (size_t i = 0; i < s->ntop; i++)
        snprintf(s->top_name[i], sizeof s->top_name[i], "%s", idmap_key(r->cid, s->top_id[i]));
    return rc;
}
