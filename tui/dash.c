/* dash — the live dashboard's state and main loop: it reads keys, steps
 * the run shown at the chosen speed, collects the runs behind the band,
 * redraws about fifteen times a second, and on every way out (q, a
 * failure, SIGINT or SIGTERM) gives the terminal back before it reports.
 * What the keys do is dash_keys.c, the live changes dash_edit.c, the screen
 * dash_draw.c, the run shown dash_run.c, the band dash_bg.c. */
#define _POSIX_C_SOURCE 200809L
#include "dash.h"

#include <curses.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../sim/status.h"
#include "cli.h"
#include "dash_int.h"
#include "ui.h"

#define FRAME 0.066 /* seconds between redraws: about 15 a second */
#define SLICE 0.050 /* longest stretch of engine work between looks at the keyboard */

const int dash_speeds[] = {1, 2, 5, 10, 20, 50, 100, 200, 500, 0};
const int dash_nspeeds = (int)(sizeof dash_speeds / sizeof dash_speeds[0]);

/* -------------------------------------------------------------- state */

double dash_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

void dash_say(dash *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->status, sizeof d->status, fmt, ap);
    va_end(ap);
    d->status_until = dash_now() + 6.0;
}

/* A note that stays on the last row until the first key is pressed, so
 * that a slow start cannot hide it; the key then brings the keys back. */
static void say_until_key(dash *d, const char *msg)
{
    snprintf(d->status, sizeof d->status, "%s", msg);
    d->status_until = INFINITY;
}

void dash_fail(dash *d, int code, const char *msg)
{
    if (!d->exit_code) {
        d->exit_code = code;
        snprintf(d->err, sizeof d->err, "%s", msg);
    }
}

/* ------------------------------------------------------ the run shown */

int dash_step(dash *d)
{
    dash_fault f;
    if (!d->run)
        return -1;
    int rc = dash_run_step(d->run, &f);
    if (rc < 0)
        dash_fail(d, f.code, f.msg);
    return rc;
}

void dash_snapshot(dash *d)
{
    dash_fault f;
    if (d->run && dash_run_snapshot(d->run, &f) < 0)
        dash_fail(d, f.code, f.msg);
}

int64_t dash_steps_done(const dash *d) { return d->run ? dash_run_steps_done(d->run) : 0; }

const sc_tables *dash_tables(const dash *d) { return d->run ? dash_run_tables(d->run) : &d->sc->t; }

int dash_over(const dash *d) { return dash_steps_done(d) >= d->sc->t.p.steps; }

int dash_open_run(dash *d, uint64_t run, int64_t upto)
{
    dash_fault f;
    dash_run_free(d->run); /* first: two worlds of a large scenario may not fit */
    d->run = dash_run_open(d->sc, d->o.replay, run, upto, &cli_stop, &f);
    if (!d->run) {
        dash_fail(d, f.code, f.msg);
        return -1;
    }
    return 0;
}

void dash_show_run(dash *d, uint64_t run)
{
    if (d->o.replay) {
        dash_say(d, "a replay plays one log: there are no other runs");
        return;
    }
    dash_open_run(d, run, dash_steps_done(d));
}

/* ---------------------------------------------------------- the band */

void dash_band_restart(dash *d)
{
    char msg[512];
    if (!d->o.replay && dash_bg_start(d->bg, d->sc, d->o.threads, msg, sizeof msg) < 0)
        dash_say(d, "%s", msg);
}

static void band_poll(dash *d)
{
    char msg[512];
    int st = dash_bg_poll(d->bg, msg, sizeof msg);
    if (st == SIM_LEDGER)
        dash_fail(d, cli_exit(SIM_LEDGER), msg);
    else if (st != SIM_OK)
        dash_say(d, "runs behind the band failed: %s", msg);
}

/* --------------------------------------------------------------- loop */

/* Run the steps the speed owes for dt seconds, for at most SLICE seconds
 * from t0. */
static void advance(dash *d, double dt, double t0)
{
    if (d->exit_code || d->paused || dash_over(d) || d->mode == M_PACK || d->mode == M_SAVE)
        return;
    int sp = dash_speeds[d->speed];
    if (sp) {
        d->budget += sp * dt;
        if (d->budget > sp * 0.5 + 1)
            d->budget = sp * 0.5 + 1; /* after a stall, do not race to catch up */
    }
    double e0 = dash_now();
    int64_t n = 0;
    while ((sp == 0 || d->budget >= 1.0) && !dash_over(d) && dash_now() - t0 < SLICE) {
        if (dash_step(d) != 0)
            break;
        n++;
        if (sp)
            d->budget -= 1.0;
    }
    double e = dash_now() - e0;
    d->engine_secs += e;
    d->engine_steps += n;
    if (n && sp == 0 && e > 0)
        d->last_rate =
            d->last_rate ? 0.8 * d->last_rate + 0.2 * n / (e > SLICE ? e : SLICE) : n / e;
    if (n)
        dash_snapshot(d);
}

/* Keys, steps, the band and frames until q, a failure or a signal. */
static void loop(dash *d)
{
    double last_draw = 0, last = dash_now();
    if (!d->exit_code)
        dash_draw(d);
    while (!d->exit_code && !atomic_load(&cli_stop)) {
        int fast = !d->paused && !dash_over(d) && dash_speeds[d->speed] == 0 && d->mode == M_NONE;
        double t_loop = dash_now(), e_loop = d->engine_secs;
        int64_t s_loop = d->engine_steps;
        timeout(fast ? 0 : 15);
        int ch = getch();
        int redraw = 0;
        while (ch != ERR && !d->exit_code) {
            dash_key(d, ch);
            redraw = 1;
            timeout(0);
            ch = getch();
        }
        double t = dash_now();
        advance(d, t - last, t);
        last = t;
        band_poll(d);
        if (!d->exit_code && (redraw || dash_now() - last_draw >= FRAME)) {
            dash_draw(d);
            last_draw = dash_now();
        }
        if (fast) {
            d->full_wall += dash_now() - t_loop;
            d->full_engine += d->engine_secs - e_loop;
            d->full_steps += d->engine_steps - s_loop;
        }
    }
}

/* ---------------------------------------------------------- lifetime */

/* The run shown and the band's room, before the terminal is taken.
 * Returns 0, or -1 after dash_fail. */
static int dash_open(dash *d, scenario *s, const char *dir, const dash_opts *o)
{
    memset(d, 0, sizeof *d);
    d->sc = s;
    d->dir = dir;
    d->o = *o;
    d->speed = 3;
    if (!(d->bg = dash_bg_new(s->t.p.steps))) {
        dash_fail(d, cli_exit(SIM_NOMEM), "out of memory");
        return -1;
    }
    return dash_open_run(d, 1, 0);
}

/* Everything a dashboard holds but the scenario, which is the caller's:
 * the runs behind the band are stopped and waited for. */
static void dash_close(dash *d)
{
    dash_bg_free(d->bg);
    dash_run_free(d->run);
    d->bg = NULL;
    d->run = NULL;
}

/* Take the terminal. Signals first: the program's handler only sets
 * cli_stop, which the loop notices; ncurses leaves a caught signal alone.
 * Returns 0, or -1 if there is no terminal to take. */
static int term_open(dash *d)
{
    cli_catch_signals();
    setlocale(LC_ALL, "");
    /* Braille and box drawing are UTF-8: in another character set they
     * would reach the screen as garbage, so draw as --ascii does. */
    if (!d->o.ascii && !ui_utf8()) {
        d->o.ascii = 1;
        say_until_key(d, "drawing in ASCII (as --ascii): the locale's character set is not UTF-8");
    }
    if (!initscr())
        return -1;
    cbreak();
    noecho();
    keypad(stdscr, TRUE);
    curs_set(0);
    set_escdelay(25);
    d->color = ui_colors_init(d->o.color);
    return 0;
}

/* The last words on stderr, once the terminal is the shell's again. */
static void report(const dash *d)
{
    if (d->exit_code > 0)
        fprintf(stderr, "coinsim: %s\n", d->err);
    if (d->engine_steps)
        fprintf(stderr, "coinsim: the run shown took %lld steps in %.3f s of engine time\n",
                (long long)d->engine_steps, d->engine_secs);
    if (d->full_steps)
        fprintf(stderr,
                "coinsim: at full speed, %lld steps in %.3f s of wall time (%.1f steps/s, engine "
                "%.1f%% of it)\n",
                (long long)d->full_steps, d->full_wall, d->full_steps / d->full_wall,
                100.0 * d->full_engine / d->full_wall);
}

int dash_main(scenario *s, const char *dir, const dash_opts *o)
{
    dash d;
    if (dash_open(&d, s, dir, o) < 0) {
        fprintf(stderr, "coinsim: %s\n", d.err);
        dash_close(&d);
        return d.exit_code;
    }
    if (term_open(&d) < 0) {
        fprintf(stderr, "coinsim: cannot start the terminal dashboard (try --headless)\n");
        dash_close(&d);
        return CLI_FAIL;
    }
    dash_band_restart(&d);
    if (o->tour)
        dash_tour_start(&d);
    loop(&d);
    endwin();
    dash_close(&d);
    int rc = d.exit_code > 0 ? d.exit_code : 0;
    if (atomic_load(&cli_stop))
        rc = cli_exit(SIM_STOPPED); /* 130 or 143; main then ends the process by the signal */
    report(&d);
    return rc;
}
