#define _POSIX_C_SOURCE 200809L
#include "sweep.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dist.h"
#include "pool.h"

size_t sweep_points(const sweep_axis *axes, size_t naxes, size_t limit)
{
    size_t n = 1;
    for (size_t a = 0; a < naxes; a++) {
        if (axes[a].nvalues == 0 || n > limit / axes[a].nvalues)
            return 0;
        n *= axes[a].nvalues;
    }
    return n <= limit ? n : 0;
}

static void pick_of(const sweep_axis *axes, size_t naxes, size_t point, size_t *pick)
{
    for (size_t a = naxes; a-- > 0;) {
        pick[a] = point % axes[a].nvalues;
        point /= axes[a].nvalues;
    }
}

void sweep_points_free(scenario **pts, size_t npoints)
{
    if (!pts)
        return;
    for (size_t i = 0; i < npoints; i++)
        scenario_free(pts[i]);
    free(pts);
}

scenario **sweep_build(const scenario *base, const sweep_axis *axes, size_t naxes, size_t npoints,
                       diag *d)
{
    scenario **pts =
        calloc(npoints, sizeof *pts); // NOLINT(bugprone-sizeof-expression): an array of pointers
    size_t *pick = calloc(naxes ? naxes : 1, sizeof *pick);
    size_t e0 = d->errors;
    if (!pts || !pick) {
        free(pts);
        free(pick);
        diag_add(d, DIAG_ERROR, "sweep", 0, NULL, "out of memory for %zu points", npoints);
        return NULL;
    }
    for (size_t p = 0; p < npoints; p++) {
        if (!(pts[p] = scenario_clone(base))) {
            diag_add(d, DIAG_ERROR, "sweep", 0, NULL, "out of memory for %zu points", npoints);
            break;
        }
        pick_of(axes, naxes, p, pick);
        size_t before = d->errors;
        for (size_t a = 0; a < naxes; a++) {
            char assign[600], label[640];
            snprintf(assign, sizeof assign, "%s=%s", axes[a].target, axes[a].values[pick[a]]);
            snprintf(label, sizeof label, "--vary %s", assign);
            scenario_set(pts[p], assign, label, d);
        }
        /* Warnings from the base itself were shown already: check only
         * for errors a point's values bring. */
        diag pd = {0};
        if (d->errors == before && scenario_check(pts[p], &pd) > 0) {
            for (size_t i = 0; i < pd.n; i++)
                if (pd.items[i].level == DIAG_ERROR) {
                    char where[640] = "";
                    for (size_t a = 0; a < naxes; a++) {
                        size_t l = strlen(where);
                        snprintf(where + l, sizeof where - l, "%s%s=%s", a ? " " : "",
                                 axes[a].target, axes[a].values[pick[a]]);
                    }
                    if (naxes == 1 && strncmp(pd.items[i].text, "--vary ", 7) == 0)
                        diag_add(d, DIAG_ERROR, NULL, 0, NULL, "%s",
                                 pd.items[i].text); /* names the point */
                    else
                        diag_add(d, DIAG_ERROR, NULL, 0, NULL, "at the point %s: %s", where,
                                 pd.items[i].text);
                }
        }
        diag_clear(&pd);
        if (d->errors > e0 + 20)
            break; /* enough to show what is wrong */
    }
    free(pick);
    if (d->errors > e0) {
        sweep_points_free(pts, npoints);
        return NULL;
    }
    return pts;
}

void sweep_free(sweep_result *r)
{
    if (!r)
        return;
    free(r->pick);
    free(r->res);
    for (size_t p = 0; r->brk && p < r->npoints; p++)
        brk_store_free(&r->brk[p]);
    free(r->brk);
    free(r);
}

int sweep_run(scenario *const *pts, const sweep_axis *axes, size_t naxes, size_t npoints,
              const sweep_opts *o, sweep_result **out, char *msg, size_t n)
{
    sweep_result *r = calloc(1, sizeof *r);
    *out = NULL;
    if (r) {
        r->naxes = naxes;
        r->npoints = npoints;
        r->runs = o->runs;
        r->pick = calloc(npoints * (naxes ? naxes : 1), sizeof *r->pick);
        r->res = calloc(npoints * (size_t)o->runs, sizeof *r->res);
        r->brk = calloc(npoints ? npoints : 1, sizeof *r->brk);
    }
    int room = r && r->pick && r->res && r->brk;
    for (size_t p = 0; room && p < npoints; p++) {
        brk_shape sh = brk_shape_of(&pts[p]->t);
        room = brk_store_init(&r->brk[p], &sh, o->runs) == 0;
    }
    snprintf(msg, n, "out of memory for %zu points of %lld runs", npoints, (long long)o->runs);
    if (dist_agree(!room, msg, n) || !room) { /* in an MPI job, any rank's is every rank's */
        sweep_free(r);
        return SIM_NOMEM;
    }
    for (size_t p = 0; p < npoints; p++)
        pick_of(axes, naxes, p, &r->pick[p * naxes]);

    pool_job j = {
        .variants = (const scenario *const *)pts,
        .nvariants = npoints,
        .runs = o->runs,
        .first = 1,
        .threads = o->threads,
        .fault_step = -1,
        .res = r->res,
        .brk = r->brk,
        .hooks = &o->hooks,
    };
    int st = pool_run(&j, msg, n);
    if (st != SIM_OK) {
        sweep_free(r);
        return st;
    }
    *out = r;
    return SIM_OK;
}
