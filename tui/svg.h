/* svg — the charts of report.html, drawn as inline SVG: lines with a
 * band, bars, a Lorenz curve, a forest plot of differences and a
 * two-stage money flow. Each chart is one <svg> scaled by its viewBox,
 * labelled for screen readers, its figures for people with the exact
 * value in a <title> tooltip. Coordinates are written without the locale
 * (pretty.h), so the same data give the same bytes. */
#ifndef COINSIM_SVG_H
#define COINSIM_SVG_H

#include <stddef.h>
#include <stdio.h>

#include "pretty.h"

/* The palette, by index (taken modulo its size). */
const char *svg_color(int i);

/* ---------------------------------------------------------------- lines */

/* A line through (x[i], y[i]), with the band lo[i]..hi[i] behind it when
 * lo and hi are not NULL (a NaN in them leaves the band out). txt[i], if
 * not NULL, is the exact y for a dot's tooltip. */
typedef struct svg_series {
    const char *name; /* for the legend; NULL: none */
    size_t n;
    const double *x, *y, *lo, *hi;
    const char *const *txt;
    int color;
} svg_series;

typedef struct svg_lines {
    const char *title; /* the chart's accessible name */
    const char *xlabel, *ylabel;
    enum pretty_kind xkind, ykind;
    const svg_series *s;
    size_t ns;
    int dots;                 /* a dot with a tooltip at every point */
    int zero;                 /* the y axis reaches 0 */
    const char *const *xtick; /* labels at series 0's x values, or NULL: round ticks */
    int mark;                 /* series of the marked point, or -1 */
    size_t mark_at;
    const char *mark_label;
} svg_lines;

void svg_draw_lines(FILE *f, const svg_lines *c);

/* ----------------------------------------------------------------- bars */

/* A horizontal bar of one or two parts (b 0 for one), each with its
 * colour and exact text; the label on the left, the total on the right. */
typedef struct svg_bar {
    const char *label;
    double a, b;
    const char *a_txt, *b_txt;
    int a_color, b_color;
    const char *a_name, *b_name; /* in the tooltip: "fees $1.2K" */
} svg_bar;

void svg_draw_bars(FILE *f, const char *title, const svg_bar *rows, size_t n, enum pretty_kind k);

/* ---------------------------------------------------------------- lorenz */

/* The Lorenz curve through (d/10, cum[d]) for d = 0..10 (cum[0] 0,
 * cum[10] 1), against the diagonal; share[d-1] the exact text of decile
 * d's share, or NULL. */
void svg_draw_lorenz(FILE *f, const char *title, const double cum[11], const char *const share[10]);

/* ---------------------------------------------------------------- forest */

typedef struct svg_forest_row {
    const char *label;
    double est, lo, hi; /* relative change; lo, hi NaN without an interval */
    int excludes_zero;
    const char *tip; /* the tooltip: the exact figures */
} svg_forest_row;

void svg_draw_forest(FILE *f, const char *title, const svg_forest_row *r, size_t n);

/* ------------------------------------------------------------------ flow */

/* A node of the money flow: its label, value (per dollar of cash in) and
 * tooltip. */
typedef struct svg_node {
    const char *label;
    double v;
    const char *tip;
    int color;
} svg_node;

/* src splits into mid[0..nmid); mid[split] splits further into
 * right[0..nright). Bands are as wide as their value; a negative value is
 * drawn as nothing and labelled all the same. */
void svg_draw_flow(FILE *f, const char *title, const svg_node *src, const svg_node *mid,
                   size_t nmid, size_t split, const svg_node *right, size_t nright);

#endif
