/* coinsim fit DIR --target ... --free ...: a scenario fitted to observed
 * figures (sim/fit.h), with an honest report: each target against the
 * fitted mean and CI, each parameter against its bounds, what the targets
 * pin down, and the same on a fresh seed. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../sim/afile.h"
#include "../sim/csvread.h"
#include "../sim/csvwrite.h"
#include "../sim/diag.h"
#include "../sim/dist.h"
#include "../sim/fit.h"
#include "../sim/kpi.h"
#include "../sim/manifest.h"
#include "../sim/scenario.h"
#include "../sim/status.h"
#include "cli.h"
#include "opt.h"

#define MAX_TARGETS 64
#define MAX_FREE    16

/* Moved over its whole range, a parameter that moves no target by more
 * than this (in units of the target's scale) is not identified; a target
 * that no parameter moves by more than REACH is not reachable. */
#define IDENTIFIED 0.05
#define REACH      0.01

typedef struct fit_args {
    const char *dir, *out, *runs, *seed, *targets;
    opt_list target, free, sets;
    long long threads, max_evals;
} fit_args;

static int one_dir(const char *cmd, void *a, const char *w)
{
    return cli_one_dir(cmd, &((fit_args *)a)->dir, w);
}

static const opt_spec fit_cli_opts[] = {
    OPT_LIST("--target", "METRIC=VALUE", fit_args, target, MAX_TARGETS,
             "an observed figure to match; repeatable. METRIC is a metric of summary.csv "
             "(payer_rate) or a breakdown figure FILE.ROW.FIGURE (segments.whale.spend_share, "
             "channels.web.revenue_share, creators.gini)"),
    OPT_TEXT("--targets", "FILE.csv", fit_args, targets,
             "targets from a file with the columns metric,value,weight and, optionally, "
             "tolerance (the error is then counted in tolerances, not relative to the value)"),
    OPT_LIST("--free", "TARGET=LO:HI", fit_args, free, MAX_FREE,
             "a parameter to fit, between LO and HI; repeatable. TARGET is anything a timeline "
             "row may change (segments.whale.gamma, params.p_cashout, ...)"),
    OPT_LIST("--set", "TARGET=VAL", fit_args, sets, OPT_LIST_MAX,
             "change the scenario before the fit (a start of the search, say); repeatable; the "
             "fitted scenario keeps the change"),
    OPT_TEXT("--runs", "R", fit_args, runs, "runs per evaluation (default: the scenario's runs)"),
    OPT_TEXT("--seed", "S", fit_args, seed,
             "the seed of every evaluation (default: the scenario's); the check reruns the fit "
             "on seed S + 1"),
    OPT_INT("--threads", "T", fit_args, threads, 1, 256,
            "worker threads per evaluation (results do not depend on T)"),
    OPT_INT("--max-evals", "N", fit_args, max_evals, 1, 100000,
            "stop the search after N evaluations (default 200)"),
    OPT_TEXT("--out", "DIR", fit_args, out,
             "write fit.csv (targets), fit_params.csv (parameters, bounds, sensitivity), "
             "manifest.csv and scenario/ (the fitted scenario: it extends DIR and holds only what "
             "changed) there"),
    OPT_END};

static const opt_cmd fit_cmd = {
    .name = "fit",
    .usage = "DIR --target METRIC=VALUE ... --free TARGET=LO:HI ... [options]",
    .about = "Fit the free parameters of the scenario in DIR so that its simulated means\n"
             "match observed figures: Nelder-Mead on the weighted sum of squared relative\n"
             "errors (or errors over a tolerance), every evaluation a Monte Carlo job on the\n"
             "same seed, so the objective does not jitter. Then says which parameters the\n"
             "targets pin down and checks the fit on a fresh seed. Ctrl-C stops with the\n"
             "best point so far, written as such.\n"
             "    coinsim fit scenarios/baseline --target payer_rate=0.06 \\\n"
             "        --free segments.casual.alpha=-9:-6 --runs 10 --out /tmp/fit\n",
    .opts = fit_cli_opts,
    .word = one_dir,
    .min_words = 1,
    .none = "no scenario directory given",
    .exits = CLI_X_ALL,
};

/* ------------------------------------------------------------- targets */

/* A real number read from the whole of s (nothing after it), finite. */
static int real_of(const char *s, double *v)
{
    char *end;
    if (!*s)
        return -1;
    *v = strtod(s, &end);
    return *end || !isfinite(*v) ? -1 : 0;
}

static int add_target(const scenario *s, fit_target *t, size_t *nt, const char *name,
                      const char *where)
{
    char msg[600];
    if (*nt >= MAX_TARGETS) {
        fprintf(stderr, "coinsim fit: %s: more than %d targets\n", where, MAX_TARGETS);
        return -1;
    }
    if (fit_target_parse(s, name, &t[*nt], msg, sizeof msg) < 0) {
        fprintf(stderr, "%s: %s\n", where, msg);
        return -1;
    }
    (*nt)++;
    return 0;
}

/* --targets FILE: metric,value,weight[,tolerance]. */
static int read_targets(const scenario *s, const char *path, fit_target *t, size_t *nt)
{
    diag d = {0};
    csvr *r = csvr_open(path, path, &d);
    csvr_row row;
    int col[4] = {-1, -1, -1, -1}, bad = 0;
    static const char *const names[4] = {"metric", "value", "weight", "tolerance"};
    size_t first = *nt;
    if (r && csvr_next(r, &row) > 0) {
        for (size_t i = 0; i < row.n; i++)
            for (int k = 0; k < 4; k++)
                if (strcmp(row.cells[i], names[k]) == 0)
                    col[k] = (int)i;
        for (int k = 0; k < 3; k++)
            if (col[k] < 0) {
                fprintf(stderr,
                        "%s:%ld: column %s: required column missing (expected "
                        "metric,value,weight and optionally tolerance)\n",
                        path, row.line, names[k]);
                bad = 1;
            }
        while (!bad && csvr_next(r, &row) > 0) {
            char where[600];
            snprintf(where, sizeof where, "%s:%ld", path, row.line);
            if (row.n && row.cells[0][0] == '#')
                continue;
            for (int k = 0; k < 4 && !bad; k++)
                if (col[k] >= (int)row.n) {
                    fprintf(stderr, "%s: %zu cells (expected one for every column)\n", where,
                            row.n);
                    bad = 1;
                }
            if (bad || add_target(s, t, nt, row.cells[col[0]], where) < 0) {
                bad = 1;
                break;
            }
            fit_target *x = &t[*nt - 1];
            const char *tol = col[3] >= 0 ? row.cells[col[3]] : "";
            if (real_of(row.cells[col[1]], &x->value) < 0) {
                fprintf(stderr, "%s: column value: \"%s\" (expected a number)\n", where,
                        row.cells[col[1]]);
                bad = 1;
            } else if (real_of(row.cells[col[2]], &x->weight) < 0 || x->weight < 0) {
                fprintf(stderr, "%s: column weight: \"%s\" (expected a number from 0)\n", where,
                        row.cells[col[2]]);
                bad = 1;
            } else if (*tol && (real_of(tol, &x->tol) < 0 || x->tol <= 0)) {
                fprintf(stderr, "%s: column tolerance: \"%s\" (expected a number above 0)\n", where,
                        tol);
                bad = 1;
            }
        }
    }
    if (!bad && r && *nt == first) {
        fprintf(stderr,
                "%s: no target in it (expected a header metric,value,weight and a row "
                "a target)\n",
                path);
        bad = 1;
    }
    cli_print_diag(&d);
    bad |= d.errors > 0;
    diag_clear(&d);
    csvr_close(r);
    return bad ? -1 : 0;
}

/* Every --target and --targets row, then every --free. */
static int parse_all(const fit_args *a, const scenario *s, fit_target *t, size_t *nt, fit_param *p,
                     size_t *np)
{
    for (int i = 0; i < a->target.n; i++) {
        const char *spec = a->target.v[i], *eq = strrchr(spec, '=');
        char name[200], where[300];
        snprintf(where, sizeof where, "--target %s", spec);
        if (!eq || eq == spec || (size_t)(eq - spec) >= sizeof name) {
            fprintf(stderr, "%s: expected METRIC=VALUE\n", where);
            return -1;
        }
        snprintf(name, sizeof name, "%.*s", (int)(eq - spec), spec);
        if (add_target(s, t, nt, name, where) < 0)
            return -1;
        if (real_of(eq + 1, &t[*nt - 1].value) < 0) {
            fprintf(stderr, "%s: \"%s\" is not a number\n", where, eq + 1);
            return -1;
        }
    }
    if (a->targets && read_targets(s, a->targets, t, nt) < 0)
        return -1;
    for (int j = 0; j < a->free.n; j++) {
        char msg[600];
        if (fit_param_parse(s, a->free.v[j], &p[j], msg, sizeof msg) < 0) {
            fprintf(stderr, "--free %s: %s\n", a->free.v[j], msg);
            return -1;
        }
        *np = (size_t)j + 1;
    }
    if (!*nt || !*np) {
        fprintf(stderr,
                "coinsim fit: %s (expected at least one --target or --targets, and one "
                "--free)\n",
                !*nt ? "no target" : "nothing to fit");
        return -1;
    }
    return 0;
}

/* -------------------------------------------------------------- report */

typedef struct fit_job {
    const fit_args *a;
    const scenario *s;
    fit_target t[MAX_TARGETS];
    size_t nt;
    fit_param p[MAX_FREE];
    size_t np;
    fit_result r;
    uint64_t seed, fresh;
    char when[32];
} fit_job;

static int within(const fit_target *t, const stat_row *st)
{
    return t->tol > 0 ? fabs(st->mean - t->value) <= t->tol : 0;
}

/* The largest |move| of target k over any parameter, or of parameter j
 * over any target. */
static double reach(const fit_job *j, size_t k)
{
    double m = 0;
    for (size_t q = 0; q < j->np; q++)
        m = fmax(m, fabs(j->r.sens[q * j->nt + k]));
    return m;
}
static double grip(const fit_job *j, size_t q)
{
    double m = 0;
    for (size_t k = 0; k < j->nt; k++)
        m = fmax(m, fabs(j->r.sens[q * j->nt + k]));
    return m;
}

static const char *verdict(const fit_job *j, size_t k)
{
    const fit_target *t = &j->t[k];
    if (j->r.end != FIT_STOPPED && reach(j, k) < REACH)
        return "not reachable: no free parameter moves it";
    if (t->tol > 0)
        return within(t, &j->r.best[k]) ? "within tolerance" : "outside tolerance";
    return "";
}

static const char *fresh_verdict(const fit_job *j, size_t k)
{
    const stat_row *b = &j->r.best[k], *f = &j->r.fresh[k];
    if (!f->n)
        return "not run";
    if (j->t[k].tol > 0)
        return within(&j->t[k], f) ? "within tolerance" : "outside tolerance";
    return isnan(b->lo) || (f->mean >= b->lo && f->mean <= b->hi) ||
                   (b->mean >= f->lo && b->mean <= f->hi)
               ? "agrees"
               : "differs";
}

/* v for the report: six significant digits, or cents for a large amount
 * (1350000.00, not 1.35e+06). */
static const char *fig(char *buf, size_t n, double v)
{
    snprintf(buf, n, fabs(v) >= 1e5 ? "%.2f" : "%.6g", v);
    return buf;
}

static void print_report(const fit_job *j)
{
    char f1[48], f2[48], f3[48], f4[48];
    const fit_result *r = &j->r;
    printf("\n%s after %d evaluations: objective %.6g (at the start %.6g)\n",
           r->end == FIT_CONVERGED ? "converged"
           : r->end == FIT_STALLED ? "no better point in the last evaluations"
           : r->end == FIT_STOPPED ? "STOPPED: the best point so far"
                                   : "the evaluations ran out (--max-evals)",
           r->evals, r->best_obj, r->start_obj);
    printf("\n%-34s %14s %14s  %-29s %s\n", "target", "observed", "fitted", "95% CI", "");
    for (size_t k = 0; k < j->nt; k++) {
        const stat_row *b = &r->best[k];
        char ci[120];
        if (isnan(b->lo))
            snprintf(ci, sizeof ci, "(one run)");
        else
            snprintf(ci, sizeof ci, "[%s, %s]", fig(f3, sizeof f3, b->lo),
                     fig(f4, sizeof f4, b->hi));
        printf("%-34.34s %14s %14s  %-29s %s\n", j->t[k].name, fig(f1, sizeof f1, j->t[k].value),
               fig(f2, sizeof f2, b->mean), ci, verdict(j, k));
    }
    printf("\n%-34s %12s %12s %12s %12s  %s\n", "parameter", "low", "high", "start", "fitted", "");
    for (size_t q = 0; q < j->np; q++) {
        const fit_param *p = &j->p[q];
        printf("%-34.34s %12.6g %12.6g %12.6g %12.6g  %s%s\n", p->num.target, p->lo, p->hi,
               p->num.value, r->best_x[q], r->edge[q] ? "AT A BOUND " : "",
               r->end == FIT_STOPPED     ? ""
               : grip(j, q) < IDENTIFIED ? "not identified: the targets barely move with it"
                                         : "");
    }
    if (r->end == FIT_STOPPED)
        return;
    printf("\nsensitivity: each target's move over each parameter's whole range, in units of "
           "the target's\nscale (its tolerance, or its value)\n%-34s",
           "");
    for (size_t q = 0; q < j->np; q++)
        printf(" %14.14s", strchr(j->p[q].num.target, '.') + 1);
    putchar('\n');
    for (size_t k = 0; k < j->nt; k++) {
        printf("%-34.34s", j->t[k].name);
        for (size_t q = 0; q < j->np; q++)
            printf(" %14.4f", r->sens[q * j->nt + k]);
        putchar('\n');
    }
    printf("\ncheck on a fresh seed (%llu):\n", (unsigned long long)j->fresh);
    for (size_t k = 0; k < j->nt; k++) {
        const stat_row *f = &r->fresh[k];
        printf("%-34.34s %14s %14s  [%s, %s]  %s\n", j->t[k].name,
               fig(f1, sizeof f1, j->t[k].value), fig(f2, sizeof f2, f->mean),
               fig(f3, sizeof f3, f->lo), fig(f4, sizeof f4, f->hi), fresh_verdict(j, k));
    }
}

/* ------------------------------------------------------------- outputs */

static int write_fit(FILE *f, const void *ud)
{
    const fit_job *j = ud;
    fprintf(f, "# %s after %d evaluations, objective %.9g\n",
            j->r.end == FIT_STOPPED ? "stopped: the best point so far" : "fitted", j->r.evals,
            j->r.best_obj);
    fputs("target,observed,weight,tolerance,fitted_mean,fitted_ci95_low,fitted_ci95_high,"
          "error,verdict,fresh_mean,fresh_ci95_low,fresh_ci95_high,fresh_verdict\n",
          f);
    for (size_t k = 0; k < j->nt; k++) {
        const fit_target *t = &j->t[k];
        const stat_row *b = &j->r.best[k], *fr = &j->r.fresh[k];
        csvw_text(f, t->name);
        fprintf(f, ",%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,", t->value, t->weight, t->tol, b->mean,
                b->lo, b->hi, (b->mean - t->value) / fit_scale(t));
        csvw_text(f, verdict(j, k));
        fprintf(f, ",%.9g,%.9g,%.9g,", fr->mean, fr->lo, fr->hi);
        csvw_text(f, fresh_verdict(j, k));
        fputc('\n', f);
    }
    return 0;
}

static int write_params(FILE *f, const void *ud)
{
    const fit_job *j = ud;
    fputs("parameter,low,high,start,fitted,at_bound,identified", f);
    for (size_t k = 0; k < j->nt; k++) {
        fputs(",sensitivity_", f);
        csvw_text(f, j->t[k].name);
    }
    fputc('\n', f);
    for (size_t q = 0; q < j->np; q++) {
        const fit_param *p = &j->p[q];
        csvw_text(f, p->num.target);
        fprintf(f, ",%.9g,%.9g,%.9g,%.9g,%s,%s", p->lo, p->hi, p->num.value, j->r.best_x[q],
                j->r.edge[q] ? "yes" : "no",
                j->r.end == FIT_STOPPED   ? ""
                : grip(j, q) < IDENTIFIED ? "no"
                                          : "yes");
        for (size_t k = 0; k < j->nt; k++)
            fprintf(f, ",%.9g", j->r.sens[q * j->nt + k]);
        fputc('\n', f);
    }
    return 0;
}

/* scenario/: the fitted scenario, extending DIR and holding what changed. */
static int write_scenario(const char *path, const void *ud, char *msg, size_t n)
{
    const fit_job *j = ud;
    char ext[4096], c1[600], c2[2048], c3[200];
    if (!realpath(j->a->dir, ext))
        snprintf(ext, sizeof ext, "%s", j->a->dir);
    scenario *s = fit_apply(j->s, j->p, j->np, j->r.best_x, msg, n);
    if (!s)
        return -1;
    snprintf(c1, sizeof c1,
             "fitted by coinsim fit on %s (%s after %d evaluations, %lld runs, "
             "seed %llu)",
             j->when, j->r.end == FIT_STOPPED ? "stopped: the best point so far" : "done",
             j->r.evals, (long long)j->s->t.p.runs, (unsigned long long)j->seed);
    size_t used = (size_t)snprintf(c2, sizeof c2, "to the targets");
    for (size_t k = 0; k < j->nt && used < sizeof c2; k++)
        used += (size_t)snprintf(c2 + used, sizeof c2 - used, "%s %s=%.10g", k ? "," : "",
                                 j->t[k].name, j->t[k].value);
    snprintf(c3, sizeof c3, "see fit.csv and fit_params.csv beside this directory");
    const char *comments[] = {c1, c2, c3};
    const char *keys[MAX_FREE + OPT_LIST_MAX];
    char keybuf[OPT_LIST_MAX][64] = {{0}};
    sc_delta dl = {path, ext, comments, 3, keys, 0, {0}};
    /* What changed: every free parameter, and every --set. */
    for (size_t q = 0; q < j->np + (size_t)j->a->sets.n; q++) {
        const char *t = q < j->np ? j->p[q].num.target : j->a->sets.v[q - j->np];
        size_t len = strcspn(t, "=");
        const char *dot = memchr(t, '.', len);
        if (!dot || strncmp(t, "params.", 7) == 0) { /* a params key */
            const char *k = dot ? t + 7 : t;
            size_t kl = len - (size_t)(k - t);
            char *kb = q < j->np ? NULL : keybuf[q - j->np];
            if (kb && kl < 64)
                snprintf(kb, 64, "%.*s", (int)kl, k);
            const char *key = kb ? kb : k;
            size_t i = 0; /* a key both --set and free is written once */
            while (i < dl.nkeys && strcmp(keys[i], key) != 0)
                i++;
            if (i == dl.nkeys && (!kb || kl < 64))
                keys[dl.nkeys++] = key;
        } else
            for (int k = 0; k < SC_NTABLES; k++)
                if (scenario_table_key(k) && strlen(scenario_table_key(k)) == (size_t)(dot - t) &&
                    strncmp(t, scenario_table_key(k), (size_t)(dot - t)) == 0)
                    dl.tables[k] = 1;
    }
    int rc = scenario_save_delta(s, &dl, msg, n);
    scenario_free(s);
    return rc;
}

static int write_out(fit_job *j, int threads)
{
    char msg[1024];
    manifest *m = cli_manifest_job("fit", j->s, (long long)j->s->t.p.runs, threads, &j->a->sets);
    for (size_t k = 0; k < j->nt; k++) {
        char tv[300];
        snprintf(tv, sizeof tv, "%s=%.10g", j->t[k].name, j->t[k].value);
        manifest_add(m, "target", tv);
    }
    for (int q = 0; q < j->a->free.n; q++)
        manifest_add(m, "free", j->a->free.v[q]);
    manifest_add_int(m, "evaluations", j->r.evals);
    const afile_part parts[] = {
        {"fit.csv", write_fit, NULL, j},
        {"fit_params.csv", write_params, NULL, j},
        {"manifest.csv", manifest_write, NULL, m},
        {"scenario", NULL, write_scenario, j},
    };
    int rc = manifest_failed(m) ? -1 : afile_write_set(j->a->out, parts, 4, msg, sizeof msg);
    manifest_free(m);
    if (rc < 0) {
        fprintf(stderr, "coinsim: %s; no output file was replaced\n", msg);
        return CLI_IO;
    }
    printf("\nwrote %s/fit.csv, fit_params.csv, manifest.csv, scenario/ (the fitted scenario)\n",
           j->a->out);
    return 0;
}

/* ----------------------------------------------------------------- run */

static void progress(void *ud, int evals, double obj, double best, const double *x)
{
    const fit_job *j = ud;
    fprintf(stderr, "coinsim: fit evaluation %d: objective %.6g, best %.6g at", evals, obj, best);
    for (size_t q = 0; q < j->np; q++)
        fprintf(stderr, " %s=%.6g", strchr(j->p[q].num.target, '.') + 1, x[q]);
    fputc('\n', stderr);
}

int cmd_fit(int argc, char **argv)
{
    fit_args a;
    memset(&a, 0, sizeof a);
    a.max_evals = 200;
    int rc = cli_parse(&fit_cmd, argc, argv, &a);
    if (rc >= 0)
        return rc;
    fit_job *j = calloc(1, sizeof *j);
    scenario *s = j ? cli_load_sets(a.dir, &a.sets, a.runs, a.seed) : NULL;
    if (!j || !s) {
        free(j);
        return j ? CLI_BADINPUT : CLI_NOMEM;
    }
    j->a = &a;
    j->s = s;
    j->seed = s->t.p.seed;
    j->fresh = s->t.p.seed + 1;
    time_t now = time(NULL);
    strftime(j->when, sizeof j->when, "%Y-%m-%d", gmtime(&now));
    char msg[1024];
    if (parse_all(&a, s, j->t, &j->nt, j->p, &j->np) < 0) {
        fprintf(stderr, "coinsim fit: nothing was run\n");
        rc = CLI_BADINPUT;
    } else if (a.out && afile_prepare_dir(a.out, msg, sizeof msg) < 0) {
        fprintf(stderr, "coinsim: %s; nothing was run\n", msg);
        rc = CLI_IO;
    } else {
        fit_opts o = {
            s->t.p.runs,      j->seed,   j->fresh, (int)cli_threads(a.threads, s->t.p.runs),
            (int)a.max_evals, &cli_stop, progress, j};
        cli_catch_signals();
        int st = fit_run(s, j->t, j->nt, j->p, j->np, &o, &j->r, msg, sizeof msg);
        if (st == SIM_STOPPED)
            rc = cli_interrupted("before the first evaluation ended", a.out, NULL, NULL);
        else if (st != SIM_OK) {
            fprintf(stderr, "coinsim: %s%s\n", msg, a.out ? "; no output file was written" : "");
            rc = cli_exit(st);
        } else {
            print_report(j);
            /* Stopped: the best point is still written (the files would
             * refuse to while the signal stands), then the exit is the
             * signal's. A second signal while writing still ends it. In
             * an MPI job the launcher ends the ranks within a second of
             * its signal: --out is left as it was. */
            int stopped = j->r.end == FIT_STOPPED, alone = dist_size() == 1;
            int sig = stopped && alone ? atomic_exchange(&cli_stop, 0) : 0;
            rc = a.out && (!stopped || alone) ? write_out(j, o.threads) : 0;
            if (sig && !atomic_load(&cli_stop))
                atomic_store(&cli_stop, sig);
            if (stopped && !alone)
                rc = cli_interrupted("during the search (its best point so far is above; in an "
                                     "MPI job it is not written)",
                                     a.out, NULL, NULL);
            else if (stopped && rc == 0)
                rc = cli_interrupted("during the search: its best point so far is above", NULL,
                                     NULL, a.out ? "--out (marked as stopped)" : NULL);
            fit_result_free(&j->r);
        }
    }
    scenario_free(s);
    free(j);
    return rc;
}
