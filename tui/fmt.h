/* fmt — figures for people: $1,234.56, 12,345, 31.9%. */
#ifndef COINSIM_FMT_H
#define COINSIM_FMT_H

#include <stddef.h>
#include <stdint.h>

#define FMT_BUF 48

/* µUSD as dollars and cents with thousands separators, rounded half up. */
char *fmt_usd(char *buf, int64_t micro);
/* µUSD compactly: $812.40, $12.3k, $1.35M. */
char *fmt_usd_short(char *buf, int64_t micro);
/* A double of dollars compactly, as fmt_usd_short. */
char *fmt_dollars_short(char *buf, double usd);
/* A whole number with thousands separators. */
char *fmt_count(char *buf, int64_t n);
/* A count compactly: 812, 12.3k, 1.35M. */
char *fmt_count_short(char *buf, double n);
/* µ-units of a currency as amounts for people: in USD as fmt_usd and
 * fmt_usd_short do; in another, its code before the amount with decimals
 * places (0 or 2, rounded half up): "IDR 13,000", "GBP 0.99", and
 * compactly "IDR 8.28M", "GBP 12.3k". */
char *fmt_money(char *buf, int64_t micro, const char *currency, int decimals);
char *fmt_money_short(char *buf, int64_t micro, const char *currency, int decimals);
/* µ-units as a decimal with thousands separators and no trailing zeros:
 * 16321500000 -> "16,321.5" (an exchange rate). */
char *fmt_decimal(char *buf, int64_t micro);
/* A fraction as a percentage with one decimal: 0.319 -> "31.9%". */
char *fmt_pct(char *buf, double frac);

#endif
