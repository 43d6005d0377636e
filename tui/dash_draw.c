/* dash_draw — the dashboard's screen: the title line and the view tabs,
 * the view itself (views.c), the tour's box over it, the overlays (help,
 * the list of changes, the pack and save forms) and the footer. Drawn only
 * from the snapshot of the run shown and the band. */
#define _POSIX_C_SOURCE 200809L
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "../sim/num.h"
#include "../sim/rules.h"
#include "dash_int.h"
#include "fmt.h"
#include "tour.h"
#include "ui.h"
#include "views.h"

/* ---------------------------------------------------------- furniture */

static void frame_box(int y, int x, int h, int w, int ascii)
{
    for (int r = y; r < y + h; r++) {
        move(r, x);
        for (int c = 0; c < w; c++)
            addch(' ');
    }
    const char *hz = ascii ? "-" : "\xE2\x94\x80", *vt = ascii ? "|" : "\xE2\x94\x82";
    for (int c = x + 1; c < x + w - 1; c++) {
        mvaddstr(y, c, hz);
        mvaddstr(y + h - 1, c, hz);
    }
    for (int r = y + 1; r < y + h - 1; r++) {
        mvaddstr(r, x, vt);
        mvaddstr(r, x + w - 1, vt);
    }
    mvaddstr(y, x, ascii ? "+" : "\xE2\x94\x8C");
    mvaddstr(y, x + w - 1, ascii ? "+" : "\xE2\x94\x90");
    mvaddstr(y + h - 1, x, ascii ? "+" : "\xE2\x94\x94");
    mvaddstr(y + h - 1, x + w - 1, ascii ? "+" : "\xE2\x94\x98");
}

/* A framed box with a bold title on its top edge. */
static void titled_box(int y, int x, int h, int w, int ascii, const char *title)
{
    frame_box(y, x, h, w, ascii);
    attron(A_BOLD);
    mvaddstr(y, x + 2, title);
    attroff(A_BOLD);
}

/* Word-wrap text into the box's rows (or only count them when y < 0);
 * returns rows used. */
static int wrap(int y, int x, int w, int maxrows, const char *text)
{
    int rows = 0;
    const char *p = text;
    while (*p && rows < maxrows) {
        int len = 0, cut = 0;
        while (len < w && p[len]) {
            if (p[len] == ' ')
                cut = len;
            len++;
        }
        if (!p[len] || !cut)
            cut = len;
        if (y >= 0)
            mvaddnstr(y + rows, x, p, cut);
        p += cut;
        while (*p == ' ')
            p++;
        rows++;
    }
    return rows;
}

/* ------------------------------------------------------------- title */

static void speed_text(const dash *d, char *buf, size_t n)
{
    int sp = dash_speeds[d->speed];
    if (d->paused)
        snprintf(buf, n, "%s paused", d->o.ascii ? "||" : "\xE2\x8F\xB8");
    else if (dash_over(d))
        snprintf(buf, n, "done");
    else if (sp)
        snprintf(buf, n, "%s %d/s", d->o.ascii ? ">" : "\xE2\x96\xB6", sp);
    else
        snprintf(buf, n, "%s max %.0f/s", d->o.ascii ? ">>" : "\xE2\x8F\xA9", d->last_rate);
}

static void band_text(const dash *d, char *buf, size_t n)
{
    int64_t done, total;
    int running = dash_bg_progress(d->bg, &done, &total);
    if (d->o.replay)
        snprintf(buf, n, "replay");
    else if (dash_bg_band(d->bg))
        snprintf(buf, n, "band of %lld", (long long)total);
    else if (running)
        snprintf(buf, n, "runs %lld/%lld", (long long)done, (long long)total);
    else
        snprintf(buf, n, "no band");
}

/* The commission now, and the one the next step will take if it differs. */
static void commission_text(const dash *d, char *buf, size_t n)
{
    char v[FMT_BUF], nv[FMT_BUF];
    int64_t now = dash_tables(d)->p.commission, next = dash_next_commission(d);
    if (next != now)
        snprintf(buf, n, "%s%s%s", fmt_pct(v, now / 1e6), d->o.ascii ? "->" : "\xE2\x86\x92",
                 fmt_pct(nv, next / 1e6));
    else
        snprintf(buf, n, "%s", fmt_pct(v, now / 1e6));
}

static void run_text(const dash *d, char *buf, size_t n)
{
    if (d->o.replay) {
        const char *b = strrchr(d->o.replay, '/');
        snprintf(buf, n, "log %s", b ? b + 1 : d->o.replay);
    } else {
        snprintf(buf, n, "run %llu/%lld", (unsigned long long)dash_run_number(d->run),
                 (long long)d->sc->t.p.runs);
    }
}

static void draw_tabs(const dash *d)
{
    move(1, 0);
    clrtoeol();
    int x = 1;
    for (int i = 0; i < VIEW_N; i++) {
        char t[40];
        snprintf(t, sizeof t, " %d %s ", i + 1, view_names[i]);
        if (i == d->view)
            ui_attr_on(UI_HILITE, d->color);
        mvaddstr(1, x, t);
        if (i == d->view)
            ui_attr_off(UI_HILITE, d->color);
        x += (int)strlen(t) + 1;
    }
}

static void draw_title(const dash *d)
{
    char line[800], spd[64], bandtxt[64], comm[64], run[200];
    speed_text(d, spd, sizeof spd);
    band_text(d, bandtxt, sizeof bandtxt);
    commission_text(d, comm, sizeof comm);
    run_text(d, run, sizeof run);
    snprintf(line, sizeof line, " %.200s | %s | step %lld/%lld | %s | commission %s | %s",
             d->sc->t.p.name, run, (long long)dash_steps_done(d),
             (long long)dash_tables(d)->p.steps, spd, comm, bandtxt);
    ui_attr_on(UI_TITLE, d->color);
    ui_put(0, 0, COLS, line, 1);
    ui_attr_off(UI_TITLE, d->color);
    draw_tabs(d);
}

/* The keys on the last row: all of them on a wide terminal, the most used
 * on a narrow one; g with regions, where speed gives way to it. */
static const char *footer_keys(const dash *d)
{
    if (d->tour)
        return " Enter next  Backspace back  Esc end tour  q quit";
    if (dash_tables(d)->nregions)
        return COLS >= 128 ? " space pause  . step  +/- speed  [ ] commission  p pack  g region  t "
                             "changes  s save  r reseed  n/N run  ? help  q quit"
                           : " space pause  . step  [ ] commission  p pack  g region  s save  ? "
                             "help  q quit";
    return COLS >= 118
               ? " space pause  . step  +/- speed  [ ] commission  p pack  t changes  s save  r "
                 "reseed  n/N run  ? help  q quit"
               : " space pause  . step  +/- speed  [ ] commission  p pack  s save  ? help  q quit";
}

static void draw_footer(const dash *d)
{
    const char *hint = footer_keys(d);
    move(LINES - 1, 0);
    clrtoeol();
    if (d->status[0] && dash_now() < d->status_until) {
        ui_attr_on(UI_LINE, d->color);
        ui_put(LINES - 1, 0, COLS, d->status, 1);
        ui_attr_off(UI_LINE, d->color);
    } else {
        ui_attr_on(UI_KEY, d->color);
        ui_put(LINES - 1, 0, COLS, hint, 1);
        ui_attr_off(UI_KEY, d->color);
    }
}

/* ---------------------------------------------------------- overlays */

/* The help: every number on the view, then the keys if there is room. */
static void draw_help(const dash *d, int x, int w)
{
    int regions = dash_tables(d)->nregions > 0;
    char keys[600];
    snprintf(keys, sizeof keys, "%s%s%s",
             "keys: 1-5 or Tab views, space pause, . one step, +/- speed, [ ] commission "
             "-/+ 1 point, p edit a pack, ",
             regions ? "g/G the next/previous region, " : "",
             "t changes, s save the session, r new seed, n/N next/previous run, ? this help, q "
             "quit. Changes apply at the next step, as timeline rows.");
    const char *const *h = view_help(d->view);
    const char *const *hr = regions ? view_help_regions(d->view) : NULL;
    int tw = w - 4, n = 0, room = LINES - 4;
    for (int i = 0; h[i]; i++)
        n += wrap(-1, 0, tw, 99, h[i]);
    for (int i = 0; hr && hr[i]; i++)
        n += wrap(-1, 0, tw, 99, hr[i]);
    int nk = wrap(-1, 0, tw, 99, keys);
    if (n + nk + 1 > room)
        nk = 0;
    int y = (LINES - n - nk - 5) / 2;
    if (y < 0)
        y = 0;
    titled_box(y, x, n + nk + 4 + (nk ? 1 : 0), w, d->o.ascii,
               " help: every number on this view (? or Esc closes) ");
    int r = y + 2;
    for (int i = 0; h[i] && r < LINES - 2; i++)
        r += wrap(r, x + 2, tw, LINES - 2 - r, h[i]);
    for (int i = 0; hr && hr[i] && r < LINES - 2; i++)
        r += wrap(r, x + 2, tw, LINES - 2 - r, hr[i]);
    if (nk) {
        ui_attr_on(UI_KEY, d->color);
        wrap(r + 1, x + 2, tw, nk, keys);
        ui_attr_off(UI_KEY, d->color);
    }
}

/* The timeline: rows from the scenario and live ones, by step. */
static void draw_changes(const dash *d, int x, int w)
{
    int n = (int)d->sc->ntl, h = (n < LINES - 8 ? n : LINES - 8) + 4, y = (LINES - h) / 2;
    titled_box(y, x, h, w, d->o.ascii, " timeline: changes by step (t or Esc closes) ");
    if (!n)
        ui_put(y + 2, x + 2, w - 4, "no changes yet: [ ] change the commission, p a pack", 0);
    for (int i = 0; i < n && i < h - 4; i++) {
        const sc_tlrow *r = &d->sc->timeline[d->sc->tl_order[i]];
        char line[400];
        snprintf(line, sizeof line, "step %-5lld %s = %s%s", (long long)r->step, r->c.target,
                 r->c.value, r->line == 0 ? "   (live)" : "");
        ui_put(y + 2 + i, x + 2, w - 4, line, 0);
    }
}

/* A pack's price as the form shows it: exact, in USD or in its region's
 * currency. */
static void form_price(const dash *d, size_t k, char *buf, size_t n)
{
    const sc_region *r = dash_pack_region(d, k);
    char v[NUM_BUF];
    num_fmt_short(v, dash_tables(d)->packs[k].price);
    if (r && strcmp(r->currency, "USD") != 0)
        snprintf(buf, n, "%.8s %s", r->currency, v);
    else
        snprintf(buf, n, "$%s", v);
}

/* Below the field: for a price in another currency than USD, what the
 * value typed is worth in USD at the rate now. */
static void form_note(const dash *d, char *buf, size_t n)
{
    const sc_region *r = d->pack_field ? NULL : dash_pack_region(d, (size_t)d->pack_sel);
    char rate[FMT_BUF], usd[FMT_BUF];
    int64_t v, u = -1;
    const char *why;
    if (!r || strcmp(r->currency, "USD") == 0) {
        snprintf(buf, n, "applies at the next step, as a timeline row");
        return;
    }
    if (num_parse_dec(d->edit, &v, &why) == 0 && v >= 0)
        u = rules_to_usd(v, r->per_usd);
    fmt_decimal(rate, r->per_usd);
    if (u >= 0)
        snprintf(buf, n, "in %.8s, %s at %s to the dollar; applies at the next step", r->currency,
                 fmt_usd(usd, u), rate);
    else
        snprintf(buf, n, "in %.8s, %s to the dollar; applies at the next step", r->currency, rate);
}

/* The pack form: the packs of the region shown (the one chosen
 * highlighted), then the field. */
static void draw_pack(const dash *d, int x, int w)
{
    const sc_tables *t = dash_tables(d);
    int n = 0, sel = 0;
    for (size_t k = 0; k < t->npacks; k++)
        if (dash_pack_shown(d, k)) {
            if ((int)k == d->pack_sel)
                sel = n;
            n++;
        }
    int h = (n < LINES - 10 ? n : LINES - 10) + 6, y = (LINES - h) / 2;
    titled_box(y, x, h, w, d->o.ascii,
               " edit a pack: Up/Down pack, Tab field, type, Enter apply, Esc cancel ");
    int first = sel - (h - 6) + 1, pw = 10;
    if (first < 0)
        first = 0;
    for (size_t k = 0; k < t->npacks; k++)
        if (dash_pack_shown(d, k)) {
            char price[NUM_BUF + 16];
            form_price(d, k, price, sizeof price);
            pw = (int)strlen(price) > pw ? (int)strlen(price) : pw;
        }
    for (size_t k = 0, i = 0; k < t->npacks; k++) {
        if (!dash_pack_shown(d, k))
            continue;
        if ((int)i >= first && (int)i - first < h - 6) {
            const sc_pack *p = &t->packs[k];
            char line[300], price[NUM_BUF + 16];
            form_price(d, k, price, sizeof price);
            snprintf(line, sizeof line, "%-12s %-3s %8lld coins  +%-6lld bonus  %-*s %s", p->name,
                     p->channel ? "web" : "app", (long long)p->coins, (long long)p->bonus, pw,
                     price, p->enabled ? "on" : "off");
            if ((int)k == d->pack_sel)
                ui_attr_on(UI_HILITE, d->color);
            ui_put(y + 2 + (int)i - first, x + 2, w - 4, line, 1);
            if ((int)k == d->pack_sel)
                ui_attr_off(UI_HILITE, d->color);
        }
        i++;
    }
    char line[400];
    snprintf(line, sizeof line, "%s.%s = %s_", t->packs[d->pack_sel].name, dash_pack_field(d),
             d->edit);
    ui_put(y + h - 3, x + 2, w - 4, line, 1);
    form_note(d, line, sizeof line);
    ui_put(y + h - 2, x + 2, w - 4, line, 1);
}

static void draw_save(const dash *d, int x, int w)
{
    int y = LINES / 2 - 3;
    titled_box(y, x, 6, w, d->o.ascii,
               " save the session as a scenario (Enter saves, Esc cancels) ");
    char line[400];
    snprintf(line, sizeof line, "directory: %s_", d->edit);
    ui_put(y + 2, x + 2, w - 4, line, 1);
    ui_put(y + 3, x + 2, w - 4, "the tables as loaded, and every change as a timeline row", 1);
}

static void draw_overlay(const dash *d)
{
    int w = COLS > 84 ? 80 : COLS - 4, x = (COLS - w) / 2;
    switch (d->mode) {
    case M_HELP: draw_help(d, x, w); break;
    case M_CHANGES: draw_changes(d, x, w); break;
    case M_PACK: draw_pack(d, x, w); break;
    case M_SAVE: draw_save(d, x, w); break;
    default: break;
    }
}

/* The tour's stop: its part of the view highlighted, its text in a box
 * where the highlight is not. */
static void draw_tour(const dash *d, const view_ctx *vc)
{
    const tour_stop *t = &tour_stops[d->tour_stop];
    const view_anchor *a = t->anchor ? view_find(vc, t->anchor) : NULL;
    if (a)
        for (int r = a->y; r < a->y + a->h; r++)
            mvchgat(r, a->x, a->w, A_REVERSE | A_BOLD, d->color ? UI_HILITE : 0, NULL);
    int w = COLS > 84 ? 78 : COLS - 2, x = (COLS - w) / 2;
    int h = wrap(-1, 0, w - 4, 20, t->text) + 2;
    int y = (a && a->y > LINES / 2) ? 2 : LINES - h - 1;
    char title[200];
    snprintf(title, sizeof title, " tour %d/%d: %s ", d->tour_stop + 1, tour_nstops, t->title);
    titled_box(y, x, h, w, d->o.ascii, title);
    wrap(y + 1, x + 2, w - 4, h - 2, t->text);
}

/* ------------------------------------------------------------- screen */

static void draw_too_small(void)
{
    char m[120];
    snprintf(m, sizeof m, "terminal too small: %dx%d (coinsim needs at least 80x24)", COLS, LINES);
    mvaddstr(LINES / 2, COLS > (int)strlen(m) ? (COLS - (int)strlen(m)) / 2 : 0, m);
    mvaddstr(LINES / 2 + 1, 0, "q quits");
}

void dash_draw(dash *d)
{
    erase();
    if (LINES < 24 || COLS < 80) {
        draw_too_small();
        refresh();
        return;
    }
    draw_title(d);
    view_ctx vc;
    memset(&vc, 0, sizeof vc);
    vc.s = dash_run_snap(d->run);
    for (int k = 0; k < SER_N; k++)
        vc.series[k] = dash_run_series(d->run, k);
    vc.b = d->o.replay ? NULL : dash_bg_band(d->bg);
    vc.replay = d->o.replay != NULL;
    vc.region = d->region;
    vc.top = 2;
    vc.left = 1;
    vc.h = LINES - 3;
    vc.w = COLS - 2;
    vc.ascii = d->o.ascii;
    vc.color = d->color;
    view_draw(d->view, &vc);
    if (d->tour)
        draw_tour(d, &vc);
    draw_overlay(d);
    draw_footer(d);
    refresh();
}
