/* dash_keys — what each key does: typing in the pack and save forms, the
 * tour's Enter, Backspace and Esc, closing the help and the list of
 * changes, and the dashboard's own keys; and the tour's moves between its
 * stops. */
#define _POSIX_C_SOURCE 200809L
#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../sim/num.h"
#include "dash_int.h"
#include "tour.h"
#include "views.h"

static int is_enter(int ch) { return ch == '\n' || ch == KEY_ENTER; }

static int is_backspace(int ch) { return ch == KEY_BACKSPACE || ch == 127 || ch == 8; }

/* ---------------------------------------------------------------- tour */

/* Cut the in-app packs' prices by 20% and run 30 steps: the tour's one
 * change, made the first time its stop is reached. */
static void tour_price_cut(dash *d)
{
    const sc_tables *t = dash_tables(d);
    for (size_t k = 0; k < t->npacks; k++) {
        if (t->packs[k].channel != CH_APP)
            continue;
        char target[300], v[NUM_BUF];
        snprintf(target, sizeof target, "packs.%s.%s", t->packs[k].name, dash_price_field(d, k));
        /* 20% off, to the nearest hundredth of its currency (a cent) */
        dash_change(d, target,
                    num_fmt_short(v, (t->packs[k].price * 8 / 10 + 5000) / 10000 * 10000));
    }
    for (int i = 0; i < 30 && dash_step(d) == 0; i++)
        ;
    dash_snapshot(d);
}

static void tour_enter(dash *d, int stop)
{
    d->tour_stop = stop;
    d->view = tour_stops[stop].view;
    d->paused = 1;
    if (tour_stops[stop].action == TOUR_PRICE_CUT && !(d->tour_done_action & (1 << stop))) {
        d->tour_done_action |= 1 << stop;
        tour_price_cut(d);
    }
}

void dash_tour_start(dash *d)
{
    d->tour = 1;
    for (int i = 0; i < 30 && dash_step(d) == 0; i++)
        ;
    dash_snapshot(d);
    tour_enter(d, 0);
}

/* During the tour: Enter or space on, Backspace back, Esc ends it. Returns
 * whether ch was the tour's (every key is, but q and a resize). */
static int tour_key(dash *d, int ch)
{
    if (is_enter(ch) || ch == ' ') {
        if (d->tour_stop + 1 < tour_nstops)
            tour_enter(d, d->tour_stop + 1);
        else
            d->tour = 0;
    } else if (is_backspace(ch)) {
        if (d->tour_stop > 0)
            tour_enter(d, d->tour_stop - 1);
    } else if (ch == 27) {
        d->tour = 0;
        dash_say(d, "tour over: the dashboard is yours (? explains each view)");
    } else if (ch == 'q' || ch == KEY_RESIZE) {
        return 0;
    }
    return 1;
}

/* --------------------------------------------------------------- forms */

/* A character typed into the form's field, or Backspace. */
static void edit_key(dash *d, int ch)
{
    size_t n = strlen(d->edit);
    if (is_backspace(ch) && n)
        d->edit[n - 1] = '\0';
    else if (ch >= 32 && ch < 127 && n + 1 < sizeof d->edit) {
        d->edit[n] = (char)ch;
        d->edit[n + 1] = '\0';
    }
}

/* The pack and save forms take every key: Esc cancels, Enter applies. */
static void form_key(dash *d, int ch)
{
    if (ch == 27) {
        d->mode = M_NONE;
    } else if (is_enter(ch)) {
        if (d->mode == M_SAVE)
            dash_save(d);
        else
            dash_pack_apply(d);
        d->mode = M_NONE;
    } else if (d->mode == M_PACK && (ch == KEY_UP || ch == KEY_DOWN)) {
        dash_pack_select(d, ch == KEY_UP ? -1 : 1, 0);
    } else if (d->mode == M_PACK && (ch == '\t' || ch == KEY_RIGHT || ch == KEY_LEFT)) {
        dash_pack_select(d, 0, ch == KEY_LEFT ? -1 : 1);
    } else {
        edit_key(d, ch);
    }
}

/* ----------------------------------------------------------- dashboard */

/* Show the next region (by -1: the previous), wrapping round; with one
 * region there is nothing else to show, and the note says so. */
static void region_by(dash *d, int by)
{
    const sc_tables *t = dash_tables(d);
    int n = (int)t->nregions;
    if (n == 0) {
        dash_say(d, "one region: there is no regions.csv, every price is in USD");
        return;
    }
    if (n == 1) {
        dash_say(d, "one region: %s, in %s", t->regions[0].name, t->regions[0].currency);
        return;
    }
    d->region = (d->region + n + by) % n;
    dash_say(d, "region shown: %s, in %s (%d of %d)", t->regions[d->region].name,
             t->regions[d->region].currency, d->region + 1, n);
}

/* The keys of the dashboard itself (the help lists them). */
static void dashboard_key(dash *d, int ch)
{
    uint64_t runs = (uint64_t)d->sc->t.p.runs, run = d->run ? dash_run_number(d->run) : 1;
    switch (ch) {
    case 'q':
    case 'Q': d->exit_code = d->exit_code ? d->exit_code : -1; break;
    case ' ': d->paused = !d->paused; break;
    case '.':
        if (!d->paused)
            d->paused = 1;
        else if (dash_step(d) == 0)
            dash_snapshot(d);
        break;
    case '+':
    case '=':
        if (d->speed < dash_nspeeds - 1)
            d->speed++;
        break;
    case '-':
    case '_':
        if (d->speed > 0)
            d->speed--;
        break;
    case '[': dash_commission_by(d, -1); break;
    case ']': dash_commission_by(d, +1); break;
    case 'p': dash_pack_open(d); break;
    case 'g': region_by(d, 1); break;
    case 'G': region_by(d, -1); break;
    case 'x': dash_rate_by(d, 1); break;
    case 'X': dash_rate_by(d, 0); break;
    case 'f': dash_fx_fee_by(d, 5); break;
    case 'F': dash_fx_fee_by(d, -5); break;
    case 't': d->mode = M_CHANGES; break;
    case '?': d->mode = M_HELP; break;
    case 's': dash_save_open(d); break;
    case 'r': dash_restart(d); break;
    case 'n': dash_show_run(d, run % runs + 1); break;
    case 'N': dash_show_run(d, run > 1 ? run - 1 : runs); break;
    case '\t': d->view = (d->view + 1) % VIEW_N; break;
    case KEY_BTAB: d->view = (d->view + VIEW_N - 1) % VIEW_N; break;
    case 27: d->mode = M_NONE; break;
    default:
        if (ch >= '1' && ch < '1' + VIEW_N)
            d->view = ch - '1';
        break;
    }
}

void dash_key(dash *d, int ch)
{
    if (isinf(d->status_until))
        d->status[0] = 0; /* a note said until a key: its time is over */
    if (d->mode == M_PACK || d->mode == M_SAVE) {
        form_key(d, ch);
        return;
    }
    if (d->tour && tour_key(d, ch))
        return;
    if ((d->mode == M_HELP || d->mode == M_CHANGES) && (ch == 27 || ch == '?' || ch == 't')) {
        d->mode = M_NONE;
        return;
    }
    dashboard_key(d, ch);
}
