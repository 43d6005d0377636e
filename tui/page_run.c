/* The run's page of report.html: headline figures, where a dollar goes,
 * the curves over time, packs and channels, segments, creators, every
 * figure and the manifest. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "html.h"
#include "page_int.h"
#include "svg.h"

/* ------------------------------------------------------------- headline */

static const struct headline {
    const char *metric, *label;
} headlines[] = {
    {"cash_in_usd", "Cash in (viewers paid)"},
    {"platform_margin_usd", "Platform margin"},
    {"creator_earnings_usd", "Creators' earnings"},
    {"payouts_net_usd", "Paid out to creators (net)"},
    {"store_fees_usd", "Store and processor fees"},
    {"platform_cash_usd", "Platform cash at the end"},
    {"payer_rate", "Payer rate"},
    {"arppu_usd", "ARPPU (cash in per payer)"},
    {"web_share_of_revenue", "Web share of revenue"},
    {"platform_take_rate", "Take rate (cash kept per $1)"},
    {"creator_share_of_spend", "Creators' share of spend"},
    {"breakage_rate", "Breakage rate"},
    {"lost_intent_rate", "Gift intents lost"},
    {"creator_gini", "Gini of creators' earnings"},
};

static void card(FILE *f, const char *label, const orow *w, const char *name)
{
    enum pretty_kind k = pretty_kind_of(name);
    fprintf(f, "<div class=\"card\" id=\"h-%s\"><div class=\"k\">", name);
    html_text(f, label);
    fputs("</div><div class=\"v\">", f);
    html_fig(f, w->v[OT_MEAN], w->txt[OT_MEAN], k);
    fputs("</div><div class=\"ci\">95% CI ", f);
    html_ci(f, w->v[OT_LO], w->v[OT_HI], w->txt[OT_LO], w->txt[OT_HI], k);
    fputs("</div></div>\n", f);
}

static void headline(FILE *f, const page_run_data *r)
{
    const orow *first = r->summary->n ? &r->summary->rows[0] : NULL;
    html_section(f, "headline", "Headline figures");
    if (first) {
        char b[PRETTY_BUF];
        fprintf(f,
                "<p class=\"basis\">Means over %s runs with their 95%% confidence interval "
                "(the interval is about the mean, and shrinks as runs are added).</p>\n",
                pretty_count(b, first->v[OT_RUNS]));
    }
    fputs("<div class=\"cards\">\n", f);
    for (size_t i = 0; i < sizeof headlines / sizeof headlines[0]; i++) {
        const orow *w = otab_get(r->summary, headlines[i].metric);
        if (w)
            card(f, headlines[i].label, w, headlines[i].metric);
    }
    fputs("</div>\n", f);
    html_section_end(f);
}

/* --------------------------------------------------------------- curves */

static void curve(FILE *f, const page_curves *c, int k, const char *title, const char *ylabel)
{
    svg_series s = {.name = NULL,
                    .n = c->steps,
                    .x = c->x,
                    .y = c->mean[k],
                    .lo = c->p5[k],
                    .hi = c->p95[k],
                    .color = k};
    svg_lines l = {.title = title,
                   .xlabel = "step",
                   .ylabel = ylabel,
                   .xkind = PRETTY_COUNT,
                   .ykind = PRETTY_USD,
                   .s = &s,
                   .ns = 1,
                   .zero = 1,
                   .mark = -1};
    fputs("<figure>\n", f);
    svg_draw_lines(f, &l);
    fputs("<figcaption>", f);
    html_text(f, title);
    fputs("</figcaption>\n</figure>\n", f);
}

static void curves(FILE *f, const page_run_data *r)
{
    const page_curves *c = &r->ts;
    char b[PRETTY_BUF];
    html_section(f, "time", "Over time");
    if (r->have_ts != 1) {
        if (r->have_ts == 2)
            html_p(f, "missing", "timeseries.csv has no rows, so there are no curves to draw.");
        else
            html_missing(f, "timeseries.csv", "the curves over time");
        html_section_end(f);
        return;
    }
    fprintf(f,
            "<p class=\"basis\">The line is the mean over the %s runs at each step; the band "
            "runs from the 5th to the 95th percentile of the runs at that step (where a "
            "single run may land, not a confidence interval).</p>\n",
            pretty_count(b, (double)c->runs));
    fputs("<div class=\"grid2\">\n", f);
    curve(f, c, TS_CASH, "Cash in per step", "USD per step");
    curve(f, c, TS_PAYOUT,
          c->gross ? "Payouts to creators per step (gross)"
                   : "Payouts to creators per step (net of fees)",
          "USD per step");
    curve(f, c, TS_PCASH, "Platform cash (balance at the end of each step)", "USD");
    curve(f, c, TS_MARGIN, "Platform margin so far (estimated)", "USD");
    fputs("</div>\n", f);
    html_p(f, "basis",
           "timeseries.csv has no margin column, so the last chart shows platform cash less the "
           "coins in wallets and the diamonds pending at each step, valued at the end's rates "
           "(coin_liability_usd per wallet coin and diamond_liability_usd per pending diamond, "
           "from summary.csv), less the same at the opening. At the last step it is "
           "platform_margin_usd, give or take the rounding of those rates.");
    page_rule rules[RULE_N];
    if (page_rules(r, rules) == PAGE_RULES_CHANGED) {
        char what[400], t[800];
        page_rules_text(what, sizeof what, rules);
        snprintf(t, sizeof t,
                 "The scenario's timeline changes a money rule (%s), so the curve values the "
                 "opening and the steps before the change at rules that were not then in force: "
                 "it is an estimate, and its last step may differ from platform_margin_usd.",
                 what);
        html_p(f, "basis", t);
    }
    html_section_end(f);
}

/* ---------------------------------------------------------------- packs */

static void pack_row(FILE *f, const page_run_data *r, const char *pack, const char *chan)
{
    static const char *const figs[] = {"purchases", "revenue_usd", "share_of_channel_revenue"};
    fputs("<tr>", f);
    html_td(f, pack);
    html_td(f, chan);
    for (int i = 0; i < 3; i++) {
        const char *key[3] = {pack, chan, figs[i]};
        const orow *w = otab_find(r->packs, key, 3);
        enum pretty_kind k = pretty_kind_of(figs[i]);
        html_td_fig(f, w ? w->v[OT_MEAN] : NAN, w ? w->txt[OT_MEAN] : NULL, k);
        if (i == 2) {
            fputs("<td>", f);
            if (w)
                html_ci(f, w->v[OT_LO], w->v[OT_HI], w->txt[OT_LO], w->txt[OT_HI], k);
            fputs("</td>", f);
        }
    }
    fputs("</tr>\n", f);
}

static void packs(FILE *f, const page_run_data *r)
{
    static const char *const head[] = {
        "pack", "channel", "purchases", "revenue", "share of channel revenue", "95% CI"};
    svg_bar bars[64];
    const char *chan[64];
    size_t n = 0;
    html_h3(f, "Pack revenue (pack_sales.csv)");
    if (!r->packs) {
        html_missing(f, "pack_sales.csv", "the revenue of each pack");
        return;
    }
    for (size_t i = 0; i < r->packs->n && n < 64; i++) {
        const orow *w = &r->packs->rows[i];
        if (strcmp(w->lab[2], "revenue_usd") != 0)
            continue;
        int web = strcmp(w->lab[1], "web") == 0;
        chan[n] = w->lab[1];
        bars[n++] = (svg_bar){.label = w->lab[0],
                              .a = w->v[OT_MEAN],
                              .a_txt = w->txt[OT_MEAN],
                              .a_color = web,
                              .a_name = web ? "web pack" : "in-app pack"};
    }
    fputs("<figure>\n", f);
    svg_draw_bars(f, "Mean revenue per pack (blue in the app, orange on the web)", bars, n,
                  PRETTY_USD);
    fputs("<figcaption>Mean revenue of each pack over the runs: blue sold in the app, orange on "
          "the web.</figcaption>\n</figure>\n",
          f);
    html_table(f, NULL, head, 6);
    for (size_t i = 0; i < n; i++)
        pack_row(f, r, bars[i].label, chan[i]);
    html_table_end(f);
}

/* ------------------------------------------------------------- channels */

static const orow *fig(const otab *t, const char *label, const char *figure)
{
    const char *key[2] = {label, figure};
    return otab_find(t, key, 2);
}

static double mean_of(const orow *w) { return w ? w->v[OT_MEAN] : NAN; }
static const char *txt_of(const orow *w) { return w ? w->txt[OT_MEAN] : NULL; }

static void channels(FILE *f, const page_run_data *r)
{
    static const char *const chans[] = {"app", "web"};
    static const char *const figs[] = {"purchases", "revenue_usd", "revenue_share",
                                       "fees_usd",  "fee_rate",    "net_usd"};
    static const char *const head[] = {
        "channel",  "purchases",          "revenue", "share of revenue", "fees",
        "fee rate", "net to the platform"};
    svg_bar bars[2];
    html_h3(f, "The channel split (channels.csv)");
    if (!r->channels) {
        html_missing(f, "channels.csv", "the split between in-app and web purchases");
        return;
    }
    for (int c = 0; c < 2; c++) {
        const orow *net = fig(r->channels, chans[c], "net_usd");
        const orow *fee = fig(r->channels, chans[c], "fees_usd");
        bars[c] = (svg_bar){.label = c ? "web" : "in the app",
                            .a = mean_of(net),
                            .a_txt = txt_of(net),
                            .a_color = c,
                            .a_name = "net to the platform",
                            .b = mean_of(fee),
                            .b_txt = txt_of(fee),
                            .b_color = 6,
                            .b_name = c ? "processor's fee" : "app store's fee"};
        if (isnan(bars[c].a))
            bars[c].a = 0;
        if (isnan(bars[c].b))
            bars[c].b = 0;
    }
    fputs("<figure>\n", f);
    svg_draw_bars(f, "Revenue by channel: what reached the platform and the store's fee", bars, 2,
                  PRETTY_USD);
    fputs("<figcaption>Mean revenue by channel: the coloured part reached the platform, the grey "
          "part is the app store's or the payment processor's fee.</figcaption>\n</figure>\n",
          f);
    html_table(f, NULL, head, 7);
    for (int c = 0; c < 2; c++) {
        fputs("<tr>", f);
        html_td(f, chans[c]);
        for (int i = 0; i < 6; i++) {
            const orow *w = fig(r->channels, chans[c], figs[i]);
            html_td_fig(f, mean_of(w), txt_of(w), pretty_kind_of(figs[i]));
        }
        fputs("</tr>\n", f);
    }
    html_table_end(f);
}

/* -------------------------------------------------------------- regions */

/* regions.csv, when the scenario has more than the one region: what each
 * brought in, in dollars and in its own currency, and what its creators
 * received. Local amounts are in the row's currency, named beside it. */
static void regions(FILE *f, const page_run_data *r)
{
    static const char *const figs[] = {"viewers",
                                       "payers",
                                       "cash_in_usd",
                                       "cash_in_share",
                                       "cash_in_local",
                                       "store_fees_usd",
                                       "creators",
                                       "payouts_net_usd",
                                       "payouts_local",
                                       "fx_fees_usd",
                                       "payout_per_creator_local"};
    static const char *const head[] = {"region",
                                       "currency",
                                       "viewers",
                                       "payers",
                                       "cash in",
                                       "share of cash in",
                                       "cash in (local)",
                                       "store fees",
                                       "creators",
                                       "net payouts",
                                       "payouts (local)",
                                       "FX fees",
                                       "payout per creator (local)"};
    const size_t nf = sizeof figs / sizeof figs[0];
    if (!r->regions || !r->currencies || r->currencies->n < 2 * sizeof figs / sizeof figs[0])
        return; /* no regions.csv (older outputs), or the one region */
    html_section(f, "regions", "Regions (regions.csv)");
    html_table(f, "Means over runs; local amounts in the region's own currency.", head,
               (int)nf + 2);
    for (size_t i = 0; i < r->currencies->n; i++) {
        const char *reg = r->currencies->rows[i].lab[0];
        if (i > 0 && strcmp(reg, r->currencies->rows[i - 1].lab[0]) == 0)
            continue;
        fputs("<tr>", f);
        html_td(f, reg);
        html_td(f, r->currencies->rows[i].lab[1]);
        for (size_t k = 0; k < nf; k++) {
            const orow *w = fig(r->regions, reg, figs[k]);
            html_td_fig(f, mean_of(w), txt_of(w), pretty_kind_of(figs[k]));
        }
        fputs("</tr>\n", f);
    }
    html_table_end(f);
    html_section_end(f);
}

/* ------------------------------------------------------------- segments */

static void segments(FILE *f, const page_run_data *r)
{
    static const char *const figs[] = {
        "viewers",      "payers",        "payer_rate", "spend_usd",        "spend_share",
        "arppu_usd",    "purchases",     "gifts",      "lost_intent_rate", "churn_rate",
        "wallet_coins", "coins_granted", "coins_sunk"};
    static const char *const head[] = {
        "segment",    "viewers",           "payers",     "payer rate",
        "spend",      "spend share",       "ARPPU",      "packs bought",
        "gifts",      "gift intents lost", "churn rate", "coins in wallets",
        "free coins", "coins on sinks"};
    const size_t nf = sizeof figs / sizeof figs[0];
    html_section(f, "segments", "Segments (segments.csv)");
    if (!r->segments)
        html_missing(f, "segments.csv", "the figures of each segment of viewers");
    else if (!r->segments->n)
        html_p(f, "missing", "segments.csv has no rows: a replayed log knows no segments.");
    else {
        html_table(f, "Means over runs; hover for the exact value.", head, (int)nf + 1);
        for (size_t i = 0; i < r->segments->n; i++) {
            const char *seg = r->segments->rows[i].lab[0];
            if (i > 0 && strcmp(seg, r->segments->rows[i - 1].lab[0]) == 0)
                continue;
            fputs("<tr>", f);
            html_td(f, seg);
            for (size_t k = 0; k < nf; k++) {
                const orow *w = fig(r->segments, seg, figs[k]);
                html_td_fig(f, mean_of(w), txt_of(w), pretty_kind_of(figs[k]));
            }
            fputs("</tr>\n", f);
        }
        html_table_end(f);
    }
    html_section_end(f);
}

/* ------------------------------------------------------------- creators */

void page_lorenz(FILE *f, const page_run_data *r)
{
    static const char *const figs[] = {"creators",         "earners",          "gini",
                                       "top1pct_share",    "top10pct_share",   "earnings_mean_usd",
                                       "earnings_p50_usd", "earnings_p90_usd", "earnings_p99_usd",
                                       "earnings_max_usd", "cashed_out",       "cashouts"};
    static const char *const head[] = {"figure", "mean", "95% CI"};
    double cum[11] = {0};
    const char *share[10];
    if (!r->creators) {
        html_missing(f, "creators.csv", "the Lorenz curve of creators' earnings");
        return;
    }
    for (int d = 1; d <= 10; d++) {
        char name[32];
        snprintf(name, sizeof name, "decile_%d_share", d);
        const orow *w = otab_get(r->creators, name);
        cum[d] = cum[d - 1] + (w && !isnan(w->v[OT_MEAN]) ? w->v[OT_MEAN] : 0);
        share[d - 1] = txt_of(w);
    }
    fputs("<div class=\"grid2\"><figure>\n", f);
    svg_draw_lorenz(f, "Lorenz curve of creators' earnings", cum, share);
    fputs("<figcaption>The share of all earnings that goes to the poorest part of creators "
          "(mean decile shares over runs). The further the curve sags below the diagonal, the "
          "fewer creators earn most of it.</figcaption>\n</figure>\n<div>",
          f);
    html_table(f, NULL, head, 3);
    for (size_t i = 0; i < sizeof figs / sizeof figs[0]; i++) {
        const orow *w = otab_get(r->creators, figs[i]);
        if (!w)
            continue;
        enum pretty_kind k = pretty_kind_of(figs[i]);
        fputs("<tr>", f);
        html_td(f, figs[i]);
        html_td_fig(f, w->v[OT_MEAN], w->txt[OT_MEAN], k);
        fputs("<td>", f);
        html_ci(f, w->v[OT_LO], w->v[OT_HI], w->txt[OT_LO], w->txt[OT_HI], k);
        fputs("</td></tr>\n", f);
    }
    html_table_end(f);
    fputs("</div></div>\n", f);
}

/* ---------------------------------------------------------- every figure */

static void every_figure(FILE *f, const page_run_data *r)
{
    static const char *const head[] = {"metric", "mean", "95% CI", "p5", "p50", "p95"};
    html_section(f, "figures", "Every figure (summary.csv)");
    html_table(f, "Mean over runs, the 95% CI of the mean, and percentiles of single runs.", head,
               6);
    for (size_t i = 0; i < r->summary->n; i++) {
        const orow *w = &r->summary->rows[i];
        enum pretty_kind k = pretty_kind_of(w->lab[0]);
        fputs("<tr>", f);
        html_td(f, w->lab[0]);
        html_td_fig(f, w->v[OT_MEAN], w->txt[OT_MEAN], k);
        fputs("<td>", f);
        html_ci(f, w->v[OT_LO], w->v[OT_HI], w->txt[OT_LO], w->txt[OT_HI], k);
        fputs("</td>", f);
        for (int j = OT_P5; j <= OT_P95; j++)
            html_td_fig(f, w->v[j], w->txt[j], k);
        fputs("</tr>\n", f);
    }
    html_table_end(f);
    html_section_end(f);
}

int page_run(FILE *f, const char *dir, diag *d)
{
    page_run_data r;
    double per[FL_N];
    if (page_run_load(dir, &r, d) < 0) {
        page_run_free(&r);
        return -1;
    }
    html_begin(f, "coinsim report: a run");
    page_heading(f, "coinsim report: a run", r.manifest);
    headline(f, &r);
    html_section(f, "flow", "Where a viewer's dollar goes");
    page_flow(f, &r, per);
    html_section_end(f);
    curves(f, &r);
    html_section(f, "sales", "Packs and channels");
    packs(f, &r);
    channels(f, &r);
    html_section_end(f);
    regions(f, &r);
    segments(f, &r);
    html_section(f, "creators", "Creators' earnings (creators.csv)");
    page_lorenz(f, &r);
    html_section_end(f);
    every_figure(f, &r);
    page_manifest(f, r.manifest);
    html_end(f);
    page_run_free(&r);
    return 0;
}
