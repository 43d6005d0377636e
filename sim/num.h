/* num — exact numbers from text and back.
 *
 * Money, rates and decimals travel as int64 micro-units (10^-6): "0.99" is
 * 990000. Nothing here goes through a double, so a scenario means exactly
 * what its text says. */
#ifndef COINSIM_NUM_H
#define COINSIM_NUM_H

#include <stdint.h>

#define NUM_MICRO 1000000LL

/* Parse a decimal with at most 6 places ("12", "-0.5", "+3.250000") into
 * micro-units. Returns 0, or -1 with *why set to a static phrase naming
 * what is wrong. Leading and trailing blanks are not accepted. */
int num_parse_dec(const char *s, int64_t *micro, const char **why);

/* Parse a whole number (optional sign) into *out. Same error contract. */
int num_parse_int(const char *s, int64_t *out, const char **why);

/* Parse an unsigned 64-bit whole number. Same error contract. */
int num_parse_u64(const char *s, uint64_t *out, const char **why);

/* Write micro-units as a decimal with exactly 6 places ("-1.250000").
 * buf must hold NUM_BUF bytes; returns buf. */
#define NUM_BUF 32
char *num_fmt_micro(char *buf, int64_t micro);

/* Write micro-units with the trailing zeros of the fraction removed
 * ("0.99", "10", "-0.000001"); for messages and saved scenarios. */
char *num_fmt_short(char *buf, int64_t micro);

/* a * b / d, floored, for non-negative operands, with a 128-bit
 * intermediate. Returns -1 if d is 0 or the result does not fit. */
int64_t num_muldiv(int64_t a, int64_t b, int64_t d);

#endif
