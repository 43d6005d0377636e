#define _POSIX_C_SOURCE 200809L
#include "page.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "../sim/afile.h"
#include "cli.h"
#include "html.h"
#include "page_int.h"

static int has(const char *dir, const char *name)
{
    char path[4096];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return stat(path, &st) == 0;
}

enum page_kind page_detect(const char *dir)
{
    if (has(dir, "compare.csv"))
        return PAGE_COMPARE;
    if (has(dir, "sweep.csv"))
        return PAGE_SWEEP;
    if (has(dir, "summary.csv"))
        return PAGE_RUN;
    return PAGE_AUTO;
}

int page_write(const char *dir, enum page_kind kind, diag *d, char *msg, size_t n)
{
    struct stat st;
    if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
        diag_add(d, DIAG_ERROR, dir, 0, NULL, "%s (expected an output directory of coinsim)",
                 stat(dir, &st) < 0 ? strerror(errno) : "not a directory");
        return -1;
    }
    if (kind == PAGE_AUTO && (kind = page_detect(dir)) == PAGE_AUTO) {
        diag_add(d, DIAG_ERROR, dir, 0, NULL,
                 "holds no summary.csv, compare.csv or sweep.csv (expected the --out directory "
                 "of run, replay, compare or sweep)");
        return -1;
    }
    afile a = {0};
    if (afile_open(&a, dir, "report.html", msg, n) < 0)
        return -2;
    int rc = kind == PAGE_COMPARE   ? page_compare(a.f, dir, d)
             : kind == PAGE_SWEEP   ? page_sweep(a.f, dir, d)
             : kind == PAGE_EXPLAIN ? page_explain(a.f, dir, d)
                                    : page_run(a.f, dir, d);
    if (rc < 0 || d->errors) {
        afile_abort(&a);
        return -1;
    }
    int c = afile_commit(&a, msg, n);
    afile_abort(&a); /* frees the names; after a failed commit, removes the temporary file */
    return c < 0 ? -2 : 0;
}

int page_need_out(const char *cmd, int report, const char *out)
{
    if (!report || out)
        return 0;
    fprintf(stderr,
            "coinsim %s: --report without --out (expected --out DIR: the report is written "
            "there, beside the files it reads)\n",
            cmd);
    return CLI_BADINPUT;
}

int page_after(const char *cmd, const char *out, enum page_kind kind)
{
    diag d = {0};
    char msg[1024];
    if (afile_muted())
        return 0; /* an MPI job's other ranks: rank 0 reads the files it wrote */
    int rc = page_write(out, kind, &d, msg, sizeof msg);
    cli_print_diag(&d);
    diag_clear(&d);
    if (rc == -2)
        fprintf(stderr, "coinsim %s: %s; report.html was not written\n", cmd, msg);
    else if (rc < 0)
        fprintf(stderr, "coinsim %s: report.html was not written\n", cmd);
    else
        printf("wrote %s/report.html\n", out);
    return rc == 0 ? CLI_OK : rc == -2 ? CLI_IO : CLI_BADINPUT;
}

/* ------------------------------------------------------- shared sections */

const char *page_manifest_get(const otab *m, const char *key)
{
    const orow *r = otab_get(m, key);
    return r ? r->lab[1] : NULL;
}

void page_heading(FILE *f, const char *h1, const otab *mf)
{
    const char *name = page_manifest_get(mf, "scenario_name");
    const char *a = page_manifest_get(mf, "a_scenario_name");
    const char *b = page_manifest_get(mf, "b_scenario_name");
    const char *line = page_manifest_get(mf, "command_line");
    fputs("<h1>", f);
    html_text(f, h1);
    fputs("</h1>\n", f);
    if (name || (a && b)) {
        fputs("<p class=\"sub\">Scenario <strong>", f);
        html_text(f, name ? name : a);
        if (!name) {
            fputs("</strong> against <strong>", f);
            html_text(f, b);
        }
        fputs("</strong>", f);
        if (line) {
            fputs(", made by <code>", f);
            html_text(f, line);
            fputs("</code>", f);
        }
        fputs("</p>\n", f);
    }
}

void page_manifest(FILE *f, const otab *m)
{
    static const char *const head[] = {"key", "value"};
    html_section(f, "manifest", "What ran (manifest.csv)");
    if (!m)
        html_missing(f, "manifest.csv", "the record of what ran (scenario, seed, runs, version)");
    else {
        html_p(f, NULL,
               "How the job was invoked, as manifest.csv records it (with scenario/, when it "
               "is beside this page, enough to run it again).");
        fprintf(f,
                "<div class=\"wide\"><table class=\"kv\">\n<thead><tr><th>%s</th><th>%s</th>"
                "</tr></thead>\n<tbody>\n",
                head[0], head[1]);
        for (size_t i = 0; i < m->n; i++) {
            fputs("<tr>", f);
            html_td(f, m->rows[i].lab[0]);
            fputs("<td class=\"t\"><code>", f);
            html_text(f, m->rows[i].lab[1]);
            fputs("</code></td></tr>\n", f);
        }
        html_table_end(f);
    }
    html_section_end(f);
}

/* The columns of a paired difference, after the labels (compare.csv). */
void page_diff_table(FILE *f, const char *caption, const otab *t, const char *const *head, int nlab)
{
    html_table(f, caption, head, nlab + 6);
    for (size_t i = 0; i < t->n; i++) {
        const orow *r = &t->rows[i];
        enum pretty_kind k = pretty_kind_of(r->lab[nlab - 1]);
        int yes = strcmp(r->lab[nlab], "yes") == 0;
        fputs("<tr>", f);
        for (int j = 0; j < nlab; j++)
            html_td(f, r->lab[j]);
        for (int j = 0; j < 3; j++)
            html_td_fig(f, r->v[j], r->txt[j], k);
        fputs("<td>", f);
        html_ci(f, r->v[3], r->v[4], r->txt[3], r->txt[4], k);
        fputs("</td>", f);
        html_td_fig(f, r->v[5], r->txt[5], PRETTY_PCT);
        fprintf(f, "<td%s>%s</td></tr>\n", yes ? " class=\"yes\"" : "", yes ? "yes" : "");
    }
    html_table_end(f);
}
