#include "chart.h"

#include <curses.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ui.h"

double chart_max(const chart *c)
{
    double m = 0;
    for (int i = 0; i < c->nline; i++)
        if (c->line[i] > m)
            m = c->line[i];
    for (int i = 0; c->hi && i < c->nband; i++)
        if (c->hi[i] > m)
            m = c->hi[i];
    return m;
}

static double chart_min(const chart *c)
{
    double m = 0;
    for (int i = 0; i < c->nline; i++)
        if (c->line[i] < m)
            m = c->line[i];
    for (int i = 0; c->lo && i < c->nband; i++)
        if (c->lo[i] < m)
            m = c->lo[i];
    return m;
}

/* Encode a braille cell (U+2800 + dot bits) as UTF-8. */
static void braille(char out[4], unsigned bits)
{
    unsigned cp = 0x2800 + bits;
    out[0] = (char)(0xE0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    out[3] = '\0';
}

/* Dot bit for sub-column sx (0, 1) and sub-row sy (0 top .. 3 bottom). */
static unsigned dot(int sx, int sy)
{
    static const unsigned left[4] = {0x01, 0x02, 0x04, 0x40}, right[4] = {0x08, 0x10, 0x20, 0x80};
    return sx ? right[sy] : left[sy];
}

void chart_draw(const chart *c, int y, int x, int h, int w, int ascii, int color)
{
    int ph = h - 1; /* plot rows */
    if (ph < 1 || w < 4 || c->nsteps < 1)
        return;
    double lo = chart_min(c), hi = chart_max(c);
    if (hi <= lo)
        hi = lo + 1;
    unsigned *cells = calloc((size_t)ph * (size_t)w, sizeof *cells);
    char *mark = calloc((size_t)ph * (size_t)w, 1); /* 1 band, 2 mean */
    if (!cells || !mark) {
        free(cells);
        free(mark);
        return;
    }
    int subw = 2 * w, subh = 4 * ph;
    /* Band and mean, per cell column: the steps that column covers. */
    for (int col = 0; c->hi && col < w; col++) {
        int s0 = (int)((long)col * c->nsteps / w), s1 = (int)((long)(col + 1) * c->nsteps / w);
        if (s1 <= s0)
            s1 = s0 + 1;
        if (s0 >= c->nband)
            break;
        double bl = c->lo[s0], bh = c->hi[s0], mn = 0;
        int k = 0;
        for (int s = s0; s < s1 && s < c->nband; s++, k++) {
            if (c->lo[s] < bl)
                bl = c->lo[s];
            if (c->hi[s] > bh)
                bh = c->hi[s];
            mn += c->mean[s];
        }
        mn /= k;
        int rlo = (int)((bl - lo) / (hi - lo) * (ph - 1) + 0.5),
            rhi = (int)((bh - lo) / (hi - lo) * (ph - 1) + 0.5);
        int rmn = (int)((mn - lo) / (hi - lo) * (ph - 1) + 0.5);
        for (int r = rlo; r <= rhi; r++)
            mark[(ph - 1 - r) * w + col] = 1;
        mark[(ph - 1 - rmn) * w + col] = 2;
    }
    /* The run: a dot per sub-column, joined to the previous one by a
     * vertical run of dots so the line has no gaps where it jumps. */
    int prev = -1;
    for (int sx = 0; sx < subw; sx++) {
        int s = (int)((long)sx * c->nsteps / subw);
        if (s >= c->nline)
            break;
        int sy = (int)((c->line[s] - lo) / (hi - lo) * (subh - 1) + 0.5);
        if (sy < 0)
            sy = 0;
        if (sy >= subh)
            sy = subh - 1;
        int from = prev < 0 ? sy : (prev < sy ? prev + 1 : prev > sy ? prev - 1 : sy);
        int a = from < sy ? from : sy, b = from < sy ? sy : from;
        for (int yy = a; yy <= b; yy++) {
            int row = ph - 1 - yy / 4, col = sx / 2;
            cells[row * w + col] |= dot(sx % 2, 3 - yy % 4);
        }
        prev = sy;
    }
    for (int r = 0; r < ph; r++)
        for (int col = 0; col < w; col++) {
            unsigned b = cells[r * w + col];
            char ch[4];
            move(y + r, x + col);
            if (b) {
                ui_attr_on(UI_LINE, color);
                if (ascii)
                    addch('*');
                else {
                    braille(ch, b);
                    addstr(ch);
                }
                ui_attr_off(UI_LINE, color);
            } else if (mark[r * w + col]) {
                ui_attr_on(UI_BAND, color);
                if (mark[r * w + col] == 2)
                    addstr(ascii ? "-" : "\xC2\xB7");
                else
                    addstr(ascii ? ":" : "\xE2\x96\x91");
                ui_attr_off(UI_BAND, color);
            } else {
                addch(' ');
            }
        }
    /* Axis: a rule with the current step marked. */
    move(y + ph, x);
    for (int col = 0; col < w; col++)
        addstr(ascii ? "-" : "\xE2\x94\x80");
    if (c->nline > 0 && c->nline <= c->nsteps) {
        int col = (int)((long)(c->nline - 1) * w / c->nsteps);
        mvaddstr(y + ph, x + col, ascii ? "^" : "\xE2\x94\xB4");
    }
    free(cells);
    free(mark);
}
