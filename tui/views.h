/* views — the dashboard's five views, drawn from a snapshot of the run
 * shown and the band across runs; a view never reads engine state. */
#ifndef COINSIM_VIEWS_H
#define COINSIM_VIEWS_H

#include "../sim/kpi.h"
#include "../sim/world.h"

enum { VIEW_OVERVIEW, VIEW_FLOW, VIEW_CREATORS, VIEW_PRICING, VIEW_VIEWERS, VIEW_N };
enum { SER_CASH_IN, SER_PAYOUTS, SER_PLATFORM, SER_N };

/* Per-step mean and p5/p95 across runs of the three charted series. */
typedef struct band {
    int nsteps;
    double *mean[SER_N], *lo[SER_N], *hi[SER_N];
} band;

#define VIEW_ANCHORS 48

typedef struct view_anchor {
    const char *name;
    int y, x, h, w;
} view_anchor;

typedef struct view_ctx {
    const world_snap *s;
    const double *series[SER_N]; /* the run shown, steps 0..s->step-1, USD */
    const band *b;               /* NULL until the runs are done */
    int top, left, h, w;         /* the area to draw in */
    int ascii, color;
    int replay;                       /* a log, not a simulation: no band */
    int region;                       /* the region shown (with regions.csv) */
    view_anchor anchor[VIEW_ANCHORS]; /* named places, for the tour */
    int nanchor;
} view_ctx;

extern const char *const view_names[VIEW_N];

void view_draw(int view, view_ctx *c);

/* The help text of a view: lines explaining every number on it; and the
 * lines to add for a scenario with regions (NULL: none). */
const char *const *view_help(int view);
const char *const *view_help_regions(int view);

/* Where anchor name was drawn, or NULL. */
const view_anchor *view_find(const view_ctx *c, const char *name);

#endif
