/* coinsim sweep DIR --vary ...: a grid of values on common random numbers. */
#define _POSIX_C_SOURCE 200809L
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../sim/diag.h"
#include "../sim/kpi.h"
#include "../sim/mc.h"
#include "../sim/mem.h"
#include "../sim/num.h"
#include "../sim/report.h"
#include "../sim/stats.h"
#include "../sim/sweep.h"
#include "cli.h"
#include "opt.h"

#define MAX_AXES 8

static const char sweep_help[] =
    "usage: coinsim sweep DIR --vary TARGET=SPEC [--vary ...] [options]\n"
    "\n"
    "Run the scenario in DIR at every point of a grid: one value per varied\n"
    "target, every combination. Every point runs on the same random numbers\n"
    "(the same seed and run numbers), so the differences between points are the\n"
    "values' effect. Prints the mean and 95% CI of the key figures per point.\n"
    "\n"
    "  --vary TARGET=LO:HI:STEP   LO, LO+STEP, ... up to HI (exact decimals)\n"
    "  --vary TARGET=V1,V2,...    the values listed\n"
    "                  TARGET is anything --set takes: params.KEY (or KEY),\n"
    "                  packs.NAME.FIELD, gifts.NAME.FIELD, segments.NAME.FIELD\n"
    "options:\n"
    "  --runs R          runs per point (default: the scenario's runs)\n"
    "  --seed S          the seed every point uses (default: the scenario's)\n"
    "  --set TARGET=VAL  change the scenario before the grid; repeatable\n"
    "  --objective M     name the point with the highest mean of metric M, and\n"
    "                    say whether its CI overlaps the runner-up's, and\n"
    "                    whether it lies on the grid's edge\n"
    "  --minimize        with --objective: the lowest mean is best\n"
    "  --max-points N    refuse grids of more than N points (default 1000)\n"
    "  --threads T       worker threads over points and runs (results do not\n"
    "                    depend on T)\n"
    "  --out DIR         write sweep.csv there\n"
    "  -h, --help        this text\n"
    "\n"
    "exit status: 0 done, 1 runtime failure, 2 bad input, 3 ledger identity broken,\n"
    "130 interrupted by Ctrl-C, 143 by SIGTERM (no output file is written)\n";

static const int key_metrics[] = {TS_CASH_IN,    TS_PLATFORM_CASH, TS_PAYOUTS_NET,
                                  TS_STORE_FEES, TS_PURCHASES,     TS_PAYERS,
                                  M_ARPPU,       M_CREATOR_SHARE,  M_TAKE_RATE};
#define NKEY ((int)(sizeof key_metrics / sizeof key_metrics[0]))

static void bar(void *ud, int64_t done, int64_t total)
{
    (void)ud;
    int w = 30, k = total ? (int)(done * w / total) : w;
    fputs("\rcoinsim: sweep [", stderr);
    for (int i = 0; i < w; i++)
        fputc(i < k ? '#' : '.', stderr);
    fprintf(stderr, "] %3lld%% %lld of %lld runs", (long long)(total ? 100 * done / total : 100),
            (long long)done, (long long)total);
    if (done >= total)
        fputs("\r\033[K", stderr);
    fflush(stderr);
}

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

/* Parse TARGET=LO:HI:STEP or TARGET=V1,V2,... Returns 0 or 2 after a message. */
static int parse_vary(const char *spec, axis_text *a, int64_t max_points)
{
    const char *eq = strchr(spec, '='), *why;
    memset(a, 0, sizeof *a);
    if (!eq || eq == spec || !eq[1]) {
        fprintf(stderr,
                "coinsim sweep: --vary \"%s\": expected TARGET=LO:HI:STEP or TARGET=V1,V2,...\n",
                spec);
        return 2;
    }
    a->target = strndup(spec, (size_t)(eq - spec));
    const char *key = strncmp(a->target, "params.", 7) == 0 ? a->target + 7 : a->target;
    if (!strcmp(key, "runs") || !strcmp(key, "seed")) {
        fprintf(stderr,
                "coinsim sweep: --vary %s: every point runs the same runs on the same seed "
                "(expected --runs or --seed instead)\n",
                a->target);
        return 2;
    }
    const char *v = eq + 1;
    if (strchr(v, ':')) {
        char lo_s[64], hi_s[64], st_s[64];
        int64_t lo = 0, hi = 0, st = 0;
        if (sscanf(v, "%63[^:]:%63[^:]:%63s", lo_s, hi_s, st_s) != 3) {
            fprintf(stderr, "coinsim sweep: --vary %s: \"%s\" is not LO:HI:STEP\n", a->target, v);
            return 2;
        }
        const char *names[3] = {"LO", "HI", "STEP"}, *txt[3] = {lo_s, hi_s, st_s};
        int64_t *dst[3] = {&lo, &hi, &st};
        for (int k = 0; k < 3; k++)
            if (num_parse_dec(txt[k], dst[k], &why) < 0) {
                fprintf(stderr,
                        "coinsim sweep: --vary %s: %s \"%s\": %s (expected a decimal with at most "
                        "6 places)\n",
                        a->target, names[k], txt[k], why);
                return 2;
            }
        if (lo > hi) {
            fprintf(stderr, "coinsim sweep: --vary %s: LO %s is above HI %s (expected LO <= HI)\n",
                    a->target, lo_s, hi_s);
            return 2;
        }
        if (st <= 0) {
            fprintf(stderr, "coinsim sweep: --vary %s: STEP %s (expected a step above 0)\n",
                    a->target, st_s);
            return 2;
        }
        /* The span in 128 bits: LO and HI far apart (each within the
         * decimals' range) would overflow int64. */
        unsigned __int128 count = ((unsigned __int128)((__int128)hi - lo)) / (uint64_t)st + 1;
        if (count > (unsigned __int128)max_points) {
            char n[32];
            if (count > (unsigned __int128)INT64_MAX)
                snprintf(n, sizeof n, "over %lld", (long long)INT64_MAX);
            else
                snprintf(n, sizeof n, "%lld", (long long)count);
            fprintf(stderr, "coinsim sweep: --vary %s: %s values, more than --max-points %lld\n",
                    a->target, n, (long long)max_points);
            return 2;
        }
        for (int64_t k = 0; k < (int64_t)count; k++) {
            char b[NUM_BUF];
            if (push(a, num_fmt_short(b, lo + k * st)) < 0)
                return 1;
        }
    } else {
        char *copy = strdup(v);
        if (!copy)
            return 1;
        for (char *t = copy, *c;; t = c + 1) {
            if ((c = strchr(t, ',')))
                *c = '\0';
            if (!*t) {
                fprintf(stderr,
                        "coinsim sweep: --vary %s: an empty value in \"%s\" (expected values "
                        "separated by single commas)\n",
                        a->target, v);
                free(copy);
                return 2;
            }
            if (push(a, t) < 0) {
                free(copy);
                return 1;
            }
            if (!c)
                break;
        }
        free(copy);
        if (a->n == 0 || a->n > (size_t)max_points) {
            fprintf(stderr,
                    "coinsim sweep: --vary %s: %zu values (expected 1 to --max-points %lld)\n",
                    a->target, a->n, (long long)max_points);
            return 2;
        }
    }
    return 0;
}

static void point_stat(const sweep_result *r, size_t p, int m, stat_row *st)
{
    double *x = malloc((size_t)r->runs * sizeof *x), *tmp = malloc((size_t)r->runs * sizeof *tmp);
    if (!x || !tmp) {
        memset(st, 0, sizeof *st);
        st->mean = NAN;
    } else {
        for (int64_t i = 0; i < r->runs; i++)
            x[i] = r->res[p * (size_t)r->runs + (size_t)i].value[m];
        stats_summary(x, (size_t)r->runs, tmp, st);
    }
    free(x);
    free(tmp);
}

static void put(FILE *f, double v)
{
    if (isnan(v))
        fputs(",", f);
    else
        fprintf(f, ",%.6f", v);
}

static int write_csv(const char *dir, const sweep_result *r, const axis_text *ax, int objective,
                     char *msg, size_t n)
{
    afile a;
    if (afile_open(&a, dir, "sweep.csv", msg, n) < 0)
        return -1;
    for (size_t k = 0; k < r->naxes; k++)
        fprintf(a.f, "%s%s", k ? "," : "", ax[k].target);
    int ms[NKEY + 1], nm = 0, have = 0;
    for (int i = 0; i < NKEY; i++) {
        ms[nm++] = key_metrics[i];
        have |= key_metrics[i] == objective;
    }
    if (objective >= 0 && !have)
        ms[nm++] = objective;
    for (int i = 0; i < nm; i++)
        fprintf(a.f, ",%s_mean,%s_ci95_low,%s_ci95_high", kpi_metrics[ms[i]].name,
                kpi_metrics[ms[i]].name, kpi_metrics[ms[i]].name);
    fputc('\n', a.f);
    for (size_t p = 0; p < r->npoints; p++) {
        for (size_t k = 0; k < r->naxes; k++)
            fprintf(a.f, "%s%s", k ? "," : "", ax[k].values[r->pick[p * r->naxes + k]]);
        for (int i = 0; i < nm; i++) {
            stat_row st;
            point_stat(r, p, ms[i], &st);
            put(a.f, st.mean);
            put(a.f, st.lo);
            put(a.f, st.hi);
        }
        fputc('\n', a.f);
    }
    if (afile_commit(&a, msg, n) < 0) {
        afile_abort(&a);
        return -1;
    }
    afile_abort(&a);
    return 0;
}

/* The mean over runs of metric m at point p minus at point q, run by run
 * (the same random numbers), into *mean, and its 95% CI half-width into
 * *half (NaN with one run, or both NaN out of memory). */
static void paired_diff(const sweep_result *r, size_t p, size_t q, int m, double *mean,
                        double *half)
{
    double *dd = malloc((size_t)r->runs * sizeof *dd);
    *mean = *half = NAN;
    if (!dd)
        return;
    for (int64_t i = 0; i < r->runs; i++)
        dd[i] = r->res[p * (size_t)r->runs + (size_t)i].value[m] -
                r->res[q * (size_t)r->runs + (size_t)i].value[m];
    *mean = gsl_stats_mean(dd, 1, (size_t)r->runs);
    if (r->runs > 1)
        *half = stats_ci95_half(gsl_stats_sd_m(dd, 1, (size_t)r->runs, *mean), (size_t)r->runs);
    free(dd);
}

/* Say so when the best point lies on the grid's edge along axis k: its
 * value there is the highest or lowest the axis tried, and it beats its
 * neighbour on that axis (the other axes as they are) beyond the noise
 * (the paired difference's CI excludes zero), so the best may lie beyond. Where the next value out is one the
 * target does not take (a rate above 1, a flag above 1), the edge is the
 * target's own and that is said instead. Axes of one value, of values that
 * are not numbers, or along which the objective does not move are quiet. */
static void edge_note(const scenario *base, const axis_text *ax, int nax, int k,
                      const sweep_result *r, size_t npoints, size_t best, int objective,
                      double sign)
{
    const axis_text *a = &ax[k];
    size_t at = r->pick[best * (size_t)nax + (size_t)k];
    if (a->n < 2)
        return;
    double lo = 0, hi = 0, v;
    for (size_t i = 0; i < a->n; i++) {
        char *end;
        double x = strtod(a->values[i], &end);
        if (end == a->values[i] || *end)
            return;
        lo = i == 0 || x < lo ? x : lo;
        hi = i == 0 || x > hi ? x : hi;
    }
    v = strtod(a->values[at], NULL);
    if (lo == hi || (v != lo && v != hi))
        return;
    int up = v == hi;
    /* The value next inward, and the point that has it with the others. */
    size_t nb = at;
    double xn = up ? lo : hi;
    for (size_t i = 0; i < a->n; i++) {
        double x = strtod(a->values[i], NULL);
        if (up ? x < v && x >= xn : x > v && x <= xn) {
            xn = x;
            nb = i;
        }
    }
    size_t q = npoints;
    for (size_t p = 0; p < npoints && q == npoints; p++) {
        int same = r->pick[p * (size_t)nax + (size_t)k] == nb;
        for (int j = 0; same && j < nax; j++)
            same = j == k ||
                   r->pick[p * (size_t)nax + (size_t)j] == r->pick[best * (size_t)nax + (size_t)j];
        if (same)
            q = p;
    }
    double dm, dh;
    if (q == npoints)
        return;
    paired_diff(r, best, q, objective, &dm, &dh);
    if (!(sign * dm > 0 && fabs(dm) > dh))
        return;
    /* One step further out, written exactly where both values are. */
    char next[NUM_REAL_BUF], assign[600];
    int64_t mv, mn;
    const char *why;
    if (num_parse_dec(a->values[at], &mv, &why) == 0 &&
        num_parse_dec(a->values[nb], &mn, &why) == 0)
        num_fmt_short(next, 2 * mv - mn);
    else
        snprintf(next, sizeof next, "%.15g", 2 * v - xn);
    snprintf(assign, sizeof assign, "%s=%s", a->target, next);
    scenario *probe = scenario_clone(base);
    diag d = {0};
    int takes = probe && scenario_set(probe, assign, "edge", &d) == 0 && !d.errors;
    diag_clear(&d);
    scenario_free(probe);
    if (takes)
        printf("  warning: the best point is on the edge of the grid: %s=%s is the %s value tried "
               "and beats %s=%s, "
               "beyond the noise, so the best may lie beyond it; extend --vary %s %s %s (to %s, "
               "say).\n",
               a->target, a->values[at], up ? "highest" : "lowest", a->target, a->values[nb],
               a->target, up ? "above" : "below", a->values[at], next);
    else
        printf("  note: %s=%s, the best point's value, is the %s %s takes: the grid cannot be "
               "extended that way.\n",
               a->target, a->values[at], up ? "highest" : "lowest", a->target);
}

static const opt_spec sweep_cli_opts[] = {
    {"--vary", 1},    {"--runs", 1},      {"--seed", 1},     {"--set", 1},        {"--out", 1},
    {"--threads", 1}, {"--objective", 1}, {"--minimize", 0}, {"--max-points", 1}, {NULL, 0}};

int cmd_sweep(int argc, char **argv)
{
    const char *dir = NULL, *sets[256], *varies[MAX_AXES], *out = NULL, *runs_s = NULL,
               *seed_s = NULL, *obj_s = NULL;
    int nsets = 0, nvary = 0, threads = 0, minimize = 0;
    int64_t max_points = 1000;
    char msg[1024];

    opt_parser op;
    opt_init(&op, "sweep", sweep_cli_opts, argc, argv);
    const char *on, *v;
    for (int k; (k = opt_next(&op, &on, &v)) != OPT_END;) {
        if (k == OPT_ERROR)
            return 2;
        if (k == OPT_HELP) {
            fputs(sweep_help, stdout);
            return 0;
        }
        if (k == OPT_ARG) {
            if (dir) {
                fprintf(stderr,
                        "coinsim sweep: one scenario directory expected, got \"%s\" and \"%s\"\n",
                        dir, v);
                return 2;
            }
            dir = v;
        } else if (!strcmp(on, "--vary")) {
            if (nvary == MAX_AXES) {
                fprintf(stderr, "coinsim sweep: more than %d --vary options\n", MAX_AXES);
                return 2;
            }
            varies[nvary++] = v;
        } else if (!strcmp(on, "--set")) {
            if (nsets == 256) {
                fprintf(stderr, "coinsim sweep: more than 256 --set options\n");
                return 2;
            }
            sets[nsets++] = v;
        } else if (!strcmp(on, "--runs")) {
            runs_s = v;
        } else if (!strcmp(on, "--seed")) {
            seed_s = v;
        } else if (!strcmp(on, "--out")) {
            out = v;
        } else if (!strcmp(on, "--objective")) {
            obj_s = v;
        } else if (!strcmp(on, "--minimize")) {
            minimize = 1;
        } else if (!strcmp(on, "--threads")) {
            long long t;
            if (cli_int_opt("sweep", on, v, 1, 256, &t))
                return 2;
            threads = (int)t;
        } else { /* --max-points */
            long long t;
            if (cli_int_opt("sweep", on, v, 1, 1000000, &t))
                return 2;
            max_points = t;
        }
    }
    if (!dir) {
        fprintf(stderr, "coinsim sweep: no scenario directory given (see coinsim sweep --help)\n");
        return 2;
    }
    if (!nvary) {
        fprintf(stderr,
                "coinsim sweep: nothing to vary (expected at least one --vary TARGET=SPEC)\n");
        return 2;
    }
    if (minimize && !obj_s) {
        fprintf(stderr, "coinsim sweep: --minimize without --objective (expected --objective "
                        "METRIC with it)\n");
        return 2;
    }
    int objective = -1;
    if (obj_s && (objective = cli_metric("sweep", "--objective", obj_s)) < 0)
        return 2;

    axis_text ax[MAX_AXES];
    sweep_axis axes[MAX_AXES];
    int rc = 0, nax = 0;
    for (; nax < nvary; nax++)
        if ((rc = parse_vary(varies[nax], &ax[nax], max_points)) != 0) {
            nax++;
            break;
        }
    scenario *base = NULL, **pts = NULL;
    sweep_result *r = NULL;
    size_t npoints = 0;
    if (rc)
        goto done;
    for (int k = 0; k < nax; k++) {
        axes[k].target = ax[k].target;
        axes[k].values = (const char *const *)ax[k].values;
        axes[k].nvalues = ax[k].n;
    }
    npoints = sweep_points(axes, (size_t)nax, (size_t)max_points);
    if (!npoints) {
        fprintf(stderr, "coinsim sweep: the grid has more than --max-points %lld points\n",
                (long long)max_points);
        rc = 2;
        goto done;
    }
    if (!(base = cli_load(dir, sets, NULL, nsets, runs_s, seed_s))) {
        rc = 2;
        goto done;
    }
    /* Each varied target once, on its first value, so a typo is one line. */
    diag d = {0};
    for (int k = 0; k < nax; k++) {
        scenario *probe = scenario_clone(base);
        char assign[600], label[640];
        snprintf(assign, sizeof assign, "%s=%s", ax[k].target, ax[k].values[0]);
        snprintf(label, sizeof label, "--vary %s", assign);
        if (probe)
            scenario_set(probe, assign, label, &d); /* problems land in d */
        scenario_free(probe);
    }
    if (!d.errors)
        pts = sweep_build(base, axes, (size_t)nax, npoints, &d);
    cli_print_diag(&d);
    if (d.errors) {
        fprintf(stderr, "coinsim sweep: nothing was run\n");
        diag_clear(&d);
        rc = 2;
        goto done;
    }
    diag_clear(&d);
    if (out && afile_prepare_dir(out, msg, sizeof msg) < 0) {
        fprintf(stderr, "coinsim: %s; nothing was run\n", msg);
        rc = 1;
        goto done;
    }

    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    sweep_opts o;
    memset(&o, 0, sizeof o);
    o.runs = base->t.p.runs;
    o.threads = threads ? threads : (int)(ncpu > 0 ? ncpu : 1);
    if ((int64_t)o.threads > (int64_t)npoints * o.runs)
        o.threads = (int)((int64_t)npoints * o.runs);
    o.progress = isatty(STDERR_FILENO) ? bar : NULL;
    o.stop = &cli_stop;
    /* A run in progress a thread, of the largest point; every run's totals. */
    size_t big = 0;
    for (size_t p = 1; p < npoints; p++)
        if (mem_world(pts[p]) > mem_world(pts[big]))
            big = p;
    if (cli_memory(pts[big], mem_job(pts[big], o.threads, (int64_t)npoints * o.runs, 0),
                   o.threads)) {
        rc = 1;
        goto done;
    }
    cli_catch_signals();
    int st = sweep_run(pts, axes, (size_t)nax, npoints, &o, &r, msg, sizeof msg);
    if (st == SIM_STOPPED) {
        rc = cli_interrupted(msg, out, NULL, NULL);
        goto done;
    }
    if (st != SIM_OK) {
        fprintf(stderr, "coinsim: %s%s\n", msg, out ? "; no output file was written" : "");
        rc = st == SIM_LEDGER ? 3 : 1;
        goto done;
    }
    if (out && write_csv(out, r, ax, objective, msg, sizeof msg) < 0) {
        if (cli_stop) {
            rc = cli_interrupted("while writing the output file", out, NULL, NULL);
            goto done;
        }
        fprintf(stderr, "coinsim: %s\n", msg);
        rc = 1;
    }

    printf(
        "sweep: %s, %zu points x %lld runs, seed %llu (every point on the same random numbers)\n\n",
        base->t.p.name, npoints, (long long)r->runs, (unsigned long long)base->t.p.seed);
    static const int shown[] = {TS_PLATFORM_CASH, TS_CASH_IN, TS_PAYOUTS_NET, M_CREATOR_SHARE};
    for (int k = 0; k < nax; k++)
        printf("%-*s ", (int)(strlen(ax[k].target) > 12 ? strlen(ax[k].target) : 12), ax[k].target);
    for (int i = 0; i < 4; i++)
        printf("%24s ", kpi_metrics[shown[i]].name);
    if (objective >= 0 && objective != shown[0] && objective != shown[1] && objective != shown[2] &&
        objective != shown[3])
        printf("%24s", kpi_metrics[objective].name);
    printf("\n");
    for (size_t p = 0; p < npoints; p++) {
        for (int k = 0; k < nax; k++)
            printf("%-*s ", (int)(strlen(ax[k].target) > 12 ? strlen(ax[k].target) : 12),
                   ax[k].values[r->pick[p * nax + k]]);
        for (int i = 0; i < 5; i++) {
            int m = i < 4 ? shown[i] : objective;
            if (i == 4 && (objective < 0 || objective == shown[0] || objective == shown[1] ||
                           objective == shown[2] || objective == shown[3]))
                break;
            stat_row s;
            char a[48], h[48], cell[100];
            point_stat(r, p, m, &s);
            cli_human(a, sizeof a, m, s.mean);
            cli_human(h, sizeof h, m, (s.hi - s.lo) / 2);
            snprintf(cell, sizeof cell, "%s +- %s", a, isnan(s.lo) ? "-" : h);
            printf("%24s ", cell);
        }
        printf("\n");
    }
    if (objective >= 0 && npoints >= 2) {
        size_t best = 0, second = 1;
        stat_row sb_, ss_;
        double sign = minimize ? -1 : 1;
        for (size_t p = 0; p < npoints; p++) {
            stat_row s;
            point_stat(r, p, objective, &s);
            stat_row b2;
            point_stat(r, best, objective, &b2);
            if (p != best && sign * s.mean > sign * b2.mean)
                best = p;
        }
        second = best == 0 ? 1 : 0;
        for (size_t p = 0; p < npoints; p++) {
            if (p == best)
                continue;
            stat_row s, s2;
            point_stat(r, p, objective, &s);
            point_stat(r, second, objective, &s2);
            if (sign * s.mean > sign * s2.mean)
                second = p;
        }
        point_stat(r, best, objective, &sb_);
        point_stat(r, second, objective, &ss_);
        /* The runner-up against the best, pair by pair (same random numbers). */
        double dm, dh;
        paired_diff(r, best, second, objective, &dm, &dh);
        printf("\nbest point for %s (%s):", kpi_metrics[objective].name,
               minimize ? "lowest" : "highest");
        for (int k = 0; k < nax; k++)
            printf(" %s=%s", ax[k].target, ax[k].values[r->pick[best * nax + k]]);
        char a[48], b[48], c[48], e[48];
        cli_human(a, sizeof a, objective, sb_.mean);
        cli_human(b, sizeof b, objective, ss_.mean);
        printf(", mean %s; runner-up", a);
        for (int k = 0; k < nax; k++)
            printf(" %s=%s", ax[k].target, ax[k].values[r->pick[second * nax + k]]);
        printf(", mean %s.\n", b);
        int overlap = !(sb_.lo > ss_.hi || ss_.lo > sb_.hi);
        printf("  their 95%% CIs %s.\n", isnan(sb_.lo) ? "are undefined (one run)"
                                         : overlap     ? "overlap"
                                                       : "do not overlap");
        cli_human(c, sizeof c, objective, fabs(dm));
        cli_human(e, sizeof e, objective, dh);
        if (!isnan(dh))
            printf("  paired (same random numbers), best - runner-up = %s%s +- %s: %s.\n",
                   dm < 0 ? "-" : "", c, e,
                   fabs(dm) > dh ? "the best is ahead beyond the noise"
                                 : "not separated from the noise");
        for (int k = 0; k < nax; k++)
            edge_note(base, ax, nax, k, r, npoints, best, objective, sign);
    }
    if (out && rc == 0)
        printf("\nwrote %s/sweep.csv\n", out);
done:
    sweep_free(r);
    sweep_points_free(pts, npoints);
    scenario_free(base);
    for (int k = 0; k < nax; k++)
        axis_free(&ax[k]);
    return rc;
}
