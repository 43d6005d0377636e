/* report — the output files of docs/model.md §6 (through afile.h, so a
 * set of them takes its names together or not at all), and the summary of
 * a figure over runs. */
#ifndef COINSIM_REPORT_H
#define COINSIM_REPORT_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>

#include "mc.h"
#include "scenario.h"
#include "stats.h"
#include "afile.h"

/* Write summary.csv, timeseries.csv, runs.csv, pack_sales.csv and the
 * breakdowns (segments.csv, channels.csv, gifts.csv, creators.csv) into
 * dir, and after them the parts extra[0..nextra) (replay.csv, manifest.csv,
 * the scenario): all of them take their names together, or none
 * (afile_write_set). Returns 0, or -1 with the reason in msg. */
/* Parts own[0..nown) then extra[0..nextra) as one set (afile_write_set):
 * how every job's writer adds the parts its command brings. Returns 0, -1
 * when the set failed or -2 out of memory before it began (msg). */
int report_write_parts(const char *dir, const afile_part *own, size_t nown, const afile_part *extra,
                       size_t nextra, char *msg, size_t n);

int report_write(const char *dir, const scenario *s, const mc_result *r, const afile_part *extra,
                 size_t nextra, char *msg, size_t n);

/* The cells ,mean,sd,ci95_low,ci95_high,p5,p50,p95,runs and the line's
 * end, as every summarised file has them. */
void report_put_stat(FILE *f, const stat_row *s);

/* Summary of metric m over the runs of r. Returns 0, or -1 out of memory
 * (every figure NaN); likewise report_brk_stat. */
int report_stat(const mc_result *r, int m, stat_row *out);

/* Summary over the runs of r of figure fig of row `row` of breakdown
 * table t (brk.h). */
int report_brk_stat(const mc_result *r, enum brk_table t, size_t row, size_t fig, stat_row *out);

/* The label cells of a breakdown row as its file has them (brk_labels),
 * each followed by a comma: a segment's name; app or web; a gift's or
 * sink's name and kind; a pack's name and channel as loaded. */
void report_brk_labels(FILE *f, const scenario *s, const brk_shape *sh, enum brk_table t,
                       size_t row);

#endif
