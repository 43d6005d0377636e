/* cli — the coinsim commands, and what they share: reading the command
 * line (opt.h) and their help, loading a scenario with its changes,
 * printing results, progress, signals, and the exit status that says what
 * happened (cli_exit). */
#ifndef COINSIM_CLI_H
#define COINSIM_CLI_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../sim/afile.h"
#include "../sim/manifest.h"
#include "opt.h"

/* The commands. Each returns the process exit status (cli_exit). */
int cmd_run(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_tour(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_fit(int argc, char **argv);
int cmd_report(int argc, char **argv);

/* ------------------------------------------------------------ exit status */

/* The exit statuses, one meaning each. */
enum cli_status {
    CLI_OK = 0,
    CLI_FAIL = 1,     /* a runtime failure: a total past 64 bits, a fork refused */
    CLI_BADINPUT = 2, /* an invalid scenario, option or log; nothing was run */
    CLI_LEDGER = 3,   /* a ledger identity broke: a bug */
    CLI_NOMEM = 4,    /* more memory than the process can get */
    CLI_IO = 5,       /* an output or input file could not be written or read */
    CLI_SIGINT = 130, /* interrupted by Ctrl-C */
    CLI_SIGTERM = 143 /* interrupted by SIGTERM */
};

/* The exit status of a sim_status (status.h); SIM_STOPPED gives 128 + the
 * signal that stopped the job (130 unless it was SIGTERM). */
int cli_exit(int sim_status);

/* For opt_cmd.exits: which statuses a command documents in its help. */
enum {
    CLI_X_OK = 1 << 0,
    CLI_X_FAIL = 1 << 1,
    CLI_X_BADINPUT = 1 << 2,
    CLI_X_LEDGER = 1 << 3,
    CLI_X_NOMEM = 1 << 4,
    CLI_X_IO = 1 << 5,
    CLI_X_SIGNAL = 1 << 6, /* 130 and 143 */
    CLI_X_ALL = (1 << 7) - 1
};

/* The exit statuses of mask, one a line ("  4    out of memory: ..."),
 * status 0 said as ok when it is not NULL. */
void cli_print_exits(FILE *f, unsigned mask, const char *ok);

/* ----------------------------------------------------------- command line */

/* Parse a command's words into args (opt_parse) and print its help at -h.
 * Returns -1 to go on, or the exit status to end with: 0 after the help,
 * 2 after a message. */
int cli_parse(const opt_cmd *c, int argc, char **argv, void *args);

/* Command c's --help on f: its usage, what it does, its options, notes
 * and exit statuses, from its table. */
void cli_help(const opt_cmd *c, FILE *f);

/* For a command's word function: keep word as its one scenario directory
 * *dir. Returns 0, or 2 after a message when *dir is set already. */
int cli_one_dir(const char *cmd, const char **dir, const char *word);

/* A change to a scenario from the command line. opt names it in messages
 * ("--set"); val is TARGET=VALUE as --set takes it, or, with key, the
 * value of params' key (--runs R is {"--runs", "runs", "R"}). */
typedef struct cli_change {
    const char *opt, *key, *val;
} cli_change;

/* Load dir, apply ch[0..n) in order, check; print every problem. NULL if
 * any error, after "coinsim: N problems in DIR; nothing was run". */
struct scenario;
struct scenario *cli_load(const char *dir, const cli_change *ch, int n);

/* cli_load with each of sets as --set, then --runs runs and --seed seed
 * (NULL for none), after every other change so that they win. */
struct scenario *cli_load_sets(const char *dir, const opt_list *sets, const char *runs,
                               const char *seed);

/* The metric named name (given as option opt of command cmd), or -1 after
 * "coinsim CMD: OPT "NAME": no such metric (did you mean ...?)" and a line
 * listing every metric on stderr. */
int cli_metric(const char *cmd, const char *opt, const char *name);

/* ------------------------------------------------------------ what ran */

/* The version coinsim --version prints and manifest.csv records. */
#define CLI_VERSION "0.1"

/* Keep main's command line (argv outlives every command) for manifests. */
void cli_keep_command_line(int argc, char **argv);

/* A manifest (sim/manifest.h) begun for command cmd: coinsim_version,
 * model_version, command and command_line (as kept). NULL out of memory;
 * free with manifest_free. */
struct manifest *cli_manifest(const char *cmd);

/* cli_manifest, then the job's rows every one-scenario command writes the
 * same: the scenario, seed and runs, steps, threads, and a set row per
 * --set in sets (NULL: none). */
struct opt_list;
struct manifest *cli_manifest_job(const char *cmd, const struct scenario *s, long long runs,
                                  int threads, const struct opt_list *sets);

/* The comment row of a saved scenario/: which scenario it is, run by
 * which command (side: "A", "B" or NULL for the one side). */
void cli_scenario_comment(char *buf, size_t n, const struct scenario *s, const char *cmd,
                          const char *side);

/* What --out adds to a one-scenario job's files (run, replay, sweep):
 * manifest.csv, the scenario as it ran (scenario/), and an older
 * report.html, which goes with the files it was made from. */
typedef struct cli_out {
    manifest *m;
    manifest_scenario ms;
    char comment[1200];
    afile_part part[3];
} cli_out;

/* Make o's parts from m (its rows added; o owns it from here) and s, run
 * by command cmd. Returns 0, or -1 out of memory (m freed, msg). */
int cli_out_parts(cli_out *o, manifest *m, const struct scenario *s, const char *cmd, char *msg,
                  size_t n);
void cli_out_free(cli_out *o);

/* ----------------------------------------------------------------- output */

/* Print every diagnostic to stderr; warnings prefixed "warning: ". */
struct diag;
void cli_print_diag(const struct diag *d);

/* A figure for people: money with 2 decimals, rates with 4, counts with 1. */
void cli_human(char *buf, size_t n, int metric, double v);

/* Show "coinsim: WHAT n of total (p%)" on stderr, cleared at the end. */
void cli_progress(const char *what, long long done, long long total);

/* Whether a job shows its progress: on a terminal, and in an MPI job,
 * whose rank 0 writes to mpirun (a terminal or a batch log). Where stderr
 * is not a terminal, progress is a line at each tenth of the job:
 * cli_progress_tenth(done, total) says whether done has reached the next. */
int cli_wants_progress(void);
int cli_progress_tenth(long long done, long long total);

/* Whether NO_COLOR is set to something (https://no-color.org). */
int cli_no_color(void);

/* How validate, run and the tables name scenario s: its name, followed by
 * its directory in parentheses when the directory is called otherwise. */
void cli_scenario_label(char *buf, size_t n, const struct scenario *s);

/* The summary table of a run's results on stdout. */
struct mc_result;
void cli_print_table(const struct scenario *s, const struct mc_result *r);

/* ------------------------------------------------------------ the machine */

/* Worker threads: asked, or the processors online when asked is 0; at
 * most most (when most > 0). */
int cli_threads(long long asked, int64_t most);

/* Whether a job of need bytes on threads threads fits in memory (host.h):
 * 0, or 4 after "coinsim: NAME needs about X MB ...; nothing was run". */
int cli_memory(const struct scenario *s, int64_t need, int threads);

/* Under mpirun with several ranks (make mpi), what runs on one machine
 * only (the dashboard, the tour, bench) says so: "coinsim CMD: ..." and
 * CLI_BADINPUT; 0 otherwise. */
int cli_local_only(const char *cmd);

/* Interruption. cli_catch_signals: the first SIGINT or SIGTERM sets
 * cli_stop (to the signal's number), which the engine checks before every
 * step and the output files before they take their names; a second one
 * removes the temporary files and ends the process at once, by the
 * signal. A command that returns 130 or 143 after an interruption is ended
 * by main with the signal too (cli_reraise), so that a shell running it in
 * a loop sees it die of SIGINT and stops as well. */
extern atomic_int cli_stop;
void cli_catch_signals(void);
void cli_reraise(void);

/* The last word of an interrupted command on stderr, saying what was and
 * was not written: "coinsim: interrupted WHEN; ...". out is the --out
 * directory, or NULL; lost and wrote name other files (NULL for none)
 * that were not written and that were. Returns cli_exit(SIM_STOPPED). */
int cli_interrupted(const char *when, const char *out, const char *lost, const char *wrote);

#endif
