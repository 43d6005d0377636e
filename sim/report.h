/* report — the output files of docs/model.md §6, written atomically.
 *
 * Each file is written under a temporary name in the same directory,
 * flushed to disk and renamed only when all of them are complete, so a
 * failure never leaves a half-written file under a final name and never
 * truncates an earlier result. */
#ifndef COINSIM_REPORT_H
#define COINSIM_REPORT_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>

#include "mc.h"
#include "scenario.h"
#include "stats.h"

/* Make dir (and its parents) if needed and prove a file can be created in
 * it. Returns 0, or -1 with the reason in msg. Call before simulating. */
int report_prepare_dir(const char *dir, char *msg, size_t n);

/* The outermost directory report_prepare_dir(dir) would create (dir or
 * one of its parents; malloc'd), or NULL if dir exists already. */
char *report_missing_root(const char *dir);

/* Undo report_prepare_dir after a failure: remove dir and its parents up
 * to root (from report_missing_root), each only if empty. */
void report_unprepare_dir(const char *dir, const char *root);

/* Write summary.csv, timeseries.csv, runs.csv and pack_sales.csv into dir.
 * Returns 0, or -1 with the reason in msg (nothing renamed into place). */
int report_write(const char *dir, const scenario *s, const mc_result *r, char *msg, size_t n);

/* The same with one more file in the set, extra, written by write_extra(f,
 * ud): all of them take their names together, or none. */
int report_write_with(const char *dir, const scenario *s, const mc_result *r, const char *extra,
                      void (*write_extra)(FILE *f, const void *ud), const void *ud, char *msg, size_t n);

/* Summary of metric m over the runs of r. */
void report_stat(const mc_result *r, int m, stat_row *out);

enum pack_figure { PACK_PURCHASES, PACK_REVENUE_USD, PACK_CHANNEL_SHARE };

/* Summary over runs of one figure of pack k: purchases, revenue in USD, or
 * its share of its channel's revenue in the run (0 when the channel sold
 * nothing). */
void report_pack_stat(const scenario *s, const mc_result *r, size_t k, enum pack_figure f, stat_row *out);

/* An output file under construction. */
typedef struct afile {
    FILE *f;
    char *tmp, *final;
    int slot;                   /* its place in the list of temporary files, or -1 */
} afile;

/* Interruption. afile_watch(flag): from then on a set *flag makes
 * afile_finish fail ("interrupted"), so nothing further takes a final
 * name. afile_remove_temps unlinks every temporary file still open that
 * it knows of and returns 0, or -1 if some (past 16 at once, or caught
 * between creation and listing) may remain; it is async-signal-safe, for
 * a handler that must end the process at once.
 * Files are opened, renamed and aborted from one thread only. */
void afile_watch(atomic_int *flag);
int afile_remove_temps(void);

/* Open dir/name for atomic writing. Returns 0 or -1 (msg). */
int afile_open(afile *a, const char *dir, const char *name, char *msg, size_t n);
/* Flush, fsync, close and rename into place. Returns 0 or -1 (msg). */
int afile_commit(afile *a, char *msg, size_t n);
/* Flush, fsync and close, leaving the temporary file; 0 or -1 (msg),
 * also when the watched flag is set. */
int afile_finish(afile *a, char *msg, size_t n);
/* Rename a finished file into place. */
int afile_rename(afile *a, char *msg, size_t n);
/* Close and remove the temporary file; safe on a closed or empty afile. */
void afile_abort(afile *a);

#endif
