#include "csvwrite.h"

#include <math.h>
#include <string.h>

void csvw_text(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n") && s[0] != '#') {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

void csvw_num(FILE *f, double v)
{
    if (isnan(v))
        fputs(",", f);
    else
        fprintf(f, ",%.6f", v);
}
