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

/* Write summary.csv, timeseries.csv, runs.csv and pack_sales.csv into dir,
 * and after them the parts extra[0..nextra) (replay.csv, manifest.csv, the
 * scenario): all of them take their names together, or none
 * (afile_write_set). Returns 0, or -1 with the reason in msg. */
int report_write(const char *dir, const scenario *s, const mc_result *r, const afile_part *extra,
                 size_t nextra, char *msg, size_t n);

/* Summary of metric m over the runs of r. */
void report_stat(const mc_result *r, int m, stat_row *out);

enum pack_figure { PACK_PURCHASES, PACK_REVENUE_USD, PACK_CHANNEL_SHARE };

/* Summary over runs of one figure of pack k: purchases, revenue in USD, or
 * its share of its channel's revenue in the run (0 when the channel sold
 * nothing). */
void report_pack_stat(const scenario *s, const mc_result *r, size_t k, enum pack_figure f,
                      stat_row *out);

#endif
