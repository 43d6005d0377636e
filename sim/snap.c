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
    /* Creators: the leaderboard of what was credited so far, and who has
     * reached the withdrawal minimum. */
    s->ncreators = n;
    s->creators_reached_min = brk_reached(&s->p, pending, cashed_flags, (size_t)n);
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
    return 0;
}

world_snap *world_snap_alloc(const sc_tables *t, size_t nsegs, int64_t ncreators)
{
    size_t npacks = t->npacks, ngifts = t->ngifts, nsinks = t->nsinks;
    world_snap *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->regions = calloc(t->nregions ? t->nregions : 1, sizeof *s->regions);
    s->packs = calloc(npacks ? npacks : 1, sizeof *s->packs);
    s->gifts = calloc(ngifts ? ngifts : 1, sizeof *s->gifts);
    s->segs = calloc(nsegs ? nsegs : 1, sizeof *s->segs);
    s->sinks = calloc(nsinks ? nsinks : 1, sizeof *s->sinks);
    s->sorted_cap = (size_t)(ncreators > 0 ? ncreators : 1);
    s->sorted = calloc(s->sorted_cap, sizeof *s->sorted);
    s->bsh = brk_shape_of(t);
    s->bsh.nsegs = nsegs;
    size_t nraw = brk_nraw(&s->bsh);
    s->brk.raw = calloc(nraw ? nraw : 1, sizeof *s->brk.raw);
    s->brk.cr = calloc(CR_N, sizeof *s->brk.cr);
    if (!s->packs || !s->gifts || !s->segs || !s->sinks || !s->regions || !s->sorted ||
        !s->brk.raw || !s->brk.cr) {
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
    free(s->sinks);
    free(s->regions);
    free(s->sorted);
    free(s->brk.raw);
    free(s->brk.cr);
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
    s->nsinks = t->nsinks;
    memcpy(s->sinks, t->sinks, t->nsinks * sizeof *s->sinks);
    s->nregions = t->nregions;
    memcpy(s->regions, t->regions, t->nregions * sizeof *s->regions);
    memset(&s->pos, 0, sizeof s->pos);
    books_end(b, &t->p, &s->pos);
    s->last = b->cur;
    s->total = b->total;
    memcpy(s->gift_value, b->gift_value, sizeof s->gift_value);
    memcpy(s->credit_value, b->credit_value, sizeof s->credit_value);
    memcpy(s->commission, b->commission, sizeof s->commission);
    memcpy(s->platform_in, b->platform_in, sizeof s->platform_in);
}

void snap_breakdown(world_snap *s, brk_src *src)
{
    src->p = &s->p;
    src->earned = s->sorted;
    src->ncreators = (size_t)s->ncreators;
    src->desc = 1;
    /* the mean so far, as a run's result has it at its end */
    src->live_per_step =
        s->step > 0 ? (double)src->b->mean_sum.v[TS_LIVE_CREATORS] / (double)s->step : 0.0;
    src->reached = s->creators_reached_min;
    src->cashouts = s->total.v[TS_CASHOUTS];
    brk_fill(&s->bsh, s->brk, src);
}
