#include "num.h"

#include <stdio.h>
#include <string.h>

/* Digits accumulate into an unsigned 64-bit value; the bound is checked
 * before each multiply so an overflowing number is reported, not wrapped. */
static int parse_digits(const char **sp, uint64_t *acc, int *ndigits, uint64_t limit)
{
    const char *s = *sp;
    *ndigits = 0;
    while (*s >= '0' && *s <= '9') {
        unsigned d = (unsigned)(*s - '0');
        if (*acc > (limit - d) / 10)
            return -1;
        *acc = *acc * 10 + d;
        s++;
        (*ndigits)++;
    }
    *sp = s;
    return 0;
}

int num_parse_dec(const char *s, int64_t *micro, const char **why)
{
    int neg = 0, nint = 0, nfrac = 0;
    uint64_t ip = 0, fp = 0;
    const uint64_t limit = (uint64_t)INT64_MAX / NUM_MICRO;

    if (!s || !*s) { *why = "empty value"; return -1; }
    if (*s == '+' || *s == '-') neg = (*s++ == '-');
    if (parse_digits(&s, &ip, &nint, limit) < 0) { *why = "number too large"; return -1; }
    if (*s == '.') {
        s++;
        while (*s >= '0' && *s <= '9') {
            if (nfrac == 6) { *why = "more than 6 decimal places"; return -1; }
            fp = fp * 10 + (uint64_t)(*s++ - '0');
            nfrac++;
        }
        if (nfrac == 0 && nint == 0) { *why = "not a number"; return -1; }
    }
    if (nint == 0 && nfrac == 0) { *why = "not a number"; return -1; }
    if (*s) { *why = "not a number"; return -1; }
    for (int i = nfrac; i < 6; i++) fp *= 10;
    uint64_t v = ip * (uint64_t)NUM_MICRO + fp;
    if (v > (uint64_t)INT64_MAX) { *why = "number too large"; return -1; }
    *micro = neg ? -(int64_t)v : (int64_t)v;
    return 0;
}

int num_parse_int(const char *s, int64_t *out, const char **why)
{
    int neg = 0, n = 0;
    uint64_t v = 0;

    if (!s || !*s) { *why = "empty value"; return -1; }
    if (*s == '+' || *s == '-') neg = (*s++ == '-');
    if (parse_digits(&s, &v, &n, (uint64_t)INT64_MAX) < 0) { *why = "number too large"; return -1; }
    if (n == 0 || *s) { *why = (*s == '.' && n) ? "not a whole number" : "not a number"; return -1; }
    *out = neg ? -(int64_t)v : (int64_t)v;
    return 0;
}

int num_parse_u64(const char *s, uint64_t *out, const char **why)
{
    int n = 0;
    uint64_t v = 0;

    if (!s || !*s) { *why = "empty value"; return -1; }
    if (*s == '+') s++;
    if (parse_digits(&s, &v, &n, UINT64_MAX) < 0) { *why = "number too large"; return -1; }
    if (n == 0 || *s) { *why = "not a whole non-negative number"; return -1; }
    *out = v;
    return 0;
}

char *num_fmt_micro(char *buf, int64_t micro)
{
    uint64_t a = micro < 0 ? (uint64_t)0 - (uint64_t)micro : (uint64_t)micro;
    snprintf(buf, NUM_BUF, "%s%llu.%06llu", micro < 0 ? "-" : "",
             (unsigned long long)(a / NUM_MICRO), (unsigned long long)(a % NUM_MICRO));
    return buf;
}

char *num_fmt_short(char *buf, int64_t micro)
{
    num_fmt_micro(buf, micro);
    size_t n = strlen(buf);
    while (buf[n - 1] == '0') buf[--n] = '\0';
    if (buf[n - 1] == '.') buf[--n] = '\0';
    return buf;
}

int64_t num_muldiv(int64_t a, int64_t b, int64_t d)
{
    if (d <= 0 || a < 0 || b < 0)
        return -1;
    if ((uint64_t)a <= UINT32_MAX && (uint64_t)b <= UINT32_MAX)
        return (int64_t)((uint64_t)a * (uint64_t)b / (uint64_t)d);    /* fits: no 128-bit divide */
    unsigned __int128 p = (unsigned __int128)(uint64_t)a * (uint64_t)b / (uint64_t)d;
    if (p > (unsigned __int128)INT64_MAX)
        return -1;
    return (int64_t)p;
}
