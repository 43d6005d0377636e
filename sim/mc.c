#define _POSIX_C_SOURCE 200809L
#include "mc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dist.h"
#include "pool.h"

void mc_result_free(mc_result *r)
{
    if (!r)
        return;
    free(r->res);
    free(r->ts);
    brk_store_free(&r->brk);
    free(r);
}

int mc_run(const scenario *s, const mc_opts *o, mc_result **out, char *msg, size_t n)
{
    mc_result *r = calloc(1, sizeof *r);
    *out = NULL;
    if (r) {
        r->runs = o->runs;
        r->steps = s->t.p.steps;
        r->res = calloc((size_t)r->runs, sizeof *r->res);
        r->ts = calloc((size_t)(r->runs * r->steps), sizeof *r->ts);
    }
    brk_shape sh = brk_shape_of(&s->t);
    int bad = !r || !r->res || !r->ts || brk_store_init(&r->brk, &sh, r->runs) < 0;
    snprintf(msg, n, "out of memory for %lld runs of %lld steps", (long long)o->runs,
             (long long)s->t.p.steps);
    if (dist_agree(bad, msg, n) || bad) { /* in an MPI job, any rank's is every rank's */
        mc_result_free(r);
        return SIM_NOMEM;
    }
    pool_job j = {
        .variants = &s,
        .nvariants = 1,
        .runs = o->runs,
        .first = o->first > 0 ? (uint64_t)o->first : 1,
        .threads = o->threads,
        .check = o->check,
        .fault_step = o->fault_step,
        .res = r->res,
        .rows = r->ts,
        .brk = &r->brk,
        .hooks = &o->hooks,
        .watch = o->watch,
        .watch_run = o->watch_run,
    };
    int st = pool_run(&j, msg, n);
    if (st != SIM_OK) {
        mc_result_free(r);
        return st;
    }
    *out = r;
    return SIM_OK;
}
