/* dash_int — the dashboard's state, shared by the files that make it up
 * and included by no other:
 *   dash.c       the state's life and the main loop (keys, steps, frames)
 *   dash_run.c   the one run shown (its own interface, dash_run.h)
 *   dash_bg.c    the runs behind the band (its own interface, dash_bg.h)
 *   dash_edit.c  live changes: commission, packs, a new seed, saving
 *   dash_keys.c  what each key does, and the tour's moves between stops
 *   dash_draw.c  the title, tabs, footer, overlays and the tour's box */
#ifndef COINSIM_DASH_INT_H
#define COINSIM_DASH_INT_H

#include <stdint.h>

#include "../sim/scenario.h"
#include "dash.h"
#include "dash_bg.h"
#include "dash_run.h"

/* What takes the keys besides the dashboard itself. */
enum dash_mode { M_NONE, M_HELP, M_CHANGES, M_PACK, M_SAVE };

/* The speeds + and - step through, in steps a second; 0 = as fast as it
 * goes. */
extern const int dash_speeds[];
extern const int dash_nspeeds;

typedef struct dash {
    scenario *sc; /* the caller's; live changes become its timeline rows */
    const char *dir;
    dash_opts o;
    dash_run *run; /* the run shown; NULL only once exit_code is set */
    dash_bg *bg;   /* the runs behind the band; unused for a replay */

    int view, paused, speed, mode, color;
    int pack_sel, pack_field;
    int region;     /* the region shown: an index into the tables' regions (0 without) */
    char edit[256]; /* the field being typed in a form */
    char status[256];
    double status_until;
    double budget; /* steps owed at the current speed */
    int tour, tour_stop, tour_done_action;
    double engine_secs;
    int64_t engine_steps;
    double full_wall;   /* wall time spent running at full speed, drawing included */
    double full_engine; /* engine time within it */
    int64_t full_steps;
    double last_rate;
    int exit_code; /* -1 quit, or the exit status of a failure */
    char err[600];
} dash;

/* ------------------------------------------------------------- dash.c */

/* Seconds on a monotonic clock. */
double dash_now(void);

/* A note on the last row for a few seconds. */
void dash_say(dash *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* End the dashboard with exit status code and msg, unless a failure came
 * first. */
void dash_fail(dash *d, int code, const char *msg);

/* The run shown: its next step (0, 1 when over, -1 after dash_fail), a new
 * snapshot, its steps done, its tables now, and whether it is over. */
int dash_step(dash *d);
void dash_snapshot(dash *d);
int64_t dash_steps_done(const dash *d);
const sc_tables *dash_tables(const dash *d);
int dash_over(const dash *d);

/* Let go of the run shown and open run `run` at step upto (0, or less if
 * a signal came on the way). Returns 0, or -1 after dash_fail. */
int dash_open_run(dash *d, uint64_t run, int64_t upto);

/* Show run `run` instead, replayed up to the step the old one had reached
 * (not for a replay, which has one log). */
void dash_show_run(dash *d, uint64_t run);

/* Start the runs behind the band over, for the scenario as it is now. */
void dash_band_restart(dash *d);

/* -------------------------------------------------------- dash_edit.c */

/* A live change: a timeline row at the next step to run. Returns 0, or -1
 * with the reason on the last row. */
int dash_change(dash *d, const char *target, const char *value);

/* The commission the next step will run with (µ-units). */
int64_t dash_next_commission(const dash *d);

/* Change the commission by points percentage points. */
void dash_commission_by(dash *d, int points);

/* The region shown's exchange rate moved 5% (weaker: a dollar buys 5% more
 * of its currency; else 1/1.05 of it), and its FX fee by tenths of a
 * point, as timeline rows at the next step; said on the last row without
 * regions. */
void dash_rate_by(dash *d, int weaker);
void dash_fx_fee_by(dash *d, int tenths);

/* Start run 1 again with the next seed, keeping the live changes. */
void dash_restart(dash *d);

/* Pack k's region (NULL without regions); whether it is in the region
 * shown (every pack is without regions); and the field of its price:
 * price_usd, or price in a currency other than USD. */
const sc_region *dash_pack_region(const dash *d, size_t k);
int dash_pack_shown(const dash *d, size_t k);
const char *dash_price_field(const dash *d, size_t k);

/* The pack form: open it on the price of the first pack of the region
 * shown (if it has packs), move dpack packs of that region and dfield
 * fields on (wrapping round), name the field, and apply what was typed as
 * a live change. */
void dash_pack_open(dash *d);
void dash_pack_select(dash *d, int dpack, int dfield);
const char *dash_pack_field(const dash *d);
void dash_pack_apply(dash *d);

/* The save form: open it on a directory that does not exist yet, and save
 * the session there. */
void dash_save_open(dash *d);
void dash_save(dash *d);

/* -------------------------------------------------------- dash_keys.c */

/* Do what key ch means now. */
void dash_key(dash *d, int ch);

/* Start the guided tour: 30 steps in, paused, at its first stop. */
void dash_tour_start(dash *d);

/* -------------------------------------------------------- dash_draw.c */

/* Draw the whole screen from the snapshot and the band. */
void dash_draw(dash *d);

#endif
