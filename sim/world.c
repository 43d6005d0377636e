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

/* Intents per session, known to be at least one: the zero-truncated
 * Poisson's CDF from k = 1, for inversion (see ztp_table). */
typedef struct ztp {
    double *cdf;
    size_t n;
} ztp;

/* A segment's gifts within reach, the alias table to draw one, and its
 * counts of gift and sink intents. */
typedef struct seg_gifts {
    uint32_t *idx; /* the gifts' indices (the draws' values) */
    size_t n;
    alias pick;
    ztp gz, sz;
} seg_gifts;

/* A viewer's whole state in 16 bytes, touched once per visit. Granted
 * coins pile up in a wallet nobody spends from, so it takes 64 bits. */
typedef struct viewer_st {
    int64_t wallet; /* coins */
    uint32_t payer; /* 1 + its entry in world.payers, 0 if it has not bought
                     * in the reported steps (nor, in the warm-up, in it) */
    /* Its uniform for web awareness, in units of 2^-32 from 1 (0: not
     * drawn yet, for a viewer there from the start; see web_aware). */
    uint32_t aware_u;
} viewer_st;

/* A payer of the run, living or gone (a viewer who leaves keeps its
 * entry): what it spent, and the last step it bought in. Only payers
 * have one, so memory follows them, not the population. */
typedef struct payer_st {
    int64_t spend; /* µUSD */
    int64_t last;  /* step */
} payer_st;

/* How a step's session of one segment goes (docs/model.md §4.4), worked
 * out once a step: see session_law. */
typedef struct session_law {
    double p;         /* active */
    double q;         /* visited: active with an event, or every active
                          * viewer when coins are granted */
    double cut[3];    /* a visited session has gift and sink intents
                          * (u < cut[0]), gift intents only (< cut[1]),
                          * sink intents only (< cut[2]) or neither */
    int draw;         /* whether more than one of those can happen */
    int gifts, sinks; /* if not, whether the one that can has each */
    double watch_nog; /* chance a session with no gift intent is watched */
    double rest;      /* chance a viewer not visited is active */
} session_law;

struct world {
    const scenario *sc;
    sc_tables t;    /* working copy the timeline edits */
    size_t tl_next; /* next position in sc->tl_order */
    uint64_t run;
    int64_t step;
    gsl_rng *rng[RNG_NPURPOSE];
    uint64_t key_viewer, key_cashout, key_aware; /* stream keys for per-(step, id) draws */

    /* viewers, in segment order */
    int64_t nviewers;
    int64_t *seg_start, *seg_size;
    viewer_st *vw;    /* 16 bytes a viewer */
    payer_st *payers; /* every payer of the period, in order of first purchase */
    size_t npayers, payers_cap;
    int nomem;              /* growing payers failed: the step fails */
    int64_t churns, grants; /* in the reported steps */

    /* creators */
    int64_t ncreators;
    int64_t *pending;   /* µD */
    int64_t *withdrawn; /* µD cashed out in the run: what a creator
                                 * earned is pending + withdrawn, so a gift
                                 * touches one array, not two */
    unsigned char *cashed;
    double *weight;        /* popularity 1/(i+1)^s */
    double weight_total;   /* their sum */
    double zipf_of_weight; /* exponent the weights were made with */
    double p_watch;        /* chance an active session is watched (step) */
    uint32_t *live;        /* live creators (a creator id fits: at most 10^8) */
    double *live_w;
    size_t nlive;
    alias live_pick;

    /* derived from the tables; rebuilt when the timeline changes them */
    int dirty;
    seg_gifts *sg;
    int64_t *gift_credit; /* µD per gift (rules_credit) */
    /* The packs a viewer chooses among (docs/model.md §4.4), per option
     * set o = 2 x its region + whether it knows the web store: the enabled
     * app packs of its region (o even) or all its region's enabled packs
     * (o odd), opt_packs[o x npacks ...], nopt[o] of them. */
    size_t *opt_packs;
    size_t *nopt;
    size_t nregions;         /* at least 1 */
    int *seg_region;         /* per segment */
    int *pack_region;        /* per pack */
    int64_t *pack_usd;       /* per pack: what one brings in, µUSD at this step's rate */
    uint16_t *creg;          /* per creator: its region (NULL with one region) */
    int64_t *creg_n;         /* creators per region */
    double *util_u, *util_w; /* scratch for the logit */
    double *lc_w, *lc_tot;   /* logit weights and totals per (segment, aware) when q = 1 */
    size_t lc_stride;
    int64_t *min_cover; /* the smallest pack (with bonus) of each option set */
    alias sink_pick;    /* sinks of positive weight */
    size_t nsink_pick;
    /* This step's purchases per pack, gifts and sinks per kind and grants
     * per segment: the flows are these counts times the (per-step constant)
     * amounts, summed once at the end of the step (settle). */
    int64_t *pack_step, *gift_step, *sink_step, *grant_step;
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
                                                       int64_t usd, int channel, int region,
                                                       int64_t local)
{
    sim_event e = {t, w->run, w->step, viewer, creator, item, coins, usd, channel, region, local};
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
            free(w->sg[i].gz.cdf);
            free(w->sg[i].sz.cdf);
            alias_release(&w->sg[i].pick);
            memset(&w->sg[i], 0, sizeof w->sg[i]);
        }
}

static double logit_weights(const world *w, const sc_segment *sg, size_t o, int64_t shortfall,
                            double *wts, double *scratch);

/* The CDF of the number of intents of a session that has at least one:
 * P(K = k | K >= 1) = e^-l l^k / k! / (1 - e^-l), k >= 1, summed in log
 * space (no underflow for large l) until what is left is below 2^-60 of the
 * whole, then scaled so the last entry is exactly 1. Drawing by inversion
 * from it is exact to the resolution of a double uniform. */
static int ztp_table(ztp *z, double l)
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
    z->cdf = c;
    z->n = n;
    return 0;
}

/* Intents in a session with at least one: the first k with u < CDF(k). */
static inline unsigned ztp_draw(const ztp *z, double u)
{
    size_t lo = 0, hi = z->n - 1;
    if (u < z->cdf[0])
        return 1;
    while (lo + 1 < hi) { /* cdf[lo] <= u < cdf[hi] */
        size_t mid = (lo + hi) / 2;
        if (z->cdf[mid] <= u)
            lo = mid;
        else
            hi = mid;
    }
    return (unsigned)hi + 1;
}

/* The alias table of the sinks of positive weight (values: their
 * indices). Returns 0 or -1 out of memory. */
static int build_sinks(world *w)
{
    const sc_tables *t = &w->t;
    double *pw = malloc((t->nsinks ? t->nsinks : 1) * sizeof *pw);
    uint32_t *idx = malloc((t->nsinks ? t->nsinks : 1) * sizeof *idx);
    int rc = pw && idx ? 0 : -1;
    w->nsink_pick = 0;
    for (size_t i = 0; rc == 0 && i < t->nsinks; i++)
        if (t->sinks[i].weight > 0) {
            pw[w->nsink_pick] = t->sinks[i].weight;
            idx[w->nsink_pick++] = (uint32_t)i;
        }
    if (rc == 0 && w->nsink_pick)
        rc = alias_build_vals(&w->sink_pick, pw, idx, w->nsink_pick);
    free(pw);
    free(idx);
    return rc;
}

/* Each segment's gifts within reach and its intents per session. */
static int build_segments(world *w)
{
    const sc_tables *t = &w->t;
    double *pw = malloc((t->ngifts ? t->ngifts : 1) * sizeof *pw);
    int rc = pw ? 0 : -1;
    for (size_t s = 0; rc == 0 && s < t->nsegs; s++) {
        seg_gifts *g = &w->sg[s];
        g->idx = malloc((t->ngifts ? t->ngifts : 1) * sizeof *g->idx);
        if (!g->idx) {
            rc = -1;
            break;
        }
        for (size_t i = 0; i < t->ngifts; i++)
            if (t->gifts[i].coins <= t->segs[s].max_gift && t->gifts[i].weight > 0) {
                pw[g->n] = (double)t->gifts[i].weight;
                g->idx[g->n++] = (uint32_t)i;
            }
        if ((g->n && alias_build_vals(&g->pick, pw, g->idx, g->n) < 0) ||
            ztp_table(&g->gz, (double)t->segs[s].gps / MICRO) < 0 ||
            ztp_table(&g->sz, t->segs[s].sps / MICRO) < 0)
            rc = -1;
    }
    free(pw);
    return rc;
}

static int build_derived(world *w)
{
    const sc_tables *t = &w->t;
    size_t np = t->npacks ? t->npacks : 1;
    free_derived(w);
    if (build_segments(w) < 0 || build_sinks(w) < 0)
        return -1;
    for (size_t i = 0; i < t->ngifts; i++)
        w->gift_credit[i] = rules_credit(&t->p, t->gifts[i].coins);
    for (size_t s = 0; s < t->nsegs; s++)
        w->seg_region[s] = (int)scenario_region_of(t, t->segs[s].region);
    memset(w->nopt, 0, w->nregions * 2 * sizeof *w->nopt);
    for (size_t k = 0; k < t->npacks; k++) {
        const sc_pack *p = &t->packs[k];
        size_t o = 2 * (size_t)(w->pack_region[k] = (int)scenario_region_of(t, p->region));
        w->pack_usd[k] = rules_pack_usd(t, k, w->pack_region[k]);
        if (!p->enabled)
            continue;
        if (p->channel == CH_APP)
            w->opt_packs[o * np + w->nopt[o]++] = k;
        w->opt_packs[(o + 1) * np + w->nopt[o + 1]++] = k;
    }
    for (size_t o = 0; o < 2 * w->nregions; o++) {
        w->min_cover[o] = INT64_MAX;
        for (size_t j = 0; j < w->nopt[o]; j++) {
            const sc_pack *p = &t->packs[w->opt_packs[o * np + j]];
            if (p->coins + p->bonus < w->min_cover[o])
                w->min_cover[o] = p->coins + p->bonus;
        }
    }
    for (size_t s = 0; s < t->nsegs; s++)
        for (size_t a = 0; a < 2; a++) {
            size_t o = 2 * (size_t)w->seg_region[s] + a;
            if (w->nopt[o])
                w->lc_tot[s * 2 + a] = logit_weights(
                    w, &t->segs[s], o, 1, &w->lc_w[(s * 2 + a) * w->lc_stride], w->util_u);
        }
    w->dirty = 0;
    return 0;
}

static int build_weights(world *w)
{
    double s = (double)w->t.p.creator_zipf / MICRO, sum = 0;
    for (int64_t i = 0; i < w->ncreators; i++)
        sum += w->weight[i] = pow((double)(i + 1), -s);
    w->weight_total = sum;
    w->zipf_of_weight = w->t.p.creator_zipf;
    return 0;
}

/* ----------------------------------------------------------- lifecycle */

/* The world's regions (docs/model.md §8): the option sets of each, every
 * segment's and pack's region, the packs' dollars now, and the creators'
 * regions (only with more than one). Returns 0, or -1 out of memory. */
static int alloc_regions(world *w, size_t ns, size_t np, size_t nc)
{
    size_t nr = w->nregions = w->t.nregions ? w->t.nregions : 1;
    w->opt_packs = calloc(nr * 2 * np, sizeof *w->opt_packs);
    w->nopt = calloc(nr * 2, sizeof *w->nopt);
    w->min_cover = calloc(nr * 2, sizeof *w->min_cover);
    w->seg_region = calloc(ns, sizeof *w->seg_region);
    w->pack_region = calloc(np, sizeof *w->pack_region);
    w->pack_usd = calloc(np, sizeof *w->pack_usd);
    w->creg_n = calloc(nr, sizeof *w->creg_n);
    w->creg = nr > 1 ? malloc(nc * sizeof *w->creg) : NULL;
    return w->opt_packs && w->nopt && w->min_cover && w->seg_region && w->pack_region &&
                   w->pack_usd && w->creg_n && (nr == 1 || w->creg)
               ? 0
               : -1;
}

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
    w->util_u = calloc(np, sizeof(double));
    w->util_w = calloc(np, sizeof(double));
    w->lc_stride = np;
    w->lc_w = calloc(ns * 2 * np, sizeof(double));
    w->lc_tot = calloc(ns * 2, sizeof(double));
    w->pack_step = calloc(np, sizeof *w->pack_step);
    if (books_init(&w->bk, t) < 0)
        goto fail;
    w->gift_step = calloc(ng, sizeof *w->gift_step);
    w->sink_step = calloc(t->nsinks ? t->nsinks : 1, sizeof *w->sink_step);
    w->grant_step = calloc(ns, sizeof *w->grant_step);
    w->seg = calloc(ns, sizeof *w->seg);
    /* Sequential streams; viewers' and cash-out draws are keyed (rng.h). */
    for (int i = RNG_CHURN; i <= RNG_VIEWERS; i++)
        if (!(w->rng[i] = rng_stream(t->p.seed, run, i)))
            goto fail;
    w->key_viewer = rng_key(t->p.seed, run, RNG_VIEWER);
    w->key_cashout = rng_key(t->p.seed, run, RNG_CASHOUT);
    w->key_aware = rng_key(t->p.seed, run, RNG_AWARE);
    if (!w->seg_start || !w->seg_size || !w->vw || !w->pending || !w->withdrawn || !w->cashed ||
        !w->weight || !w->live || !w->live_w || !w->sg || !w->gift_credit ||
        alloc_regions(w, ns, np, nc) < 0 || !w->util_u || !w->util_w || !w->lc_w || !w->lc_tot ||
        !w->pack_step || !w->gift_step || !w->sink_step || !w->grant_step || !w->seg)
        goto fail;
    w->step = -t->p.warmup_steps;

    scenario_segment_sizes(t, w->seg_size);
    for (size_t i = 1; i < t->nsegs; i++)
        w->seg_start[i] = w->seg_start[i - 1] + w->seg_size[i - 1];
    for (size_t i = 0; i < t->nsegs; i++)
        w->seg[i].viewers = w->seg_size[i];
    scenario_creator_regions(t, w->ncreators, w->creg, w->creg_n);
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
    alias_release(&w->sink_pick);
    free(w->seg_start);
    free(w->seg_size);
    free(w->vw);
    free(w->payers);
    free(w->pending);
    free(w->withdrawn);
    free(w->cashed);
    free(w->weight);
    free(w->live);
    free(w->live_w);
    free(w->sg);
    free(w->gift_credit);
    free(w->opt_packs);
    free(w->nopt);
    free(w->min_cover);
    free(w->seg_region);
    free(w->pack_region);
    free(w->pack_usd);
    free(w->creg);
    free(w->creg_n);
    free(w->sink_step);
    free(w->grant_step);
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

int64_t world_steps_done(const world *w) { return w->step > 0 ? w->step : 0; }
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

/* A viewer's uniform for web awareness, from its place v and the step it
 * joined (BORN_AT_START for the first population, so that a replacement's
 * draw does not depend on how long the warm-up is): in 1 .. 2^32 - 1,
 * never 0. */
#define BORN_AT_START INT64_MIN
static uint32_t aware_draw(const world *w, int64_t born, int64_t v)
{
    return 1 + (uint32_t)(rng_unit_at(w->key_aware, born, v) * 4294967295.0);
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
            EMIT(w, EV_CHURN, v, -1, -1, coins, 0, -1, -1, 0);
            w->seg[s].wallet -= coins;
            w->seg[s].churned++; /* and a replacement joins the segment */
            w->vw[v] = (viewer_st){0, 0, aware_draw(w, w->step, v)}; /* its payer entry stays */
            w->churns++;
        }
    }
    return 0;
}

/* Who is live this step (docs/model.md §4.3), and so the chance that an
 * active session is watched: the creator chosen by popularity is live, or
 * it is not and the viewer switches to one who is. */
static int choose_live(world *w)
{
    gsl_rng *r = w->rng[RNG_LIVE];
    double p = rules_live_prob(&w->t.p), wl = 0;
    if (w->zipf_of_weight != w->t.p.creator_zipf)
        build_weights(w);
    w->nlive = 0;
    double lq = log1p(-p);
    if (p > 0)
        for (int64_t c = next_hit(r, p, lq, -1, &w->skips); c < w->ncreators;
             c = next_hit(r, p, lq, c, &w->skips)) {
            wl += w->live_w[w->nlive] = w->weight[c];
            w->live[w->nlive++] = (uint32_t)c;
        }
    if (w->nlive && alias_build_vals(&w->live_pick, w->live_w, w->live, w->nlive) < 0)
        return -1;
    double hit = w->weight_total > 0 ? wl / w->weight_total : 0,
           sw = (double)w->t.p.p_switch / MICRO;
    /* 1 exactly when every session finds someone (hit + (1 - hit) x 1 need
     * not round to 1) */
    w->p_watch = !w->nlive ? 0.0 : sw >= 1.0 || hit >= 1.0 ? 1.0 : hit + (1.0 - hit) * sw;
    w->bk.cur.v[TS_LIVE_CREATORS] = (int64_t)w->nlive;
    return 0;
}

/* The multinomial-logit weights of the packs a viewer who is (aware = 1)
 * or is not aware of the web store chooses among, for a shortfall
 * (docs/model.md §4.4), into wts, and their total with the no-purchase
 * option (U = 0). Shifted by the largest utility so no exp overflows; the
 * shift cancels in every probability. */
static double logit_weights(const world *w, const sc_segment *sg, size_t o, int64_t shortfall,
                            double *wts, double *scratch)
{
    const size_t *opt = &w->opt_packs[o * w->lc_stride];
    double a = (double)sg->alpha / MICRO, b = (double)sg->beta / MICRO,
           g = (double)sg->gamma / MICRO, f = sg->web_friction / MICRO;
    double umax = 0.0;
    size_t n = w->nopt[o];
    for (size_t j = 0; j < n; j++) {
        const sc_pack *p = &w->t.packs[opt[j]];
        int64_t cover = p->coins + p->bonus;
        int64_t q = (shortfall + cover - 1) / cover;
        if (q < 1)
            q = 1;
        double u =
            a + b * log((double)q * (double)cover) - g * (double)q * ((double)p->price / MICRO);
        if (p->channel == CH_WEB)
            u -= f;
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

/* Whether viewer v knows the web store: its own uniform below its
 * segment's web_aware now (docs/model.md §4.4). The uniform is drawn from
 * the viewer's place and the step it joined (aware_draw), for a viewer
 * there from the start when first needed, and kept. */
static inline int web_aware(const world *w, const sc_segment *sg, int64_t v, viewer_st *me)
{
    if (sg->web_aware <= 0)
        return 0;
    if (sg->web_aware >= MICRO)
        return 1;
    if (!me->aware_u)
        me->aware_u = aware_draw(w, BORN_AT_START, v);
    return (double)me->aware_u * 0x1.0p-32 < (double)sg->web_aware / MICRO;
}

/* One purchase decision for a shortfall (docs/model.md §4.4): the logit
 * among the packs the viewer knows of and buying nothing. Returns the pack
 * index and *q, or -1. When one pack of every kind covers the shortfall
 * (q = 1 for all, the usual case), the weights depend on nothing else and
 * come from the cache build_derived made with the same arithmetic: the
 * same numbers, without the logs and exps. */
static long decide(world *w, size_t s, int64_t v, viewer_st *me, int64_t shortfall, int64_t *qout,
                   rng_sm *r)
{
    const sc_segment *sg = &w->t.segs[s];
    w->decisions++;
    size_t o = 2 * (size_t)w->seg_region[s];
    int a = w->nopt[o + 1] > w->nopt[o] && web_aware(w, sg, v, me);
    o += (size_t)a;
    size_t n = w->nopt[o];
    if (!n)
        return -1;
    const size_t *opt = &w->opt_packs[o * w->lc_stride];
    const double *wts;
    double total;
    if (shortfall <= w->min_cover[o]) {
        wts = &w->lc_w[(s * 2 + (size_t)a) * w->lc_stride];
        total = w->lc_tot[s * 2 + (size_t)a];
    } else {
        total = logit_weights(w, sg, o, shortfall, w->util_w, w->util_u);
        wts = w->util_w;
    }
    double x = rng_sm_uniform(r) * total;
    if (x >= wts[n - 1])
        return -1; /* buys nothing: the common case, one compare */
    size_t j = 0;
    while (x >= wts[j])
        j++;
    const sc_pack *p = &w->t.packs[opt[j]];
    int64_t cover = p->coins + p->bonus;
    int64_t q = (shortfall + cover - 1) / cover;
    *qout = q < 1 ? 1 : q;
    return (long)opt[j];
}

/* a += b for a figure that is at most one of the run's checked totals (a
 * payer's or a segment's spend and purchases are parts of cash in and of
 * purchases, a creator's pending µD part of the diamonds owed, opening
 * pending and credited). Done in
 * unsigned arithmetic, so that even past the int64 range it wraps instead
 * of being undefined; settle then finds the total out of range and the run
 * fails, so a wrapped part is never reported. */
static inline void part_add(int64_t *a, int64_t b) { *a = (int64_t)((uint64_t)*a + (uint64_t)b); }

/* A new payer's entry (not bought yet: last INT64_MIN): 1 + its index,
 * or 0 out of memory (w->nomem set). Entries grow by half again as they
 * fill, so a payer costs 16 bytes and a copy now and then. */
static uint32_t new_payer(world *w)
{
    if (w->npayers == w->payers_cap) {
        size_t nc = w->payers_cap ? w->payers_cap + w->payers_cap / 2 : 1024;
        payer_st *n = nc <= UINT32_MAX ? realloc(w->payers, nc * sizeof *n) : NULL;
        if (!n) {
            w->nomem = 1;
            return 0;
        }
        w->payers = n;
        w->payers_cap = nc;
    }
    w->payers[w->npayers++] = (payer_st){0, INT64_MIN};
    return (uint32_t)w->npayers;
}

/* Viewer v (record *me) short of coins for an item: one purchase
 * decision, and the packs it buys, if any. */
static inline void buy(world *w, size_t s, int64_t v, viewer_st *me, int64_t shortfall, rng_sm *r)
{
    int64_t q;
    long k = w->t.segs[s].can_buy ? decide(w, s, v, me, shortfall, &q, r) : -1;
    if (k < 0)
        return;
    const sc_pack *p = &w->t.packs[k];
    /* q <= 10^6 (a shortfall is below the largest gift or sink, 10^6
     * coins) and a price is at most 10^12 µUSD at every step (checked with
     * the scenario): q x price fits. */
    int64_t coins = q * (p->coins + p->bonus), usd = q * w->pack_usd[k];
    for (int64_t j = 0; w->on_event && j < q; j++)
        EMIT(w, EV_PURCHASE, v, -1, k, p->coins + p->bonus, w->pack_usd[k], (int)p->channel,
             w->pack_region[k], p->price);
    w->pack_step[k] += q;
    me->wallet += coins;
    part_add(&w->seg[s].wallet, coins);
    part_add(&w->seg[s].spend, usd);
    part_add(&w->seg[s].purchases, q);
    if (!me->payer) { /* its first purchase */
        if (!(me->payer = new_payer(w)))
            return; /* out of memory: the step fails (step_once) */
        w->seg[s].payers++;
    }
    payer_st *py = &w->payers[me->payer - 1];
    part_add(&py->spend, usd);
    if (py->last != w->step)
        w->bk.cur.v[TS_PAYERS]++;
    py->last = w->step;
}

/* Viewer v, whose record is *me (a copy the caller keeps for the session
 * and writes back: the compiler then need not reload it after every store
 * to the world's arrays), pays c coins for a gift or a sink: one purchase
 * decision first if its wallet is short. Returns 1 when the coins left the
 * wallet, 0 when the intent is lost. */
static inline int pay_coins(world *w, size_t s, int64_t v, viewer_st *me, int64_t c, rng_sm *r)
{
    if (me->wallet < c)
        buy(w, s, v, me, c - me->wallet, r);
    if (me->wallet < c)
        return 0;
    me->wallet -= c;
    w->seg[s].wallet -= c;
    return 1;
}

/* One gift intent of viewer v for the creator it watches. */
static inline void intent(world *w, size_t s, int64_t v, viewer_st *me, int64_t creator, rng_sm *r)
{
    size_t gi = alias_draw(&w->sg[s].pick, rng_sm_uniform(r)); /* a gift's index */
    int64_t c = w->t.gifts[gi].coins;
    if (pay_coins(w, s, v, me, c, r)) {
        w->seg[s].gifts++;
        w->gift_step[gi]++;
        part_add(&w->pending[creator], w->gift_credit[gi]);
        EMIT(w, EV_GIFT, v, creator, (int64_t)gi, c, rules_coin_value(&w->t.p, c), -1, -1, 0);
    } else {
        w->bk.cur.v[TS_LOST_INTENTS]++;
        w->seg[s].lost++;
        EMIT(w, EV_LOST, v, creator, (int64_t)gi, c, rules_coin_value(&w->t.p, c), -1, -1, 0);
    }
}

/* One sink intent of viewer v: as a gift intent, but the coins credit
 * nobody (docs/model.md §4.4). */
static void sink_intent(world *w, size_t s, int64_t v, viewer_st *me, rng_sm *r)
{
    size_t k = alias_draw(&w->sink_pick, rng_sm_uniform(r)); /* a sink's index */
    int64_t c = w->t.sinks[k].coins;
    if (pay_coins(w, s, v, me, c, r)) {
        w->sink_step[k]++;
        w->seg[s].sinks++;
        part_add(&w->seg[s].sunk, c);
        EMIT(w, EV_SINK, v, -1, (int64_t)k, c, rules_coin_value(&w->t.p, c), -1, -1, 0);
    } else {
        w->bk.cur.v[TS_LOST_SINKS]++;
        w->seg[s].lost_sinks++;
        EMIT(w, EV_LOST_SINK, v, -1, (int64_t)k, c, rules_coin_value(&w->t.p, c), -1, -1, 0);
    }
}

/* The step's purchases, gifts, sinks and grants into the ledger and the
 * step's row: per pack, gift and sink kind and per segment, the count
 * times the amounts (constant within a step: the timeline changes them
 * only between steps). Integer sums do not depend on their order, so this
 * equals posting event by event. */
static void settle(world *w)
{
    const sc_tables *t = &w->t;
    for (size_t k = 0; k < t->npacks; k++) {
        const sc_pack *p = &t->packs[k];
        if (w->pack_step[k]) {
            rules_sale sale = {(long)k,        w->pack_region[k], (int)p->channel, w->pack_step[k],
                               w->pack_usd[k], p->price,          p->coins,        p->bonus};
            books_purchase(&w->bk, &t->p, &sale);
        }
        w->pack_step[k] = 0;
    }
    for (size_t g = 0; g < t->ngifts; g++) {
        if (w->gift_step[g])
            books_gift(&w->bk, &t->p, (long)g, w->gift_step[g], t->gifts[g].coins,
                       w->gift_credit[g]);
        w->gift_step[g] = 0;
    }
    for (size_t k = 0; k < t->nsinks; k++) {
        if (w->sink_step[k])
            books_sink(&w->bk, (long)k, w->sink_step[k], t->sinks[k].coins);
        w->sink_step[k] = 0;
    }
    for (size_t s = 0; s < t->nsegs; s++) {
        if (w->grant_step[s])
            books_grant(&w->bk, w->grant_step[s], t->segs[s].free_coins);
        w->grant_step[s] = 0;
    }
}

void world_overflow(const world *w, char *msg, size_t n)
{
    const char *what, *bound;
    books_overflow_text(&w->bk, &what, &bound);
    snprintf(msg, n, "run %llu, step %lld: %s went past %s, the most a 64-bit total holds",
             (unsigned long long)w->run, (long long)w->step, what, bound);
}

/* How segment s's sessions go this step. An active viewer's session has
 * gift intents (G: it is watched, chance p_watch, and Poisson(lambda) >
 * 0) or not, and sink intents (S: Poisson(mu) > 0) or not, independently.
 * Those with neither, when no coins are granted, do nothing the books see
 * but count as active and as watched or missed: they are not visited but
 * counted by two binomial draws (viewers). So a viewer is visited with
 * q = p (1 - P(neither)), or p when coins are granted, and its kind of
 * session is then drawn from the same chances given the visit. This is
 * exactly "active with p, then the session of docs/model.md §4.4". */
static session_law session_of(const world *w, size_t s)
{
    const sc_segment *sg = &w->t.segs[s];
    session_law L = {0};
    double lambda = w->sg[s].n ? sg->gps / MICRO : 0, mu = w->nsink_pick ? sg->sps / MICRO : 0;
    double eg = exp(-lambda), g = w->p_watch * -expm1(-lambda), sp = -expm1(-mu);
    double none = (1 - g) * (1 - sp), z = sg->free_coins > 0 ? 1.0 : 1.0 - none;
    double kind[4] = {g * sp, g * (1 - sp), (1 - g) * sp, sg->free_coins > 0 ? none : 0};
    L.p = (double)sg->p_active / MICRO;
    L.q = L.p * z;
    if (z > 0) {
        L.cut[0] = kind[0] / z;
        L.cut[1] = L.cut[0] + kind[1] / z;
        L.cut[2] = L.cut[1] + kind[2] / z;
    }
    /* A draw is needed unless one kind is certain, such as gifts alone:
     * the version-1 session, drawn as version 1 drew it. */
    L.draw = (kind[0] > 0) + (kind[1] > 0) + (kind[2] > 0) + (kind[3] > 0) > 1;
    L.gifts = kind[0] > 0 || kind[1] > 0;
    L.sinks = kind[0] > 0 || kind[2] > 0;
    L.watch_nog = w->p_watch >= 1.0 ? 1.0 : g < 1.0 ? w->p_watch * eg / (1 - g) : 0.0;
    if (L.watch_nog > 1.0)
        L.watch_nog = 1.0;
    L.rest = sg->free_coins > 0 || L.q >= 1.0 ? 0.0 : L.p * none / (1.0 - L.q);
    if (L.rest > 1.0)
        L.rest = 1.0;
    return L;
}

/* Whether a session without gift intents is watched (the viewer's draw
 * only when it is not certain either way). */
static inline int watched(const session_law *L, rng_sm *r)
{
    return L->watch_nog >= 1.0 || (L->watch_nog > 0 && rng_sm_uniform(r) < L->watch_nog);
}

/* One visited viewer's session: free coins, then gift intents for the
 * creator watched, then sink intents. Returns whether it was watched. */
static inline int session(world *w, size_t s, int64_t v, const session_law *L)
{
    /* The viewer's own draws this step: see rng.h on common random numbers. */
    rng_sm vr = {rng_key_at(w->key_viewer, w->step, v)};
    const seg_gifts *g = &w->sg[s];
    int gifts = L->gifts, sinks = L->sinks;
    if (L->draw) {
        double u = rng_sm_uniform(&vr);
        gifts = u < L->cut[1];
        sinks = u < L->cut[0] || (u >= L->cut[1] && u < L->cut[2]);
    }
    unsigned k = 0;
    int64_t creator = -1;
    if (gifts) {
        k = ztp_draw(&g->gz, rng_sm_uniform(&vr));
        creator = (int64_t)alias_draw(&w->live_pick, rng_sm_uniform(&vr)); /* its id */
        __builtin_prefetch(&w->pending[creator], 1);
    }
    int seen = gifts || watched(L, &vr);
    viewer_st me = w->vw[v];
    int64_t f = w->t.segs[s].free_coins;
    if (f > 0) {
        me.wallet += f;
        part_add(&w->seg[s].wallet, f);
        part_add(&w->seg[s].granted, f);
        w->grant_step[s]++;
        w->grants++;
        EMIT(w, EV_GRANT, v, -1, -1, f, 0, -1, -1, 0);
    }
    for (unsigned j = 0; j < k; j++)
        intent(w, s, v, &me, creator, &vr);
    if (sinks) {
        unsigned m = ztp_draw(&g->sz, rng_sm_uniform(&vr));
        for (unsigned j = 0; j < m; j++)
            sink_intent(w, s, v, &me, &vr);
    }
    w->vw[v] = me;
    return seen;
}

static void viewers(world *w)
{
    gsl_rng *r = w->rng[RNG_VIEWERS];
    int64_t *row = w->bk.cur.v;
    for (size_t s = 0; s < w->t.nsegs; s++) {
        session_law law = session_of(w, s), *L = &law;
        int64_t n = w->seg_size[s], start = w->seg_start[s];
        if (n == 0 || L->p <= 0)
            continue;
        int64_t m = 0, seen = 0, rest = 0;
        if (L->q > 0) {
            /* Who is visited comes from the activity stream, apart from
             * the viewers' own streams: see visits. */
            visits vq;
            visits_start(&vq, w, r, L->q, log1p(-L->q), start, start + n);
            for (int64_t v; (v = visits_next(&vq)) >= 0;) {
                if (stopping(w, ++w->sessions, 0xFFF))
                    return;
                m++;
                seen += session(w, s, v, L);
            }
        }
        if (n - m > 0 && L->rest > 0) {
            rest = (int64_t)gsl_ran_binomial(r, L->rest, (unsigned)(n - m));
            w->binomials++;
        }
        /* The sessions not visited have no gift intent: each is watched
         * with watch_nog. */
        int64_t rest_seen = L->watch_nog >= 1.0 ? rest
                            : L->watch_nog <= 0 || rest == 0
                                ? 0
                                : (int64_t)gsl_ran_binomial(r, L->watch_nog, (unsigned)rest);
        w->binomials += L->watch_nog < 1.0 && L->watch_nog > 0 && rest > 0;
        row[TS_ACTIVE_VIEWERS] += m + rest;
        row[TS_SESSIONS_WATCHED] += seen + rest_seen;
        row[TS_SESSIONS_MISSED] += m - seen + rest - rest_seen;
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
        w->cashout_draws++;
        if (!(rng_unit_at(w->key_cashout, w->step, c) < pc))
            continue;
        rules_payout po;
        if (rules_payout_of(&w->t, w->creg ? w->creg[c] : 0,
                            rules_cashout_amount(most, INT64_MAX, w->pending[c]), &po) < 0)
            continue;
        w->pending[c] -= po.diamonds * MICRO;
        w->withdrawn[c] += po.diamonds * MICRO; /* at most diamonds withdrawn, a checked total */
        w->cashed[c] = 1;
        books_cashout(&w->bk, &po);
        EMIT(w, EV_CASHOUT, -1, c, -1, po.diamonds, po.gross, -1, po.region, po.local);
    }
}

/* One step, warm-up or reported: its figures are then in w->bk.cur. */
static int step_once(world *w)
{
    books_open_step(&w->bk);
    if (w->step >= 0 && scenario_timeline_at(w->sc, &w->t, &w->tl_next, w->step))
        w->dirty = 1;
    if (w->dirty && build_derived(w) < 0)
        return WORLD_NOMEM;
    if (churn(w) < 0 || choose_live(w) < 0)
        return WORLD_NOMEM;
    viewers(w);
    if (w->stop && *w->stop)
        return WORLD_STOPPED; /* the step is half done: the world is of no further use */
    if (w->nomem)
        return WORLD_NOMEM;
    settle(w);
    if (books_overflowed(&w->bk))
        return WORLD_OVERFLOW; /* before cash-outs read pending µD that may have wrapped */
    cashouts(w);
    if (books_overflowed(&w->bk) || books_close_step(&w->bk, &w->t.p, (int64_t)w->npayers) < 0)
        return WORLD_OVERFLOW;
    w->step++;
    return 0;
}

/* The warm-up is over: what it left becomes the opening balances, and the
 * reported steps count their own flows, payers and earnings. */
static void open_reported(world *w)
{
    books_open(&w->bk, &w->t.p);
    for (size_t s = 0; s < w->t.nsegs; s++) {
        world_seg *g = &w->seg[s];
        *g = (world_seg){.viewers = g->viewers, .wallet = g->wallet};
    }
    w->churns = w->grants = 0;
    /* The warm-up's payers are not the reported steps' (one pass over the
     * viewers, once a run, only when there was a warm-up). */
    for (int64_t v = 0; w->npayers && v < w->nviewers; v++)
        w->vw[v].payer = 0;
    w->npayers = 0;
    for (int64_t c = 0; c < w->ncreators; c++) {
        w->withdrawn[c] = -w->pending[c]; /* earned = pending + withdrawn counts from here */
        w->cashed[c] = 0;
    }
}

int world_warm_step(world *w)
{
    if (w->step >= 0)
        return 0;
    int rc = step_once(w);
    if (rc < 0)
        return rc;
    if (w->step == 0)
        open_reported(w);
    return 1;
}

int world_step(world *w, kpi_step *row)
{
    int rc;
    while ((rc = world_warm_step(w)) == 1)
        ;
    if (rc < 0)
        return rc;
    if (w->step >= w->t.p.steps)
        return 1;
    if ((rc = step_once(w)) < 0)
        return rc;
    *row = w->bk.cur;
    return 0;
}

world_snap *world_snap_new(const world *w)
{
    return world_snap_alloc(&w->t, w->t.nsegs, w->ncreators);
}

void world_snapshot(const world *w, world_snap *s)
{
    const sc_tables *t = &w->t;
    snap_books(s, w->run, w->step, t, &w->bk);
    s->nsegs = t->nsegs;
    memcpy(s->segs, t->segs, t->nsegs * sizeof *s->segs);
    s->viewers_existed = w->nviewers + w->churns;

    world_snap_creators(s, NULL, w->pending, w->withdrawn, w->cashed, w->ncreators);
    brk_src src = {.seg = w->seg,
                   .b = &w->bk,
                   .packs = w->sc->t.packs,
                   .cashed = w->cashed,
                   .seg_region = w->seg_region,
                   .region_creators = w->creg_n};
    snap_breakdown(s, &src);
}

brk_shape world_brk_shape(const world *w) { return brk_shape_of(&w->t); }

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

int world_result(world *w, const kpi_step *rows, int64_t nsteps, run_result *out,
                 const brk_block *blk)
{
    int64_t reached = blk ? brk_reached(&w->t.p, w->pending, w->cashed, (size_t)w->ncreators) : 0;
    kpi_end e;
    memset(&e, 0, sizeof e);
    e.run = w->run;
    e.payers = (int64_t)w->npayers;
    e.viewers_existed = w->nviewers + w->churns;
    books_end(&w->bk, &w->t.p, &e);
    /* What each creator earned, in place of its pending µD (the run is
     * over), for kpi_fill to sort. */
    for (int64_t c = 0; c < w->ncreators; c++)
        w->pending[c] += w->withdrawn[c];
    e.earned = w->pending;
    e.cashed = w->cashed;
    e.ncreators = (size_t)w->ncreators;
    /* Every payer's spend, living or gone. The run is over, so the payers'
     * entries are read for the last time and their memory takes the spends
     * in order: the k-th spend goes to bytes 8k, within entry k / 2, at or
     * before entry k, already read. */
    int64_t *sp = (int64_t *)(void *)w->payers;
    for (size_t i = 0; i < w->npayers; i++) {
        int64_t x = w->payers[i].spend;
        memcpy(&sp[i], &x, sizeof x);
    }
    e.spend = sp;
    e.nspend = w->npayers;
    kpi_fill(rows, nsteps, &e, out); /* sorts the earnings, smallest first */
    if (blk) {
        brk_shape sh = world_brk_shape(w);
        brk_src src = {.seg = w->seg,
                       .b = &w->bk,
                       .packs = w->sc->t.packs,
                       .p = &w->t.p,
                       .earned = e.earned,
                       .ncreators = e.ncreators,
                       .live_per_step = out->value[TS_LIVE_CREATORS],
                       .reached = reached,
                       .cashouts = out->exact[TS_CASHOUTS],
                       .cashed = w->cashed,
                       .seg_region = w->seg_region,
                       .region_creators = w->creg_n};
        brk_fill(&sh, *blk, &src);
    }
    out->grants = w->grants;
    out->sessions = w->sessions;
    out->decisions = w->decisions;
    out->skips = w->skips;
    out->binomials = w->binomials;
    out->cashout_draws = w->cashout_draws;
    w->npayers = 0; /* the entries are gone */
    return 0;
}
