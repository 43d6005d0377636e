#include "world.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"
#include "alias.h"
#include "rng.h"
#include "rules.h"

#define MICRO NUM_MICRO

/* A segment's gifts within reach, and the alias table to draw one. */
typedef struct seg_gifts {
    uint32_t *idx; /* the gifts' indices (the draws' values) */
    size_t n;
    alias pick;
    /* Intents per session, known to be at least one: the zero-truncated
     * Poisson's CDF from k = 1, for inversion (see ztp_table). */
    double *ztp;
    size_t nztp;
} seg_gifts;

/* A viewer's whole state in 16 bytes, touched once per visit. A wallet never
 * holds more than the largest gift (10^6 coins) plus the largest pack with
 * its bonus (2 x 10^9), since packs are bought only to cover a shortfall:
 * 32 bits hold it. */
typedef struct viewer_st {
    uint32_t wallet; /* coins */
    int32_t bought;  /* 1 + the step of the last purchase; 0 never */
    int64_t spend;   /* µUSD paid in this run */
} viewer_st;

struct world {
    const scenario *sc;
    sc_tables t;    /* working copy the timeline edits */
    size_t tl_next; /* next position in sc->tl_order */
    uint64_t run;
    int64_t step;
    gsl_rng *rng[RNG_NPURPOSE];
    uint64_t key_viewer, key_cashout; /* stream keys for per-(step, id) draws */

    /* viewers, in segment order */
    int64_t nviewers;
    int64_t *seg_start, *seg_size;
    viewer_st *vw;          /* 16 bytes a viewer */
    int64_t *churned_spend; /* spend of payers who left */
    size_t nchurned, churned_cap;
    int64_t payers_run, churns;

    /* creators */
    int64_t ncreators;
    int64_t *pending;   /* µD */
    int64_t *withdrawn; /* µD cashed out in the run: what a creator
                                 * earned is pending + withdrawn, so a gift
                                 * touches one array, not two */
    unsigned char *cashed;
    double *weight;        /* popularity 1/(i+1)^s */
    double zipf_of_weight; /* exponent the weights were made with */
    uint32_t *live;        /* live creators (a creator id fits: at most 10^8) */
    double *live_w;
    size_t nlive;
    alias live_pick;

    /* derived from the tables; rebuilt when the timeline changes them */
    int dirty;
    seg_gifts *sg;
    int64_t *gift_credit; /* µD per gift (rules_credit) */
    size_t *chan_packs[2];
    size_t nchan[2];
    double *util_u, *util_w; /* scratch for the logit */
    double *lc_w, *lc_tot;   /* logit weights and totals per (segment, channel) when q = 1 */
    size_t lc_stride;
    int64_t min_cover[2]; /* the smallest pack (with bonus) of each channel */
    /* This step's purchases per pack and gifts per kind: the money, coin
     * and diamond flows are these counts times the (per-step constant)
     * amounts, summed once at the end of the step (settle). */
    int64_t *pack_step, *gift_step;
    world_seg *seg; /* per-segment figures of the run */
    /* The ledger, the step's row and the run's totals (rules.h): every
     * amount is posted there once a step, in settle and cashouts. */
    books bk;
    int64_t sessions, decisions, skips, binomials, cashout_draws; /* draws, for the benchmark */
    world_event_fn on_event;
    void *ev_ud;
    atomic_int *stop; /* see world_watch */
};

/* Whether to give up the step: looked at when count is a multiple of
 * mask + 1, so that a step over millions of viewers still stops within
 * milliseconds. A first step is slow: every record it visits is touched
 * for the first time (a page fault for each new page). Sessions look at
 * the flag every 2^12, which in the sparsest segment is a few hundred
 * pages; churns, rarer and each possibly on a page of its own, every 2^10.
 * The test is one AND of a counter kept anyway. */
static inline int stopping(const world *w, int64_t count, int64_t mask)
{
    return (count & mask) == 0 && w->stop && *w->stop;
}

/* An event to the hook. Out of line and called only under EMIT, so that a
 * run without a hook spends nothing on building events. */
__attribute__((noinline, cold)) static void emit_event(world *w, enum ev_type t, int64_t viewer,
                                                       int64_t creator, int64_t item, int64_t coins,
                                                       int64_t usd, int channel)
{
    sim_event e = {t, w->run, w->step, viewer, creator, item, coins, usd, channel};
    w->on_event(w->ev_ud, &e);
}

#define EMIT(w, ...)                                    \
    do {                                                \
        if (__builtin_expect((w)->on_event != NULL, 0)) \
            emit_event((w), __VA_ARGS__);               \
    } while (0)

/* ------------------------------------------------------- derived tables */

static void free_derived(world *w)
{
    if (w->sg)
        for (size_t i = 0; i < w->t.nsegs; i++) {
            free(w->sg[i].idx);
            free(w->sg[i].ztp);
            alias_release(&w->sg[i].pick);
            w->sg[i].idx = NULL;
            w->sg[i].ztp = NULL;
            w->sg[i].n = w->sg[i].nztp = 0;
        }
}

static double logit_weights(const world *w, const sc_segment *sg, int ch, int64_t shortfall,
                            double *wts, double *scratch);

/* The CDF of the number of intents of a session that has at least one:
 * P(K = k | K >= 1) = e^-l l^k / k! / (1 - e^-l), k >= 1, summed in log
 * space (no underflow for large l) until what is left is below 2^-60 of the
 * whole, then scaled so the last entry is exactly 1. Drawing by inversion
 * from it is exact to the resolution of a double uniform. */
static int ztp_table(seg_gifts *g, double l)
{
    if (l <= 0)
        return 0;
    size_t cap = (size_t)(l + 12.0 * sqrt(l) + 40.0);
    double *c = malloc(cap * sizeof *c);
    if (!c)
        return -1;
    double lz = log(-expm1(-l)), ll = log(l), acc = 0;
    size_t n = 0;
    for (size_t k = 1; k <= cap; k++) {
        double pk = exp(-l + (double)k * ll - lgamma((double)k + 1.0) - lz);
        acc += pk;
        c[n++] = acc;
        if ((double)k > l && 1.0 - acc < 0x1.0p-60)
            break;
    }
    for (size_t i = 0; i < n; i++)
        c[i] /= acc;
    c[n - 1] = 1.0;
    g->ztp = c;
    g->nztp = n;
    return 0;
}

/* Intents in a session with at least one: the first k with u < CDF(k). */
static inline unsigned ztp_draw(const seg_gifts *g, double u)
{
    size_t lo = 0, hi = g->nztp - 1;
    if (u < g->ztp[0])
        return 1;
    while (lo + 1 < hi) { /* ztp[lo] <= u < ztp[hi] */
        size_t mid = (lo + hi) / 2;
        if (g->ztp[mid] <= u)
            lo = mid;
        else
            hi = mid;
    }
    return (unsigned)hi + 1;
}

static int build_derived(world *w)
{
    const sc_tables *t = &w->t;
    double *pw = malloc((t->ngifts ? t->ngifts : 1) * sizeof *pw);
    if (!pw)
        return -1;
    free_derived(w);
    for (size_t s = 0; s < t->nsegs; s++) {
        seg_gifts *g = &w->sg[s];
        g->idx = malloc((t->ngifts ? t->ngifts : 1) * sizeof *g->idx);
        if (!g->idx) {
            free(pw);
            return -1;
        }
        for (size_t i = 0; i < t->ngifts; i++)
            if (t->gifts[i].coins <= t->segs[s].max_gift && t->gifts[i].weight > 0) {
                pw[g->n] = (double)t->gifts[i].weight;
                g->idx[g->n++] = (uint32_t)i;
            }
        if ((g->n && alias_build_vals(&g->pick, pw, g->idx, g->n) < 0) ||
            ztp_table(g, (double)t->segs[s].gps / MICRO) < 0) {
            free(pw);
            return -1;
        }
    }
    free(pw);
    for (size_t i = 0; i < t->ngifts; i++) {
        w->gift_credit[i] = rules_credit(&t->p, t->gifts[i].coins);
    }
    w->nchan[0] = w->nchan[1] = 0;
    for (size_t k = 0; k < t->npacks; k++) {
        const sc_pack *p = &t->packs[k];
        if (p->enabled)
            w->chan_packs[p->channel][w->nchan[p->channel]++] = k;
    }
    for (int ch = 0; ch < 2; ch++) {
        w->min_cover[ch] = INT64_MAX;
        for (size_t j = 0; j < w->nchan[ch]; j++) {
            const sc_pack *p = &t->packs[w->chan_packs[ch][j]];
            if (p->coins + p->bonus < w->min_cover[ch])
                w->min_cover[ch] = p->coins + p->bonus;
        }
        for (size_t s = 0; s < t->nsegs && w->nchan[ch]; s++)
            w->lc_tot[s * 2 + (size_t)ch] = logit_weights(
                w, &t->segs[s], ch, 1, &w->lc_w[(s * 2 + (size_t)ch) * w->lc_stride], w->util_u);
    }
    w->dirty = 0;
    return 0;
}

static int build_weights(world *w)
{
    double s = (double)w->t.p.creator_zipf / MICRO;
    for (int64_t i = 0; i < w->ncreators; i++)
        w->weight[i] = pow((double)(i + 1), -s);
    w->zipf_of_weight = w->t.p.creator_zipf;
    return 0;
}

/* ----------------------------------------------------------- lifecycle */

world *world_new(const scenario *s, uint64_t run)
{
    world *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->sc = s;
    w->run = run;
    if (sc_tables_copy(&w->t, &s->t) < 0) {
        free(w);
        return NULL;
    }
    const sc_tables *t = &w->t;
    size_t ns = t->nsegs ? t->nsegs : 1, ng = t->ngifts ? t->ngifts : 1,
           np = t->npacks ? t->npacks : 1;
    w->nviewers = t->p.viewers;
    w->ncreators = t->p.creators;
    size_t nv = (size_t)w->nviewers, nc = (size_t)w->ncreators;

    w->seg_start = calloc(ns, sizeof *w->seg_start);
    w->seg_size = calloc(ns, sizeof *w->seg_size);
    /* All zero is a fresh viewer (empty wallet, never bought): calloc's
     * pages come zeroed from the system as they are first touched, so a
     * large population costs nothing until the run reaches it. */
    w->vw = calloc(nv, sizeof *w->vw);
    w->pending = calloc(nc, sizeof *w->pending);
    w->withdrawn = calloc(nc, sizeof *w->withdrawn);
    w->cashed = calloc(nc, 1);
    w->weight = malloc(nc * sizeof *w->weight);
    w->live = malloc(nc * sizeof *w->live);
    w->live_w = malloc(nc * sizeof *w->live_w);
    w->sg = calloc(ns, sizeof *w->sg);
    w->gift_credit = calloc(ng, sizeof *w->gift_credit);
    w->chan_packs[0] = calloc(np, sizeof(size_t));
    w->chan_packs[1] = calloc(np, sizeof(size_t));
    w->util_u = calloc(np, sizeof(double));
    w->util_w = calloc(np, sizeof(double));
    w->lc_stride = np;
    w->lc_w = calloc(ns * 2 * np, sizeof(double));
    w->lc_tot = calloc(ns * 2, sizeof(double));
    w->pack_step = calloc(np, sizeof *w->pack_step);
    if (books_init(&w->bk, t->npacks, t->ngifts) < 0)
        goto fail;
    w->gift_step = calloc(ng, sizeof *w->gift_step);
    w->seg = calloc(ns, sizeof *w->seg);
    /* Sequential streams; viewers' and cash-out draws are keyed (rng.h). */
    for (int i = RNG_CHURN; i <= RNG_VIEWERS; i++)
        if (!(w->rng[i] = rng_stream(t->p.seed, run, i)))
            goto fail;
    w->key_viewer = rng_key(t->p.seed, run, RNG_VIEWER);
    w->key_cashout = rng_key(t->p.seed, run, RNG_CASHOUT);
    if (!w->seg_start || !w->seg_size || !w->vw || !w->pending || !w->withdrawn || !w->cashed ||
        !w->weight || !w->live || !w->live_w || !w->sg || !w->gift_credit || !w->chan_packs[0] ||
        !w->chan_packs[1] || !w->util_u || !w->util_w || !w->lc_w || !w->lc_tot || !w->pack_step ||
        !w->gift_step || !w->seg)
        goto fail;

    scenario_segment_sizes(t, w->seg_size);
    for (size_t i = 1; i < t->nsegs; i++)
        w->seg_start[i] = w->seg_start[i - 1] + w->seg_size[i - 1];
    for (size_t i = 0; i < t->nsegs; i++)
        w->seg[i].viewers = w->seg_size[i];
    build_weights(w);
    if (build_derived(w) < 0)
        goto fail;
    return w;
fail:
    world_free(w);
    return NULL;
}

void world_free(world *w)
{
    if (!w)
        return;
    free_derived(w);
    for (int i = 0; i < RNG_NPURPOSE; i++)
        if (w->rng[i])
            gsl_rng_free(w->rng[i]);
    alias_release(&w->live_pick);
    free(w->seg_start);
    free(w->seg_size);
    free(w->vw);
    free(w->churned_spend);
    free(w->pending);
    free(w->withdrawn);
    free(w->cashed);
    free(w->weight);
    free(w->live);
    free(w->live_w);
    free(w->sg);
    free(w->gift_credit);
    free(w->chan_packs[0]);
    free(w->chan_packs[1]);
    free(w->util_u);
    free(w->util_w);
    free(w->lc_w);
    free(w->lc_tot);
    books_release(&w->bk);
    free(w->pack_step);
    free(w->gift_step);
    free(w->seg);
    sc_tables_release(&w->t);
    free(w);
}

void world_watch(world *w, atomic_int *stop) { w->stop = stop; }

void world_on_event(world *w, world_event_fn fn, void *ud)
{
    w->on_event = fn;
    w->ev_ud = ud;
}

int64_t world_steps_done(const world *w) { return w->step; }
const ledger *world_ledger(const world *w) { return &w->bk.L; }
const sc_tables *world_tables(const world *w) { return &w->t; }

/* ------------------------------------------------------------ the step */

/* Index of the next success after index i in a run of Bernoulli(p)
 * trials, given lq = log(1 - p). The gap to the next success is geometric,
 * 1 + floor(ln U / ln(1 - p)) for U uniform on (0, 1), so skipping it is
 * exact and costs one draw per success instead of one per trial. */
static inline int64_t next_hit(gsl_rng *r, double p, double lq, int64_t i, int64_t *count)
{
    (*count)++;
    if (p >= 1.0)
        return i + 1;
    double g = floor(log(rng_uniform_pos(r)) / lq);
    return g >= 9.0e18 ? INT64_MAX : i + 1 + (int64_t)g;
}

/* The viewers a Bernoulli(p) pass over [start, end) visits, drawn AHEAD
 * visits in advance on stream r (the same draws in the same order as one at
 * a time), each record fetched as its index is drawn, so the memory is on
 * its way while earlier visits are served. */
enum { AHEAD = 8 };

typedef struct visits {
    gsl_rng *r;
    double p, lq;
    int64_t end, last;
    int64_t ring[AHEAD];
    int head, count;
    int64_t *skips;
    const viewer_st *vw;
} visits;

static void visits_draw(visits *q)
{
    q->last = next_hit(q->r, q->p, q->lq, q->last, q->skips);
    if (q->last < q->end)
        __builtin_prefetch(&q->vw[q->last], 1);
    q->ring[(q->head + q->count++) % AHEAD] = q->last;
}

static void visits_start(visits *q, world *w, gsl_rng *r, double p, double lq, int64_t start,
                         int64_t end)
{
    *q = (visits){r, p, lq, end, start - 1, {0}, 0, 0, &w->skips, w->vw};
    while (q->count < AHEAD && q->last < end)
        visits_draw(q);
}

/* The next viewer to visit, or -1 when the pass is over. */
static int64_t visits_next(visits *q)
{
    if (q->count == 0 || q->ring[q->head] >= q->end)
        return -1;
    int64_t v = q->ring[q->head];
    q->head = (q->head + 1) % AHEAD;
    q->count--;
    if (q->last < q->end)
        visits_draw(q);
    return v;
}

static int churn(world *w)
{
    gsl_rng *r = w->rng[RNG_CHURN];
    for (size_t s = 0; s < w->t.nsegs; s++) {
        double p = (double)w->t.segs[s].p_churn / MICRO;
        int64_t end = w->seg_start[s] + w->seg_size[s];
        if (p <= 0)
            continue;
        visits vq;
        visits_start(&vq, w, r, p, log1p(-p), w->seg_start[s], end);
        for (int64_t v; (v = visits_next(&vq)) >= 0;) {
            if (stopping(w, w->churns, 0x3FF))
                return 0;
            int64_t coins = w->vw[v].wallet;
            books_breakage(&w->bk, coins);
            EMIT(w, EV_CHURN, v, -1, -1, coins, 0, -1);
            if (w->vw[v].bought) {
                if (w->nchurned == w->churned_cap) {
                    size_t nc = w->churned_cap ? w->churned_cap * 2 : 1024;
                    int64_t *n = realloc(w->churned_spend, nc * sizeof *n);
                    if (!n)
                        return -1;
                    w->churned_spend = n;
                    w->churned_cap = nc;
                }
                w->churned_spend[w->nchurned++] = w->vw[v].spend;
            }
            w->seg[s].wallet -= coins;
            w->seg[s].churned++;
            w->seg[s].viewers_existed++;
            w->vw[v].wallet = 0;
            w->vw[v].spend = 0;
            w->vw[v].bought = 0;
            w->churns++;
        }
    }
    return 0;
}

static int choose_live(world *w)
{
    gsl_rng *r = w->rng[RNG_LIVE];
    double p = (double)w->t.p.live_prob / MICRO;
    if (w->zipf_of_weight != w->t.p.creator_zipf)
        build_weights(w);
    w->nlive = 0;
    double lq = log1p(-p);
    if (p > 0)
        for (int64_t c = next_hit(r, p, lq, -1, &w->skips); c < w->ncreators;
             c = next_hit(r, p, lq, c, &w->skips)) {
            w->live_w[w->nlive] = w->weight[c];
            w->live[w->nlive++] = (uint32_t)c;
        }
    if (w->nlive && alias_build_vals(&w->live_pick, w->live_w, w->live, w->nlive) < 0)
        return -1;
    w->bk.cur.v[TS_LIVE_CREATORS] = (int64_t)w->nlive;
    return 0;
}

/* The multinomial-logit weights of channel ch's packs for a shortfall
 * (docs/model.md §4.4), into wts, and their total with the no-purchase option
 * (U = 0). Shifted by the largest utility so no exp overflows; the shift
 * cancels in every probability. */
static double logit_weights(const world *w, const sc_segment *sg, int ch, int64_t shortfall,
                            double *wts, double *scratch)
{
    double a = (double)sg->alpha / MICRO, b = (double)sg->beta / MICRO,
           g = (double)sg->gamma / MICRO;
    double umax = 0.0;
    size_t n = w->nchan[ch];
    for (size_t j = 0; j < n; j++) {
        const sc_pack *p = &w->t.packs[w->chan_packs[ch][j]];
        int64_t cover = p->coins + p->bonus;
        int64_t q = (shortfall + cover - 1) / cover;
        if (q < 1)
            q = 1;
        double u =
            a + b * log((double)q * (double)cover) - g * (double)q * ((double)p->price / MICRO);
        scratch[j] = u;
        if (u > umax)
            umax = u;
    }
    /* wts[j] holds the running sum of the packs' weights up to j: pack j is
     * chosen when x falls below it and not below wts[j - 1]; x at or past
     * the last is the no-purchase option, whose weight closes the total. */
    double acc = 0;
    for (size_t j = 0; j < n; j++) {
        acc += exp(scratch[j] - umax);
        wts[j] = acc;
    }
    return acc + exp(-umax);
}

/* One purchase decision for a shortfall (docs/model.md §4.4): the channel, then
 * the logit among its packs and buying nothing. Returns the pack index and
 * *q, or -1. When one pack of every kind covers the shortfall (q = 1 for
 * all, the usual case), the weights depend on nothing else and come from
 * the cache build_derived made with the same arithmetic: the same numbers,
 * without the logs and exps. */
static long decide(world *w, size_t s, int64_t shortfall, int64_t *qout, rng_sm *r)
{
    const sc_segment *sg = &w->t.segs[s];
    w->decisions++;
    int ch = rng_sm_uniform(r) < (double)sg->web_aware / MICRO ? CH_WEB : CH_APP; /* until v2 decide */
    if (!w->nchan[ch])
        ch = !ch;
    if (!w->nchan[ch])
        return -1;
    size_t n = w->nchan[ch];
    const double *wts;
    double total;
    if (shortfall <= w->min_cover[ch]) {
        wts = &w->lc_w[(s * 2 + (size_t)ch) * w->lc_stride];
        total = w->lc_tot[s * 2 + (size_t)ch];
    } else {
        total = logit_weights(w, sg, ch, shortfall, w->util_w, w->util_u);
        wts = w->util_w;
    }
    double x = rng_sm_uniform(r) * total;
    if (x >= wts[n - 1])
        return -1; /* buys nothing: the common case, one compare */
    size_t j = 0;
    while (x >= wts[j])
        j++;
    const sc_pack *p = &w->t.packs[w->chan_packs[ch][j]];
    int64_t cover = p->coins + p->bonus;
    int64_t q = (shortfall + cover - 1) / cover;
    *qout = q < 1 ? 1 : q;
    return (long)w->chan_packs[ch][j];
}

/* a += b for a figure that is at most one of the run's checked totals (a
 * viewer's or a segment's spend and purchases are parts of cash in and of
 * purchases, a creator's pending µD part of diamonds credited). Done in
 * unsigned arithmetic, so that even past the int64 range it wraps instead
 * of being undefined; settle then finds the total out of range and the run
 * fails, so a wrapped part is never reported. */
static inline void part_add(int64_t *a, int64_t b) { *a = (int64_t)((uint64_t)*a + (uint64_t)b); }

/* One gift intent of viewer v, whose record is *me (a copy the caller
 * keeps for the session and writes back: the compiler then need not
 * reload it after every store to the world's arrays). */
static inline void intent(world *w, size_t s, int64_t v, viewer_st *me, int64_t creator, rng_sm *r)
{
    size_t gi = alias_draw(&w->sg[s].pick, rng_sm_uniform(r)); /* a gift's index */
    int64_t c = w->t.gifts[gi].coins;

    if (me->wallet < c) {
        int64_t q;
        long k = decide(w, s, c - me->wallet, &q, r);
        if (k >= 0) {
            const sc_pack *p = &w->t.packs[k];
            /* q <= 10^6 (a shortfall is below the largest gift, 10^6
             * coins) and a price is at most 10^12 µUSD: q x price fits.
             * The wallet stays within 32 bits (see viewer_st). */
            int64_t coins = q * (p->coins + p->bonus), usd = q * p->price;
            for (int64_t j = 0; w->on_event && j < q; j++)
                EMIT(w, EV_PURCHASE, v, -1, k, p->coins + p->bonus, p->price, (int)p->channel);
            w->pack_step[k] += q;
            me->wallet += (uint32_t)coins;
            w->seg[s].wallet += coins; /* at most 10^9 wallets of 32 bits */
            part_add(&w->seg[s].spend, usd);
            part_add(&w->seg[s].purchases, q);
            part_add(&me->spend, usd);
            if (!me->bought) {
                w->payers_run++;
                w->seg[s].payers++;
            }
            if (me->bought != (int32_t)w->step + 1)
                w->bk.cur.v[TS_PAYERS]++;
            me->bought = (int32_t)w->step + 1;
        }
    }
    if (me->wallet >= c) {
        int64_t ud = w->gift_credit[gi];
        me->wallet -= (uint32_t)c;
        w->seg[s].wallet -= c;
        w->seg[s].gifts++;
        w->gift_step[gi]++;
        part_add(&w->pending[creator], ud);
        EMIT(w, EV_GIFT, v, creator, (int64_t)gi, c, rules_coin_value(&w->t.p, c), -1);
    } else {
        w->bk.cur.v[TS_LOST_INTENTS]++;
        w->seg[s].lost++;
        EMIT(w, EV_LOST, v, creator, (int64_t)gi, c, rules_coin_value(&w->t.p, c), -1);
    }
}

/* The step's purchases and gifts into the ledger and the step's row: per
 * pack and per gift kind, the count times the amounts (constant within a
 * step: the timeline changes them only between steps). Integer sums do
 * not depend on their order, so this equals posting event by event. */
static void settle(world *w)
{
    const sc_tables *t = &w->t;
    for (size_t k = 0; k < t->npacks; k++) {
        const sc_pack *p = &t->packs[k];
        if (w->pack_step[k])
            books_purchase(&w->bk, &t->p, (long)k, (int)p->channel, w->pack_step[k], p->price,
                           p->coins, p->bonus);
        w->pack_step[k] = 0;
    }
    for (size_t g = 0; g < t->ngifts; g++) {
        if (w->gift_step[g])
            books_gift(&w->bk, &t->p, (long)g, w->gift_step[g], t->gifts[g].coins,
                       w->gift_credit[g]);
        w->gift_step[g] = 0;
    }
}

void world_overflow(const world *w, char *msg, size_t n)
{
    const char *what, *bound;
    books_overflow_text(&w->bk, &what, &bound);
    snprintf(msg, n, "run %llu, step %lld: %s went past %s, the most a 64-bit total holds",
             (unsigned long long)w->run, (long long)w->step, what, bound);
}

static void viewers(world *w)
{
    gsl_rng *r = w->rng[RNG_VIEWERS];
    for (size_t s = 0; s < w->t.nsegs; s++) {
        const sc_segment *sg = &w->t.segs[s];
        int64_t n = w->seg_size[s], start = w->seg_start[s];
        double p = (double)sg->p_active / MICRO, lambda = (double)sg->gps / MICRO;
        if (n == 0 || p <= 0)
            continue;
        if (!w->nlive || !w->sg[s].n || lambda <= 0) {
            /* Nobody forms an intent: only the count of active viewers. */
            w->bk.cur.v[TS_ACTIVE_VIEWERS] += gsl_ran_binomial(r, p, (unsigned)n);
            w->binomials++;
            continue;
        }
        /* Thinning: a viewer is active with at least one intent with
         * probability q = p (1 - e^-lambda), independently; those are
         * visited by geometric skipping and draw a zero-truncated count.
         * The others are active without intents with probability
         * p e^-lambda / (1 - q), independently, so their number is one
         * binomial draw. Together this is exactly "active with p, then
         * Poisson(lambda) intents". */
        double em = exp(-lambda), q = p * (1.0 - em), lq = log1p(-q);
        int64_t m = 0, end = start + n;
        const seg_gifts *g = &w->sg[s];
        /* Who is visited comes from the activity stream, apart from the
         * viewers' own streams: see visits. */
        visits vq;
        visits_start(&vq, w, r, q, lq, start, end);
        for (int64_t v; (v = visits_next(&vq)) >= 0;) {
            /* The viewer's own draws this step: see rng.h on common
             * random numbers. */
            rng_sm vr = {rng_key_at(w->key_viewer, w->step, v)};
            if (stopping(w, ++w->sessions, 0xFFF))
                return;
            unsigned k = ztp_draw(g, rng_sm_uniform(&vr));
            int64_t creator = (int64_t)alias_draw(&w->live_pick, rng_sm_uniform(&vr)); /* its id */
            __builtin_prefetch(&w->pending[creator], 1);
            m++;
            viewer_st me = w->vw[v];
            for (unsigned j = 0; j < k; j++)
                intent(w, s, v, &me, creator, &vr);
            w->vw[v] = me;
        }
        double rest = q < 1.0 ? p * em / (1.0 - q) : 0.0;
        if (rest > 1.0)
            rest = 1.0;
        w->bk.cur.v[TS_ACTIVE_VIEWERS] +=
            m + (n - m > 0 ? gsl_ran_binomial(r, rest, (unsigned)(n - m)) : 0);
        w->binomials += n - m > 0;
    }
}

static void cashouts(world *w)
{
    const sc_params *p = &w->t.p;
    double pc = (double)p->p_cashout / MICRO;
    int64_t most = rules_cashout_most(p), need = rules_cashout_need(p);
    for (int64_t c = 0; c < w->ncreators; c++) {
        if (!rules_may_cash_out(need, w->pending[c]))
            continue;
        int64_t whole = w->pending[c] / MICRO;
        w->cashout_draws++;
        if (!(rng_unit_at(w->key_cashout, w->step, c) < pc))
            continue;
        rules_payout po;
        if (rules_payout_of(p, whole < most ? whole : most, &po) < 0)
            continue;
        w->pending[c] -= po.diamonds * MICRO;
        w->withdrawn[c] += po.diamonds * MICRO; /* at most diamonds withdrawn, a checked total */
        w->cashed[c] = 1;
        books_cashout(&w->bk, &po);
        EMIT(w, EV_CASHOUT, -1, c, -1, po.diamonds, po.gross, -1);
    }
}

int world_step(world *w, kpi_step *row)
{
    if (w->step >= w->t.p.steps)
        return 1;
    books_open_step(&w->bk);
    if (scenario_timeline_at(w->sc, &w->t, &w->tl_next, w->step))
        w->dirty = 1;
    if (w->dirty && build_derived(w) < 0)
        return -1;
    if (churn(w) < 0 || choose_live(w) < 0)
        return -1;
    viewers(w);
    if (w->stop && *w->stop)
        return WORLD_STOPPED; /* the step is half done: the world is of no further use */
    settle(w);
    if (books_overflowed(&w->bk))
        return WORLD_OVERFLOW; /* before cash-outs read pending µD that may have wrapped */
    cashouts(w);
    if (books_overflowed(&w->bk) || books_close_step(&w->bk, w->payers_run) < 0)
        return WORLD_OVERFLOW;
    *row = w->bk.cur;
    w->step++;
    return 0;
}

world_snap *world_snap_new(const world *w)
{
    return world_snap_alloc(w->t.npacks, w->t.ngifts, w->t.nsegs, w->ncreators);
}

void world_snapshot(const world *w, world_snap *s)
{
    const sc_tables *t = &w->t;
    snap_books(s, w->run, w->step, t, &w->bk);
    s->nsegs = t->nsegs;
    memcpy(s->segs, t->segs, t->nsegs * sizeof *s->segs);
    memcpy(s->seg, w->seg, t->nsegs * sizeof *s->seg);
    s->viewers_existed = w->nviewers + w->churns;

    world_snap_creators(s, NULL, w->pending, w->withdrawn, w->cashed, w->ncreators);
}

void world_pack_totals(const world *w, int64_t *out)
{
    for (size_t k = 0; k < w->t.npacks; k++) {
        out[2 * k] = w->bk.pack_n[k];
        out[2 * k + 1] = w->bk.pack_usd[k];
    }
}

void world_inject_fault(world *w)
{
    if (w->nviewers > 0)
        w->vw[0].wallet++;
}

int world_check(const world *w, char *msg, size_t n)
{
    int64_t ws = 0, ps = 0;
    for (int64_t i = 0; i < w->nviewers; i++)
        ws += w->vw[i].wallet;
    for (int64_t i = 0; i < w->ncreators; i++)
        ps += w->pending[i];
    return ledger_check(&w->bk.L, ws, ps, msg, n);
}

int world_result(world *w, const kpi_step *rows, int64_t nsteps, run_result *out)
{
    kpi_end e;
    memset(&e, 0, sizeof e);
    e.run = w->run;
    e.payers = w->payers_run;
    e.viewers_existed = w->nviewers + w->churns;
    e.usd_per_diamond = w->t.p.usd_per_diamond;
    /* What each creator earned, in place of its pending µD (the run is
     * over), for kpi_fill to sort. */
    for (int64_t c = 0; c < w->ncreators; c++)
        w->pending[c] += w->withdrawn[c];
    e.earned = w->pending;
    e.cashed = w->cashed;
    e.ncreators = (size_t)w->ncreators;
    /* Every payer's spend, living or gone. The run is over, so the viewers'
     * records (16 bytes each) are read for the last time and their memory
     * takes the living payers' spends (8 bytes each) in order: the spend
     * of the k-th payer goes to bytes 8k, at or before the record being
     * read, already read. The gone follow when there is room. */
    size_t np = 0, room = 2 * (size_t)w->nviewers, live = (size_t)w->payers_run - w->nchurned;
    int64_t *sp = live + w->nchurned <= room ? (int64_t *)(void *)w->vw
                                             : malloc(((size_t)w->payers_run + 1) * sizeof *sp);
    if (!sp)
        return -1;
    for (int64_t v = 0; v < w->nviewers; v++)
        if (w->vw[v].bought) {
            int64_t x = w->vw[v].spend;
            memcpy(&sp[np++], &x, sizeof x);
        }
    w->nviewers = 0; /* the records are gone */
    for (size_t i = 0; i < w->nchurned; i++)
        sp[np++] = w->churned_spend[i];
    e.spend = sp;
    e.nspend = np;
    kpi_fill(rows, nsteps, &e, out);
    out->sessions = w->sessions;
    out->decisions = w->decisions;
    out->skips = w->skips;
    out->binomials = w->binomials;
    out->cashout_draws = w->cashout_draws;
    if (sp != (int64_t *)(void *)w->vw)
        free(sp);
    return 0;
}
