/* coinsim — simulate a live-gift coin economy. */
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
    "usage: coinsim COMMAND [ARGS]\n"
    "\n"
    "Simulates a live-gift coin economy: viewers buy coin packs, gift coins to\n"
    "live creators, creators receive diamonds after the platform's commission\n"
    "and cash them out. Runs many times (Monte Carlo) and reports each figure\n"
    "with a 95% confidence interval.\n"
    "\n"
    "commands:\n"
    "  run DIR        simulate the scenario in DIR: the live dashboard on a\n"
    "                 terminal, the summary table otherwise (or with --headless)\n"
    "  tour [DIR]     a guided tour of the economy in the dashboard\n"
    "  compare A B    run two scenarios pair by pair; the difference and its CI\n"
    "  sweep DIR      run a grid of values; mean and CI of the key figures\n"
    "  replay LOG     apply an event log to the ledger; what-if accounting\n"
    "  bench DIR...   time the engine on scenarios (make bench)\n"
    "  validate DIR   check a scenario and list every problem in it\n"
    "  help [COMMAND] this text, or a command's own\n"
    "\n"
    "Each command takes --help. Exit status: 0 done, 1 runtime failure,\n"
    "2 bad input (every problem is listed as FILE:LINE: column NAME: ...),\n"
    "3 a ledger identity broken (a bug: please report it), 130 (143) interrupted\nby Ctrl-C (SIGTERM).\n";

int main(int argc, char **argv)
{
    /* GSL's default handler aborts; the engine checks every return. */
    gsl_set_error_handler_off();
    if (argc < 2) {
        fputs(usage, stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        fputs(usage, stdout);
        return 0;
    }
    if (strcmp(cmd, "help") == 0) {
        if (argc < 3) {
            fputs(usage, stdout);
            return 0;
        }
        char *hv[] = {argv[2], "--help", NULL};
        if (strcmp(argv[2], "run") == 0)
            return cmd_run(2, hv);
        if (strcmp(argv[2], "validate") == 0)
            return cmd_validate(2, hv);
        if (strcmp(argv[2], "tour") == 0)
            return cmd_tour(2, hv);
        if (strcmp(argv[2], "compare") == 0)
            return cmd_compare(2, hv);
        if (strcmp(argv[2], "sweep") == 0)
            return cmd_sweep(2, hv);
        if (strcmp(argv[2], "replay") == 0)
            return cmd_replay(2, hv);
        if (strcmp(argv[2], "bench") == 0)
            return cmd_bench(2, hv);
        fprintf(stderr, "coinsim: no command \"%s\" (expected run, validate, tour, compare, sweep or replay)\n", argv[2]);
        return 2;
    }
    int rc = -1;
    if (strcmp(cmd, "run") == 0)
        rc = cmd_run(argc - 1, argv + 1);
    else if (strcmp(cmd, "compare") == 0)
        rc = cmd_compare(argc - 1, argv + 1);
    else if (strcmp(cmd, "sweep") == 0)
        rc = cmd_sweep(argc - 1, argv + 1);
    else if (strcmp(cmd, "replay") == 0)
        rc = cmd_replay(argc - 1, argv + 1);
    if (rc >= 0) {
        if (rc == 130)
            cli_reraise();      /* interrupted: end by the signal (cli.h) */
        return rc;
    }
    if (strcmp(cmd, "validate") == 0)
        return cmd_validate(argc - 1, argv + 1);
    if (strcmp(cmd, "tour") == 0)
        return cmd_tour(argc - 1, argv + 1);
    if (strcmp(cmd, "bench") == 0)
        return cmd_bench(argc - 1, argv + 1);
    if (strcmp(cmd, "--version") == 0) {
        puts("coinsim 0.1");
        return 0;
    }
    fprintf(stderr, "coinsim: unknown command \"%s\" (expected run, validate, tour, compare, sweep, replay or help; see coinsim --help)\n", cmd);
    return 2;
}
