/* alias — Walker's alias method (Vose's construction): after O(n) set-up,
 * a draw from n weighted outcomes costs one uniform and one comparison. */
#ifndef COINSIM_ALIAS_H
#define COINSIM_ALIAS_H

#include <stddef.h>
#include <stdint.h>

typedef struct alias {
    size_t n, cap;
    double *prob;               /* chance to keep column i rather than its alias */
    uint32_t *alias;
    uint32_t *work;             /* scratch for the construction */
} alias;

/* Build the table for weights w[0..n) (non-negative, not all zero),
 * reusing a's memory. Returns 0, or -1 out of memory or bad weights. */
int alias_build(alias *a, const double *w, size_t n);

void alias_release(alias *a);

/* The outcome for a uniform u in [0, 1): column floor(u n), kept when the
 * fraction u n - floor(u n) is below its prob. The fraction of one uniform
 * is itself uniform and independent of the column, so one draw serves both. */
static inline size_t alias_draw(const alias *a, double u)
{
    double x = u * (double)a->n;
    size_t i = (size_t)x;
    if (i >= a->n)
        i = a->n - 1;
    /* Keep or alias without a branch: the choice is random by design, so a
     * branch would be mispredicted half the time. */
    size_t other = a->alias[i];
    size_t keep = (size_t)0 - (size_t)(x - (double)i < a->prob[i]);
    return (i & keep) | (other & ~keep);
}

#endif
