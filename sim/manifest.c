/* manifest — manifest.csv and the scenario beside it (manifest.h). */
#define _POSIX_C_SOURCE 200809L
#include "manifest.h"

#include <stdlib.h>
#include <string.h>

#include "csvwrite.h"

struct manifest {
    char **key, **value;
    size_t n, cap;
    int failed;
};

manifest *manifest_new(void) { return calloc(1, sizeof(manifest)); }

void manifest_free(manifest *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++) {
        free(m->key[i]);
        free(m->value[i]);
    }
    free(m->key);
    free(m->value);
    free(m);
}

int manifest_failed(const manifest *m) { return !m || m->failed; }

void manifest_add(manifest *m, const char *key, const char *value)
{
    if (!m || m->failed)
        return;
    if (m->n == m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 16;
        char **k = realloc(m->key, cap * sizeof *k);
        if (k)
            m->key = k;
        char **v = k ? realloc(m->value, cap * sizeof *v) : NULL;
        if (v)
            m->value = v;
        if (!k || !v) {
            m->failed = 1;
            return;
        }
        m->cap = cap;
    }
    char *k = strdup(key), *v = strdup(value);
    if (!k || !v) {
        free(k);
        free(v);
        m->failed = 1;
        return;
    }
    m->key[m->n] = k;
    m->value[m->n++] = v;
}

void manifest_add_int(manifest *m, const char *key, long long value)
{
    char b[32];
    snprintf(b, sizeof b, "%lld", value);
    manifest_add(m, key, b);
}

void manifest_add_scenario(manifest *m, const char *prefix, const scenario *s)
{
    char key[64];
    snprintf(key, sizeof key, "%sscenario_name", prefix);
    manifest_add(m, key, s->t.p.name ? s->t.p.name : "");
    snprintf(key, sizeof key, "%sscenario_path", prefix);
    manifest_add(m, key, s->dir ? s->dir : "");
}

void manifest_add_runs(manifest *m, const scenario *s, long long runs)
{
    char b[32];
    snprintf(b, sizeof b, "%llu", (unsigned long long)s->t.p.seed); /* past INT64_MAX too */
    manifest_add(m, "seed", b);
    manifest_add_int(m, "runs", runs);
}

void manifest_add_steps(manifest *m, const char *prefix, const scenario *s)
{
    char key[64];
    snprintf(key, sizeof key, "%ssteps", prefix);
    manifest_add_int(m, key, (long long)s->t.p.steps);
    snprintf(key, sizeof key, "%swarmup_steps", prefix);
    manifest_add_int(m, key, (long long)s->t.p.warmup_steps);
}

int manifest_write(FILE *f, const void *ud)
{
    const manifest *m = ud;
    fputs("key,value\n", f);
    for (size_t i = 0; i < m->n; i++) {
        csvw_text(f, m->key[i]);
        fputc(',', f);
        csvw_text(f, m->value[i]);
        fputc('\n', f);
    }
    return 0;
}

/* ------------------------------------------------------- the command line */

/* Whether word w may stand unquoted at place i of a command line: only
 * characters no shell expands or splits on, and in the first place
 * neither an assignment nor a reserved word. */
static int plain_word(const char *w, int i)
{
    static const char *const reserved[] = {"case", "do", "done", "elif", "else",  "esac", "fi",
                                           "for",  "if", "in",   "then", "until", "while"};
    if (!*w || strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                         "_@%+=:,./-") != strlen(w))
        return 0;
    if (i == 0) {
        if (strchr(w, '='))
            return 0;
        for (size_t k = 0; k < sizeof reserved / sizeof reserved[0]; k++)
            if (strcmp(w, reserved[k]) == 0)
                return 0;
    }
    return 1;
}

char *manifest_shell_words(int argc, char *const argv[])
{
    size_t len = 1;
    for (int i = 0; i < argc; i++)
        len += 4 * strlen(argv[i]) + 3; /* every byte a quote ('\'' ) at worst */
    char *out = malloc(len), *p = out;
    if (!out)
        return NULL;
    for (int i = 0; i < argc; i++) {
        const char *w = argv[i];
        if (i)
            *p++ = ' ';
        if (plain_word(w, i)) {
            memcpy(p, w, strlen(w));
            p += strlen(w);
            continue;
        }
        *p++ = '\'';
        for (; *w; w++) {
            if (*w == '\'') {
                memcpy(p, "'\\''", 4);
                p += 4;
            } else {
                *p++ = *w;
            }
        }
        *p++ = '\'';
    }
    *p = '\0';
    return out;
}

/* ------------------------------------------------------------ the scenario */

int manifest_save_scenario(const char *path, const void *ud, char *msg, size_t n)
{
    const manifest_scenario *ms = ud;
    return scenario_save(ms->s, path, ms->comment, msg, n);
}
