/* coinsim replay EVENTS.csv --scenario DIR: an event log through the ledger. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../sim/diag.h"
#include "../sim/mc.h"
#include "../sim/replay.h"
#include "../sim/report.h"
#include "../sim/scenario.h"
#include "cli.h"
#include "opt.h"
#include "dash.h"
#include "ui.h"

static const char replay_help[] =
    "usage: coinsim replay EVENTS.csv --scenario DIR [options]\n"
    "\n"
    "Apply an event log (its own, from coinsim run --events, or one exported\n"
    "from a real system) to the ledger under the scenario in DIR, step by step,\n"
    "and report the same figures as a run (one run). The log's columns are\n"
    "run,step,type,viewer,creator,item,coins,usd,channel; types purchase, gift,\n"
    "lost, cashout, churn; viewers and creators are any strings. The log must be\n"
    "ordered by step; within a step events may come in any order. A pack or\n"
    "gift the scenario does not know is accepted when the row carries its coins\n"
    "(and, for a pack, its usd and channel), and counted.\n"
    "\n"
    "What-if accounting: --set on commission, coin_value_usd, usd_per_diamond,\n"
    "store_fee_app, store_fee_web, payout_fee_usd, payout_fee_rate,\n"
    "min_withdrawal_usd, daily_withdrawal_limit_usd or packs.NAME.price_usd\n"
    "recomputes prices, fees, creator credits and cash-outs while the recorded\n"
    "demand (who bought what, who gifted what) stays as it was; cash-outs are\n"
    "capped by the diamonds the creator then has. Replay answers who would\n"
    "have earned and paid what; how demand itself would respond to a price or\n"
    "commission is a question for simulation (coinsim compare).\n"
    "\n"
    "options:\n"
    "  --scenario DIR    the scenario the log belongs to (required)\n"
    "  --set TARGET=VAL  what-if: change the scenario first; repeatable\n"
    "  --lenient         count infeasible events (a gift the wallet cannot\n"
    "                    cover, a cash-out beyond the pending diamonds) as\n"
    "                    rejected instead of stopping at the first\n"
    "  --check           check the ledger identities after every step\n"
    "  --out DIR         write summary.csv, timeseries.csv, runs.csv,\n"
    "                    pack_sales.csv and replay.csv there\n"
    "  --headless        print the table instead of playing the log in the\n"
    "                    dashboard (also when stdin or stdout is not a terminal)\n"
    "  --ascii, --no-color   as for coinsim run\n"
    "  -h, --help        this text\n"
    "\n"
    "On a terminal the log plays in the dashboard, step by step at the speed\n"
    "you choose, with the same views; a change made there ([ ] commission, p a\n"
    "pack's price) is what-if accounting from the next step on, and s saves the\n"
    "scenario with those changes to replay again.\n"
    "Active viewers and live creators are not in a log: they are reported as 0.\n"
    "exit status: 0 done, 1 runtime failure, 2 bad input (FILE:LINE: what is\n"
    "wrong), 3 ledger identity broken, 130 interrupted by Ctrl-C, 143 by\n"
    "SIGTERM (no output file is written)\n";

static void write_counts(FILE *f, const void *ud)
{
    const replay_counts *k = ud;
    fprintf(f,
            "figure,value\nevents,%lld\nviewers,%lld\ncreators,%lld\nrejected_gifts,%lld\nrejected_"
            "cashouts,%lld\n"
            "capped_cashouts,%lld\nskipped_cashouts,%lld\nunknown_packs,%lld\nunknown_gifts,%"
            "lld\nprice_differs,%lld\n"
            "breakage_differs,%lld\n",
            (long long)k->events, (long long)k->viewers, (long long)k->creators,
            (long long)k->rejected_gifts, (long long)k->rejected_cashouts,
            (long long)k->capped_cashouts, (long long)k->skipped_cashouts,
            (long long)k->unknown_packs, (long long)k->unknown_gifts, (long long)k->price_differs,
            (long long)k->breakage_differs);
}

static const opt_spec replay_cli_opts[] = {{"--scenario", 1}, {"--set", 1},      {"--out", 1},
                                           {"--lenient", 0},  {"--check", 0},    {"--headless", 0},
                                           {"--ascii", 0},    {"--no-color", 0}, {NULL, 0}};

int cmd_replay(int argc, char **argv)
{
    const char *log = NULL, *dir = NULL, *out = NULL, *sets[256];
    int nsets = 0, lenient = 0, check = 0, headless = 0, ascii = 0, nocolor = 0;
    char msg[1024];

    opt_parser p;
    opt_init(&p, "replay", replay_cli_opts, argc, argv);
    const char *o, *v;
    for (int k; (k = opt_next(&p, &o, &v)) != OPT_END;) {
        if (k == OPT_ERROR)
            return 2;
        if (k == OPT_HELP) {
            fputs(replay_help, stdout);
            return 0;
        }
        if (k == OPT_ARG) {
            if (log) {
                fprintf(stderr, "coinsim replay: one event log expected, got \"%s\" and \"%s\"\n",
                        log, v);
                return 2;
            }
            log = v;
        } else if (!strcmp(o, "--scenario"))
            dir = v;
        else if (!strcmp(o, "--out"))
            out = v;
        else if (!strcmp(o, "--set")) {
            if (nsets == 256) {
                fprintf(stderr, "coinsim replay: more than 256 --set options\n");
                return 2;
            }
            sets[nsets++] = v;
        } else if (!strcmp(o, "--lenient"))
            lenient = 1;
        else if (!strcmp(o, "--check"))
            check = 1;
        else if (!strcmp(o, "--headless"))
            headless = 1;
        else if (!strcmp(o, "--ascii"))
            ascii = 1;
        else
            nocolor = 1; /* --no-color */
    }
    if (!log || !dir) {
        fprintf(stderr, "coinsim replay: %s (see coinsim replay --help)\n",
                !log ? "no event log given" : "no scenario given (expected --scenario DIR)");
        return 2;
    }
    scenario *s = cli_load(dir, sets, NULL, nsets, NULL, NULL);
    if (!s)
        return 2;
    if (!headless && !out && !check && ui_dashboard_or_table()) {
        dash_opts dop;
        memset(&dop, 0, sizeof dop);
        dop.ascii = ascii;
        dop.color = !nocolor && !no_color_env();
        dop.threads = 1;
        dop.replay = log;
        int drc = dash_main(s, dir, &dop);
        scenario_free(s);
        return drc;
    }
    /* The log is read as it goes, so its problems show only after --out
     * is made: a directory made for a replay that fails is removed. */
    char *made = out ? afile_missing_root(out) : NULL;
    if (out && afile_prepare_dir(out, msg, sizeof msg) < 0) {
        fprintf(stderr, "coinsim: %s; nothing was replayed\n", msg);
        free(made);
        scenario_free(s);
        return 1;
    }
    /* What-if mode (cash-outs capped, not refused) when a --set changes a
     * parameter replay recomputes from; others (steps, viewers, ...) only
     * describe the log. */
    static const char *const recomputed[] = {
        "commission=",      "coin_value_usd=",     "usd_per_diamond=",
        "store_fee_app=",   "store_fee_web=",      "payout_fee_usd=",
        "payout_fee_rate=", "min_withdrawal_usd=", "daily_withdrawal_limit_usd="};
    int whatif = 0;
    for (int i = 0; i < nsets; i++) {
        const char *t = strncmp(sets[i], "params.", 7) == 0 ? sets[i] + 7 : sets[i];
        for (size_t k = 0; k < sizeof recomputed / sizeof recomputed[0]; k++)
            if (strncmp(t, recomputed[k], strlen(recomputed[k])) == 0)
                whatif = 1;
        if (strncmp(sets[i], "packs.", 6) == 0 && strstr(sets[i], ".price_usd="))
            whatif = 1;
    }
    replay_opts ro = {lenient, whatif};
    diag d = {0};
    int rc = 0;
    int64_t steps = s->t.p.steps;
    mc_result mr;
    memset(&mr, 0, sizeof mr);
    mr.runs = 1;
    mr.steps = steps;
    mr.npacks = s->t.npacks;
    mr.res = calloc(1, sizeof *mr.res);
    mr.ts = calloc((size_t)steps, sizeof *mr.ts);
    mr.packs = calloc(2 * (mr.npacks ? mr.npacks : 1), sizeof *mr.packs);
    replay *r = mr.res && mr.ts && mr.packs ? replay_open(s, log, &ro, &d) : NULL;
    if (!r) {
        if (!d.n)
            fprintf(stderr, "coinsim: out of memory\n");
        rc = d.n ? 2 : 1;
        goto done;
    }
    cli_catch_signals();
    for (int64_t st = 0; st < steps; st++) {
        if (cli_stop) {
            char when[100];
            snprintf(when, sizeof when, "after %lld of %lld steps", (long long)st,
                     (long long)steps);
            rc = cli_interrupted(when, out, NULL, NULL);
            goto done;
        }
        if (replay_step(r, &mr.ts[st], &d) < 0) {
            rc = 2;
            goto done;
        }
        if ((check || st == steps - 1) && replay_check(r, msg, sizeof msg) < 0) {
            fprintf(stderr, "coinsim: ledger identity broken in the replay after step %lld: %s\n",
                    (long long)st, msg);
            rc = 3;
            goto done;
        }
    }
    if (replay_result(r, mr.ts, steps, &mr.res[0], mr.packs) < 0) {
        fprintf(stderr, "coinsim: out of memory summing up the replay%s\n",
                out ? "; no output file was written" : "");
        rc = 1;
        goto done;
    }
    const replay_counts *k = replay_get_counts(r);
    if (out && report_write_with(out, s, &mr, "replay.csv", write_counts, k, msg, sizeof msg) < 0) {
        if (cli_stop) {
            rc = cli_interrupted("while writing the output files", out, NULL, NULL);
            goto done;
        }
        fprintf(stderr, "coinsim: %s\n", msg);
        rc = 1;
    }
    cli_print_table(s, &mr);
    printf("\nreplayed %lld events of run %llu: %lld viewers, %lld creators", (long long)k->events,
           (unsigned long long)k->run, (long long)k->viewers, (long long)k->creators);
    if (whatif)
        printf(" (what-if: parameters changed with --set)");
    printf("\n");
    if (k->rejected_gifts || k->rejected_cashouts)
        printf("rejected (--lenient): %lld gifts beyond the wallet, %lld cash-outs beyond the "
               "pending diamonds\n",
               (long long)k->rejected_gifts, (long long)k->rejected_cashouts);
    if (k->capped_cashouts || k->skipped_cashouts)
        printf("cash-outs not made as recorded: %lld capped (what-if), %lld skipped (below the "
               "minimum, or fee at least the gross)\n",
               (long long)k->capped_cashouts, (long long)k->skipped_cashouts);
    if (k->unknown_packs || k->unknown_gifts)
        printf("names the scenario does not know: %lld purchases, %lld gifts (taken at the coins "
               "and usd on their rows)\n",
               (long long)k->unknown_packs, (long long)k->unknown_gifts);
    if (k->price_differs)
        printf("%lld purchases were recorded at another price than the scenario's; the scenario's "
               "was used\n",
               (long long)k->price_differs);
    if (k->breakage_differs)
        printf(
            "%lld churn rows recorded other coins than the wallet held; the wallet's were used\n",
            (long long)k->breakage_differs);
    printf("active viewers and live creators are not in a log: reported as 0\n");
    if (out && rc == 0)
        printf("wrote %s/summary.csv, timeseries.csv, runs.csv, pack_sales.csv, replay.csv\n", out);
done:
    if (rc != 0 && made)
        afile_unprepare_dir(out, made);
    free(made);
    cli_print_diag(&d);
    if (d.errors)
        fprintf(stderr, "coinsim: the replay stopped; no output file was written\n");
    diag_clear(&d);
    replay_free(r);
    free(mr.res);
    free(mr.ts);
    free(mr.packs);
    scenario_free(s);
    return rc;
}
