/* ui — the terminal the dashboard draws on: whether it can, its character
 * set, colours (with a monochrome fallback) and small drawing helpers
 * shared by its views. */
#ifndef COINSIM_UI_H
#define COINSIM_UI_H

#include <stddef.h>

/* Whether the dashboard can open: stdin and stdout are terminals, and
 * terminfo knows TERM and how to move its cursor. Asked before ncurses
 * takes the terminal. Returns 1 if so; else 0, with why saying what is
 * wrong with the terminal ("TERM=dumb cannot address the cursor"), or
 * empty when stdin or stdout is simply not a terminal. */
int ui_can_dashboard(char *why, size_t n);

/* ui_can_dashboard for the commands that print a table when there is no
 * dashboard: returns the same, and when stdin and stdout are a terminal
 * that cannot take the dashboard, says why on stderr (one line) before the
 * table comes. */
int ui_dashboard_or_table(void);

/* Whether the locale's character set (after setlocale) is UTF-8, which the
 * dashboard's braille and box drawing need. */
int ui_utf8(void);

enum ui_role { UI_TITLE = 1, UI_BAND, UI_LINE, UI_HILITE, UI_OUT, UI_IN, UI_DIM, UI_KEY };

/* Set up colour pairs if colour is wanted and the terminal has it; returns
 * whether colour is in use. */
int ui_colors_init(int want);

/* Turn a role's attributes on or off (colour when color, else bold,
 * reverse or dim). */
void ui_attr_on(enum ui_role r, int color);
void ui_attr_off(enum ui_role r, int color);

/* Print at (y, x) at most w columns of s (UTF-8 aware), padding with
 * spaces to w when pad. */
void ui_put(int y, int x, int w, const char *s, int pad);

/* Columns a UTF-8 string takes (one per code point: the dashboard uses no
 * double-width characters). */
int ui_width(const char *s);

#endif
