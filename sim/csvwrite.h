/* csvwrite — the cells of every CSV file coinsim writes, one way. */
#ifndef COINSIM_CSVWRITE_H
#define COINSIM_CSVWRITE_H

#include <stdio.h>

/* Text s as a cell: quoted (with quotes doubled) when it holds a comma, a
 * quote or a line break, or begins with '#' (which a reader would take for
 * a comment at the start of a line). */
void csvw_text(FILE *f, const char *s);

/* ",V" with V to 6 decimals, or "," alone for NaN (no figure). */
void csvw_num(FILE *f, double v);

#endif
