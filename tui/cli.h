/* cli — the coinsim commands. Each returns the process exit status:
 * 0 done, 1 runtime failure, 2 bad input, 3 a ledger identity broken. */
#ifndef COINSIM_CLI_H
#define COINSIM_CLI_H

int cmd_run(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_tour(int argc, char **argv);

/* Print every diagnostic to stderr; warnings prefixed "warning: ". */
struct diag;
void cli_print_diag(const struct diag *d);

#endif
