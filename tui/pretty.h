/* pretty — figures for people in a report: $1.35M, $568.9K, 6.2%, 1,234.
 *
 * Every function writes through integer arithmetic, never printf's %f, so
 * no locale (the dashboard sets one for ncurses) can change a digit or the
 * decimal point: the same figure is always the same bytes. Each writes at
 * most PRETTY_BUF bytes into buf and returns buf. A NaN (an empty cell) is
 * written as an en dash. */
#ifndef COINSIM_PRETTY_H
#define COINSIM_PRETTY_H

#define PRETTY_BUF 48

/* |v| rounded half away from zero to places decimals (0 to 6), with a
 * '-' when the rounded figure is not 0, and thousands separators in the
 * whole part when group is set: (1234.5, 2, 1) -> "1,234.50". A figure
 * whose whole part is too large for 64 bits (9.2e18 and up) is written
 * "(too large)". */
char *pretty_fixed(char *buf, double v, int places, int group);

/* Dollars compactly: "$0.0042", "$0.30", "$39.53", "$9,552", "$56.9K",
 * "$568.9K", "$1.35M", "$2.10B"; negative "-$1.35M". The tier is chosen
 * after rounding (99.996 is "$100", 9999.6 "$10.0K"); a figure that is not
 * 0 but rounds to 0 is "<$0.0001" (">-$0.0001" below 0). */
char *pretty_usd(char *buf, double usd);

/* A count or other plain figure: "0", "623.8", "1,234", "56.9K", "655.2K",
 * "1.35M". Whole below 10,000 unless it has a fraction (then 1 decimal, 2
 * below 1), the tier chosen after rounding; "<0.01" for a fraction that is
 * not 0 but rounds to 0. */
char *pretty_count(char *buf, double v);

/* A fraction as a percentage: 0.062 -> "6.2%"; below 0.1% (once rounded)
 * two decimals ("0.05%"), exactly 0 "0%", and not 0 but below 0.005%
 * "<0.01%" (">-0.01%" below 0). With sign set a '+' leads a positive
 * figure ("+6.2%", "<+0.01%"), for changes. */
char *pretty_pct(char *buf, double frac, int sign);

/* How a figure named name reads: money (ends in _usd), a share or rate
 * (a percentage), or a plain figure. */
enum pretty_kind { PRETTY_COUNT, PRETTY_USD, PRETTY_PCT, PRETTY_RATIO };
enum pretty_kind pretty_kind_of(const char *name);

/* v written as its kind reads (PRETTY_RATIO: 3 decimals, "0.712"). */
char *pretty_as(char *buf, double v, enum pretty_kind k);

#endif
