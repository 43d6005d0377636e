/* evlog — the event log of one run (docs/model.md §6): writing it from a run's
 * event hook, and the names of its columns and types for reading it. */
#ifndef COINSIM_EVLOG_H
#define COINSIM_EVLOG_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "scenario.h"
#include "world.h"

#define EVLOG_HEADER "run,step,type,viewer,creator,item,coins,usd,channel"
/* The columns a log of a scenario with regions (docs/model.md §8) adds:
 * a purchase's or a cash-out's region, its currency and the local amount
 * (the pack's price there, or what the creator's bank received). */
#define EVLOG_REGIONS ",region,currency,local"

extern const char *const evlog_type_names[EV_NTYPES]; /* by enum ev_type */

typedef struct evlog evlog;

/* Open path (written atomically: a temporary name until evlog_close
 * commits). s names the packs and gifts. NULL with msg on failure. */
evlog *evlog_open(const char *path, const scenario *s, char *msg, size_t n);

/* The world_event_fn that appends ev; ud is the evlog. It is the event
 * hook (run.h) of the run being simulated: a log is written as its run
 * goes, never by simulating the run again. */
void evlog_event(void *ud, const sim_event *ev);

/* Finish: commit (rename into place) when ok, else remove. Returns 0, or
 * -1 with msg. Frees l. */
int evlog_close(evlog *l, int ok, char *msg, size_t n);

/* Prove that path can be written (its directory takes a file, and path is
 * not a directory), leaving nothing behind. Returns 0, or -1 with msg. */
int evlog_probe(const char *path, char *msg, size_t n);

#endif
