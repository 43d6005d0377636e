/* The sweep's page of report.html: the objective against the varied
 * value with its CI band (sweep.csv) and the sweep's best point ringed
 * (manifest.csv), the channels at every point (sweep_channels.csv) and
 * the manifest. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../sim/num.h"
#include "html.h"
#include "page_int.h"
#include "svg.h"

/* sweep.csv: the varied targets' columns, then M_mean, M_ci95_low,
 * M_ci95_high for every metric M. */
typedef struct grid {
    size_t nax, nmet, n;
    char **axis, **met; /* names */
    char **ax;          /* n x nax texts */
    double *v;          /* n x nmet x 3: mean, low, high */
    char **txt;         /* n x nmet x 3, as written */
} grid;

static void grid_free(grid *g)
{
    for (size_t i = 0; i < g->nax; i++)
        free(g->axis[i]);
    for (size_t i = 0; i < g->nmet; i++)
        free(g->met[i]);
    for (size_t i = 0; i < g->n * g->nax; i++)
        free(g->ax[i]);
    for (size_t i = 0; i < g->n * g->nmet * 3; i++)
        free(g->txt[i]);
    free(g->axis);
    free(g->met);
    free(g->ax);
    free(g->v);
    free(g->txt);
}

static int ends(const char *s, const char *tail)
{
    size_t a = strlen(s), b = strlen(tail);
    return a > b && strcmp(s + a - b, tail) == 0;
}

/* The header: the axes, and each metric's three columns into col. */
static int grid_header(grid *g, const ocsv *c, int **col, diag *d)
{
    size_t nc = ocsv_ncols(c);
    while (g->nax < nc && !ends(ocsv_colname(c, g->nax), "_mean"))
        g->nax++;
    g->axis = calloc(g->nax + 1, sizeof *g->axis);
    g->met = calloc(nc + 1, sizeof *g->met);
    *col = calloc(3 * (nc + 1), sizeof **col);
    if (!g->axis || !g->met || !*col)
        return -1;
    for (size_t i = 0; i < g->nax; i++)
        if (!(g->axis[i] = strdup(ocsv_colname(c, i))))
            return -1;
    for (size_t i = g->nax; i < nc; i++) {
        const char *name = ocsv_colname(c, i);
        char base[256], lo[300], hi[300];
        if (!ends(name, "_mean") || strlen(name) >= sizeof base)
            continue;
        snprintf(base, sizeof base, "%.*s", (int)(strlen(name) - 5), name);
        snprintf(lo, sizeof lo, "%s_ci95_low", base);
        snprintf(hi, sizeof hi, "%s_ci95_high", base);
        int *at = *col + 3 * g->nmet;
        at[0] = (int)i;
        if ((at[1] = ocsv_need(c, lo, d)) < 0 || (at[2] = ocsv_need(c, hi, d)) < 0)
            continue;
        if (!(g->met[g->nmet++] = strdup(base)))
            return -1;
    }
    if (!g->nax || !g->nmet)
        diag_add(d, DIAG_ERROR, ocsv_label(c), 1, NULL,
                 "no %s (expected the varied targets' columns, then M_mean, M_ci95_low, "
                 "M_ci95_high for each metric)",
                 g->nax ? "metric" : "varied target");
    return 0;
}

/* One row into g (room made by the caller). */
static int grid_row(grid *g, const ocsv *c, const csvr_row *r, const int *col)
{
    size_t i = g->n++;
    for (size_t a = 0; a < g->nax; a++)
        if (!(g->ax[i * g->nax + a] = strdup(r->cells[a])))
            return -1;
    for (size_t m = 0; m < g->nmet * 3; m++) {
        g->v[i * g->nmet * 3 + m] = ocsv_num(c, r, col[m]);
        if (!(g->txt[i * g->nmet * 3 + m] = strdup(r->cells[col[m]])))
            return -1;
    }
    return 0;
}

static int grid_grow(grid *g, size_t *cap)
{
    if (g->n < *cap)
        return 0;
    size_t nc = *cap ? *cap * 2 : 32, nm = g->nmet ? g->nmet : 1;
    char **ax = realloc(g->ax, nc * (g->nax + 1) * sizeof *ax);
    if (ax)
        g->ax = ax;
    double *v = realloc(g->v, nc * nm * 3 * sizeof *v);
    if (v)
        g->v = v;
    char **txt = realloc(g->txt, nc * nm * 3 * sizeof *txt);
    if (txt)
        g->txt = txt;
    if (!ax || !v || !txt)
        return -1;
    *cap = nc;
    return 0;
}

/* sweep.csv into g: 1, 0 not there, -1 errors in d. */
static int grid_load(const char *dir, grid *g, diag *d)
{
    ocsv *c;
    int *col = NULL, k = ocsv_open(dir, "sweep.csv", &c, d);
    size_t cap = 0, before = d->errors;
    csvr_row r;
    memset(g, 0, sizeof *g);
    if (k <= 0)
        return k;
    if (grid_header(g, c, &col, d) < 0)
        diag_add(d, DIAG_ERROR, ocsv_label(c), 0, NULL, "out of memory");
    while (d->errors == before && ocsv_next(c, &r) == 1)
        if (grid_grow(g, &cap) < 0 || grid_row(g, c, &r, col) < 0)
            diag_add(d, DIAG_ERROR, ocsv_label(c), r.line, NULL, "out of memory");
    ocsv_close(c);
    free(col);
    return d->errors > before ? -1 : 1;
}

static int met_index(const grid *g, const char *name)
{
    for (size_t m = 0; name && m < g->nmet; m++)
        if (strcmp(g->met[m], name) == 0)
            return (int)m;
    return -1;
}

static double gv(const grid *g, size_t i, int m, int k)
{
    return g->v[(i * g->nmet + (size_t)m) * 3 + (size_t)k];
}
static const char *gt(const grid *g, size_t i, int m, int k)
{
    return g->txt[(i * g->nmet + (size_t)m) * 3 + (size_t)k];
}

/* What the page shows: the objective and the best point the sweep
 * recorded in manifest.csv (sweep --objective M writes objective,
 * minimize and best_point, the engine's best point as an index into
 * sweep.csv's rows), or, with no objective, platform cash and no best
 * point. The page never decides the best point itself: that is the
 * engine's (paired_best_point). */
typedef struct shown {
    int metric;       /* index into the grid's metrics */
    long best;        /* the best point's row, or -1 */
    int minimize;     /* the best is the lowest mean */
    const char *note; /* why this metric, and why no best point when there is none */
} shown;

/* The manifest's row key as a point of g: 1 with *at set, 0 no such row,
 * -1 after an error in d (not an index of sweep.csv's rows). */
static int manifest_point(const grid *g, const otab *m, const char *key, long *at, diag *d)
{
    const orow *w = otab_get(m, key);
    double micro;
    const char *why;
    if (!w)
        return 0;
    if (num_parse_real(w->lab[1], &micro, &why) < 0 || micro < 0 || fmod(micro, 1e6) != 0 ||
        micro / 1e6 >= (double)g->n) {
        diag_add(d, DIAG_ERROR, m->file, w->line, "value",
                 "%s \"%.40s\" is not a point of sweep.csv (expected a row index from 0 to %zu)",
                 key, w->lab[1], g->n ? g->n - 1 : 0);
        return -1;
    }
    *at = (long)(micro / 1e6);
    return 1;
}

/* The objective and best point of the page; 0, or -1 after errors in d. */
static int what_shown(const grid *g, const otab *m, shown *s, diag *d)
{
    const orow *obj = otab_get(m, "objective");
    const char *mz = page_manifest_get(m, "minimize");
    *s = (shown){-1, -1, mz && strcmp(mz, "yes") == 0, NULL};
    if (obj) {
        if ((s->metric = met_index(g, obj->lab[1])) < 0) {
            diag_add(d, DIAG_ERROR, m->file, obj->line, "value",
                     "objective \"%.60s\" has no columns in sweep.csv (expected one of its "
                     "metrics, M_mean, M_ci95_low and M_ci95_high)",
                     obj->lab[1]);
            return -1;
        }
        int k = manifest_point(g, m, "best_point", &s->best, d);
        if (k < 0)
            return -1;
        s->note = k ? "the sweep's --objective, recorded in manifest.csv with its best point"
                  : g->n < 2 ? "the sweep's --objective, recorded in manifest.csv; with one point "
                               "there is no best point to ring"
                             : "the sweep's --objective, recorded in manifest.csv; the manifest "
                               "records no best point (an output of an older coinsim), so no "
                               "point is ringed";
        return 0;
    }
    s->metric = met_index(g, "platform_cash_usd");
    s->note = s->metric >= 0 ? "platform cash: no objective was given (sweep --objective M names "
                               "one and its best point), so no point is named best"
                             : "sweep.csv's first metric: no objective was given (sweep "
                               "--objective M names one and its best point), so no point is named "
                               "best";
    if (s->metric < 0)
        s->metric = 0;
    return 0;
}

/* x of every point: the first axis's value, or its place when a value is
 * not a number. */
static void xs(const grid *g, double *x)
{
    int numeric = 1;
    for (size_t i = 0; i < g->n && numeric; i++) {
        const char *why;
        numeric = num_parse_real(g->ax[i * g->nax], &x[i], &why) == 0;
        x[i] /= 1e6;
    }
    for (size_t i = 0; !numeric && i < g->n; i++)
        x[i] = (double)i;
}

/* A point's name: "commission=0.3, store_fee_web=0.05". */
static void point_name(char *buf, size_t n, const grid *g, size_t i)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t a = 0; a < g->nax && used < n; a++)
        used += (size_t)snprintf(buf + used, n - used, "%s%s=%s", a ? ", " : "", g->axis[a],
                                 g->ax[i * g->nax + a]);
}

/* The points of series s: those whose second axis has the value of
 * point first (every point with one axis). */
static int same_series(const grid *g, size_t i, size_t first)
{
    return g->nax < 2 || strcmp(g->ax[i * g->nax + 1], g->ax[first * g->nax + 1]) == 0;
}

typedef struct chart_mem {
    double *x, *y, *lo, *hi, *gx;
    char (*tip)[300], (*sname)[120];
    const char **tipp, **tick;
    svg_series *s;
} chart_mem;

static void chart_free(chart_mem *c)
{
    free(c->x), free(c->y), free(c->lo), free(c->hi), free(c->gx);
    free(c->tip), free(c->tipp), free(c->tick), free(c->s), free(c->sname);
}

/* The series of the chart into c: one per value of the second axis. */
static size_t build_series(const grid *g, int m, long best, chart_mem *c, int *mark, size_t *at)
{
    size_t ns = 0, k = 0;
    xs(g, c->gx);
    for (size_t first = 0; first < g->n; first++) {
        size_t seen = 0;
        while (seen < first && !same_series(g, first, seen))
            seen++;
        if (seen < first)
            continue; /* its series is drawn already */
        svg_series *s = &c->s[ns];
        if (g->nax > 1)
            snprintf(c->sname[ns], sizeof c->sname[ns], "%s = %s", g->axis[1],
                     g->ax[first * g->nax + 1]);
        *s = (svg_series){.name = g->nax > 1 ? c->sname[ns] : NULL,
                          .x = c->x + k,
                          .y = c->y + k,
                          .lo = c->lo + k,
                          .hi = c->hi + k,
                          .txt = c->tipp + k,
                          .color = (int)ns};
        for (size_t i = first; i < g->n; i++) {
            if (!same_series(g, i, first))
                continue;
            char name[200];
            point_name(name, sizeof name, g, i);
            snprintf(c->tip[k], sizeof c->tip[k], "%s: mean %s, 95%% CI [%s, %s]", name,
                     gt(g, i, m, 0), gt(g, i, m, 1), gt(g, i, m, 2));
            c->tipp[k] = c->tip[k];
            c->x[k] = c->gx[i], c->y[k] = gv(g, i, m, 0), c->lo[k] = gv(g, i, m, 1);
            c->hi[k] = gv(g, i, m, 2);
            if ((long)i == best)
                *mark = (int)ns, *at = s->n;
            if (ns == 0)
                c->tick[s->n] = g->ax[i * g->nax];
            s->n++, k++;
        }
        ns++;
    }
    return ns;
}

static void chart(FILE *f, const grid *g, const shown *w)
{
    int m = w->metric;
    chart_mem c = {0};
    size_t n = g->n ? g->n : 1, at = 0;
    int mark = -1;
    char label[300] = "", b[PRETTY_BUF], title[300], name[200];
    c.x = calloc(n, sizeof *c.x), c.y = calloc(n, sizeof *c.y), c.lo = calloc(n, sizeof *c.lo);
    c.hi = calloc(n, sizeof *c.hi), c.gx = calloc(n, sizeof *c.gx),
    c.tip = calloc(n, sizeof *c.tip);
    c.tipp = calloc(n, sizeof *c.tipp), c.tick = calloc(n, sizeof *c.tick);
    c.s = calloc(n, sizeof *c.s), c.sname = calloc(n, sizeof *c.sname);
    if (c.x && c.y && c.lo && c.hi && c.gx && c.tip && c.tipp && c.tick && c.s && c.sname) {
        size_t ns = build_series(g, m, w->best, &c, &mark, &at);
        if (w->best >= 0) {
            point_name(name, sizeof name, g, (size_t)w->best);
            snprintf(label, sizeof label, "best (%s): %s", w->minimize ? "lowest" : "highest",
                     pretty_as(b, gv(g, (size_t)w->best, m, 0), pretty_kind_of(g->met[m])));
        }
        snprintf(title, sizeof title, "%s against %s%s%s", g->met[m], g->axis[0],
                 g->nax > 1 ? ", one line per value of " : "", g->nax > 1 ? g->axis[1] : "");
        svg_lines l = {.title = title,
                       .xlabel = g->axis[0],
                       .ylabel = g->met[m],
                       .xkind = PRETTY_COUNT,
                       .ykind = pretty_kind_of(g->met[m]),
                       .s = c.s,
                       .ns = ns,
                       .dots = 1,
                       .xtick = c.s[0].n <= 12 ? c.tick : NULL,
                       .mark = mark,
                       .mark_at = at,
                       .mark_label = label};
        fputs("<figure>\n", f);
        svg_draw_lines(f, &l);
        fputs("<figcaption>The mean of ", f);
        html_text(f, g->met[m]);
        fputs(" at each point with its 95% CI as the band", f);
        if (w->best >= 0) {
            fputs("; the ring marks the sweep's best point (", f);
            html_text(f, name);
            fputs(")", f);
        }
        fputs(".</figcaption>\n</figure>\n", f);
    }
    chart_free(&c);
}

/* Every point: the axes, the objective and a few key figures. */
static void points(FILE *f, const grid *g, int m, long best)
{
    static const char *const keys[] = {"cash_in_usd", "platform_margin_usd", "creator_earnings_usd",
                                       "platform_cash_usd"};
    const char *head[8 + 8];
    int show[4], nh = 0, nk = 0;
    for (size_t a = 0; a < g->nax && a < 8; a++)
        head[nh++] = g->axis[a];
    head[nh++] = g->met[m];
    head[nh++] = "95% CI";
    for (int k = 0; k < 4; k++)
        if ((show[nk] = met_index(g, keys[k])) >= 0 && show[nk] != m)
            head[nh++] = keys[k], nk++;
    head[nh++] = "";
    html_table(f, "sweep.csv: means over runs at every point (the 95% CI of the objective)", head,
               nh);
    for (size_t i = 0; i < g->n; i++) {
        enum pretty_kind k = pretty_kind_of(g->met[m]);
        fputs("<tr>", f);
        for (size_t a = 0; a < g->nax && a < 8; a++)
            html_td(f, g->ax[i * g->nax + a]);
        html_td_fig(f, gv(g, i, m, 0), gt(g, i, m, 0), k);
        fputs("<td>", f);
        html_ci(f, gv(g, i, m, 1), gv(g, i, m, 2), gt(g, i, m, 1), gt(g, i, m, 2), k);
        fputs("</td>", f);
        for (int j = 0; j < nk; j++)
            html_td_fig(f, gv(g, i, show[j], 0), gt(g, i, show[j], 0),
                        pretty_kind_of(g->met[show[j]]));
        fprintf(f, "<td%s>%s</td></tr>\n", (long)i == best ? " class=\"yes\"" : "",
                (long)i == best ? "best" : "");
    }
    html_table_end(f);
}

/* sweep_channels.csv: revenue by channel at every point. */
static void channels(FILE *f, const char *dir, const grid *g, diag *d)
{
    static const char *const labs[] = {"point", "channel", "figure"};
    static const char *const head[] = {"point",     "in-app revenue", "web revenue",
                                       "web share", "app store fees", "processor fees"};
    otab *t = NULL;
    html_section(f, "channels", "Channels at every point (sweep_channels.csv)");
    int k = otab_load_stats(dir, "sweep_channels.csv", labs, 3, &t, d);
    if (k == 0)
        html_missing(f, "sweep_channels.csv", "the split between the app and the web per point");
    if (k > 0) {
        svg_bar *bars = calloc(g->n ? g->n : 1, sizeof *bars);
        char(*names)[200] = calloc(g->n ? g->n : 1, sizeof *names);
        for (size_t i = 0; bars && names && i < g->n; i++) {
            char idx[24];
            snprintf(idx, sizeof idx, "%zu", i);
            const char *ka[3] = {idx, "app", "revenue_usd"}, *kw[3] = {idx, "web", "revenue_usd"};
            const orow *a = otab_find(t, ka, 3), *w = otab_find(t, kw, 3);
            point_name(names[i], sizeof names[i], g, i);
            bars[i] = (svg_bar){.label = names[i],
                                .a = a ? a->v[OT_MEAN] : 0,
                                .a_txt = a ? a->txt[OT_MEAN] : NULL,
                                .a_color = 0,
                                .a_name = "in the app",
                                .b = w ? w->v[OT_MEAN] : 0,
                                .b_txt = w ? w->txt[OT_MEAN] : NULL,
                                .b_color = 1,
                                .b_name = "on the web"};
        }
        if (bars && names) {
            fputs("<figure>\n", f);
            svg_draw_bars(f,
                          "Revenue by channel at every point (blue in the app, orange on the web)",
                          bars, g->n, PRETTY_USD);
            fputs("<figcaption>Mean revenue at every point: blue in the app, orange on the "
                  "web.</figcaption>\n</figure>\n",
                  f);
            html_table(f, NULL, head, 6);
            for (size_t i = 0; i < g->n; i++) {
                char idx[24];
                static const char *const cf[5][2] = {{"app", "revenue_usd"},
                                                     {"web", "revenue_usd"},
                                                     {"web", "revenue_share"},
                                                     {"app", "fees_usd"},
                                                     {"web", "fees_usd"}};
                snprintf(idx, sizeof idx, "%zu", i);
                fputs("<tr>", f);
                html_td(f, names[i]);
                for (int j = 0; j < 5; j++) {
                    const char *key[3] = {idx, cf[j][0], cf[j][1]};
                    const orow *w = otab_find(t, key, 3);
                    html_td_fig(f, w ? w->v[OT_MEAN] : NAN, w ? w->txt[OT_MEAN] : NULL,
                                pretty_kind_of(cf[j][1]));
                }
                fputs("</tr>\n", f);
            }
            html_table_end(f);
        }
        free(bars);
        free(names);
    }
    otab_free(t);
    html_section_end(f);
}

int page_sweep(FILE *f, const char *dir, diag *d)
{
    static const char *const kv[] = {"key", "value"};
    grid g;
    otab *m = NULL;
    shown w;
    int k = grid_load(dir, &g, d);
    if (k == 0)
        diag_add(d, DIAG_ERROR, dir, 0, NULL, "no sweep.csv (expected the --out of sweep)");
    if (k <= 0 || otab_load(dir, "manifest.csv", kv, 2, NULL, 0, &m, d) < 0 ||
        what_shown(&g, m, &w, d) < 0) {
        otab_free(m);
        grid_free(&g);
        return -1;
    }
    html_begin(f, "coinsim report: a sweep");
    page_heading(f, "coinsim report: a sweep", m);
    html_section(f, "objective", "The objective at every point");
    fputs("<p class=\"basis\">Shown: <code>", f);
    html_text(f, g.met[w.metric]);
    fputs("</code>, ", f);
    html_text(f, w.note);
    fputs(". Every point ran on the same random numbers, so the differences between points are "
          "the values' effect.</p>\n",
          f);
    if (g.n && g.nax <= 2)
        chart(f, &g, &w);
    else
        html_p(f, "missing",
               g.n ? "A chart needs one or two varied targets; the table has every point."
                   : "sweep.csv has no points.");
    points(f, &g, w.metric, w.best);
    html_section_end(f);
    channels(f, dir, &g, d);
    page_manifest(f, m);
    html_end(f);
    otab_free(m);
    grid_free(&g);
    return d->errors ? -1 : 0;
}
