/* cli — what the coinsim commands share (cli.h): the command line and its
 * help, loading a scenario with its changes, the tables and progress they
 * print, signals, and the one mapping from what happened to an exit
 * status. */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../sim/afile.h"
#include "../sim/diag.h"
#include "../sim/dist.h"
#include "../sim/kpi.h"
#include "../sim/manifest.h"
#include "../sim/mc.h"
#include "../sim/report.h"
#include "../sim/scenario.h"
#include "../sim/status.h"
#include "host.h"

/* ------------------------------------------------------------ exit status */

int cli_exit(int st)
{
    switch (st) {
    case SIM_OK: return CLI_OK;
    case SIM_BADINPUT: return CLI_BADINPUT;
    case SIM_LEDGER: return CLI_LEDGER;
    case SIM_NOMEM: return CLI_NOMEM;
    case SIM_IO: return CLI_IO;
    case SIM_STOPPED: return atomic_load(&cli_stop) == SIGTERM ? CLI_SIGTERM : CLI_SIGINT;
    default: /* SIM_OVERFLOW */ return CLI_FAIL;
    }
}

/* What each status means, for every help text (and README.md's table). */
static const struct exit_doc {
    unsigned bit;
    int code;
    const char *what;
} exit_docs[] = {
    {CLI_X_OK, CLI_OK, "done"},
    {CLI_X_FAIL, CLI_FAIL, "runtime failure, such as a total past what 64 bits can hold"},
    {CLI_X_BADINPUT, CLI_BADINPUT,
     "bad input: an invalid scenario, option, value or event log, each problem listed (FILE:LINE: "
     "column NAME: what is wrong); nothing was run"},
    {CLI_X_LEDGER, CLI_LEDGER, "a ledger identity broke: a bug in coinsim (please report it)"},
    {CLI_X_NOMEM, CLI_NOMEM,
     "out of memory: the job needs more than the process can get (found before it runs)"},
    {CLI_X_IO, CLI_IO,
     "a file could not be written or read (the --out directory or its files, the --events "
     "file)"},
    {CLI_X_SIGNAL, CLI_SIGINT,
     "interrupted by Ctrl-C (SIGINT); files already there are left as they were"},
    {CLI_X_SIGNAL, CLI_SIGTERM, "interrupted by SIGTERM, likewise"},
};

void cli_print_exits(FILE *f, unsigned mask, const char *ok)
{
    fputs("exit status:\n", f);
    for (size_t i = 0; i < sizeof exit_docs / sizeof exit_docs[0]; i++) {
        const struct exit_doc *e = &exit_docs[i];
        if (!(mask & e->bit))
            continue;
        fprintf(f, "  %-4d ", e->code);
        opt_wrap(f, e->code == CLI_OK && ok ? ok : e->what, 7, 7, 79);
    }
}

/* ----------------------------------------------------------- command line */

void cli_help(const opt_cmd *c, FILE *f)
{
    fprintf(f, "usage: coinsim %s %s\n\n%s\n", c->name, c->usage, c->about);
    opt_print_options(c, f);
    if (c->notes)
        fprintf(f, "\n%s", c->notes);
    fputc('\n', f);
    cli_print_exits(f, c->exits, c->ok);
}

int cli_parse(const opt_cmd *c, int argc, char **argv, void *args)
{
    int rc = opt_parse(c, argc, argv, args);
    if (rc == OPT_HELP) {
        cli_help(c, stdout);
        return 0;
    }
    return rc == OPT_GO ? -1 : rc;
}

int cli_one_dir(const char *cmd, const char **dir, const char *word)
{
    if (*dir) {
        fprintf(stderr, "coinsim %s: one scenario directory expected, got \"%s\" and \"%s\"\n", cmd,
                *dir, word);
        return CLI_BADINPUT;
    }
    *dir = word;
    return 0;
}

void cli_print_diag(const diag *d)
{
    for (size_t i = 0; i < d->n; i++)
        fprintf(stderr, "%s%s\n", d->items[i].level == DIAG_WARNING ? "warning: " : "",
                d->items[i].text);
}

/* Apply change c to s, named in messages as given ("--set T=V"). */
static void apply(scenario *s, const cli_change *c, diag *d)
{
    char label[1024], assign[1024];
    snprintf(label, sizeof label, "%s %s", c->opt, c->val);
    if (c->key)
        snprintf(assign, sizeof assign, "%s=%s", c->key, c->val);
    scenario_set(s, c->key ? assign : c->val, label, d);
}

scenario *cli_load(const char *dir, const cli_change *ch, int n)
{
    diag d = {0};
    scenario *s = scenario_load(dir, &d);
    if (s) {
        for (int i = 0; i < n; i++)
            apply(s, &ch[i], &d);
        scenario_check(s, &d);
    }
    cli_print_diag(&d);
    if (d.errors) {
        fprintf(stderr, "coinsim: %zu problem%s in %s; nothing was run\n", d.errors,
                d.errors == 1 ? "" : "s", *dir ? dir : "\"\"");
        scenario_free(s);
        s = NULL;
    }
    diag_clear(&d);
    return s;
}

scenario *cli_load_sets(const char *dir, const opt_list *sets, const char *runs, const char *seed)
{
    cli_change ch[OPT_LIST_MAX + 2];
    int n = 0;
    for (int i = 0; sets && i < sets->n; i++)
        ch[n++] = (cli_change){"--set", NULL, sets->v[i]};
    if (runs)
        ch[n++] = (cli_change){"--runs", "runs", runs};
    if (seed)
        ch[n++] = (cli_change){"--seed", "seed", seed};
    return cli_load(dir, ch, n);
}

int cli_metric(const char *cmd, const char *opt, const char *name)
{
    int m = kpi_metric_find(name);
    if (m >= 0)
        return m;
    const char *names[M_N];
    for (int i = 0; i < M_N; i++)
        names[i] = kpi_metrics[i].name;
    const char *near = opt_nearest(name, names, M_N);
    if (near)
        fprintf(stderr, "coinsim %s: %s \"%s\": no such metric (did you mean %s?)\n", cmd, opt,
                name, near);
    else
        fprintf(stderr,
                "coinsim %s: %s \"%s\": no such metric (expected one of those listed below)\n", cmd,
                opt, name);
    fprintf(stderr, "coinsim %s: the metrics (those of summary.csv) are:", cmd);
    for (int i = 0; i < M_N; i++)
        fprintf(stderr, "%s %s", i ? "," : "", names[i]);
    fputc('\n', stderr);
    return -1;
}

/* ------------------------------------------------------------ what ran */

static int kept_argc;
static char **kept_argv;

void cli_keep_command_line(int argc, char **argv)
{
    kept_argc = argc;
    kept_argv = argv;
}

manifest *cli_manifest(const char *cmd)
{
    manifest *m = manifest_new();
    char *line = manifest_shell_words(kept_argc, kept_argv);
    manifest_add(m, "coinsim_version", CLI_VERSION);
    manifest_add_int(m, "model_version", COINSIM_MODEL_VERSION);
    manifest_add(m, "command", cmd);
    if (line)
        manifest_add(m, "command_line", line);
    free(line);
    if (!line || manifest_failed(m)) {
        manifest_free(m);
        return NULL;
    }
    return m;
}

manifest *cli_manifest_job(const char *cmd, const scenario *s, long long runs, int threads,
                           const opt_list *sets)
{
    manifest *m = cli_manifest(cmd);
    manifest_add_scenario(m, "", s);
    manifest_add_runs(m, s, runs);
    manifest_add_steps(m, "", s);
    manifest_add_int(m, "threads", threads);
    for (int i = 0; sets && i < sets->n; i++)
        manifest_add(m, "set", sets->v[i]);
    return m;
}

void cli_scenario_comment(char *buf, size_t n, const scenario *s, const char *cmd, const char *side)
{
    snprintf(buf, n,
             "%s%s%s (%s) as coinsim %s ran it: extends flattened and every change applied; "
             "../manifest.csv says how",
             side ? side : "", side ? " = " : "", s->t.p.name ? s->t.p.name : "",
             s->dir ? s->dir : "", cmd);
}

int cli_out_parts(cli_out *o, manifest *m, const scenario *s, const char *cmd, char *msg, size_t n)
{
    memset(o, 0, sizeof *o);
    if (manifest_failed(m)) {
        manifest_free(m);
        snprintf(msg, n, "out of memory");
        return -1;
    }
    o->m = m;
    cli_scenario_comment(o->comment, sizeof o->comment, s, cmd, NULL);
    o->ms = (manifest_scenario){s, o->comment};
    o->part[0] = (afile_part){"manifest.csv", manifest_write, NULL, o->m};
    o->part[1] = (afile_part){"scenario", NULL, manifest_save_scenario, &o->ms};
    /* a page of older files goes with them (--report writes the new one
     * once the set is in place) */
    o->part[2] = (afile_part){"report.html", NULL, NULL, NULL};
    return 0;
}

void cli_out_free(cli_out *o)
{
    manifest_free(o->m);
    o->m = NULL;
}

/* ----------------------------------------------------------------- output */

int cli_no_color(void)
{
    const char *v = getenv("NO_COLOR");
    return v && *v;
}

int cli_wants_progress(void) { return isatty(STDERR_FILENO) || dist_size() > 1; }

int cli_progress_tenth(long long done, long long total)
{
    static long long job_total = -1, said = -1;
    long long tenth = total > 0 ? 10 * done / total : 10;
    if (total != job_total || tenth < said) { /* another job */
        job_total = total;
        said = -1;
    }
    if (tenth == said)
        return 0;
    said = tenth;
    return 1;
}

void cli_progress(const char *what, long long done, long long total)
{
    if (!isatty(STDERR_FILENO)) {
        if (cli_progress_tenth(done, total))
            fprintf(stderr, "coinsim: %s %lld of %lld (%lld%%)\n", what, done, total,
                    total ? 100 * done / total : 100);
        return;
    }
    fprintf(stderr, "\rcoinsim: %s %lld of %lld (%lld%%)", what, done, total,
            total ? 100 * done / total : 100);
    if (done >= total)
        fputs("\r\033[K", stderr);
    fflush(stderr);
}

void cli_human(char *buf, size_t n, int m, double v)
{
    const kpi_metric *k = &kpi_metrics[m];
    if (isnan(v))
        snprintf(buf, n, "-");
    else if (k->unit == U_MONEY)
        snprintf(buf, n, "%.2f", v);
    else if (k->exact || m < TS_N || m == M_CASHED_OUT)
        snprintf(buf, n, "%.1f", v); /* a count, or a mean of counts */
    else
        snprintf(buf, n, "%.4f", v); /* a ratio */
}

void cli_scenario_label(char *buf, size_t n, const scenario *s)
{
    const char *name = s->t.p.name ? s->t.p.name : "";
    const char *dir = s->dir ? s->dir : "";
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/')
        len--;
    size_t base = len;
    while (base > 0 && dir[base - 1] != '/')
        base--;
    if (len - base == strlen(name) && strncmp(dir + base, name, len - base) == 0)
        snprintf(buf, n, "%s", name);
    else
        snprintf(buf, n, "%s (%s)", name, dir);
}

/* The pack table under the metrics: purchases, revenue, channel share. */
static void print_packs(const scenario *s, const mc_result *r)
{
    printf("\n%-12s %-4s %14s %16s %26s\n", "pack", "chan", "purchases", "revenue_usd",
           "share of channel revenue");
    for (size_t k = 0; k < r->brk.sh.npacks; k++) {
        stat_row n, u, sh;
        /* pack_sales.csv's figures, by name (not the raw figures' enum) */
        report_brk_stat(r, BRK_PACKS, k, (size_t)brk_fig_find(BRK_PACKS, "purchases"), &n);
        report_brk_stat(r, BRK_PACKS, k, (size_t)brk_fig_find(BRK_PACKS, "revenue_usd"), &u);
        report_brk_stat(r, BRK_PACKS, k,
                        (size_t)brk_fig_find(BRK_PACKS, "share_of_channel_revenue"), &sh);
        char ci[64] = "";
        if (!isnan(sh.lo))
            snprintf(ci, sizeof ci, " [%.3f, %.3f]", sh.lo, sh.hi);
        printf("%-12s %-4s %14.1f %16.2f %8.3f%-18s\n", s->t.packs[k].name,
               s->t.packs[k].channel == CH_WEB ? "web" : "app", n.mean, u.mean, sh.mean, ci);
    }
}

void cli_print_table(const scenario *s, const mc_result *r)
{
    const sc_params *p = &s->t.p;
    char label[600];
    cli_scenario_label(label, sizeof label, s);
    printf("%s: %lld runs x %lld steps, %lld viewers, %lld creators, seed %llu\n\n", label,
           (long long)r->runs, (long long)r->steps, (long long)p->viewers, (long long)p->creators,
           (unsigned long long)p->seed);
    printf("%-28s %16s   %-33s\n", "metric", "mean", "95% CI");
    for (int m = 0; m < M_N; m++) {
        stat_row st;
        char mean[40], lo[40], hi[40], ci[90];
        report_stat(r, m, &st);
        cli_human(mean, sizeof mean, m, st.mean);
        cli_human(lo, sizeof lo, m, st.lo);
        cli_human(hi, sizeof hi, m, st.hi);
        if (isnan(st.lo))
            snprintf(ci, sizeof ci, "(one run: no interval)");
        else
            snprintf(ci, sizeof ci, "[%s, %s]", lo, hi);
        printf("%-28s %16s   %-33s\n", kpi_metrics[m].name, mean, ci);
    }
    print_packs(s, r);
}

/* ------------------------------------------------------------ the machine */

int cli_threads(long long asked, int64_t most)
{
    long long t = asked ? asked : host_cpus();
    return (int)(most > 0 && t > most ? most : t);
}

int cli_memory(const scenario *s, int64_t need, int threads)
{
    char msg[600];
    /* Every rank of an MPI job holds every result, and a buffer of up to
     * 32 MB to exchange them: the ranks on one machine need that much
     * each, and all must have room. */
    int k = dist_node_ranks();
    if (dist_size() > 1) {
        need = (need + (32 << 20)) * k;
        threads *= k;
    }
    if (!dist_agree(host_check(s, need, threads, msg, sizeof msg) < 0, msg, sizeof msg))
        return 0;
    fprintf(stderr, "coinsim: %s; nothing was run\n", msg);
    return CLI_NOMEM;
}

int cli_local_only(const char *cmd)
{
    if (dist_size() < 2)
        return 0;
    fprintf(stderr,
            "coinsim %s: runs on one machine only, not over the %d ranks of an MPI job (start it "
            "without mpirun)\n",
            cmd, dist_size());
    return CLI_BADINPUT;
}

atomic_int cli_stop;
/* Signals taken so far. Lock-free atomics are safe in a handler, and two
 * signals handled at once on two threads still count as two. */
static atomic_int signals_seen;

static void on_signal(int sig)
{
    static const char again[] =
        "\ncoinsim: interrupted again: stopped at once; files not complete were removed\n";
    static const char again_some[] =
        "\ncoinsim: interrupted again: stopped at once; files not complete were removed, but for "
        "some\n"
        "temporary files named .NAME.XXXXXX that may remain next to the outputs\n";
    if (atomic_fetch_add(&signals_seen, 1) > 0) {
        ssize_t w = afile_remove_temps() == 0
                        ? write(STDERR_FILENO, again, sizeof again - 1)
                        : write(STDERR_FILENO, again_some, sizeof again_some - 1);
        (void)w;
        /* Die of the signal itself: back to the default action, and the
         * signal (held while its handler runs) arrives on return. */
        struct sigaction dfl;
        memset(&dfl, 0, sizeof dfl);
        dfl.sa_handler = SIG_DFL;
        sigaction(sig, &dfl, NULL);
        raise(sig);
        return;
    }
    atomic_store(&cli_stop, sig);
    /* In an MPI job a signal is the launcher ending it, and its SIGKILL
     * may follow at any moment: temporary files go now (the flag is set
     * first, so no writer gives one a final name after this). */
    if (dist_size() > 1)
        afile_remove_temps();
}

void cli_catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART; /* a write to a pipe is not cut short */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    afile_watch(&cli_stop);
}

void cli_reraise(void)
{
    int sig = atomic_load(&cli_stop);
    if (!sig)
        return;
    fflush(stdout);
    fflush(stderr);
    signal(sig, SIG_DFL);
    raise(sig);
}

int cli_interrupted(const char *when, const char *out, const char *lost, const char *wrote)
{
    fprintf(stderr, "coinsim: interrupted%s%s; ", *when ? " " : "", when);
    if (wrote)
        fprintf(stderr, "%s was written; ", wrote);
    if (out)
        fprintf(stderr, "nothing was written to %s (files already there are unchanged)%s", out,
                lost ? " and " : "");
    if (lost)
        fprintf(stderr, "%s was not written", lost);
    if (!out && !lost)
        fprintf(stderr, "%s", wrote ? "nothing else was written" : "nothing was written");
    fputc('\n', stderr);
    return cli_exit(SIM_STOPPED);
}
