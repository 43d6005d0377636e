/* coinsim bench: how fast the engine is, measured, not assumed. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <gsl/gsl_randist.h>
#include <poll.h>
#include <signal.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../sim/alias.h"
#include "../sim/mc.h"
#include "../sim/num.h"
#include "../sim/rng.h"
#include "../sim/scenario.h"
#include "../sim/status.h"
#include "cli.h"
#include "opt.h"

#define MAX_DIRS OPT_LIST_MAX

/* The scenarios to time, each with the --threads given before it. */
typedef struct bench_args {
    long long threads;
    const char *dirs[MAX_DIRS];
    int threads_of[MAX_DIRS];
    int n;
} bench_args;

static int dir_word(const char *cmd, void *p, const char *w)
{
    bench_args *a = p;
    if (a->n == MAX_DIRS) {
        fprintf(stderr, "coinsim %s: more than %d scenarios\n", cmd, MAX_DIRS);
        return CLI_BADINPUT;
    }
    a->threads_of[a->n] = (int)a->threads;
    a->dirs[a->n++] = w;
    return 0;
}

static const opt_spec bench_cli_opts[] = {
    OPT_INT("--threads", "T", bench_args, threads, 1, 256,
            "worker threads, 1 to 256, for the directories after it (default 1)"),
    OPT_END};

static const opt_cmd bench_cmd = {
    .name = "bench",
    .usage = "[--threads T] DIR [DIR ...] [--threads T DIR ...]",
    .about = "Run each scenario headless, each in a process of its own, and print a\n"
             "row: viewers, creators, steps, runs, threads, wall seconds, events (gift\n"
             "intents + purchases + cash-outs + churns), events a second, peak resident\n"
             "memory, the floor and the engine-to-floor ratio. The floor is the time\n"
             "the random draws the runs needed take on their own: the same number of\n"
             "each kind of draw, made with the same generators in the same process.\n",
    .opts = bench_cli_opts,
    .word = dir_word,
    .min_words = 1,
    .none = "no scenario given",
    .exits = CLI_X_ALL,
};

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

typedef struct figures {
    double wall, floor;
    int64_t events, runs, steps, viewers, creators;
    int threads;
    int status;
} figures;

/* The draws a job needed, timed alone: viewer streams started, their
 * uniforms (the session's count and creator, each intent's gift, two per
 * purchase decision) with alias look-ups for the discrete ones, geometric
 * skips (a uniform and a log), binomials and cash-out draws. */
static double floor_time(const mc_result *r, const scenario *s)
{
    int64_t sessions = 0, intents = 0, decisions = 0, skips = 0, binom = 0, cash = 0;
    for (int64_t i = 0; i < r->runs; i++) {
        sessions += r->res[i].sessions;
        intents += r->res[i].intents + r->res[i].sink_intents;
        decisions += r->res[i].decisions;
        skips += r->res[i].skips;
        binom += r->res[i].binomials;
        cash += r->res[i].cashout_draws;
    }
    /* Tables the size the runs drew from: the scenario's gifts, and the
     * creators live in a step (their popularity weights), whose table may
     * not fit in the first-level cache. */
    gsl_rng *g = rng_stream(s->t.p.seed, 1, RNG_VIEWERS);
    alias a = {0}, cr = {0};
    size_t ng = s->t.ngifts ? s->t.ngifts : 1;
    size_t nl = (size_t)((double)s->t.p.creators * (double)s->t.p.live_prob / NUM_MICRO);
    if (nl < 1)
        nl = 1;
    double *w = malloc((ng > nl ? ng : nl) * sizeof *w);
    for (size_t i = 0; w && i < (ng > nl ? ng : nl); i++)
        w[i] = i < s->t.ngifts ? (double)s->t.gifts[i].weight + 1e-9 : 1.0;
    int bad = !g || !w || alias_build(&a, w, ng) < 0;
    for (size_t i = 0; !bad && i < nl; i++)
        w[i] = pow((double)(i + 1), -(double)s->t.p.creator_zipf / NUM_MICRO);
    bad = bad || alias_build(&cr, w, nl) < 0;
    free(w);
    if (bad) {
        gsl_rng_free(g);
        alias_release(&a);
        alias_release(&cr);
        return NAN;
    }
    uint64_t k = rng_key(s->t.p.seed, 1, RNG_VIEWER), kc = rng_key(s->t.p.seed, 1, RNG_CASHOUT);
    volatile double sink = 0;
    double acc = 0, lq = log1p(-0.05);
    double t0 = now();
    for (int64_t i = 0; i < sessions; i++) {
        rng_sm v = {rng_key_at(k, i, i)};
        acc += (double)alias_draw(&cr, rng_sm_uniform(&v)) + rng_sm_uniform(&v);
    }
    rng_sm v = {k};
    for (int64_t i = 0; i < intents; i++)
        acc += (double)alias_draw(&a, rng_sm_uniform(&v));
    for (int64_t i = 0; i < decisions; i++)
        acc += rng_sm_uniform(&v);
    for (int64_t i = 0; i < skips; i++)
        acc += floor(log(rng_uniform_pos(g)) / lq);
    for (int64_t i = 0; i < binom; i++)
        acc += gsl_ran_binomial(
            g, 0.3, (unsigned)(s->t.p.viewers / (int64_t)(s->t.nsegs ? s->t.nsegs : 1)));
    for (int64_t i = 0; i < cash; i++)
        acc += rng_unit_at(kc, i, i);
    double t = now() - t0;
    sink = acc;
    (void)sink;
    gsl_rng_free(g);
    alias_release(&a);
    alias_release(&cr);
    return t;
}

/* In the child: time dir's runs on threads threads and send the figures
 * through fd. A SIGTERM from the parent stops the runs (cli_stop); a
 * Ctrl-C at the terminal is the parent's to pass on. */
static void child(const char *dir, int threads, int fd)
{
    figures f;
    memset(&f, 0, sizeof f);
    signal(SIGINT, SIG_IGN);
    scenario *s = cli_load(dir, NULL, 0);
    if (!s) {
        f.status = CLI_BADINPUT;
        ssize_t w = write(fd, &f, sizeof f);
        (void)w;
        _exit(f.status);
    }
    mc_opts o;
    memset(&o, 0, sizeof o);
    o.runs = s->t.p.runs;
    o.threads = threads;
    o.fault_step = -1;
    o.hooks.stop = &cli_stop;
    mc_result *r;
    char msg[600];
    double t0 = now();
    int st = mc_run(s, &o, &r, msg, sizeof msg);
    f.wall = now() - t0;
    if (st != SIM_OK) {
        if (st != SIM_STOPPED)
            fprintf(stderr, "coinsim bench: %s: %s\n", dir, msg);
        f.status = cli_exit(st);
    } else {
        for (int64_t i = 0; i < r->runs; i++) {
            const run_result *x = &r->res[i];
            f.events += x->intents + x->sink_intents + x->grants + x->exact[TS_PURCHASES] +
                        x->exact[TS_CASHOUTS] + (x->viewers_existed - s->t.p.viewers);
        }
        f.floor = floor_time(r, s);
        mc_result_free(r);
    }
    f.runs = s->t.p.runs;
    f.steps = s->t.p.steps;
    f.viewers = s->t.p.viewers;
    f.creators = s->t.p.creators;
    f.threads = threads;
    scenario_free(s);
    ssize_t w = write(fd, &f, sizeof f);
    (void)w;
    _exit(f.status);
}

/* The child's figures from fd, waiting for them; the first signal to the
 * parent is passed on to the child as SIGTERM. Returns what read did. */
static ssize_t await(pid_t pid, int fd, figures *f)
{
    struct pollfd pf = {fd, POLLIN, 0};
    int told = 0;
    for (;;) {
        if (cli_stop && !told) {
            kill(pid, SIGTERM);
            told = 1;
        }
        if (poll(&pf, 1, 100) > 0)
            return read(fd, f, sizeof *f);
    }
}

/* Time dir in a child process on threads threads and print its row.
 * Returns 0, or the exit status it failed with. */
static int bench_one(const char *dir, int threads)
{
    int fd[2];
    if (pipe(fd) < 0) {
        fprintf(stderr, "coinsim bench: pipe: %s\n", strerror(errno));
        return CLI_FAIL;
    }
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "coinsim bench: fork: %s\n", strerror(errno));
        close(fd[0]);
        close(fd[1]);
        return CLI_FAIL;
    }
    if (pid == 0) {
        close(fd[0]);
        child(dir, threads, fd[1]);
    }
    close(fd[1]);
    figures f;
    memset(&f, 0, sizeof f);
    ssize_t got = await(pid, fd[0], &f);
    close(fd[0]);
    int wst;
    struct rusage ru;
    wait4(pid, &wst, 0, &ru);
    if (got != (ssize_t)sizeof f || f.status)
        return f.status ? f.status : CLI_FAIL;
    const char *name = strrchr(dir, '/');
    name = name && name[1] ? name + 1 : dir;
    printf("%-22s %10lld %8lld %6lld %6lld %4d %9.2f %13lld %12.3g %9.1f %9.2f %7.2f\n", name,
           (long long)f.viewers, (long long)f.creators, (long long)f.steps, (long long)f.runs,
           f.threads, f.wall, (long long)f.events, f.events / f.wall, ru.ru_maxrss / 1024.0,
           f.floor, f.wall * f.threads / f.floor);
    fflush(stdout);
    return 0;
}

int cmd_bench(int argc, char **argv)
{
    bench_args a;
    memset(&a, 0, sizeof a);
    a.threads = 1;
    int rc = cli_parse(&bench_cmd, argc, argv, &a);
    if (rc >= 0)
        return rc;
    if ((rc = cli_local_only("bench"))) /* it times one process (make bench-mpi times ranks) */
        return rc;
    /* Every scenario is checked before the table starts, so bad input
     * prints nothing on stdout. */
    for (int i = 0; i < a.n; i++) {
        scenario *s = cli_load(a.dirs[i], NULL, 0);
        if (!s)
            return CLI_BADINPUT;
        scenario_free(s);
    }
    printf("%-22s %10s %8s %6s %6s %4s %9s %13s %12s %9s %9s %7s\n", "scenario", "viewers",
           "creators", "steps", "runs", "thr", "wall_s", "events", "events/s", "rss_MB", "floor_s",
           "/floor");
    fflush(stdout);
    cli_catch_signals();
    for (int i = 0; i < a.n && !cli_stop; i++) {
        int st = bench_one(a.dirs[i], a.threads_of[i]);
        if (cli_stop) {
            char when[300];
            snprintf(when, sizeof when, "while timing %.250s (the rows above are complete)",
                     a.dirs[i]);
            return cli_interrupted(when, NULL, NULL, NULL);
        }
        rc = st ? st : rc;
    }
    return rc > 0 ? rc : 0;
}
