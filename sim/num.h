/* num — exact numbers from text and back.
 *
 * Money, rates and decimals travel as int64 micro-units (10^-6): "0.99" is
 * 990000. Nothing here goes through a double, so a scenario means exactly
 * what its text says. */
#ifndef COINSIM_NUM_H
#define COINSIM_NUM_H

#include <stddef.h>
#include <stdint.h>

#define NUM_MICRO 1000000LL

/* Parse a decimal with at most 6 places ("12", "-0.5", "+3.250000") into
 * micro-units. Returns 0, or -1 with *why set to a static phrase naming
 * what is wrong. Leading and trailing blanks are not accepted. */
int num_parse_dec(const char *s, int64_t *micro, const char **why);

/* Parse a decimal of any precision, with an optional exponent
 * ("1.0986122886681098", "-2", ".5", "2.5E-3"), into micro-units held in a
 * double: the double nearest to the value times 10^6. Up to 6 places that
 * is exactly the whole number num_parse_dec gives, so code that reads it
 * computes as before. The text strtod sees has no decimal point, so no
 * locale can change the result. Same error contract as num_parse_dec
 * (also "number too large" when the micro-units overflow a double, and
 * "nonzero number too close to 0 to hold" when a nonzero number would be
 * 0 or subnormal, as 1e-400 would). "nan" and "inf" are not numbers. */
int num_parse_real(const char *s, double *micro, const char **why);

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

/* Write micro-units held in a double (num_parse_real) as the shortest
 * decimal that num_parse_real reads back to the same double: a whole
 * number of micro-units exactly as num_fmt_short writes it, anything else
 * with up to 17 significant digits ("1.0986122886681098"), in exponent
 * form only when tiny or huge ("1e-30"). buf must hold NUM_REAL_BUF bytes;
 * returns buf. Not for infinities or NaN (num_parse_real never gives one). */
#define NUM_REAL_BUF 64
char *num_fmt_real(char *buf, double micro);

/* Whether s is a number written with a decimal comma: optional sign,
 * digits, a comma, digits, and for a percentage a '%' after them. */
int num_decimal_comma(const char *s);

/* Whether s is a percentage: a decimal (point, not comma) and '%', blanks
 * allowed before the '%'. */
int num_percentage(const char *s);

/* Write the number s (sign, digits, optional point and digits; anything
 * after them ignored) divided by 10^places, exactly, as plain decimal
 * text ("12.5", 2 -> "0.125"; "-0" -> "0") into out of n bytes. */
void num_shift_point(const char *s, int places, char *out, size_t n);

/* Whether s is a number with sep as its thousands separator: optional
 * sign, 1 to 3 digits not starting with 0, one or more groups of sep and
 * 3 digits, then, if dec is not 0, optionally dec and digits ("1.000",
 * "-12.345.678", "1.249,99" with sep '.' and dec ','). If plain is not
 * NULL, writes s without the separators and with a point for dec
 * ("1249.99") into it (n bytes). Returns the number of separators, or 0. */
int num_grouped(const char *s, char sep, char dec, char *plain, size_t n);

/* a * b / d, floored, for non-negative operands, with a 128-bit
 * intermediate. Returns -1 if d is 0 or the result does not fit. */
int64_t num_muldiv(int64_t a, int64_t b, int64_t d);

#endif
