#include "run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A source is one of two kinds; the run loop asks it the same questions
 * and this file alone tells them apart. */
struct source {
    world *w;   /* a simulation, or */
    replay *rp; /* a replayed log, whose problems go to d */
    diag *d;
    uint64_t run;
};

source *source_world(const scenario *s, uint64_t run)
{
    source *src = calloc(1, sizeof *src);
    if (!src || !(src->w = world_new(s, run))) {
        free(src);
        return NULL;
    }
    src->run = run;
    return src;
}

source *source_replay(replay *rp, diag *d)
{
    source *src = calloc(1, sizeof *src);
    if (!src) {
        replay_free(rp);
        return NULL;
    }
    src->rp = rp;
    src->d = d;
    return src;
}

void source_free(source *src)
{
    if (!src)
        return;
    world_free(src->w);
    if (src->rp)
        replay_free(src->rp);
    free(src);
}

brk_shape source_brk_shape(const source *src)
{
    return src->w ? world_brk_shape(src->w) : replay_brk_shape(src->rp);
}

const sc_tables *source_tables(const source *src)
{
    return src->w ? world_tables(src->w) : replay_tables(src->rp);
}

int64_t source_steps(const source *src) { return source_tables(src)->p.steps; }

int64_t source_steps_done(const source *src)
{
    return src->w ? world_steps_done(src->w) : replay_steps_done(src->rp);
}

replay *source_replay_of(const source *src) { return src->rp; }

world_snap *source_snap_new(const source *src)
{
    return src->w ? world_snap_new(src->w) : replay_snap_new(src->rp);
}

int source_snapshot(const source *src, world_snap *s)
{
    if (src->rp)
        return replay_snapshot(src->rp, s);
    world_snapshot(src->w, s);
    return 0;
}

/* How messages name the run: "run 3", or "the replay". */
static const char *name_of(const source *src, char *buf, size_t n)
{
    if (src->rp)
        return "the replay";
    snprintf(buf, n, "run %llu", (unsigned long long)src->run);
    return buf;
}

static int check(const source *src, char *msg, size_t n)
{
    return src->w ? world_check(src->w, msg, n) : replay_check(src->rp, msg, n);
}

void run_init(run_loop *r, source *src, kpi_step *rows, const run_hooks *h)
{
    memset(r, 0, sizeof *r);
    r->src = src;
    r->rows = rows;
    r->h = h;
    r->fault_step = -1;
    r->steps = source_steps(src);
    if (src->w) {
        world_watch(src->w, h ? h->stop : NULL);
        if (h && h->event)
            world_on_event(src->w, h->event, h->ud);
    }
}

static int ended(const run_loop *r, int status)
{
    if (r->h && r->h->end)
        r->h->end(r->h->ud, status);
    return status;
}

/* The status of a source's step at step i from its return code rc
 * (world_step's or replay_step's, or their warm-up steps'): 0 for a step
 * made, RUN_DONE, or a failure's status with msg. */
static int status_of(run_loop *r, int rc, int64_t i, char *msg, size_t n)
{
    char who[40]; /* the run's name, made only for a message */
    if (r->src->rp) {
        if (rc == REPLAY_NOMEM)
            snprintf(msg, n, "out of memory in %s, step %lld", name_of(r->src, who, sizeof who),
                     (long long)i);
        return rc == REPLAY_NOMEM ? SIM_NOMEM : rc < 0 ? SIM_BADINPUT : rc == 1 ? RUN_DONE : 0;
    }
    if (rc == WORLD_STOPPED) {
        snprintf(msg, n, "stopped in %s at step %lld", name_of(r->src, who, sizeof who),
                 (long long)i);
        return SIM_STOPPED;
    }
    if (rc == WORLD_OVERFLOW) {
        world_overflow(r->src->w, msg, n);
        return SIM_OVERFLOW;
    }
    if (rc < 0) {
        snprintf(msg, n, "out of memory in %s, step %lld", name_of(r->src, who, sizeof who),
                 (long long)i);
        return SIM_NOMEM;
    }
    return rc == 1 ? RUN_DONE : 0;
}

/* The source's next step into row: 0, RUN_DONE, or a failure's status. */
static int step_source(run_loop *r, int64_t i, kpi_step *row, char *msg, size_t n)
{
    int rc = r->src->rp ? replay_step(r->src->rp, row, r->src->d) : world_step(r->src->w, row);
    return status_of(r, rc, i, msg, n);
}

/* The warm-up's steps (docs/model.md §4.0), before step 0, with the
 * identities checked after each. Returns SIM_OK or a failure's status. */
static int warm_up(run_loop *r, char *msg, size_t n)
{
    char who[40], why[512];
    for (int64_t st = -source_tables(r->src)->p.warmup_steps;; st++) {
        int rc = r->src->w ? world_warm_step(r->src->w) : replay_warm_step(r->src->rp, r->src->d);
        if (rc == 0)
            return SIM_OK;
        if (rc < 0) {
            rc = status_of(r, rc, st, msg, n);
            if (rc == SIM_BADINPUT)
                snprintf(msg, n, "%s stopped at step %lld", name_of(r->src, who, sizeof who),
                         (long long)st);
            return rc;
        }
        if (check(r->src, why, sizeof why) < 0) {
            snprintf(msg, n, "ledger identity broken in %s after warm-up step %lld: %s",
                     name_of(r->src, who, sizeof who), (long long)st, why);
            return SIM_LEDGER;
        }
    }
}

int run_next(run_loop *r, char *msg, size_t n)
{
    int64_t i = source_steps_done(r->src);
    const run_hooks *h = r->h;
    char who[40], why[512];
    if (i >= r->steps)
        return RUN_DONE;
    kpi_step *row = r->rows ? &r->rows[i] : &r->last;
    if (h && h->stop && *h->stop) {
        snprintf(msg, n, "stopped in %s at step %lld", name_of(r->src, who, sizeof who),
                 (long long)i);
        return ended(r, SIM_STOPPED);
    }
    int st = i == 0 && r->check ? warm_up(r, msg, n) : SIM_OK;
    if (st != SIM_OK)
        return ended(r, st);
    st = step_source(r, i, row, msg, n);
    if (st == RUN_DONE)
        return RUN_DONE;
    if (st == SIM_BADINPUT)
        snprintf(msg, n, "%s stopped at step %lld", name_of(r->src, who, sizeof who), (long long)i);
    if (st != SIM_OK)
        return ended(r, st);
    if (i == r->fault_step && r->src->w)
        world_inject_fault(r->src->w);
    if ((r->check || i == r->steps - 1) && check(r->src, why, sizeof why) < 0) {
        snprintf(msg, n, "ledger identity broken in %s after step %lld: %s",
                 name_of(r->src, who, sizeof who), (long long)i, why);
        return ended(r, SIM_LEDGER);
    }
    if (row != &r->last)
        r->last = *row;
    if (h && h->step)
        h->step(h->ud, i, row);
    if (h && h->progress)
        h->progress(h->ud, i + 1, r->steps);
    return SIM_OK;
}

int run_finish(run_loop *r, run_result *res, const brk_block *blk, char *msg, size_t n)
{
    char who[40];
    int64_t done = source_steps_done(r->src);
    int rc = r->src->w ? world_result(r->src->w, r->rows, done, res, blk)
                       : replay_result(r->src->rp, r->rows, done, res, blk);
    if (rc < 0) {
        snprintf(msg, n, "out of memory finishing %s", name_of(r->src, who, sizeof who));
        return ended(r, SIM_NOMEM);
    }
    return ended(r, SIM_OK);
}

int run_all(run_loop *r, run_result *res, const brk_block *blk, char *msg, size_t n)
{
    int st;
    while ((st = run_next(r, msg, n)) == SIM_OK)
        ;
    if (st != RUN_DONE)
        return st;
    return run_finish(r, res, blk, msg, n);
}
