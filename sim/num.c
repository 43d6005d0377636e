#include "num.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REAL_DIGITS 400 /* far more than any spreadsheet writes */

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

    if (!s || !*s) {
        *why = "empty value";
        return -1;
    }
    if (*s == '+' || *s == '-')
        neg = (*s++ == '-');
    if (parse_digits(&s, &ip, &nint, limit) < 0) {
        *why = "number too large";
        return -1;
    }
    if (*s == '.') {
        s++;
        while (*s >= '0' && *s <= '9') {
            if (nfrac == 6) {
                *why = "more than 6 decimal places";
                return -1;
            }
            fp = fp * 10 + (uint64_t)(*s++ - '0');
            nfrac++;
        }
        if (nfrac == 0 && nint == 0) {
            *why = "not a number";
            return -1;
        }
    }
    if (nint == 0 && nfrac == 0) {
        *why = "not a number";
        return -1;
    }
    if (*s) {
        *why = "not a number";
        return -1;
    }
    for (int i = nfrac; i < 6; i++)
        fp *= 10;
    uint64_t v = ip * (uint64_t)NUM_MICRO + fp;
    if (v > (uint64_t)INT64_MAX) {
        *why = "number too large";
        return -1;
    }
    *micro = neg ? -(int64_t)v : (int64_t)v;
    return 0;
}

int num_parse_real(const char *s, double *micro, const char **why)
{
    /* The digits without the point, then an exponent that puts the point
     * back and multiplies by 10^6: strtod rounds that text once. */
    char buf[REAL_DIGITS + 32];
    size_t n = 0;
    int nd = 0, nfrac = 0, frac = 0, nonzero = 0;
    long ex = 0;

    if (!s || !*s) {
        *why = "empty value";
        return -1;
    }
    if (*s == '+' || *s == '-') {
        if (*s == '-')
            buf[n++] = '-';
        s++;
    }
    for (;; s++) {
        if (*s == '.' && !frac) {
            frac = 1;
            continue;
        }
        if (*s < '0' || *s > '9')
            break;
        if (nd == REAL_DIGITS) {
            *why = "too many digits";
            return -1;
        }
        buf[n++] = *s;
        nd++;
        nfrac += frac;
        nonzero |= *s != '0';
    }
    if (nd == 0) {
        *why = "not a number";
        return -1;
    }
    if (*s == 'e' || *s == 'E') {
        int neg = 0, ne = 0;
        s++;
        if (*s == '+' || *s == '-')
            neg = (*s++ == '-');
        for (; *s >= '0' && *s <= '9'; s++, ne++)
            if (ex < 10000000) /* beyond this, 0 or too large anyway */
                ex = ex * 10 + (*s - '0');
        if (ne == 0) {
            *why = "not a number";
            return -1;
        }
        if (neg)
            ex = -ex;
    }
    if (*s) {
        *why = "not a number";
        return -1;
    }
    snprintf(buf + n, sizeof buf - n, "e%ld", ex + 6 - nfrac);
    double v = strtod(buf, NULL);
    if (!isfinite(v)) {
        *why = "number too large";
        return -1;
    }
    /* A nonzero number that would be held as 0 (or with less than a
     * double's precision) is not the number written. */
    if (v != 0 ? !isnormal(v) : nonzero) {
        *why = "nonzero number too close to 0 to hold";
        return -1;
    }
    *micro = v;
    return 0;
}

int num_parse_int(const char *s, int64_t *out, const char **why)
{
    int neg = 0, n = 0;
    uint64_t v = 0;

    if (!s || !*s) {
        *why = "empty value";
        return -1;
    }
    if (*s == '+' || *s == '-')
        neg = (*s++ == '-');
    if (parse_digits(&s, &v, &n, (uint64_t)INT64_MAX) < 0) {
        *why = "number too large";
        return -1;
    }
    if (n == 0 || *s) {
        *why = (*s == '.' && n) ? "not a whole number" : "not a number";
        return -1;
    }
    *out = neg ? -(int64_t)v : (int64_t)v;
    return 0;
}

int num_parse_u64(const char *s, uint64_t *out, const char **why)
{
    int n = 0;
    uint64_t v = 0;

    if (!s || !*s) {
        *why = "empty value";
        return -1;
    }
    if (*s == '+')
        s++;
    if (parse_digits(&s, &v, &n, UINT64_MAX) < 0) {
        *why = "number too large";
        return -1;
    }
    if (n == 0 || *s) {
        *why = "not a whole non-negative number";
        return -1;
    }
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
    while (buf[n - 1] == '0')
        buf[--n] = '\0';
    if (buf[n - 1] == '.')
        buf[--n] = '\0';
    return buf;
}

/* printf's "%.*e" of micro-units (d.ddde+XX, whatever the locale's radix)
 * as a plain decimal in units: the same digits, the point 6 places left. */
static void unit_text(const char *e, char *out)
{
    char dig[32] = {0};
    int k = 0, x;
    size_t n = 0;

    if (*e == '-')
        out[n++] = *e++;
    for (; *e && *e != 'e'; e++)
        if (*e >= '0' && *e <= '9' && k < (int)sizeof dig - 1)
            dig[k++] = *e;
    x = *e ? atoi(e + 1) : 0;
    if (k == 0)
        dig[k++] = '0';
    while (k > 1 && dig[k - 1] == '0')
        k--;
    int pt = x - 6 + 1; /* digits before the point */
    if (pt > 21 || pt < -20) {
        out[n++] = dig[0];
        if (k > 1)
            out[n++] = '.';
        for (int i = 1; i < k; i++)
            out[n++] = dig[i];
        snprintf(out + n, NUM_REAL_BUF - n, "e%d", pt - 1);
        return;
    }
    if (pt <= 0) {
        out[n++] = '0';
        out[n++] = '.';
        for (int i = pt; i < 0; i++)
            out[n++] = '0';
    }
    for (int i = 0; i < k || i < pt; i++) {
        if (i == pt && pt > 0)
            out[n++] = '.';
        out[n++] = i < k ? dig[i] : '0';
    }
    out[n] = '\0';
}

char *num_fmt_real(char *buf, double micro)
{
    if (micro > -9e15 && micro < 9e15 && (double)(int64_t)micro == micro)
        return num_fmt_short(buf, (int64_t)micro);
    /* 17 significant digits always read back; fewer usually do. */
    for (int prec = 0; prec <= 16; prec++) {
        char e[48];
        double back;
        const char *why;
        snprintf(e, sizeof e, "%.*e", prec, micro);
        unit_text(e, buf);
        if (num_parse_real(buf, &back, &why) == 0 && back == micro)
            break;
    }
    return buf;
}

/* ------------------------------------------- numbers as spreadsheets write them */

static int is_digit(char c) { return c >= '0' && c <= '9'; }

int num_decimal_comma(const char *s)
{
    s += (*s == '+' || *s == '-');
    if (!is_digit(*s))
        return 0;
    while (is_digit(*s))
        s++;
    if (*s++ != ',' || !is_digit(*s))
        return 0;
    while (is_digit(*s))
        s++;
    return !*s || (s[0] == '%' && !s[1]);
}

int num_percentage(const char *s)
{
    int nd = 0;
    s += (*s == '+' || *s == '-');
    for (; is_digit(*s); s++)
        nd++;
    if (*s == '.')
        for (s++; is_digit(*s); s++)
            nd++;
    while (*s == ' ' || *s == '\t')
        s++;
    return nd > 0 && s[0] == '%' && !s[1];
}

void num_shift_point(const char *s, int places, char *out, size_t n)
{
    char dig[128] = {0}, ip[140] = {0}, fp[140] = {0};
    int nd = 0, nint = 0, ni = 0, nf = 0, neg = (*s == '-');

    s += (*s == '+' || *s == '-');
    for (; is_digit(*s) && nd < (int)sizeof dig; s++, nint++)
        dig[nd++] = *s;
    if (*s == '.')
        for (s++; is_digit(*s) && nd < (int)sizeof dig; s++)
            dig[nd++] = *s;
    int pt = nint - places; /* digits before the point */
    for (int i = 0; i < pt; i++)
        if (ni || (i < nd && dig[i] != '0'))
            ip[ni++] = i < nd ? dig[i] : '0';
    if (!ni)
        ip[ni++] = '0';
    for (int i = pt; i < nd; i++)
        fp[nf++] = i < 0 ? '0' : dig[i];
    while (nf && fp[nf - 1] == '0')
        nf--;
    neg = neg && (nf || ni > 1 || ip[0] != '0');
    snprintf(out, n, "%s%.*s%s%.*s", neg ? "-" : "", ni, ip, nf ? "." : "", nf, fp);
}

int num_grouped(const char *s, char sep, char dec, char *plain, size_t n)
{
    char out[160];
    size_t k = 0;
    int groups = 0, lead = 0;

    if (*s == '+' || *s == '-')
        out[k++] = *s++;
    if (*s < '1' || *s > '9')
        return 0;
    for (; is_digit(*s) && lead < 3; s++, lead++)
        out[k++] = *s;
    while (*s == sep && is_digit(s[1]) && is_digit(s[2]) && is_digit(s[3]) && !is_digit(s[4])) {
        if (k + 3 >= sizeof out - 2)
            return 0;
        memcpy(out + k, s + 1, 3);
        k += 3;
        s += 4;
        groups++;
    }
    if (!groups)
        return 0;
    if (*s == dec && dec && is_digit(s[1])) {
        out[k++] = '.';
        for (s++; is_digit(*s) && k < sizeof out - 1; s++)
            out[k++] = *s;
    }
    if (*s)
        return 0;
    out[k] = '\0';
    if (plain)
        snprintf(plain, n, "%s", out);
    return groups;
}

int64_t num_muldiv(int64_t a, int64_t b, int64_t d)
{
    if (d <= 0 || a < 0 || b < 0)
        return -1;
    if ((uint64_t)a <= UINT32_MAX && (uint64_t)b <= UINT32_MAX)
        return (int64_t)((uint64_t)a * (uint64_t)b / (uint64_t)d); /* fits: no 128-bit divide */
    unsigned __int128 p = (unsigned __int128)(uint64_t)a * (uint64_t)b / (uint64_t)d;
    if (p > (unsigned __int128)INT64_MAX)
        return -1;
    return (int64_t)p;
}
