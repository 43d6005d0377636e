/* test_model — the model of docs/model.md §4 against its closed forms, its
 * exact integer arithmetic, the timeline, and determinism (§7).
 *
 * Statistical checks use fixed seeds and a tolerance of K_SD = 5 standard
 * deviations of the statistic, the deviation computed from the closed-form
 * variance named at each check (never from the data, never widened). A
 * correct engine fails one such check with probability about 5.7e-7 (over
 * the ~70 checks here, about 4e-5 for a seed chosen blindly); the
 * chi-square checks use the same tail probability. Exact checks compare
 * integers to the unit. Fixtures are in tests/fixtures/model/. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "kpi.h"
#include "mc.h"
#include "pool.h"
#include "scenario.h"
#include "world.h"
#include "testutil.h"

#define FIX "tests/fixtures/model/"
#define K_SD 5.0
#define P_TAIL 5.7e-7           /* two-sided tail of 5 standard normal deviations */

/* ------------------------------------------------------------- helpers */

/* Fixture `name` with the NULL-terminated TARGET=VALUE edits, validated. */
static scenario *load(const char *name, ...)
{
    char dir[256];
    va_list ap;
    snprintf(dir, sizeof dir, FIX "%s", name);
    va_start(ap, name);
    scenario *s = test_load_va(dir, ap);
    va_end(ap);
    return s;
}

static void near(const char *what, double x, double mean, double sd)
{
    test_near(what, x, mean, sd, K_SD);
}

/* Pearson chi-square of observed counts against expected ones, failing
 * above the upper P_TAIL quantile of chi-square with n - 1 df (the
 * expected proportions are fixed in advance, nothing is fitted). */
static void chisq(const char *what, const double *obs, const double *expct, size_t n)
{
    double x2 = 0;
    for (size_t i = 0; i < n; i++)
        x2 += (obs[i] - expct[i]) * (obs[i] - expct[i]) / expct[i];
    double df = (double)(n - 1), crit = gsl_cdf_chisq_Qinv(P_TAIL, df);
    print_message("  %-44s chi2 %-10.4g df %.0f critical %.4g (P = 5.7e-7)\n", what, x2, df, crit);
    if (!(x2 <= crit))
        fail_msg("%s: chi-square %.4g above %.4g (df %.0f)", what, x2, crit, df);
}

/* The events of one step, recorded through world_on_event. */
typedef struct evlog {
    sim_event *v;
    size_t n, cap;
} evlog;

static void ev_rec(void *ud, const sim_event *e)
{
    evlog *l = ud;
    if (l->n == l->cap) {
        size_t nc = l->cap ? 2 * l->cap : 4096;
        sim_event *nv = realloc(l->v, nc * sizeof *nv);
        assert_non_null(nv);
        l->v = nv;
        l->cap = nc;
    }
    l->v[l->n++] = *e;
}

static world *open_world(const scenario *s, uint64_t run, evlog *log)
{
    world *w = world_new(s, run);
    assert_non_null(w);
    if (log)
        world_on_event(w, ev_rec, log);
    return w;
}

/* Run every run of s through mc_run (2 threads) and return the results. */
static mc_result *mc_all(const scenario *s, int64_t runs)
{
    mc_opts o = {0};
    mc_result *r = NULL;
    char msg[700];
    o.runs = runs;
    o.threads = 2;
    o.fault_step = -1;
    int st = mc_run(s, &o, &r, msg, sizeof msg);
    if (st != SIM_OK)
        fail_msg("mc_run: %d %s", st, msg);
    return r;
}

static double total(const mc_result *r, int col)
{
    double t = 0;
    for (int64_t i = 0; i < r->runs; i++)
        t += (double)r->res[i].exact[col];
    return t;
}

/* Sample variance of column col over every (run, step). */
static double step_var(const mc_result *r, int col, double *mean_out)
{
    double m = 0, v = 0;
    int64_t n = r->runs * r->steps;
    for (int64_t i = 0; i < n; i++)
        m += (double)r->ts[i].v[col];
    m /= (double)n;
    for (int64_t i = 0; i < n; i++) {
        double d = (double)r->ts[i].v[col] - m;
        v += d * d;
    }
    if (mean_out)
        *mean_out = m;
    return v / (double)(n - 1);
}

/* ==================================================== 1. closed forms */

/* (a) Everyone active, every creator live, a 1-coin gift, a 1-coin pack
 * with alpha 50 (bought with probability 1 - e^-50/(1 + e^-50) ~ 1 - 2e-22):
 * every intent is a gift, so the coins gifted in a run are a sum of
 * viewers x steps independent Poisson(lambda) counts, Poisson with mean
 * mu = viewers x lambda x steps. Over R runs the total is Poisson(R mu):
 * sd sqrt(R mu). Per step the gifts are Poisson(viewers x lambda) too, so
 * the sample variance over M = steps x R steps estimates viewers x lambda,
 * with sd sigma^2 sqrt(2/(M-1) + 1/(M sigma^2)) (Poisson excess kurtosis
 * 1/sigma^2); with M = 100 that check only catches a variance off by a
 * factor of about 3 or more (say, every viewer forming exactly lambda
 * intents); the per-session law is checked closely in (e). */
static void test_poisson_coins_gifted(void **state)
{
    (void)state;
    scenario *s = load("sure", NULL);
    const double V = 2000, lambda = 2, steps = 10, R = 10;
    mc_result *r = mc_all(s, (int64_t)R);
    double mu = R * V * lambda * steps;

    near("coins gifted, all runs", total(r, TS_COINS_GIFTED), mu, sqrt(mu));
    /* Any lost intent has probability below 4e5 x 2e-22: none. */
    assert_int_equal((int64_t)total(r, TS_LOST_INTENTS), 0);
    assert_int_equal((int64_t)total(r, TS_PURCHASES), (int64_t)total(r, TS_GIFTS));
    assert_int_equal((int64_t)total(r, TS_COINS_GIFTED), (int64_t)total(r, TS_GIFTS));

    /* p_active 1 and live_prob 1 are certain, not approximately so. */
    for (int64_t i = 0; i < r->runs * r->steps; i++) {
        assert_int_equal(r->ts[i].v[TS_ACTIVE_VIEWERS], (int64_t)V);
        assert_int_equal(r->ts[i].v[TS_LIVE_CREATORS], 5);
    }
    double var = step_var(r, TS_GIFTS, NULL), M = steps * R, s2 = V * lambda;
    near("gifts per step: sample variance", var, s2, s2 * sqrt(2.0 / (M - 1) + 1.0 / (M * s2)));
    mc_result_free(r);
    scenario_free(s);
}

/* (b) One pack, beta = gamma = 0: each decision buys with probability
 * p = e^U / (1 + e^U). The gift costs exactly what a decision buys, so the
 * wallet is empty before every intent and each intent is one decision:
 * given N intents, the decisions that bought (= gifts) are Binomial(N, p),
 * sd sqrt(N p (1 - p)). */
static void logit_case(const char *label, double U, int64_t q, const char *a, const char *b, const char *c, const char *d)
{
    scenario *s = load("logit", a, b, c, d, NULL);
    mc_result *r = mc_all(s, s->t.p.runs);
    double N = 0, B = total(r, TS_GIFTS), p = 1.0 / (1.0 + exp(-U));
    for (int64_t i = 0; i < r->runs; i++)
        N += (double)r->res[i].intents;
    near(label, B / N, p, sqrt(p * (1 - p) / N));
    /* Each decision that buys buys q packs, exactly the shortfall. */
    assert_int_equal((int64_t)total(r, TS_PURCHASES), q * (int64_t)B);
    for (int64_t i = 0; i < r->runs; i++)
        assert_int_equal(r->res[i].exact[TS_WALLET_COINS], 0);
    mc_result_free(r);
    scenario_free(s);
}

static void test_logit_single_pack(void **state)
{
    (void)state;
    logit_case("P(buy), alpha 0.5", 0.5, 1, NULL, NULL, NULL, NULL);
    logit_case("P(buy), alpha -1.3", -1.3, 1, "segments.all.alpha=-1.3", NULL, NULL, NULL);
    /* A 2-coin gift from 1-coin packs: q = 2 packs, so
     * U = alpha + beta ln(2) - gamma x 2 x $1.00. */
    logit_case("P(buy), q 2, beta 0.7, gamma 0.4", 0.5 + 0.7 * log(2.0) - 0.4 * 2.0, 2,
               "gifts.g1.coins=2", "segments.all.beta=0.7", "segments.all.gamma=0.4", NULL);
    /* A 4-coin gift from packs of 1 coin + 1 bonus coin: the shortfall is
     * covered by coins and bonus, q = 2, U = alpha + beta ln(4) - gamma x 2. */
    logit_case("P(buy), q 2 with bonus, beta 0.3, gamma 0.2", 0.5 + 0.3 * log(4.0) - 0.2 * 2.0, 2,
               "gifts.g1.coins=4", "packs.p1.bonus_coins=1", "segments.all.beta=0.3", "segments.all.gamma=0.2");
    /* Every viewer web-aware but no enabled web pack: the app packs alone. */
    logit_case("P(buy), no web pack to know of", 0.5, 1, "segments.all.web_aware=1",
               "segments.all.web_friction=-3", NULL, NULL);
}

/* Purchases per pack over every decision of the run, from the events. */
static double logit_counts(const scenario *s, double cnt[3])
{
    evlog log = {0};
    double n_dec = 0;
    kpi_step row;
    for (uint64_t run = 1; run <= 5; run++) {
        world *w = open_world(s, run, &log);
        for (int64_t st = 0; st < s->t.p.steps; st++) {
            log.n = 0;
            assert_int_equal(world_step(w, &row), 0);
            n_dec += (double)(row.v[TS_GIFTS] + row.v[TS_LOST_INTENTS]);
            for (size_t i = 0; i < log.n; i++)
                if (log.v[i].type == EV_PURCHASE)
                    cnt[log.v[i].item]++;
        }
        world_free(w);
    }
    free(log.v);
    return n_dec;
}

/* Everyone web-aware, two app packs (U1 = alpha - gamma $1, U2 = alpha -
 * gamma $2) and a web pack (Uw = alpha - gamma $1 - web_friction): per
 * decision pack k is chosen with e^Uk / (1 + sum e^Uj), over both
 * channels at once (docs/model.md §4.4). Each cell is a binomial
 * proportion of the N decisions: sd sqrt(N pk (1 - pk)). Then the web pack
 * 20% cheaper: purchases move from the app to the web as the logit says. */
static void logit_both(const char *label, double f, double web_price, const char *set_f,
                       const char *set_price)
{
    scenario *s = load("logit", "packs.p2.enabled=1", "packs.pw.enabled=1", "segments.all.gamma=0.5",
                       "segments.all.web_aware=1", set_f, set_price, NULL);
    double cnt[3] = {0}, n_dec = logit_counts(s, cnt);
    double u1 = 0.5 - 0.5 * 1.0, u2 = 0.5 - 0.5 * 2.0, uw = 0.5 - 0.5 * web_price - f;
    double den = 1 + exp(u1) + exp(u2) + exp(uw);
    double p[3] = {exp(u1) / den, exp(u2) / den, exp(uw) / den};
    const char *nm[3] = {"P(app pack $1)", "P(app pack $2)", "P(web pack)"};
    char what[120];
    for (int k = 0; k < 3; k++) {
        snprintf(what, sizeof what, "%s, %s", nm[k], label);
        near(what, cnt[k] / n_dec, p[k], sqrt(p[k] * (1 - p[k]) / n_dec));
    }
    scenario_free(s);
}

static void test_logit_both_channels(void **state)
{
    (void)state;
    logit_both("friction 0.4", 0.4, 1.0, "segments.all.web_friction=0.4", NULL);
    logit_both("friction -0.3", -0.3, 1.0, "segments.all.web_friction=-0.3", NULL);
    logit_both("friction 0.4, web 20% off", 0.4, 0.8, "segments.all.web_friction=0.4",
               "packs.pw.price_usd=0.80");
}

/* Web awareness is the viewer's own and lasts: with only a web pack and
 * alpha 50 (a decision buys with probability 1 - 2e-22), a viewer buys at
 * every intent if aware and never if not. The viewers who bought are
 * Binomial(V, web_aware): sd sqrt(V a (1 - a)); and no viewer both lost an
 * intent and bought in a run. */
static void test_web_awareness(void **state)
{
    (void)state;
    scenario *s = load("logit", "packs.p1.enabled=0", "packs.pw.enabled=1", "segments.all.alpha=50",
                       "segments.all.web_aware=0.35", NULL);
    const double V = 2000, a = 0.35;
    mc_result *r = mc_all(s, s->t.p.runs);
    for (int64_t i = 0; i < r->runs; i++) {
        near("payers over viewers, web_aware 0.35", (double)r->res[i].exact[TS_PAYERS] / V, a,
             sqrt(a * (1 - a) / V));
        /* gifts = intents of the aware, lost = intents of the others: every
         * intent of a payer is a gift, so each payer's spend is its gifts. */
        assert_int_equal(r->res[i].exact[TS_PURCHASES], r->res[i].exact[TS_GIFTS]);
        assert_int_equal(r->res[i].exact[TS_WEB_CASH_IN], r->res[i].exact[TS_CASH_IN]);
    }
    mc_result_free(r);
    evlog log = {0};
    kpi_step row;
    world *w = open_world(s, 1, &log);
    unsigned char *lost = calloc((size_t)V, 1), *bought = calloc((size_t)V, 1);
    assert_true(lost && bought);
    for (int64_t st = 0; st < s->t.p.steps; st++)
        assert_int_equal(world_step(w, &row), 0);
    for (size_t i = 0; i < log.n; i++) {
        if (log.v[i].type == EV_LOST)
            lost[log.v[i].viewer] = 1;
        if (log.v[i].type == EV_PURCHASE)
            bought[log.v[i].viewer] = 1;
    }
    for (size_t v = 0; v < (size_t)V; v++)
        if (lost[v] && bought[v])
            fail_msg("viewer %zu both bought and lost an intent: its awareness changed", v);
    world_free(w);
    free(lost);
    free(bought);
    free(log.v);
    scenario_free(s);
}

/* ============================================ 1b. version 2 closed forms */

/* x equals want to rounding (1e-12 relative): one figure computed two ways. */
static void close_to_rate(const char *what, double x, double want)
{
    if (!(fabs(x - want) <= 1e-12 * (fabs(want) > 1 ? fabs(want) : 1)))
        fail_msg("%s: %.17g, expected %.17g", what, x, want);
}

/* Sum of column col over every (run, step) of r. */
static double steps_sum(const mc_result *r, int col)
{
    double t = 0;
    for (int64_t i = 0; i < r->runs * r->steps; i++)
        t += (double)r->ts[i].v[col];
    return t;
}

/* A row raising web_aware makes more of the same viewers aware: each keeps
 * its own uniform, so everyone aware before stays aware (never loses an
 * intent after it bought), and the share of viewers buying after the row
 * is Binomial(V, 0.7) / V. */
static void test_web_awareness_raised(void **state)
{
    (void)state;
    scenario *s = load("logit", "packs.p1.enabled=0", "packs.pw.enabled=1", "segments.all.alpha=50",
                       "segments.all.web_aware=0.35", NULL);
    char msg[300];
    assert_int_equal(scenario_add_change(s, 5, "segments.all.web_aware", "0.7", msg, sizeof msg), 0);
    const double V = 2000;
    evlog log = {0};
    kpi_step row;
    world *w = open_world(s, 3, &log);
    unsigned char *before = calloc((size_t)V, 1), *after = calloc((size_t)V, 1);
    assert_true(before && after);
    for (int64_t st = 0; st < s->t.p.steps; st++)
        assert_int_equal(world_step(w, &row), 0);
    for (size_t i = 0; i < log.n; i++) {
        const sim_event *e = &log.v[i];
        if (e->type == EV_PURCHASE)
            (e->step < 5 ? before : after)[e->viewer] = 1;
        if (e->type == EV_LOST && e->step >= 5 && before[e->viewer])
            fail_msg("viewer %lld, aware before the row, lost an intent after it", (long long)e->viewer);
    }
    double nb = 0, na = 0;
    for (size_t v = 0; v < (size_t)V; v++) {
        nb += before[v];
        na += after[v];
        if (before[v] && !after[v])
            fail_msg("viewer %zu bought before the row and never after", v);
    }
    near("viewers buying before the row, web_aware 0.35", nb / V, 0.35, sqrt(0.35 * 0.65 / V));
    near("viewers buying after it, web_aware 0.7", na / V, 0.7, sqrt(0.7 * 0.3 / V));
    world_free(w);
    free(before);
    free(after);
    free(log.v);
    scenario_free(s);
}

/* Creators' supply and missed sessions (docs/model.md §4.3, §4.4), with
 * uniform popularity and p_switch ps: a creator is live with
 * p = min(1, live_prob (take / reference)^e); given n live of C, an active
 * session is missed with (1 - n / C)(1 - ps), independently, so over the
 * steps the missed sessions have mean sum_t a_t m_t and variance
 * sum_t a_t m_t (1 - m_t), m_t = (1 - n_t / C)(1 - ps). The live
 * creators over M steps are Binomial(M C, p). */
static void supply_case(const char *label, double p, double ps, const char *a, const char *b,
                        const char *c)
{
    scenario *s = load("sure", "creators=200", "creator_zipf=0", "live_prob=0.3", "steps=20",
                       "runs=4", a, b, c, NULL);
    mc_result *r = mc_all(s, 4);
    const double C = 200, M = 80;
    double mean = 0, var = 0;
    for (int64_t i = 0; i < r->runs * r->steps; i++) {
        const int64_t *v = r->ts[i].v;
        /* nobody live: every session is missed, switching or not */
        double n = (double)v[TS_LIVE_CREATORS], act = (double)v[TS_ACTIVE_VIEWERS];
        double m = n > 0 ? (1 - n / C) * (1 - ps) : 1.0;
        mean += act * m;
        var += act * m * (1 - m);
        assert_int_equal(v[TS_SESSIONS_WATCHED] + v[TS_SESSIONS_MISSED], v[TS_ACTIVE_VIEWERS]);
    }
    char what[120];
    snprintf(what, sizeof what, "live creators, %s", label);
    if (p >= 1.0)
        assert_int_equal((int64_t)steps_sum(r, TS_LIVE_CREATORS), (int64_t)(M * C));
    else if (p <= 0.0)
        assert_int_equal((int64_t)steps_sum(r, TS_LIVE_CREATORS), 0);
    else
        near(what, steps_sum(r, TS_LIVE_CREATORS), M * C * p, sqrt(M * C * p * (1 - p)));
    snprintf(what, sizeof what, "missed sessions, %s", label);
    if (var > 0)
        near(what, steps_sum(r, TS_SESSIONS_MISSED), mean, sqrt(var));
    else
        assert_int_equal((int64_t)steps_sum(r, TS_SESSIONS_MISSED), (int64_t)mean);
    mc_result_free(r);
    scenario_free(s);
}

static void test_supply_and_missed_sessions(void **state)
{
    (void)state;
    /* take 0.01 x 0.7 = 0.007 against 0.005: 0.3 x 1.4^0.5 */
    supply_case("commission 0.3, elasticity 0.5, p_switch 0", 0.3 * sqrt(1.4), 0,
                "commission=0.3", "live_elasticity=0.5", "p_switch=0");
    /* take 0.01 x 0.5 x 0.8 = 0.004 (the payout fee rate counts): 0.3 x 0.8^2 */
    supply_case("payout fee 20%, elasticity 2, p_switch 0.6", 0.3 * 0.64, 0.6,
                "payout_fee_rate=0.2", "live_elasticity=2", "p_switch=0.6");
    /* 0.3 x 2^3 = 2.4, capped: every creator live, no session missed */
    supply_case("commission 0, elasticity 3: capped at 1", 1.0, 0, "commission=0",
                "live_elasticity=3", "p_switch=0");
    /* no take: nobody live, every session missed, whatever p_switch */
    supply_case("commission 1, elasticity 1: nobody live", 0.0, 0.5, "commission=1",
                "live_elasticity=1", "p_switch=0.5");
    /* elasticity 0 is version 1: live_prob whatever the take */
    supply_case("commission 0.9, elasticity 0", 0.3, 0, "commission=0.9", "p_switch=0", NULL);
}

/* Missed sessions under unequal popularity: the chosen creator is live
 * with the live creators' share h of popularity (not their share of the
 * count), so given the live set a session is missed with
 * (1 - h)(1 - p_switch). Five creators at exponent 1.2 and five gift
 * intents a session: every live creator receives gifts in its step, so the
 * live set is read from the gifts' creators. Step by step, the missed
 * sessions' deviations from a_t m_t over their binomial sd, squared and
 * summed over the M steps, are chi-square with M df (normal approximation:
 * a_t m_t is in the hundreds); and so is their sum's. With m_t from the
 * live creators' share of the count instead, the statistic is far beyond
 * the critical value: the check can fail. */
static void test_switch_by_popularity(void **state)
{
    (void)state;
    scenario *s = load("sure", "live_prob=0.5", "p_switch=0.3", "segments.all.gifts_per_session=5",
                       "steps=20", NULL);
    const double ps = 0.3;
    double w[5], W = 0, mean = 0, var = 0, missed = 0, x2 = 0, x2_count = 0, M = 0;
    for (int c = 0; c < 5; c++)
        W += w[c] = pow(c + 1.0, -1.2);
    evlog log = {0};
    kpi_step row;
    for (uint64_t run = 1; run <= 4; run++) {
        world *wd = open_world(s, run, &log);
        for (int64_t st = 0; st < 20; st++) {
            log.n = 0;
            assert_int_equal(world_step(wd, &row), 0);
            int live[5] = {0}, n = 0;
            double h = 0;
            for (size_t i = 0; i < log.n; i++)
                if (log.v[i].type == EV_GIFT && !live[log.v[i].creator]) {
                    live[log.v[i].creator] = 1;
                    h += w[log.v[i].creator] / W;
                    n++;
                }
            assert_int_equal(n, row.v[TS_LIVE_CREATORS]); /* every live creator was found */
            double a = (double)row.v[TS_ACTIVE_VIEWERS], m = n ? (1 - h) * (1 - ps) : 1.0;
            double mc = n ? (1 - n / 5.0) * (1 - ps) : 1.0, x = (double)row.v[TS_SESSIONS_MISSED];
            if (n == 0 || n == 5) { /* all or nobody live: missed is exactly determined */
                assert_int_equal(row.v[TS_SESSIONS_MISSED], n ? 0 : row.v[TS_ACTIVE_VIEWERS]);
                continue;
            }
            mean += a * m;
            var += a * m * (1 - m);
            x2 += (x - a * m) * (x - a * m) / (a * m * (1 - m));
            x2_count += (x - a * mc) * (x - a * mc) / (a * mc * (1 - mc));
            missed += x;
            M++;
        }
        world_free(wd);
    }
    near("missed sessions, popularity 1.2, p_switch 0.3", missed, mean, sqrt(var));
    double crit = gsl_cdf_chisq_Qinv(P_TAIL, M);
    print_message("  missed sessions step by step: chi2 %.4g, by the count's share %.4g, df %.0f "
                  "critical %.4g\n", x2, x2_count, M, crit);
    assert_true(x2 <= crit);
    assert_true(x2_count > crit);
    free(log.v);
    scenario_free(s);
}

/* Sessions with gift and sink intents, free coins or not (the visit is
 * then every active viewer, or only those with an intent: session_of in
 * world.c draws these two ways). Uniform popularity, p_switch ps: given
 * the step's active a_t and live n_t of C, the missed sessions are
 * Binomial(a_t, (1 - n_t / C)(1 - ps)); given the watched w_t, the gift
 * intents (gifts + lost) are Poisson(sum w_t lambda); given the active, the
 * sink intents (sinks + lost sinks) are Poisson(sum a_t mu), each sink s2
 * (weight 3 of 4) with 3/4: given the sinks, s2's count is Binomial. The
 * active are Binomial(V, p) a step. A decision buys with probability
 * 1 - 2e-22, so nothing is lost; granted coins are exactly F per active. */
static void sessions_case(const char *label, int64_t F, const char *set_f)
{
    scenario *s = load("sinks", "creators=200", "creator_zipf=0", "live_prob=0.4", "p_switch=0.25",
                       "segments.all.p_active=0.6", "segments.all.gifts_per_session=1.5",
                       "segments.all.sinks_per_session=0.7", "steps=20", "runs=4", set_f, NULL);
    mc_result *r = mc_all(s, 4);
    const double C = 200, V = 2000, ps = 0.25, lambda = 1.5, mu = 0.7, p = 0.6;
    double mm = 0, mv = 0, watched = 0, active = 0;
    for (int64_t i = 0; i < r->runs * r->steps; i++) {
        const int64_t *v = r->ts[i].v;
        double m = (1 - (double)v[TS_LIVE_CREATORS] / C) * (1 - ps), a = (double)v[TS_ACTIVE_VIEWERS];
        mm += a * m;
        mv += a * m * (1 - m);
        watched += (double)v[TS_SESSIONS_WATCHED];
        active += a;
        assert_int_equal(v[TS_SESSIONS_WATCHED] + v[TS_SESSIONS_MISSED], v[TS_ACTIVE_VIEWERS]);
        assert_int_equal(v[TS_COINS_GRANTED], F * v[TS_ACTIVE_VIEWERS]);
        assert_int_equal(v[TS_LOST_INTENTS] + v[TS_LOST_SINKS], 0);
    }
    double M = (double)(r->runs * r->steps), gi = total(r, TS_GIFTS), si = total(r, TS_SINKS);
    double s2 = total(r, TS_COINS_SUNK) - si;
    char what[120];
#define CHECK(name, x, mean, sd)                                   \
    do {                                                           \
        snprintf(what, sizeof what, "%s, %s", name, label);        \
        near(what, x, mean, sd);                                   \
    } while (0)
    CHECK("active sessions", active, M * V * p, sqrt(M * V * p * (1 - p)));
    CHECK("missed sessions", total(r, TS_SESSIONS_MISSED), mm, sqrt(mv));
    CHECK("gift intents per watched session", gi, watched * lambda, sqrt(watched * lambda));
    CHECK("sink intents per active session", si, active * mu, sqrt(active * mu));
    CHECK("sinks of weight 3 in 4", s2, si * 0.75, sqrt(si * 0.75 * 0.25));
#undef CHECK
    mc_result_free(r);
    scenario_free(s);
}

static void test_sessions_gifts_and_sinks(void **state)
{
    (void)state;
    sessions_case("no free coins (visits thinned)", 0, NULL);
    sessions_case("3 free coins (every active visited)", 3, "segments.all.free_coins_per_session=3");
    /* Sink intents with no sink of positive weight never happen, and none
     * is lost: with the sinks at weight 0, and with no sinks table. */
    scenario *none[2] = {load("sinks", "segments.all.sinks_per_session=2", "sinks.s1.weight=0",
                              "sinks.s2.weight=0", NULL),
                         load("sure", "segments.all.sinks_per_session=2", NULL)};
    for (int i = 0; i < 2; i++) {
        mc_result *r = mc_all(none[i], 2);
        assert_true(total(r, TS_GIFTS) > 0);
        assert_int_equal((int64_t)(total(r, TS_SINKS) + total(r, TS_LOST_SINKS)), 0);
        mc_result_free(r);
        scenario_free(none[i]);
    }
}

/* Free coins and sinks only, nothing bought (can_buy 0) and churn: every
 * coin granted is gifted, sunk, lost to churn or still held, exactly, and
 * no money comes in. */
static void test_granted_coins_accounted(void **state)
{
    (void)state;
    scenario *s = load("sinks", "segments.all.can_buy=0", "segments.all.free_coins_per_session=2",
                       "segments.all.sinks_per_session=0.8", "segments.all.p_churn=0.05",
                       "segments.all.p_active=0.7", NULL);
    mc_result *r = mc_all(s, 3);
    for (int64_t i = 0; i < r->runs; i++) {
        const int64_t *e = r->res[i].exact;
        assert_int_equal(e[TS_CASH_IN], 0);
        assert_int_equal(e[TS_PURCHASES], 0);
        assert_true(e[TS_COINS_SUNK] > 0 && e[TS_COINS_GIFTED] > 0 && e[TS_COINS_BREAKAGE] > 0 &&
                    e[TS_LOST_SINKS] > 0);
        assert_int_equal(e[TS_COINS_GRANTED], e[TS_COINS_GIFTED] + e[TS_COINS_SUNK] +
                                                  e[TS_COINS_BREAKAGE] + e[TS_WALLET_COINS]);
    }
    mc_result_free(r);
    scenario_free(s);
}

/* Free coins with nothing bought (can_buy 0): every active session is
 * granted exactly free_coins_per_session coins, cash in is 0, and coins
 * gifted and cashed out drive platform cash below zero: it is exactly
 * minus what was paid out, with every identity holding after every step. */
static void test_free_coins_only(void **state)
{
    (void)state;
    scenario *s = load("sure", "segments.all.can_buy=0", "segments.all.free_coins_per_session=5",
                       "p_cashout=1", "min_withdrawal_usd=1", "payout_fee_rate=0.1", NULL);
    char msg[600];
    kpi_step row;
    int64_t active = 0, granted = 0, gifted = 0, paid = 0;
    world *w = open_world(s, 1, NULL);
    for (int64_t st = 0; st < s->t.p.steps; st++) {
        assert_int_equal(world_step(w, &row), 0);
        if (world_check(w, msg, sizeof msg) != 0)
            fail_msg("step %lld: %s", (long long)st, msg);
        active += row.v[TS_ACTIVE_VIEWERS];
        granted += row.v[TS_COINS_GRANTED];
        gifted += row.v[TS_COINS_GIFTED];
        paid += row.v[TS_PAYOUTS_NET] + row.v[TS_PAYOUT_FEES];
        assert_int_equal(row.v[TS_CASH_IN], 0);
        assert_int_equal(row.v[TS_PURCHASES], 0);
        assert_int_equal(row.v[TS_PLATFORM_CASH], -paid);
    }
    assert_int_equal(granted, 5 * active);
    assert_true(gifted > 0 && paid > 0 && row.v[TS_PLATFORM_CASH] < 0);
    /* Every coin granted is gifted, lost or still held. */
    assert_int_equal(granted, gifted + row.v[TS_WALLET_COINS]);
    world_free(w);
    scenario_free(s);
}

/* A warm-up (docs/model.md §4.0): the reported steps are numbered from 0,
 * start from the stocks the warm-up left (the opening balances), and the
 * identities hold with them after every step. The opening balances are
 * what step 0's stocks were less step 0's flows; the opening liabilities
 * are valued under the parameters at the end of the warm-up (commission
 * 0.5: the fixture's timeline makes it 0.45 from step 10, which the end's
 * are valued under), and the margin is the change of platform cash less
 * both liabilities. Payers, creators who cashed out and earnings count
 * the reported steps only: recounted from the events of steps 0 on (a
 * viewer's place holds a new viewer after each churn). */
static void test_warmup_opening_balances(void **state)
{
    (void)state;
    enum { N = 12 };
    scenario *s = load("mixed", "warmup_steps=12", "steps=12", NULL);
    char msg[600];
    evlog log = {0};
    kpi_step rows[N];
    world *w = open_world(s, 2, &log);
    for (int64_t st = 0; st < N; st++) {
        assert_int_equal(world_step(w, &rows[st]), 0);
        assert_int_equal(world_steps_done(w), st + 1);
        if (world_check(w, msg, sizeof msg) != 0)
            fail_msg("step %lld: %s", (long long)st, msg);
    }
    assert_int_equal(world_step(w, &rows[0] + 0), 1);
    /* The log holds the warm-up from step -12, then steps 0.., in order;
     * and who paid and who cashed out from step 0. */
    int64_t first = 0, prev = -12, payers = 0, cashed = 0, credited = 0;
    int64_t *gen = calloc(3000, sizeof *gen), *paid = calloc(3000, sizeof *paid);
    unsigned char cr[60] = {0};
    assert_true(gen && paid);
    for (size_t i = 0; i < log.n; i++) {
        const sim_event *e = &log.v[i];
        first = e->step < first ? e->step : first;
        assert_true(e->step >= prev);
        prev = e->step;
        if (e->type == EV_CHURN)
            gen[e->viewer]++;
        if (e->step >= 0 && e->type == EV_PURCHASE && paid[e->viewer] != gen[e->viewer] + 1) {
            paid[e->viewer] = gen[e->viewer] + 1;
            payers++;
        }
        if (e->step >= 0 && e->type == EV_CASHOUT && !cr[e->creator]) {
            cr[e->creator] = 1;
            cashed++;
        }
    }
    assert_int_equal(first, -12);
    run_result res;
    const int64_t *v = rows[0].v;
    int64_t open_w = v[TS_WALLET_COINS] - v[TS_COINS_SOLD] - v[TS_COINS_BONUS] -
                     v[TS_COINS_GRANTED] + v[TS_COINS_GIFTED] + v[TS_COINS_SUNK] +
                     v[TS_COINS_BREAKAGE];
    int64_t open_p = v[TS_PENDING_DIAMONDS] - v[TS_DIAMONDS_CREDITED] + v[TS_DIAMONDS_WITHDRAWN];
    int64_t open_c = v[TS_PLATFORM_CASH] - v[TS_CASH_IN] + v[TS_STORE_FEES] + v[TS_PAYOUTS_NET] +
                     v[TS_PAYOUT_FEES];
    for (int st = 0; st < N; st++)
        credited += rows[st].v[TS_DIAMONDS_CREDITED];
    assert_int_equal(world_result(w, rows, N, &res, NULL), 0);
    assert_true(open_w > 0 && open_p > 0 && open_c > 0);
    assert_int_equal(res.exact[M_OPEN_WALLETS], open_w);
    assert_int_equal(res.exact[M_OPEN_PENDING], open_p);
    assert_int_equal(res.exact[M_OPEN_CASH], open_c);
    assert_int_equal(res.exact[TS_PAYERS], payers);
    assert_int_equal((int64_t)res.value[M_CASHED_OUT], cashed);
    assert_true(payers > 0 && cashed > 0);
    /* $0.01 a coin and $0.005 a diamond throughout; commission 0.5, then 0.45 */
    int64_t cl0 = (int64_t)((__int128)open_w * 10000 * 500000 / 1000000),
            dl0 = (int64_t)((__int128)open_p * 5000 / 1000000);
    int64_t end_w = rows[N - 1].v[TS_WALLET_COINS], end_p = rows[N - 1].v[TS_PENDING_DIAMONDS];
    int64_t cl = (int64_t)((__int128)end_w * 10000 * 550000 / 1000000),
            dl = (int64_t)((__int128)end_p * 5000 / 1000000);
    assert_int_equal(s->t.p.commission, 500000);
    assert_int_equal(res.exact[M_COIN_LIABILITY], cl);
    assert_int_equal(res.exact[M_DIAMOND_LIABILITY], dl);
    assert_int_equal(res.exact[M_MARGIN],
                     rows[N - 1].v[TS_PLATFORM_CASH] - cl - dl - (open_c - cl0 - dl0));
    assert_int_equal(res.exact[M_CREATOR_EARNINGS], (int64_t)((__int128)credited * 5000 / 1000000));
    close_to_rate("platform_take_rate", res.value[M_TAKE_RATE],
                  (double)(rows[N - 1].v[TS_PLATFORM_CASH] - open_c) / (double)res.exact[TS_CASH_IN]);
    world_free(w);
    free(gen);
    free(paid);
    free(log.v);
    scenario_free(s);
}

/* Sessions and intents per session, read from the events of one step:
 * the intents (gift or lost) of one viewer come together, so a session is
 * a run of events with one viewer. Every intent of a session goes to the
 * session's creator. */
typedef struct sessions {
    double *by_creator;         /* sessions per creator */
    double *gifts_by_creator;
    double hist[64];            /* sessions with k intents, k < 63; 63: more */
    double n;                   /* sessions */
} sessions;

static void count_sessions(const evlog *log, sessions *ss)
{
    int64_t viewer = -1, creator = -1, k = 0;
    for (size_t i = 0; i <= log->n; i++) {
        const sim_event *e = i < log->n ? &log->v[i] : NULL;
        if (e && e->type != EV_GIFT && e->type != EV_LOST)
            continue;
        if (!e || e->viewer != viewer) {
            if (viewer >= 0) {
                ss->hist[k < 63 ? k : 63]++;
                ss->n++;
                ss->by_creator[creator]++;
            }
            if (!e)
                break;
            viewer = e->viewer;
            creator = e->creator;
            k = 0;
        }
        if (e->creator != creator)
            fail_msg("viewer %lld gave to creators %lld and %lld in one session", (long long)viewer,
                     (long long)creator, (long long)e->creator);
        k++;
        if (e->type == EV_GIFT)
            ss->gifts_by_creator[e->creator]++;
    }
}

/* (c) n always-live creators with exponent s: each session's creator is
 * i with p_i = (i+1)^-s / H(n, s), independently, so the sessions per
 * creator are multinomial: Pearson chi-square with n - 1 df. The gifts per
 * creator G_i = sum over sessions of K_j [C_j = i], K_j zero-truncated
 * Poisson(lambda) independent of C_j; given N sessions,
 * E G_i = N p_i m1, Var G_i = N (p_i m2 - p_i^2 m1^2), with
 * m1 = lambda / (1 - e^-lambda), m2 = (lambda + lambda^2) / (1 - e^-lambda). */
static void zipf_case(double sexp, const char *set)
{
    scenario *s = load("sure", "runs=5", set, NULL);
    const int n = 5;
    const double lambda = 2;
    double byc[5] = {0}, gbyc[5] = {0};
    sessions ss = {byc, gbyc, {0}, 0};
    evlog log = {0};
    kpi_step row;
    for (uint64_t run = 1; run <= 5; run++) {
        world *w = open_world(s, run, &log);
        for (int64_t st = 0; st < s->t.p.steps; st++) {
            log.n = 0;
            assert_int_equal(world_step(w, &row), 0);
            count_sessions(&log, &ss);
        }
        world_free(w);
    }
    double H = 0, p[5], ex[5];
    for (int i = 0; i < n; i++)
        H += pow(i + 1.0, -sexp);
    double em = exp(-lambda), m1 = lambda / (1 - em), m2 = (lambda + lambda * lambda) / (1 - em);
    for (int i = 0; i < n; i++) {
        p[i] = pow(i + 1.0, -sexp) / H;
        ex[i] = ss.n * p[i];
    }
    char what[80];
    snprintf(what, sizeof what, "sessions per creator, s = %g", sexp);
    chisq(what, byc, ex, (size_t)n);
    for (int i = 0; i < n; i++) {
        snprintf(what, sizeof what, "gifts to creator %d, s = %g", i, sexp);
        near(what, gbyc[i], ss.n * p[i] * m1, sqrt(ss.n * (p[i] * m2 - p[i] * p[i] * m1 * m1)));
    }
    free(log.v);
    scenario_free(s);
}

static void test_zipf_split(void **state)
{
    (void)state;
    zipf_case(1.2, NULL);
    zipf_case(0.0, "creator_zipf=0");
    zipf_case(2.5, "creator_zipf=2.5");
}

/* A session's creators, split by steps before and from a switch step. */
static void sessions_by_phase(const scenario *s, int64_t switch_step, double before[5], double after[5])
{
    double g0[5] = {0}, g1[5] = {0};
    sessions a = {before, g0, {0}, 0}, b = {after, g1, {0}, 0};
    evlog log = {0};
    kpi_step row;
    for (uint64_t run = 1; run <= 5; run++) {
        world *w = open_world(s, run, &log);
        for (int64_t st = 0; st < s->t.p.steps; st++) {
            log.n = 0;
            assert_int_equal(world_step(w, &row), 0);
            count_sessions(&log, st < switch_step ? &a : &b);
        }
        if (switch_step < s->t.p.steps)
            assert_int_equal(world_tables(w)->p.creator_zipf, 3000000);
        world_free(w);
    }
    free(log.v);
}

/* The exponent changed by a timeline row mid-run (the fixture extends
 * sure and adds the row at step 5): sessions per creator follow s = 1.2
 * before and s = 3 after, each a multinomial, by chi-square (4 df). */
static void test_zipf_timeline(void **state)
{
    (void)state;
    scenario *s = load("zipfswitch", NULL);
    double before[5] = {0}, after[5] = {0}, eb[5], ea[5], nb = 0, na = 0, hb = 0, ha = 0;
    sessions_by_phase(s, 5, before, after);
    for (int i = 0; i < 5; i++) {
        nb += before[i];
        na += after[i];
        hb += pow(i + 1.0, -1.2);
        ha += pow(i + 1.0, -3.0);
    }
    for (int i = 0; i < 5; i++) {
        eb[i] = nb * pow(i + 1.0, -1.2) / hb;
        ea[i] = na * pow(i + 1.0, -3.0) / ha;
    }
    chisq("sessions per creator, steps 0-4, s = 1.2", before, eb, 5);
    chisq("sessions per creator, steps 5-9, s = 3", after, ea, 5);
    scenario_free(s);
}

/* Gift choice: among gifts with coins <= max_gift_coins (10) and weight
 * > 0, in proportion to weight: a 5, b 3, e 2 (e costs exactly 10); c
 * (weight 0) and d (50 coins) never. Every intent is a gift (sure
 * purchase), so the counts are multinomial over the intents: chi-square
 * with 2 df. */
static void test_gift_choice(void **state)
{
    (void)state;
    scenario *s = load("gifts", NULL);
    evlog log = {0};
    kpi_step row;
    double cnt[5] = {0}, n = 0;
    world *w = open_world(s, 1, &log);
    for (int64_t st = 0; st < s->t.p.steps; st++) {
        log.n = 0;
        assert_int_equal(world_step(w, &row), 0);
        assert_int_equal(row.v[TS_LOST_INTENTS], 0);
        for (size_t i = 0; i < log.n; i++)
            if (log.v[i].type == EV_GIFT) {
                cnt[log.v[i].item]++;
                n++;
            }
    }
    world_free(w);
    assert_true(cnt[2] == 0 && cnt[3] == 0);
    double obs[3] = {cnt[0], cnt[1], cnt[4]}, ex[3] = {n * 0.5, n * 0.3, n * 0.2};
    chisq("gifts a/b/e by weight 5:3:2", obs, ex, 3);
    free(log.v);
    scenario_free(s);
}

/* Three segments of 1001 viewers: shares 0.333333, 0.333333, 0.333334
 * give floors 333 each and remainders .666333, .666333, .667334, so the
 * two leftover viewers go to s3 and then s1 (tie with s2, earlier row):
 * 334, 333, 334, in viewer order [0,334), [334,667), [667,1001).
 * s1 (app, p_active 1), s2 (no gift within reach, churn 0.5) and s3
 * (web, p_active 0.5, lambda 3) must each act only on their own viewers.
 * Counts: churns Binomial(333 x 20, 0.5); s3's intents per viewer-step
 * X = B N, B ~ Bernoulli(0.5), N ~ Poisson(3): E X = 1.5,
 * Var X = p lambda + p lambda^2 - p^2 lambda^2 = 3.75, over 334 x 20;
 * active viewers per step 334 + 333 + Binomial(334, 0.5). */
static void test_segments(void **state)
{
    (void)state;
    scenario *s = load("segments", NULL);
    int64_t sz[3];
    scenario_segment_sizes(&s->t, sz);
    assert_int_equal(sz[0], 334);
    assert_int_equal(sz[1], 333);
    assert_int_equal(sz[2], 334);

    evlog log = {0};
    kpi_step row;
    double churns = 0, s3_intents = 0, active = 0;
    int seen[4] = {0};
    world *w = open_world(s, 1, &log);
    for (int64_t st = 0; st < 20; st++) {
        log.n = 0;
        assert_int_equal(world_step(w, &row), 0);
        active += (double)row.v[TS_ACTIVE_VIEWERS];
        for (size_t i = 0; i < log.n; i++) {
            const sim_event *e = &log.v[i];
            int seg = e->viewer < 334 ? 0 : e->viewer < 667 ? 1 : 2;
            if (e->viewer == 0 || e->viewer == 333)
                seen[e->viewer == 0 ? 0 : 1] = 1;
            if (e->viewer == 667 || e->viewer == 1000)
                seen[e->viewer == 667 ? 2 : 3] = 1;
            switch (e->type) {
            case EV_CHURN:
                assert_int_equal(seg, 1);
                churns++;
                break;
            case EV_PURCHASE:
                assert_int_not_equal(seg, 1);
                assert_int_equal(e->channel, seg == 0 ? CH_APP : CH_WEB);
                break;
            case EV_GIFT:
            case EV_LOST:
                assert_int_not_equal(seg, 1);
                s3_intents += seg == 2;
                break;
            default:
                fail_msg("unexpected event %d", (int)e->type);
            }
        }
    }
    /* The first and last viewer of s1 and s3 all formed intents. */
    for (int i = 0; i < 4; i++)
        assert_true(seen[i]);
    near("churns in s2", churns, 333 * 20 * 0.5, sqrt(333 * 20 * 0.25));
    near("intents in s3", s3_intents, 334 * 20 * 1.5, sqrt(334 * 20 * 3.75));
    near("active viewers, 3 segments", active, 20 * (334 + 333 + 167), sqrt(20 * 334 * 0.25));
    world_free(w);
    free(log.v);
    scenario_free(s);
}

/* p_cashout: each step every eligible creator (pending worth at least the
 * minimum) cashes out with p = 0.3, independently. A shadow of the pending
 * diamonds (1 coin credits exactly 1 diamond at the defaults) counts the
 * eligible creator-steps E; the cash-outs C then satisfy
 * E[C - pE] = 0 with variance E p (1 - p) (a sum of martingale
 * differences), sd sqrt(E p (1 - p)). Each cash-out takes
 * min(whole diamonds, 10) (the $0.05 limit at $0.005 a diamond), exactly. */
static void test_cashout_probability(void **state)
{
    (void)state;
    scenario *s = load("sure", "creators=200", "p_cashout=0.3", "min_withdrawal_usd=0.005",
                       "daily_withdrawal_limit_usd=0.05", "viewers=1000", "steps=40", NULL);
    evlog log = {0};
    kpi_step row;
    double E = 0, C = 0;
    int64_t capped = 0;
    for (uint64_t run = 1; run <= 5; run++) {
        int64_t pending[200] = {0};
        world *w = open_world(s, run, &log);
        for (int64_t st = 0; st < s->t.p.steps; st++) {
            log.n = 0;
            assert_int_equal(world_step(w, &row), 0);
            unsigned char out[200] = {0};
            for (size_t i = 0; i < log.n; i++)
                if (log.v[i].type == EV_GIFT)
                    pending[log.v[i].creator] += 1000000;
            for (size_t i = 0; i < log.n; i++)
                if (log.v[i].type == EV_CASHOUT) {
                    int64_t c = log.v[i].creator, whole = pending[c] / 1000000;
                    int64_t d = whole < 10 ? whole : 10;
                    assert_true(whole >= 1);
                    assert_int_equal(log.v[i].coins, d);
                    assert_int_equal(log.v[i].usd, d * 5000);
                    capped += whole > 10;
                    pending[c] -= d * 1000000;
                    out[c] = 1;
                    C++;
                }
            for (int c = 0; c < 200; c++)
                E += pending[c] / 1000000 >= 1 || out[c];
        }
        world_free(w);
    }
    print_message("  eligible creator-steps %.0f, cash-outs %.0f (capped at the limit %lld)\n", E, C, (long long)capped);
    assert_true(capped > 0);
    near("cash-outs per eligible creator-step", C / E, 0.3, sqrt(0.3 * 0.7 / E));
    free(log.v);
    scenario_free(s);
}

/* The mixed fixture's pack rows: web1400 is switched on at step 15 and
 * app65 costs $1.09 from step 20; each purchase event and the cash-in
 * column agree with them. */
static void test_timeline_packs(void **state)
{
    (void)state;
    scenario *s = load("mixed", NULL);
    evlog log = {0};
    kpi_step row;
    int64_t big_after = 0, app65_after = 0;
    world *w = open_world(s, 1, &log);
    for (int64_t st = 0; st < s->t.p.steps; st++) {
        log.n = 0;
        assert_int_equal(world_step(w, &row), 0);
        int64_t cash = 0;
        for (size_t i = 0; i < log.n; i++) {
            const sim_event *e = &log.v[i];
            if (e->type != EV_PURCHASE)
                continue;
            cash += e->usd;
            if (e->item == 4) {
                assert_true(st >= 15);
                big_after++;
            }
            if (e->item == 0) {
                assert_int_equal(e->usd, st < 20 ? 990000 : 1090000);
                app65_after += st >= 20;
            }
        }
        assert_int_equal(row.v[TS_CASH_IN], cash);
    }
    assert_true(big_after > 0 && app65_after > 0);
    world_free(w);
    free(log.v);
    scenario_free(s);
}

/* (d) Each viewer is active with p_active, independently: the active
 * viewers of one step are Binomial(V, p), and of all M = steps x runs
 * steps Binomial(M V, p), sd sqrt(M V p (1 - p)). The per-step sample
 * variance estimates sigma^2 = V p (1 - p), sd about
 * sigma^2 sqrt(2/(M-1) + kappa/M), kappa = (1 - 6p(1-p))/sigma^2 the
 * binomial excess kurtosis. Four code paths count them: viewers with
 * intents (thinning), no creator live, no intents (lambda 0), and a
 * segment that reaches no gift. */
static void active_case(const char *label, const char *set1, const char *set2)
{
    scenario *s = load("sure", "segments.all.p_active=0.3", "steps=50", "runs=4", set1, set2, NULL);
    mc_result *r = mc_all(s, 4);
    const double V = 2000, p = 0.3, M = 50 * 4;
    double t = total(r, TS_ACTIVE_VIEWERS), s2 = V * p * (1 - p), kappa = (1 - 6 * p * (1 - p)) / s2;
    char what[96];
    snprintf(what, sizeof what, "active viewers, %s", label);
    near(what, t, M * V * p, sqrt(M * s2));
    snprintf(what, sizeof what, "active per step variance, %s", label);
    near(what, step_var(r, TS_ACTIVE_VIEWERS, NULL), s2, s2 * sqrt(2.0 / (M - 1) + kappa / M));
    /* The run's figure for active_viewers is its mean per step. */
    for (int64_t i = 0; i < r->runs; i++)
        assert_true(fabs(r->res[i].value[TS_ACTIVE_VIEWERS] - (double)r->res[i].exact[TS_ACTIVE_VIEWERS] / 50.0) < 1e-9);
    mc_result_free(r);
    scenario_free(s);
}

static void test_active_viewers_binomial(void **state)
{
    (void)state;
    active_case("gifting", NULL, NULL);
    active_case("no creator live", "live_prob=0", NULL);
    active_case("gifts_per_session 0", "segments.all.gifts_per_session=0", NULL);
    active_case("no gift within reach", "segments.all.max_gift_coins=0", NULL);
}

/* Each creator is live with live_prob: per step Binomial(C, q); over M
 * steps Binomial(M C, q), sd sqrt(M C q (1 - q)). */
static void test_live_creators_binomial(void **state)
{
    (void)state;
    scenario *s = load("sure", "creators=500", "live_prob=0.4", "viewers=100", "steps=50", "runs=4", NULL);
    mc_result *r = mc_all(s, 4);
    const double C = 500, q = 0.4, M = 200;
    near("live creators", total(r, TS_LIVE_CREATORS), M * C * q, sqrt(M * C * q * (1 - q)));
    mc_result_free(r);
    scenario_free(s);
}

/* (e) Intents per active viewer: given A active viewers, the intents
 * (gifts + lost) are a sum of A Poisson(lambda), Poisson(lambda A), sd
 * sqrt(lambda A); the sessions (active viewers with at least one intent)
 * are Binomial(A, 1 - e^-lambda); the intents of a session follow the
 * zero-truncated Poisson, checked by chi-square on bins with expected
 * count at least 20 (the last bin takes the tail). Below lambda 1 the
 * engine inverts the truncated law, at 1 and above it rejects zeros. */
static void ztp_case(double lambda, const char *set)
{
    scenario *s = load("sure", "segments.all.p_active=0.5", "viewers=10000", set, NULL);
    double byc[5] = {0}, gbyc[5] = {0};
    sessions ss = {byc, gbyc, {0}, 0};
    evlog log = {0};
    kpi_step row;
    double A = 0, I = 0;
    for (uint64_t run = 1; run <= 5; run++) {
        world *w = open_world(s, run, &log);
        for (int64_t st = 0; st < s->t.p.steps; st++) {
            log.n = 0;
            assert_int_equal(world_step(w, &row), 0);
            A += (double)row.v[TS_ACTIVE_VIEWERS];
            I += (double)(row.v[TS_GIFTS] + row.v[TS_LOST_INTENTS]);
            count_sessions(&log, &ss);
        }
        world_free(w);
    }
    char what[96];
    snprintf(what, sizeof what, "intents per active viewer, lambda %g", lambda);
    near(what, I / A, lambda, sqrt(lambda * A) / A);
    double pz = 1 - exp(-lambda);
    snprintf(what, sizeof what, "sessions per active viewer, lambda %g", lambda);
    near(what, ss.n / A, pz, sqrt(A * pz * (1 - pz)) / A);

    double obs[64], ex[64], pk = lambda * exp(-lambda) / pz, rest = 1.0;
    size_t nb = 0;
    for (int k = 1; k < 63; k++) {
        if (ss.n * (rest - pk) < 20) {
            break;
        }
        obs[nb] = ss.hist[k];
        ex[nb++] = ss.n * pk;
        rest -= pk;
        pk *= lambda / (k + 1);
    }
    double tail = 0;
    for (size_t k = nb + 1; k < 64; k++)
        tail += ss.hist[k];
    obs[nb] = tail;
    ex[nb++] = ss.n * rest;
    assert_true(nb >= 3);
    snprintf(what, sizeof what, "intents per session, lambda %g (%zu bins)", lambda, nb);
    chisq(what, obs, ex, nb);
    free(log.v);
    scenario_free(s);
}

static void test_zero_truncated_poisson(void **state)
{
    (void)state;
    ztp_case(0.4, "segments.all.gifts_per_session=0.4");
    ztp_case(1.0, "segments.all.gifts_per_session=1");
    ztp_case(2.5, "segments.all.gifts_per_session=2.5");
}

/* (f) Churn: each viewer leaves with p_churn each step, so the churn
 * events of M = steps x runs steps are Binomial(M V, p), sd
 * sqrt(M V p (1 - p)). Breakage is exactly the coins in the wallets that
 * left: a shadow wallet per viewer, kept from the events, must hold what
 * each churn event reports, and the breakage column is their sum. */
static void test_churn_and_breakage(void **state)
{
    (void)state;
    scenario *s = load("churn", NULL);
    const int64_t V = 1000, steps = 20, R = 5;
    int64_t *wallet = calloc((size_t)V, sizeof *wallet);
    evlog log = {0};
    kpi_step rows[20];
    double churns = 0;
    int64_t nonempty = 0;
    assert_non_null(wallet);
    assert_int_equal(s->t.p.steps, steps);
    for (uint64_t run = 1; run <= (uint64_t)R; run++) {
        memset(wallet, 0, (size_t)V * sizeof *wallet);
        world *w = open_world(s, run, &log);
        int64_t breakage = 0, run_churns = 0;
        for (int64_t st = 0; st < steps; st++) {
            kpi_step row;
            log.n = 0;
            assert_int_equal(world_step(w, &row), 0);
            rows[st] = row;
            int64_t lost = 0;
            for (size_t i = 0; i < log.n; i++) {
                const sim_event *e = &log.v[i];
                if (e->type == EV_PURCHASE)
                    wallet[e->viewer] += e->coins;
                else if (e->type == EV_GIFT)
                    wallet[e->viewer] -= e->coins;
                else if (e->type == EV_CHURN) {
                    assert_int_equal(e->coins, wallet[e->viewer]);
                    nonempty += wallet[e->viewer] > 0;
                    lost += wallet[e->viewer];
                    wallet[e->viewer] = 0;
                    run_churns++;
                }
            }
            assert_int_equal(row.v[TS_COINS_BREAKAGE], lost);
            breakage += lost;
            int64_t ws = 0;
            for (int64_t v = 0; v < V; v++)
                ws += wallet[v];
            assert_int_equal(row.v[TS_WALLET_COINS], ws);
        }
        run_result res;
        char msg[512];
        assert_int_equal(world_ledger(w)->coins_breakage, breakage);
        assert_int_equal(world_check(w, msg, sizeof msg), 0);
        assert_int_equal(world_result(w, rows, steps, &res, NULL), 0);
        assert_int_equal(res.exact[TS_COINS_BREAKAGE], breakage);
        /* payer_rate's denominator: every viewer who existed. */
        assert_int_equal(res.viewers_existed, V + run_churns);
        churns += (double)run_churns;
        world_free(w);
    }
    const double N = (double)(V * steps * R), p = 0.05;
    near("churn events", churns, N * p, sqrt(N * p * (1 - p)));
    /* The breakage check would pass vacuously with empty wallets. */
    assert_true(nonempty > 100);
    free(wallet);
    free(log.v);
    scenario_free(s);
}

/* ============================================== 2. exact arithmetic */

/* The exact fixture by hand (docs/model.md §2, §4): coin $0.01, commission
 * 0.333333, $0.007 a diamond; credit = floor(c x 10000 x 666667 / 7000) µD:
 *   1 coin: floor(952381.43) = 952381;  3 coins: floor(2857144.29) = 2857144;
 *   7 coins: 6666670 exactly (not 7 x 952381 = 6666667: floored per gift).
 * Store fees: a10 $0.99 app at 0.333333: floor(329999.67) = 329999 µUSD;
 *   w25 $1.77 web at 0.123457: floor(218518.89) = 218518 µUSD. */
static const int64_t EX_CREDIT[3] = {952381, 2857144, 6666670};
static const int64_t EX_GIFT_COINS[3] = {1, 3, 7};
static const int64_t EX_PRICE[2] = {990000, 1770000};
static const int64_t EX_FEE[2] = {329999, 218518};
static const int64_t EX_COINS[2] = {10, 25}, EX_BONUS[2] = {0, 5};
#define EX_UPD 7000
#define EX_MOST 142             /* floor($1 / $0.007) whole diamonds, $0.994 */

/* The cash-out parameters of the exact fixture at a step, as its
 * timeline.csv sets them. */
typedef struct cash_params {
    int on;
    int64_t min, flat, rate;
} cash_params;

static cash_params exact_at(int64_t step)
{
    cash_params c = {0, 56000, 50000, 33333};
    if (step >= 4) {
        c.on = 1;
        c.flat = 994000;        /* = the gross of a capped cash-out: skipped */
        c.rate = 0;
    }
    if (step >= 5)
        c.flat = 993000;        /* a capped cash-out nets $0.001 */
    if (step >= 6) {
        c.flat = 50000;
        c.rate = 33333;         /* capped: 50000 + floor(33133.002) = 83133 */
    }
    if (step >= 10)
        c.min = 700000;
    return c;
}

typedef struct exact_cov {
    int64_t gifts[3], packs[2];
    int64_t capped, full, skip_fee, skip_equal, below_min, capped_83133, net_1000;
} exact_cov;

/* Run the exact fixture with a shadow of every creator's pending µD,
 * built from the gift events with the credits above, and predict each
 * step's cash-outs from docs/model.md §4.5; every figure must match to the unit. */
static void run_exact(exact_cov *cov)
{
    scenario *s = load("exact", NULL);
    evlog log = {0};
    kpi_step row;
    int64_t pending[3] = {0}, n_app = 0, n_web = 0, net_total = 0, fee_total = 0, cash_in = 0, fees = 0, gross_total = 0;
    world *w = open_world(s, 1, &log);
    memset(cov, 0, sizeof *cov);

    for (int64_t st = 0; st < s->t.p.steps; st++) {
        log.n = 0;
        assert_int_equal(world_step(w, &row), 0);
        int64_t credited = 0, sf = 0, ci = 0, sold = 0, bonus = 0, purchases = 0;
        sim_event got[3];
        size_t ngot = 0;
        for (size_t i = 0; i < log.n; i++) {
            const sim_event *e = &log.v[i];
            switch (e->type) {
            case EV_GIFT:
                assert_int_equal(e->coins, EX_GIFT_COINS[e->item]);
                pending[e->creator] += EX_CREDIT[e->item];
                credited += EX_CREDIT[e->item];
                cov->gifts[e->item]++;
                break;
            case EV_PURCHASE:
                assert_int_equal(e->usd, EX_PRICE[e->item]);
                assert_int_equal(e->coins, EX_COINS[e->item] + EX_BONUS[e->item]);
                assert_int_equal(e->channel, e->item == 0 ? CH_APP : CH_WEB);
                sf += EX_FEE[e->item];
                ci += EX_PRICE[e->item];
                sold += EX_COINS[e->item];
                bonus += EX_BONUS[e->item];
                purchases++;
                cov->packs[e->item]++;
                *(e->item == 0 ? &n_app : &n_web) += 1;
                break;
            case EV_CASHOUT:
                assert_true(ngot < 3);
                got[ngot++] = *e;
                break;
            default:
                fail_msg("unexpected event type %d", (int)e->type);
            }
        }
        assert_int_equal(row.v[TS_DIAMONDS_CREDITED], credited);
        assert_int_equal(row.v[TS_STORE_FEES], sf);
        assert_int_equal(row.v[TS_CASH_IN], ci);
        assert_int_equal(row.v[TS_COINS_SOLD], sold);
        assert_int_equal(row.v[TS_COINS_BONUS], bonus);
        assert_int_equal(row.v[TS_PURCHASES], purchases);

        /* Predicted cash-outs, creators in order. */
        cash_params cp = exact_at(st);
        int64_t g_sum = 0, f_sum = 0, n_sum = 0, wd = 0;
        size_t k = 0;
        for (int c = 0; c < 3 && cp.on; c++) {
            int64_t whole = pending[c] / 1000000;
            if (whole == 0)
                continue;
            if (whole * EX_UPD < cp.min) {
                cov->below_min++;
                continue;
            }
            int64_t d = whole < EX_MOST ? whole : EX_MOST;
            int64_t gross = d * EX_UPD, fee = cp.flat + gross * cp.rate / 1000000;
            if (fee >= gross) {
                cov->skip_fee++;
                cov->skip_equal += fee == gross;
                continue;
            }
            if (d == EX_MOST && whole > EX_MOST)
                cov->capped++;
            else
                cov->full++;
            if (d == EX_MOST && st >= 6) {
                assert_int_equal(fee, 83133);
                cov->capped_83133++;
            }
            if (d == EX_MOST && st == 5) {
                assert_int_equal(gross - fee, 1000);
                cov->net_1000++;
            }
            if (k >= ngot)
                fail_msg("step %lld: creator %d should cash out %lld diamonds (pending %lld µD), did not",
                         (long long)st, c, (long long)d, (long long)pending[c]);
            assert_int_equal(got[k].creator, c);
            assert_int_equal(got[k].coins, d);
            assert_int_equal(got[k].usd, gross);
            k++;
            pending[c] -= d * 1000000;
            g_sum += gross;
            f_sum += fee;
            n_sum += gross - fee;
            wd += d * 1000000;
        }
        if (k != ngot)
            fail_msg("step %lld: %zu cash-outs, expected %zu", (long long)st, ngot, k);
        assert_int_equal(row.v[TS_CASHOUTS], (int64_t)k);
        assert_int_equal(row.v[TS_PAYOUTS_GROSS], g_sum);
        assert_int_equal(row.v[TS_PAYOUT_FEES], f_sum);
        assert_int_equal(row.v[TS_PAYOUTS_NET], n_sum);
        assert_int_equal(row.v[TS_DIAMONDS_WITHDRAWN], wd);
        assert_int_equal(row.v[TS_PENDING_DIAMONDS], pending[0] + pending[1] + pending[2]);
        cash_in += ci;
        fees += sf;
        gross_total += g_sum;
        fee_total += f_sum;
        net_total += n_sum;
        assert_int_equal(row.v[TS_PLATFORM_CASH], cash_in - fees - gross_total);
    }
    const ledger *L = world_ledger(w);
    assert_int_equal(L->bal[ACC_APP_STORE], n_app * 329999);
    assert_int_equal(L->bal[ACC_WEB_PROCESSOR], n_web * 218518);
    assert_int_equal(L->bal[ACC_CREATOR_BANKS], net_total);
    assert_int_equal(L->bal[ACC_PAYOUT_PROCESSOR], fee_total);
    assert_int_equal(L->bal[ACC_VIEWERS], -cash_in);
    world_free(w);
    free(log.v);
    scenario_free(s);
}

static void test_exact_credit_and_store_fee(void **state)
{
    (void)state;
    exact_cov cov;
    run_exact(&cov);
    print_message("  gifts of 1/3/7 coins: %lld/%lld/%lld; app/web packs: %lld/%lld\n", (long long)cov.gifts[0],
                  (long long)cov.gifts[1], (long long)cov.gifts[2], (long long)cov.packs[0], (long long)cov.packs[1]);
    for (int i = 0; i < 3; i++)
        assert_true(cov.gifts[i] > 0);
    for (int i = 0; i < 2; i++)
        assert_true(cov.packs[i] > 0);
}

/* Every cash-out rule must have been exercised, or the shadow proves
 * nothing: a capped cash-out (142 whole diamonds of more), a full one, one
 * skipped because the fee equals the gross, one below the minimum. */
static void test_exact_cashout_rules(void **state)
{
    (void)state;
    exact_cov cov;
    run_exact(&cov);
    print_message("  cash-outs capped %lld, full %lld; skipped for fee %lld (fee = gross %lld); below minimum %lld\n",
                  (long long)cov.capped, (long long)cov.full, (long long)cov.skip_fee, (long long)cov.skip_equal,
                  (long long)cov.below_min);
    assert_true(cov.capped > 0);
    assert_true(cov.full > 0);
    assert_true(cov.skip_equal > 0);
    assert_true(cov.skip_fee > cov.skip_equal);
    assert_true(cov.below_min > 0);
    assert_true(cov.capped_83133 > 0);
    assert_true(cov.net_1000 > 0);
}

/* The boundary fixture's run 1 with the cash-out parameters edited: its
 * rows, and the cash-outs (creator 0 only) of step BK. */
#define BK 4
static void boundary_run(kpi_step rows[6], int64_t *d_at_k, const char *a, const char *b, const char *c)
{
    scenario *s = load("boundary", a, b, c, NULL);
    evlog log = {0};
    world *w = open_world(s, 1, &log);
    *d_at_k = -1;
    for (int64_t st = 0; st < 6; st++) {
        log.n = 0;
        assert_int_equal(world_step(w, &rows[st]), 0);
        for (size_t i = 0; i < log.n; i++)
            if (log.v[i].type == EV_CASHOUT && st == BK)
                *d_at_k = log.v[i].coins;
    }
    world_free(w);
    free(log.v);
    scenario_free(s);
}

static const char *usd_set(char *buf, size_t n, const char *key, int64_t micro)
{
    snprintf(buf, n, "%s=%lld.%06lld", key, (long long)(micro / 1000000), (long long)(micro % 1000000));
    return buf;
}

/* Each cash-out rule exactly at its edge. One creator gathers W whole
 * diamonds by step BK (read from a run in which nothing can cash out);
 * the gifts do not depend on the cash-out parameters (their own stream),
 * so runs with the minimum, the limit or the fee set from W see the same
 * pending diamonds, and the rules of docs/model.md §4.5 say exactly what
 * happens at step BK. $0.007 a diamond: W diamonds are worth G = 7000 W. */
static void test_cashout_boundaries(void **state)
{
    (void)state;
    kpi_step rows[6];
    int64_t d, d0;
    char b1[96], b2[96];
    boundary_run(rows, &d0, NULL, NULL, NULL);
    for (int st = 0; st < 6; st++)
        assert_int_equal(rows[st].v[TS_CASHOUTS], 0);
    int64_t W = rows[BK].v[TS_PENDING_DIAMONDS] / 1000000, Wprev = rows[BK - 1].v[TS_PENDING_DIAMONDS] / 1000000;
    int64_t G = 7000 * W;
    print_message("  whole diamonds: %lld after step %d, %lld before\n", (long long)W, BK, (long long)Wprev);
    assert_true(Wprev < W - 1);

    /* minimum = G: eligible at step BK (at least the minimum), not before. */
    boundary_run(rows, &d, usd_set(b1, sizeof b1, "min_withdrawal_usd", G), NULL, NULL);
    for (int st = 0; st < BK; st++)
        assert_int_equal(rows[st].v[TS_CASHOUTS], 0);
    assert_int_equal(d, W);
    assert_int_equal(rows[BK].v[TS_PAYOUTS_GROSS], G);
    assert_int_equal(rows[BK].v[TS_PAYOUTS_NET], G);
    assert_int_equal(rows[BK].v[TS_DIAMONDS_WITHDRAWN], W * 1000000);
    /* A fraction of a diamond stays pending. */
    assert_int_equal(rows[BK].v[TS_PENDING_DIAMONDS], rows[BK].v[TS_DIAMONDS_CREDITED] + rows[BK - 1].v[TS_PENDING_DIAMONDS] - W * 1000000);
    /* minimum = G + 1 µUSD: not eligible. */
    boundary_run(rows, &d, usd_set(b1, sizeof b1, "min_withdrawal_usd", G + 1), NULL, NULL);
    assert_int_equal(rows[BK].v[TS_CASHOUTS], 0);
    assert_int_equal(d, -1);

    /* daily limit = G: all W; limit = G - 1 µUSD: W - 1 whole diamonds. */
    boundary_run(rows, &d, usd_set(b1, sizeof b1, "min_withdrawal_usd", G - 7000),
                 usd_set(b2, sizeof b2, "daily_withdrawal_limit_usd", G), NULL);
    assert_int_equal(d, W);
    boundary_run(rows, &d, usd_set(b1, sizeof b1, "min_withdrawal_usd", G - 7000),
                 usd_set(b2, sizeof b2, "daily_withdrawal_limit_usd", G - 1), NULL);
    assert_int_equal(d, W - 1);
    assert_int_equal(rows[BK].v[TS_PAYOUTS_GROSS], G - 7000);

    /* flat fee = gross: skipped, pending untouched; fee = gross - 1 µUSD:
     * paid, the creator nets 1 µUSD. */
    boundary_run(rows, &d, usd_set(b1, sizeof b1, "min_withdrawal_usd", G),
                 usd_set(b2, sizeof b2, "payout_fee_usd", G), NULL);
    assert_int_equal(d, -1);
    assert_int_equal(rows[BK].v[TS_DIAMONDS_WITHDRAWN], 0);
    boundary_run(rows, &d, usd_set(b1, sizeof b1, "min_withdrawal_usd", G),
                 usd_set(b2, sizeof b2, "payout_fee_usd", G - 1), NULL);
    assert_int_equal(d, W);
    assert_int_equal(rows[BK].v[TS_PAYOUTS_NET], 1);
    assert_int_equal(rows[BK].v[TS_PAYOUT_FEES], G - 1);

    /* flat $0.05 plus 0.333333 of the gross, floored. */
    boundary_run(rows, &d, usd_set(b1, sizeof b1, "min_withdrawal_usd", G), "payout_fee_usd=0.05",
                 "payout_fee_rate=0.333333");
    int64_t fee = 50000 + G * 333333 / 1000000;
    print_message("  fee on %lld µUSD: 50000 + floor(%lld x 0.333333) = %lld µUSD\n", (long long)G, (long long)G,
                  (long long)fee);
    assert_int_equal(d, W);
    assert_int_equal(rows[BK].v[TS_PAYOUT_FEES], fee);
    assert_int_equal(rows[BK].v[TS_PAYOUTS_NET], G - fee);
}

/* ====================================================== 7. timeline */

/* timeline.csv: step 5 commission 0.1 (listed first), step 3 commission
 * 0.25 then 0.4 (the last wins), step 4 price $1.49, step 99 (never).
 * With $0.01 coins and $0.007 diamonds the credit is
 * floor(c x 10000 x (10^6 - commission) / 7000) µD:
 *   commission 0.5:  1 coin 714285, 7 coins 5000000 (steps 0-2)
 *   commission 0.4:  1 coin 857142, 7 coins 6000000 (steps 3-4)
 *   commission 0.25: 1071428 / 7500000 (never in effect)
 *   commission 0.1:  1 coin 1285714, 7 coins 9000000 (steps 5-7)
 * Store fee 0.3: $0.99 -> 297000, $1.49 -> 447000 µUSD. */
static void test_timeline_rows(void **state)
{
    (void)state;
    scenario *s = load("timeline", NULL);
    evlog log = {0};
    kpi_step row;
    world *w = open_world(s, 1, &log);
    int64_t seen[8][2] = {{0}};
    for (int64_t st = 0; st < 8; st++) {
        int64_t c1 = st < 3 ? 714285 : st < 5 ? 857142 : 1285714;
        int64_t c7 = st < 3 ? 5000000 : st < 5 ? 6000000 : 9000000;
        int64_t price = st < 4 ? 990000 : 1490000, fee = st < 4 ? 297000 : 447000;
        log.n = 0;
        assert_int_equal(world_step(w, &row), 0);
        int64_t credited = 0;
        for (size_t i = 0; i < log.n; i++)
            if (log.v[i].type == EV_GIFT) {
                credited += log.v[i].item == 0 ? c1 : c7;
                seen[st][log.v[i].item]++;
            } else if (log.v[i].type == EV_PURCHASE) {
                assert_int_equal(log.v[i].usd, price);
            }
        assert_int_equal(row.v[TS_DIAMONDS_CREDITED], credited);
        assert_int_equal(row.v[TS_CASH_IN], row.v[TS_PURCHASES] * price);
        assert_int_equal(row.v[TS_STORE_FEES], row.v[TS_PURCHASES] * fee);
        assert_true(seen[st][0] > 0 && seen[st][1] > 0);
        assert_true(row.v[TS_PURCHASES] > 0);
        if (st == 3)
            assert_int_equal(world_tables(w)->p.commission, 400000);
    }
    assert_int_equal(world_tables(w)->p.commission, 100000);
    /* The scenario itself is never written by a run. */
    assert_int_equal(s->t.p.commission, 500000);
    assert_int_equal(s->t.packs[0].price, 990000);
    world_free(w);
    free(log.v);
    scenario_free(s);
}

/* ================================================== 4. determinism */

static void test_same_seed_same_bytes(void **state)
{
    (void)state;
    scenario *s = load("mixed", NULL);
    int64_t steps = s->t.p.steps, R = s->t.p.runs;
    mc_opts o = {0};
    o.fault_step = -1;
    char msg[700];
    run_result a, b;
    brk_shape sh = brk_shape_of(&s->t);
    brk_store bs; /* the breakdowns of two runs, [0] and [1] */
    assert_int_equal(brk_store_init(&bs, &sh, 2), 0);
    brk_block pa = brk_at(&bs, 0), pb = brk_at(&bs, 1);
    size_t nraw = brk_nraw(&sh);
    kpi_step *ta = calloc((size_t)steps, sizeof *ta), *tb = calloc((size_t)steps, sizeof *tb);
    assert_non_null(ta);
    assert_non_null(tb);

    /* The same run twice. */
    assert_int_equal(pool_unit(s, 3, o.check, o.fault_step, &a, ta, &pa, NULL, msg, sizeof msg), SIM_OK);
    assert_int_equal(pool_unit(s, 3, o.check, o.fault_step, &b, tb, &pb, NULL, msg, sizeof msg), SIM_OK);
    assert_memory_equal(&a, &b, sizeof a);
    assert_memory_equal(ta, tb, (size_t)steps * sizeof *ta);
    assert_memory_equal(pa.raw, pb.raw, nraw * sizeof *pa.raw);
    assert_memory_equal(pa.cr, pb.cr, CR_N * sizeof *pa.cr);
    assert_true(a.exact[TS_GIFTS] > 0 && a.exact[TS_CASHOUTS] > 0 && a.exact[TS_COINS_BREAKAGE] > 0);

    /* world_step driven by hand gives the same rows as pool_unit. */
    world *w = open_world(s, 3, NULL);
    for (int64_t st = 0; st < steps; st++)
        assert_int_equal(world_step(w, &tb[st]), 0);
    kpi_step extra;
    assert_int_equal(world_step(w, &extra), 1);
    assert_int_equal(world_result(w, tb, steps, &b, NULL), 0);
    world_free(w);
    memset(tb, 0, (size_t)steps * sizeof *tb);
    assert_int_equal(pool_unit(s, 3, o.check, o.fault_step, &b, tb, &pb, NULL, msg, sizeof msg), SIM_OK);
    assert_memory_equal(ta, tb, (size_t)steps * sizeof *ta);

    /* One thread or two: the same bytes; run r alone equals run r of many. */
    mc_result *r1 = NULL, *r2 = NULL;
    o.runs = R;
    o.threads = 1;
    assert_int_equal(mc_run(s, &o, &r1, msg, sizeof msg), SIM_OK);
    o.threads = 2;
    assert_int_equal(mc_run(s, &o, &r2, msg, sizeof msg), SIM_OK);
    assert_memory_equal(r1->res, r2->res, (size_t)R * sizeof *r1->res);
    assert_memory_equal(r1->ts, r2->ts, (size_t)(R * steps) * sizeof *r1->ts);
    assert_memory_equal(&r2->res[2], &a, sizeof a);
    assert_memory_equal(&r2->ts[2 * steps], ta, (size_t)steps * sizeof *ta);
    assert_int_equal(r2->brk.sh.npacks, 5);
    assert_memory_equal(r1->brk.raw, r2->brk.raw, (size_t)R * nraw * sizeof *r1->brk.raw);
    assert_memory_equal(r1->brk.cr, r2->brk.cr, (size_t)R * CR_N * sizeof *r1->brk.cr);
    assert_memory_equal(brk_at(&r2->brk, 2).raw, pa.raw, nraw * sizeof *pa.raw);
    assert_memory_equal(brk_at(&r2->brk, 2).cr, pa.cr, CR_N * sizeof *pa.cr);
    for (int64_t i = 0; i < R; i++)
        assert_int_equal(r1->res[i].run, (uint64_t)(i + 1));

    /* Different runs and different seeds differ. */
    assert_memory_not_equal(&r1->ts[0], &r1->ts[steps], (size_t)steps * sizeof *r1->ts);
    scenario *s2 = load("mixed", "seed=4", NULL);
    assert_int_equal(pool_unit(s2, 3, o.check, o.fault_step, &b, tb, &pb, NULL, msg, sizeof msg), SIM_OK);
    assert_memory_not_equal(ta, tb, (size_t)steps * sizeof *ta);
    assert_true(a.exact[TS_GIFTS] != b.exact[TS_GIFTS] || a.exact[TS_CASH_IN] != b.exact[TS_CASH_IN]);

    mc_result_free(r1);
    mc_result_free(r2);
    brk_store_free(&bs);
    free(ta);
    free(tb);
    scenario_free(s2);
    scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_poisson_coins_gifted),
        cmocka_unit_test(test_logit_single_pack),
        cmocka_unit_test(test_logit_both_channels),
        cmocka_unit_test(test_web_awareness),
        cmocka_unit_test(test_web_awareness_raised),
        cmocka_unit_test(test_supply_and_missed_sessions),
        cmocka_unit_test(test_switch_by_popularity),
        cmocka_unit_test(test_sessions_gifts_and_sinks),
        cmocka_unit_test(test_granted_coins_accounted),
        cmocka_unit_test(test_free_coins_only),
        cmocka_unit_test(test_warmup_opening_balances),
        cmocka_unit_test(test_zipf_split),
        cmocka_unit_test(test_zipf_timeline),
        cmocka_unit_test(test_gift_choice),
        cmocka_unit_test(test_segments),
        cmocka_unit_test(test_cashout_probability),
        cmocka_unit_test(test_active_viewers_binomial),
        cmocka_unit_test(test_live_creators_binomial),
        cmocka_unit_test(test_zero_truncated_poisson),
        cmocka_unit_test(test_churn_and_breakage),
        cmocka_unit_test(test_exact_credit_and_store_fee),
        cmocka_unit_test(test_exact_cashout_rules),
        cmocka_unit_test(test_cashout_boundaries),
        cmocka_unit_test(test_timeline_rows),
        cmocka_unit_test(test_timeline_packs),
        cmocka_unit_test(test_same_seed_same_bytes),
    };
    return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
