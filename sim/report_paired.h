/* report_paired — the output files of paired jobs: compare.csv (A and B
 * run by run) and sweep.csv (a grid's points), written atomically through
 * afile.h with the cells of csvwrite.h. */
#ifndef COINSIM_REPORT_PAIRED_H
#define COINSIM_REPORT_PAIRED_H

#include <stddef.h>

#include <stdio.h>

#include "afile.h"
#include "compare.h"
#include "scenario.h"
#include "sweep.h"

/* compare.csv in dir: three comment lines (side[0], side[1]: what A and B
 * were, "A = DIR (NAME) changed by ..."; side[2]: how they ran), then
 * metric,a_mean,b_mean,diff_mean,diff_ci95_low,diff_ci95_high,rel_change,
 * significant with a row a metric; the breakdowns' paired differences,
 * compare_segments.csv, compare_channels.csv, compare_gifts.csv,
 * compare_creators.csv and compare_packs.csv, for the rows A and B (sc)
 * both have; then the parts extra[0..nextra) (manifest.csv, the
 * scenarios), all taking their names together or none (afile_write_set).
 * Returns a sim_status: SIM_OK; SIM_IO or SIM_NOMEM with msg; SIM_STOPPED
 * when interrupted before they took their names. */
int report_paired_compare(const char *dir, const cmp_result *r, const scenario *const sc[2],
                          const char *const side[3], const afile_part *extra, size_t nextra,
                          char *msg, size_t n);

/* A note on err for every breakdown row (a segment, gift, sink or pack)
 * that only one of the scenarios sc has, so the compare files leave out. */
void report_paired_unmatched(const scenario *const sc[2], FILE *err);

/* sweep.csv in dir (s names the breakdowns' rows): the axes' targets, then
 * M_mean,M_ci95_low,M_ci95_high for the key metrics (cash in, platform cash,
 * net payouts, store fees, purchases, payers, ARPPU, creators' share, take
 * rate) and objective when it is a metric (>= 0) not among them; a row a
 * point, the first axis varying slowest; sweep_channels.csv and
 * sweep_regions.csv, each figure of those breakdowns at each point; then
 * extra[0..nextra). Returns a sim_status as report_paired_compare. */
int report_paired_sweep(const char *dir, const sweep_result *r, const sweep_axis *axes,
                        int objective, const scenario *s, const afile_part *extra, size_t nextra,
                        char *msg, size_t n);

#endif
