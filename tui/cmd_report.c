/* coinsim report DIR: report.html from the files of an output directory. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "opt.h"
#include "page.h"

typedef struct report_args {
    const char *dir;
    int explain;
} report_args;

static int one_dir(const char *cmd, void *a, const char *w)
{
    report_args *r = a;
    if (r->dir) {
        fprintf(stderr, "coinsim %s: one output directory expected, got \"%s\" and \"%s\"\n", cmd,
                r->dir, w);
        return CLI_BADINPUT;
    }
    r->dir = w;
    return 0;
}

static const opt_spec report_cli_opts[] = {
    OPT_FLAG("--explain", report_args, explain,
             "from a run's files, the one-page explainer of where a viewer's dollar goes, in "
             "plain sentences for a class (what coinsim tour --report writes)"),
    OPT_END};

static const opt_cmd report_cmd = {
    .name = "report",
    .usage = "DIR [--explain]",
    .about = "Write DIR/report.html from the files in DIR, the --out directory of run,\n"
             "replay, compare or sweep: one self-contained page (inline SVG and CSS, no\n"
             "script, nothing fetched from the network) to open in a browser, print or\n"
             "attach. What it shows follows what DIR holds:\n"
             "  summary.csv  a run: headline figures with their CIs, where a viewer's\n"
             "               dollar goes, the curves over time with the p5-p95 band,\n"
             "               packs and channels, segments, the Lorenz curve of creators'\n"
             "               earnings, every figure and the manifest;\n"
             "  compare.csv  a forest plot of the paired differences, the breakdowns'\n"
             "               differences and the manifest;\n"
             "  sweep.csv    the objective against the varied values with its CI band\n"
             "               and the best point, the channels at every point, the manifest.\n"
             "A file that is not there (an older output) leaves a note in its place.\n"
             "run, compare and sweep write the same page with --report.\n",
    .opts = report_cli_opts,
    .notes = "A malformed file is reported as FILE:LINE: column NAME: what is wrong, and\n"
             "nothing is written (exit 2). The page is written atomically, and the same\n"
             "files always give the same bytes.\n",
    .word = one_dir,
    .min_words = 1,
    .none = "no output directory given",
    .exits = CLI_X_OK | CLI_X_BADINPUT | CLI_X_IO,
    .ok = "report.html written",
};

int cmd_report(int argc, char **argv)
{
    report_args a;
    memset(&a, 0, sizeof a);
    int rc = cli_parse(&report_cmd, argc, argv, &a);
    if (rc >= 0)
        return rc;
    return page_after("report", a.dir, a.explain ? PAGE_EXPLAIN : PAGE_AUTO);
}
