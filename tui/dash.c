/* The dashboard: one run shown in detail, every run behind it as a band,
 * and live changes that are timeline rows of the scenario. */
#define _POSIX_C_SOURCE 200809L
#include "dash.h"

#include <curses.h>
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "../sim/mc.h"
#include "../sim/num.h"
#include "../sim/replay.h"
#include "../sim/stats.h"
#include "../sim/world.h"
#include "fmt.h"
#include "tour.h"
#include "ui.h"
#include "views.h"

#define FRAME 0.066 /* seconds between redraws: about 15 a second */
#define SLICE 0.050 /* longest stretch of engine work between looks at the keyboard */

static const int speeds[] = {1,  2,   5,   10,  20,
                             50, 100, 200, 500, 0}; /* steps a second; 0 = as fast as it goes */
#define NSPEEDS ((int)(sizeof speeds / sizeof speeds[0]))

/* ------------------------------------------------------------- signals */

static volatile sig_atomic_t got_signal;
static struct termios saved_tty;
static int have_tty;

static void on_signal(int sig)
{
    if (got_signal) {
        /* A second signal: restore the terminal with what is safe here and go. */
        static const char reset[] = "\033[?1049l\033[?25h\033[0m\r\n";
        if (have_tty)
            tcsetattr(STDIN_FILENO, TCSANOW, &saved_tty);
        ssize_t w = write(STDOUT_FILENO, reset, sizeof reset - 1);
        (void)w;
        _exit(130);
    }
    got_signal = sig;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* ------------------------------------------------------ background runs */

typedef struct bgjob {
    pthread_t th;
    scenario *sc;
    mc_opts o;
    mc_result *r;
    int status;
    char msg[512];
    atomic_int stop;
    atomic_int finished;
    atomic_llong done;
    struct bgjob *next;
} bgjob;

static void bg_progress(void *ud, int64_t done, int64_t total)
{
    (void)total;
    atomic_store(&((bgjob *)ud)->done, done);
}

static void *bg_main(void *arg)
{
    bgjob *j = arg;
    j->status = mc_run(j->sc, &j->o, &j->r, j->msg, sizeof j->msg);
    atomic_store(&j->finished, 1);
    return NULL;
}

static void bg_free(bgjob *j)
{
    pthread_join(j->th, NULL);
    mc_result_free(j->r);
    scenario_free(j->sc);
    free(j);
}

/* ------------------------------------------------------------ the state */

enum mode { M_NONE, M_HELP, M_CHANGES, M_PACK, M_SAVE };

typedef struct dash {
    scenario *sc;
    const char *dir;
    dash_opts o;
    world *w;   /* the run shown, or */
    replay *rp; /* the log played (o.replay) */
    world_snap *snap;
    uint64_t run;
    double *series[SER_N];
    band b;
    int band_ok;
    bgjob *bg, *retired;
    int64_t bg_total;

    int view, paused, speed, mode, color;
    int pack_sel, pack_field;
    char edit[256];
    char status[256];
    double status_until;
    double budget;
    int tour, tour_stop, tour_done_action;
    double engine_secs;
    int64_t engine_steps;
    double full_wall;   /* wall time spent running at full speed, drawing included */
    double full_engine; /* engine time within it */
    int64_t full_steps;
    double last_rate;
    int exit_code;
    char err[600];
} dash;

static void say(dash *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(dash *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->status, sizeof d->status, fmt, ap);
    va_end(ap);
    d->status_until = now() + 6.0;
}

/* A note that stays on the last row until the first key is pressed, so
 * that a slow start cannot hide it; the key then brings the keys back. */
static void say_until_key(dash *d, const char *msg)
{
    snprintf(d->status, sizeof d->status, "%s", msg);
    d->status_until = INFINITY;
}

static void fail(dash *d, int code, const char *msg)
{
    if (!d->exit_code) {
        d->exit_code = code;
        snprintf(d->err, sizeof d->err, "%s", msg);
    }
}

static void bg_start(dash *d)
{
    if (d->o.replay)
        return; /* one log: no runs to band */
    if (d->bg) {
        d->bg->stop = 1;
        d->bg->next = d->retired;
        d->retired = d->bg;
        d->bg = NULL;
    }
    d->band_ok = 0;
    bgjob *j = calloc(1, sizeof *j);
    if (!j || !(j->sc = scenario_clone(d->sc))) {
        free(j);
        say(d, "out of memory: no band across runs");
        return;
    }
    j->o.runs = d->sc->t.p.runs;
    j->o.threads = d->o.threads;
    j->o.progress = bg_progress;
    j->o.ud = j;
    j->o.stop = &j->stop;
    j->o.fault_step = -1;
    atomic_init(&j->finished, 0);
    atomic_init(&j->done, 0);
    if (pthread_create(&j->th, NULL, bg_main, j) != 0) {
        scenario_free(j->sc);
        free(j);
        say(d, "cannot start a thread: no band across runs");
        return;
    }
    d->bg = j;
    d->bg_total = j->o.runs;
}

static void band_from(dash *d, const mc_result *r)
{
    int64_t n = r->runs, steps = r->steps;
    double *x = malloc((size_t)n * sizeof *x), *tmp = malloc((size_t)n * sizeof *tmp);
    if (!x || !tmp) {
        free(x);
        free(tmp);
        return;
    }
    static const int col[SER_N] = {TS_CASH_IN, TS_PAYOUTS_GROSS, TS_PLATFORM_CASH};
    for (int k = 0; k < SER_N; k++)
        for (int64_t s = 0; s < steps; s++) {
            stat_row st;
            for (int64_t i = 0; i < n; i++)
                x[i] = (double)r->ts[i * steps + s].v[col[k]] / 1e6;
            stats_summary(x, (size_t)n, tmp, &st);
            d->b.mean[k][s] = st.mean;
            d->b.lo[k][s] = st.p5;
            d->b.hi[k][s] = st.p95;
        }
    free(x);
    free(tmp);
    d->b.nsteps = (int)steps;
    d->band_ok = 1;
}

static void bg_poll(dash *d)
{
    if (d->bg && atomic_load(&d->bg->finished)) {
        bgjob *j = d->bg;
        d->bg = NULL;
        if (j->status == SIM_OK)
            band_from(d, j->r);
        else if (j->status == SIM_LEDGER)
            fail(d, 3, j->msg);
        else if (j->status != SIM_STOPPED)
            say(d, "runs behind the band failed: %s", j->msg);
        bg_free(j);
    }
    for (bgjob **p = &d->retired; *p;) {
        if (atomic_load(&(*p)->finished)) {
            bgjob *j = *p;
            *p = j->next;
            bg_free(j);
        } else {
            p = &(*p)->next;
        }
    }
}

/* ------------------------------------------------------- the run shown */

/* What is shown is a world or a replayed log; these are the only calls that
 * tell them apart. */
static int64_t steps_done(const dash *d)
{
    return d->rp ? replay_steps_done(d->rp) : world_steps_done(d->w);
}

static const sc_tables *tables(const dash *d)
{
    return d->rp ? replay_tables(d->rp) : world_tables(d->w);
}

static void snapshot(dash *d)
{
    if (d->rp) {
        if (replay_snapshot(d->rp, d->snap) < 0)
            fail(d, 1, "out of memory in a snapshot");
    } else {
        world_snapshot(d->w, d->snap);
    }
}

/* Let go of the run shown: its world or replay and its snapshot. */
static void drop_run(dash *d)
{
    world_snap_free(d->snap);
    world_free(d->w);
    replay_free(d->rp);
    d->snap = NULL;
    d->w = NULL;
    d->rp = NULL;
}

static int new_world(dash *d, uint64_t run)
{
    drop_run(d);
    d->run = run;
    if (d->o.replay) {
        /* Live edits on a log are what-if accounting: cash-outs are capped
         * and infeasible rows counted rather than fatal mid-play. */
        replay_opts ro = {1, 1};
        diag dg = {0};
        d->rp = replay_open(d->sc, d->o.replay, &ro, &dg);
        if (!d->rp) {
            fail(d, 2, dg.n ? dg.items[0].text : "cannot open the event log");
            diag_clear(&dg);
            return -1;
        }
        diag_clear(&dg);
        if (!(d->snap = replay_snap_new(d->rp))) {
            fail(d, 1, "out of memory");
            return -1;
        }
    } else {
        d->w = world_new(d->sc, run);
        if (!d->w || !(d->snap = world_snap_new(d->w))) {
            fail(d, 1, "out of memory building the run shown");
            return -1;
        }
    }
    snapshot(d);
    return 0;
}

static int step_once(dash *d)
{
    kpi_step row;
    char msg[512];
    int64_t s = steps_done(d);
    int rc;
    if (d->rp) {
        diag dg = {0};
        rc = replay_step(d->rp, &row, &dg);
        if (rc < 0)
            fail(d, 2, dg.n ? dg.items[0].text : "the event log stopped");
        diag_clear(&dg);
        if (rc < 0)
            return -1;
    } else if ((rc = world_step(d->w, &row)) == WORLD_OVERFLOW) {
        world_overflow(d->w, msg, sizeof msg);
        fail(d, 1, msg);
        return -1;
    } else if (rc < 0) {
        fail(d, 1, "out of memory in the run shown");
        return -1;
    }
    if (rc > 0)
        return 1;
    d->series[SER_CASH_IN][s] = (double)row.v[TS_CASH_IN] / 1e6;
    d->series[SER_PAYOUTS][s] = (double)row.v[TS_PAYOUTS_GROSS] / 1e6;
    d->series[SER_PLATFORM][s] = (double)row.v[TS_PLATFORM_CASH] / 1e6;
    if (s + 1 == d->sc->t.p.steps &&
        (d->rp ? replay_check(d->rp, msg, sizeof msg) : world_check(d->w, msg, sizeof msg)) < 0) {
        char full[600];
        snprintf(full, sizeof full, "ledger identity broken in run %llu after step %lld: %s",
                 (unsigned long long)d->run, (long long)s, msg);
        fail(d, 3, full);
        return -1;
    }
    return 0;
}

/* Show run `run`, replayed up to the step the old one had reached. */
static void show_run(dash *d, uint64_t run)
{
    if (d->rp) {
        say(d, "a replay plays one log: there are no other runs");
        return;
    }
    int64_t upto = d->w ? steps_done(d) : 0;
    if (new_world(d, run) < 0)
        return;
    while (steps_done(d) < upto && step_once(d) == 0)
        ;
    snapshot(d);
}

static int run_over(const dash *d) { return steps_done(d) >= d->sc->t.p.steps; }

/* Every live change is a timeline row at the next step to run. */
static int change(dash *d, const char *target, const char *value)
{
    char msg[600];
    if (run_over(d)) {
        say(d, "the run is over: r starts again with a new seed (your changes are kept)");
        return -1;
    }
    int64_t step = steps_done(d);
    if (scenario_add_change(d->sc, step, target, value, msg, sizeof msg) < 0) {
        say(d, "%s", msg);
        return -1;
    }
    say(d, "from step %lld: %s = %s", (long long)step, target, value);
    bg_start(d);
    return 0;
}

/* The commission the next step will run with: the current one, unless rows
 * waiting at the next step change it (the last of them wins). */
static int64_t next_commission(const dash *d)
{
    int64_t c = tables(d)->p.commission, step = steps_done(d);
    for (size_t i = 0; i < d->sc->ntl; i++) {
        const sc_tlrow *r = &d->sc->timeline[d->sc->tl_order[i]];
        if (r->step == step && strcmp(r->c.target, "params.commission") == 0)
            c = r->c.ival;
    }
    return c;
}

static void commission_by(dash *d, int points)
{
    int64_t c = next_commission(d);
    c += (int64_t)points * 10000;
    if (c < 0 || c > NUM_MICRO) {
        say(d, "commission stays between 0%% and 100%%");
        return;
    }
    char v[NUM_BUF];
    change(d, "params.commission", num_fmt_short(v, c));
}

static void restart(dash *d)
{
    if (d->rp) {
        say(d, "a replay plays one log: there is no seed to change");
        return;
    }
    d->sc->t.p.seed++;
    for (int k = 0; k < SER_N; k++)
        memset(d->series[k], 0, (size_t)d->sc->t.p.steps * sizeof(double));
    if (new_world(d, 1) < 0)
        return;
    bg_start(d);
    say(d, "restarted with seed %llu (live changes kept)", (unsigned long long)d->sc->t.p.seed);
}

/* ---------------------------------------------------------------- forms */

static const char *const pack_fields[] = {"price_usd", "bonus_coins", "enabled"};

static void pack_form_value(dash *d)
{
    const sc_pack *p = &tables(d)->packs[d->pack_sel];
    char v[NUM_BUF];
    if (d->pack_field == 0)
        snprintf(d->edit, sizeof d->edit, "%s", num_fmt_short(v, p->price));
    else if (d->pack_field == 1)
        snprintf(d->edit, sizeof d->edit, "%lld", (long long)p->bonus);
    else
        snprintf(d->edit, sizeof d->edit, "%lld", (long long)p->enabled);
}

static void default_save_dir(dash *d)
{
    size_t n = strlen(d->dir);
    while (n > 1 && d->dir[n - 1] == '/')
        n--;
    struct stat st;
    for (int i = 1; i < 1000; i++) {
        if (i == 1)
            snprintf(d->edit, sizeof d->edit, "%.*s-live", (int)n, d->dir);
        else
            snprintf(d->edit, sizeof d->edit, "%.*s-live%d", (int)n, d->dir, i);
        if (stat(d->edit, &st) != 0)
            break;
    }
}

static void edit_key(dash *d, int ch)
{
    size_t n = strlen(d->edit);
    if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && n)
        d->edit[n - 1] = '\0';
    else if (ch >= 32 && ch < 127 && n + 1 < sizeof d->edit) {
        d->edit[n] = (char)ch;
        d->edit[n + 1] = '\0';
    }
}

static void save(dash *d)
{
    char msg[600], comment[600];
    int live = 0;
    for (size_t i = 0; i < d->sc->ntl; i++)
        live += d->sc->timeline[i].line == 0;
    snprintf(comment, sizeof comment, "saved from the coinsim dashboard: %s with %d live change%s",
             d->dir, live, live == 1 ? "" : "s");
    if (scenario_save(d->sc, d->edit, comment, msg, sizeof msg) < 0)
        say(d, "not saved: %s", msg);
    else
        say(d, "saved %s: replay with coinsim run %s --headless", d->edit, d->edit);
}

/* ----------------------------------------------------------------- tour */

static void tour_enter(dash *d, int stop)
{
    d->tour_stop = stop;
    d->view = tour_stops[stop].view;
    d->paused = 1;
    if (tour_stops[stop].action == TOUR_PRICE_CUT && !(d->tour_done_action & (1 << stop))) {
        d->tour_done_action |= 1 << stop;
        const sc_tables *t = tables(d);
        for (size_t k = 0; k < t->npacks; k++) {
            if (t->packs[k].channel != CH_APP)
                continue;
            char target[300], v[NUM_BUF];
            snprintf(target, sizeof target, "packs.%s.price_usd", t->packs[k].name);
            /* 20% off, to the nearest cent */
            change(d, target,
                   num_fmt_short(v, (t->packs[k].price * 8 / 10 + 5000) / 10000 * 10000));
        }
        for (int i = 0; i < 30 && step_once(d) == 0; i++)
            ;
        snapshot(d);
    }
}

/* --------------------------------------------------------------- drawing */

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

static void draw_title(dash *d)
{
    char line[800], spd[64], v[FMT_BUF];
    const sc_params *p = &tables(d)->p;
    int sp = speeds[d->speed];
    if (d->paused)
        snprintf(spd, sizeof spd, "%s paused", d->o.ascii ? "||" : "\xE2\x8F\xB8");
    else if (run_over(d))
        snprintf(spd, sizeof spd, "done");
    else if (sp)
        snprintf(spd, sizeof spd, "%s %d/s", d->o.ascii ? ">" : "\xE2\x96\xB6", sp);
    else
        snprintf(spd, sizeof spd, "%s max %.0f/s", d->o.ascii ? ">>" : "\xE2\x8F\xA9",
                 d->last_rate);
    char bandtxt[64];
    if (d->rp)
        snprintf(bandtxt, sizeof bandtxt, "replay");
    else if (d->band_ok)
        snprintf(bandtxt, sizeof bandtxt, "band of %lld", (long long)d->bg_total);
    else if (d->bg)
        snprintf(bandtxt, sizeof bandtxt, "runs %lld/%lld", (long long)atomic_load(&d->bg->done),
                 (long long)d->bg_total);
    else
        snprintf(bandtxt, sizeof bandtxt, "no band");
    char comm[64], nv[FMT_BUF];
    int64_t next = next_commission(d);
    if (next != p->commission)
        snprintf(comm, sizeof comm, "%s%s%s", fmt_pct(v, p->commission / 1e6),
                 d->o.ascii ? "->" : "\xE2\x86\x92", fmt_pct(nv, next / 1e6));
    else
        snprintf(comm, sizeof comm, "%s", fmt_pct(v, p->commission / 1e6));
    char runtxt[200];
    if (d->rp) {
        const char *b = strrchr(d->o.replay, '/');
        snprintf(runtxt, sizeof runtxt, "log %s", b ? b + 1 : d->o.replay);
    } else {
        snprintf(runtxt, sizeof runtxt, "run %llu/%lld", (unsigned long long)d->run,
                 (long long)d->sc->t.p.runs);
    }
    snprintf(line, sizeof line, " %.200s | %s | step %lld/%lld | %s | commission %s | %s",
             d->sc->t.p.name, runtxt, (long long)steps_done(d), (long long)p->steps, spd, comm,
             bandtxt);
    ui_attr_on(UI_TITLE, d->color);
    ui_put(0, 0, COLS, line, 1);
    ui_attr_off(UI_TITLE, d->color);

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

static void draw_footer(dash *d)
{
    const char *hint =
        d->tour ? " Enter next  Backspace back  Esc end tour  q quit"
        : COLS >= 118
            ? " space pause  . step  +/- speed  [ ] commission  p pack  t changes  s save  r "
              "reseed  n/N run  ? help  q quit"
            : " space pause  . step  +/- speed  [ ] commission  p pack  s save  ? help  q quit";
    move(LINES - 1, 0);
    clrtoeol();
    if (d->status[0] && now() < d->status_until) {
        ui_attr_on(UI_LINE, d->color);
        ui_put(LINES - 1, 0, COLS, d->status, 1);
        ui_attr_off(UI_LINE, d->color);
    } else {
        ui_attr_on(UI_KEY, d->color);
        ui_put(LINES - 1, 0, COLS, hint, 1);
        ui_attr_off(UI_KEY, d->color);
    }
}

static void draw_overlay(dash *d)
{
    int w = COLS > 84 ? 80 : COLS - 4, x = (COLS - w) / 2;
    if (d->mode == M_HELP) {
        static const char keys[] =
            "keys: 1-5 or Tab views, space pause, . one step, +/- speed, [ ] commission "
            "-/+ 1 point, p edit a pack, t changes, s save the session, r new seed, n/N "
            "next/previous "
            "run, ? this help, q quit. Changes apply at the next step, as timeline rows.";
        const char *const *h = view_help(d->view);
        int tw = w - 4, n = 0, room = LINES - 4;
        for (int i = 0; h[i]; i++)
            n += wrap(-1, 0, tw, 99, h[i]);
        int nk = wrap(-1, 0, tw, 99, keys);
        if (n + nk + 1 > room)
            nk = 0;
        int y = (LINES - n - nk - 5) / 2;
        if (y < 0)
            y = 0;
        frame_box(y, x, n + nk + 4 + (nk ? 1 : 0), w, d->o.ascii);
        attron(A_BOLD);
        mvaddstr(y, x + 2, " help: every number on this view (? or Esc closes) ");
        attroff(A_BOLD);
        int r = y + 2;
        for (int i = 0; h[i] && r < LINES - 2; i++)
            r += wrap(r, x + 2, tw, LINES - 2 - r, h[i]);
        if (nk) {
            ui_attr_on(UI_KEY, d->color);
            wrap(r + 1, x + 2, tw, nk, keys);
            ui_attr_off(UI_KEY, d->color);
        }
    } else if (d->mode == M_CHANGES) {
        int n = (int)d->sc->ntl, h = (n < LINES - 8 ? n : LINES - 8) + 4, y = (LINES - h) / 2;
        frame_box(y, x, h, w, d->o.ascii);
        attron(A_BOLD);
        mvaddstr(y, x + 2, " timeline: changes by step (t or Esc closes) ");
        attroff(A_BOLD);
        if (!n)
            ui_put(y + 2, x + 2, w - 4, "no changes yet: [ ] change the commission, p a pack", 0);
        for (int i = 0; i < n && i < h - 4; i++) {
            const sc_tlrow *r = &d->sc->timeline[d->sc->tl_order[i]];
            char line[400];
            snprintf(line, sizeof line, "step %-5lld %s = %s%s", (long long)r->step, r->c.target,
                     r->c.value, r->line == 0 ? "   (live)" : "");
            ui_put(y + 2 + i, x + 2, w - 4, line, 0);
        }
    } else if (d->mode == M_PACK) {
        const sc_tables *t = tables(d);
        int n = (int)t->npacks, h = (n < LINES - 10 ? n : LINES - 10) + 6, y = (LINES - h) / 2;
        frame_box(y, x, h, w, d->o.ascii);
        attron(A_BOLD);
        mvaddstr(y, x + 2, " edit a pack: Up/Down pack, Tab field, type, Enter apply, Esc cancel ");
        attroff(A_BOLD);
        int first = d->pack_sel - (h - 6) + 1;
        if (first < 0)
            first = 0;
        for (int i = first; i < n && i - first < h - 6; i++) {
            const sc_pack *p = &t->packs[i];
            char line[300], v[NUM_BUF];
            snprintf(line, sizeof line, "%-12s %-3s %8lld coins  +%-6lld bonus  $%-9s %s", p->name,
                     p->channel ? "web" : "app", (long long)p->coins, (long long)p->bonus,
                     num_fmt_short(v, p->price), p->enabled ? "on" : "off");
            if (i == d->pack_sel)
                ui_attr_on(UI_HILITE, d->color);
            ui_put(y + 2 + i - first, x + 2, w - 4, line, 1);
            if (i == d->pack_sel)
                ui_attr_off(UI_HILITE, d->color);
        }
        char line[400];
        snprintf(line, sizeof line, "%s.%s = %s_", t->packs[d->pack_sel].name,
                 pack_fields[d->pack_field], d->edit);
        ui_put(y + h - 3, x + 2, w - 4, line, 1);
        ui_put(y + h - 2, x + 2, w - 4, "applies at the next step, as a timeline row", 1);
    } else if (d->mode == M_SAVE) {
        int y = LINES / 2 - 3;
        frame_box(y, x, 6, w, d->o.ascii);
        attron(A_BOLD);
        mvaddstr(y, x + 2, " save the session as a scenario (Enter saves, Esc cancels) ");
        attroff(A_BOLD);
        char line[400];
        snprintf(line, sizeof line, "directory: %s_", d->edit);
        ui_put(y + 2, x + 2, w - 4, line, 1);
        ui_put(y + 3, x + 2, w - 4, "the tables as loaded, and every change as a timeline row", 1);
    }
}

static void draw_tour(dash *d, view_ctx *vc)
{
    const tour_stop *t = &tour_stops[d->tour_stop];
    const view_anchor *a = t->anchor ? view_find(vc, t->anchor) : NULL;
    if (a)
        for (int r = a->y; r < a->y + a->h; r++)
            mvchgat(r, a->x, a->w, A_REVERSE | A_BOLD, d->color ? UI_HILITE : 0, NULL);
    int w = COLS > 84 ? 78 : COLS - 2, x = (COLS - w) / 2;
    int h = wrap(-1, 0, w - 4, 20, t->text) + 2;
    /* The box goes where the highlight is not. */
    int y = (a && a->y > LINES / 2) ? 2 : LINES - h - 1;
    frame_box(y, x, h, w, d->o.ascii);
    char title[200];
    snprintf(title, sizeof title, " tour %d/%d: %s ", d->tour_stop + 1, tour_nstops, t->title);
    attron(A_BOLD);
    mvaddstr(y, x + 2, title);
    attroff(A_BOLD);
    wrap(y + 1, x + 2, w - 4, h - 2, t->text);
}

static void draw(dash *d)
{
    erase();
    if (LINES < 24 || COLS < 80) {
        char m[120];
        snprintf(m, sizeof m, "terminal too small: %dx%d (coinsim needs at least 80x24)", COLS,
                 LINES);
        mvaddstr(LINES / 2, COLS > (int)strlen(m) ? (COLS - (int)strlen(m)) / 2 : 0, m);
        mvaddstr(LINES / 2 + 1, 0, "q quits");
        refresh();
        return;
    }
    draw_title(d);
    view_ctx vc;
    memset(&vc, 0, sizeof vc);
    vc.s = d->snap;
    for (int k = 0; k < SER_N; k++)
        vc.series[k] = d->series[k];
    vc.b = d->band_ok ? &d->b : NULL;
    vc.replay = d->rp != NULL;
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

/* ----------------------------------------------------------------- keys */

static void key(dash *d, int ch)
{
    if (isinf(d->status_until))
        d->status[0] = 0; /* a note said until a key: its time is over */
    if (d->mode == M_PACK || d->mode == M_SAVE) {
        if (ch == 27) {
            d->mode = M_NONE;
        } else if (ch == '\n' || ch == KEY_ENTER) {
            if (d->mode == M_SAVE) {
                save(d);
            } else {
                char target[300];
                snprintf(target, sizeof target, "packs.%s.%s", tables(d)->packs[d->pack_sel].name,
                         pack_fields[d->pack_field]);
                change(d, target, d->edit);
            }
            d->mode = M_NONE;
        } else if (d->mode == M_PACK && (ch == KEY_UP || ch == KEY_DOWN)) {
            int n = (int)tables(d)->npacks;
            d->pack_sel = (d->pack_sel + (ch == KEY_UP ? n - 1 : 1)) % n;
            pack_form_value(d);
        } else if (d->mode == M_PACK && (ch == '\t' || ch == KEY_RIGHT || ch == KEY_LEFT)) {
            d->pack_field = (d->pack_field + (ch == KEY_LEFT ? 2 : 1)) % 3;
            pack_form_value(d);
        } else {
            edit_key(d, ch);
        }
        return;
    }
    if (d->tour) {
        if (ch == '\n' || ch == KEY_ENTER || ch == ' ') {
            if (d->tour_stop + 1 < tour_nstops)
                tour_enter(d, d->tour_stop + 1);
            else
                d->tour = 0;
            return;
        }
        if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
            if (d->tour_stop > 0)
                tour_enter(d, d->tour_stop - 1);
            return;
        }
        if (ch == 27) {
            d->tour = 0;
            say(d, "tour over: the dashboard is yours (? explains each view)");
            return;
        }
        if (ch != 'q' && ch != KEY_RESIZE)
            return;
    }
    if ((d->mode == M_HELP || d->mode == M_CHANGES) && (ch == 27 || ch == '?' || ch == 't')) {
        d->mode = M_NONE;
        return;
    }
    switch (ch) {
    case 'q':
    case 'Q': d->exit_code = d->exit_code ? d->exit_code : -1; break;
    case ' ': d->paused = !d->paused; break;
    case '.':
        if (!d->paused)
            d->paused = 1;
        else if (step_once(d) == 0)
            snapshot(d);
        break;
    case '+':
    case '=':
        if (d->speed < NSPEEDS - 1)
            d->speed++;
        break;
    case '-':
    case '_':
        if (d->speed > 0)
            d->speed--;
        break;
    case '[': commission_by(d, -1); break;
    case ']': commission_by(d, +1); break;
    case 'p':
        d->mode = M_PACK;
        d->pack_sel = 0;
        d->pack_field = 0;
        if (tables(d)->npacks)
            pack_form_value(d);
        else
            d->mode = M_NONE;
        break;
    case 't': d->mode = M_CHANGES; break;
    case '?': d->mode = M_HELP; break;
    case 's':
        d->mode = M_SAVE;
        default_save_dir(d);
        break;
    case 'r': restart(d); break;
    case 'n': show_run(d, d->run % (uint64_t)d->sc->t.p.runs + 1); break;
    case 'N': show_run(d, d->run > 1 ? d->run - 1 : (uint64_t)d->sc->t.p.runs); break;
    case '\t': d->view = (d->view + 1) % VIEW_N; break;
    case KEY_BTAB: d->view = (d->view + VIEW_N - 1) % VIEW_N; break;
    case 27: d->mode = M_NONE; break;
    default:
        if (ch >= '1' && ch < '1' + VIEW_N)
            d->view = ch - '1';
        break;
    }
}

/* ----------------------------------------------------------------- loop */

static void advance(dash *d, double dt, double t0)
{
    if (d->paused || run_over(d) || d->mode == M_PACK || d->mode == M_SAVE)
        return;
    int sp = speeds[d->speed];
    if (sp) {
        d->budget += sp * dt;
        if (d->budget > sp * 0.5 + 1)
            d->budget = sp * 0.5 + 1; /* after a stall, do not race to catch up */
    }
    double e0 = now();
    int64_t n = 0;
    while ((sp == 0 || d->budget >= 1.0) && !run_over(d) && now() - t0 < SLICE) {
        if (step_once(d) != 0)
            break;
        n++;
        if (sp)
            d->budget -= 1.0;
    }
    double e = now() - e0;
    d->engine_secs += e;
    d->engine_steps += n;
    if (n && sp == 0 && e > 0)
        d->last_rate =
            d->last_rate ? 0.8 * d->last_rate + 0.2 * n / (e > SLICE ? e : SLICE) : n / e;
    if (n)
        snapshot(d);
}

/* Everything a dashboard holds but the scenario, which is the caller's. */
static void dash_release(dash *d)
{
    drop_run(d);
    for (int k = 0; k < SER_N; k++) {
        free(d->series[k]);
        free(d->b.mean[k]);
        free(d->b.lo[k]);
        free(d->b.hi[k]);
        d->series[k] = d->b.mean[k] = d->b.lo[k] = d->b.hi[k] = NULL;
    }
}

int dash_main(scenario *s, const char *dir, const dash_opts *o)
{
    dash d;
    memset(&d, 0, sizeof d);
    d.sc = s;
    d.dir = dir;
    d.o = *o;
    d.speed = 3;
    int64_t steps = s->t.p.steps;
    for (int k = 0; k < SER_N; k++) {
        d.series[k] = calloc((size_t)steps, sizeof(double));
        d.b.mean[k] = calloc((size_t)steps, sizeof(double));
        d.b.lo[k] = calloc((size_t)steps, sizeof(double));
        d.b.hi[k] = calloc((size_t)steps, sizeof(double));
        if (!d.series[k] || !d.b.mean[k] || !d.b.lo[k] || !d.b.hi[k])
            fail(&d, 1, "out of memory");
    }
    if (!d.exit_code)
        new_world(&d, 1);
    if (d.exit_code) {
        fprintf(stderr, "coinsim: %s\n", d.err);
        dash_release(&d);
        return d.exit_code;
    }

    have_tty = tcgetattr(STDIN_FILENO, &saved_tty) == 0;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    setlocale(LC_ALL, "");
    /* Braille and box drawing are UTF-8: in another character set they
     * would reach the screen as garbage, so draw as --ascii does. */
    if (!d.o.ascii && !ui_utf8()) {
        d.o.ascii = 1;
        say_until_key(&d, "drawing in ASCII (as --ascii): the locale's character set is not UTF-8");
    }
    if (!initscr()) {
        fprintf(stderr, "coinsim: cannot start the terminal dashboard (try --headless)\n");
        dash_release(&d);
        return 1;
    }
    cbreak();
    noecho();
    keypad(stdscr, TRUE);
    curs_set(0);
    set_escdelay(25);
    d.color = ui_colors_init(o->color);
    bg_start(&d);
    if (o->tour) {
        d.tour = 1;
        for (int i = 0; i < 30 && step_once(&d) == 0; i++)
            ;
        snapshot(&d);
        tour_enter(&d, 0);
    }

    double last_draw = 0, last = now();
    draw(&d);
    while (!d.exit_code && !got_signal) {
        int fast = !d.paused && !run_over(&d) && speeds[d.speed] == 0 && d.mode == M_NONE;
        double t_loop = now(), e_loop = d.engine_secs;
        int64_t s_loop = d.engine_steps;
        timeout(fast ? 0 : 15);
        int ch = getch();
        int redraw = 0;
        while (ch != ERR && !d.exit_code) {
            key(&d, ch);
            redraw = 1;
            timeout(0);
            ch = getch();
        }
        double t = now();
        advance(&d, t - last, t);
        last = t;
        bg_poll(&d);
        if (redraw || now() - last_draw >= FRAME) {
            draw(&d);
            last_draw = now();
        }
        if (fast) {
            d.full_wall += now() - t_loop;
            d.full_engine += d.engine_secs - e_loop;
            d.full_steps += d.engine_steps - s_loop;
        }
    }
    endwin();
    if (d.bg) {
        d.bg->stop = 1;
        d.bg->next = d.retired;
        d.retired = d.bg;
    }
    for (bgjob *j = d.retired; j;) {
        bgjob *n = j->next;
        bg_free(j);
        j = n;
    }
    int rc = d.exit_code > 0 ? d.exit_code : 0;
    if (got_signal)
        rc = 130;
    if (d.exit_code > 0)
        fprintf(stderr, "coinsim: %s\n", d.err);
    if (d.engine_steps)
        fprintf(stderr, "coinsim: the run shown took %lld steps in %.3f s of engine time\n",
                (long long)d.engine_steps, d.engine_secs);
    if (d.full_steps)
        fprintf(stderr,
                "coinsim: at full speed, %lld steps in %.3f s of wall time (%.1f steps/s, engine "
                "%.1f%% of it)\n",
                (long long)d.full_steps, d.full_wall, d.full_steps / d.full_wall,
                100.0 * d.full_engine / d.full_wall);
    dash_release(&d);
    return rc;
}
