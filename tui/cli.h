/* cli — the coinsim commands. Each returns the process exit status:
 * 0 done, 1 runtime failure, 2 bad input, 3 a ledger identity broken. */
#ifndef COINSIM_CLI_H
#define COINSIM_CLI_H

#include <stddef.h>

int cmd_run(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_tour(int argc, char **argv);

/* Print every diagnostic to stderr; warnings prefixed "warning: ". */
struct diag;
void cli_print_diag(const struct diag *d);

/* Load dir, apply sets[0..nsets) in order (labels[i], if given, names the
 * option in messages), check; print every problem. NULL if any error. */
struct scenario;
struct scenario *cli_load(const char *dir, const char *const *sets, const char *const *labels, int nsets);

/* A figure for people: money with 2 decimals, rates with 4, counts with 1. */
void cli_human(char *buf, size_t n, int metric, double v);

/* Show "coinsim: WHAT n of total (p%)" on stderr, cleared at the end. */
void cli_progress(const char *what, long long done, long long total);

/* Whether NO_COLOR is set to something (https://no-color.org). */
int no_color_env(void);

/* The summary table of a run's results on stdout. */
struct mc_result;
void cli_print_table(const struct scenario *s, const struct mc_result *r);

/* Parse option opt's value v as a whole number in [lo, hi] into *out.
 * Returns 0, or 2 after "coinsim CMD: OPT "V": expected ..." on stderr. */
int cli_int_opt(const char *cmd, const char *opt, const char *v, long long lo, long long hi, long long *out);

int cmd_compare(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_sweep(int argc, char **argv);

#endif
