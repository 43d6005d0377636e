/* ui — the terminal the dashboard draws on: its character set, colours
 * (with a monochrome fallback) and small drawing helpers shared by its
 * views. */
#ifndef COINSIM_UI_H
#define COINSIM_UI_H

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
