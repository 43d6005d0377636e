#include "snap.h"

#include <stdlib.h>
#include <string.h>

#include "num.h"
#include "rules.h"

static int cmp_i64_desc(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x < y) - (x > y);
}

int world_snap_creators(world_snap *s, const int64_t *earned, const int64_t *pending,
                        const int64_t *withdrawn, const unsigned char *cashed_flags, int64_t n)
{
    if ((size_t)n > s->sorted_cap) {
        int64_t *ns = realloc(s->sorted, (size_t)n * sizeof *ns);
        if (!ns)
            return -1;
        s->sorted = ns;
        s->sorted_cap = (size_t)n;
    }
    if (earned) {
        if (n > 0)
            memcpy(s->sorted, earned, (size_t)n * sizeof *s->sorted);
    } else {
        for (int64_t c = 0; c < n; c++)
            s->sorted[c] = pending[c] + withdrawn[c];
    }
    earned = s->sorted; /* in creator order until the sort below */
    /* Creators: the leaderboard, the Lorenz curve and the Gini of what was
     * credited so far, and who has reached the withdrawal minimum. */
    int64_t reached = 0, cashed = 0, need = rules_cashout_need(&s->p);
    s->ncreators = n;
    for (int64_t c = 0; c < n; c++) {
        cashed += cashed_flags[c];
        reached += cashed_flags[c] || rules_may_cash_out(need, pending[c]);
    }
    s->creators_reached_min = reached;
    s->creators_cashed_out = cashed;
    s->ntop = 0;
    memset(s->top_name, 0, sizeof s->top_name);
    for (int64_t c = 0; c < n; c++) {
        /* keep the WORLD_SNAP_TOP largest, ties to the lower index */
        size_t k = s->ntop;
        if (k == WORLD_SNAP_TOP && earned[c] <= s->top_earned[k - 1])
            continue;
        if (k < WORLD_SNAP_TOP)
            s->ntop++;
        else
            k--;
        while (k > 0 && s->top_earned[k - 1] < earned[c]) {
            s->top_earned[k] = s->top_earned[k - 1];
            s->top_id[k] = s->top_id[k - 1];
            k--;
        }
        s->top_earned[k] = earned[c];
        s->top_id[k] = c;
    }
    if (n > 0)
        qsort(s->sorted, (size_t)n, sizeof *s->sorted, cmp_i64_desc);
    long double sum = 0, acc = 0;
    for (int64_t i = 0; i < n; i++)
        sum += (long double)s->sorted[i];
    /* Lorenz: share of earnings held by the poorest i/20 of creators. */
    s->lorenz[0] = 0;
    int64_t j = n; /* sorted is descending: walk it from the end */
    for (int q = 1; q <= WORLD_SNAP_LORENZ; q++) {
        int64_t upto = n * q / WORLD_SNAP_LORENZ;
        while (n - j < upto)
            acc += (long double)s->sorted[--j];
        s->lorenz[q] = sum > 0 ? (double)(acc / sum) : (double)q / WORLD_SNAP_LORENZ;
    }
    /* The same figures as a run's (kpi.c), on the sorted earnings. */
    size_t k1 = 0;
    s->gini = kpi_gini_desc(s->sorted, (size_t)n);
    s->top1_share = kpi_top_share_desc(s->sorted, (size_t)n, NUM_MICRO / 100, &k1);
    s->top1_n = (int64_t)k1;
    return 0;
}

world_snap *world_snap_alloc(size_t npacks, size_t ngifts, size_t nsinks, size_t nsegs,
                             int64_t ncreators)
{
    world_snap *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->packs = calloc(npacks ? npacks : 1, sizeof *s->packs);
    s->gifts = calloc(ngifts ? ngifts : 1, sizeof *s->gifts);
    s->segs = calloc(nsegs ? nsegs : 1, sizeof *s->segs);
    s->pack_n = calloc(npacks ? npacks : 1, sizeof *s->pack_n);
    s->pack_usd = calloc(npacks ? npacks : 1, sizeof *s->pack_usd);
    s->gift_n = calloc(ngifts ? ngifts : 1, sizeof *s->gift_n);
    s->sinks = calloc(nsinks ? nsinks : 1, sizeof *s->sinks);
    s->sink_n = calloc(nsinks ? nsinks : 1, sizeof *s->sink_n);
    s->seg = calloc(nsegs ? nsegs : 1, sizeof *s->seg);
    s->sorted_cap = (size_t)(ncreators > 0 ? ncreators : 1);
    s->sorted = calloc(s->sorted_cap, sizeof *s->sorted);
    if (!s->packs || !s->gifts || !s->segs || !s->pack_n || !s->pack_usd || !s->gift_n ||
        !s->sinks || !s->sink_n || !s->seg || !s->sorted) {
        world_snap_free(s);
        return NULL;
    }
    return s;
}

void world_snap_free(world_snap *s)
{
    if (!s)
        return;
    free(s->packs);
    free(s->gifts);
    free(s->segs);
    free(s->pack_n);
    free(s->pack_usd);
    free(s->gift_n);
    free(s->sinks);
    free(s->sink_n);
    free(s->seg);
    free(s->sorted);
    free(s);
}

void snap_books(world_snap *s, uint64_t run, int64_t step, const sc_tables *t, const books *b)
{
    s->run = run;
    s->step = step;
    s->steps = t->p.steps;
    s->p = t->p;
    s->npacks = t->npacks;
    s->ngifts = t->ngifts;
    memcpy(s->packs, t->packs, t->npacks * sizeof *s->packs);
    memcpy(s->gifts, t->gifts, t->ngifts * sizeof *s->gifts);
    memcpy(s->pack_n, b->pack_n, t->npacks * sizeof *s->pack_n);
    memcpy(s->pack_usd, b->pack_usd, t->npacks * sizeof *s->pack_usd);
    memcpy(s->gift_n, b->gift_n, t->ngifts * sizeof *s->gift_n);
    s->nsinks = t->nsinks;
    memcpy(s->sinks, t->sinks, t->nsinks * sizeof *s->sinks);
    memcpy(s->sink_n, b->sink_n, t->nsinks * sizeof *s->sink_n);
    memset(&s->pos, 0, sizeof s->pos);
    books_end(b, &t->p, &s->pos);
    s->last = b->cur;
    s->total = b->total;
    memcpy(s->gift_value, b->gift_value, sizeof s->gift_value);
    memcpy(s->credit_value, b->credit_value, sizeof s->credit_value);
    memcpy(s->commission, b->commission, sizeof s->commission);
    memcpy(s->platform_in, b->platform_in, sizeof s->platform_in);
    memcpy(s->channel_usd, b->channel_usd, sizeof s->channel_usd);
}
