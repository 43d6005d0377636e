/* dash — the live ncurses dashboard over one scenario. */
#ifndef COINSIM_DASH_H
#define COINSIM_DASH_H

#include "../sim/scenario.h"

typedef struct dash_opts {
    int ascii;          /* no Unicode: plain characters for charts and boxes */
    int color;          /* colour wanted (NO_COLOR unset) */
    int threads;        /* for the runs behind the band */
    int tour;           /* start the guided tour */
    const char *replay; /* play this event log instead of simulating */
} dash_opts;

/* Run the dashboard on s (which it may extend with live timeline rows and
 * a new seed) until the user quits. dir is the scenario's directory, for
 * saving. Restores the terminal on every path. Returns an exit status as
 * cli.h lists them (130 after SIGINT, 143 after SIGTERM, caught with
 * cli_catch_signals, so that main ends the process by the signal) and
 * prints any error after the terminal is restored. */
int dash_main(scenario *s, const char *dir, const dash_opts *o);

#endif
