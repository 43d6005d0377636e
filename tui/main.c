/* coinsim — simulate a live-gift coin economy. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../sim/afile.h"
#include "../sim/dist.h"
#include "cli.h"
#include "opt.h"

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
    "  compare A [B]  run two scenarios pair by pair; the difference and its CI\n"
    "                 (B is A changed by --set-b when not given)\n"
    "  sweep DIR      run a grid of values; mean and CI of the key figures\n"
    "  fit DIR        fit parameters to observed figures; an honest report\n"
    "  replay LOG     apply an event log to the ledger; what-if accounting\n"
    "  report DIR     report.html from an output directory: one page with charts\n"
    "  bench DIR...   time the engine on scenarios (make bench)\n"
    "  validate DIR   check a scenario and list every problem in it\n"
    "  help [COMMAND] this text, or a command's own\n"
    "\n"
    "Each command takes --help; options take their value as --runs 5 or\n"
    "--runs=5.\n";

/* The usage, with every exit status (cli.c's table). */
static void print_usage(FILE *f)
{
    fprintf(f, "%s\n", usage);
    cli_print_exits(f, CLI_X_ALL, "done (validate: the scenario is valid)");
}

/* Every command, in the order of the list above. */
static const struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
} commands[] = {
    {"run", cmd_run},       {"tour", cmd_tour},   {"compare", cmd_compare},
    {"sweep", cmd_sweep},   {"fit", cmd_fit},     {"replay", cmd_replay},
    {"report", cmd_report}, {"bench", cmd_bench}, {"validate", cmd_validate},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static const struct command *command(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

/* "coinsim: unknown command "X" (did you mean Y? the commands are ...)". */
static int unknown(const char *what, const char *name)
{
    const char *names[NCOMMANDS + 1];
    for (size_t i = 0; i < NCOMMANDS; i++)
        names[i] = commands[i].name;
    names[NCOMMANDS] = "help";
    const char *near = opt_nearest(name, names, NCOMMANDS + 1);
    fprintf(stderr, "coinsim: %s \"%s\" (", what, name);
    if (near)
        fprintf(stderr, "did you mean %s? ", near);
    fputs("the commands are", stderr);
    for (size_t i = 0; i <= NCOMMANDS; i++)
        fprintf(stderr, "%s %s", i == 0 ? "" : i == NCOMMANDS ? " and" : ",", names[i]);
    fputs("; see coinsim --help)\n", stderr);
    return CLI_BADINPUT;
}

/* Under mpirun (make mpi), every rank runs the command; rank 0 alone
 * prints and writes (docs/cluster.md). */
static int join_job(int *argc, char ***argv)
{
    char msg[300];
    if (dist_start(argc, argv, msg, sizeof msg) < 0) {
        fprintf(stderr, "coinsim: %s\n", msg);
        return -1;
    }
    if (dist_rank() > 0) {
        afile_mute();
        if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))
            return -1;
    }
    return 0;
}

static int run_main(int argc, char **argv);

int main(int argc, char **argv)
{
    if (join_job(&argc, &argv) < 0)
        return CLI_FAIL;
    int rc = run_main(argc, argv);
    if ((rc == CLI_SIGINT || rc == CLI_SIGTERM) && dist_rank() > 0) {
        /* The launcher kills every rank at once when one dies: the others
         * wait (at most 5 s) so that rank 0, which alone has files to
         * remove, is the first to go. */
        nanosleep(&(struct timespec){5, 0}, NULL); /* (a second signal ends it sooner) */
    }
    if (rc == CLI_SIGINT || rc == CLI_SIGTERM)
        cli_reraise(); /* interrupted: end by the signal (cli.h) */
    /* A failure leaves the job without MPI_Finalize: a rank that failed
     * alone (its own file system, say) must not wait for ranks still at
     * work; mpirun ends them and passes the status on. */
    if (rc == 0)
        dist_end();
    return rc;
}

static int run_main(int argc, char **argv)
{
    /* (GSL's error handler: the library turns it off itself, sim/setup.h.) */
    if (argc < 2) {
        print_usage(stderr);
        return CLI_BADINPUT;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        print_usage(stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0) {
        puts("coinsim " CLI_VERSION);
        return 0;
    }
    if (strcmp(cmd, "help") == 0) {
        if (argc < 3) {
            print_usage(stdout);
            return 0;
        }
        if (strcmp(argv[2], "help") == 0) {
            print_usage(stdout);
            return 0;
        }
        const struct command *c = command(argv[2]);
        if (!c)
            return unknown("no command", argv[2]);
        char *hv[] = {argv[2], "--help", NULL};
        return c->fn(2, hv);
    }
    const struct command *c = command(cmd);
    if (!c)
        return unknown("unknown command", cmd);
    cli_keep_command_line(argc, argv);
    return c->fn(argc - 1, argv + 1);
}
