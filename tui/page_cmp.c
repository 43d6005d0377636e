/* The compare's page of report.html: the forest plot of the paired
 * differences (compare.csv), the breakdowns' differences
 * (compare_*.csv) and the manifest. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "page_int.h"
#include "svg.h"

static const char *const diff_vals[] = {"a_mean",        "b_mean",         "diff_mean",
                                        "diff_ci95_low", "diff_ci95_high", "rel_change"};
enum { D_A, D_B, D_DIFF, D_LO, D_HI, D_REL };

/* The lines of compare.csv's opening comment ("# A = ..."), as a list. */
static void sides(FILE *f, const char *dir)
{
    char path[4096], line[2048];
    snprintf(path, sizeof path, "%s/compare.csv", dir);
    FILE *in = fopen(path, "r");
    int any = 0;
    while (in && fgets(line, sizeof line, in) && line[0] == '#') {
        line[strcspn(line, "\r\n")] = '\0';
        fputs(any++ ? "<li>" : "<ul class=\"sub\"><li>", f);
        html_text(f, line[1] == ' ' ? line + 2 : line + 1);
        fputs("</li>\n", f);
    }
    if (any)
        fputs("</ul>\n", f);
    if (in)
        fclose(in);
}

/* The tooltip of a forest row: the exact figures. */
static void row_tip(char *buf, size_t n, const orow *w)
{
    snprintf(buf, n, "%s: A %s, B %s, B - A %s, 95%% CI [%s, %s], relative %s", w->lab[0],
             w->txt[D_A], w->txt[D_B], w->txt[D_DIFF], *w->txt[D_LO] ? w->txt[D_LO] : "none",
             *w->txt[D_HI] ? w->txt[D_HI] : "none", w->txt[D_REL]);
}

static void forest(FILE *f, const otab *t)
{
    svg_forest_row *rows = calloc(t->n ? t->n : 1, sizeof *rows);
    char(*tips)[400] = calloc(t->n ? t->n : 1, sizeof *tips);
    size_t n = 0, out = 0;
    for (size_t i = 0; rows && tips && i < t->n; i++) {
        const orow *w = &t->rows[i];
        double a = fabs(w->v[D_A]);
        if (isnan(w->v[D_REL]) || !(a > 0)) {
            out++;
            continue;
        }
        row_tip(tips[n], sizeof tips[n], w);
        rows[n] = (svg_forest_row){.label = w->lab[0],
                                   .est = w->v[D_REL],
                                   .lo = w->v[D_LO] / a,
                                   .hi = w->v[D_HI] / a,
                                   .excludes_zero = strcmp(w->lab[1], "yes") == 0,
                                   .tip = tips[n]};
        n++;
    }
    fputs("<figure>\n", f);
    svg_draw_forest(f, "Paired differences B - A relative to A, with their 95% CIs", rows, n);
    fputs("<figcaption>Each metric's mean paired difference B - A over |A's mean|, with the 95% "
          "CI of the difference on the same scale. Filled and coloured: the interval excludes "
          "zero (green up, red down); hollow and grey: it does not. Bars beyond \xc2\xb1"
          "100% are cut at the edge and marked (cut).",
          f);
    if (out)
        fprintf(f,
                " %zu metrics whose A mean is 0 have no relative change and are left out "
                "(they are in the table below).",
                out);
    fputs("</figcaption>\n</figure>\n", f);
    free(rows);
    free(tips);
}

/* A breakdown's differences, or the note that it was not there. */
static void breakdown(FILE *f, const char *dir, const char *file, const char *const *labs, int nlab,
                      const char *what, diag *d)
{
    static const char *const tail[] = {"A", "B", "B - A", "95% CI", "relative", "excludes 0"};
    const char *keep[OTAB_LABS], *head[OTAB_LABS + 6];
    otab *t = NULL;
    for (int i = 0; i < nlab; i++)
        keep[i] = head[i] = labs[i];
    keep[nlab] = "significant";
    for (int i = 0; i < 6; i++)
        head[nlab + i] = tail[i];
    html_h3(f, what);
    int k = otab_load(dir, file, keep, nlab + 1, diff_vals, 6, &t, d);
    if (k == 0)
        html_missing(f, file, "these differences");
    else if (k > 0)
        page_diff_table(f, file, t, head, nlab);
    otab_free(t);
}

int page_compare(FILE *f, const char *dir, diag *d)
{
    static const char *const labs[] = {"metric", "significant"};
    static const char *const head[] = {"metric", "A",        "B",         "B - A",
                                       "95% CI", "relative", "excludes 0"};
    static const char *const kv[] = {"key", "value"};
    static const char *const seg[] = {"segment", "figure"}, *const chan[] = {"channel", "figure"};
    static const char *const pack[] = {"pack", "channel", "figure"},
                             *const gift[] = {"item", "kind", "figure"}, *const cre[] = {"figure"},
                             *const reg[] = {"region", "currency", "figure"};
    otab *t = NULL, *m = NULL;
    if (otab_load(dir, "compare.csv", labs, 2, diff_vals, 6, &t, d) <= 0 ||
        otab_load(dir, "manifest.csv", kv, 2, NULL, 0, &m, d) < 0) {
        if (!t && !d->errors)
            diag_add(d, DIAG_ERROR, dir, 0, NULL, "no compare.csv (expected the --out of compare)");
        otab_free(t);
        return -1;
    }
    html_begin(f, "coinsim report: a comparison");
    page_heading(f, "coinsim report: a comparison", m);
    sides(f, dir);
    html_section(f, "forest", "What changed: B against A");
    forest(f, t);
    page_diff_table(f, "compare.csv: means of A and B, the mean paired difference and its 95% CI",
                    t, head, 1);
    html_section_end(f);
    html_section(f, "breakdowns", "The breakdowns' differences");
    breakdown(f, dir, "compare_channels.csv", chan, 2, "Channels (compare_channels.csv)", d);
    breakdown(f, dir, "compare_packs.csv", pack, 3, "Packs (compare_packs.csv)", d);
    breakdown(f, dir, "compare_segments.csv", seg, 2, "Segments (compare_segments.csv)", d);
    breakdown(f, dir, "compare_regions.csv", reg, 3, "Regions (compare_regions.csv)", d);
    breakdown(f, dir, "compare_creators.csv", cre, 1, "Creators (compare_creators.csv)", d);
    breakdown(f, dir, "compare_gifts.csv", gift, 3, "Gifts and sinks (compare_gifts.csv)", d);
    html_section_end(f);
    page_manifest(f, m);
    html_end(f);
    otab_free(t);
    otab_free(m);
    return d->errors ? -1 : 0;
}
