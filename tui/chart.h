/* chart — a line over steps, with a band around it, drawn in a box of
 * terminal cells: braille dots (2x4 per cell) or plain ASCII. */
#ifndef COINSIM_CHART_H
#define COINSIM_CHART_H

typedef struct chart {
    const double *line; /* the run shown: values for steps 0..nline-1 */
    int nline;
    const double *mean, *lo, *hi; /* the band across runs, or NULL */
    int nband;
    int nsteps; /* the x axis spans steps 0..nsteps-1 */
} chart;

/* Draw c in the h x w cells at (y, x): rows 0..h-2 the plot, the last row
 * the axis. ascii picks '*' and ':' over braille and shading. */
void chart_draw(const chart *c, int y, int x, int h, int w, int ascii, int color);

/* The largest value chart c will show (for a title). */
double chart_max(const chart *c);

#endif
