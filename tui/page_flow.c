/* Where a viewer's dollar goes: the money flow of a run (summary.csv),
 * drawn on the run's page and on the explainer the tour hands to a
 * class. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "html.h"
#include "page_int.h"
#include "svg.h"

/* The flows, in summary.csv's words. By the ledger, per run and so in the
 * mean: cash in = store fees + creators' earnings + the change in what the
 * unspent coins will cost + platform margin (docs/outputs.md,
 * platform_margin_usd); and creators' earnings = payouts gross (payout fees
 * + FX fees + net payouts) + the change in diamonds pending. The coins' part
 * and the pending part are the remainders, so the flows add up to the dollar
 * exactly, as long as the money rules stay put: earnings and liabilities are
 * valued at the end's rules, payouts at their day's (page_rules). */
static const struct flow_name {
    const char *label, *metric, *what;
    int color;
} flows[FL_N] = {
    [FL_FEES] = {"Store and processor fees", "store_fees_usd",
                 "kept by the app stores and the web's payment processor", 6},
    [FL_CREATORS] = {"Creators' earnings", "creator_earnings_usd",
                     "credited to creators as diamonds for the gifts they received", 2},
    [FL_COINS] = {"Coins still unspent", NULL,
                  "coins bought and still in wallets, at what they will cost in credit when "
                  "gifted (the change in coin_liability_usd)",
                  7},
    [FL_MARGIN] = {"Platform margin", "platform_margin_usd",
                   "what the platform keeps: its commission on gifts, coins spent on sinks, "
                   "breakage, and the commission on coins still unspent",
                   0},
    [FL_PFEES] = {"Payout fees", "payout_fees_usd", "taken off creators' cash-outs", 4},
    [FL_FX] = {"FX fees", "fx_fees_usd",
               "the spread taken converting payouts into creators' own currencies", 1},
    [FL_NET] = {"Net payouts", "payouts_net_usd", "reached creators' banks", 5},
    [FL_PENDING] = {"Still pending", NULL,
                    "earned but not cashed out yet: diamonds the platform still owes", 3},
};

/* The totals behind the flows (USD, means over runs); 0, or -1 with the
 * name of the first metric missing in *lack. */
static int totals(const page_run_data *r, double *cash, double tot[FL_N], const char **lack)
{
    static const char *const need[] = {"cash_in_usd",          "store_fees_usd",
                                       "creator_earnings_usd", "platform_margin_usd",
                                       "payout_fees_usd",      "payouts_net_usd"};
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
        if (isnan(page_mean(r, need[i]))) {
            *lack = need[i];
            return -1;
        }
    *cash = page_mean(r, "cash_in_usd");
    for (int k = 0; k < FL_N; k++)
        tot[k] = flows[k].metric ? page_mean(r, flows[k].metric) : 0;
    if (isnan(tot[FL_FX]))
        tot[FL_FX] = 0; /* outputs from before regions: no FX fee */
    double gross = page_mean(r, "payouts_gross_usd");
    if (isnan(gross))
        gross = tot[FL_PFEES] + tot[FL_FX] + tot[FL_NET];
    tot[FL_COINS] = *cash - tot[FL_FEES] - tot[FL_CREATORS] - tot[FL_MARGIN];
    tot[FL_PENDING] = tot[FL_CREATORS] - gross;
    return 0;
}

/* The tooltip of flow k: its total and per dollar, exactly. */
static void tip_of(char *buf, size_t n, const page_run_data *r, int k, double tot, double per)
{
    char t[PRETTY_BUF], p[PRETTY_BUF];
    const orow *w = flows[k].metric ? otab_get(r->summary, flows[k].metric) : NULL;
    snprintf(buf, n, "%s: %s USD in all (mean over runs), %s per dollar of cash in", flows[k].label,
             w ? w->txt[OT_MEAN] : pretty_fixed(t, tot, 6, 0), pretty_fixed(p, per, 6, 0));
}

static void flow_table(FILE *f, const page_run_data *r, const double tot[FL_N],
                       const double per[FL_N])
{
    static const char *const head[] = {"flow", "per $1 of cash in", "in all (mean)", "what it is"};
    html_table(f, NULL, head, 4);
    for (int k = 0; k < FL_N; k++) {
        if (k == FL_FX && !(tot[k] > 0))
            continue; /* no payout was converted: as before regions */
        const orow *w = flows[k].metric ? otab_get(r->summary, flows[k].metric) : NULL;
        char exact[PRETTY_BUF], label[120];
        snprintf(label, sizeof label, "%s%s", k >= FL_PFEES ? "of creators' earnings: " : "",
                 flows[k].label);
        fputs("<tr>", f);
        html_td(f, label);
        html_td_fig(f, per[k], pretty_fixed(exact, per[k], 6, 0), PRETTY_USD);
        html_td_fig(f, tot[k], w ? w->txt[OT_MEAN] : pretty_fixed(exact, tot[k], 6, 0), PRETTY_USD);
        fputs("<td class=\"t\">", f);
        html_text(f, flows[k].what);
        fputs("</td></tr>\n", f);
    }
    html_table_end(f);
}

/* The change in what unspent coins will cost over the reported steps:
 * coin_liability_usd less the opening coins valued as the margin values
 * them (the rules in force when the warm-up ended, params.csv's), or NaN
 * when that cannot be known from the files. */
static double coins_change(const page_run_data *r, const page_rule rules[RULE_N])
{
    double end = page_mean(r, "coin_liability_usd"), open = page_mean(r, "opening_wallet_coins");
    if (open == 0)
        return end;
    return end - open * rules[RULE_COIN].start * (1 - rules[RULE_COMMISSION].start);
}

/* Why the flows add up, or why they are an estimate here. */
static void basis(FILE *f, const page_run_data *r, const double tot[FL_N], double cash)
{
    static const char *const exact =
        "By the ledger, cash in = store fees + creators' earnings + the change in what unspent "
        "coins will cost + the platform's margin (platform_margin_usd in docs/outputs.md). The "
        "unspent coins' part is that remainder; creators' earnings split into payout fees, net "
        "payouts and what is still pending (earnings less gross payouts). A negative flow (a "
        "warm-up's coins or diamonds running down) is labelled but drawn as nothing.";
    page_rule rules[RULE_N];
    char what[400], a[PRETTY_BUF], b[PRETTY_BUF], c[PRETTY_BUF], d[PRETTY_BUF];
    enum page_rules k = page_rules(r, rules);
    fputs("<p class=\"basis\">", f);
    if (k == PAGE_RULES_FIXED) {
        html_text(f, "The four flows out of cash in add up to the dollar exactly, since no "
                     "timeline row changes usd_per_diamond, coin_value_usd or commission. ");
        html_text(f, exact);
        fputs("</p>\n", f);
        return;
    }
    if (k == PAGE_RULES_UNKNOWN) {
        html_text(f, page_manifest_get(r->manifest, "timeline_rows")
                         ? "The scenario has a timeline, and scenario/timeline.csv is not here "
                           "to say whether it changes usd_per_diamond, coin_value_usd or "
                           "commission: if it does, the split below is an estimate (valued at "
                           "the rules in force at the end). Otherwise it is exact. "
                         : "Neither manifest.csv nor scenario/ is here to say whether a timeline "
                           "changes usd_per_diamond, coin_value_usd or commission: if one does, "
                           "the split below is an estimate (valued at the rules in force at the "
                           "end). Otherwise it is exact. ");
        html_text(f, exact);
        fputs("</p>\n", f);
        return;
    }
    page_rules_text(what, sizeof what, rules);
    fputs("<strong>", f);
    html_text(f, "This split is an estimate: ");
    fputs("</strong>", f);
    html_text(f, "the scenario's timeline changes a money rule during the reported steps (");
    html_text(f, what);
    html_text(f, "). Creators' earnings, what is pending and the unspent coins are valued at the "
                 "rules in force at the end, while payouts were paid at the rules of their day, "
                 "so the flows no longer add up by the ledger; the unspent coins' part is drawn "
                 "as what the other three leave of the dollar, and what is pending as earnings "
                 "less gross payouts.");
    double real = coins_change(r, rules), off = tot[FL_COINS] - real;
    if (!isnan(real)) {
        fputs(" The change in what unspent coins will cost (coin_liability_usd less the opening "
              "coins at the starting rules) is ",
              f);
        html_fig(f, real, pretty_fixed(a, real, 6, 0), PRETTY_USD);
        fputs(" against the ", f);
        html_fig(f, tot[FL_COINS], pretty_fixed(b, tot[FL_COINS], 6, 0), PRETTY_USD);
        fputs(" drawn: the flows miss by ", f);
        html_fig(f, off, pretty_fixed(c, off, 6, 0), PRETTY_USD);
        fprintf(f, " (%s of cash in).", pretty_pct(d, off / cash, 1));
    }
    fputs("</p>\n", f);
}

int page_flow(FILE *f, const page_run_data *r, double per[FL_N])
{
    double cash, tot[FL_N];
    const char *lack = NULL;
    char tips[FL_N + 1][300];
    if (totals(r, &cash, tot, &lack) < 0 || !(cash > 0)) {
        fputs("<p class=\"missing\">", f);
        if (lack) {
            fputs("summary.csv has no ", f);
            html_text(f, lack);
            fputs(", so the flow of money cannot be drawn.</p>\n", f);
        } else
            fputs("No cash came in, so there is no dollar to follow.</p>\n", f);
        return -1;
    }
    svg_node src = {"Cash in", 1, tips[FL_N], 0}, mid[4], right[4];
    size_t nright = 0;
    const orow *c = otab_get(r->summary, "cash_in_usd");
    snprintf(tips[FL_N], sizeof tips[FL_N], "Cash in: %s USD in all (mean over runs) = $1",
             c->txt[OT_MEAN]);
    for (int k = 0; k < FL_N; k++) {
        per[k] = tot[k] / cash;
        tip_of(tips[k], sizeof tips[k], r, k, tot[k], per[k]);
        svg_node n = {flows[k].label, per[k], tips[k], flows[k].color};
        if (k < 4)
            mid[k] = n;
        else if (k != FL_FX || tot[k] > 0) /* FX fees only where payouts are converted */
            right[nright++] = n;
    }
    fputs("<figure>\n", f);
    svg_draw_flow(f, "Where a viewer's dollar goes", &src, mid, 4, FL_CREATORS, right, nright);
    fprintf(f, "<figcaption>Per dollar of cash in over the reported steps, means over runs "
               "(cash in: ");
    html_fig(f, cash, c->txt[OT_MEAN], PRETTY_USD);
    fputs(").</figcaption>\n</figure>\n", f);
    basis(f, r, tot, cash);
    flow_table(f, r, tot, per);
    return 0;
}
