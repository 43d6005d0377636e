/* chart — a line over steps with a band around it, in a box of terminal
 * cells: braille dots (2x4 per cell) or plain ASCII. */
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

/* The plot's cells: ph rows of w columns over values lo..hi. */
typedef struct plot {
    int ph, w;
    double lo, hi;
} plot;

/* The row (0 bottom .. rows-1) of value v in rows rows. */
static int row_of(const plot *p, double v, int rows)
{
    return (int)((v - p->lo) / (p->hi - p->lo) * (rows - 1) + 0.5);
}

/* The band and its mean, per cell column over the steps that column
 * covers: mark 1 for the band's extent, 2 for the mean. */
static void mark_band(const chart *c, const plot *p, char *mark)
{
    int ph = p->ph, w = p->w;
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
        int rlo = row_of(p, bl, ph), rhi = row_of(p, bh, ph);
        int rmn = row_of(p, mn, ph);
        for (int r = rlo; r <= rhi; r++)
            mark[(ph - 1 - r) * w + col] = 1;
        mark[(ph - 1 - rmn) * w + col] = 2;
    }
}

/* The run: a dot per sub-column, joined to the previous one by a vertical
 * run of dots so the line has no gaps where it jumps. */
static void plot_line(const chart *c, const plot *p, unsigned *cells)
{
    int subw = 2 * p->w, subh = 4 * p->ph;
    int prev = -1;
    for (int sx = 0; sx < subw; sx++) {
        int s = (int)((long)sx * c->nsteps / subw);
        if (s >= c->nline)
            break;
        int sy = row_of(p, c->line[s], subh);
        if (sy < 0)
            sy = 0;
        if (sy >= subh)
            sy = subh - 1;
        int from = prev < 0 ? sy : (prev < sy ? prev + 1 : prev > sy ? prev - 1 : sy);
        int a = from < sy ? from : sy, b = from < sy ? sy : from;
        for (int yy = a; yy <= b; yy++) {
            int row = p->ph - 1 - yy / 4, col = sx / 2;
            cells[row * p->w + col] |= dot(sx % 2, 3 - yy % 4);
        }
        prev = sy;
    }
}

/* One cell at the cursor: the run's dots over the band's mark. */
static void paint_cell(unsigned dots, char mark, int ascii, int color)
{
    if (dots) {
        ui_attr_on(UI_LINE, color);
        if (ascii) {
            addch('*');
        } else {
            char ch[4];
            braille(ch, dots);
            addstr(ch);
        }
        ui_attr_off(UI_LINE, color);
    } else if (mark) {
        ui_attr_on(UI_BAND, color);
        if (mark == 2)
            addstr(ascii ? "-" : "\xC2\xB7");
        else
            addstr(ascii ? ":" : "\xE2\x96\x91");
        ui_attr_off(UI_BAND, color);
    } else {
        addch(' ');
    }
}

/* The axis below the plot: a rule with the current step marked. */
static void draw_axis(const chart *c, int y, int x, int w, int ascii)
{
    move(y, x);
    for (int col = 0; col < w; col++)
        addstr(ascii ? "-" : "\xE2\x94\x80");
    if (c->nline > 0 && c->nline <= c->nsteps) {
        int col = (int)((long)(c->nline - 1) * w / c->nsteps);
        mvaddstr(y, x + col, ascii ? "^" : "\xE2\x94\xB4");
    }
}

void chart_draw(const chart *c, int y, int x, int h, int w, int ascii, int color)
{
    plot p = {h - 1, w, chart_min(c), chart_max(c)}; /* the last row is the axis */
    if (p.ph < 1 || w < 4 || c->nsteps < 1)
        return;
    if (p.hi <= p.lo)
        p.hi = p.lo + 1;
    unsigned *cells = calloc((size_t)p.ph * (size_t)w, sizeof *cells);
    char *mark = calloc((size_t)p.ph * (size_t)w, 1); /* 1 band, 2 mean */
    if (cells && mark) {
        mark_band(c, &p, mark);
        plot_line(c, &p, cells);
        for (int r = 0; r < p.ph; r++)
            for (int col = 0; col < w; col++) {
                move(y + r, x + col);
                paint_cell(cells[r * w + col], mark[r * w + col], ascii, color);
            }
        draw_axis(c, y + p.ph, x, w, ascii);
    }
    free(cells);
    free(mark);
}
