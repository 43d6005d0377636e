#include "svg.h"

#include <math.h>
#include <string.h>

#include "html.h"

static const char *const palette[] = {"#3b6fb6", "#d9822b", "#2e8b57", "#8e44ad",
                                      "#c0392b", "#16a085", "#7f8c8d", "#b8860b"};
#define NPAL (sizeof palette / sizeof palette[0])

const char *svg_color(int i) { return palette[(size_t)(i < 0 ? -i : i) % NPAL]; }

/* A coordinate, one decimal, no locale. */
static void co(FILE *f, double v)
{
    char b[PRETTY_BUF];
    fputs(pretty_fixed(b, isfinite(v) ? v : 0, 1, 0), f);
}

/* "x,y " for a point list. */
static void pt(FILE *f, double x, double y)
{
    co(f, x);
    fputc(',', f);
    co(f, y);
    fputc(' ', f);
}

static void open_svg(FILE *f, const char *title, double w, double h)
{
    fputs("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ", f);
    co(f, w);
    fputc(' ', f);
    co(f, h);
    fputs("\" width=\"", f);
    co(f, w);
    fputs("\" height=\"", f);
    co(f, h);
    fputs("\" role=\"img\" aria-label=\"", f);
    html_text(f, title);
    fputs("\"><title>", f);
    html_text(f, title);
    fputs("</title>\n", f);
}

/* <text> at (x, y), anchored (start, middle, end), of class cls or none. */
static void text(FILE *f, double x, double y, const char *anchor, const char *cls, const char *s)
{
    fputs("<text x=\"", f);
    co(f, x);
    fputs("\" y=\"", f);
    co(f, y);
    fprintf(f, "\" text-anchor=\"%s\"", anchor);
    if (cls)
        fprintf(f, " class=\"%s\"", cls);
    fputc('>', f);
    html_text(f, s);
    fputs("</text>", f);
}

static void tip(FILE *f, const char *s)
{
    if (s && *s) {
        fputs("<title>", f);
        html_text(f, s);
        fputs("</title>", f);
    }
}

/* A round step that cuts span into about want parts (1, 2 or 5 x 10^k). */
static double nice_step(double span, int want)
{
    double raw = span / want, mag = pow(10, floor(log10(raw))), r = raw / mag;
    return (r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10) * mag;
}

/* The number of steps of step from lo to hi (they are round: nice_range). */
static int nsteps(double lo, double hi, double step) { return (int)floor((hi - lo) / step + 0.5); }

/* [*lo, *hi] widened to round ticks *step apart. */
static void nice_range(double *lo, double *hi, double *step, int want)
{
    if (!(*hi > *lo)) {
        double d = *lo == 0 ? 1 : fabs(*lo) * 0.1;
        *lo -= d;
        *hi += d;
    }
    *step = nice_step(*hi - *lo, want);
    *lo = floor(*lo / *step + 1e-9) * *step;
    *hi = ceil(*hi / *step - 1e-9) * *step;
}

/* ---------------------------------------------------------------- lines */

typedef struct frame {
    double x0, x1, y0, y1; /* the data's range */
    double l, r, t, b;     /* the plot's edges in pixels */
    double xstep, ystep;
} frame;

static double px(const frame *fr, double x)
{
    return fr->l + (fr->x1 > fr->x0 ? (x - fr->x0) / (fr->x1 - fr->x0) : 0.5) * (fr->r - fr->l);
}

static double py(const frame *fr, double y)
{
    return fr->b - (y - fr->y0) / (fr->y1 - fr->y0) * (fr->b - fr->t);
}

static void grow(double *lo, double *hi, double v)
{
    if (isnan(v))
        return;
    if (v < *lo)
        *lo = v;
    if (v > *hi)
        *hi = v;
}

/* The data's range over every series, made round. */
static void lines_range(const svg_lines *c, frame *fr)
{
    fr->x0 = fr->y0 = INFINITY;
    fr->x1 = fr->y1 = -INFINITY;
    for (size_t k = 0; k < c->ns; k++)
        for (size_t i = 0; i < c->s[k].n; i++) {
            grow(&fr->x0, &fr->x1, c->s[k].x[i]);
            grow(&fr->y0, &fr->y1, c->s[k].y[i]);
            if (c->s[k].lo && c->s[k].hi) {
                grow(&fr->y0, &fr->y1, c->s[k].lo[i]);
                grow(&fr->y0, &fr->y1, c->s[k].hi[i]);
            }
        }
    if (!isfinite(fr->x0))
        fr->x0 = fr->x1 = fr->y0 = fr->y1 = 0;
    if (c->zero)
        grow(&fr->y0, &fr->y1, 0);
    nice_range(&fr->y0, &fr->y1, &fr->ystep, 5);
    if (!c->xtick)
        nice_range(&fr->x0, &fr->x1, &fr->xstep, 6);
}

/* The grid, the ticks and the axes' names. */
static void lines_axes(FILE *f, const svg_lines *c, const frame *fr)
{
    char b[PRETTY_BUF];
    for (int i = 0, n = nsteps(fr->y0, fr->y1, fr->ystep); i <= n; i++) {
        double y = fr->y0 + i * fr->ystep, yy = fabs(y) < fr->ystep * 1e-9 ? 0 : y;
        fputs("<line class=\"grid\" x1=\"", f);
        co(f, fr->l);
        fputs("\" x2=\"", f);
        co(f, fr->r);
        fputs("\" y1=\"", f);
        co(f, py(fr, yy));
        fputs("\" y2=\"", f);
        co(f, py(fr, yy));
        fputs("\"/>", f);
        text(f, fr->l - 6, py(fr, yy) + 4, "end", "lab", pretty_as(b, yy, c->ykind));
    }
    if (c->xtick)
        for (size_t i = 0; i < c->s[0].n; i++)
            text(f, px(fr, c->s[0].x[i]), fr->b + 16, "middle", "lab", c->xtick[i]);
    else
        for (int i = 0, n = nsteps(fr->x0, fr->x1, fr->xstep); i <= n; i++) {
            double x = fr->x0 + i * fr->xstep;
            text(f, px(fr, x), fr->b + 16, "middle", "lab", pretty_as(b, x, c->xkind));
        }
    fputs("<polyline class=\"axis\" fill=\"none\" points=\"", f);
    pt(f, fr->l, fr->t);
    pt(f, fr->l, fr->b);
    pt(f, fr->r, fr->b);
    fputs("\"/>\n", f);
    text(f, (fr->l + fr->r) / 2, fr->b + 34, "middle", "lab", c->xlabel);
    text(f, fr->l, fr->t - 6, "start", "lab", c->ylabel);
}

/* Series s's band (when every bound is there), line and dots. */
static void lines_series(FILE *f, const svg_lines *c, const frame *fr, const svg_series *s)
{
    int band = s->lo && s->hi && s->n > 0;
    for (size_t i = 0; band && i < s->n; i++)
        band = !isnan(s->lo[i]) && !isnan(s->hi[i]);
    const char *col = svg_color(s->color);
    if (band) {
        fprintf(f, "<polygon fill=\"%s\" fill-opacity=\"0.18\" stroke=\"none\" points=\"", col);
        for (size_t i = 0; i < s->n; i++)
            pt(f, px(fr, s->x[i]), py(fr, s->hi[i]));
        for (size_t i = s->n; i-- > 0;)
            pt(f, px(fr, s->x[i]), py(fr, s->lo[i]));
        fputs("\"/>\n", f);
    }
    fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"", col);
    for (size_t i = 0; i < s->n; i++)
        pt(f, px(fr, s->x[i]), py(fr, s->y[i]));
    fputs("\"/>\n", f);
    for (size_t i = 0; c->dots && i < s->n; i++) {
        fprintf(f, "<circle r=\"3.5\" fill=\"%s\" cx=\"", col);
        co(f, px(fr, s->x[i]));
        fputs("\" cy=\"", f);
        co(f, py(fr, s->y[i]));
        fputs("\">", f);
        tip(f, s->txt ? s->txt[i] : NULL);
        fputs("</circle>\n", f);
    }
}

void svg_draw_lines(FILE *f, const svg_lines *c)
{
    int legend = c->ns > 1;
    frame fr = {.l = 74, .r = 624, .t = 22, .b = 240};
    size_t rows = (c->ns + 3) / 4;
    double h = 290 + (legend ? 22 * (double)rows : 0);
    lines_range(c, &fr);
    open_svg(f, c->title, 640, h);
    lines_axes(f, c, &fr);
    for (size_t k = 0; k < c->ns; k++)
        lines_series(f, c, &fr, &c->s[k]);
    if (c->mark >= 0 && (size_t)c->mark < c->ns && c->mark_at < c->s[c->mark].n) {
        const svg_series *s = &c->s[c->mark];
        double x = px(&fr, s->x[c->mark_at]), y = py(&fr, s->y[c->mark_at]);
        fputs("<circle r=\"8\" fill=\"none\" stroke=\"#c0392b\" stroke-width=\"2.5\" cx=\"", f);
        co(f, x);
        fputs("\" cy=\"", f);
        co(f, y);
        fputs("\">", f);
        tip(f, c->mark_label);
        fputs("</circle>", f);
        text(f, x, y - 13, x > 500 ? "end" : x < 200 ? "start" : "middle", NULL, c->mark_label);
    }
    for (size_t k = 0; legend && k < c->ns; k++) {
        size_t col = k % 4, row = k / 4;
        double x = 74 + 140 * (double)col, y = 290 + 22 * (double)row;
        fprintf(f, "<rect width=\"14\" height=\"4\" fill=\"%s\" x=\"", svg_color(c->s[k].color));
        co(f, x);
        fputs("\" y=\"", f);
        co(f, y - 6);
        fputs("\"/>", f);
        text(f, x + 20, y, "start", "lab", c->s[k].name);
    }
    fputs("</svg>\n", f);
}

/* ----------------------------------------------------------------- bars */

/* One part of a bar, from x of width w, its tooltip "name value (exact)". */
static void bar_part(FILE *f, double x, double y, double w, int color, const char *name, double v,
                     const char *exact, enum pretty_kind k)
{
    char b[PRETTY_BUF];
    fprintf(f, "<rect height=\"16\" fill=\"%s\" x=\"", svg_color(color));
    co(f, x);
    fputs("\" y=\"", f);
    co(f, y);
    fputs("\" width=\"", f);
    co(f, w > 0 ? w : 0);
    fputs("\"><title>", f);
    if (name) {
        html_text(f, name);
        fputc(' ', f);
    }
    html_text(f, pretty_as(b, v, k));
    if (exact && *exact) {
        fputs(" (", f);
        html_text(f, exact);
        fputc(')', f);
    }
    fputs("</title></rect>", f);
}

void svg_draw_bars(FILE *f, const char *title, const svg_bar *rows, size_t n, enum pretty_kind k)
{
    char b[PRETTY_BUF];
    double most = 0, l = 150, r = 540;
    for (size_t i = 0; i < n; i++)
        if (rows[i].a + (rows[i].b > 0 ? rows[i].b : 0) > most)
            most = rows[i].a + (rows[i].b > 0 ? rows[i].b : 0);
    open_svg(f, title, 640, 26 * (double)n + 12);
    for (size_t i = 0; i < n; i++) {
        const svg_bar *w = &rows[i];
        double y = 6 + 26 * (double)i, a = w->a > 0 ? w->a : 0, bb = w->b > 0 ? w->b : 0;
        double wa = most > 0 ? a / most * (r - l) : 0, wb = most > 0 ? bb / most * (r - l) : 0;
        text(f, l - 8, y + 12.5, "end", NULL, w->label);
        bar_part(f, l, y, wa, w->a_color, w->a_name, w->a, w->a_txt, k);
        if (w->b_name)
            bar_part(f, l + wa, y, wb, w->b_color, w->b_name, w->b, w->b_txt, k);
        text(f, l + wa + wb + 6, y + 12.5, "start", "lab", pretty_as(b, w->a + w->b, k));
        fputc('\n', f);
    }
    fputs("<line class=\"axis\" y1=\"2\" x1=\"150\" x2=\"150\" y2=\"", f);
    co(f, 26 * (double)n + 8);
    fputs("\"/>\n</svg>\n", f);
}

/* ---------------------------------------------------------------- lorenz */

void svg_draw_lorenz(FILE *f, const char *title, const double cum[11], const char *const share[10])
{
    char b[PRETTY_BUF], t[160];
    const double l = 56, top = 14, side = 260;
    open_svg(f, title, 340, 320);
    for (int d = 0; d <= 10; d += 2) {
        double at = side * d / 10.0;
        snprintf(t, sizeof t, "%d%%", d * 10);
        text(f, l + at, top + side + 16, "middle", "lab", t);
        text(f, l - 6, top + side - at + 4, "end", "lab", t);
    }
    fputs("<polyline class=\"axis\" fill=\"none\" points=\"", f);
    pt(f, l, top);
    pt(f, l, top + side);
    pt(f, l + side, top + side);
    fputs("\"/>\n<line stroke=\"#9aa3b2\" stroke-dasharray=\"4 3\" x1=\"", f);
    co(f, l);
    fputs("\" y1=\"", f);
    co(f, top + side);
    fputs("\" x2=\"", f);
    co(f, l + side);
    fputs("\" y2=\"", f);
    co(f, top);
    fputs("\"><title>equal earnings for every creator</title></line>\n", f);
    fprintf(f, "<polygon fill=\"%s\" fill-opacity=\"0.15\" points=\"", svg_color(0));
    for (int d = 0; d <= 10; d++)
        pt(f, l + side * d / 10.0, top + side - side * cum[d]);
    fputs("\"/>\n", f);
    fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2.5\" points=\"",
            svg_color(0));
    for (int d = 0; d <= 10; d++)
        pt(f, l + side * d / 10.0, top + side - side * cum[d]);
    fputs("\"/>\n", f);
    for (int d = 1; d <= 10; d++) {
        fprintf(f, "<circle r=\"3.5\" fill=\"%s\" cx=\"", svg_color(0));
        co(f, l + side * d / 10.0);
        fputs("\" cy=\"", f);
        co(f, top + side - side * cum[d]);
        snprintf(t, sizeof t, "the poorest %d%% of creators earn %s of all earnings", d * 10,
                 pretty_pct(b, cum[d], 0));
        fputs("\"><title>", f);
        html_text(f, t);
        if (share && share[d - 1]) {
            fputs(" (tenth ", f);
            fprintf(f, "%d: ", d);
            html_text(f, share[d - 1]);
            fputc(')', f);
        }
        fputs("</title></circle>\n", f);
    }
    text(f, l + side / 2, top + side + 34, "middle", "lab", "creators, poorest first");
    text(f, l + 6, top + 12, "start", "lab", "share of earnings");
    fputs("</svg>\n", f);
}

/* ---------------------------------------------------------------- forest */

#define FOREST_CAP 1.0 /* the axis stops at +-100%; a bar beyond is cut, and says so */

static double cap(double v)
{
    return v > FOREST_CAP ? FOREST_CAP : v < -FOREST_CAP ? -FOREST_CAP : v;
}

/* The forest's x range: every estimate and bound, 0 included, at most
 * +-FOREST_CAP. */
static void forest_range(const svg_forest_row *r, size_t n, frame *fr)
{
    fr->x0 = fr->x1 = 0;
    for (size_t i = 0; i < n; i++) {
        grow(&fr->x0, &fr->x1, cap(r[i].est));
        grow(&fr->x0, &fr->x1, isnan(r[i].lo) ? NAN : cap(r[i].lo));
        grow(&fr->x0, &fr->x1, isnan(r[i].hi) ? NAN : cap(r[i].hi));
    }
    nice_range(&fr->x0, &fr->x1, &fr->xstep, 6);
}

static void forest_row(FILE *f, const frame *fr, const svg_forest_row *w, double y)
{
    char b[PRETTY_BUF];
    const char *col = !w->excludes_zero ? "#7f8c8d" : w->est < 0 ? "#c0392b" : "#2e8b57";
    fputs("<g>", f);
    tip(f, w->tip);
    text(f, fr->l - 8, y + 4, "end", NULL, w->label);
    if (!isnan(w->lo) && !isnan(w->hi)) {
        fprintf(f, "<line stroke=\"%s\" stroke-width=\"%s\" x1=\"", col,
                w->excludes_zero ? "3" : "1.5");
        co(f, px(fr, cap(w->lo)));
        fputs("\" x2=\"", f);
        co(f, px(fr, cap(w->hi)));
        fputs("\" y1=\"", f);
        co(f, y);
        fputs("\" y2=\"", f);
        co(f, y);
        fputs("\"/>", f);
    }
    fprintf(f, "<circle r=\"4\" stroke=\"%s\" stroke-width=\"1.5\" fill=\"%s\" cx=\"", col,
            w->excludes_zero ? col : "#fff");
    co(f, px(fr, cap(w->est)));
    fputs("\" cy=\"", f);
    co(f, y);
    fputs("\"/>", f);
    int cut = fabs(w->est) > FOREST_CAP || fabs(w->lo) > FOREST_CAP || fabs(w->hi) > FOREST_CAP;
    char lab[PRETTY_BUF + 8];
    pretty_pct(b, w->est, 1);
    snprintf(lab, sizeof lab, "%s%s", b, cut ? " (cut)" : "");
    text(f, 636, y + 4, "end", w->excludes_zero ? NULL : "lab", lab);
    fputs("</g>\n", f);
}

void svg_draw_forest(FILE *f, const char *title, const svg_forest_row *r, size_t n)
{
    char b[PRETTY_BUF];
    frame fr = {.l = 220, .r = 560, .t = 10};
    fr.b = fr.t + 18 * (double)n + 6;
    forest_range(r, n, &fr);
    open_svg(f, title, 640, fr.b + 44);
    for (int i = 0, k = nsteps(fr.x0, fr.x1, fr.xstep); i <= k; i++) {
        double x = fr.x0 + i * fr.xstep, xx = fabs(x) < fr.xstep * 1e-9 ? 0 : x;
        fprintf(f, "<line class=\"%s\" y1=\"", xx == 0 ? "axis" : "grid");
        co(f, fr.t);
        fputs("\" y2=\"", f);
        co(f, fr.b);
        fputs("\" x1=\"", f);
        co(f, px(&fr, xx));
        fputs("\" x2=\"", f);
        co(f, px(&fr, xx));
        fputs("\"/>", f);
        text(f, px(&fr, xx), fr.b + 16, "middle", "lab", pretty_pct(b, xx, 1));
    }
    fputc('\n', f);
    for (size_t i = 0; i < n; i++)
        forest_row(f, &fr, &r[i], fr.t + 12 + 18 * (double)i);
    text(f, (fr.l + fr.r) / 2, fr.b + 34, "middle", "lab",
         "change B - A relative to A's mean, with its 95% CI");
    fputs("</svg>\n", f);
}

/* ------------------------------------------------------------------ flow */

#define FLOW_PX   260.0 /* the height of a whole dollar */
#define FLOW_SLOT 34.0  /* the least room a node takes, for its two lines of label */
#define FLOW_GAP  10.0

static double hgt(double v, double unit) { return v > 0 ? v * unit : 0; }

/* A node's bar and its label (name, then "$0.28 per $1 (27.6%)"), the
 * label at lx anchored as said. */
static void flow_node(FILE *f, const svg_node *n, double x, double y, double h, double lx,
                      const char *anchor, double total, int share)
{
    char v[PRETTY_BUF], p[PRETTY_BUF], line[2 * PRETTY_BUF + 32];
    fprintf(f, "<g><rect width=\"14\" fill=\"%s\" x=\"", svg_color(n->color));
    co(f, x);
    fputs("\" y=\"", f);
    co(f, y);
    fputs("\" height=\"", f);
    co(f, h > 1 ? h : 1);
    fputs("\"/>", f);
    tip(f, n->tip);
    text(f, lx, y + 13, anchor, NULL, n->label);
    if (!share)
        snprintf(line, sizeof line, "%s", pretty_usd(v, n->v));
    else
        snprintf(line, sizeof line, "%s of each $1 (%s)", pretty_usd(v, n->v),
                 pretty_pct(p, total > 0 ? n->v / total : NAN, 0));
    text(f, lx, y + 28, anchor, "lab", line);
    fputs("</g>\n", f);
}

/* A band of height h from (x0, y0) to (x1, y1), coloured as its target. */
static void flow_band(FILE *f, double x0, double y0, double x1, double y1, double h,
                      const svg_node *to, const svg_node *from)
{
    double m = (x0 + x1) / 2;
    if (h <= 0)
        return;
    fprintf(f, "<path fill=\"%s\" fill-opacity=\"0.35\" d=\"M", svg_color(to->color));
    pt(f, x0, y0);
    fputs("C", f);
    pt(f, m, y0);
    pt(f, m, y1);
    pt(f, x1, y1);
    fputs("L", f);
    pt(f, x1, y1 + h);
    fputs("C", f);
    pt(f, m, y1 + h);
    pt(f, m, y0 + h);
    pt(f, x0, y0 + h);
    fputs("Z\"><title>", f);
    html_text(f, from->label);
    fputs(" \xe2\x86\x92 ", f);
    html_text(f, to->label);
    if (to->tip) {
        fputs(": ", f);
        html_text(f, to->tip);
    }
    fputs("</title></path>\n", f);
}

/* Where each of n nodes starts, from top: its bar's height, at least a
 * slot, then a gap. Returns the bottom. */
static double stack(const svg_node *n, size_t k, double unit, double top, double *y)
{
    for (size_t i = 0; i < k; i++) {
        y[i] = top;
        double h = hgt(n[i].v, unit);
        top += (h > FLOW_SLOT ? h : FLOW_SLOT) + FLOW_GAP;
    }
    return top;
}

void svg_draw_flow(FILE *f, const char *title, const svg_node *src, const svg_node *mid,
                   size_t nmid, size_t split, const svg_node *right, size_t nright)
{
    double unit = src->v > 0 ? FLOW_PX / src->v : 0, top = 16;
    double ym[16], yr[16], x0 = 130, x1 = 380, x2 = 590;
    if (nmid > 16 || nright > 16 || split >= nmid)
        return;
    double bottom = stack(mid, nmid, unit, top, ym);
    double rb = stack(right, nright, unit, ym[split], yr);
    if (rb > bottom)
        bottom = rb;
    open_svg(f, title, 800, bottom + 10);
    fputs("<g class=\"flow\">\n", f);
    double sy = top, ry = ym[split];
    for (size_t i = 0; i < nmid; i++) {
        flow_band(f, x0 + 14, sy, x1, ym[i], hgt(mid[i].v, unit), &mid[i], src);
        sy += hgt(mid[i].v, unit);
    }
    for (size_t j = 0; j < nright; j++) {
        flow_band(f, x1 + 14, ry, x2, yr[j], hgt(right[j].v, unit), &right[j], &mid[split]);
        ry += hgt(right[j].v, unit);
    }
    flow_node(f, src, x0, top, hgt(src->v, unit), x0 - 8, "end", src->v, 0);
    /* The node that splits again has bands on its right: its label goes left. */
    for (size_t i = 0; i < nmid; i++)
        flow_node(f, &mid[i], x1, ym[i], hgt(mid[i].v, unit), i == split ? x1 - 8 : x1 + 20,
                  i == split ? "end" : "start", src->v, 1);
    for (size_t j = 0; j < nright; j++)
        flow_node(f, &right[j], x2, yr[j], hgt(right[j].v, unit), x2 + 20, "start", src->v, 1);
    fputs("</g>\n</svg>\n", f);
}
