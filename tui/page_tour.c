/* The explainer: a run's files as one page, fit to hand to a class, on
 * where a viewer's dollar goes. Its stops follow the tour's (tour.c):
 * recharge, the store's fee, gifts and commission, diamonds and cash-out,
 * unspent coins and breakage, whales, concentration. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "html.h"
#include "page_int.h"
#include "svg.h"

/* "<li><strong>title.</strong> text</li>", text already built. */
static void stop(FILE *f, const char *title, const char *text)
{
    fputs("<li><strong>", f);
    html_text(f, title);
    fputs(".</strong> ", f);
    html_text(f, text);
    fputs("</li>\n", f);
}

/* "28\xc2\xa2" for 0.28 of a dollar, or "$1.05" for more than one. */
static char *cents(char *buf, double per)
{
    char b[PRETTY_BUF];
    if (fabs(per) >= 1)
        return pretty_usd(buf, per);
    snprintf(buf, PRETTY_BUF, "%s\xc2\xa2",
             pretty_fixed(b, per * 100, fabs(per) < 0.01 ? 1 : 0, 0));
    return buf;
}

/* The mean of figure (of label's block when label is not NULL). */
static double fig_mean(const otab *t, const char *label, const char *figure)
{
    const char *key[2] = {label, figure};
    const orow *w = label ? otab_find(t, key, 2) : otab_get(t, figure);
    return w ? w->v[OT_MEAN] : NAN;
}

/* The commission in words for its stop, into buf: " (50% of its value)",
 * or with the timeline's change and the value the run ended with; "" when
 * scenario/params.csv is not there. */
static void commission(char *buf, size_t n, const page_run_data *r)
{
    page_rule rules[RULE_N];
    enum page_rules k = page_rules(r, rules);
    const page_rule *c = &rules[RULE_COMMISSION];
    char a[PRETTY_BUF], b[PRETTY_BUF], e[PRETTY_BUF];
    buf[0] = '\0';
    if (isnan(c->start))
        return;
    pretty_pct(a, c->start, 0);
    if (k == PAGE_RULES_UNKNOWN)
        snprintf(buf, n,
                 " (%s of its value at the start; the scenario has a timeline, not here "
                 "to say whether it changed)",
                 a);
    else if (c->changes)
        snprintf(buf, n,
                 " (%s of its value at the start; the scenario's timeline changed it%s to "
                 "%s at step %.20s, and the run ended at %s)",
                 a, c->changes > 1 ? " first" : "", pretty_pct(b, c->first, 0), c->step,
                 pretty_pct(e, c->end, 0));
    else
        snprintf(buf, n, " (%s of its value)", a);
}

/* The money's stops, from recharge to the platform's margin. */
static void money_stops(FILE *f, const page_run_data *r, const double per[FL_N])
{
    char t[800], a[PRETTY_BUF], b[PRETTY_BUF], c[PRETTY_BUF], d[PRETTY_BUF], when[300] = "";
    const char *steps = page_manifest_get(r->manifest, "steps");
    if (steps)
        snprintf(when, sizeof when, " in %.40s days", steps);
    snprintf(t, sizeof t,
             "Viewers buy coin packs with real money, in the app or on the web. In this "
             "simulation they paid %s%s (the mean of many simulated runs). Follow one dollar of "
             "it.",
             pretty_usd(a, page_mean(r, "cash_in_usd")), when);
    stop(f, "Recharge", t);
    double app = fig_mean(r->channels, "app", "fee_rate"),
           web = fig_mean(r->channels, "web", "fee_rate");
    if (!isnan(app) && !isnan(web))
        snprintf(when, sizeof when, " (%s in the app, %s on the web)", pretty_pct(a, app, 0),
                 pretty_pct(b, web, 0));
    else
        when[0] = '\0';
    snprintf(t, sizeof t,
             "%s of each dollar goes to the app stores and payment processors%s. The platform "
             "never sees it.",
             cents(c, per[FL_FEES]), when);
    stop(f, "The store's fee", t);
    commission(when, sizeof when, r);
    snprintf(t, sizeof t,
             "Viewers spend their coins on gifts to creators they watch live: %s gifts here. The "
             "platform keeps a commission on every gift%s.",
             pretty_fixed(a, page_mean(r, "gifts"), 0, 1), when);
    stop(f, "Gifts and commission", t);
    snprintf(t, sizeof t,
             "What is left of a gift reaches the creator as diamonds: %s of each dollar. Of that, "
             "%s reached their banks, payout fees took %s, and %s is still waiting as diamonds.",
             cents(a, per[FL_CREATORS]), cents(b, per[FL_NET]), cents(c, per[FL_PFEES]),
             cents(d, per[FL_PENDING]));
    stop(f, "Diamonds and cash-out", t);
    snprintf(t, sizeof t,
             "Not every coin is gifted. %s of each dollar is still sitting in wallets as unspent "
             "coins, a debt of the platform. %s of the coins were lost when their owners left "
             "(breakage).",
             cents(a, per[FL_COINS]), pretty_pct(b, page_mean(r, "breakage_rate"), 0));
    stop(f, "Unspent coins and breakage", t);
    snprintf(t, sizeof t,
             "What is left, %s of each dollar, is the platform's margin: its commission, breakage "
             "and what coins bought that pays no creator.",
             cents(a, per[FL_MARGIN]));
    stop(f, "The platform's margin", t);
}

/* The segment whose share of spend most exceeds its share of viewers:
 * its index among the distinct segments, its two shares. -1 if none. */
static int biggest_spenders(const otab *seg, const char **name, double *viewers, double *spend)
{
    double all = 0, best = 0;
    int found = -1;
    for (size_t i = 0; seg && i < seg->n; i++)
        if (strcmp(seg->rows[i].lab[1], "viewers") == 0 && !isnan(seg->rows[i].v[OT_MEAN]))
            all += seg->rows[i].v[OT_MEAN];
    for (size_t i = 0; seg && all > 0 && i < seg->n; i++) {
        if (strcmp(seg->rows[i].lab[1], "viewers") != 0)
            continue;
        double v = seg->rows[i].v[OT_MEAN] / all,
               s = fig_mean(seg, seg->rows[i].lab[0], "spend_share");
        if (v > 0 && s / v > best) {
            best = s / v;
            *name = seg->rows[i].lab[0];
            *viewers = v;
            *spend = s;
            found = 1;
        }
    }
    return found;
}

/* Whales: each segment's share of viewers beside its share of spend. */
static void whales(FILE *f, const page_run_data *r)
{
    svg_bar bars[32];
    char lab[16][2][80], t[400], a[PRETTY_BUF], b[PRETTY_BUF];
    const char *name = NULL;
    double v = 0, s = 0, all = 0;
    size_t n = 0;
    if (!r->segments || biggest_spenders(r->segments, &name, &v, &s) < 0) {
        fputs("</ol>\n", f);
        html_missing(f, "segments.csv", "who pays (each segment's share of viewers and of spend)");
        fputs("<ol class=\"steps\" start=\"7\">\n", f);
        return;
    }
    snprintf(t, sizeof t,
             "A few viewers bring most of the money. The %s segment is %s of viewers but paid %s "
             "of all the money.",
             name, pretty_pct(a, v, 0), pretty_pct(b, s, 0));
    stop(f, "Whales", t);
    for (size_t i = 0; i < r->segments->n; i++)
        if (strcmp(r->segments->rows[i].lab[1], "viewers") == 0)
            all += r->segments->rows[i].v[OT_MEAN];
    for (size_t i = 0; i < r->segments->n && n < 32; i++) {
        const orow *w = &r->segments->rows[i];
        if (strcmp(w->lab[1], "viewers") != 0)
            continue;
        int cut = html_cut(w->lab[0], 30);
        snprintf(lab[n / 2][0], 80, "%.*s: viewers", cut, w->lab[0]);
        snprintf(lab[n / 2][1], 80, "%.*s: spend", cut, w->lab[0]);
        bars[n] = (svg_bar){.label = lab[n / 2][0],
                            .a = w->v[OT_MEAN] / all,
                            .a_color = 6,
                            .a_name = "share of viewers"};
        bars[n + 1] = (svg_bar){.label = lab[n / 2][1],
                                .a = fig_mean(r->segments, w->lab[0], "spend_share"),
                                .a_color = 1,
                                .a_name = "share of spend"};
        if (isnan(bars[n + 1].a))
            bars[n + 1].a = 0;
        n += 2;
    }
    fputs("</ol>\n<figure>\n", f);
    svg_draw_bars(f, "Each segment's share of viewers (grey) and of the money spent (orange)", bars,
                  n, PRETTY_PCT);
    fputs("<figcaption>Each segment's share of viewers (grey) beside its share of the money spent "
          "(orange).</figcaption>\n</figure>\n<ol class=\"steps\" start=\"8\">\n",
          f);
}

/* Few creators earn most: the top tenth's share and the poorer half's. */
static void concentration(FILE *f, const page_run_data *r)
{
    char t[400], a[PRETTY_BUF], b[PRETTY_BUF];
    double half = 0, top = fig_mean(r->creators, NULL, "top10pct_share");
    for (int d = 1; d <= 5; d++) {
        char name[32];
        snprintf(name, sizeof name, "decile_%d_share", d);
        half += fig_mean(r->creators, NULL, name);
    }
    if (r->creators && !isnan(top) && !isnan(half)) {
        snprintf(t, sizeof t,
                 "Earnings are concentrated too: the top tenth of creators earned %s of all "
                 "earnings, the poorer half %s. The further the curve sags below the diagonal, "
                 "the more unequal.",
                 pretty_pct(a, top, 0), pretty_pct(b, half, 0));
        stop(f, "Few creators earn most", t);
    }
    fputs("</ol>\n", f);
    page_lorenz(f, r);
}

int page_explain(FILE *f, const char *dir, diag *d)
{
    page_run_data r;
    double per[FL_N];
    if (page_run_load(dir, &r, d) < 0) {
        page_run_free(&r);
        return -1;
    }
    html_begin(f, "Where a viewer's dollar goes");
    page_heading(f, "Where a viewer's dollar goes", r.manifest);
    html_p(f, NULL,
           "On a live-streaming app, viewers buy coins, send them as gifts to creators who are "
           "live, and creators cash out what the gifts earned them. The app, the stores and the "
           "creators each take a part of every dollar. This page follows one dollar, with the "
           "figures of a simulated economy.");
    html_section(f, "flow", "One dollar, step by step");
    if (page_flow(f, &r, per) == 0) {
        fputs("<ol class=\"steps\">\n", f);
        money_stops(f, &r, per);
        whales(f, &r);
        concentration(f, &r);
    }
    html_section_end(f);
    html_p(f, "sub",
           "Explore it yourself: coinsim tour runs this economy in the terminal and stops at each "
           "of these steps; coinsim report of a run's output gives every figure behind this page.");
    page_manifest(f, r.manifest);
    html_end(f);
    page_run_free(&r);
    return d->errors ? -1 : 0;
}
