/* opt — one command line for every coinsim command: GNU-style long options
 * (--name VALUE or --name=VALUE), -h, and "--" ending the options, with
 * the nearest valid name suggested for a word that is not one. */
#ifndef COINSIM_OPT_H
#define COINSIM_OPT_H

#include <stddef.h>

/* One option a command knows: its name with the dashes ("--runs") and
 * whether it takes a value. A table ends with {NULL, 0}. */
typedef struct opt_spec {
    const char *name;
    int takes;
} opt_spec;

typedef struct opt_parser {
    const char *cmd; /* "run", for messages */
    const opt_spec *specs;
    int argc, i;
    char **argv;
    int rest; /* after "--": only arguments */
} opt_parser;

enum { OPT_END, OPT_OPTION, OPT_ARG, OPT_HELP, OPT_ERROR };

/* Read argv[1..argc) of command cmd against specs (which must outlive p). */
void opt_init(opt_parser *p, const char *cmd, const opt_spec *specs, int argc, char **argv);

/* The next word: OPT_OPTION with *name the spec's name and *val its value
 * (NULL for one that takes none), OPT_ARG with *val the argument,
 * OPT_HELP for -h or --help, OPT_END after the last. OPT_ERROR after a
 * message on stderr ("coinsim CMD: ..."): an unknown option (with the
 * nearest valid one when one is close), a missing value, or a value given
 * to an option that takes none. */
int opt_next(opt_parser *p, const char **name, const char **val);

/* Of cands[0..n), the one nearest to word if it is close enough to be
 * what was meant (a few letters changed, added or dropped, or word being
 * the start of it), else NULL. Case is ignored. */
const char *opt_nearest(const char *word, const char *const *cands, size_t n);

#endif
