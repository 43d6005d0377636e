/* dash_bg — the runs behind the dashboard's band: every run of the
 * scenario, on threads of their own while the dashboard shows one, and
 * once they are done the band across them (per-step mean and p5-p95).
 * A change starts them over on a fresh copy of the scenario; a job made
 * stale is told to stop and joined later, so the screen never waits. */
#ifndef COINSIM_DASH_BG_H
#define COINSIM_DASH_BG_H

#include <stddef.h>
#include <stdint.h>

#include "../sim/scenario.h"
#include "views.h"

typedef struct dash_bg dash_bg;

/* Background runs for a scenario of steps steps, none started yet.
 * NULL out of memory. */
dash_bg *dash_bg_new(int64_t steps);

/* Stop every job, wait for each, free everything. NULL does nothing. */
void dash_bg_free(dash_bg *g);

/* Retire the job running, if any, forget the band, and start every run of
 * a copy of s on threads threads. Returns 0, or -1 with why in msg (there
 * is then no band until the next start). */
int dash_bg_start(dash_bg *g, const scenario *s, int threads, char *msg, size_t n);

/* Join the retired jobs that have stopped; if the current job finished,
 * make the band from it. Returns SIM_OK (nothing new, or a band made), or
 * the status of a current job that failed (sim/status.h; not SIM_STOPPED)
 * with its message in msg. */
int dash_bg_poll(dash_bg *g, char *msg, size_t n);

/* The band across the runs of the last job, or NULL until it is done. */
const band *dash_bg_band(const dash_bg *g);

/* Whether a job is running: 1 with the runs it has done in *done, or 0.
 * *total is the runs of the last job started either way. */
int dash_bg_progress(const dash_bg *g, int64_t *done, int64_t *total);

#endif
