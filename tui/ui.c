#define _POSIX_C_SOURCE 200809L
#include "ui.h"

#include <ctype.h>
#include <curses.h>
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>
#include <unistd.h>

int ui_can_dashboard(char *why, size_t n)
{
    *why = '\0';
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
        return 0;
    const char *term = getenv("TERM");
    if (!term || !*term) {
        snprintf(why, n, "TERM is not set");
        return 0;
    }
    /* Asked of terminfo here, as initscr would: it exits the program on a
     * TERM it does not know, and on one without cursor addressing (dumb)
     * draws nothing but the last line. */
    int err = 0, ok = setupterm(NULL, STDOUT_FILENO, &err) == OK;
    if (ok) {
        const char *cup = tigetstr("cup");
        ok = cup && cup != (const char *)-1;
    }
    if (cur_term)
        del_curterm(cur_term);
    if (ok)
        return 1;
    if (err == -1)
        snprintf(why, n, "no terminfo database to look TERM=%.60s up in", term);
    else if (err == 0)
        snprintf(why, n, "terminfo does not know TERM=%.60s", term);
    else
        snprintf(why, n, "TERM=%.60s cannot address the cursor", term);
    return 0;
}

int ui_dashboard_or_table(void)
{
    char why[160];
    if (ui_can_dashboard(why, sizeof why))
        return 1;
    if (*why)
        fprintf(stderr,
                "coinsim: %s; printing the summary table instead of the dashboard "
                "(use --headless to skip this note)\n",
                why);
    return 0;
}

int ui_utf8(void)
{
    /* "UTF-8" from glibc, musl and macOS; "utf8" or "UTF8" elsewhere. */
    const char *cs = nl_langinfo(CODESET), *want = "utf8";
    for (; *cs && *want; cs++) {
        if (*cs == '-')
            continue;
        if (tolower((unsigned char)*cs) != *want++)
            return 0;
    }
    return !*cs && !*want;
}

int ui_colors_init(int want)
{
    if (!want || !has_colors())
        return 0;
    start_color();
    use_default_colors();
    init_pair(UI_TITLE, COLOR_BLACK, COLOR_CYAN);
    init_pair(UI_BAND, COLOR_BLUE, -1);
    init_pair(UI_LINE, COLOR_YELLOW, -1);
    init_pair(UI_HILITE, COLOR_BLACK, COLOR_YELLOW);
    init_pair(UI_OUT, COLOR_RED, -1);
    init_pair(UI_IN, COLOR_GREEN, -1);
    init_pair(UI_DIM, COLOR_CYAN, -1);
    init_pair(UI_KEY, COLOR_CYAN, -1);
    return 1;
}

static attr_t mono(enum ui_role r)
{
    switch (r) {
    case UI_TITLE: return A_REVERSE;
    case UI_HILITE: return A_REVERSE | A_BOLD;
    case UI_LINE:
    case UI_KEY: return A_BOLD;
    case UI_BAND:
    case UI_DIM: return A_DIM;
    default: return A_NORMAL;
    }
}

void ui_attr_on(enum ui_role r, int color)
{
    if (color)
        attron(COLOR_PAIR(r) | (r == UI_KEY || r == UI_LINE ? A_BOLD : 0));
    else
        attron(mono(r));
}

void ui_attr_off(enum ui_role r, int color)
{
    if (color)
        attroff(COLOR_PAIR(r) | (r == UI_KEY || r == UI_LINE ? A_BOLD : 0));
    else
        attroff(mono(r));
}

int ui_width(const char *s)
{
    int n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

void ui_put(int y, int x, int w, const char *s, int pad)
{
    int col = 0;
    const char *p = s;
    move(y, x);
    while (*p && col < w) {
        const char *q = p + 1;
        while (((unsigned char)*q & 0xC0) == 0x80)
            q++;
        addnstr(p, (int)(q - p));
        p = q;
        col++;
    }
    while (pad && col++ < w)
        addch(' ');
}
