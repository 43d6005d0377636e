#include "pretty.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define DASH "\xe2\x80\x93" /* en dash, for a figure that is not there */

static const uint64_t pow10u[] = {1, 10, 100, 1000, 10000, 100000, 1000000};

/* The digits of w with a comma every three from the right when group is
 * set, at out (which holds 32 bytes). */
static void whole(char *out, uint64_t w, int group)
{
    char t[24];
    int n = snprintf(t, sizeof t, "%llu", (unsigned long long)w), o = 0;
    for (int i = 0; i < n; i++) {
        if (group && i && (n - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = t[i];
    }
    out[o] = '\0';
}

/* a (not negative) times 10^places rounded half up, or -1 past 64 bits. */
static int round_scaled(double a, int places, uint64_t *r)
{
    double x = floor(a * (double)pow10u[places] + 0.5);
    if (!(x < 9.2e18))
        return -1;
    *r = (uint64_t)x;
    return 0;
}

/* pre, the whole part wh, the fraction f (of places decimals), post:
 * "$" "1,234" ".50" "K". */
static char *compose_parts(char *buf, const char *pre, uint64_t wh, uint64_t f, int places,
                           int group, const char *post)
{
    char w[32], frac[8];
    whole(w, wh, group);
    frac[0] = '\0';
    if (places > 0) {
        frac[0] = '.';
        for (int i = places; i >= 1; i--, f /= 10)
            frac[i] = (char)('0' + f % 10);
        frac[places + 1] = '\0';
    }
    snprintf(buf, PRETTY_BUF, "%s%s%s%s", pre, w, frac, post);
    return buf;
}

/* pre, the rounded a at places decimals (r, scaled), post. */
static char *compose(char *buf, const char *pre, uint64_t r, int places, int group,
                     const char *post)
{
    return compose_parts(buf, pre, r / pow10u[places], r % pow10u[places], places, group, post);
}

char *pretty_fixed(char *buf, double v, int places, int group)
{
    uint64_t r;
    if (isnan(v))
        return strcpy(buf, DASH);
    if (places < 0)
        places = 0;
    if (places > 6)
        places = 6;
    double a = fabs(v);
    if (round_scaled(a, places, &r) == 0)
        return compose(buf, v < 0 && r ? "-" : "", r, places, group, "");
    /* Too large for 64 bits once scaled (a tooltip's 6 places of 1e13):
     * the whole part and the fraction apart, up to 9.2e18. */
    uint64_t f = 0;
    if (!(a < 9.2e18))
        return strcpy(buf, "(too large)");
    double w = floor(a);
    round_scaled(a - w, places, &f);
    uint64_t wh = (uint64_t)w + (f == pow10u[places]);
    return compose_parts(buf, v < 0 ? "-" : "", wh, f % pow10u[places], places, group, "");
}

/* a (not negative) in thousands, millions or billions, whichever shows it
 * below 1,000 once rounded (K with 1 decimal, M and B with 2): from K up
 * when from_k, else from M. sign and cur lead it ("-", "$"). */
static char *big(char *buf, const char *sign, const char *cur, double a, int from_k)
{
    static const struct {
        double unit;
        int places;
        const char *suffix;
    } tier[] = {{1e3, 1, "K"}, {1e6, 2, "M"}, {1e9, 2, "B"}};
    char pre[8];
    uint64_t r = 0;
    snprintf(pre, sizeof pre, "%s%s", sign, cur);
    for (int i = from_k ? 0 : 1; i < 3; i++) {
        if (round_scaled(a / tier[i].unit, tier[i].places, &r) < 0)
            return strcpy(buf, "(too large)");
        if (r < 1000 * pow10u[tier[i].places] || i == 2)
            return compose(buf, pre, r, tier[i].places, 1, tier[i].suffix);
    }
    return buf; /* not reached */
}

/* A tier of figures written with places decimals, for those whose
 * rounded figure (times 10^places) stays below below. */
typedef struct tier {
    int places;
    uint64_t below;
} tier;

/* The first of t[0..n) that holds a (not negative) once rounded, with the
 * rounded figure in *r; n when none does, -1 past 64 bits. The tier is
 * chosen after rounding, so 99.996 is not "100.00" in the tier below 100. */
static int pick(const tier *t, int n, double a, uint64_t *r)
{
    for (int i = 0; i < n; i++) {
        if (round_scaled(a, t[i].places, r) < 0)
            return -1;
        if (*r < t[i].below)
            return i;
    }
    return n;
}

/* A figure that is not 0 but rounds to 0 at the finest tier: "<$0.0001",
 * or ">-$0.0001" below 0; with plus, "<+0.01%". */
static char *tiny(char *buf, int neg, int plus, const char *cur, const char *least,
                  const char *post)
{
    snprintf(buf, PRETTY_BUF, "%s%s%s%s%s", neg ? ">-" : "<", plus && !neg ? "+" : "", cur, least,
             post);
    return buf;
}

char *pretty_usd(char *buf, double usd)
{
    static const tier t[] = {{4, 100}, {2, 10000}, {0, 10000}};
    uint64_t r;
    if (isnan(usd))
        return strcpy(buf, DASH);
    double a = fabs(usd);
    if (a == 0)
        return strcpy(buf, "$0");
    int i = pick(t, 3, a, &r);
    if (i < 0)
        return strcpy(buf, "(too large)");
    if (i == 3)
        return big(buf, usd < 0 ? "-" : "", "$", a, 1);
    if (r == 0)
        return tiny(buf, usd < 0, 0, "$", "0.0001", "");
    return compose(buf, usd < 0 ? "-$" : "$", r, t[i].places, 1, "");
}

char *pretty_count(char *buf, double v)
{
    static const tier whole_t[] = {{0, 10000}}, frac_t[] = {{2, 100}, {1, 100000}};
    uint64_t r;
    if (isnan(v))
        return strcpy(buf, DASH);
    double a = fabs(v);
    const tier *t = a == floor(a) ? whole_t : frac_t;
    int n = a == floor(a) ? 1 : 2, i = pick(t, n, a, &r);
    if (i < 0)
        return strcpy(buf, "(too large)");
    if (i == n)
        return big(buf, v < 0 ? "-" : "", "", a, 1);
    if (r == 0 && a > 0)
        return tiny(buf, v < 0, 0, "", "0.01", "");
    return compose(buf, v < 0 && r ? "-" : "", r, t[i].places, 1, "");
}

char *pretty_pct(char *buf, double frac, int sign)
{
    static const tier t[] = {{2, 10}, {1, UINT64_MAX}};
    uint64_t r;
    if (isnan(frac))
        return strcpy(buf, DASH);
    double a = fabs(frac * 100.0);
    if (a == 0)
        return strcpy(buf, "0%");
    int i = pick(t, 2, a, &r);
    if (i < 0)
        return strcpy(buf, "(too large)");
    if (r == 0)
        return tiny(buf, frac < 0, sign, "", "0.01", "%");
    return compose(buf, frac < 0 ? "-" : sign ? "+" : "", r, t[i].places, 1, "%");
}

static int ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), k = strlen(tail);
    return n >= k && strcmp(s + n - k, tail) == 0;
}

enum pretty_kind pretty_kind_of(const char *name)
{
    if (ends_with(name, "_usd"))
        return PRETTY_USD;
    if (strstr(name, "gini"))
        return PRETTY_RATIO;
    if (strstr(name, "share") || ends_with(name, "_rate") || strcmp(name, "rel_change") == 0)
        return PRETTY_PCT;
    return PRETTY_COUNT;
}

char *pretty_as(char *buf, double v, enum pretty_kind k)
{
    switch (k) {
    case PRETTY_USD: return pretty_usd(buf, v);
    case PRETTY_PCT: return pretty_pct(buf, v, 0);
    case PRETTY_RATIO: return pretty_fixed(buf, v, 3, 1);
    case PRETTY_COUNT: break;
    }
    return pretty_count(buf, v);
}
