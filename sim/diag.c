#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void diag_add(diag *d, enum diag_level lv, const char *file, long line, const char *column,
              const char *fmt, ...)
{
    char msg[1024], loc[640] = "";
    va_list ap;

    if (lv == DIAG_ERROR)
        d->errors++;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (file && line > 0)
        snprintf(loc, sizeof loc, "%s:%ld: ", file, line);
    else if (file)
        snprintf(loc, sizeof loc, "%s: ", file);

    size_t cap = sizeof loc + sizeof msg + 128;
    char *text = malloc(cap);
    if (!text)
        return;
    if (column)
        snprintf(text, cap, "%scolumn %.100s: %s", loc, column, msg);
    else
        snprintf(text, cap, "%s%s", loc, msg);

    if (d->n == d->cap) {
        size_t nc = d->cap ? d->cap * 2 : 16;
        diag_item *ni = realloc(d->items, nc * sizeof *ni);
        if (!ni) {
            free(text);
            return;
        }
        d->items = ni;
        d->cap = nc;
    }
    d->items[d->n].level = lv;
    d->items[d->n].text = text;
    d->n++;
}

void diag_clear(diag *d)
{
    for (size_t i = 0; i < d->n; i++)
        free(d->items[i].text);
    free(d->items);
    d->items = NULL;
    d->n = d->cap = d->errors = 0;
}
