#include "fmt.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static char *group(char *buf, uint64_t v)
{
    char t[32];
    int n = snprintf(t, sizeof t, "%llu", (unsigned long long)v), o = 0;
    for (int i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = t[i];
    }
    buf[o] = '\0';
    return buf;
}

/* The absolute value of micro rounded half up to decimals places (0 or
 * 2), with thousands separators. */
static char *amount(char *buf, uint64_t a, int decimals)
{
    char g[32];
    if (decimals <= 0) {
        snprintf(buf, FMT_BUF, "%s", group(g, (a + 500000) / 1000000));
    } else {
        uint64_t cents = (a + 5000) / 10000;
        snprintf(buf, FMT_BUF, "%s.%02llu", group(g, cents / 100),
                 (unsigned long long)(cents % 100));
    }
    return buf;
}

/* a (not negative) after head as 1.23B, 4.56M or 78.9k; 0 (nothing
 * written) below 10,000. */
static int scaled(char *buf, const char *head, double a)
{
    if (a >= 1e9)
        snprintf(buf, FMT_BUF, "%s%.2fB", head, a / 1e9);
    else if (a >= 1e6)
        snprintf(buf, FMT_BUF, "%s%.2fM", head, a / 1e6);
    else if (a >= 1e4)
        snprintf(buf, FMT_BUF, "%s%.1fk", head, a / 1e3);
    else
        return 0;
    return 1;
}

char *fmt_usd(char *buf, int64_t micro)
{
    char a[FMT_BUF];
    snprintf(buf, FMT_BUF, "%s$%.40s", micro < 0 ? "-" : "",
             amount(a, micro < 0 ? (uint64_t)0 - (uint64_t)micro : (uint64_t)micro, 2));
    return buf;
}

char *fmt_dollars_short(char *buf, double usd)
{
    const char *head = usd < 0 ? "-$" : "$";
    if (!scaled(buf, head, fabs(usd)))
        snprintf(buf, FMT_BUF, "%s%.2f", head, fabs(usd));
    return buf;
}

char *fmt_usd_short(char *buf, int64_t micro)
{
    return fmt_dollars_short(buf, (double)micro / 1e6);
}

char *fmt_count(char *buf, int64_t n)
{
    char g[32];
    snprintf(buf, FMT_BUF, "%s%s", n < 0 ? "-" : "",
             group(g, n < 0 ? (uint64_t)0 - (uint64_t)n : (uint64_t)n));
    return buf;
}

char *fmt_count_short(char *buf, double n)
{
    double a = fabs(n);
    if (!scaled(buf, n < 0 ? "-" : "", a))
        snprintf(buf, FMT_BUF, a == floor(a) ? "%.0f" : "%.1f", n);
    return buf;
}

char *fmt_pct(char *buf, double frac)
{
    if (isnan(frac))
        snprintf(buf, FMT_BUF, "-");
    else
        snprintf(buf, FMT_BUF, "%.1f%%", frac * 100.0);
    return buf;
}

static int is_usd(const char *currency) { return !currency || strcmp(currency, "USD") == 0; }

char *fmt_money(char *buf, int64_t micro, const char *currency, int decimals)
{
    if (is_usd(currency))
        return fmt_usd(buf, micro);
    char a[FMT_BUF];
    snprintf(buf, FMT_BUF, "%.8s %s%.32s", currency, micro < 0 ? "-" : "",
             amount(a, micro < 0 ? (uint64_t)0 - (uint64_t)micro : (uint64_t)micro, decimals));
    return buf;
}

char *fmt_money_short(char *buf, int64_t micro, const char *currency, int decimals)
{
    if (is_usd(currency))
        return fmt_usd_short(buf, micro);
    char head[16];
    snprintf(head, sizeof head, "%.8s %s", currency, micro < 0 ? "-" : "");
    if (!scaled(buf, head, fabs((double)micro / 1e6)))
        fmt_money(buf, micro, currency, decimals);
    return buf;
}

char *fmt_decimal(char *buf, int64_t micro)
{
    uint64_t a = micro < 0 ? (uint64_t)0 - (uint64_t)micro : (uint64_t)micro;
    char g[32], frac[8];
    snprintf(frac, sizeof frac, "%06llu", (unsigned long long)(a % 1000000));
    for (int i = 5; i >= 0 && frac[i] == '0'; i--)
        frac[i] = '\0';
    snprintf(buf, FMT_BUF, "%s%s%s%s", micro < 0 ? "-" : "", group(g, a / 1000000),
             frac[0] ? "." : "", frac);
    return buf;
}
