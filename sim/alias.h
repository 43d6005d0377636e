/* alias — Walker's alias method (Vose's construction): after O(n) set-up,
 * a draw from n weighted outcomes costs one uniform and one comparison. */
#ifndef COINSIM_ALIAS_H
#define COINSIM_ALIAS_H

#include <stddef.h>
#include <stdint.h>

/* One column as a draw reads it: a single 16-byte record, so a draw from a
 * table too large for the cache costs one miss, not three. self and other
 * are the values returned for the column and for its alias. */
typedef struct alias_col {
    double prob;
    uint32_t self, other;
} alias_col;

typedef struct alias {
    size_t n, cap;
    alias_col *col; /* prob: the chance to keep column i rather
                                 * than its alias; the values of both */
    uint32_t *work; /* scratch for the construction */
} alias;

/* Build the table for weights w[0..n) (non-negative, not all zero),
 * reusing a's memory; a draw returns an index in [0, n). Returns 0, or -1
 * out of memory or bad weights. */
int alias_build(alias *a, const double *w, size_t n);

/* The same, a draw returning val[index] instead of the index. */
int alias_build_vals(alias *a, const double *w, const uint32_t *val, size_t n);

void alias_release(alias *a);

/* The outcome (index, or value) for a uniform u in [0, 1): column
 * floor(u n), kept when the fraction u n - floor(u n) is below its prob.
 * The fraction of one uniform is itself uniform and independent of the
 * column, so one draw serves both. */
static inline size_t alias_draw(const alias *a, double u)
{
    double x = u * (double)a->n;
    size_t i = (size_t)x;
    if (i >= a->n)
        i = a->n - 1;
    /* Keep or alias without a branch: the choice is random by design, so a
     * branch would be mispredicted half the time. */
    const alias_col *c = &a->col[i];
    size_t keep = (size_t)0 - (size_t)(x - (double)i < c->prob);
    return ((size_t)c->self & keep) | ((size_t)c->other & ~keep);
}

#endif
