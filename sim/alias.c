#include "alias.h"

#include <stdlib.h>

static int reserve(alias *a, size_t n)
{
    if (n <= a->cap)
        return 0;
    double *p = realloc(a->prob, n * sizeof *p);
    if (p)
        a->prob = p;
    uint32_t *al = realloc(a->alias, n * sizeof *al);
    if (al)
        a->alias = al;
    uint32_t *wk = realloc(a->work, n * sizeof *wk);
    if (wk)
        a->work = wk;
    alias_col *c = realloc(a->col, n * sizeof *c);
    if (c)
        a->col = c;
    if (!p || !al || !wk || !c)
        return -1;
    a->cap = n;
    return 0;
}

int alias_build(alias *a, const double *w, size_t n)
{
    return alias_build_vals(a, w, NULL, n);
}

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
     * front and large from the back. */
    size_t ns = 0, nl = n;
    for (size_t i = 0; i < n; i++) {
        a->prob[i] = w[i] * (double)n / sum;
        if (a->prob[i] < 1.0)
            a->work[ns++] = (uint32_t)i;
        else
            a->work[--nl] = (uint32_t)i;
    }
    size_t s = 0, l = nl;
    while (s < ns && l < n) {
        uint32_t sm = a->work[s++], lg = a->work[l];
        a->alias[sm] = lg;
        a->prob[lg] -= 1.0 - a->prob[sm];
        if (a->prob[lg] < 1.0) {
            /* lg is now small: it takes the next small slot's turn */
            a->work[--s] = lg;
            l++;
        }
    }
    /* What is left is 1 up to rounding: keep it whole. */
    while (l < n)
        a->prob[a->work[l++]] = 1.0;
    while (s < ns)
        a->prob[a->work[s++]] = 1.0;
    for (size_t i = 0; i < n; i++) {
        if (a->prob[i] >= 1.0)
            a->alias[i] = (uint32_t)i;
        a->col[i].prob = a->prob[i];
        a->col[i].self = val ? val[i] : (uint32_t)i;
        a->col[i].other = val ? val[a->alias[i]] : a->alias[i];
    }
    a->n = n;
    return 0;
}

void alias_release(alias *a)
{
    free(a->prob);
    free(a->alias);
    free(a->work);
    free(a->col);
    a->prob = NULL;
    a->alias = NULL;
    a->work = NULL;
    a->col = NULL;
    a->n = a->cap = 0;
}
