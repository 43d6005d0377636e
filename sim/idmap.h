/* idmap — string identifiers to dense indices (0, 1, 2, ...), for the
 * viewers and creators of an event log. Open addressing; memory grows with
 * the number of distinct identifiers, never with how often they appear. */
#ifndef COINSIM_IDMAP_H
#define COINSIM_IDMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct idmap idmap;

idmap *idmap_new(void);
void idmap_free(idmap *m);

/* The index of key, adding it (with the next index) if new. *added tells
 * which. Returns -1 out of memory. */
int64_t idmap_get(idmap *m, const char *key, int *added);

/* The key of index i (valid until the next idmap_get), or NULL. */
const char *idmap_key(const idmap *m, int64_t i);

/* Distinct keys so far. */
size_t idmap_size(const idmap *m);

#endif
