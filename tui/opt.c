/* opt — the command line, read one way for every command from its table
 * (opt.h). */
#define _POSIX_C_SOURCE 200809L
#include "opt.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "../sim/num.h"

/* The help's layout: option names from column 2, their help from HELP_COL,
 * no line past WIDTH columns. */
#define HELP_COL 20
#define WIDTH    79

/* Letters changed, added, dropped or swapped between a and b (the optimal
 * string alignment distance), case ignored; names are short, so three rows
 * on the stack do. Names past 63 letters count as far from everything. */
static size_t distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    if (n > 63 || m > 63)
        return (size_t)-1;
    size_t r0[64], r1[64], r2[64], *pp = r0, *prev = r1, *cur = r2;
    for (size_t j = 0; j <= m; j++)
        prev[j] = j;
    for (size_t i = 1; i <= n; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= m; j++) {
            int same = tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1]);
            size_t d = prev[j - 1] + !same;
            if (prev[j] + 1 < d)
                d = prev[j] + 1;
            if (cur[j - 1] + 1 < d)
                d = cur[j - 1] + 1;
            if (i > 1 && j > 1 &&
                tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 2]) &&
                tolower((unsigned char)a[i - 2]) == tolower((unsigned char)b[j - 1]) &&
                pp[j - 2] + 1 < d)
                d = pp[j - 2] + 1;
            cur[j] = d;
        }
        size_t *t = pp;
        pp = prev;
        prev = cur;
        cur = t;
    }
    return prev[m];
}

const char *opt_nearest(const char *word, const char *const *cands, size_t n)
{
    size_t len = strlen(word);
    /* The start of exactly one name is taken as that name. */
    const char *prefix = NULL;
    int prefixes = 0;
    for (size_t k = 0; len >= 3 && k < n; k++)
        if (strlen(cands[k]) > len && strncasecmp(word, cands[k], len) == 0) {
            prefix = cands[k];
            prefixes++;
        }
    if (prefixes == 1)
        return prefix;
    /* Otherwise the nearest, if few letters are off for its length. */
    size_t most = len <= 4 ? 1 : len <= 8 ? 2 : 3, best = (size_t)-1;
    const char *pick = NULL;
    for (size_t k = 0; k < n; k++) {
        size_t d = distance(word, cands[k]);
        if (d < best) {
            best = d;
            pick = cands[k];
        }
    }
    return best <= most ? pick : NULL;
}

/* "coinsim CMD: unknown option "O" (did you mean --X? see ...)". Names
 * are compared without their dashes, so that "-runs" is near "--runs" and
 * the dashes do not make short names look alike. */
static int unknown(const opt_cmd *c, const char *o)
{
    const char *names[64];
    size_t n = 0;
    for (const opt_spec *s = c->opts; s->name && n < 63; s++)
        names[n++] = s->name + strspn(s->name, "-");
    names[n++] = "help";
    char word[128];
    snprintf(word, sizeof word, "%s", o + strspn(o, "-"));
    char *eq = strchr(word, '=');
    if (eq)
        *eq = 0;
    const char *near = opt_nearest(word, names, n);
    if (near)
        fprintf(stderr,
                "coinsim %s: unknown option \"%s\" (did you mean --%s? see coinsim %s --help)\n",
                c->name, o, near, c->name);
    else
        fprintf(stderr, "coinsim %s: unknown option \"%s\" (see coinsim %s --help)\n", c->name, o,
                c->name);
    return 2;
}

/* Keep option s's value v (NULL for a flag) in args. */
static int keep(const opt_cmd *c, const opt_spec *s, void *args, const char *v)
{
    char *field = (char *)args + s->at;
    switch (s->kind) {
    case OPT_K_FLAG: *(int *)(void *)field = 1; return 0;
    case OPT_K_TEXT: *(const char **)(void *)field = v; return 0;
    case OPT_K_INT: {
        int64_t x;
        const char *why;
        if (num_parse_int(v, &x, &why) < 0 || x < s->lo || x > s->hi) {
            fprintf(stderr, "coinsim %s: %s \"%s\": expected a whole number from %lld to %lld\n",
                    c->name, s->name, v, s->lo, s->hi);
            return 2;
        }
        *(long long *)(void *)field = x;
        return 0;
    }
    case OPT_K_LIST: {
        opt_list *l = (opt_list *)(void *)field;
        if (l->n >= s->hi || l->n >= OPT_LIST_MAX) {
            fprintf(stderr, "coinsim %s: more than %lld %s options\n", c->name, s->hi, s->name);
            return 2;
        }
        l->v[l->n++] = v;
        return 0;
    }
    case OPT_K_CALL: return s->call(c->name, args, s->name, v);
    }
    return 2;
}

/* The option word o (with its dashes, perhaps "=VALUE") at argv[*i - 1]:
 * found in the table and kept, its value taken from o or from argv[*i]. */
static int option(const opt_cmd *c, const char *o, int argc, char **argv, int *i, void *args)
{
    const char *eq = o[1] == '-' ? strchr(o, '=') : NULL;
    size_t len = eq ? (size_t)(eq - o) : strlen(o);
    const opt_spec *s = c->opts;
    while (s->name && !(strlen(s->name) == len && strncmp(s->name, o, len) == 0))
        s++;
    if (!s->name)
        return unknown(c, o);
    if (!s->value) {
        if (eq) {
            fprintf(stderr, "coinsim %s: %s takes no value (got \"%s\")\n", c->name, s->name, o);
            return 2;
        }
        return keep(c, s, args, NULL);
    }
    if (eq)
        return keep(c, s, args, eq + 1);
    if (*i >= argc) {
        fprintf(stderr, "coinsim %s: %s needs a value (see coinsim %s --help)\n", c->name, s->name,
                c->name);
        return 2;
    }
    return keep(c, s, args, argv[(*i)++]);
}

int opt_parse(const opt_cmd *c, int argc, char **argv, void *args)
{
    int rest = 0, words = 0; /* rest: after "--", only words */
    for (int i = 1; i < argc;) {
        const char *o = argv[i++];
        int rc;
        if (rest || o[0] != '-' || o[1] == 0) { /* "-" is a word */
            words++;
            if (!c->word) {
                fprintf(stderr, "coinsim %s: unexpected argument \"%s\"\n", c->name, o);
                return 2;
            }
            rc = c->word(c->name, args, o);
        } else if (strcmp(o, "--") == 0) {
            rest = 1;
            continue;
        } else if (strcmp(o, "-h") == 0 || strcmp(o, "--help") == 0) {
            return OPT_HELP;
        } else {
            rc = option(c, o, argc, argv, &i, args);
        }
        if (rc)
            return rc;
    }
    if (words < c->min_words) {
        fprintf(stderr, "coinsim %s: %s (see coinsim %s --help)\n", c->name, c->none, c->name);
        return 2;
    }
    return OPT_GO;
}

void opt_wrap(FILE *f, const char *text, int col, int indent, int width)
{
    int at = col, first = 1, pad = 0; /* pad: the indent is still to come */
    for (const char *s = text; *s;) {
        if (*s == ' ') {
            s++;
            continue;
        }
        if (*s == '\n') {
            fputc('\n', f);
            at = 0;
            first = pad = 1;
            s++;
            continue;
        }
        int len = (int)strcspn(s, " \n");
        if (!first && at + 1 + len > width) {
            fputc('\n', f);
            at = 0;
            first = pad = 1;
        }
        if (pad) {
            at = fprintf(f, "%*s", indent, "");
            pad = 0;
        }
        if (!first)
            at += fprintf(f, " ");
        at += fprintf(f, "%.*s", len, s);
        first = 0;
        s += len;
    }
    fputc('\n', f);
}

/* One entry of the options list: the name and value's name, then the help
 * from HELP_COL (on a line of its own when the name is longer). */
static void entry(FILE *f, const char *name, const char *value, const char *help)
{
    int at = fprintf(f, "  %s%s%s", name, value ? " " : "", value ? value : "");
    if (at > HELP_COL - 2) {
        fputc('\n', f);
        at = 0;
    }
    fprintf(f, "%*s", HELP_COL - at, "");
    opt_wrap(f, help, HELP_COL, HELP_COL, WIDTH);
}

void opt_print_options(const opt_cmd *c, FILE *f)
{
    fputs("options:\n", f);
    for (const opt_spec *s = c->opts; s->name; s++)
        entry(f, s->name, s->value, s->help);
    entry(f, "-h, --help", NULL, "this text");
}
