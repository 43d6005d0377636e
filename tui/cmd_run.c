/* coinsim run and coinsim validate: the headless face of the engine. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../sim/diag.h"
#include "../sim/evlog.h"
#include "../sim/kpi.h"
#include "../sim/mc.h"
#include "../sim/mem.h"
#include "../sim/num.h"
#include "../sim/report.h"
#include "../sim/run.h"
#include "../sim/scenario.h"
#include "cli.h"
#include "opt.h"
#include "dash.h"
#include "ui.h"

static const char run_help[] =
    "usage: coinsim run DIR [options]\n"
    "\n"
    "Simulate the scenario in directory DIR (see README.md for its tables)\n"
    "many times. On a terminal, the dashboard shows one run step by step with\n"
    "the band of all runs, and takes live changes (? in it explains each view);\n"
    "headless, it prints each figure's mean and 95% confidence interval.\n"
    "\n"
    "options:\n"
    "  --headless        print the summary instead of opening the dashboard\n"
    "                    (also the case with --out, --events or --check, when\n"
    "                    stdin or stdout is not a terminal, or when TERM cannot\n"
    "                    move the cursor; in a locale that is not UTF-8 the\n"
    "                    dashboard draws as --ascii does)\n"
    "  --ascii           dashboard without Unicode (for terminals that lack it)\n"
    "  --no-color        dashboard without colour (NO_COLOR in the environment\n"
    "                    does the same)\n"
    "  --runs R          Monte Carlo runs (overrides params runs)\n"
    "  --seed S          master seed, 0 to 2^64-1 (overrides params seed)\n"
    "  --threads T       worker threads (default: the processors, at most R);\n"
    "                    the results are the same bytes for every T\n"
    "  --out DIR         write summary.csv, timeseries.csv, runs.csv and\n"
    "                    pack_sales.csv there (created if missing; files are\n"
    "                    replaced only when every one of them is complete)\n"
    "  --events FILE     write the event log of one run to FILE (purchases,\n"
    "                    gifts, lost intents, cash-outs, churn; see replay)\n"
    "  --events-run N    the run whose events --events writes (default 1)\n"
    "  --check           check the ledger identities after every step\n"
    "                    (they are always checked at the end of each run)\n"
    "  --set TARGET=VAL  change the scenario before it runs; repeatable.\n"
    "                    TARGET is params.KEY (or just KEY), packs.NAME.FIELD,\n"
    "                    gifts.NAME.FIELD or segments.NAME.FIELD, e.g.\n"
    "                    --set commission=0.4 --set packs.app65.price_usd=0.89\n"
    "  -h, --help        this text\n"
    "\n"
    "exit status: 0 done, 1 runtime failure, 2 bad input, 3 ledger identity\n"
    "broken, 130 interrupted by Ctrl-C, 143 by SIGTERM (no output file is written)\n";

static const char validate_help[] =
    "usage: coinsim validate DIR [--set TARGET=VAL ...]\n"
    "\n"
    "Check the scenario in DIR (and its bases, through extends) and list every\n"
    "problem as FILE:LINE: column NAME: what is wrong (what was expected).\n"
    "Warnings (a timeline row that never applies, a segment that can reach no\n"
    "gift) are listed but do not fail.\n"
    "\n"
    "exit status: 0 valid, 2 problems found\n";

void cli_print_diag(const diag *d)
{
    for (size_t i = 0; i < d->n; i++)
        fprintf(stderr, "%s%s\n", d->items[i].level == DIAG_WARNING ? "warning: " : "",
                d->items[i].text);
}

atomic_int cli_stop;
/* Signals taken so far. Lock-free atomics are safe in a handler, and two
 * signals handled at once on two threads still count as two. */
static atomic_int signals_seen;

static void on_signal(int sig)
{
    static const char again[] =
        "\ncoinsim: interrupted again: stopped at once; files not complete were removed\n";
    static const char again_some[] =
        "\ncoinsim: interrupted again: stopped at once; files not complete were removed, but for "
        "some\n"
        "temporary files named .NAME.XXXXXX that may remain next to the outputs\n";
    if (atomic_fetch_add(&signals_seen, 1) > 0) {
        ssize_t w = afile_remove_temps() == 0
                        ? write(STDERR_FILENO, again, sizeof again - 1)
                        : write(STDERR_FILENO, again_some, sizeof again_some - 1);
        (void)w;
        /* Die of the signal itself: back to the default action, and the
         * signal (held while its handler runs) arrives on return. */
        struct sigaction dfl;
        memset(&dfl, 0, sizeof dfl);
        dfl.sa_handler = SIG_DFL;
        sigaction(sig, &dfl, NULL);
        raise(sig);
        return;
    }
    atomic_store(&cli_stop, sig);
}

void cli_catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART; /* a write to a pipe is not cut short */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    afile_watch(&cli_stop);
}

void cli_reraise(void)
{
    int sig = atomic_load(&cli_stop);
    if (!sig)
        return;
    fflush(stdout);
    fflush(stderr);
    signal(sig, SIG_DFL);
    raise(sig);
}

int cli_interrupted(const char *when, const char *out, const char *lost, const char *wrote)
{
    fprintf(stderr, "coinsim: interrupted%s%s; ", *when ? " " : "", when);
    if (wrote)
        fprintf(stderr, "%s was written; ", wrote);
    if (out)
        fprintf(stderr, "nothing was written to %s (files already there are unchanged)%s", out,
                lost ? " and " : "");
    if (lost)
        fprintf(stderr, "%s was not written", lost);
    if (!out && !lost)
        fprintf(stderr, "%s", wrote ? "nothing else was written" : "nothing was written");
    fputc('\n', stderr);
    return 130;
}

#define MAX_SETS 256

typedef struct run_args {
    const char *dir, *out;
    const char *sets[MAX_SETS];
    const char *runs, *seed;
    const char *events, *events_run;
    int nsets;
    int threads, check, headless, help, ascii, nocolor;
} run_args;

/* The options of run, validate and tour. */
static const opt_spec run_cli_opts[] = {{"--set", 1},        {"--runs", 1},     {"--seed", 1},
                                        {"--threads", 1},    {"--out", 1},      {"--events", 1},
                                        {"--events-run", 1}, {"--check", 0},    {"--headless", 0},
                                        {"--ascii", 0},      {"--no-color", 0}, {NULL, 0}};
static const opt_spec validate_cli_opts[] = {{"--set", 1}, {NULL, 0}};
static const opt_spec tour_cli_opts[] = {
    {"--set", 1}, {"--ascii", 0}, {"--no-color", 0}, {NULL, 0}};

/* Parse run/validate arguments. Returns 0, or 2 after a message. */
static int parse_args(int argc, char **argv, run_args *a, const opt_spec *specs, const char *cmd)
{
    memset(a, 0, sizeof *a);
    opt_parser p;
    opt_init(&p, cmd, specs, argc, argv);
    const char *o, *v;
    for (int k; (k = opt_next(&p, &o, &v)) != OPT_END;) {
        if (k == OPT_ERROR)
            return 2;
        if (k == OPT_HELP) {
            a->help = 1;
            return 0;
        }
        if (k == OPT_ARG) {
            if (a->dir) {
                fprintf(stderr,
                        "coinsim %s: one scenario directory expected, got \"%s\" and \"%s\"\n", cmd,
                        a->dir, v);
                return 2;
            }
            a->dir = v;
        } else if (strcmp(o, "--set") == 0) {
            if (a->nsets == MAX_SETS) {
                fprintf(stderr, "coinsim %s: more than %d --set options\n", cmd, MAX_SETS);
                return 2;
            }
            a->sets[a->nsets++] = v;
        } else if (strcmp(o, "--runs") == 0) {
            a->runs = v; /* the last one given wins */
        } else if (strcmp(o, "--seed") == 0) {
            a->seed = v;
        } else if (strcmp(o, "--threads") == 0) {
            long long t;
            if (cli_int_opt(cmd, o, v, 1, 256, &t))
                return 2;
            a->threads = (int)t;
        } else if (strcmp(o, "--out") == 0) {
            a->out = v;
        } else if (strcmp(o, "--events") == 0) {
            a->events = v;
        } else if (strcmp(o, "--events-run") == 0) {
            a->events_run = v;
        } else if (strcmp(o, "--check") == 0) {
            a->check = 1;
        } else if (strcmp(o, "--headless") == 0) {
            a->headless = 1;
        } else if (strcmp(o, "--ascii") == 0) {
            a->ascii = 1;
        } else {
            a->nocolor = 1; /* --no-color */
        }
    }
    if (!a->dir && strcmp(cmd, "tour") == 0)
        a->dir = "scenarios/baseline";
    if (!a->dir) {
        fprintf(stderr, "coinsim %s: no scenario directory given (see coinsim %s --help)\n", cmd,
                cmd);
        return 2;
    }
    return 0;
}

scenario *cli_load(const char *dir, const char *const *sets, const char *const *labels, int nsets,
                   const char *runs, const char *seed)
{
    diag d = {0};
    scenario *s = scenario_load(dir, &d);
    if (s) {
        char label[300], assign[300];
        for (int i = 0; i < nsets; i++) {
            snprintf(label, sizeof label, "--set %.280s", sets[i]);
            scenario_set(s, sets[i], labels && labels[i] ? labels[i] : label, &d);
        }
        /* --runs R and --seed S are the changes runs=R and seed=S, after
         * every other so that they win, named as given. */
        const char *key[2] = {"runs", "seed"}, *val[2] = {runs, seed};
        for (int k = 0; k < 2; k++)
            if (val[k]) {
                snprintf(assign, sizeof assign, "%s=%.200s", key[k], val[k]);
                snprintf(label, sizeof label, "--%s %.200s", key[k], val[k]);
                scenario_set(s, assign, label, &d);
            }
        scenario_check(s, &d);
    }
    cli_print_diag(&d);
    if (d.errors) {
        fprintf(stderr, "coinsim: %zu problem%s in %s; nothing was run\n", d.errors,
                d.errors == 1 ? "" : "s", *dir ? dir : "\"\"");
        scenario_free(s);
        s = NULL;
    }
    diag_clear(&d);
    return s;
}

/* Load a->dir with every --set, --runs and --seed applied, and check it. */
static scenario *load_checked(const run_args *a)
{
    return cli_load(a->dir, a->sets, NULL, a->nsets, a->runs, a->seed);
}

int cmd_validate(int argc, char **argv)
{
    run_args a;
    int rc = parse_args(argc, argv, &a, validate_cli_opts, "validate");
    if (rc || a.help) {
        if (a.help)
            fputs(validate_help, stdout);
        return rc;
    }
    scenario *s = load_checked(&a);
    if (!s)
        return 2;
    const sc_tables *t = &s->t;
    char label[600];
    cli_scenario_label(label, sizeof label, s);
    printf("%s: valid — %zu packs, %zu gifts, %zu segments, %zu timeline rows; %lld viewers, %lld "
           "creators, %lld steps, %lld runs\n",
           label, t->npacks, t->ngifts, t->nsegs, s->ntl, (long long)t->p.viewers,
           (long long)t->p.creators, (long long)t->p.steps, (long long)t->p.runs);
    scenario_free(s);
    return 0;
}

int no_color_env(void)
{
    const char *v = getenv("NO_COLOR");
    return v && *v;
}

int cli_int_opt(const char *cmd, const char *opt, const char *v, long long lo, long long hi,
                long long *out)
{
    int64_t x;
    const char *why;
    if (num_parse_int(v, &x, &why) < 0 || x < lo || x > hi) {
        fprintf(stderr, "coinsim %s: %s \"%s\": expected a whole number from %lld to %lld\n", cmd,
                opt, v, lo, hi);
        return 2;
    }
    *out = x;
    return 0;
}

int cli_metric(const char *cmd, const char *opt, const char *name)
{
    int m = kpi_metric_find(name);
    if (m >= 0)
        return m;
    const char *names[M_N];
    for (int i = 0; i < M_N; i++)
        names[i] = kpi_metrics[i].name;
    const char *near = opt_nearest(name, names, M_N);
    if (near)
        fprintf(stderr, "coinsim %s: %s \"%s\": no such metric (did you mean %s?)\n", cmd, opt,
                name, near);
    else
        fprintf(stderr,
                "coinsim %s: %s \"%s\": no such metric (expected one of those listed below)\n", cmd,
                opt, name);
    fprintf(stderr, "coinsim %s: the metrics (those of summary.csv) are:", cmd);
    for (int i = 0; i < M_N; i++)
        fprintf(stderr, "%s %s", i ? "," : "", names[i]);
    fputc('\n', stderr);
    return -1;
}

void cli_progress(const char *what, long long done, long long total)
{
    fprintf(stderr, "\rcoinsim: %s %lld of %lld (%lld%%)", what, done, total,
            total ? 100 * done / total : 100);
    if (done >= total)
        fputs("\r\033[K", stderr);
    fflush(stderr);
}

static void progress(void *ud, int64_t done, int64_t total)
{
    (void)ud;
    cli_progress("run", done, total);
}

/* Print a figure for people: money with 2 decimals, rates with 4, counts
 * with 1 (they are means over runs). */
void cli_human(char *buf, size_t n, int m, double v)
{
    if (isnan(v))
        snprintf(buf, n, "-");
    else if (kpi_metrics[m].unit == U_MONEY)
        snprintf(buf, n, "%.2f", v);
    else if (m >= TS_N && m != M_CASHED_OUT)
        snprintf(buf, n, "%.4f", v);
    else
        snprintf(buf, n, "%.1f", v);
}

void cli_scenario_label(char *buf, size_t n, const scenario *s)
{
    const char *name = s->t.p.name ? s->t.p.name : "";
    const char *dir = s->dir ? s->dir : "";
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/')
        len--;
    size_t base = len;
    while (base > 0 && dir[base - 1] != '/')
        base--;
    if (len - base == strlen(name) && strncmp(dir + base, name, len - base) == 0)
        snprintf(buf, n, "%s", name);
    else
        snprintf(buf, n, "%s (%s)", name, dir);
}

void cli_print_table(const scenario *s, const mc_result *r)
{
    const sc_params *p = &s->t.p;
    char label[600];
    cli_scenario_label(label, sizeof label, s);
    printf("%s: %lld runs x %lld steps, %lld viewers, %lld creators, seed %llu\n\n", label,
           (long long)r->runs, (long long)r->steps, (long long)p->viewers, (long long)p->creators,
           (unsigned long long)p->seed);
    printf("%-28s %16s   %-33s\n", "metric", "mean", "95% CI");
    for (int m = 0; m < M_N; m++) {
        stat_row st;
        char mean[40], lo[40], hi[40], ci[90];
        report_stat(r, m, &st);
        cli_human(mean, sizeof mean, m, st.mean);
        cli_human(lo, sizeof lo, m, st.lo);
        cli_human(hi, sizeof hi, m, st.hi);
        if (isnan(st.lo))
            snprintf(ci, sizeof ci, "(one run: no interval)");
        else
            snprintf(ci, sizeof ci, "[%s, %s]", lo, hi);
        printf("%-28s %16s   %-33s\n", kpi_metrics[m].name, mean, ci);
    }
    printf("\n%-12s %-4s %14s %16s %26s\n", "pack", "chan", "purchases", "revenue_usd",
           "share of channel revenue");
    for (size_t k = 0; k < r->npacks; k++) {
        stat_row n, u, sh;
        report_pack_stat(s, r, k, PACK_PURCHASES, &n);
        report_pack_stat(s, r, k, PACK_REVENUE_USD, &u);
        report_pack_stat(s, r, k, PACK_CHANNEL_SHARE, &sh);
        char ci[64] = "";
        if (!isnan(sh.lo))
            snprintf(ci, sizeof ci, " [%.3f, %.3f]", sh.lo, sh.hi);
        printf("%-12s %-4s %14.1f %16.2f %8.3f%-18s\n", s->t.packs[k].name,
               s->t.packs[k].channel == CH_WEB ? "web" : "app", n.mean, u.mean, sh.mean, ci);
    }
}

static const char tour_help[] =
    "usage: coinsim tour [DIR] [--ascii] [--no-color] [--set TARGET=VAL ...]\n"
    "\n"
    "A guided tour of the economy in the dashboard: a welcome and eleven stops:\n"
    "recharge, the store's fee, gifts, commission, diamonds, cash-out, breakage,\n"
    "whales, concentration, a price change and its effect. The simulation pauses at\n"
    "each stop and the part of the screen it talks about is highlighted.\n"
    "Enter goes on, Backspace goes back, Esc leaves the tour, q quits.\n"
    "DIR defaults to scenarios/baseline. Needs a terminal of at least 80x24.\n";

int cli_memory(const scenario *s, int64_t need, int threads)
{
    char msg[600];
    if (mem_check(s, need, threads, msg, sizeof msg) == 0)
        return 0;
    fprintf(stderr, "coinsim: %s; nothing was run\n", msg);
    return 1;
}

static int dashboard(scenario *s, const run_args *a, int tour)
{
    dash_opts o;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    memset(&o, 0, sizeof o);
    o.ascii = a->ascii;
    o.color = !a->nocolor && !no_color_env();
    o.threads = a->threads ? a->threads : (int)(ncpu > 0 ? ncpu : 1);
    o.tour = tour;
    /* The run on screen, and the runs behind the band in the background:
     * checked before the terminal is taken over. */
    int bg = o.threads < s->t.p.runs ? o.threads : (int)s->t.p.runs;
    if (cli_memory(s, mem_job(s, bg, s->t.p.runs, 1) + mem_world(s), bg + 1)) {
        scenario_free(s);
        return 1;
    }
    int rc = dash_main(s, a->dir, &o);
    scenario_free(s);
    return rc;
}

int cmd_tour(int argc, char **argv)
{
    run_args a;
    int rc = parse_args(argc, argv, &a, tour_cli_opts, "tour");
    if (rc || a.help) {
        if (a.help)
            fputs(tour_help, stdout);
        return rc;
    }
    char why[160];
    if (!ui_can_dashboard(why, sizeof why)) {
        if (*why)
            fprintf(stderr,
                    "coinsim tour: %s (the tour needs a terminal whose cursor it can move: "
                    "set TERM to the terminal's type, e.g. TERM=xterm-256color)\n",
                    why);
        else
            fprintf(stderr, "coinsim tour: needs a terminal (try coinsim run DIR --headless)\n");
        return 2;
    }
    scenario *s = load_checked(&a);
    if (!s)
        return 2;
    return dashboard(s, &a, 1);
}

int cmd_run(int argc, char **argv)
{
    run_args a;
    char msg[1024];
    int rc = parse_args(argc, argv, &a, run_cli_opts, "run");
    if (rc || a.help) {
        if (a.help)
            fputs(run_help, stdout);
        return rc;
    }
    if (a.events_run && !a.events) {
        fprintf(stderr,
                "coinsim run: --events-run without --events (expected --events FILE with it)\n");
        return 2;
    }
    scenario *s = load_checked(&a);
    if (!s)
        return 2;
    /* Like ls and git: a dashboard on a terminal, plain output elsewhere. */
    if (!a.headless && !a.out && !a.events && !a.check && ui_dashboard_or_table())
        return dashboard(s, &a, 0);
    int64_t ev_run = 1;
    if (a.events_run) {
        const char *why;
        if (num_parse_int(a.events_run, &ev_run, &why) < 0 || ev_run < 1 || ev_run > s->t.p.runs) {
            fprintf(stderr, "coinsim run: --events-run \"%s\": expected a run from 1 to %lld\n",
                    a.events_run, (long long)s->t.p.runs);
            scenario_free(s);
            return 2;
        }
    }
    if ((a.out && afile_prepare_dir(a.out, msg, sizeof msg) < 0) ||
        (a.events && evlog_probe(a.events, msg, sizeof msg) < 0)) {
        fprintf(stderr, "coinsim: %s; nothing was run\n", msg);
        scenario_free(s);
        return 1;
    }

    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    mc_opts o = {0};
    o.runs = s->t.p.runs;
    o.threads = a.threads ? a.threads : (int)(ncpu > 0 ? ncpu : 1);
    if (o.threads > o.runs)
        o.threads = (int)o.runs;
    o.check = a.check;
    /* (The event log's run comes after the workers' worlds are gone.) */
    if (cli_memory(s, mem_job(s, o.threads, o.runs, 1), o.threads)) {
        scenario_free(s);
        return 1;
    }
    /* Tests of exit status 3 break the ledger on purpose at this step. */
    const char *fault = getenv("COINSIM_TEST_FAULT_STEP");
    o.fault_step = fault ? atoll(fault) : -1;
    o.progress = isatty(STDERR_FILENO) ? progress : NULL;
    o.stop = &cli_stop;
    cli_catch_signals();

    /* The event log is written by the run it records, as it runs. */
    evlog *log = NULL;
    run_hooks watch = {.event = evlog_event};
    if (a.events) {
        if (!(log = evlog_open(a.events, s, msg, sizeof msg))) {
            fprintf(stderr, "coinsim: %s; nothing was run\n", msg);
            scenario_free(s);
            return 5;
        }
        watch.ud = log;
        o.watch = &watch;
        o.watch_run = (uint64_t)ev_run;
    }
    mc_result *r;
    char ignore[8];
    int st = mc_run(s, &o, &r, msg, sizeof msg);
    if (st != SIM_OK && log)
        evlog_close(log, 0, ignore, sizeof ignore);
    if (st == SIM_STOPPED) {
        scenario_free(s);
        return cli_interrupted(msg, a.out, a.events, NULL);
    }
    if (st != SIM_OK) {
        fprintf(stderr, "coinsim: %s%s\n", msg,
                a.out || a.events ? "; no output file was written" : "");
        scenario_free(s);
        return st == SIM_LEDGER ? 3 : 1;
    }
    rc = 0;
    const char *wrote = NULL;
    if (log) {
        if (evlog_close(log, 1, msg, sizeof msg) < 0) {
            if (cli_stop) {
                mc_result_free(r);
                scenario_free(s);
                return cli_interrupted("while writing the event log", a.out, a.events, NULL);
            }
            fprintf(stderr, "coinsim: %s; the event log was not written\n", msg);
            rc = 5;
        } else {
            wrote = a.events;
        }
    }
    if (a.out && report_write(a.out, s, r, msg, sizeof msg) < 0) {
        if (cli_stop) {
            mc_result_free(r);
            scenario_free(s);
            return cli_interrupted("while writing the output files", a.out, NULL, wrote);
        }
        fprintf(stderr, "coinsim: %s; no output file was replaced\n", msg);
        rc = 1;
    }
    cli_print_table(s, r);
    if (a.out && rc == 0)
        printf("\nwrote %s/summary.csv, timeseries.csv, runs.csv, pack_sales.csv\n", a.out);
    if (a.events && rc == 0)
        printf("%swrote the events of run %lld to %s\n", a.out ? "" : "\n", (long long)ev_run,
               a.events);
    mc_result_free(r);
    scenario_free(s);
    return rc;
}
