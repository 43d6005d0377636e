/* page — report.html: the files of an output directory made into one
 * page for people (docs/outputs.md, report.html). A run's page (also a
 * replay's), a compare's, a sweep's, and the explainer of where a
 * viewer's dollar goes that the tour hands to a class. */
#ifndef COINSIM_PAGE_H
#define COINSIM_PAGE_H

#include <stddef.h>

#include "../sim/diag.h"

enum page_kind {
    PAGE_AUTO,    /* what the directory holds: compare.csv, sweep.csv or summary.csv */
    PAGE_RUN,     /* summary.csv and the files beside it (run, replay) */
    PAGE_COMPARE, /* compare.csv */
    PAGE_SWEEP,   /* sweep.csv */
    PAGE_EXPLAIN  /* a run's files as a one-page explainer for a class */
};

/* The kind dir holds (PAGE_COMPARE, PAGE_SWEEP, PAGE_RUN in that order of
 * precedence), or PAGE_AUTO when it holds none of them. */
enum page_kind page_detect(const char *dir);

/* Write dir/report.html of the given kind (PAGE_AUTO: page_detect) from
 * the files in dir, atomically. Returns 0; -1 after errors in d (an input
 * file malformed, or nothing to report on: exit 2); -2 with the reason in
 * msg when the page could not be written (exit 5). A file that is not
 * there is no error: its section says so. */
int page_write(const char *dir, enum page_kind kind, diag *d, char *msg, size_t n);

/* For --report on run, compare, sweep and tour (command cmd): given
 * report, a --out directory is required; 0, or 2 after a message. */
int page_need_out(const char *cmd, int report, const char *out);

/* For --report: after command cmd has written its files in out, write
 * out/report.html of kind, print "wrote OUT/report.html" or the problems
 * on stderr, and return the exit status (0, 2 or 5). */
int page_after(const char *cmd, const char *out, enum page_kind kind);

#endif
