/* diag — the problems found in an input, collected so that all of them can
 * be reported at once as FILE:LINE: column NAME: what (expected). */
#ifndef COINSIM_DIAG_H
#define COINSIM_DIAG_H

#include <stddef.h>

enum diag_level { DIAG_WARNING, DIAG_ERROR };

typedef struct diag_item {
    enum diag_level level;
    char *text; /* the whole formatted line, without "warning: " */
} diag_item;

typedef struct diag {
    diag_item *items;
    size_t n, cap;
    size_t errors;
} diag;

/* Add a problem. file may be NULL (then no location), line 0 means the
 * file as a whole, column may be NULL. Out of memory drops the text but
 * still counts the error. */
void diag_add(diag *d, enum diag_level lv, const char *file, long line, const char *column,
              const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Free every item; d itself is caller-owned and left empty. */
void diag_clear(diag *d);

#endif
