/* coinsim bench: how fast the engine is, measured, not assumed. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <gsl/gsl_randist.h>
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
#include "cli.h"
#include "opt.h"

static const char bench_help[] =
    "usage: coinsim bench [--threads T] DIR [DIR ...] [--threads T DIR ...]\n"
    "\n"
    "Run each scenario headless, each in a process of its own, and print a\n"
    "row: viewers, creators, steps, runs, threads, wall seconds, events (gift\n"
    "intents + purchases + cash-outs + churns), events a second, peak resident\n"
    "memory, the floor and the engine-to-floor ratio. The floor is the time\n"
    "the random draws the runs needed take on their own: the same number of\n"
    "each kind of draw, made with the same generators in the same process.\n"
    "--threads applies to the directories after it (default 1).\n";

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
        intents += r->res[i].intents;
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
    for (int64_t i = 0; i < 2 * decisions; i++)
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

static void child(const char *dir, int threads, int fd)
{
    figures f;
    memset(&f, 0, sizeof f);
    scenario *s = cli_load(dir, NULL, NULL, 0, NULL, NULL);
    if (!s) {
        f.status = 2;
        ssize_t w = write(fd, &f, sizeof f);
        (void)w;
        _exit(2);
    }
    mc_opts o;
    memset(&o, 0, sizeof o);
    o.runs = s->t.p.runs;
    o.threads = threads;
    o.fault_step = -1;
    mc_result *r;
    char msg[600];
    double t0 = now();
    int st = mc_run(s, &o, &r, msg, sizeof msg);
    f.wall = now() - t0;
    if (st != SIM_OK) {
        fprintf(stderr, "coinsim bench: %s: %s\n", dir, msg);
        f.status = 1;
    } else {
        for (int64_t i = 0; i < r->runs; i++) {
            const run_result *x = &r->res[i];
            f.events += x->intents + x->exact[TS_PURCHASES] + x->exact[TS_CASHOUTS] +
                        (x->viewers_existed - s->t.p.viewers);
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

static const opt_spec bench_cli_opts[] = {{"--threads", 1}, {NULL, 0}};

/* A --threads value: 1..256, or 0 after a message. */
static int threads_arg(const char *v)
{
    long long t;
    return cli_int_opt("bench", "--threads", v, 1, 256, &t) ? 0 : (int)t;
}

int cmd_bench(int argc, char **argv)
{
    int threads = 1, any = 0, rc = 0;
    opt_parser p;
    const char *o, *v;
    /* Every argument and scenario is checked before the table starts, so
     * bad input prints nothing on stdout. */
    opt_init(&p, "bench", bench_cli_opts, argc, argv);
    for (int k; (k = opt_next(&p, &o, &v)) != OPT_END;) {
        if (k == OPT_ERROR)
            return 2;
        if (k == OPT_HELP) {
            fputs(bench_help, stdout);
            return 0;
        }
        if (k == OPT_OPTION) {
            if (!threads_arg(v))
                return 2;
            continue;
        }
        scenario *s = cli_load(v, NULL, NULL, 0, NULL, NULL);
        if (!s)
            return 2;
        scenario_free(s);
        any = 1;
    }
    if (!any) {
        fprintf(stderr, "coinsim bench: no scenario given (see coinsim bench --help)\n");
        return 2;
    }
    printf("%-22s %10s %8s %6s %6s %4s %9s %13s %12s %9s %9s %7s\n", "scenario", "viewers",
           "creators", "steps", "runs", "thr", "wall_s", "events", "events/s", "rss_MB", "floor_s",
           "/floor");
    fflush(stdout);
    /* --threads applies to the directories after it. */
    opt_init(&p, "bench", bench_cli_opts, argc, argv);
    for (int k; (k = opt_next(&p, &o, &v)) != OPT_END;) {
        if (k == OPT_OPTION) {
            threads = threads_arg(v);
            continue;
        }
        const char *dir = v;
        int fd[2];
        if (pipe(fd) < 0) {
            fprintf(stderr, "coinsim bench: pipe: %s\n", strerror(errno));
            return 1;
        }
        fflush(stdout);
        pid_t pid = fork();
        if (pid < 0) {
            fprintf(stderr, "coinsim bench: fork: %s\n", strerror(errno));
            return 1;
        }
        if (pid == 0) {
            close(fd[0]);
            child(dir, threads, fd[1]);
        }
        close(fd[1]);
        figures f;
        memset(&f, 0, sizeof f);
        ssize_t got = read(fd[0], &f, sizeof f);
        close(fd[0]);
        int wst;
        struct rusage ru;
        wait4(pid, &wst, 0, &ru);
        if (got != (ssize_t)sizeof f || f.status) {
            rc = f.status ? f.status : 1;
            continue;
        }
        const char *name = strrchr(dir, '/');
        name = name && name[1] ? name + 1 : dir;
        printf("%-22s %10lld %8lld %6lld %6lld %4d %9.2f %13lld %12.3g %9.1f %9.2f %7.2f\n", name,
               (long long)f.viewers, (long long)f.creators, (long long)f.steps, (long long)f.runs,
               f.threads, f.wall, (long long)f.events, f.events / f.wall, ru.ru_maxrss / 1024.0,
               f.floor, f.wall * f.threads / f.floor);
        fflush(stdout);
    }
    return rc;
}
