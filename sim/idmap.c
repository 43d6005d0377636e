#include "idmap.h"

#include <stdlib.h>
#include <string.h>

typedef struct slot {
    uint64_t hash;
    size_t off; /* key offset in the arena + 1; 0 empty */
    int64_t index;
} slot;

struct idmap {
    slot *s;
    size_t cap, n; /* cap a power of two */
    char *arena;
    size_t alen, acap;
    size_t *keyoff; /* arena offset of each index's key */
    size_t kcap;
};

static uint64_t hash(const char *k)
{
    /* FNV-1a, then a finaliser so low bits are well mixed. */
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; *k; k++)
        h = (h ^ (unsigned char)*k) * 0x100000001b3ULL;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    return h ^ (h >> 33);
}

idmap *idmap_new(void)
{
    idmap *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->cap = 1024;
    m->s = calloc(m->cap, sizeof *m->s);
    if (!m->s) {
        free(m);
        return NULL;
    }
    return m;
}

void idmap_free(idmap *m)
{
    if (!m)
        return;
    free(m->s);
    free(m->arena);
    free(m->keyoff);
    free(m);
}

size_t idmap_size(const idmap *m) { return m->n; }

const char *idmap_key(const idmap *m, int64_t i)
{
    return i >= 0 && (size_t)i < m->n ? m->arena + m->keyoff[i] : NULL;
}

static int grow(idmap *m)
{
    size_t nc = m->cap * 2;
    slot *ns = calloc(nc, sizeof *ns);
    if (!ns)
        return -1;
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->s[i].off)
            continue;
        size_t j = m->s[i].hash & (nc - 1);
        while (ns[j].off)
            j = (j + 1) & (nc - 1);
        ns[j] = m->s[i];
    }
    free(m->s);
    m->s = ns;
    m->cap = nc;
    return 0;
}

int64_t idmap_get(idmap *m, const char *key, int *added)
{
    uint64_t h = hash(key);
    size_t j = h & (m->cap - 1);
    *added = 0;
    while (m->s[j].off) {
        if (m->s[j].hash == h && strcmp(m->arena + m->s[j].off - 1, key) == 0)
            return m->s[j].index;
        j = (j + 1) & (m->cap - 1);
    }
    size_t len = strlen(key) + 1;
    if (m->alen + len > m->acap) {
        size_t na = m->acap ? m->acap * 2 : 65536;
        while (na < m->alen + len)
            na *= 2;
        char *a = realloc(m->arena, na);
        if (!a)
            return -1;
        m->arena = a;
        m->acap = na;
    }
    if (m->n == m->kcap) {
        size_t nk = m->kcap ? m->kcap * 2 : 1024;
        size_t *ko = realloc(m->keyoff, nk * sizeof *ko);
        if (!ko)
            return -1;
        m->keyoff = ko;
        m->kcap = nk;
    }
    m->keyoff[m->n] = m->alen;
    memcpy(m->arena + m->alen, key, len);
    m->s[j].hash = h;
    m->s[j].off = m->alen + 1;
    m->s[j].index = (int64_t)m->n;
    m->alen += len;
    m->n++;
    *added = 1;
    int64_t idx = m->s[j].index;
    if (m->n * 2 > m->cap && grow(m) < 0)
        return -1;
    return idx;
}
