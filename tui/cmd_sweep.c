/* coinsim sweep DIR --vary ...: a grid of values on common random numbers. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../sim/afile.h"
#include "../sim/diag.h"
#include "../sim/kpi.h"
#include "../sim/manifest.h"
#include "../sim/mem.h"
#include "../sim/num.h"
#include "../sim/paired.h"
#include "../sim/report_paired.h"
#include "../sim/scenario.h"
#include "../sim/status.h"
#include "../sim/sweep.h"
#include "cli.h"
#include "opt.h"
#include "page.h"

#define MAX_AXES 8

typedef struct sweep_args {
    const char *dir, *out, *runs, *seed, *objective;
    opt_list sets, varies;
    long long threads, max_points;
    int minimize;
    int report;
} sweep_args;

static int one_dir(const char *cmd, void *a, const char *w)
{
    return cli_one_dir(cmd, &((sweep_args *)a)->dir, w);
}

static const opt_spec sweep_cli_opts[] = {
    OPT_LIST("--vary", "TARGET=SPEC", sweep_args, varies, MAX_AXES,
             "an axis of the grid; repeatable (at most 8, the first varying slowest). "
             "TARGET=LO:HI:STEP takes LO, LO+STEP, ... up to HI (exact decimals); "
             "TARGET=V1,V2,... the values listed. TARGET is anything --set takes: params.KEY "
             "(or KEY), packs.NAME.FIELD, gifts.NAME.FIELD, segments.NAME.FIELD, "
             "sinks.NAME.FIELD, regions.NAME.FIELD"),
    OPT_TEXT("--runs", "R", sweep_args, runs, "runs per point (default: the scenario's runs)"),
    OPT_TEXT("--seed", "S", sweep_args, seed,
             "the seed every point uses (default: the scenario's)"),
    OPT_LIST("--set", "TARGET=VAL", sweep_args, sets, OPT_LIST_MAX,
             "change the scenario before the grid; repeatable"),
    OPT_TEXT("--objective", "M", sweep_args, objective,
             "name the point with the highest mean of metric M, and say whether its CI overlaps "
             "the runner-up's, and whether it lies on the grid's edge"),
    OPT_FLAG("--minimize", sweep_args, minimize, "with --objective: the lowest mean is best"),
    OPT_INT("--max-points", "N", sweep_args, max_points, 1, 1000000,
            "refuse grids of more than N points (default 1000)"),
    OPT_INT("--threads", "T", sweep_args, threads, 1, 256,
            "worker threads over points and runs, 1 to 256 (results do not depend on T)"),
    OPT_TEXT("--out", "DIR", sweep_args, out,
             "write sweep.csv, sweep_channels.csv and sweep_regions.csv (each channel and region "
             "at each point) there, with "
             "manifest.csv (how the job ran, every --vary) and "
             "scenario/ (the scenario before the grid, every --set applied)"),
    OPT_FLAG("--report", sweep_args, report,
             "with --out: also write report.html there (coinsim report)"),
    OPT_END};

static const opt_cmd sweep_cmd = {
    .name = "sweep",
    .usage = "DIR --vary TARGET=SPEC [--vary ...] [options]",
    .about = "Run the scenario in DIR at every point of a grid: one value per varied\n"
             "target, every combination. Every point runs on the same random numbers\n"
             "(the same seed and run numbers), so the differences between points are the\n"
             "values' effect. Prints the mean and 95% CI of the key figures per point.\n"
             "    coinsim sweep scenarios/baseline --vary commission=0.3:0.6:0.1 \\\n"
             "        --objective platform_cash_usd\n",
    .opts = sweep_cli_opts,
    .word = one_dir,
    .min_words = 1,
    .none = "no scenario directory given",
    .exits = CLI_X_ALL,
};

/* ------------------------------------------------------------- the axes */

typedef struct axis_text {
    char *target;
    char **values;
    size_t n;
} axis_text;

static void axis_free(axis_text *a)
{
    for (size_t i = 0; i < a->n; i++)
        free(a->values[i]);
    free(a->values);
    free(a->target);
}

static int push(axis_text *a, const char *v)
{
    char **nv = realloc(a->values, (a->n + 1) * sizeof *nv);
    if (!nv)
        return -1;
    a->values = nv;
    if (!(a->values[a->n] = strdup(v)))
        return -1;
    a->n++;
    return 0;
}

/* The values LO:HI:STEP of spec v. Returns 0, or an exit status after a
 * message. */
static int vary_range(axis_text *a, const char *v, int64_t max_points)
{
    char txt[3][64];
    int64_t x[3];
    const char *names[3] = {"LO", "HI", "STEP"}, *why;
    if (sscanf(v, "%63[^:]:%63[^:]:%63s", txt[0], txt[1], txt[2]) != 3) {
        fprintf(stderr, "coinsim sweep: --vary %s: \"%s\" is not LO:HI:STEP\n", a->target, v);
        return CLI_BADINPUT;
    }
    for (int k = 0; k < 3; k++)
        if (num_parse_dec(txt[k], &x[k], &why) < 0) {
            fprintf(stderr,
                    "coinsim sweep: --vary %s: %s \"%s\": %s (expected a decimal with at most 6 "
                    "places)\n",
                    a->target, names[k], txt[k], why);
            return CLI_BADINPUT;
        }
    if (x[0] > x[1]) {
        fprintf(stderr, "coinsim sweep: --vary %s: LO %s is above HI %s (expected LO <= HI)\n",
                a->target, txt[0], txt[1]);
        return CLI_BADINPUT;
    }
    if (x[2] <= 0) {
        fprintf(stderr, "coinsim sweep: --vary %s: STEP %s (expected a step above 0)\n", a->target,
                txt[2]);
        return CLI_BADINPUT;
    }
    /* The span in 128 bits: LO and HI far apart (each within the
     * decimals' range) would overflow int64. */
    unsigned __int128 count = ((unsigned __int128)((__int128)x[1] - x[0])) / (uint64_t)x[2] + 1;
    if (count > (unsigned __int128)max_points) {
        char n[32];
        if (count > (unsigned __int128)INT64_MAX)
            snprintf(n, sizeof n, "over %lld", (long long)INT64_MAX);
        else
            snprintf(n, sizeof n, "%lld", (long long)count);
        fprintf(stderr, "coinsim sweep: --vary %s: %s values, more than --max-points %lld\n",
                a->target, n, (long long)max_points);
        return CLI_BADINPUT;
    }
    for (int64_t k = 0; k < (int64_t)count; k++) {
        char b[NUM_BUF];
        if (push(a, num_fmt_short(b, x[0] + k * x[2])) < 0)
            return CLI_NOMEM;
    }
    return 0;
}

/* The values V1,V2,... of spec v. Returns 0, or an exit status after a
 * message. */
static int vary_list(axis_text *a, const char *v, int64_t max_points)
{
    char *copy = strdup(v);
    int rc = copy ? 0 : CLI_NOMEM;
    for (char *t = copy, *c = NULL; t && !rc; t = c ? c + 1 : NULL) {
        if ((c = strchr(t, ',')))
            *c = '\0';
        if (!*t) {
            fprintf(stderr,
                    "coinsim sweep: --vary %s: an empty value in \"%s\" (expected values "
                    "separated by single commas)\n",
                    a->target, v);
            rc = CLI_BADINPUT;
        } else if (push(a, t) < 0) {
            rc = CLI_NOMEM;
        }
    }
    free(copy);
    if (!rc && (a->n == 0 || a->n > (size_t)max_points)) {
        fprintf(stderr, "coinsim sweep: --vary %s: %zu values (expected 1 to --max-points %lld)\n",
                a->target, a->n, (long long)max_points);
        rc = CLI_BADINPUT;
    }
    return rc;
}

/* Parse TARGET=LO:HI:STEP or TARGET=V1,V2,... Returns 0, or an exit
 * status after a message. */
static int parse_vary(const char *spec, axis_text *a, int64_t max_points)
{
    const char *eq = strchr(spec, '=');
    memset(a, 0, sizeof *a);
    if (!eq || eq == spec || !eq[1]) {
        fprintf(stderr,
                "coinsim sweep: --vary \"%s\": expected TARGET=LO:HI:STEP or TARGET=V1,V2,...\n",
                spec);
        return CLI_BADINPUT;
    }
    if (!(a->target = strndup(spec, (size_t)(eq - spec))))
        return CLI_NOMEM;
    const char *key = strncmp(a->target, "params.", 7) == 0 ? a->target + 7 : a->target;
    if (!strcmp(key, "runs") || !strcmp(key, "seed")) {
        fprintf(stderr,
                "coinsim sweep: --vary %s: every point runs the same runs on the same seed "
                "(expected --runs or --seed instead)\n",
                a->target);
        return CLI_BADINPUT;
    }
    return strchr(eq + 1, ':') ? vary_range(a, eq + 1, max_points)
                               : vary_list(a, eq + 1, max_points);
}

/* ------------------------------------------------------------- the grid */

/* A sweep under way: what the command made, freed by sweep_done. */
typedef struct job {
    axis_text ax[MAX_AXES];
    sweep_axis axes[MAX_AXES];
    int nax, objective;
    size_t npoints;
    scenario *base, **pts;
    sweep_result *r;
} job;

static void sweep_done(job *j)
{
    sweep_free(j->r);
    sweep_points_free(j->pts, j->npoints);
    scenario_free(j->base);
    for (int k = 0; k < j->nax; k++)
        axis_free(&j->ax[k]);
}

/* Every --vary into j's axes, and the number of points. */
static int parse_axes(const sweep_args *a, job *j)
{
    for (int k = 0; k < a->varies.n; k++) {
        j->nax = k + 1; /* so that sweep_done frees what it holds */
        int rc = parse_vary(a->varies.v[k], &j->ax[k], a->max_points);
        if (rc)
            return rc;
        j->axes[k].target = j->ax[k].target;
        j->axes[k].values = (const char *const *)j->ax[k].values;
        j->axes[k].nvalues = j->ax[k].n;
    }
    j->npoints = sweep_points(j->axes, (size_t)j->nax, (size_t)a->max_points);
    if (!j->npoints) {
        fprintf(stderr, "coinsim sweep: the grid has more than --max-points %lld points\n",
                a->max_points);
        return CLI_BADINPUT;
    }
    return 0;
}

/* The base scenario, and every point of the grid: each varied target is
 * tried once first, on its first value, so that a typo is one line. */
static int build(const sweep_args *a, job *j)
{
    if (!(j->base = cli_load_sets(a->dir, &a->sets, a->runs, a->seed)))
        return CLI_BADINPUT;
    diag d = {0};
    for (int k = 0; k < j->nax; k++) {
        scenario *probe = scenario_clone(j->base);
        char assign[600], label[640];
        snprintf(assign, sizeof assign, "%s=%s", j->ax[k].target, j->ax[k].values[0]);
        snprintf(label, sizeof label, "--vary %s", assign);
        if (probe)
            scenario_set(probe, assign, label, &d); /* problems land in d */
        scenario_free(probe);
    }
    if (!d.errors)
        j->pts = sweep_build(j->base, j->axes, (size_t)j->nax, j->npoints, &d);
    cli_print_diag(&d);
    int bad = d.errors > 0;
    diag_clear(&d);
    if (bad)
        fprintf(stderr, "coinsim sweep: nothing was run\n");
    return bad ? CLI_BADINPUT : 0;
}

static void bar(void *ud, int64_t done, int64_t total)
{
    (void)ud;
    int w = 30, k = total ? (int)(done * w / total) : w;
    if (!isatty(STDERR_FILENO)) { /* a log: a line at each tenth */
        if (cli_progress_tenth(done, total))
            fprintf(stderr, "coinsim: sweep %lld of %lld runs (%lld%%)\n", (long long)done,
                    (long long)total, (long long)(total ? 100 * done / total : 100));
        return;
    }
    fputs("\rcoinsim: sweep [", stderr);
    for (int i = 0; i < w; i++)
        fputc(i < k ? '#' : '.', stderr);
    fprintf(stderr, "] %3lld%% %lld of %lld runs", (long long)(total ? 100 * done / total : 100),
            (long long)done, (long long)total);
    if (done >= total)
        fputs("\r\033[K", stderr);
    fflush(stderr);
}

/* The engine's part of sweep: every run of every point into j->r.
 * Returns 0, or an exit status after a message. */
static int run_grid(job *j, const sweep_opts *o, const char *out)
{
    char msg[1024];
    int st = sweep_run(j->pts, j->axes, (size_t)j->nax, j->npoints, o, &j->r, msg, sizeof msg);
    if (st == SIM_OK)
        return 0;
    j->r = NULL;
    if (st == SIM_STOPPED)
        return cli_interrupted(msg, out, NULL, NULL);
    fprintf(stderr, "coinsim: %s%s\n", msg, out ? "; no output file was written" : "");
    return cli_exit(st);
}

/* ------------------------------------------------------------ the report */

static const int shown[] = {TS_PLATFORM_CASH, TS_CASH_IN, TS_PAYOUTS_NET, M_CREATOR_SHARE};
#define NSHOWN ((int)(sizeof shown / sizeof shown[0]))

static int column(const char *target) { return (int)(strlen(target) > 12 ? strlen(target) : 12); }

/* A point a line: its values, and mean +- CI half-width of the metrics
 * shown and of the objective. */
static void print_table(const job *j)
{
    const sweep_result *r = j->r;
    int nm = NSHOWN, ms[NSHOWN + 1], among = 0;
    memcpy(ms, shown, sizeof shown);
    for (int i = 0; i < NSHOWN; i++)
        among |= shown[i] == j->objective;
    if (j->objective >= 0 && !among)
        ms[nm++] = j->objective;
    printf(
        "sweep: %s, %zu points x %lld runs, seed %llu (every point on the same random numbers)\n\n",
        j->base->t.p.name, j->npoints, (long long)r->runs, (unsigned long long)j->base->t.p.seed);
    for (int k = 0; k < j->nax; k++)
        printf("%-*s ", column(j->ax[k].target), j->ax[k].target);
    for (int i = 0; i < nm; i++)
        printf("%24s%s", kpi_metrics[ms[i]].name, i < NSHOWN ? " " : "");
    printf("\n");
    for (size_t p = 0; p < j->npoints; p++) {
        for (int k = 0; k < j->nax; k++)
            printf("%-*s ", column(j->ax[k].target),
                   j->ax[k].values[r->pick[p * (size_t)j->nax + (size_t)k]]);
        for (int i = 0; i < nm; i++) {
            stat_row s;
            char a[48], h[48], cell[100];
            paired_point(r, p, ms[i], &s);
            cli_human(a, sizeof a, ms[i], s.mean);
            cli_human(h, sizeof h, ms[i], (s.hi - s.lo) / 2);
            snprintf(cell, sizeof cell, "%s +- %s", a, isnan(s.lo) ? "-" : h);
            printf("%24s ", cell);
        }
        printf("\n");
    }
}

/* " T1=V1 T2=V2": point p's values. */
static void print_point(const job *j, size_t p)
{
    for (int k = 0; k < j->nax; k++)
        printf(" %s=%s", j->ax[k].target,
               j->ax[k].values[j->r->pick[p * (size_t)j->nax + (size_t)k]]);
}

/* What paired_edge_at found on axis k, if there is anything to say. */
static void print_edge(const job *j, int k, const paired_edge *e)
{
    const axis_text *a = &j->ax[k];
    if (e->kind == PAIRED_EDGE)
        printf("  warning: the best point is on the edge of the grid: %s=%s is the %s value tried "
               "and beats %s=%s, beyond the noise, so the best may lie beyond it; extend --vary "
               "%s %s %s (to %s, say).\n",
               a->target, a->values[e->at], e->up ? "highest" : "lowest", a->target,
               a->values[e->nb], a->target, e->up ? "above" : "below", a->values[e->at], e->next);
    else if (e->kind == PAIRED_BOUND)
        printf("  note: %s=%s, the best point's value, is the %s %s takes: the grid cannot be "
               "extended that way.\n",
               a->target, a->values[e->at], e->up ? "highest" : "lowest", a->target);
}

/* The best point for the objective, the runner-up, and the grid's edges. */
static void print_best(const job *j, int minimize)
{
    int m = j->objective;
    paired_best b;
    paired_best_point(j->r, m, minimize, &b);
    char mb[48], ms[48], d[48], h[48];
    cli_human(mb, sizeof mb, m, b.b.mean);
    cli_human(ms, sizeof ms, m, b.s.mean);
    printf("\nbest point for %s (%s):", kpi_metrics[m].name, minimize ? "lowest" : "highest");
    print_point(j, b.best);
    printf(", mean %s; runner-up", mb);
    print_point(j, b.second);
    printf(", mean %s.\n", ms);
    printf("  their 95%% CIs %s.\n", isnan(b.b.lo) ? "are undefined (one run)"
                                     : b.overlap   ? "overlap"
                                                   : "do not overlap");
    cli_human(d, sizeof d, m, fabs(b.diff));
    cli_human(h, sizeof h, m, b.half);
    if (!isnan(b.half))
        printf("  paired (same random numbers), best - runner-up = %s%s +- %s: %s.\n",
               b.diff < 0 ? "-" : "", d, h,
               b.ahead ? "the best is ahead beyond the noise" : "not separated from the noise");
    for (int k = 0; k < j->nax; k++) {
        paired_edge e;
        paired_edge_at(j->base, j->axes, (size_t)k, j->r, b.best, m, minimize, &e);
        print_edge(j, k, &e);
    }
}

/* --out's files as one set: sweep.csv, manifest.csv (how the grid ran on
 * threads threads) and scenario/ (the base, before any --vary). A
 * sim_status (msg). */
static int write_out(const sweep_args *a, const job *j, int threads, char *msg, size_t n)
{
    const scenario *s = j->base;
    manifest *m = cli_manifest_job("sweep", s, (long long)s->t.p.runs, threads, &a->sets);
    for (int i = 0; i < a->varies.n; i++)
        manifest_add(m, "vary", a->varies.v[i]);
    if (j->objective >= 0) {
        manifest_add(m, "objective", kpi_metrics[j->objective].name);
        manifest_add(m, "minimize", a->minimize ? "yes" : "no");
        if (j->npoints >= 2) { /* the engine's decision, for a report to show as it is */
            paired_best b;
            paired_best_point(j->r, j->objective, a->minimize, &b);
            manifest_add_int(m, "best_point", (long long)b.best);
        }
    }
    manifest_add_int(m, "timeline_rows", (long long)s->ntl);
    cli_out o;
    if (cli_out_parts(&o, m, s, "sweep", msg, n) < 0)
        return SIM_NOMEM;
    int st = report_paired_sweep(a->out, j->r, j->axes, j->objective, s, o.part, 3, msg, n);
    cli_out_free(&o);
    return st;
}

/* After the runs: sweep.csv, then the table and the best point. */
static int report(const sweep_args *a, const job *j, int threads)
{
    char msg[1024];
    int rc = 0;
    int st = a->out ? write_out(a, j, threads, msg, sizeof msg) : SIM_OK;
    if (st != SIM_OK && cli_stop)
        return cli_interrupted("while writing the output files", a->out, NULL, NULL);
    if (st != SIM_OK) {
        fprintf(stderr, "coinsim: %s\n", msg);
        rc = cli_exit(st);
    }
    print_table(j);
    if (j->objective >= 0 && j->npoints >= 2)
        print_best(j, a->minimize);
    if (a->out && rc == 0)
        printf("\nwrote %s/sweep.csv, sweep_channels.csv, sweep_regions.csv, manifest.csv, "
               "scenario/\n",
               a->out);
    if (a->report && rc == 0)
        rc = page_after("sweep", a->out, PAGE_SWEEP);
    return rc;
}

/* The sweep once the grid is built: its files and memory, the runs and
 * the report. */
static int sweep(const sweep_args *a, job *j)
{
    char msg[1024];
    if (a->out && afile_prepare_dir(a->out, msg, sizeof msg) < 0) {
        fprintf(stderr, "coinsim: %s; nothing was run\n", msg);
        return CLI_IO;
    }
    sweep_opts o;
    memset(&o, 0, sizeof o);
    o.runs = j->base->t.p.runs;
    o.threads = cli_threads(a->threads, (int64_t)j->npoints * o.runs);
    o.hooks.progress = cli_wants_progress() ? bar : NULL;
    o.hooks.stop = &cli_stop;
    /* A run in progress a thread, of the largest point; every run's totals. */
    size_t big = 0;
    for (size_t p = 1; p < j->npoints; p++)
        if (mem_world(j->pts[p]) > mem_world(j->pts[big]))
            big = p;
    int64_t need = mem_job(j->pts[big], o.threads, (int64_t)j->npoints * o.runs, 0);
    int rc = cli_memory(j->pts[big], need, o.threads);
    if (rc)
        return rc;
    cli_catch_signals();
    rc = run_grid(j, &o, a->out);
    return rc == 0 && j->r ? report(a, j, o.threads) : rc;
}

int cmd_sweep(int argc, char **argv)
{
    sweep_args a;
    memset(&a, 0, sizeof a);
    a.max_points = 1000;
    int rc = cli_parse(&sweep_cmd, argc, argv, &a);
    if (rc >= 0)
        return rc;
    if ((rc = page_need_out("sweep", a.report, a.out)))
        return rc;
    if (!a.varies.n) {
        fprintf(stderr,
                "coinsim sweep: nothing to vary (expected at least one --vary TARGET=SPEC)\n");
        return CLI_BADINPUT;
    }
    if (a.minimize && !a.objective) {
        fprintf(stderr, "coinsim sweep: --minimize without --objective (expected --objective "
                        "METRIC with it)\n");
        return CLI_BADINPUT;
    }
    job j;
    memset(&j, 0, sizeof j);
    j.objective = -1;
    if (a.objective && (j.objective = cli_metric("sweep", "--objective", a.objective)) < 0)
        return CLI_BADINPUT;
    if (!(rc = parse_axes(&a, &j)) && !(rc = build(&a, &j)))
        rc = sweep(&a, &j);
    sweep_done(&j);
    return rc;
}
