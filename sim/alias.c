#include "alias.h"

#include <stdlib.h>

static int reserve(alias *a, size_t n)
{
    if (n <= a->cap)
        return 0;
    alias_col *c = realloc(a->col, n * sizeof *c);
    if (c)
        a->col = c;
    uint32_t *wk = realloc(a->work, n * sizeof *wk);
    if (wk)
        a->work = wk;
    if (!c || !wk)
        return -1;
    a->cap = n;
    return 0;
}

int alias_build(alias *a, const double *w, size_t n) { return alias_build_vals(a, w, NULL, n); }

int alias_build_vals(alias *a, const double *w, const uint32_t *val, size_t n)
{
    double sum = 0;
    if (n == 0 || n > UINT32_MAX || reserve(a, n) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (!(w[i] >= 0))
            return -1;
        sum += w[i];
    }
    if (!(sum > 0))
        return -1;
    /* Scaled weights n w_i / sum: columns under 1 are "small" and get
     * topped up from "large" ones. work holds small indices from the
     * front and large from the back; while building, a column's other is
     * its alias's index. */
    alias_col *c = a->col;
    size_t ns = 0, nl = n;
    for (size_t i = 0; i < n; i++) {
        c[i].prob = w[i] * (double)n / sum;
        if (c[i].prob < 1.0)
            a->work[ns++] = (uint32_t)i;
        else
            a->work[--nl] = (uint32_t)i;
    }
    size_t s = 0, l = nl;
    while (s < ns && l < n) {
        uint32_t sm = a->work[s++], lg = a->work[l];
        c[sm].other = lg;
        c[lg].prob -= 1.0 - c[sm].prob;
        if (c[lg].prob < 1.0) {
            /* lg is now small: it takes the next small slot's turn */
            a->work[--s] = lg;
            l++;
        }
    }
    /* What is left is 1 up to rounding: keep it whole. */
    while (l < n)
        c[a->work[l++]].prob = 1.0;
    while (s < ns)
        c[a->work[s++]].prob = 1.0;
    /* Then the values: the column's own, and its alias's (itself when the
     * column is kept whole). */
    for (size_t i = 0; i < n; i++) {
        uint32_t other = c[i].prob >= 1.0 ? (uint32_t)i : c[i].other;
        c[i].self = val ? val[i] : (uint32_t)i;
        c[i].other = val ? val[other] : other;
    }
    a->n = n;
    return 0;
}

void alias_release(alias *a)
{
    free(a->col);
    free(a->work);
    a->col = NULL;
    a->work = NULL;
    a->n = a->cap = 0;
}
