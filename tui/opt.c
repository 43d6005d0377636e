/* opt — the command line, read one way for every command (opt.h). */
#define _POSIX_C_SOURCE 200809L
#include "opt.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

void opt_init(opt_parser *p, const char *cmd, const opt_spec *specs, int argc, char **argv)
{
    memset(p, 0, sizeof *p);
    p->cmd = cmd;
    p->specs = specs;
    p->argc = argc;
    p->argv = argv;
    p->i = 1;
}

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
static int unknown(const opt_parser *p, const char *o)
{
    const char *names[64];
    size_t n = 0;
    for (const opt_spec *s = p->specs; s->name && n < 63; s++)
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
                p->cmd, o, near, p->cmd);
    else
        fprintf(stderr, "coinsim %s: unknown option \"%s\" (see coinsim %s --help)\n", p->cmd, o,
                p->cmd);
    return OPT_ERROR;
}

int opt_next(opt_parser *p, const char **name, const char **val)
{
    *name = NULL;
    *val = NULL;
    if (p->i >= p->argc)
        return OPT_END;
    const char *o = p->argv[p->i++];
    if (p->rest || o[0] != '-' || o[1] == 0) { /* "-" is an argument */
        *val = o;
        return OPT_ARG;
    }
    if (strcmp(o, "--") == 0) {
        p->rest = 1;
        return opt_next(p, name, val);
    }
    if (strcmp(o, "-h") == 0 || strcmp(o, "--help") == 0)
        return OPT_HELP;
    const char *eq = o[1] == '-' ? strchr(o, '=') : NULL;
    size_t len = eq ? (size_t)(eq - o) : strlen(o);
    const opt_spec *s = p->specs;
    while (s->name && !(strlen(s->name) == len && strncmp(s->name, o, len) == 0))
        s++;
    if (!s->name)
        return unknown(p, o);
    *name = s->name;
    if (!s->takes) {
        if (eq) {
            fprintf(stderr, "coinsim %s: %s takes no value (got \"%s\")\n", p->cmd, s->name, o);
            return OPT_ERROR;
        }
        return OPT_OPTION;
    }
    if (eq) {
        *val = eq + 1;
        return OPT_OPTION;
    }
    if (p->i >= p->argc) {
        fprintf(stderr, "coinsim %s: %s needs a value (see coinsim %s --help)\n", p->cmd, s->name,
                p->cmd);
        return OPT_ERROR;
    }
    *val = p->argv[p->i++];
    return OPT_OPTION;
}
