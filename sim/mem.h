/* mem — how much memory a job needs, so that a scenario too large fails up
 * front with a clear message instead of being killed half-way. What the
 * process can get is the program's to ask of the system (tui/host.h). */
#ifndef COINSIM_MEM_H
#define COINSIM_MEM_H

#include <stddef.h>
#include <stdint.h>

#include "scenario.h"

/* Bytes one world (one run in progress) of s holds for certain: 16 a
 * viewer and about 64 a creator. Not counted: 8 bytes for each payer who
 * churns, kept as the run goes (their number is known only by running);
 * that list grows by checked allocations, and a run that cannot grow it
 * stops with "out of memory". */
int64_t mem_world(const scenario *s);

/* Bytes of a job that runs `runs` runs of s on `threads` threads and keeps
 * each run's rows (keep_rows) or only its totals. */
int64_t mem_job(const scenario *s, int threads, int64_t runs, int keep_rows);

#endif
