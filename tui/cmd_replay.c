/* coinsim replay EVENTS.csv --scenario DIR: an event log through the ledger. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../sim/afile.h"
#include "../sim/diag.h"
#include "../sim/manifest.h"
#include "../sim/mc.h"
#include "../sim/replay.h"
#include "../sim/report.h"
#include "../sim/run.h"
#include "../sim/scenario.h"
#include "../sim/status.h"
#include "cli.h"
#include "dash.h"
#include "opt.h"
#include "ui.h"

typedef struct replay_args {
    const char *log, *dir, *out;
    opt_list sets;
    int lenient, check, headless, ascii, nocolor;
} replay_args;

static int one_log(const char *cmd, void *p, const char *w)
{
    replay_args *a = p;
    (void)cmd;
    if (a->log) {
        fprintf(stderr, "coinsim replay: one event log expected, got \"%s\" and \"%s\"\n", a->log,
                w);
        return CLI_BADINPUT;
    }
    a->log = w;
    return 0;
}

static const opt_spec replay_cli_opts[] = {
    OPT_TEXT("--scenario", "DIR", replay_args, dir, "the scenario the log belongs to (required)"),
    OPT_LIST("--set", "TARGET=VAL", replay_args, sets, OPT_LIST_MAX,
             "what-if: change the scenario first; repeatable"),
    OPT_FLAG("--lenient", replay_args, lenient,
             "count infeasible events (a gift the wallet cannot cover, a cash-out beyond the "
             "pending diamonds) as rejected instead of stopping at the first"),
    OPT_FLAG("--check", replay_args, check, "check the ledger identities after every step"),
    OPT_TEXT("--out", "DIR", replay_args, out,
             "write summary.csv, timeseries.csv, runs.csv, pack_sales.csv, the breakdowns "
             "(segments.csv with no segment: a log does not say them) and replay.csv there, "
             "with manifest.csv (how the job ran) and scenario/ (the scenario, every --set "
             "applied)"),
    OPT_FLAG("--headless", replay_args, headless,
             "print the table instead of playing the log in the dashboard (also when stdin or "
             "stdout is not a terminal)"),
    OPT_FLAG("--ascii", replay_args, ascii, "dashboard without Unicode, as for coinsim run"),
    OPT_FLAG("--no-color", replay_args, nocolor, "dashboard without colour, as for coinsim run"),
    OPT_END};

static const opt_cmd replay_cmd = {
    .name = "replay",
    .usage = "EVENTS.csv --scenario DIR [options]",
    .about = "Apply an event log (its own, from coinsim run --events, or one exported\n"
             "from a real system) to the ledger under the scenario in DIR, step by step,\n"
             "and report the same figures as a run (one run). The log's columns are\n"
             "run,step,type,viewer,creator,item,coins,usd,channel; types purchase, gift,\n"
             "lost, cashout, churn, grant (free coins), sink, lost_sink; viewers and\n"
             "creators are any strings. The log must be ordered by step; within a step\n"
             "events may come in any order. Steps below 0 are the scenario's warm-up\n"
             "(warmup_steps): replayed, not reported, they make the opening balances. A\n"
             "pack, gift or sink the scenario does not know is accepted when the row\n"
             "carries its coins (and, for a pack, its usd and channel), and counted.\n"
             "\n"
             "What-if accounting: --set on commission, coin_value_usd, usd_per_diamond,\n"
             "store_fee_app, store_fee_web, payout_fee_usd, payout_fee_rate,\n"
             "min_withdrawal_usd, daily_withdrawal_limit_usd, packs.NAME.price (or\n"
             "price_usd), regions.NAME.per_usd or regions.NAME.fx_fee_rate\n"
             "recomputes prices, fees, creator credits and cash-outs while the recorded\n"
             "demand (who bought what, who gifted what) stays as it was; cash-outs are\n"
             "capped by the diamonds the creator then has. Replay answers who would\n"
             "have earned and paid what; how demand and creators' supply would respond\n"
             "to a price or commission is a question for simulation (coinsim compare).\n",
    .opts = replay_cli_opts,
    .notes = "On a terminal the log plays in the dashboard, step by step at the speed\n"
             "you choose, with the same views; a change made there ([ ] commission, p a\n"
             "pack's price) is what-if accounting from the next step on, and s saves the\n"
             "scenario with those changes to replay again.\n"
             "Active viewers, live creators and watched or missed sessions are not in a\n"
             "log: they are reported as 0.\n",
    .word = one_log,
    .min_words = 1,
    .none = "no event log given",
    .exits = CLI_X_ALL,
};

static int write_counts(FILE *f, const void *ud)
{
    const replay_counts *k = ud;
    const struct {
        const char *name;
        int64_t v;
    } rows[] = {
        {"events", k->events},
        {"viewers", k->viewers},
        {"creators", k->creators},
        {"rejected_gifts", k->rejected_gifts},
        {"rejected_sinks", k->rejected_sinks},
        {"rejected_cashouts", k->rejected_cashouts},
        {"capped_cashouts", k->capped_cashouts},
        {"skipped_cashouts", k->skipped_cashouts},
        {"unknown_packs", k->unknown_packs},
        {"unknown_gifts", k->unknown_gifts},
        {"unknown_sinks", k->unknown_sinks},
        {"price_differs", k->price_differs},
        {"breakage_differs", k->breakage_differs},
        {"local_differs", k->local_differs},
    };
    fputs("figure,value\n", f);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        fprintf(f, "%s,%lld\n", rows[i].name, (long long)rows[i].v);
    return 0;
}

/* What-if mode (cash-outs capped, not refused) when a --set changes a
 * field replay recomputes money from (the schema marks them); others
 * (steps, viewers, ...) only describe the log. */
static int whatif(const scenario *s, const opt_list *sets)
{
    for (int i = 0; i < sets->n; i++)
        if (scenario_target_recomputed(s, sets->v[i]))
            return 1;
    return 0;
}

/* A replay under way: the log's one run as a run's results. */
typedef struct played {
    mc_result mr;
    source *src; /* the log, replayed */
    diag d;
} played;

/* Room for one run of s's steps. Returns 0, or 4 after a message. */
static int played_init(played *p, const scenario *s)
{
    memset(p, 0, sizeof *p);
    p->mr.runs = 1;
    p->mr.steps = s->t.p.steps;
    p->mr.res = calloc(1, sizeof *p->mr.res);
    p->mr.ts = calloc((size_t)s->t.p.steps, sizeof *p->mr.ts);
    if (p->mr.res && p->mr.ts)
        return 0;
    fprintf(stderr, "coinsim: out of memory\n");
    return CLI_NOMEM;
}

static void played_free(played *p)
{
    diag_clear(&p->d);
    source_free(p->src);
    free(p->mr.res);
    free(p->mr.ts);
    brk_store_free(&p->mr.brk);
}

/* The engine's part of replay: the log as a source, driven through the
 * run loop (checked, summed) into p->mr. Returns 0, or an exit status
 * after a message (the log's problems are left in p->d). */
static int play(const scenario *s, const replay_args *a, int what_if, played *p)
{
    char msg[1024], when[100];
    replay_opts ro = {a->lenient, what_if};
    replay *r = replay_open(s, a->log, &ro, &p->d);
    if (!r || !(p->src = source_replay(r, &p->d))) {
        if (!p->d.n)
            fprintf(stderr, "coinsim: out of memory\n");
        return p->d.n ? CLI_BADINPUT : CLI_NOMEM;
    }
    brk_shape sh = source_brk_shape(p->src);
    if (brk_store_init(&p->mr.brk, &sh, 1) < 0) {
        fprintf(stderr, "coinsim: out of memory\n");
        return CLI_NOMEM;
    }
    cli_catch_signals();
    run_hooks h = {.stop = &cli_stop};
    brk_block blk = brk_at(&p->mr.brk, 0);
    run_loop loop;
    run_init(&loop, p->src, p->mr.ts, &h);
    loop.check = a->check;
    int st = run_all(&loop, &p->mr.res[0], &blk, msg, sizeof msg);
    switch (st) {
    case SIM_OK: return 0;
    case SIM_BADINPUT: return CLI_BADINPUT;
    case SIM_STOPPED:
        snprintf(when, sizeof when, "after %lld of %lld steps",
                 (long long)source_steps_done(p->src), (long long)s->t.p.steps);
        return cli_interrupted(when, a->out, NULL, NULL);
    default:
        fprintf(stderr, "coinsim: %s%s\n", msg,
                a->out && st == SIM_NOMEM ? "; no output file was written" : "");
        return cli_exit(st);
    }
}

/* What replay met besides the figures, each line only when it met some. */
static void print_counts(const replay_counts *k, int what_if)
{
    printf("\nreplayed %lld events of run %llu: %lld viewers, %lld creators", (long long)k->events,
           (unsigned long long)k->run, (long long)k->viewers, (long long)k->creators);
    if (what_if)
        printf(" (what-if: parameters changed with --set)");
    printf("\n");
    if (what_if)
        printf("what-if holds the recorded behaviour fixed: the log's purchases, gifts, sinks and "
               "cash-out requests are replayed under the new prices and rates, so creators' "
               "supply and viewers' choices cannot respond to them here (compare two scenarios "
               "for that); platform_margin_usd and creator_earnings_usd above are the new "
               "accounting of the same demand, from an opening that the changed rules also "
               "moved (they apply to the log's warm-up steps too)\n");
    if (k->rejected_gifts || k->rejected_sinks || k->rejected_cashouts)
        printf("rejected (--lenient): %lld gifts and %lld sinks beyond the wallet, %lld cash-outs "
               "beyond the pending diamonds\n",
               (long long)k->rejected_gifts, (long long)k->rejected_sinks,
               (long long)k->rejected_cashouts);
    if (k->capped_cashouts || k->skipped_cashouts)
        printf("cash-outs not made as recorded: %lld capped (what-if), %lld skipped (below the "
               "minimum, or fee at least the gross)\n",
               (long long)k->capped_cashouts, (long long)k->skipped_cashouts);
    if (k->unknown_packs || k->unknown_gifts || k->unknown_sinks)
        printf("names the scenario does not know: %lld purchases, %lld gifts, %lld sinks (taken "
               "at the coins and usd on their rows)\n",
               (long long)k->unknown_packs, (long long)k->unknown_gifts,
               (long long)k->unknown_sinks);
    if (k->price_differs)
        printf("%lld purchases were recorded at another price than the scenario's; the scenario's "
               "was used\n",
               (long long)k->price_differs);
    if (k->breakage_differs)
        printf(
            "%lld churn rows recorded other coins than the wallet held; the wallet's were used\n",
            (long long)k->breakage_differs);
    if (k->local_differs)
        printf("%lld cash-outs recorded another amount in the creator's currency than the "
               "step's rate gives; the rate's was used\n",
               (long long)k->local_differs);
    /* Two lines: a terminal of 100 columns shows the table as printed. */
    printf("active viewers, live creators, watched or missed sessions and viewers per region\n"
           "are not in a log: reported as 0\n");
}

/* --out's files as one set: those of a run, replay.csv, manifest.csv and
 * scenario/. Returns 0 or -1 (msg). */
static int write_out(const scenario *s, const replay_args *a, const played *p,
                     const replay_counts *k, char *msg, size_t n)
{
    manifest *m = cli_manifest_job("replay", s, (long long)p->mr.runs, 1, &a->sets);
    manifest_add_int(m, "timeline_rows", (long long)s->ntl);
    manifest_add(m, "log", a->log);
    cli_out o;
    if (cli_out_parts(&o, m, s, "replay", msg, n) < 0)
        return -1;
    const afile_part extra[] = {
        {"replay.csv", write_counts, NULL, k}, o.part[0], o.part[1], o.part[2]};
    int rc = report_write(a->out, s, &p->mr, extra, 4, msg, n);
    cli_out_free(&o);
    return rc;
}

/* After the log: --out's files, then the table and the counts. */
static int report(const scenario *s, const replay_args *a, int what_if, const played *p)
{
    char msg[1024];
    int rc = 0;
    const replay_counts *k = replay_get_counts(source_replay_of(p->src));
    if (a->out && write_out(s, a, p, k, msg, sizeof msg) < 0) {
        if (cli_stop)
            return cli_interrupted("while writing the output files", a->out, NULL, NULL);
        fprintf(stderr, "coinsim: %s\n", msg);
        rc = CLI_IO;
    }
    cli_print_table(s, &p->mr);
    print_counts(k, what_if);
    if (a->out && rc == 0)
        printf("wrote %s/summary.csv, timeseries.csv, runs.csv, pack_sales.csv, segments.csv, "
               "channels.csv, gifts.csv, regions.csv, creators.csv, replay.csv, manifest.csv, "
               "scenario/\n",
               a->out);
    return rc;
}

/* replay without the dashboard. The log is read as it goes, so its
 * problems show only after --out is made: a directory made for a replay
 * that fails is removed. */
static int headless(const scenario *s, const replay_args *a)
{
    char msg[1024];
    char *made = a->out ? afile_missing_root(a->out) : NULL;
    if (a->out && afile_prepare_dir(a->out, msg, sizeof msg) < 0) {
        fprintf(stderr, "coinsim: %s; nothing was replayed\n", msg);
        free(made);
        return CLI_IO;
    }
    int what_if = whatif(s, &a->sets);
    played p;
    int rc = played_init(&p, s);
    if (rc == 0)
        rc = play(s, a, what_if, &p);
    if (rc == 0)
        rc = report(s, a, what_if, &p);
    if (rc != 0 && made)
        afile_unprepare_dir(a->out, made);
    free(made);
    cli_print_diag(&p.d);
    if (p.d.errors)
        fprintf(stderr, "coinsim: the replay stopped; no output file was written\n");
    played_free(&p);
    return rc;
}

static int dashboard(scenario *s, const replay_args *a)
{
    dash_opts o;
    memset(&o, 0, sizeof o);
    o.ascii = a->ascii;
    o.color = !a->nocolor && !cli_no_color();
    o.threads = 1;
    o.replay = a->log;
    return dash_main(s, a->dir, &o);
}

int cmd_replay(int argc, char **argv)
{
    replay_args a;
    memset(&a, 0, sizeof a);
    int rc = cli_parse(&replay_cmd, argc, argv, &a);
    if (rc >= 0)
        return rc;
    if (!a.dir) {
        fprintf(stderr, "coinsim replay: no scenario given (expected --scenario DIR) (see coinsim "
                        "replay --help)\n");
        return CLI_BADINPUT;
    }
    scenario *s = cli_load_sets(a.dir, &a.sets, NULL, NULL);
    if (!s)
        return CLI_BADINPUT;
    if (!a.headless && !a.out && !a.check && ui_dashboard_or_table())
        rc = dashboard(s, &a);
    else
        rc = headless(s, &a);
    scenario_free(s);
    return rc;
}
