/* views_region — the regions' parts of the views (docs/model.md §8), drawn
 * only for a scenario with regions.csv: in the Pricing view the packs of
 * the region shown at their local price and in dollars at the rate now,
 * and every region's cash in; in the Creators view the payouts per region
 * in dollars and in each region's currency. The region shown is the
 * dashboard's (g cycles it); here it is only marked. */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "../sim/num.h"
#include "../sim/rules.h"
#include "fmt.h"
#include "ui.h"
#include "views_int.h"

/* The region shown, within the snapshot's regions. */
static size_t shown(const view_ctx *c)
{
    return c->region > 0 && (size_t)c->region < c->s->nregions ? (size_t)c->region : 0;
}

/* Places after the point in amounts of a currency: none where a dollar
 * buys a hundred units or more (IDR, JPY), else cents. */
static int decimals(const sc_region *r) { return r->per_usd >= 100 * NUM_MICRO ? 0 : 2; }

static int is_usd(const sc_region *r) { return strcmp(r->currency, "USD") == 0; }

/* The index of pack k's region (the scenario's lookup, on the regions
 * copied into the snapshot). */
static size_t pack_region(const world_snap *s, size_t k)
{
    sc_tables t;
    memset(&t, 0, sizeof t);
    t.regions = s->regions;
    t.nregions = s->nregions;
    long r = scenario_region_of(&t, s->packs[k].region);
    return r < 0 ? 0 : (size_t)r;
}

/* A region's name, in brackets when it is the one shown. */
static const char *region_label(const view_ctx *c, size_t r, char *buf, size_t n)
{
    snprintf(buf, n, r == shown(c) ? "[%.20s]" : "%.20s", c->s->regions[r].name);
    return buf;
}

/* ------------------------------------------------------------- pricing */

/* The region shown, its rate and FX fee, and the key to another: a line. */
static void region_line(view_ctx *c, int y)
{
    const sc_region *r = &c->s->regions[shown(c)];
    char per[FMT_BUF], rate[FMT_BUF * 2], fee[FMT_BUF], line[200];
    if (is_usd(r))
        snprintf(rate, sizeof rate, "USD");
    else
        snprintf(rate, sizeof rate, "$1 = %.8s %s", r->currency, fmt_decimal(per, r->per_usd));
    snprintf(line, sizeof line, "region %.20s (%zu of %zu): %s, FX fee %s   g next region", r->name,
             shown(c) + 1, c->s->nregions, rate, fmt_pct(fee, (double)r->fx_fee / 1e6));
    attron(A_BOLD);
    ui_put(y, c->left, c->w, line, 1);
    attroff(A_BOLD);
    view_mark(c, "region", y, c->left, 1, c->w);
}

/* The cash in of every region, in dollars and as a share of all, the
 * region shown also in its currency, wrapped over lines from row y; only
 * counts the lines when draw is 0. Returns the lines. */
static int cash_lines(view_ctx *c, int y, int draw)
{
    const world_snap *s = c->s;
    char line[400], piece[200], name[32], a[FMT_BUF], b[FMT_BUF], d[FMT_BUF];
    int n = 0, w = c->w < (int)sizeof line - 1 ? c->w : (int)sizeof line - 1;
    snprintf(line, sizeof line, "cash in by region:");
    for (size_t r = 0; r < s->nregions; r++) {
        const sc_region *g = &s->regions[r];
        int len = snprintf(piece, sizeof piece, "  %s %s %s", region_label(c, r, name, sizeof name),
                           fmt_usd_short(a, view_brk_raw(s, BRK_REGIONS, r, RR_CASH_USD)),
                           fmt_pct(b, view_brk(s, BRK_REGIONS, r, "cash_in_share")));
        if (r == shown(c) && !is_usd(g))
            snprintf(piece + len, sizeof piece - (size_t)len, " = %s",
                     fmt_money_short(d, view_brk_raw(s, BRK_REGIONS, r, RR_CASH_LOCAL), g->currency,
                                     decimals(g)));
        if ((int)(strlen(line) + strlen(piece)) > w && strlen(line) > 2) {
            if (draw)
                ui_put(y + n, c->left, c->w, line, 1);
            n++;
            snprintf(line, sizeof line, "%s", piece);
        } else {
            strncat(line, piece, sizeof line - strlen(line) - 1);
        }
    }
    if (draw)
        ui_put(y + n, c->left, c->w, line, 1);
    return n + 1;
}

/* The widest local price of the packs of the region shown, at least wide
 * enough for its heading. */
static int price_width(const view_ctx *c)
{
    const world_snap *s = c->s;
    const sc_region *g = &s->regions[shown(c)];
    char a[FMT_BUF];
    int w = 5;
    for (size_t k = 0; k < s->npacks; k++)
        if (pack_region(s, k) == shown(c)) {
            int n = (int)strlen(fmt_money(a, s->packs[k].price, g->currency, decimals(g)));
            w = n > w ? n : w;
        }
    return w;
}

/* One pack of the region shown at row y. */
static void pack_row(view_ctx *c, int y, size_t k, int pw)
{
    const world_snap *s = c->s;
    const sc_region *g = &s->regions[shown(c)];
    const sc_pack *p = &s->packs[k];
    char a[FMT_BUF], b[FMT_BUF], d[FMT_BUF], e[FMT_BUF], per[16], line[300];
    int64_t usd = rules_to_usd(p->price, g->per_usd);
    if (usd >= 0)
        snprintf(per, sizeof per, "%6.3f", (double)usd / 1e4 / (double)(p->coins + p->bonus));
    else
        snprintf(per, sizeof per, "-");
    snprintf(line, sizeof line, "%-11.11s %-4s %6lld+%-4lld %*s %8s %6s %9s %9s%s", p->name,
             p->channel ? "web" : "app", (long long)p->coins, (long long)p->bonus, pw,
             fmt_money(a, p->price, g->currency, decimals(g)), usd >= 0 ? fmt_usd(b, usd) : "-",
             per, fmt_count(d, view_brk_raw(s, BRK_PACKS, k, PR_PURCHASES)),
             fmt_usd_short(e, view_brk_raw(s, BRK_PACKS, k, PR_REVENUE)), p->enabled ? "" : " off");
    if (!p->enabled)
        ui_attr_on(UI_DIM, c->color);
    ui_put(y, c->left, c->w, line, 1);
    if (!p->enabled)
        ui_attr_off(UI_DIM, c->color);
}

int view_region_packs(view_ctx *c, int keep)
{
    const world_snap *s = c->s;
    char line[300];
    int y = c->top, pw = price_width(c);
    int cash = cash_lines(c, 0, 0);
    region_line(c, y++);
    snprintf(line, sizeof line, "%-11s %-4s %11s %*s %8s %6s %9s %9s", "pack", "chan",
             "coins+bonus", pw, "price", "in USD", "c/coin", "purchases", "revenue");
    attron(A_BOLD);
    ui_put(y++, c->left, c->w, line, 1);
    attroff(A_BOLD);
    int ty = y;
    for (size_t k = 0; k < s->npacks && y < c->top + c->h - keep - cash; k++)
        if (pack_region(s, k) == shown(c))
            pack_row(c, y++, k, pw);
    if (y == ty)
        ui_put(y++, c->left, c->w, "(no packs in this region)", 1);
    view_mark(c, "packs", ty - 1, c->left, y - ty + 1, c->w);
    cash_lines(c, y, 1);
    view_mark(c, "region_cash", y, c->left, cash, c->w);
    return y + cash;
}

/* ------------------------------------------------------------ creators */

/* What region r's creators were paid in its currency, in all and per
 * creator, as a line w wide: in full if it fits, else compactly. */
static void paid_line(const view_ctx *c, size_t r, int w, char *line, size_t n)
{
    const world_snap *s = c->s;
    const sc_region *g = &s->regions[r];
    int64_t all = view_brk_raw(s, BRK_REGIONS, r, RR_PAID_LOCAL);
    int64_t each = view_micro(view_brk(s, BRK_REGIONS, r, "payout_per_creator_local"));
    char a[FMT_BUF], b[FMT_BUF];
    snprintf(line, n, "  %s paid, %s each", fmt_money(a, all, g->currency, decimals(g)),
             view_brk_raw(s, BRK_REGIONS, r, RR_CREATORS)
                 ? fmt_money(b, each, g->currency, decimals(g))
                 : "-");
    if ((int)strlen(line) > w)
        snprintf(line, n, "  %s paid, %s each", fmt_money_short(a, all, g->currency, decimals(g)),
                 fmt_money_short(b, each, g->currency, decimals(g)));
}

int view_region_payouts(view_ctx *c, int y, int x, int w, int rows)
{
    const world_snap *s = c->s;
    int need = 1 + 2 * (int)s->nregions;
    if (rows < 0)
        return need;
    if (rows < 3)
        return 0;
    char line[300], name[32], a[FMT_BUF], b[FMT_BUF], d[FMT_BUF];
    /* As many regions as fit, the one shown among them. */
    size_t fit = (size_t)(rows - 1) / 2, first = shown(c) >= fit ? shown(c) - fit + 1 : 0;
    snprintf(line, sizeof line, "%-9s %8s %11s %9s", "payouts", "creators", "net USD", "FX fees");
    attron(A_BOLD);
    ui_put(y, x, w, line, 1);
    attroff(A_BOLD);
    int y0 = y++;
    for (size_t r = first; r < s->nregions && r < first + fit; r++) {
        int64_t net = view_brk_raw(s, BRK_REGIONS, r, RR_NET);
        fmt_usd(b, net);
        if (strlen(b) > 11)
            fmt_usd_short(b, net);
        snprintf(line, sizeof line, "%-9.9s %8s %11s %9s", region_label(c, r, name, sizeof name),
                 fmt_count(a, view_brk_raw(s, BRK_REGIONS, r, RR_CREATORS)), b,
                 fmt_usd_short(d, view_brk_raw(s, BRK_REGIONS, r, RR_FX)));
        ui_put(y++, x, w, line, 1);
        paid_line(c, r, w, line, sizeof line);
        ui_put(y++, x, w, line, 1);
    }
    view_mark(c, "region_payouts", y0, x, y - y0, w);
    return y - y0;
}
