/* cli — the coinsim commands. Each returns the process exit status:
 * 0 done, 1 runtime failure, 2 bad input, 3 a ledger identity broken. */
#ifndef COINSIM_CLI_H
#define COINSIM_CLI_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

int cmd_run(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_tour(int argc, char **argv);

/* Print every diagnostic to stderr; warnings prefixed "warning: ". */
struct diag;
void cli_print_diag(const struct diag *d);

/* Load dir, apply sets[0..nsets) in order (labels[i], if given, names the
 * option in messages), then --runs runs and --seed seed (NULL for none),
 * check; print every problem. NULL if any error. */
struct scenario;
struct scenario *cli_load(const char *dir, const char *const *sets, const char *const *labels,
                          int nsets, const char *runs, const char *seed);

/* A figure for people: money with 2 decimals, rates with 4, counts with 1. */
void cli_human(char *buf, size_t n, int metric, double v);

/* Show "coinsim: WHAT n of total (p%)" on stderr, cleared at the end. */
void cli_progress(const char *what, long long done, long long total);

/* Whether NO_COLOR is set to something (https://no-color.org). */
int no_color_env(void);

/* How validate, run and the tables name scenario s: its name, followed by
 * its directory in parentheses when the directory is called otherwise. */
void cli_scenario_label(char *buf, size_t n, const struct scenario *s);

/* The summary table of a run's results on stdout. */
struct mc_result;
void cli_print_table(const struct scenario *s, const struct mc_result *r);

/* Parse option opt's value v as a whole number in [lo, hi] into *out.
 * Returns 0, or 2 after "coinsim CMD: OPT "V": expected ..." on stderr. */
int cli_int_opt(const char *cmd, const char *opt, const char *v, long long lo, long long hi,
                long long *out);

/* The metric named name (given as option opt of command cmd), or -1 after
 * "coinsim CMD: OPT "NAME": no such metric (did you mean ...?)" and a line
 * listing every metric on stderr. */
int cli_metric(const char *cmd, const char *opt, const char *name);

/* Interruption. cli_catch_signals: the first SIGINT or SIGTERM sets
 * cli_stop (to the signal's number), which the engine checks before every
 * step and the output files before they take their names; a second one
 * removes the temporary files and ends the process at once, by the
 * signal. A command that returns 130 after an interruption is ended by
 * main with the signal too (cli_reraise), so that a shell running it in a
 * loop sees it die of SIGINT and stops as well. */
extern atomic_int cli_stop;
void cli_catch_signals(void);
void cli_reraise(void);

/* The last word of an interrupted command on stderr, saying what was and
 * was not written: "coinsim: interrupted WHEN; ...". out is the --out
 * directory, or NULL; lost and wrote name other files (NULL for none)
 * that were not written and that were. Returns 130. */
int cli_interrupted(const char *when, const char *out, const char *lost, const char *wrote);

/* Whether a job of need bytes on threads threads fits in memory (mem.h):
 * 0, or 1 after "coinsim: NAME needs about X MB ...; nothing was run". */
int cli_memory(const struct scenario *s, int64_t need, int threads);

int cmd_compare(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_sweep(int argc, char **argv);

#endif
