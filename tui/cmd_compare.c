/* coinsim compare A [B]: a paired A/B comparison on common random numbers. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../sim/afile.h"
#include "../sim/compare.h"
#include "../sim/kpi.h"
#include "../sim/manifest.h"
#include "../sim/mem.h"
#include "../sim/num.h"
#include "../sim/report_paired.h"
#include "../sim/scenario.h"
#include "../sim/status.h"
#include "cli.h"
#include "opt.h"
#include "page.h"

#define MAX_CHANGES OPT_LIST_MAX

typedef struct compare_args {
    const char *dirs[2];
    const char *out, *runs, *seed, *metric;
    long long threads, max_runs;
    double until; /* --until-ci, a percentage; 0 without */
    /* Each side's changes in the order given (--set goes to both, --set-a
     * and --set-b to one), with room for the runs and seed both use. */
    cli_change ch[2][MAX_CHANGES + 2];
    int nch[2];
    /* Every --set, --set-a and --set-b in the order given, for manifest.csv. */
    cli_change given[2 * MAX_CHANGES];
    int ngiven;
    int one_sided; /* a --set-a or --set-b was given */
    int report;
} compare_args;

static int dir_word(const char *cmd, void *p, const char *w)
{
    compare_args *a = p;
    (void)cmd;
    if (a->dirs[1]) {
        fprintf(stderr, "coinsim compare: two scenario directories expected, got a third: \"%s\"\n",
                w);
        return CLI_BADINPUT;
    }
    a->dirs[a->dirs[0] ? 1 : 0] = w;
    return 0;
}

/* --set (both sides), --set-a and --set-b (one side): a change, in order. */
static int change(const char *cmd, void *p, const char *o, const char *v)
{
    compare_args *a = p;
    int only = o[5] == '-' ? o[6] - 'a' : -1; /* the side changed alone: 0 for A, 1 for B */
    (void)cmd;
    const char *pairing = only >= 0 && strchr(v, '=') ? scenario_target_pairing(v) : NULL;
    if (pairing) {
        fprintf(stderr,
                "coinsim compare: %s %s: A and B run on the same seed and number of runs, which "
                "pairs them (expected --%s for both)\n",
                o, v, pairing);
        return CLI_BADINPUT;
    }
    for (int side = 0; side < 2; side++) {
        if (only >= 0 && only != side)
            continue;
        if (a->nch[side] == MAX_CHANGES) {
            fprintf(stderr, "coinsim compare: more than %d changes to %s\n", MAX_CHANGES,
                    side ? "B" : "A");
            return CLI_BADINPUT;
        }
        a->ch[side][a->nch[side]++] = (cli_change){o, NULL, v};
    }
    a->given[a->ngiven++] = (cli_change){o, NULL, v}; /* a side holds at most MAX_CHANGES */
    a->one_sided |= only >= 0;
    return 0;
}

static int until_ci(const char *cmd, void *p, const char *o, const char *v)
{
    int64_t iv;
    const char *why;
    (void)o;
    if (num_parse_dec(v, &iv, &why) < 0 || iv <= 0 || iv > 100 * NUM_MICRO) {
        fprintf(stderr,
                "coinsim %s: --until-ci \"%s\": expected a percentage above 0 and at most 100\n",
                cmd, v);
        return CLI_BADINPUT;
    }
    ((compare_args *)p)->until = (double)iv / NUM_MICRO;
    return 0;
}

static const opt_spec compare_cli_opts[] = {
    OPT_TEXT("--runs", "R", compare_args, runs,
             "paired runs (default: A's runs); with --until-ci, the size of each batch"),
    OPT_TEXT("--seed", "S", compare_args, seed, "the seed both use (default: A's seed)"),
    OPT_CALL("--set", "TARGET=VAL", change, "change both scenarios before they run; repeatable"),
    OPT_CALL("--set-a", "TARGET=VAL", change,
             "change A only; repeatable, applied with --set in the order given (not runs or "
             "seed: they pair A and B)"),
    OPT_CALL("--set-b", "TARGET=VAL", change,
             "change B only, likewise; without B, B is A changed by --set-b"),
    OPT_TEXT("--metric", "M", compare_args, metric,
             "the metric of the verdict and of --until-ci (default platform_cash_usd)"),
    OPT_CALL("--until-ci", "PCT", until_ci,
             "add batches of runs until the CI half-width of M's difference is within PCT% of "
             "the difference"),
    OPT_INT("--max-runs", "N", compare_args, max_runs, 2, 1000000,
            "the most runs --until-ci may use, 2 to 1000000 (default 2000)"),
    OPT_INT("--threads", "T", compare_args, threads, 1, 256,
            "worker threads, 1 to 256 (results do not depend on T)"),
    OPT_TEXT(
        "--out", "DIR", compare_args, out,
        "write compare.csv there (its first lines, starting with #, say what A and B were, "
        "how each was changed, and the runs and seed) and the breakdowns' paired "
        "differences (compare_segments.csv, _channels, _gifts, _creators, _packs, _regions), with "
        "manifest.csv (how the job ran) "
        "and scenario_a/ and scenario_b/ (A and B as they ran, every change applied)"),
    OPT_FLAG("--report", compare_args, report,
             "with --out: also write report.html there (coinsim report)"),
    OPT_END};

static const opt_cmd compare_cmd = {
    .name = "compare",
    .usage = "A [B] [options]",
    .about = "Run scenarios A and B pair by pair: run r of A and run r of B share their\n"
             "random numbers (the same viewers make the same draws for the same\n"
             "decisions), so B - A is the change's effect, not noise. For every metric:\n"
             "A's mean, B's mean, the mean paired difference B - A with its 95% CI, the\n"
             "relative change, whether the CI excludes zero, and how much narrower the\n"
             "CI is than independent runs would give. Without B, B is A itself, changed\n"
             "by --set-b (or A changed by --set-a):\n"
             "    coinsim compare scenarios/baseline --set-b commission=0.4\n",
    .opts = compare_cli_opts,
    .word = dir_word,
    .min_words = 1,
    .none = "no scenario directory given: expected A, and B or --set-b",
    .exits = CLI_X_ALL,
};

/* Load A, then B: each with its changes, then the runs and seed both use
 * (--runs and --seed, or A's), as changes like any other. */
static int load_sides(compare_args *a, scenario *s[2])
{
    char runs[32], seed[32];
    for (int k = 0; k < 2; k++) {
        cli_change *ch = a->ch[k];
        int n = a->nch[k];
        if (k == 1) {
            snprintf(runs, sizeof runs, "%lld", (long long)s[0]->t.p.runs);
            snprintf(seed, sizeof seed, "%llu", (unsigned long long)s[0]->t.p.seed);
        }
        if (a->runs || k == 1)
            ch[n++] =
                (cli_change){a->runs ? "--runs" : "A's runs", "runs", a->runs ? a->runs : runs};
        if (a->seed || k == 1)
            ch[n++] =
                (cli_change){a->seed ? "--seed" : "A's seed", "seed", a->seed ? a->seed : seed};
        if (!(s[k] = cli_load(a->dirs[k], ch, n)))
            return CLI_BADINPUT;
    }
    return 0;
}

static void progress(void *ud, int64_t done, int64_t total)
{
    (void)ud;
    cli_progress("paired runs", done, total);
}

/* The engine's part of compare: every pair of runs. Returns 0 with *r,
 * or an exit status after a message. */
static int run_pairs(scenario *const s[2], const cmp_opts *co, const char *out, cmp_result **r)
{
    char msg[1024];
    int st = compare_run(s[0], s[1], co, r, msg, sizeof msg);
    if (st == SIM_OK)
        return 0;
    *r = NULL;
    if (st == SIM_STOPPED)
        return cli_interrupted(msg, out, NULL, NULL);
    fprintf(stderr, "coinsim: %s%s\n", msg, out ? "; no output file was written" : "");
    return cli_exit(st);
}

static void signed_human(char *buf, size_t n, int m, double v)
{
    char t[48];
    cli_human(t, sizeof t, m, fabs(v));
    snprintf(buf, n, "%s%s", isnan(v) ? "" : v < 0 ? "-" : "+", t);
}

/* What side k was: "A = DIR (NAME) changed by --set ..., --set-a ...". */
static void describe(const compare_args *a, scenario *const s[2], int k, char *buf, size_t n)
{
    size_t at = (size_t)snprintf(buf, n, "%s = %s (%s)", k ? "B" : "A", a->dirs[k], s[k]->t.p.name);
    for (int i = 0; i < a->nch[k] && at < n; i++)
        at += (size_t)snprintf(buf + at, n - at, "%s%s %s", i ? ", " : " changed by ",
                               a->ch[k][i].opt, a->ch[k][i].val);
}

/* Every metric: both means, the paired difference, its CI and pairing. */
static void print_table(scenario *const s[2], const cmp_result *r, char side[2][1024])
{
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
}

/* The verdict on one metric: the difference and what it allows to say. */
static void print_verdict(const cmp_result *r, int metric)
{
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
        return;
    }
    printf("\nverdict on %s: B - A = %s (95%% CI %s to %s", kpi_metrics[metric].name, df, lo, hi);
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

/* What pairing bought on the verdict's metric, and --until-ci's outcome. */
static void print_pairing(const cmp_result *r, int metric, double until)
{
    const cmp_metric *c = &r->m[metric];
    char lo[64], hi[64];
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
}

/* manifest.csv: how the comparison ran on threads threads. NULL out of
 * memory. */
static manifest *record(const compare_args *a, scenario *const s[2], const cmp_result *r,
                        int threads)
{
    manifest *m = cli_manifest("compare");
    manifest_add_scenario(m, "a_", s[0]);
    manifest_add_scenario(m, "b_", s[1]);
    manifest_add_runs(m, s[0], (long long)r->runs); /* B's are A's: they pair */
    manifest_add_steps(m, "a_", s[0]);
    manifest_add_steps(m, "b_", s[1]);
    manifest_add_int(m, "threads", threads);
    for (int i = 0; i < a->ngiven; i++) {
        const char *o = a->given[i].opt; /* --set, --set-a, --set-b */
        manifest_add(m, o[5] == '-' ? (o[6] == 'a' ? "set_a" : "set_b") : "set", a->given[i].val);
    }
    manifest_add_int(m, "a_timeline_rows", (long long)s[0]->ntl);
    manifest_add_int(m, "b_timeline_rows", (long long)s[1]->ntl);
    if (manifest_failed(m)) {
        manifest_free(m);
        return NULL;
    }
    return m;
}

/* --out's files as one set: compare.csv (its comment lines sides) and the
 * breakdowns' comparisons, manifest.csv, scenario_a/ and scenario_b/. A
 * sim_status (msg). */
static int write_out(const compare_args *a, scenario *const s[2], const cmp_result *r, int threads,
                     const char *const sides[3], char *msg, size_t n)
{
    char comment[2][1200];
    manifest *m = record(a, s, r, threads);
    if (!m) {
        snprintf(msg, n, "out of memory");
        return SIM_NOMEM;
    }
    cli_scenario_comment(comment[0], sizeof comment[0], s[0], "compare", "A");
    cli_scenario_comment(comment[1], sizeof comment[1], s[1], "compare", "B");
    manifest_scenario ms[2] = {{s[0], comment[0]}, {s[1], comment[1]}};
    const afile_part extra[] = {{"manifest.csv", manifest_write, NULL, m},
                                {"scenario_a", NULL, manifest_save_scenario, &ms[0]},
                                {"scenario_b", NULL, manifest_save_scenario, &ms[1]},
                                /* a page of older files goes with them (--report
                                   writes the new one once the set is in place) */
                                {"report.html", NULL, NULL, NULL}};
    const scenario *const sc[2] = {s[0], s[1]};
    int st = report_paired_compare(a->out, r, sc, sides, extra, 4, msg, n);
    manifest_free(m);
    return st;
}

/* After the runs: compare.csv, then the table and the verdict. */
static int report(const compare_args *a, scenario *const s[2], const cmp_result *r, int metric,
                  int threads)
{
    char side[2][1024], how[200], msg[1024];
    int rc = 0;
    describe(a, s, 0, side[0], sizeof side[0]);
    describe(a, s, 1, side[1], sizeof side[1]);
    snprintf(how, sizeof how, "%lld paired runs, seed %llu", (long long)r->runs,
             (unsigned long long)s[0]->t.p.seed);
    const char *sides[3] = {side[0], side[1], how};
    int st = a->out ? write_out(a, s, r, threads, sides, msg, sizeof msg) : SIM_OK;
    if (a->out && st == SIM_OK)
        report_paired_unmatched((const scenario *const *)s, stderr);
    if (st != SIM_OK && cli_stop)
        return cli_interrupted("while writing the output files", a->out, NULL, NULL);
    if (st != SIM_OK) {
        fprintf(stderr, "coinsim: %s\n", msg);
        rc = cli_exit(st);
    }
    print_table(s, r, side);
    print_verdict(r, metric);
    print_pairing(r, metric, a->until);
    if (a->out && rc == 0)
        printf("\nwrote %s/compare.csv, compare_segments.csv, compare_channels.csv, "
               "compare_gifts.csv, compare_creators.csv, compare_packs.csv, compare_regions.csv, "
               "manifest.csv, "
               "scenario_a/, scenario_b/\n",
               a->out);
    if (a->report && rc == 0)
        rc = page_after("compare", a->out, PAGE_COMPARE);
    return rc;
}

/* The comparison of the loaded sides, once its files and memory are sure. */
static int compare(const compare_args *a, scenario *const s[2], int metric)
{
    char msg[1024];
    if (a->until > 0 && s[0]->t.p.runs < 2) {
        fprintf(stderr, "coinsim compare: --until-ci needs batches of at least 2 runs\n");
        return CLI_BADINPUT;
    }
    if (a->out && afile_prepare_dir(a->out, msg, sizeof msg) < 0) {
        fprintf(stderr, "coinsim: %s; nothing was run\n", msg);
        return CLI_IO;
    }
    cmp_opts co;
    memset(&co, 0, sizeof co);
    co.runs = s[0]->t.p.runs;
    co.threads = cli_threads(a->threads, co.runs); /* a batch is co.runs runs */
    co.until_ci = a->until;
    co.metric = metric;
    co.max_runs = a->max_runs < co.runs ? co.runs : a->max_runs;
    co.hooks.progress = cli_wants_progress() ? progress : NULL;
    co.hooks.stop = &cli_stop;
    /* A and B run one after the other, a batch at a time: the larger of
     * the two, with every run's totals kept. */
    int64_t most = a->until > 0 ? co.max_runs : co.runs;
    int big = mem_world(s[1]) > mem_world(s[0]);
    int64_t need = mem_job(s[big], co.threads, co.runs, 1) + most * 2 * (int64_t)sizeof(run_result);
    int rc = cli_memory(s[big], need, co.threads);
    if (rc)
        return rc;
    cli_catch_signals();
    cmp_result *r = NULL;
    rc = run_pairs(s, &co, a->out, &r);
    if (r) {
        rc = report(a, s, r, metric, co.threads);
        compare_free(r);
    }
    return rc;
}

int cmd_compare(int argc, char **argv)
{
    compare_args a;
    memset(&a, 0, sizeof a);
    a.max_runs = 2000;
    int rc = cli_parse(&compare_cmd, argc, argv, &a);
    if (rc >= 0)
        return rc;
    if ((rc = page_need_out("compare", a.report, a.out)))
        return rc;
    if (!a.dirs[1]) {
        /* B is A changed: without a change to one side only (--set changes
         * both alike) the comparison says nothing. */
        if (!a.one_sided) {
            fprintf(stderr, "coinsim compare: B is A unless given; with no --set-b or --set-a, A "
                            "and B are the same (expected B, or --set-b TARGET=VAL)\n");
            return CLI_BADINPUT;
        }
        a.dirs[1] = a.dirs[0];
    }
    int metric = cli_metric("compare", "--metric", a.metric ? a.metric : "platform_cash_usd");
    if (metric < 0)
        return CLI_BADINPUT;
    scenario *s[2] = {NULL, NULL};
    rc = load_sides(&a, s);
    if (rc == 0)
        rc = compare(&a, s, metric);
    scenario_free(s[0]);
    scenario_free(s[1]);
    return rc;
}
