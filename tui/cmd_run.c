/* coinsim run, validate and tour: a scenario simulated, checked, or
 * toured in the dashboard. */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../sim/afile.h"
#include "../sim/dist.h"
#include "../sim/evlog.h"
#include "../sim/manifest.h"
#include "../sim/mc.h"
#include "../sim/mem.h"
#include "../sim/num.h"
#include "../sim/report.h"
#include "../sim/run.h"
#include "../sim/scenario.h"
#include "../sim/status.h"
#include "cli.h"
#include "dash.h"
#include "opt.h"
#include "page.h"
#include "ui.h"

/* The options of run, validate and tour. */
typedef struct run_args {
    const char *dir, *out, *runs, *seed, *events, *events_run;
    opt_list sets;
    long long threads;
    int check, headless, ascii, nocolor;
    int report; /* --report: PAGE_RUN; the tour's --report DIR: PAGE_EXPLAIN */
} run_args;

static int one_dir(const char *cmd, void *a, const char *w)
{
    return cli_one_dir(cmd, &((run_args *)a)->dir, w);
}

/* The options more than one of the three take. */
#define SET_OPT(help) OPT_LIST("--set", "TARGET=VAL", run_args, sets, OPT_LIST_MAX, help)
#define ASCII_OPT(what) \
    OPT_FLAG("--ascii", run_args, ascii, what " without Unicode (for terminals that lack it)")
#define NO_COLOR_OPT(what)                    \
    OPT_FLAG("--no-color", run_args, nocolor, \
             what " without colour (NO_COLOR in the environment does the same)")
#define SET_HELP                                                                \
    "TARGET is params.KEY (or just KEY), packs.NAME.FIELD, gifts.NAME.FIELD, "  \
    "segments.NAME.FIELD, sinks.NAME.FIELD or regions.NAME.FIELD.\ne.g. --set " \
    "commission=0.4 --set packs.app65.price_usd=0.89 --set regions.br.per_usd=7.29"

static const opt_spec run_cli_opts[] = {
    OPT_FLAG("--headless", run_args, headless,
             "print the summary instead of opening the dashboard (also the case with --out, "
             "--events or --check, when stdin or stdout is not a terminal, or when TERM cannot "
             "move the cursor; in a locale that is not UTF-8 the dashboard draws as --ascii does)"),
    ASCII_OPT("dashboard"),
    NO_COLOR_OPT("dashboard"),
    OPT_TEXT("--runs", "R", run_args, runs,
             "Monte Carlo runs (overrides params runs, after every --set)"),
    OPT_TEXT("--seed", "S", run_args, seed,
             "master seed, 0 to 2^64-1 (overrides params seed, after every --set)"),
    OPT_INT("--threads", "T", run_args, threads, 1, 256,
            "worker threads, 1 to 256 (default: the processors, at most R); the results are the "
            "same bytes for every T"),
    OPT_TEXT("--out", "DIR", run_args, out,
             "write summary.csv, timeseries.csv, runs.csv, pack_sales.csv and the breakdowns "
             "(segments.csv, channels.csv, gifts.csv, regions.csv, creators.csv) there, with "
             "manifest.csv (how "
             "the job ran) and scenario/ (the scenario as it ran, every change "
             "applied); created if missing, before anything runs; files are replaced only when "
             "every one of them is complete"),
    OPT_FLAG("--report", run_args, report,
             "with --out: also write report.html there (coinsim report)"),
    OPT_TEXT("--events", "FILE", run_args, events,
             "write the event log of one run to FILE (purchases, gifts, lost intents, cash-outs, "
             "churn, free coins, sinks, lost sinks; warm-up steps negative; see replay)"),
    OPT_TEXT("--events-run", "N", run_args, events_run,
             "the run whose events --events writes (default 1)"),
    OPT_FLAG("--check", run_args, check,
             "check the ledger identities after every step (they are always checked at the end "
             "of each run)"),
    SET_OPT(
        "change the scenario before it runs; repeatable, applied in the order given. " SET_HELP),
    OPT_END};

static const opt_cmd run_cmd = {
    .name = "run",
    .usage = "DIR [options]",
    .about = "Simulate the scenario in directory DIR (see README.md for its tables)\n"
             "many times. On a terminal, the dashboard shows one run step by step with\n"
             "the band of all runs, and takes live changes (? in it explains each view);\n"
             "headless, it prints each figure's mean and 95% confidence interval.\n",
    .opts = run_cli_opts,
    .word = one_dir,
    .min_words = 1,
    .none = "no scenario directory given",
    .exits = CLI_X_ALL,
};

static const opt_spec validate_cli_opts[] = {
    SET_OPT("change the scenario before it is checked; repeatable, applied in the order "
            "given. " SET_HELP),
    OPT_END};

static const opt_cmd validate_cmd = {
    .name = "validate",
    .usage = "DIR [--set TARGET=VAL ...]",
    .about = "Check the scenario in DIR (and its bases, through extends) and list every\n"
             "problem as FILE:LINE: column NAME: what is wrong (what was expected).\n"
             "Warnings (a timeline row that never applies, a segment that can reach no\n"
             "gift) are listed but do not fail.\n",
    .opts = validate_cli_opts,
    .word = one_dir,
    .min_words = 1,
    .none = "no scenario directory given",
    .exits = CLI_X_OK | CLI_X_BADINPUT,
    .ok = "the scenario is valid (a line describing it on stdout)",
};

static const opt_spec tour_cli_opts[] = {
    ASCII_OPT("the tour"),
    NO_COLOR_OPT("the tour"),
    OPT_FLAG("--report", run_args, report,
             "instead of the tour, run the scenario headless, write its files in --out DIR and "
             "report.html there: the tour's story of where a viewer's dollar goes on one page, "
             "for a class (no terminal needed)"),
    OPT_TEXT("--out", "DIR", run_args, out, "with --report: where the files and the page go"),
    SET_OPT("change the scenario before the tour; repeatable"),
    OPT_END};

static const opt_cmd tour_cmd = {
    .name = "tour",
    .usage = "[DIR] [--set T=V ...] [--report --out DIR] [options]",
    .about = "A guided tour of the economy in the dashboard: a welcome and eleven stops:\n"
             "recharge, the store's fee, gifts, commission, diamonds, cash-out, breakage,\n"
             "whales, concentration, a price change and its effect. The simulation pauses at\n"
             "each stop and the part of the screen it talks about is highlighted.\n"
             "Enter goes on, Backspace goes back, Esc leaves the tour, q quits.\n"
             "DIR defaults to scenarios/baseline. Needs a terminal of at least 80x24.\n"
             "With --report --out DIR it runs headless instead and writes DIR/report.html,\n"
             "the tour's story on one page for a class, beside the run's files.\n",
    .opts = tour_cli_opts,
    .word = one_dir,
    .exits = CLI_X_ALL,
};

/* a->dir with every --set, then --runs and --seed, applied and checked. */
static scenario *load_args(const run_args *a)
{
    return cli_load_sets(a->dir, &a->sets, a->runs, a->seed);
}

int cmd_validate(int argc, char **argv)
{
    run_args a;
    memset(&a, 0, sizeof a);
    int rc = cli_parse(&validate_cmd, argc, argv, &a);
    if (rc >= 0)
        return rc;
    scenario *s = load_args(&a);
    if (!s)
        return CLI_BADINPUT;
    const sc_tables *t = &s->t;
    char label[600];
    cli_scenario_label(label, sizeof label, s);
    printf("%s: valid — %zu packs, %zu gifts, %zu sinks, %zu segments, %zu timeline rows; "
           "%lld viewers, %lld creators, %lld steps (after %lld of warm-up), %lld runs\n",
           label, t->npacks, t->ngifts, t->nsinks, t->nsegs, s->ntl, (long long)t->p.viewers,
           (long long)t->p.creators, (long long)t->p.steps, (long long)t->p.warmup_steps,
           (long long)t->p.runs);
    scenario_free(s);
    return CLI_OK;
}

/* The dashboard on s (run, or the tour), once the memory it needs is
 * known to be there. */
static int dashboard(scenario *s, const run_args *a, int tour)
{
    dash_opts o;
    memset(&o, 0, sizeof o);
    o.ascii = a->ascii;
    o.color = !a->nocolor && !cli_no_color();
    o.threads = cli_threads(a->threads, 0);
    o.tour = tour;
    /* The run on screen, and the runs behind the band in the background:
     * checked before the terminal is taken over. */
    int bg = o.threads < s->t.p.runs ? o.threads : (int)s->t.p.runs;
    int rc = cli_memory(s, mem_job(s, bg, s->t.p.runs, 1) + mem_world(s), bg + 1);
    return rc ? rc : dash_main(s, a->dir, &o);
}

static int headless(const scenario *s, const run_args *a);

int cmd_tour(int argc, char **argv)
{
    run_args a;
    memset(&a, 0, sizeof a);
    int rc = cli_parse(&tour_cmd, argc, argv, &a);
    if (rc >= 0)
        return rc;
    if (!a.dir)
        a.dir = "scenarios/baseline";
    if ((rc = page_need_out("tour", a.report, a.out)))
        return rc;
    if (a.out && !a.report) {
        fprintf(stderr, "coinsim tour: --out without --report (expected --report with it: the "
                        "tour itself writes no file)\n");
        return CLI_BADINPUT;
    }
    if (a.report) { /* the explainer, without the dashboard */
        a.report = PAGE_EXPLAIN;
        scenario *s = load_args(&a);
        rc = s ? headless(s, &a) : CLI_BADINPUT;
        scenario_free(s);
        return rc;
    }
    char why[160];
    if ((rc = cli_local_only("tour")))
        return rc;
    if (!ui_can_dashboard(why, sizeof why)) {
        if (*why)
            fprintf(stderr,
                    "coinsim tour: %s (the tour needs a terminal whose cursor it can move: "
                    "set TERM to the terminal's type, e.g. TERM=xterm-256color)\n",
                    why);
        else
            fprintf(stderr, "coinsim tour: needs a terminal (try coinsim run DIR --headless)\n");
        return CLI_BADINPUT;
    }
    scenario *s = load_args(&a);
    if (!s)
        return CLI_BADINPUT;
    rc = dashboard(s, &a, 1);
    scenario_free(s);
    return rc;
}

/* ----------------------------------------------------------- run headless */

static void progress(void *ud, int64_t done, int64_t total)
{
    (void)ud;
    cli_progress("run", done, total);
}

/* The run --events writes, into *run: 1 unless --events-run says. */
static int events_run(const run_args *a, const scenario *s, int64_t *run)
{
    const char *why;
    *run = 1;
    if (a->events_run &&
        (num_parse_int(a->events_run, run, &why) < 0 || *run < 1 || *run > s->t.p.runs)) {
        fprintf(stderr, "coinsim run: --events-run \"%s\": expected a run from 1 to %lld\n",
                a->events_run, (long long)s->t.p.runs);
        return CLI_BADINPUT;
    }
    return 0;
}

/* Whether --out and --events can be written: asked before anything runs. */
static int outputs_ready(const run_args *a)
{
    char msg[1024];
    if ((a->out && afile_prepare_dir(a->out, msg, sizeof msg) < 0) ||
        (a->events && evlog_probe(a->events, msg, sizeof msg) < 0)) {
        fprintf(stderr, "coinsim: %s; nothing was run\n", msg);
        return CLI_IO;
    }
    return 0;
}

/* The engine's part of run: every run, run ev_run writing its event log
 * as it goes when --events asks (the log's hook watches that run; nothing
 * is simulated twice; *wrote then names the log). Returns 0 with the
 * results in *out; an exit status with *out still set when only the event
 * log failed (the table is printed all the same); an exit status with
 * *out NULL when there is nothing to print. */
static int simulate(const scenario *s, const run_args *a, const mc_opts *given, int64_t ev_run,
                    mc_result **out, const char **wrote)
{
    char msg[1024], ignore[8];
    evlog *log = NULL;
    run_hooks watch = {.event = evlog_event};
    mc_opts o = *given;
    *out = NULL;
    if (a->events) {
        if (!(log = evlog_open(a->events, s, msg, sizeof msg))) {
            fprintf(stderr, "coinsim: %s; nothing was run\n", msg);
            return CLI_IO;
        }
        watch.ud = log;
        o.watch = &watch;
        o.watch_run = (uint64_t)ev_run;
    }
    int st = mc_run(s, &o, out, msg, sizeof msg);
    if (st != SIM_OK) {
        *out = NULL;
        if (log)
            evlog_close(log, 0, ignore, sizeof ignore);
        if (st == SIM_STOPPED)
            return cli_interrupted(msg, a->out, a->events, NULL);
        fprintf(stderr, "coinsim: %s%s\n", msg,
                a->out || a->events ? "; no output file was written" : "");
        return cli_exit(st);
    }
    if (!log)
        return 0;
    if (evlog_close(log, 1, msg, sizeof msg) < 0) {
        if (cli_stop) {
            mc_result_free(*out);
            *out = NULL;
            return cli_interrupted("while writing the event log", a->out, a->events, NULL);
        }
        fprintf(stderr, "coinsim: %s; the event log was not written\n", msg);
        return CLI_IO;
    }
    *wrote = a->events;
    return 0;
}

/* --out's files as one set: the results, manifest.csv (how the job ran on
 * threads threads) and scenario/. Returns 0 or -1 (msg). */
static int write_out(const scenario *s, const run_args *a, const mc_result *r, int threads,
                     char *msg, size_t n)
{
    manifest *m = cli_manifest_job("run", s, (long long)r->runs, threads, &a->sets);
    manifest_add_int(m, "timeline_rows", (long long)s->ntl);
    cli_out o;
    if (cli_out_parts(&o, m, s, "run", msg, n) < 0)
        return -1;
    int rc = report_write(a->out, s, r, o.part, 3, msg, n);
    cli_out_free(&o);
    return rc;
}

/* After the runs: --out's files, then the table and what was written. rc
 * is the status so far (the event log's). */
static int finish(const scenario *s, const run_args *a, const mc_result *r, int threads, int rc,
                  int64_t ev_run, const char *wrote)
{
    char msg[1024];
    if (a->out && write_out(s, a, r, threads, msg, sizeof msg) < 0) {
        if (cli_stop)
            return cli_interrupted("while writing the output files", a->out, NULL, wrote);
        fprintf(stderr, "coinsim: %s; no output file was replaced\n", msg);
        rc = CLI_IO;
    }
    cli_print_table(s, r);
    if (a->out && rc == 0)
        printf("\nwrote %s/summary.csv, timeseries.csv, runs.csv, pack_sales.csv, segments.csv, "
               "channels.csv, gifts.csv, regions.csv, creators.csv, manifest.csv, scenario/\n",
               a->out);
    if (a->events && rc == 0)
        printf("%swrote the events of run %lld to %s\n", a->out ? "" : "\n", (long long)ev_run,
               a->events);
    if (a->report && rc == 0)
        rc = page_after("run", a->out, (enum page_kind)a->report);
    return rc;
}

/* run without the dashboard: the table, and the files asked for. */
static int headless(const scenario *s, const run_args *a)
{
    int64_t ev_run;
    int rc = events_run(a, s, &ev_run);
    if (rc || (rc = outputs_ready(a)))
        return rc;
    mc_opts o = {0};
    o.runs = s->t.p.runs;
    o.threads = cli_threads(a->threads, o.runs);
    o.check = a->check;
    if ((rc = cli_memory(s, mem_job(s, o.threads, o.runs, 1), o.threads)))
        return rc;
    /* Tests of exit status 3 break the ledger on purpose at this step (in
     * an MPI job, on the ranks COINSIM_TEST_FAULT_RANK names, or all). */
    const char *fault = getenv("COINSIM_TEST_FAULT_STEP");
    const char *rank = getenv("COINSIM_TEST_FAULT_RANK");
    o.fault_step = fault && (!rank || atoi(rank) == dist_rank()) ? atoll(fault) : -1;
    o.hooks.progress = cli_wants_progress() ? progress : NULL;
    o.hooks.stop = &cli_stop;
    cli_catch_signals();
    mc_result *r = NULL;
    const char *wrote = NULL;
    /* Tests of a rank that dies: this one is killed as its runs begin. */
    const char *dies = getenv("COINSIM_TEST_KILL_RANK");
    if (dies && atoi(dies) == dist_rank() && dist_size() > 1)
        raise(SIGKILL);
    rc = simulate(s, a, &o, ev_run, &r, &wrote);
    if (r) {
        rc = finish(s, a, r, o.threads, rc, ev_run, wrote);
        mc_result_free(r);
    }
    return rc;
}

int cmd_run(int argc, char **argv)
{
    run_args a;
    memset(&a, 0, sizeof a);
    int rc = cli_parse(&run_cmd, argc, argv, &a);
    if (rc >= 0)
        return rc;
    if ((rc = page_need_out("run", a.report, a.out)))
        return rc;
    if (a.events_run && !a.events) {
        fprintf(stderr,
                "coinsim run: --events-run without --events (expected --events FILE with it)\n");
        return CLI_BADINPUT;
    }
    scenario *s = load_args(&a);
    if (!s)
        return CLI_BADINPUT;
    /* Like ls and git: a dashboard on a terminal, plain output elsewhere.
     * The dashboard is one machine's: an MPI job prints the table. */
    int table_only = a.headless || a.out || a.events || a.check;
    if (!table_only && dist_size() > 1) {
        fprintf(stderr,
                "coinsim run: the dashboard runs on one machine only; over the %d ranks of this "
                "MPI job, the runs are spread and their table printed (start it without mpirun "
                "for the dashboard)\n",
                dist_size());
        table_only = 1;
    }
    if (!table_only && ui_dashboard_or_table())
        rc = dashboard(s, &a, 0);
    else
        rc = headless(s, &a);
    scenario_free(s);
    return rc;
}
