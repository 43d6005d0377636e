/* opt — one command line for every coinsim command, read from a table.
 *
 * A command declares each option once, in an array of opt_spec: its name,
 * the name of its value for the help, how the value is kept (a flag, a
 * text, a whole number in a range, a repeatable list, or a function of the
 * command's) and where in the command's argument struct, and its help. The
 * same table parses argv, GNU-style (--name VALUE or --name=VALUE, -h and
 * --help, "--" ending the options, the nearest valid name suggested for
 * one that is not), and writes the options part of the command's --help. */
#ifndef COINSIM_OPT_H
#define COINSIM_OPT_H

#include <stddef.h>
#include <stdio.h>

/* How an option's value is kept, at offset `at` of the argument struct. */
enum opt_kind {
    OPT_K_FLAG, /* int, set to 1; takes no value */
    OPT_K_TEXT, /* const char *: the value (the last one given wins) */
    OPT_K_INT,  /* long long: a whole number from lo to hi */
    OPT_K_LIST, /* opt_list: every value in the order given, at most hi */
    OPT_K_CALL, /* call(cmd, args, name, value) keeps it */
};

#define OPT_LIST_MAX 256

/* The values of a repeatable option, in the order given. */
typedef struct opt_list {
    const char *v[OPT_LIST_MAX];
    int n;
} opt_list;

typedef struct opt_spec {
    const char *name;  /* with its dashes: "--runs" */
    const char *value; /* its value's name in the help ("R"); NULL: a flag */
    enum opt_kind kind;
    size_t at;        /* offsetof(the command's args, the field) */
    long long lo, hi; /* OPT_K_INT: the range; OPT_K_LIST: hi, the most values */
    /* OPT_K_CALL: keep value (NULL for a flag) in args; returns 0, or an
     * exit status after a message on stderr. */
    int (*call)(const char *cmd, void *args, const char *name, const char *value);
    const char *help; /* wrapped to the width of the help; "\n" breaks a line */
} opt_spec;

#define OPT_FLAG(name, T, field, help)                               \
    {                                                                \
        name, NULL, OPT_K_FLAG, offsetof(T, field), 0, 0, NULL, help \
    }
#define OPT_TEXT(name, value, T, field, help)                         \
    {                                                                 \
        name, value, OPT_K_TEXT, offsetof(T, field), 0, 0, NULL, help \
    }
#define OPT_INT(name, value, T, field, lo, hi, help)                   \
    {                                                                  \
        name, value, OPT_K_INT, offsetof(T, field), lo, hi, NULL, help \
    }
#define OPT_LIST(name, value, T, field, most, help)                      \
    {                                                                    \
        name, value, OPT_K_LIST, offsetof(T, field), 0, most, NULL, help \
    }
#define OPT_CALL(name, value, fn, help)            \
    {                                              \
        name, value, OPT_K_CALL, 0, 0, 0, fn, help \
    }
#define OPT_END                                     \
    {                                               \
        NULL, NULL, OPT_K_FLAG, 0, 0, 0, NULL, NULL \
    }

/* A command: its options and the words of its help. */
typedef struct opt_cmd {
    const char *name;     /* "run" */
    const char *usage;    /* after "usage: coinsim NAME ": "DIR [options]" */
    const char *about;    /* the paragraphs before the options */
    const opt_spec *opts; /* ends with OPT_END */
    const char *notes;    /* the paragraphs after the options, or NULL */
    /* A word that is not an option (every word after "--"): keep it in
     * args; returns 0, or an exit status after a message on stderr. */
    int (*word)(const char *cmd, void *args, const char *word);
    int min_words;    /* fewer words than this: "coinsim NAME: NONE (see ...)" */
    const char *none; /* "no scenario directory given" */
    unsigned exits;   /* for the help: the exit statuses it may end with (cli.h) */
    const char *ok;   /* for the help: what status 0 means; NULL for "done" */
} opt_cmd;

enum { OPT_GO = -1, OPT_HELP = -2 };

/* Parse argv[1..argc) of command c into args, in order. Returns OPT_GO
 * when every word was kept, OPT_HELP at -h or --help, or an exit status
 * (2, or what a call or word function returned) after a message on stderr
 * ("coinsim CMD: ..."): an unknown option (with the nearest valid one when
 * one is close), a missing value, a value given to a flag, a number out of
 * range, more values than a list takes, or too few words. */
int opt_parse(const opt_cmd *c, int argc, char **argv, void *args);

/* The options part of c's help on f: each option with its value's name
 * and its help, then -h, --help. */
void opt_print_options(const opt_cmd *c, FILE *f);

/* Print text on f from column col, wrapped to fit width columns, each
 * further line indented to indent; "\n" in text starts a new line. Ends
 * with a newline. */
void opt_wrap(FILE *f, const char *text, int col, int indent, int width);

/* Of cands[0..n), the one nearest to word if it is close enough to be
 * what was meant (a few letters changed, added or dropped, or word being
 * the start of it), else NULL. Case is ignored. */
const char *opt_nearest(const char *word, const char *const *cands, size_t n);

#endif
