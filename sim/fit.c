#include "fit.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_multimin.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "kpi.h"
#include "mc.h"
#include "status.h"

/* ------------------------------------------------------------ targets */

/* The breakdown table a target's first part names ("segments",
 * "pack_sales" or "packs", ...), or -1. */
static int table_of(const char *name, size_t len)
{
    for (int t = 0; t < BRK_NTABLES; t++) {
        const char *f = brk_file((enum brk_table)t);
        size_t fl = strlen(f) - 4; /* without ".csv" */
        if (len == fl && strncmp(name, f, len) == 0)
            return t;
    }
    return len == 5 && strncmp(name, "packs", 5) == 0 ? BRK_PACKS : -1;
}

int fit_target_parse(const scenario *s, const char *name, fit_target *t, char *msg, size_t n)
{
    memset(t, 0, sizeof *t);
    snprintf(t->name, sizeof t->name, "%s", name);
    t->weight = 1;
    if ((t->metric = kpi_metric_find(name)) >= 0)
        return 0;
    const char *dot = strchr(name, '.'), *last = strrchr(name, '.');
    int tb = dot ? table_of(name, (size_t)(dot - name)) : -1;
    if (tb < 0) {
        snprintf(msg, n,
                 "\"%s\" is neither a metric of summary.csv nor a breakdown figure (expected a "
                 "metric such as payer_rate, or FILE.ROW.FIGURE such as segments.whale.spend_share "
                 "or creators.gini)",
                 name);
        return -1;
    }
    t->table = (enum brk_table)tb;
    if ((t->fig = brk_fig_find(t->table, last + 1)) < 0) {
        snprintf(msg, n, "\"%s\": %s has no figure \"%s\" (see docs/outputs.md for its figures)",
                 name, brk_file(t->table), last + 1);
        return -1;
    }
    if (t->table == BRK_CREATORS) {
        if (last != dot) {
            snprintf(msg, n, "\"%s\": creators.csv has one row (expected creators.FIGURE)", name);
            return -1;
        }
        return 0;
    }
    size_t rl = last > dot ? (size_t)(last - dot - 1) : 0;
    for (size_t r = 0; brk_row_name(&s->t, t->table, r); r++) {
        const char *rn = brk_row_name(&s->t, t->table, r);
        if (strlen(rn) == rl && strncmp(rn, dot + 1, rl) == 0) {
            t->row = r;
            return 0;
        }
    }
    snprintf(msg, n,
             "\"%s\": %s has no row \"%.*s\" (expected FILE.ROW.FIGURE with a row of the "
             "scenario)",
             name, brk_file(t->table), (int)rl, dot + 1);
    return -1;
}

double fit_scale(const fit_target *t)
{
    return t->tol > 0 ? t->tol : fabs(t->value) > 0 ? fabs(t->value) : 1.0;
}

/* --------------------------------------------------------- parameters */

/* A real number read from the first len characters of s, all of them, finite. */
static int number(const char *s, size_t len, double *v)
{
    char buf[64], *end;
    if (len == 0 || len >= sizeof buf)
        return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    *v = strtod(buf, &end);
    return *end || !isfinite(*v) ? -1 : 0;
}

int fit_param_parse(const scenario *s, const char *spec, fit_param *p, char *msg, size_t n)
{
    char tg[200];
    const char *eq = strchr(spec, '='), *colon = eq ? strchr(eq, ':') : NULL;
    memset(p, 0, sizeof *p);
    if (!eq || !colon || eq == spec || (size_t)(eq - spec) >= sizeof tg) {
        snprintf(msg, n, "\"%s\" is not TARGET=LO:HI (for example segments.whale.gamma=0.01:0.1)",
                 spec);
        return -1;
    }
    snprintf(tg, sizeof tg, "%.*s", (int)(eq - spec), spec);
    if (scenario_target_number(s, tg, &p->num, msg, n) < 0)
        return -1;
    if (number(eq + 1, (size_t)(colon - eq - 1), &p->lo) < 0 ||
        number(colon + 1, strlen(colon + 1), &p->hi) < 0) {
        snprintf(msg, n, "the bounds are not numbers (expected TARGET=LO:HI)");
        return -1;
    }
    if (!(p->lo < p->hi)) {
        snprintf(msg, n, "LO %g is not below HI %g (expected LO < HI)", p->lo, p->hi);
        return -1;
    }
    if (p->lo < p->num.lo || p->hi > p->num.hi) {
        snprintf(msg, n, "the bounds leave %s's range, %g to %g (expected bounds inside it)",
                 p->num.target, p->num.lo, p->num.hi);
        return -1;
    }
    return 0;
}

/* x as a value --set takes for p: whole, or 6 decimals. */
static void value_text(const fit_param *p, double x, char *buf, size_t n)
{
    if (p->num.whole)
        snprintf(buf, n, "%.0f", round(x));
    else
        snprintf(buf, n, "%.6f", x);
}

scenario *fit_apply(const scenario *s, const fit_param *p, size_t np, const double *x, char *msg,
                    size_t n)
{
    scenario *c = scenario_clone(s);
    diag d = {0};
    if (!c) {
        snprintf(msg, n, "out of memory");
        return NULL;
    }
    for (size_t j = 0; j < np; j++) {
        char v[64], assign[300];
        value_text(&p[j], x[j], v, sizeof v);
        snprintf(assign, sizeof assign, "%s=%s", p[j].num.target, v);
        if (scenario_set(c, assign, "--free", &d) < 0)
            break;
    }
    if (!d.errors)
        scenario_check(c, &d);
    if (d.errors) {
        snprintf(msg, n, "%s", d.n ? d.items[0].text : "the fitted scenario does not validate");
        scenario_free(c);
        c = NULL;
    }
    diag_clear(&d);
    return c;
}

/* ----------------------------------------------------------- the fit */

typedef struct fit_ctx {
    const scenario *s;
    const fit_target *t;
    size_t nt;
    const fit_param *p;
    size_t np;
    const fit_opts *o;
    fit_result *r;
    double *x;    /* [np] scratch: the point evaluated */
    stat_row *st; /* [nt] scratch */
    int status;   /* the first failure, or SIM_OK */
    char msg[1024];
} fit_ctx;

/* The targets' summaries at x on seed, and the objective. Returns a
 * sim_status (the reason in c->msg). */
static int evaluate(fit_ctx *c, const double *x, uint64_t seed, stat_row *st, double *obj)
{
    scenario *sc = fit_apply(c->s, c->p, c->np, x, c->msg, sizeof c->msg);
    if (!sc)
        return SIM_BADINPUT;
    sc->t.p.seed = seed;
    mc_opts mo;
    memset(&mo, 0, sizeof mo);
    mo.runs = c->o->runs;
    mo.threads = c->o->threads;
    mo.hooks.stop = c->o->stop;
    mo.fault_step = -1;
    mc_result *res = NULL;
    int rc = mc_run(sc, &mo, &res, c->msg, sizeof c->msg);
    size_t runs = (size_t)c->o->runs;
    double *v = malloc(runs * sizeof *v), *tmp = malloc(runs * sizeof *tmp);
    if (rc == SIM_OK && (!v || !tmp)) {
        snprintf(c->msg, sizeof c->msg, "out of memory");
        rc = SIM_NOMEM;
    }
    *obj = 0;
    for (size_t k = 0; rc == SIM_OK && k < c->nt; k++) {
        const fit_target *t = &c->t[k];
        for (size_t i = 0; i < runs; i++)
            v[i] = t->metric >= 0 ? res->res[i].value[t->metric]
                                  : brk_value(&res->brk.sh, brk_at(&res->brk, (int64_t)i), t->table,
                                              t->row, (size_t)t->fig);
        stats_summary(v, runs, tmp, &st[k]);
        double e = (st[k].mean - t->value) / fit_scale(t);
        *obj += t->weight * e * e;
    }
    free(v);
    free(tmp);
    if (res)
        mc_result_free(res);
    scenario_free(sc);
    return rc;
}

/* A point of the unbounded space onto the bounds: a logistic. */
static double to_x(const fit_param *p, double u) { return p->lo + (p->hi - p->lo) / (1 + exp(-u)); }

static double to_u(const fit_param *p, double x)
{
    double w = p->hi - p->lo, f = (x - p->lo) / w;
    if (f < 1e-4)
        f = 1e-4; /* a start on a bound starts just inside it */
    if (f > 1 - 1e-4)
        f = 1 - 1e-4;
    return log(f / (1 - f));
}

static double objective(const gsl_vector *u, void *ud)
{
    fit_ctx *c = ud;
    fit_result *r = c->r;
    if (c->status != SIM_OK || r->evals >= c->o->max_evals)
        return GSL_POSINF; /* past the budget: the search ends at its next look */
    for (size_t j = 0; j < c->np; j++)
        c->x[j] = to_x(&c->p[j], gsl_vector_get(u, j));
    double obj;
    int rc = evaluate(c, c->x, c->o->seed, c->st, &obj);
    if (rc != SIM_OK) {
        c->status = rc;
        return GSL_POSINF;
    }
    if (r->evals++ == 0)
        r->start_obj = obj;
    if (r->evals == 1 || obj < r->best_obj) {
        r->improved = r->evals;
        r->best_obj = obj;
        memcpy(r->best_x, c->x, c->np * sizeof *c->x);
        memcpy(r->best, c->st, c->nt * sizeof *c->st);
    }
    if (c->o->progress)
        c->o->progress(c->o->ud, r->evals, obj, r->best_obj, r->best_x);
    return obj;
}

static int alloc_result(fit_result *r, size_t nt, size_t np)
{
    memset(r, 0, sizeof *r);
    r->nt = nt;
    r->np = np;
    r->best_x = calloc(np, sizeof *r->best_x);
    r->best = calloc(nt, sizeof *r->best);
    r->fresh = calloc(nt, sizeof *r->fresh);
    r->sens = calloc(np * nt, sizeof *r->sens);
    r->edge = calloc(np, 1);
    return r->best_x && r->best && r->fresh && r->sens && r->edge ? 0 : -1;
}

void fit_result_free(fit_result *r)
{
    free(r->best_x);
    free(r->best);
    free(r->fresh);
    free(r->sens);
    free(r->edge);
    memset(r, 0, sizeof *r);
}

/* Nelder-Mead from the scenario's own values, until the simplex is small,
 * the evaluations run out or the stop flag is set. */
static void search(fit_ctx *c)
{
    size_t np = c->np;
    gsl_multimin_function f = {objective, np, c};
    gsl_vector *u0 = gsl_vector_alloc(np), *step = gsl_vector_alloc(np);
    gsl_multimin_fminimizer *m =
        u0 && step ? gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, np) : NULL;
    if (!m) {
        c->status = SIM_NOMEM;
        snprintf(c->msg, sizeof c->msg, "out of memory");
    } else {
        for (size_t j = 0; j < np; j++) {
            gsl_vector_set(u0, j, to_u(&c->p[j], c->p[j].num.value));
            gsl_vector_set(step, j, 1.0); /* a quarter of the range, from the middle */
        }
        c->r->end = FIT_MAX_EVALS;
        gsl_multimin_fminimizer_set(m, &f, u0, step);
        while (c->status == SIM_OK && !(c->o->stop && *c->o->stop)) {
            if (c->r->evals >= c->o->max_evals)
                break;
            if (gsl_multimin_fminimizer_iterate(m) != GSL_SUCCESS)
                break;
            if (gsl_multimin_test_size(gsl_multimin_fminimizer_size(m), 1e-3) == GSL_SUCCESS) {
                c->r->end = FIT_CONVERGED;
                break;
            }
            if (c->r->evals - c->r->improved > 30 * (int)(np + 1)) {
                c->r->end = FIT_STALLED;
                break;
            }
        }
    }
    if (m)
        gsl_multimin_fminimizer_free(m);
    gsl_vector_free(u0);
    gsl_vector_free(step);
}

/* How much each target moves over each parameter's range at the best
 * point: central differences over a twentieth of the range (one-sided
 * at a bound), scaled by the range and the target's scale. */
static int sensitivity(fit_ctx *c)
{
    fit_result *r = c->r;
    stat_row *hi = calloc(c->nt, sizeof *hi), *lo = calloc(c->nt, sizeof *lo);
    int rc = hi && lo ? SIM_OK : SIM_NOMEM;
    double obj;
    for (size_t j = 0; rc == SIM_OK && j < c->np; j++) {
        const fit_param *p = &c->p[j];
        double w = p->hi - p->lo, h = w / 20, b = r->best_x[j];
        double xp = b + h < p->hi ? b + h : p->hi, xm = b - h > p->lo ? b - h : p->lo;
        r->edge[j] = b - p->lo < w * 0.005 || p->hi - b < w * 0.005;
        memcpy(c->x, r->best_x, c->np * sizeof *c->x);
        c->x[j] = xp;
        if ((rc = evaluate(c, c->x, c->o->seed, hi, &obj)) != SIM_OK)
            break;
        c->x[j] = xm;
        if ((rc = evaluate(c, c->x, c->o->seed, lo, &obj)) != SIM_OK)
            break;
        for (size_t k = 0; k < c->nt; k++)
            r->sens[j * c->nt + k] =
                (hi[k].mean - lo[k].mean) / (xp - xm) * w / fit_scale(&c->t[k]);
    }
    free(hi);
    free(lo);
    return rc;
}

int fit_run(const scenario *s, const fit_target *t, size_t nt, const fit_param *p, size_t np,
            const fit_opts *o, fit_result *r, char *msg, size_t n)
{
    fit_ctx c = {s, t, nt, p, np, o, r, NULL, NULL, SIM_OK, ""};
    if (alloc_result(r, nt, np) < 0 || !(c.x = malloc(np * sizeof *c.x)) ||
        !(c.st = malloc(nt * sizeof *c.st))) {
        free(c.x);
        fit_result_free(r);
        snprintf(msg, n, "out of memory");
        return SIM_NOMEM;
    }
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    search(&c);
    gsl_set_error_handler(old);
    int stopped = o->stop && *o->stop;
    if (c.status == SIM_STOPPED || stopped) {
        c.status = r->evals > 0 ? SIM_OK : SIM_STOPPED;
        r->end = FIT_STOPPED;
    }
    double obj;
    if (c.status == SIM_OK && r->end != FIT_STOPPED)
        c.status = sensitivity(&c);
    if (c.status == SIM_OK && r->end != FIT_STOPPED)
        c.status = evaluate(&c, r->best_x, o->fresh_seed, r->fresh, &obj);
    if (c.status == SIM_STOPPED && r->evals > 0) { /* stopped after the search: keep the best */
        c.status = SIM_OK;
        r->end = FIT_STOPPED;
    }
    free(c.x);
    free(c.st);
    if (c.status != SIM_OK) {
        snprintf(msg, n, "%s", c.msg);
        fit_result_free(r);
    }
    return c.status;
}
