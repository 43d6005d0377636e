/* fit — a scenario's parameters fitted to observed figures (calibration).
 *
 * Each evaluation is one Monte Carlo job of the scenario with the free
 * parameters set (the same operation as --set), always on the same seed
 * and run numbers: common random numbers make the objective a
 * deterministic function of the parameters, so the minimiser does not
 * chase noise. The objective is the weighted sum of squared errors of the
 * simulated means against the targets, each error relative to the target
 * (or over its tolerance). GSL's Nelder-Mead simplex (nmsimplex2) searches
 * an unbounded space mapped onto each parameter's bounds by a logistic.
 * Afterwards: how much each target moves over each parameter's range
 * (finite differences at the optimum), and the fitted scenario rerun on
 * another seed. */
#ifndef COINSIM_FIT_H
#define COINSIM_FIT_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "brk.h"
#include "scenario.h"
#include "stats.h"

/* An observed figure: a summary metric, or a breakdown figure named by
 * its file and row ("segments.whale.spend_share", "creators.gini"). */
typedef struct fit_target {
    char name[200]; /* as written */
    int metric;     /* a kpi metric, or -1 for a breakdown figure */
    enum brk_table table;
    size_t row;
    int fig;
    double value, weight, tol; /* tol 0: the error is relative to value */
} fit_target;

/* Resolve name for s into t (value, weight 1, tol 0 to be set by the
 * caller). Returns 0, or -1 with the reason in msg. */
int fit_target_parse(const scenario *s, const char *name, fit_target *t, char *msg, size_t n);

/* A free parameter: a target a timeline row may change, between lo and hi. */
typedef struct fit_param {
    sc_number num; /* its target, value in s (the start), the field's bounds */
    double lo, hi;
} fit_param;

/* Resolve "TARGET=LO:HI" for s. Returns 0, or -1 with the reason in msg. */
int fit_param_parse(const scenario *s, const char *spec, fit_param *p, char *msg, size_t n);

typedef struct fit_opts {
    int64_t runs;
    uint64_t seed, fresh_seed; /* the fit's seed; the check's */
    int threads;
    int max_evals;
    atomic_int *stop; /* set: stop with the best point so far */
    /* After each evaluation: the count, its objective, the best so far
     * and its parameters. */
    void (*progress)(void *ud, int evals, double obj, double best, const double *xbest);
    void *ud;
} fit_opts;

/* How the search ended (fit_result.end): the simplex shrank below 10^-3
 * (in the unbounded space); no better point in the last 30 x (np + 1)
 * evaluations (common random numbers make the objective a step function
 * at that scale); the evaluations ran out; the stop flag. */
enum { FIT_CONVERGED, FIT_STALLED, FIT_MAX_EVALS, FIT_STOPPED };

typedef struct fit_result {
    size_t nt, np;
    int evals, end;
    int improved; /* the evaluation that last found a better point */
    double start_obj, best_obj;
    double *best_x;      /* [np] */
    stat_row *best;      /* [nt]: the targets at the best point */
    stat_row *fresh;     /* [nt]: the same on the fresh seed (n 0 if not run) */
    double *sens;        /* [np * nt]: target k's move over parameter j's range,
                          * in units of its scale (tol, or |value|) */
    unsigned char *edge; /* [np]: the best value is at a bound */
} fit_result;

/* Fit p[0..np) to t[0..nt). Returns a sim_status: SIM_OK with *r filled
 * (also when stopped: r->end says so), or a failure with msg. */
int fit_run(const scenario *s, const fit_target *t, size_t nt, const fit_param *p, size_t np,
            const fit_opts *o, fit_result *r, char *msg, size_t n);
void fit_result_free(fit_result *r);

/* s with each p[j] set to x[j] (as --set does), checked. NULL with msg. */
scenario *fit_apply(const scenario *s, const fit_param *p, size_t np, const double *x, char *msg,
                    size_t n);

/* Target k's scale: its tolerance, or |value| (1 if that is 0). */
double fit_scale(const fit_target *t);

#endif
