/* coinsim compare A B: a paired A/B comparison on common random numbers. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../sim/compare.h"
#include "../sim/kpi.h"
#include "../sim/mc.h"
#include "../sim/mem.h"
#include "../sim/num.h"
#include "../sim/report.h"
#include "../sim/scenario.h"
#include "cli.h"
#include "opt.h"

static const char compare_help[] =
    "usage: coinsim compare A [B] [options]\n"
    "\n"
    "Run scenarios A and B pair by pair: run r of A and run r of B share their\n"
    "random numbers (the same viewers make the same draws for the same\n"
    "decisions), so B - A is the change's effect, not noise. For every metric:\n"
    "A's mean, B's mean, the mean paired difference B - A with its 95% CI, the\n"
    "relative change, whether the CI excludes zero, and how much narrower the\n"
    "CI is than independent runs would give. Without B, B is A itself, changed\n"
    "by --set-b (or A changed by --set-a):\n"
    "    coinsim compare scenarios/baseline --set-b commission=0.4\n"
    "\n"
    "options:\n"
    "  --runs R          paired runs (default: A's runs); with --until-ci, the\n"
    "                    size of each batch\n"
    "  --seed S          the seed both use (default: A's seed)\n"
    "  --set TARGET=VAL  change both scenarios before they run; repeatable\n"
    "  --set-a TARGET=VAL, --set-b TARGET=VAL\n"
    "                    change A only, or B only; repeatable, applied with\n"
    "                    --set in the order given\n"
    "  --metric M        the metric of the verdict and of --until-ci\n"
    "                    (default platform_cash_usd)\n"
    "  --until-ci PCT    add batches of runs until the CI half-width of M's\n"
    "                    difference is within PCT% of the difference\n"
    "  --max-runs N      the most runs --until-ci may use (default 2000)\n"
    "  --threads T       worker threads (results do not depend on T)\n"
    "  --out DIR         write compare.csv there (its first lines, starting\n"
    "                    with #, say what A and B were, how each was changed,\n"
    "                    and the runs and seed)\n"
    "  -h, --help        this text\n"
    "\n"
    "exit status: 0 done, 1 runtime failure, 2 bad input, 3 ledger identity broken,\n"
    "130 interrupted by Ctrl-C, 143 by SIGTERM (no output file is written)\n";

static void progress(void *ud, int64_t done, int64_t total)
{
    (void)ud;
    cli_progress("paired runs", done, total);
}

static void put(FILE *f, double v)
{
    if (isnan(v))
        fputs(",", f);
    else
        fprintf(f, ",%.6f", v);
}

/* compare.csv: three comment lines saying what A and B were (side[0] and
 * side[1], "A = DIR (NAME) changed by ...") and how they ran (side[2]),
 * then a row a metric. */
static int write_csv(const char *dir, const cmp_result *r, const char *const *side, char *msg,
                     size_t n)
{
    afile a;
    if (afile_open(&a, dir, "compare.csv", msg, n) < 0)
        return -1;
    fprintf(a.f, "# %s\n# %s\n# %s\n", side[0], side[1], side[2]);
    fputs("metric,a_mean,b_mean,diff_mean,diff_ci95_low,diff_ci95_high,rel_change,significant\n",
          a.f);
    for (int m = 0; m < M_N; m++) {
        const cmp_metric *c = &r->m[m];
        fputs(kpi_metrics[m].name, a.f);
        put(a.f, c->a_mean);
        put(a.f, c->b_mean);
        put(a.f, c->diff_mean);
        put(a.f, c->diff_lo);
        put(a.f, c->diff_hi);
        put(a.f, c->rel_change);
        fprintf(a.f, ",%s\n",
                isnan(c->diff_lo) ? ""
                : c->significant  ? "yes"
                                  : "no"); /* empty: one run */
    }
    if (afile_commit(&a, msg, n) < 0) {
        afile_abort(&a);
        return -1;
    }
    afile_abort(&a);
    return 0;
}

static void signed_human(char *buf, size_t n, int m, double v)
{
    char t[48];
    cli_human(t, sizeof t, m, fabs(v));
    snprintf(buf, n, "%s%s", isnan(v) ? "" : v < 0 ? "-" : "+", t);
}

static const opt_spec compare_cli_opts[] = {{"--set", 1},      {"--set-a", 1},    {"--set-b", 1},
                                            {"--runs", 1},     {"--seed", 1},     {"--out", 1},
                                            {"--threads", 1},  {"--until-ci", 1}, {"--metric", 1},
                                            {"--max-runs", 1}, {NULL, 0}};

#define MAX_SETS 256

/* Whether the change v ("KEY=VALUE") sets params' key. */
static int paired_key(const char *v, const char *key)
{
    if (strncmp(v, "params.", 7) == 0)
        v += 7;
    size_t n = strlen(key);
    return strncmp(v, key, n) == 0 && v[n] == '=';
}

int cmd_compare(int argc, char **argv)
{
    const char *dirs[2] = {NULL, NULL}, *out = NULL, *runs_s = NULL, *seed_s = NULL,
               *metric_s = NULL;
    /* Each side's changes in the order given: --set goes to both, --set-a
     * and --set-b to one; labels name the option in messages. */
    const char *sets[2][MAX_SETS];
    char *labels[2][MAX_SETS];
    int nsets[2] = {0, 0}, threads = 0, rc = 2, one_sided = 0;
    double until = 0;
    int64_t max_runs = 2000;
    char msg[1024];
    scenario *s[2] = {NULL, NULL};
    cmp_result *r = NULL;

    opt_parser p;
    opt_init(&p, "compare", compare_cli_opts, argc, argv);
    const char *o, *v;
    for (int k; (k = opt_next(&p, &o, &v)) != OPT_END;) {
        const char *why;
        int64_t iv;
        if (k == OPT_ERROR)
            goto done;
        if (k == OPT_HELP) {
            fputs(compare_help, stdout);
            rc = 0;
            goto done;
        }
        if (k == OPT_ARG) {
            if (dirs[1]) {
                fprintf(stderr,
                        "coinsim compare: two scenario directories expected, got a third: \"%s\"\n",
                        v);
                goto done;
            }
            dirs[dirs[0] ? 1 : 0] = v;
        } else if (!strncmp(o, "--set", 5)) {
            for (int side = 0; side < 2; side++) {
                if (o[5] == '-' && o[6] != "ab"[side])
                    continue;
                if (o[5] == '-' && (paired_key(v, "runs") || paired_key(v, "seed"))) {
                    fprintf(
                        stderr,
                        "coinsim compare: %s %s: A and B run on the same seed and number of runs, "
                        "which pairs them (expected --%s for both)\n",
                        o, v, paired_key(v, "runs") ? "runs" : "seed");
                    goto done;
                }
                if (nsets[side] == MAX_SETS) {
                    fprintf(stderr, "coinsim compare: more than %d changes to %s\n", MAX_SETS,
                            side ? "B" : "A");
                    goto done;
                }
                size_t n = strlen(o) + strlen(v) + 2;
                char *l = malloc(n);
                if (!l) {
                    fprintf(stderr, "coinsim compare: out of memory\n");
                    rc = 1;
                    goto done;
                }
                snprintf(l, n, "%s %s", o, v);
                one_sided |= o[5] == '-';
                sets[side][nsets[side]] = v;
                labels[side][nsets[side]++] = l;
            }
        } else if (!strcmp(o, "--runs")) {
            runs_s = v;
        } else if (!strcmp(o, "--seed")) {
            seed_s = v;
        } else if (!strcmp(o, "--out")) {
            out = v;
        } else if (!strcmp(o, "--metric")) {
            metric_s = v;
        } else if (!strcmp(o, "--threads")) {
            long long t;
            if (cli_int_opt("compare", o, v, 1, 256, &t))
                goto done;
            threads = (int)t;
        } else if (!strcmp(o, "--max-runs")) {
            long long t;
            if (cli_int_opt("compare", o, v, 2, 1000000, &t))
                goto done;
            max_runs = t;
        } else { /* --until-ci */
            if (num_parse_dec(v, &iv, &why) < 0 || iv <= 0 || iv > 100 * NUM_MICRO) {
                fprintf(stderr,
                        "coinsim compare: --until-ci \"%s\": expected a percentage above 0 and at "
                        "most 100\n",
                        v);
                goto done;
            }
            until = (double)iv / NUM_MICRO;
        }
    }
    if (!dirs[0]) {
        fprintf(stderr, "coinsim compare: no scenario directory given: expected A, and B or "
                        "--set-b (see coinsim compare --help)\n");
        goto done;
    }
    if (!dirs[1]) {
        /* B is A changed: without a change to one side only (--set changes
         * both alike) the comparison says nothing. */
        if (!one_sided) {
            fprintf(stderr, "coinsim compare: B is A unless given; with no --set-b or --set-a, A "
                            "and B are the same "
                            "(expected B, or --set-b TARGET=VAL)\n");
            goto done;
        }
        dirs[1] = dirs[0];
    }
    int metric = cli_metric("compare", "--metric", metric_s ? metric_s : "platform_cash_usd");
    if (metric < 0)
        goto done;

    /* Each side gets its changes and the shared runs and seed: A's unless
     * given. */
    for (int k = 0; k < 2; k++)
        if (!(s[k] = cli_load(dirs[k], sets[k], (const char *const *)labels[k], nsets[k], runs_s,
                              seed_s)))
            goto done;
    if (!seed_s)
        s[1]->t.p.seed = s[0]->t.p.seed;
    if (!runs_s)
        s[1]->t.p.runs = s[0]->t.p.runs;
    if (until > 0 && s[0]->t.p.runs < 2) {
        fprintf(stderr, "coinsim compare: --until-ci needs batches of at least 2 runs\n");
        goto done;
    }
    if (out && afile_prepare_dir(out, msg, sizeof msg) < 0) {
        fprintf(stderr, "coinsim: %s; nothing was run\n", msg);
        rc = 1;
        goto done;
    }

    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    cmp_opts co;
    memset(&co, 0, sizeof co);
    co.runs = s[0]->t.p.runs;
    co.threads = threads ? threads : (int)(ncpu > 0 ? ncpu : 1);
    if (co.threads > co.runs)
        co.threads = (int)co.runs; /* a batch is co.runs runs */
    co.until_ci = until;
    co.metric = metric;
    co.max_runs = max_runs < co.runs ? co.runs : max_runs;
    co.progress = isatty(STDERR_FILENO) ? progress : NULL;
    co.stop = &cli_stop;
    /* A and B run one after the other, a batch at a time: the larger of
     * the two, with every run's totals kept. */
    int64_t most = until > 0 ? co.max_runs : co.runs;
    int big = mem_world(s[1]) > mem_world(s[0]);
    if (cli_memory(s[big],
                   mem_job(s[big], co.threads, co.runs, 1) + most * 2 * (int64_t)sizeof(run_result),
                   co.threads)) {
        rc = 1;
        goto done;
    }
    cli_catch_signals();

    int st = compare_run(s[0], s[1], &co, &r, msg, sizeof msg);
    if (st == SIM_STOPPED) {
        rc = cli_interrupted(msg, out, NULL, NULL);
        goto done;
    }
    if (st != SIM_OK) {
        fprintf(stderr, "coinsim: %s%s\n", msg, out ? "; no output file was written" : "");
        rc = st == SIM_LEDGER ? 3 : 1;
        goto done;
    }

    /* What was compared: each side's directory, name and changes. */
    char side[2][1024];
    for (int k = 0; k < 2; k++) {
        size_t at = (size_t)snprintf(side[k], sizeof side[k], "%s = %s (%s)", k ? "B" : "A",
                                     dirs[k], s[k]->t.p.name);
        for (int i = 0; i < nsets[k] && at < sizeof side[k]; i++)
            at += (size_t)snprintf(side[k] + at, sizeof side[k] - at, "%s%s",
                                   i ? ", " : " changed by ", labels[k][i]);
    }
    rc = 0;
    char how[200];
    snprintf(how, sizeof how, "%lld paired runs, seed %llu", (long long)r->runs,
             (unsigned long long)s[0]->t.p.seed);
    const char *sides[3] = {side[0], side[1], how};
    if (out && write_csv(out, r, sides, msg, sizeof msg) < 0) {
        if (cli_stop) {
            rc = cli_interrupted("while writing the output file", out, NULL, NULL);
            goto done;
        }
        fprintf(stderr, "coinsim: %s\n", msg);
        rc = 1;
    }
    printf("compare: A = %s, B = %s; %lld paired runs (run r of each on the same random numbers), "
           "seed %llu\n",
           s[0]->t.p.name, s[1]->t.p.name, (long long)r->runs, (unsigned long long)s[0]->t.p.seed);
    printf("  %s\n  %s\n\n", side[0], side[1]);
    printf("%-27s %14s %14s %13s   %-29s %8s %4s %8s\n", "metric", "A mean", "B mean", "B - A",
           "95% CI of B - A", "change", "sig", "pairing");
    for (int m = 0; m < M_N; m++) {
        const cmp_metric *c = &r->m[m];
        char a[64], b[64], df[64], lo[64], hi[64], ci[160], rel[32], pr[32];
        cli_human(a, sizeof a, m, c->a_mean);
        cli_human(b, sizeof b, m, c->b_mean);
        signed_human(df, sizeof df, m, c->diff_mean);
        signed_human(lo, sizeof lo, m, c->diff_lo);
        signed_human(hi, sizeof hi, m, c->diff_hi);
        if (isnan(c->diff_lo))
            snprintf(ci, sizeof ci, "(one run)");
        else
            snprintf(ci, sizeof ci, "[%s, %s]", lo, hi);
        if (isnan(c->rel_change))
            snprintf(rel, sizeof rel, "-");
        else
            snprintf(rel, sizeof rel, "%+.1f%%", 100 * c->rel_change);
        if (isnan(c->var_ratio))
            snprintf(pr, sizeof pr, "-");
        else
            snprintf(pr, sizeof pr, "%.1fx", sqrt(c->var_ratio));
        printf("%-27s %14s %14s %13s   %-29s %8s %4s %8s\n", kpi_metrics[m].name, a, b, df, ci, rel,
               isnan(c->diff_lo) ? "-"
               : c->significant  ? "yes"
                                 : "no",
               pr);
    }
    const cmp_metric *c = &r->m[metric];
    char df[64], lo[64], hi[64];
    signed_human(df, sizeof df, metric, c->diff_mean);
    signed_human(lo, sizeof lo, metric, c->diff_lo);
    signed_human(hi, sizeof hi, metric, c->diff_hi);
    if (isnan(c->diff_lo)) {
        /* One pair: a difference, but nothing to say how far chance made it. */
        printf("\nverdict on %s: B - A = %s in the one paired run", kpi_metrics[metric].name, df);
        if (!isnan(c->rel_change))
            printf(" (%+.2f%% of A)", 100 * c->rel_change);
        printf(".\n  No conclusion: with one run there is no interval; use --runs 2 or more.\n");
    } else {
        printf("\nverdict on %s: B - A = %s (95%% CI %s to %s", kpi_metrics[metric].name, df, lo,
               hi);
        if (!isnan(c->rel_change))
            printf(", %+.2f%% of A", 100 * c->rel_change);
        printf(").\n");
        if (c->significant)
            printf("  B is %s than A: the interval excludes zero.\n",
                   c->diff_mean > 0 ? "higher" : "lower");
        else if (c->diff_lo == 0 && c->diff_hi == 0)
            printf("  No difference at all: every paired run gave the same figure.\n");
        else
            printf("  No clear difference: the interval includes zero (more runs, or --until-ci, "
                   "may settle it).\n");
    }
    if (!isnan(c->var_ratio))
        printf("  Pairing: the CI is %.1fx narrower than %lld independent runs of each would give "
               "(half-width %s against %s); independent runs would need %.0fx as many runs.\n",
               sqrt(c->var_ratio), (long long)r->runs,
               (cli_human(lo, sizeof lo, metric, (c->diff_hi - c->diff_lo) / 2), lo),
               (cli_human(hi, sizeof hi, metric, c->half_unpaired), hi), c->var_ratio);
    if (until > 0)
        printf("  --until-ci %g: %s after %lld runs (half-width %.2f%% of the difference).\n",
               until, r->converged ? "reached" : "NOT reached", (long long)r->runs,
               c->diff_mean != 0 ? 100 * (c->diff_hi - c->diff_lo) / 2 / fabs(c->diff_mean) : 0.0);
    if (out && rc == 0)
        printf("\nwrote %s/compare.csv\n", out);
done:
    compare_free(r);
    scenario_free(s[0]);
    scenario_free(s[1]);
    for (int k = 0; k < 2; k++)
        for (int i = 0; i < nsets[k]; i++)
            free(labels[k][i]);
    return rc;
}
