/* views — the dashboard's five views (Overview, Flow, Creators, Pricing,
 * Viewers) and their help, drawn from a snapshot of the run shown and the
 * band across runs; the named places the tour points at. */
#include "views.h"

#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../sim/brk.h"
#include "../sim/num.h"
#include "../sim/rules.h"
#include "chart.h"
#include "fmt.h"
#include "ui.h"
#include "views_int.h"

const char *const view_names[VIEW_N] = {"Overview", "Flow", "Creators", "Pricing", "Viewers"};

void view_mark(view_ctx *c, const char *name, int y, int x, int h, int w)
{
    if (c->nanchor < VIEW_ANCHORS)
        c->anchor[c->nanchor++] = (view_anchor){name, y, x, h, w};
}

const view_anchor *view_find(const view_ctx *c, const char *name)
{
    for (int i = 0; i < c->nanchor; i++)
        if (strcmp(c->anchor[i].name, name) == 0)
            return &c->anchor[i];
    return NULL;
}

double view_brk(const world_snap *s, enum brk_table t, size_t row, const char *name)
{
    int f = brk_fig_find(t, name);
    return f < 0 ? NAN : brk_value(&s->bsh, s->brk, t, row, (size_t)f);
}

int64_t view_brk_raw(const world_snap *s, enum brk_table t, size_t row, int fig)
{
    return brk_row(&s->bsh, s->brk.raw, t, row)[fig];
}

int64_t view_micro(double usd) { return (int64_t)llround(usd * NUM_MICRO); }

/* A row of a figures table: label, this step, so far. */
static void row3(view_ctx *c, int y, const char *label, const char *step, const char *total, int lw,
                 const char *name)
{
    int x = c->left;
    ui_put(y, x, lw, label, 1);
    ui_put(y, x + lw, 14, "", 1);
    mvaddstr(y, x + lw + 14 - ui_width(step), step);
    ui_put(y, x + lw + 14, 16, "", 1);
    mvaddstr(y, x + lw + 30 - ui_width(total), total);
    if (name)
        view_mark(c, name, y, x, 1, lw + 30);
}

/* ------------------------------------------------------------ overview */

/* The figures table of the Overview; returns the row after it. */
static int overview_table(view_ctx *c)
{
    const world_snap *s = c->s;
    const int64_t *L = s->last.v, *T = s->total.v;
    char a[FMT_BUF], b[FMT_BUF], lab[96];
    int y = c->top, lw = 42;

    attron(A_BOLD);
    row3(c, y++, "", "this step", "so far", lw, NULL);
    attroff(A_BOLD);
    row3(c, y++, "cash in (viewers paid for coins)", fmt_usd(a, L[TS_CASH_IN]),
         fmt_usd(b, T[TS_CASH_IN]), lw, "cash_in");
    row3(c, y++, "store & processor fees", fmt_usd(a, L[TS_STORE_FEES]),
         fmt_usd(b, T[TS_STORE_FEES]), lw, "store_fees");
    row3(c, y++, "creator earnings (diamonds credited)", fmt_usd(a, s->credit_value[0]),
         fmt_usd(b, s->pos.earnings), lw, "earnings");
    row3(c, y++, "creator payouts (net)", fmt_usd(a, L[TS_PAYOUTS_NET]),
         fmt_usd(b, T[TS_PAYOUTS_NET]), lw, "payouts");
    row3(c, y++, "platform cash (now)", "", fmt_usd(b, T[TS_PLATFORM_CASH]), lw, "platform_cash");
    snprintf(lab, sizeof lab, "coin liability (%s wallet coins)", fmt_count(a, T[TS_WALLET_COINS]));
    row3(c, y++, lab, "", fmt_usd(b, s->pos.coin_liab), lw, "wallets");
    snprintf(lab, sizeof lab, "diamond liability (%s pending)",
             fmt_count(a, T[TS_PENDING_DIAMONDS] / NUM_MICRO));
    row3(c, y++, lab, "", fmt_usd(b, s->pos.diamond_liab), lw, "pending");
    attron(A_BOLD);
    row3(c, y++, "platform margin (cash less liabilities)", "", fmt_usd(b, s->pos.margin), lw,
         "margin");
    attroff(A_BOLD);
    row3(c, y++, "payers (distinct buyers)", fmt_count(a, L[TS_PAYERS]), fmt_count(b, T[TS_PAYERS]),
         lw, "payers");
    row3(c, y++, "ARPPU (cash in per payer)", "",
         T[TS_PAYERS] ? fmt_usd(b, kpi_arppu(T[TS_CASH_IN], T[TS_PAYERS])) : "-", lw, "arppu");
    row3(c, y++, "gifts sent", fmt_count(a, L[TS_GIFTS]), fmt_count(b, T[TS_GIFTS]), lw, "gifts");
    row3(c, y++, "lost intents (bought nothing)", fmt_count(a, L[TS_LOST_INTENTS]),
         fmt_count(b, T[TS_LOST_INTENTS]), lw, "lost");
    return y;
}

static void overview(view_ctx *c)
{
    const world_snap *s = c->s;
    int y = overview_table(c);

    /* Three charts below, side by side, using what room there is. */
    int ch = c->top + c->h - y - 1;
    if (ch < 4)
        return;
    static const char *const title[SER_N] = {"cash in/step", "payouts/step", "platform cash"};
    int cw = (c->w - 4) / 3;
    for (int k = 0; k < SER_N; k++) {
        chart ct = {c->series[k], (int)s->step, NULL, NULL, NULL, 0, (int)s->steps};
        if (c->b) {
            ct.mean = c->b->mean[k];
            ct.lo = c->b->lo[k];
            ct.hi = c->b->hi[k];
            ct.nband = c->b->nsteps;
        }
        int x = c->left + k * (cw + 2);
        char m[FMT_BUF];
        fmt_dollars_short(m, chart_max(&ct));
        attron(A_BOLD);
        ui_put(y + 1, x, cw, title[k], 1);
        attroff(A_BOLD);
        ui_put(y + 1, x + cw - ui_width(m), ui_width(m), m, 0);
        chart_draw(&ct, y + 2, x, ch - 1, cw, c->ascii, c->color);
        view_mark(c,
                  k == 0   ? "chart_cash"
                  : k == 1 ? "chart_payouts"
                           : "chart_platform",
                  y + 1, x, ch, cw);
    }
    ui_put(c->top + c->h - 1, c->left, c->w,
           c->replay ? "the log as replayed, step by step (a log has one run: no band)"
           : c->b    ? (c->ascii ? "* this run   - mean of runs   : p5-p95 of runs"
                                 : "\xE2\xA3\xBF this run   \xC2\xB7 mean of runs   \xE2\x96\x91 "
                                   "p5\xE2\x80\x93p95 of runs")
                     : "band across runs: computing...",
           1);
}

/* ---------------------------------------------------------------- flow */

static void flow_line(view_ctx *c, int y, int indent, const char *arrow, const char *label,
                      const char *step, const char *total, enum ui_role role, const char *name)
{
    int lw = 44;
    char buf[160];
    snprintf(buf, sizeof buf, "%*s%s%s", indent, "", arrow, label);
    if (role == UI_TITLE)
        attron(A_BOLD);
    else if (role)
        ui_attr_on(role, c->color);
    row3(c, y, buf, step, total, lw, name);
    if (role == UI_TITLE)
        attroff(A_BOLD);
    else if (role)
        ui_attr_off(role, c->color);
}

static void flow(view_ctx *c)
{
    const world_snap *s = c->s;
    const int64_t *L = s->last.v, *T = s->total.v;
    char a[FMT_BUF], b[FMT_BUF], lab[120];
    int y = c->top;
    const char *fork = c->ascii ? "|-> " : "\xE2\x94\x9C\xE2\x94\x80\xE2\x96\xB6 ";
    const char *last = c->ascii ? "`-> " : "\xE2\x94\x94\xE2\x94\x80\xE2\x96\xB6 ";
    const char *down = c->ascii ? "|" : "\xE2\x94\x82";
    const char *next = c->ascii ? "v" : "\xE2\x96\xBC";

    attron(A_BOLD);
    row3(c, y++, "Follow a dollar from left to right", "this step", "so far", 44, NULL);
    attroff(A_BOLD);
    flow_line(c, y++, 0, "", "VIEWERS PAY for coin packs", fmt_usd(a, L[TS_CASH_IN]),
              fmt_usd(b, T[TS_CASH_IN]), UI_TITLE, "f_pay");
    snprintf(lab, sizeof lab, "store fees (app %s, web %s)", fmt_pct(a, s->p.store_fee_app / 1e6),
             fmt_pct(b, s->p.store_fee_web / 1e6));
    flow_line(c, y++, 2, fork, lab, fmt_usd(a, L[TS_STORE_FEES]), fmt_usd(b, T[TS_STORE_FEES]),
              UI_OUT, "f_store");
    flow_line(c, y++, 2, last, "the platform receives the rest", fmt_usd(a, s->platform_in[0]),
              fmt_usd(b, s->platform_in[1]), UI_IN, "f_platform_in");
    ui_put(y++, c->left + 2, 1, next, 0);
    flow_line(c, y++, 0, "", "COINS land in wallets: bought + bonus",
              fmt_count(a, L[TS_COINS_SOLD] + L[TS_COINS_BONUS]),
              fmt_count(b, T[TS_COINS_SOLD] + T[TS_COINS_BONUS]), UI_TITLE, "f_coins");
    flow_line(c, y++, 2, "+ ", "granted free (nobody paid for them)",
              fmt_count(a, L[TS_COINS_GRANTED]), fmt_count(b, T[TS_COINS_GRANTED]), UI_IN,
              "f_granted");
    snprintf(lab, sizeof lab, "unspent in wallets (worth %s)",
             fmt_usd_short(a, rules_coin_value(&s->p, T[TS_WALLET_COINS])));
    flow_line(c, y++, 2, fork, lab, "", fmt_count(b, T[TS_WALLET_COINS]), UI_DIM, "f_wallets");
    flow_line(c, y++, 2, fork, "breakage: coins of viewers who left",
              fmt_count(a, L[TS_COINS_BREAKAGE]), fmt_count(b, T[TS_COINS_BREAKAGE]), UI_OUT,
              "f_breakage");
    flow_line(c, y++, 2, fork, "SINKS (credit nobody; platform keeps)",
              fmt_count(a, L[TS_COINS_SUNK]), fmt_count(b, T[TS_COINS_SUNK]), UI_OUT, "f_sinks");
    flow_line(c, y++, 2, last, "sent as GIFTS to live creators (coins)",
              fmt_count(a, L[TS_COINS_GIFTED]), fmt_count(b, T[TS_COINS_GIFTED]), 0, "f_gifts");
    snprintf(lab, sizeof lab, "%s  worth at $%s a coin", down, num_fmt_short(a, s->p.coin_value));
    flow_line(c, y++, 6, "", lab, fmt_usd(a, s->gift_value[0]), fmt_usd(b, s->gift_value[1]), 0,
              "f_gift_value");
    snprintf(lab, sizeof lab, "commission kept (%s)", fmt_pct(a, s->p.commission / 1e6));
    flow_line(c, y++, 6, fork, lab, fmt_usd(a, s->commission[0]), fmt_usd(b, s->commission[1]),
              UI_OUT, "f_commission");
    ui_put(y++, c->left + 6, 1, next, 0);
    snprintf(lab, sizeof lab, "DIAMONDS credited ($%s each)",
             num_fmt_short(a, s->p.usd_per_diamond));
    flow_line(c, y++, 0, "", lab, fmt_count(a, L[TS_DIAMONDS_CREDITED] / NUM_MICRO),
              fmt_count(b, T[TS_DIAMONDS_CREDITED] / NUM_MICRO), UI_TITLE, "f_diamonds");
    flow_line(c, y++, 2, "", "  worth", fmt_usd(a, s->credit_value[0]),
              fmt_usd(b, s->credit_value[1]), 0, NULL);
    snprintf(lab, sizeof lab, "pending (owed, worth %s)",
             fmt_usd_short(a, rules_diamond_value(&s->p, T[TS_PENDING_DIAMONDS])));
    flow_line(c, y++, 2, fork, lab, "", fmt_count(b, T[TS_PENDING_DIAMONDS] / NUM_MICRO), UI_DIM,
              "f_pending");
    flow_line(c, y++, 2, last, "CASHED OUT by creators (gross)", fmt_usd(a, L[TS_PAYOUTS_GROSS]),
              fmt_usd(b, T[TS_PAYOUTS_GROSS]), UI_TITLE, "f_cashout");
    flow_line(c, y++, 6, fork, "payout fees", fmt_usd(a, L[TS_PAYOUT_FEES]),
              fmt_usd(b, T[TS_PAYOUT_FEES]), UI_OUT, "f_payout_fees");
    flow_line(c, y++, 6, last, "reaches creators' banks", fmt_usd(a, L[TS_PAYOUTS_NET]),
              fmt_usd(b, T[TS_PAYOUTS_NET]), UI_IN, "f_banks");
    if (y < c->top + c->h) {
        snprintf(lab, sizeof lab,
                 "PLATFORM CASH now %s (owes the unspent coins and pending diamonds)",
                 fmt_usd(a, T[TS_PLATFORM_CASH]));
        attron(A_BOLD);
        ui_put(y, c->left, c->w, lab, 1);
        attroff(A_BOLD);
        view_mark(c, "f_platform_cash", y, c->left, 1, c->w);
    }
}

/* ------------------------------------------------------------ creators */

/* The biggest earners, from the top of the area; returns the next row. */
static int leaderboard(view_ctx *c, int lw)
{
    const world_snap *s = c->s;
    char a[FMT_BUF], b[FMT_BUF], line[160];
    int y = c->top;
    attron(A_BOLD);
    ui_put(y++, c->left, lw, " #  creator    diamonds earned     worth", 1);
    attroff(A_BOLD);
    for (size_t i = 0; i < s->ntop; i++) {
        char who[32];
        if (s->top_name[i][0])
            snprintf(who, sizeof who, "%.8s", s->top_name[i]);
        else
            snprintf(who, sizeof who, "#%lld", (long long)s->top_id[i]);
        snprintf(line, sizeof line, "%2zu  %-8s %15s %9s", i + 1, who,
                 fmt_count(a, s->top_earned[i] / NUM_MICRO),
                 fmt_usd_short(b, rules_diamond_value(&s->p, s->top_earned[i])));
        ui_put(y++, c->left, lw, line, 1);
    }
    view_mark(c, "leaderboard", c->top, c->left, (int)s->ntop + 1, lw);
    return y;
}

/* Creators by the value of their earnings so far, as bars, from row y. */
static void histogram(view_ctx *c, int y, int lw)
{
    static const double edge[] = {0, 1, 10, 100, 1000, 10000};
    static const char *const lab[] = {"nothing", "< $1",    "$1-10",  "$10-100",
                                      "$100-1k", "$1k-10k", ">= $10k"};
    const world_snap *s = c->s;
    char a[FMT_BUF], line[160];
    int64_t cnt[7] = {0};
    for (int64_t i = 0; i < s->ncreators; i++) {
        double v = (double)rules_diamond_value(&s->p, s->sorted[i]) / 1e6;
        int k = 0;
        if (s->sorted[i] > 0)
            for (k = 1; k < 6 && v >= edge[k]; k++)
                ;
        cnt[k]++;
    }
    int64_t mx = 1;
    for (int k = 0; k < 7; k++)
        if (cnt[k] > mx)
            mx = cnt[k];
    attron(A_BOLD);
    ui_put(y++, c->left, lw, "creators by earnings so far", 1);
    attroff(A_BOLD);
    int hy = y;
    for (int k = 0; k < 7 && y < c->top + c->h; k++) {
        int bar = (int)(cnt[k] * 18 / mx);
        snprintf(line, sizeof line, "%-8s %7s ", lab[k], fmt_count(a, cnt[k]));
        ui_put(y, c->left, 17, line, 1);
        move(y, c->left + 17);
        ui_attr_on(UI_LINE, c->color);
        for (int j = 0; j < bar; j++)
            addstr(c->ascii ? "#" : "\xE2\x96\x88");
        ui_attr_off(UI_LINE, c->color);
        y++;
    }
    view_mark(c, "histogram", hy - 1, c->left, 8, lw);
}

/* Who is live and the sessions that found nobody, from row y at column
 * rx, rw wide: three rows. */
static void supply(view_ctx *c, int y, int rx, int rw)
{
    const world_snap *s = c->s;
    const int64_t *L = s->last.v, *T = s->total.v;
    char a[FMT_BUF], b[FMT_BUF], d[FMT_BUF], line[160];
    if (c->replay) {
        ui_put(y++, rx, rw, "a log does not say who was live", 1);
        ui_put(y, rx, rw, "nor which sessions were missed", 1);
        return;
    }
    snprintf(line, sizeof line, "live: %s of %s (chance now %s)", fmt_count(a, L[TS_LIVE_CREATORS]),
             fmt_count(b, s->ncreators), fmt_pct(d, rules_live_prob(&s->p)));
    ui_put(y++, rx, rw, line, 1);
    view_mark(c, "live", y - 1, rx, 1, rw);
    int64_t all = T[TS_SESSIONS_WATCHED] + T[TS_SESSIONS_MISSED];
    snprintf(line, sizeof line, "sessions missed: %s this step",
             fmt_count(a, L[TS_SESSIONS_MISSED]));
    ui_put(y++, rx, rw, line, 1);
    snprintf(line, sizeof line, "missed so far: %s of sessions",
             fmt_pct(a, all ? (double)T[TS_SESSIONS_MISSED] / (double)all : 0));
    ui_put(y++, rx, rw, line, 1);
    view_mark(c, "missed", y - 2, rx, 2, rw);
}

/* The Lorenz curve and the counts under it, at column rx, rw wide. */
static void lorenz(view_ctx *c, int rx, int rw)
{
    const world_snap *s = c->s;
    char a[FMT_BUF], b[FMT_BUF], nc[FMT_BUF], line[160];
    /* The curve at every tenth: creators.csv's decile shares summed. */
    double curve[11] = {0}, equal[11];
    for (int i = 0; i <= 10; i++) {
        equal[i] = (double)i / 10;
        curve[i] = i ? curve[i - 1] + s->brk.cr[CR_DECILE1 + i - 1] : 0;
    }
    chart ct = {curve, 11, equal, equal, equal, 11, 11};
    attron(A_BOLD);
    snprintf(line, sizeof line, "Lorenz curve  Gini %.3f", view_brk(s, BRK_CREATORS, 0, "gini"));
    ui_put(c->top, rx, rw, line, 1);
    attroff(A_BOLD);
    int lh = c->h - 9;
    if (lh > 14)
        lh = 14;
    chart_draw(&ct, c->top + 1, rx, lh, rw, c->ascii, c->color);
    view_mark(c, "lorenz", c->top, rx, lh + 1, rw);
    int y = c->top + lh + 1;
    ui_put(y++, rx, rw, "poorest creators  ->  richest", 1);
    snprintf(line, sizeof line, "reached %s min: %s of %s", fmt_usd_short(a, s->p.min_withdrawal),
             fmt_count(b, (int64_t)view_brk(s, BRK_CREATORS, 0, "reached_minimum")),
             fmt_count(nc, s->ncreators));
    ui_put(y++, rx, rw, line, 1);
    snprintf(line, sizeof line, "cashed out at least once: %s",
             fmt_count(a, (int64_t)view_brk(s, BRK_CREATORS, 0, "cashed_out")));
    ui_put(y++, rx, rw, line, 1);
    view_mark(c, "reached_min", y - 2, rx, 2, rw);
    snprintf(line, sizeof line, "top 1%% (%lld) earned %s of all",
             (long long)((s->ncreators + 99) / 100),
             fmt_pct(a, view_brk(s, BRK_CREATORS, 0, "top1pct_share")));
    ui_put(y++, rx, rw, line, 1);
    supply(c, y, rx, rw);
}

static void creators(view_ctx *c)
{
    int lw = 40;
    int y = leaderboard(c, lw);
    if (c->s->nregions) {
        /* The payouts per region below the leaderboard, and the histogram
         * between them where there is room for both. */
        int need = view_region_payouts(c, 0, 0, lw, -1);
        if (y + 10 + need <= c->top + c->h) {
            histogram(c, y + 1, lw);
            y += 9;
        }
        view_region_payouts(c, y + 1, c->left, lw, c->top + c->h - y - 1);
    } else {
        histogram(c, y + 1, lw);
    }
    /* Right: the Lorenz curve and the counts. */
    int rx = c->left + lw + 2, rw = c->w - lw - 2;
    if (rw >= 20)
        lorenz(c, rx, rw);
}

/* ------------------------------------------------------------- pricing */

/* The app/web split from row y: cash in and purchases per channel in the
 * run, then the web's share of cash in, in the run and in this step (so a
 * price changed live shows at once); returns the row after them. */
static int channels(view_ctx *c, int y)
{
    const world_snap *s = c->s;
    const int64_t in = s->last.v[TS_CASH_IN], web = s->last.v[TS_WEB_CASH_IN];
    char a[FMT_BUF], b[FMT_BUF], d[FMT_BUF], e[FMT_BUF], line[200];
    snprintf(line, sizeof line, "channel split: in-app %s (%s packs)   web %s (%s packs)",
             fmt_usd_short(a, view_brk_raw(s, BRK_CHANNELS, 0, CHR_REVENUE)),
             fmt_count_short(b, (double)view_brk_raw(s, BRK_CHANNELS, 0, CHR_PURCHASES)),
             fmt_usd_short(d, view_brk_raw(s, BRK_CHANNELS, 1, CHR_REVENUE)),
             fmt_count_short(e, (double)view_brk_raw(s, BRK_CHANNELS, 1, CHR_PURCHASES)));
    ui_put(y++, c->left, c->w, line, 1);
    snprintf(line, sizeof line, "web share of cash in: so far %s, this step %s (%s of %s)",
             fmt_pct(a, view_brk(s, BRK_CHANNELS, 1, "revenue_share")),
             fmt_pct(b, in ? (double)web / (double)in : 0), fmt_usd_short(d, web),
             fmt_usd_short(e, in));
    ui_put(y++, c->left, c->w, line, 1);
    view_mark(c, "channels", y - 2, c->left, 2, c->w);
    return y;
}

/* The packs from the top of the area (without regions: every pack, its
 * price in USD); returns the row after them. */
static int pack_table(view_ctx *c)
{
    const world_snap *s = c->s;
    char a[FMT_BUF], b[FMT_BUF], d[FMT_BUF], e[FMT_BUF], line[200];
    int y = c->top;
    attron(A_BOLD);
    ui_put(y++, c->left, c->w,
           "pack        chan   coins+bonus    price  c/coin  purchases    revenue of chan", 1);
    attroff(A_BOLD);
    int ty = y;
    for (size_t k = 0; k < s->npacks && y < c->top + c->h - 6; k++) {
        const sc_pack *p = &s->packs[k];
        double per = (double)p->price / 1e4 / (double)(p->coins + p->bonus);
        snprintf(line, sizeof line, "%-11.11s %-4s %7lld+%-5lld %8s %7.3f %10s %10s %6s%s", p->name,
                 p->channel ? "web" : "app", (long long)p->coins, (long long)p->bonus,
                 fmt_usd(a, p->price), per,
                 fmt_count(b, view_brk_raw(s, BRK_PACKS, k, PR_PURCHASES)),
                 fmt_usd_short(d, view_brk_raw(s, BRK_PACKS, k, PR_REVENUE)),
                 fmt_pct(e, view_brk(s, BRK_PACKS, k, "share_of_channel_revenue")),
                 p->enabled ? "" : " off");
        if (!p->enabled)
            ui_attr_on(UI_DIM, c->color);
        ui_put(y++, c->left, c->w, line, 1);
        if (!p->enabled)
            ui_attr_off(UI_DIM, c->color);
    }
    view_mark(c, "packs", ty - 1, c->left, y - ty + 1, c->w);
    return y;
}

static void pricing(view_ctx *c)
{
    const world_snap *s = c->s;
    char a[FMT_BUF], b[FMT_BUF], d[FMT_BUF], line[200];
    /* With regions, the packs of the region shown and the cash in per
     * region, leaving room for the channels and a gift or more. */
    int y = s->nregions ? view_region_packs(c, 4) : pack_table(c);
    y = channels(c, y);

    /* Gift mix: the most sent gifts, and their share of the coins spent on
     * gifts and sinks (gifts.csv's coin_share). */
    int64_t gifts = 0;
    for (size_t g = 0; g < s->ngifts; g++)
        gifts += view_brk_raw(s, BRK_GIFTS, g, GR_SENT);
    attron(A_BOLD);
    ui_put(y++, c->left, c->w, "gift mix (most sent)   coins        sent  of gifts  of coins", 1);
    attroff(A_BOLD);
    int gy = y;
    size_t order[512];
    size_t ng = s->ngifts < 512 ? s->ngifts : 512;
    for (size_t g = 0; g < ng; g++)
        order[g] = g;
    for (size_t i = 1; i < ng; i++)
        for (size_t j = i; j > 0 && view_brk_raw(s, BRK_GIFTS, order[j], GR_SENT) >
                                        view_brk_raw(s, BRK_GIFTS, order[j - 1], GR_SENT);
             j--) {
            size_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    for (size_t i = 0; i < ng && y < c->top + c->h; i++) {
        size_t g = order[i];
        int64_t sent = view_brk_raw(s, BRK_GIFTS, g, GR_SENT);
        snprintf(line, sizeof line, "%-20.20s %7lld %11s %9s %9s", s->gifts[g].name,
                 (long long)s->gifts[g].coins, fmt_count(a, sent),
                 fmt_pct(b, gifts ? (double)sent / (double)gifts : 0),
                 fmt_pct(d, view_brk(s, BRK_GIFTS, g, "coin_share")));
        ui_put(y++, c->left, c->w, line, 1);
    }
    view_mark(c, "gift_mix", gy - 1, c->left, y - gy + 1, c->w);
}

/* ------------------------------------------------------------- viewers */

static void viewers(view_ctx *c)
{
    const world_snap *s = c->s;
    char a[FMT_BUF], b[FMT_BUF], d[FMT_BUF], e[FMT_BUF], f[FMT_BUF], line[200];
    int y = c->top;
    int64_t spend = 0, payers = 0;
    for (size_t i = 0; i < s->nsegs; i++) {
        spend += view_brk_raw(s, BRK_SEGMENTS, i, SR_SPEND);
        payers += view_brk_raw(s, BRK_SEGMENTS, i, SR_PAYERS);
    }
    attron(A_BOLD);
    ui_put(y++, c->left, c->w,
           "segment   viewers payers   rate    spend  share    ARPPU wallets   lost  churn", 1);
    attroff(A_BOLD);
    int ty = y;
    for (size_t i = 0; i < s->nsegs && y < c->top + c->h - 6; i++) {
        /* segments.csv's figures, by the same code */
        int64_t np = view_brk_raw(s, BRK_SEGMENTS, i, SR_PAYERS);
        char rate[FMT_BUF], w[FMT_BUF], lost[FMT_BUF], ch[FMT_BUF];
        snprintf(line, sizeof line, "%-8.8s %8s %6s %6s %8s %6s %8s %7s %6s %6s", s->segs[i].name,
                 fmt_count_short(a, view_brk(s, BRK_SEGMENTS, i, "viewers")),
                 fmt_count_short(b, (double)np),
                 fmt_pct(rate, view_brk(s, BRK_SEGMENTS, i, "payer_rate")),
                 fmt_usd_short(d, view_brk_raw(s, BRK_SEGMENTS, i, SR_SPEND)),
                 fmt_pct(e, view_brk(s, BRK_SEGMENTS, i, "spend_share")),
                 np ? fmt_usd_short(f, view_micro(view_brk(s, BRK_SEGMENTS, i, "arppu_usd"))) : "-",
                 fmt_count_short(w, view_brk(s, BRK_SEGMENTS, i, "wallet_coins")),
                 fmt_count_short(lost, view_brk(s, BRK_SEGMENTS, i, "lost_intents")),
                 fmt_count_short(ch, view_brk(s, BRK_SEGMENTS, i, "churned")));
        ui_put(y, c->left, c->w, line, 1);
        view_mark(c, s->segs[i].name, y, c->left, 1, c->w);
        y++;
    }
    view_mark(c, "segments", ty - 1, c->left, y - ty + 1, c->w);
    if (s->nsegs == 0)
        ui_put(y++, c->left, c->w, "(an event log does not say which segment a viewer is in)", 1);
    y++;
    snprintf(line, sizeof line, "all: %s payers of %s viewers who existed (%s)",
             fmt_count(a, payers), fmt_count(b, s->viewers_existed),
             fmt_pct(d, s->viewers_existed ? (double)payers / (double)s->viewers_existed : 0));
    ui_put(y++, c->left, c->w, line, 1);
    snprintf(line, sizeof line, "     spend %s, ARPPU %s", fmt_usd_short(e, spend),
             payers ? fmt_usd_short(f, kpi_arppu(spend, payers)) : "-");
    ui_put(y++, c->left, c->w, line, 1);
    view_mark(c, "all_viewers", y - 2, c->left, 2, c->w);
    y++;
    ui_put(y++, c->left, c->w, "rate: payers over viewers who existed (churn replacements count)",
           1);
    ui_put(y++, c->left, c->w, "wallets: coins unspent now; lost: gift intents given up;", 1);
    ui_put(y++, c->left, c->w, "churn: viewers who left (replaced by new ones with empty wallets)",
           1);
}

void view_draw(int view, view_ctx *c)
{
    c->nanchor = 0;
    switch (view) {
    case VIEW_OVERVIEW: overview(c); break;
    case VIEW_FLOW: flow(c); break;
    case VIEW_CREATORS: creators(c); break;
    case VIEW_PRICING: pricing(c); break;
    default: viewers(c); break;
    }
}

/* Help lines are long: some are one literal split in two by the layout.
 * NOLINTBEGIN(bugprone-suspicious-missing-comma) */
static const char *const help_overview[] = {
    "Overview: the run shown, step by step, over the band of all runs.",
    "cash in: what viewers paid for coin packs; fees: the store's cut.",
    "creator earnings: diamonds credited, in dollars; payouts: net of fees.",
    "platform cash: the opening cash, plus cash in, less fees and payouts.",
    "coin liability: what the coins in wallets will cost in credit if gifted.",
    "diamond liability: the pending diamonds' value.",
    "margin: cash less both liabilities, less the same at the opening.",
    "payers: viewers who bought at least once. ARPPU: cash in per payer. lost intents: too few "
    "coins for a gift, and bought nothing.",
    NULL};
static const char *const help_flow[] = {
    "Flow: where a viewer's dollar goes, top to bottom.",
    "Viewers pay; the app store or web processor keeps its fee; the platform gets the rest. The "
    "coins land in wallets, with free coins granted to active viewers (nobody paid for them).",
    "Coins leave wallets as gifts (each worth the coin value) or on sinks (they credit nobody: "
    "their value stays with the platform), stay unspent, or are lost when a viewer leaves "
    "(breakage).",
    "The commission is the part of a gift's value not credited to the creator.",
    "Creators hold diamonds; once worth the minimum they may cash out (up to the daily limit); "
    "payout fees come off, the rest reaches their bank.",
    "Platform cash = the opening cash plus what it received less gross payouts.",
    NULL};
static const char *const help_creators[] = {
    "Creators: who earns. Earnings are diamonds credited, cashed out or not.",
    "Leaderboard: the ten biggest earners in the run shown and their value.",
    "Histogram: how many creators earned how much so far.",
    "Lorenz curve: the share of all earnings held by the poorest x% of creators, at every tenth "
    "(creators.csv's decile shares); the diagonal is equality. Gini: 0 all equal, 1 one "
    "creator has it all.",
    "Reached the minimum: creators whose diamonds were ever worth the minimum withdrawal (they "
    "cashed out, or could now).",
    "live: creators live in this step; the chance of each at the take per coin now (the "
    "commission moves it).",
    "sessions missed: the creator chosen was not live, and the viewer did not switch. So far: "
    "over all sessions of the run.",
    NULL};
static const char *const help_pricing[] = {
    "Pricing: which packs sell, at what price per coin.",
    "coins+bonus: coins in the pack and bonus coins. c/coin: cents per coin.",
    "purchases: packs bought (a viewer may buy several at once to cover a gift).",
    "revenue and of chan: money from this pack, and its share of its channel's revenue "
    "(pack_sales.csv's share_of_channel_revenue).",
    "Channel split: cash in and packs bought in-app (store fee) and on the web (processor fee) in "
    "the run. Web share of cash in: in the run and in this step, which shows a price change (p) "
    "at once.",
    "Gift mix: the most sent gifts, their share of gifts sent and of all coins spent on gifts "
    "and sinks (gifts.csv's coin_share).",
    NULL};
static const char *const help_viewers[] = {
    "Viewers: each segment of the audience, with the figures of segments.csv.",
    "viewers: those who existed in the run, the segment's size plus churn replacements.",
    "payers (rate): viewers who bought, over every viewer who existed in the segment (churn "
    "replacements included).",
    "spend, of spend: money paid, and its share of all viewers' spend.",
    "ARPPU: spend per payer. wallets: coins unspent now.",
    "lost: gift intents given up. churn: viewers who left (their coins are breakage).",
    NULL};
/* With regions (regions.csv), after the view's own lines. */
static const char *const help_creators_regions[] = {
    "Payouts by region: its creators; net USD, what reached their banks after the payout fees "
    "and the FX fee; FX fees, the conversion spread; below, what reached their banks in its "
    "currency, in all and per creator. [ ] marks the region shown (g next, G previous).",
    NULL};
static const char *const help_pricing_regions[] = {
    "With regions: the packs of the region shown (g next, G previous), priced in its currency "
    "and in USD at the rate now. Cash in by region: in USD at each step's rate, and its share; "
    "the one shown, in [ ], also in its currency. x/X: its rate +/-5%; f/F: its FX fee.",
    NULL};
/* NOLINTEND(bugprone-suspicious-missing-comma) */

const char *const *view_help(int view)
{
    static const char *const *const h[VIEW_N] = {help_overview, help_flow, help_creators,
                                                 help_pricing, help_viewers};
    return h[view < 0 || view >= VIEW_N ? 0 : view];
}

const char *const *view_help_regions(int view)
{
    return view == VIEW_PRICING    ? help_pricing_regions
           : view == VIEW_CREATORS ? help_creators_regions
                                   : NULL;
}
