/* test_scenario_v2 — the scenario side of model version 2 (docs/model.md
 * §3): the optional sinks.csv (loaded, inherited through extends, changed
 * by --set and the timeline, copied, saved), the new params and segment
 * columns, web_share refused wherever it is named, and the check that a
 * segment's sink intents have a sink to go to.
 *
 * Fixtures: tests/fixtures/good/v2 (every new field away from its default,
 * two sinks, a timeline naming the new targets), v2_child (inherits it
 * all), v2_sinks_replaced (a sinks.csv of its own), v2_no_sinks (a
 * sinks.csv of its header alone); tests/fixtures/bad/ has one wrong thing
 * in each of its directories. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "scenario.h"

#define N(a)    (sizeof a / sizeof a[0])
#define GOOD(x) "tests/fixtures/good/" x
#define BAD(x)  "tests/fixtures/bad/" x
#define GONE \
    "gone in model version 2 (expected web_aware and web_friction instead: see docs/model.md)"
#define SHAPE " cannot change once the world is built (the shape of a run is fixed; use --set)"

/* A real-valued field (a double in micro-units) is exactly micro. */
#define assert_micro(x, micro)                                                            \
    do {                                                                                  \
        double x_ = (x);                                                                  \
        if (!(x_ == (double)(micro)))                                                     \
            fail_msg("%s is %.17g micro-units, expected %.17g", #x, x_, (double)(micro)); \
    } while (0)

/* d holds exactly the lines of want, each "error: ..." or "warning: ...",
 * in order; all of them are compared at once, so a mismatch shows all. */
static void expect_lines(const diag *d, const char *const *want, size_t n)
{
    static char got[16384], exp[16384];
    size_t gu = 0, eu = 0, nerr = 0;
    got[0] = exp[0] = '\0';
    for (size_t i = 0; i < d->n && gu < sizeof got; i++)
        gu += (size_t)snprintf(got + gu, sizeof got - gu, "%s: %s\n",
                               d->items[i].level == DIAG_ERROR ? "error" : "warning",
                               d->items[i].text);
    for (size_t i = 0; i < n && eu < sizeof exp; i++) {
        eu += (size_t)snprintf(exp + eu, sizeof exp - eu, "%s\n", want[i]);
        nerr += strncmp(want[i], "error: ", 7) == 0;
    }
    assert_string_equal(got, exp);
    assert_int_equal(d->errors, nerr);
}

#define EXPECT(d, ...)                          \
    do {                                        \
        const char *const w_[] = {__VA_ARGS__}; \
        expect_lines(d, w_, N(w_));             \
    } while (0)
#define EXPECT_NONE(d) expect_lines(d, NULL, 0)

static scenario *load_ok(const char *dir)
{
    diag d = {0};
    scenario *s = scenario_load(dir, &d);
    EXPECT_NONE(&d);
    assert_non_null(s);
    diag_clear(&d);
    return s;
}

/* dir does not load; d gets why. */
static void load_fails(const char *dir, diag *d)
{
    scenario *s = scenario_load(dir, d);
    assert_null(s);
}

/* Apply assign as "--set ASSIGN" would; returns its rc, problems in d. */
static int set(scenario *s, const char *assign, diag *d)
{
    char label[300];
    snprintf(label, sizeof label, "--set %s", assign);
    return scenario_set(s, assign, label, d);
}

/* ================================================================ loading */

static void v2_fields_and_sinks_load(void **state)
{
    (void)state;
    scenario *s = load_ok(GOOD("v2"));
    const sc_tables *t = &s->t;

    assert_micro(t->p.live_elasticity, 1500000);
    assert_int_equal(t->p.reference_take, 4000);
    assert_int_equal(t->p.p_switch, 600000);
    assert_int_equal(t->p.warmup_steps, 5);

    const sc_segment *c = &t->segs[0], *w = &t->segs[1];
    assert_int_equal(c->web_aware, 100000);
    assert_micro(c->web_friction, 750000);
    assert_micro(c->sps, 500000);
    assert_int_equal(c->free_coins, 3);
    assert_int_equal(c->can_buy, 1);
    assert_int_equal(w->web_aware, 400000);
    assert_micro(w->web_friction, -250000); /* negative: prefers the web */
    assert_micro(w->sps, 2000000);
    assert_int_equal(w->free_coins, 0);
    assert_int_equal(w->can_buy, 0);

    assert_string_equal(s->file[SC_SINKS], GOOD("v2/sinks.csv"));
    assert_int_equal(t->nsinks, 2);
    assert_string_equal(t->sinks[0].name, "boost");
    assert_int_equal(t->sinks[0].coins, 30);
    assert_micro(t->sinks[0].weight, 1000000); /* cell left empty: 1 */
    assert_string_equal(t->sinks[1].name, "effect");
    assert_int_equal(t->sinks[1].coins, 5);
    assert_micro(t->sinks[1].weight, 2500000);

    diag d = {0};
    assert_int_equal(scenario_check(s, &d), 0);
    EXPECT_NONE(&d);
    scenario_free(s);
}

static void absent_sinks_are_none(void **state)
{
    (void)state;
    /* minimal has no sinks.csv, nor has its base: no sinks, no problem. */
    scenario *s = load_ok(GOOD("minimal"));
    assert_int_equal(s->t.nsinks, 0);
    assert_null(s->file[SC_SINKS]);
    diag d = {0};
    assert_int_equal(scenario_check(s, &d), 0);
    EXPECT_NONE(&d);
    scenario_free(s);

    /* Required tables are still required. */
    load_fails(BAD("missing_table"), &d);
    EXPECT(&d, "error: tests/fixtures/bad/missing_table/gifts.csv: required table missing "
               "(expected gifts.csv in the scenario directory or its base)");
    diag_clear(&d);
}

static void extends_inherits_or_replaces_sinks(void **state)
{
    (void)state;
    scenario *s = load_ok(GOOD("v2_child"));
    assert_int_equal(s->t.p.commission, 400000); /* its own key */
    assert_int_equal(s->t.p.p_switch, 600000);   /* the base's */
    assert_int_equal(s->t.p.warmup_steps, 5);    /* the base's */
    assert_int_equal(s->t.segs[1].can_buy, 0);   /* the base's segments */
    assert_int_equal(s->t.nsinks, 2);            /* and sinks */
    assert_string_equal(s->t.sinks[1].name, "effect");
    assert_string_equal(s->file[SC_SINKS], GOOD("v2_child/../v2/sinks.csv"));
    assert_int_equal(s->ntl, 3);
    scenario_free(s);

    /* A directory's sinks.csv replaces the base's whole. */
    s = load_ok(GOOD("v2_sinks_replaced"));
    assert_int_equal(s->t.nsinks, 1);
    assert_string_equal(s->t.sinks[0].name, "unlock");
    assert_int_equal(s->t.sinks[0].coins, 100);
    assert_string_equal(s->file[SC_SINKS], GOOD("v2_sinks_replaced/sinks.csv"));
    scenario_free(s);

    /* ... a header alone too: no sinks, whatever the bases had; the
     * segments' sink intents then have nowhere to go. */
    s = load_ok(GOOD("v2_no_sinks"));
    assert_int_equal(s->t.nsinks, 0);
    assert_string_equal(s->file[SC_SINKS], GOOD("v2_no_sinks/sinks.csv"));
    diag d = {0};
    assert_int_equal(scenario_check(s, &d), 0);
#define SEGS "warning: " GOOD("v2_no_sinks/../v2_sinks_replaced/../v2/segments.csv")
    EXPECT(&d,
           SEGS ": column sinks_per_session: segment \"casual\" forms sink intents "
                "(sinks_per_session 0.5) but there is no sink: they never happen",
           SEGS ": column sinks_per_session: segment \"whale\" forms sink intents "
                "(sinks_per_session 2) but there is no sink: they never happen");
#undef SEGS
    diag_clear(&d);
    scenario_free(s);
}

/* ================================================================= --set */

static void set_changes_the_new_targets(void **state)
{
    diag d = {0};
    (void)state;
    scenario *s = load_ok(GOOD("v2"));
    assert_int_equal(set(s, "sinks.effect.weight=0.25", &d), 0);
    assert_int_equal(set(s, "sinks.boost.coins=40", &d), 0);
    assert_int_equal(set(s, "p_switch=0.8", &d), 0);
    assert_int_equal(set(s, "params.live_elasticity=2.5e-1", &d), 0);
    assert_int_equal(set(s, "reference_take_usd=0.0055", &d), 0);
    assert_int_equal(set(s, "warmup_steps=30", &d), 0); /* --set may change the shape */
    assert_int_equal(set(s, "segments.casual.web_aware=0.45", &d), 0);
    assert_int_equal(set(s, "segments.casual.web_friction=-1.5", &d), 0);
    assert_int_equal(set(s, "segments.whale.can_buy=1", &d), 0);
    assert_int_equal(set(s, "segments.whale.free_coins_per_session=7", &d), 0);
    assert_int_equal(set(s, "segments.whale.sinks_per_session=0.125", &d), 0);
    EXPECT_NONE(&d);
    assert_micro(s->t.sinks[1].weight, 250000);
    assert_micro(s->t.sinks[0].weight, 1000000); /* the other sink */
    assert_int_equal(s->t.sinks[0].coins, 40);
    assert_int_equal(s->t.p.p_switch, 800000);
    assert_micro(s->t.p.live_elasticity, 250000);
    assert_int_equal(s->t.p.reference_take, 5500);
    assert_int_equal(s->t.p.warmup_steps, 30);
    assert_int_equal(s->t.segs[0].web_aware, 450000);
    assert_micro(s->t.segs[0].web_friction, -1500000);
    assert_int_equal(s->t.segs[1].can_buy, 1);
    assert_int_equal(s->t.segs[1].free_coins, 7);
    assert_micro(s->t.segs[1].sps, 125000);
    scenario_free(s);
}

static void set_refuses_bad_sink_targets(void **state)
{
    diag d = {0};
    (void)state;
    scenario *s = load_ok(GOOD("v2"));
    static const char *const bad[] = {
        "sinks.nope.weight=1",       "sinks.boost=1",
        "sinks.boost.name=x",        "sinks.boost.colour=1",
        "sinks.boost.coins=0",       "sinks.boost.weight=-1",
        "sink.boost.weight=1",       "p_switch=1.5",
        "reference_take_usd=0",      "live_elasticity=-1",
        "segments.casual.can_buy=2",
    };
    for (size_t i = 0; i < N(bad); i++)
        assert_int_equal(set(s, bad[i], &d), -1);
    EXPECT(&d,
           "error: --set sinks.nope.weight=1: column target: no sink named \"nope\" (expected a "
           "name from sinks.csv)",
           "error: --set sinks.boost=1: column target: \"sinks.boost\" names no field (expected "
           "sinks.NAME.FIELD)",
           "error: --set sinks.boost.name=x: column target: sinks.boost.name cannot be changed by "
           "a target (edit the scenario's files)",
           "error: --set sinks.boost.colour=1: column target: unknown field \"colour\" (expected "
           "one of name, coins, weight)",
           "error: --set sinks.boost.coins=0: column value: out of range \"0\" (expected a whole "
           "number from 1 to 1000000)",
           "error: --set sinks.boost.weight=-1: column value: negative \"-1\" (expected a decimal "
           "from 0 to 1000000)",
           "error: --set sink.boost.weight=1: column target: unknown table \"sink\" in "
           "\"sink.boost.weight\" (expected params, packs, gifts, segments, sinks or regions)",
           "error: --set p_switch=1.5: column value: out of range \"1.5\" (expected a decimal from "
           "0 to 1 with at most 6 places)",
           "error: --set reference_take_usd=0: column value: out of range \"0\" (expected an "
           "amount in USD from 0.000001 to 1 with at most 6 decimals)",
           "error: --set live_elasticity=-1: column value: negative \"-1\" (expected a decimal "
           "from 0 to 100)",
           "error: --set segments.casual.can_buy=2: column value: out of range \"2\" (expected 0 "
           "or 1)");
    diag_clear(&d);
    /* Nothing was changed by the failures. */
    assert_int_equal(s->t.sinks[0].coins, 30);
    assert_micro(s->t.sinks[0].weight, 1000000);
    assert_int_equal(s->t.p.p_switch, 600000);
    scenario_free(s);
}

/* ============================================================= timeline */

static void timeline_changes_the_new_targets(void **state)
{
    (void)state;
    scenario *s = load_ok(GOOD("v2"));
    assert_int_equal(s->ntl, 3);
    const sc_tlrow *r = s->timeline;
    assert_int_equal(r[0].step, 2);
    assert_int_equal(r[0].c.table, SC_SINKS);
    assert_int_equal(r[0].c.index, 1); /* effect */
    assert_micro(r[0].c.dval, 0);
    assert_int_equal(r[1].c.table, SC_PARAMS);
    assert_int_equal(r[1].c.ival, 900000);
    assert_int_equal(r[2].c.table, SC_SEGMENTS);
    assert_int_equal(r[2].c.index, 0); /* casual */
    assert_int_equal(r[2].c.ival, 350000);

    /* A run applies them, step by step, to its own copy. */
    sc_tables w;
    size_t cursor = 0;
    assert_int_equal(sc_tables_copy(&w, &s->t), 0);
    assert_int_equal(w.nsinks, 2);
    assert_ptr_not_equal(w.sinks, s->t.sinks);
    assert_int_equal(scenario_timeline_at(s, &w, &cursor, 0), 0);
    assert_int_equal(scenario_timeline_at(s, &w, &cursor, 1), 0);
    assert_int_equal(scenario_timeline_at(s, &w, &cursor, 2), 1);
    assert_micro(w.sinks[1].weight, 0);
    assert_int_equal(w.p.p_switch, 600000);
    assert_int_equal(scenario_timeline_at(s, &w, &cursor, 3), 1);
    assert_int_equal(w.p.p_switch, 900000);
    assert_int_equal(scenario_timeline_at(s, &w, &cursor, 4), 1);
    assert_int_equal(w.segs[0].web_aware, 350000);
    /* The scenario stays as loaded. */
    assert_micro(s->t.sinks[1].weight, 2500000);
    assert_int_equal(s->t.p.p_switch, 600000);
    assert_int_equal(s->t.segs[0].web_aware, 100000);
    sc_tables_release(&w);

    /* The dashboard's live changes are timeline rows too. */
    char msg[300];
    assert_int_equal(scenario_add_change(s, 6, "sinks.boost.weight", "3", msg, sizeof msg), 0);
    assert_int_equal(s->ntl, 4);
    assert_int_equal(s->timeline[3].c.table, SC_SINKS);
    assert_int_equal(scenario_add_change(s, 6, "params.warmup_steps", "3", msg, sizeof msg), -1);
    assert_string_equal(msg, "params.warmup_steps" SHAPE);
    scenario_free(s);
}

static void timeline_may_not_change_warmup(void **state)
{
    diag d = {0};
    (void)state;
    load_fails(BAD("tl_warmup"), &d);
    EXPECT(&d,
           "error: " BAD("tl_warmup/timeline.csv") ":2: column target: params.warmup_steps" SHAPE);
    diag_clear(&d);
}

/* ================================================================= copies */

static void clone_copies_sinks(void **state)
{
    (void)state;
    scenario *s = load_ok(GOOD("v2"));
    scenario *c = scenario_clone(s);
    assert_non_null(c);
    assert_int_equal(c->t.nsinks, 2);
    assert_ptr_not_equal(c->t.sinks, s->t.sinks);
    for (size_t i = 0; i < s->t.nsinks; i++) {
        assert_ptr_not_equal(c->t.sinks[i].name, s->t.sinks[i].name);
        assert_string_equal(c->t.sinks[i].name, s->t.sinks[i].name);
        assert_int_equal(c->t.sinks[i].coins, s->t.sinks[i].coins);
        assert_micro(c->t.sinks[i].weight, s->t.sinks[i].weight);
    }
    assert_string_equal(c->file[SC_SINKS], s->file[SC_SINKS]);
    assert_int_equal(c->t.segs[1].can_buy, 0);
    assert_int_equal(c->t.p.warmup_steps, 5);
    scenario_free(s); /* the clone stands alone */
    assert_string_equal(c->t.sinks[1].name, "effect");
    scenario_free(c);

    /* A scenario without sinks clones to one without. */
    s = load_ok(GOOD("minimal"));
    c = scenario_clone(s);
    assert_non_null(c);
    assert_int_equal(c->t.nsinks, 0);
    assert_null(c->file[SC_SINKS]);
    scenario_free(c);
    scenario_free(s);
}

/* ================================================================= saving */

static const char *const saved_files[] = {"params.csv",   "packs.csv", "gifts.csv",
                                          "segments.csv", "sinks.csv", "timeline.csv",
                                          "regions.csv"};

/* The bytes of path, NUL-terminated (the caller frees). */
static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *out = strdup(buf);
    assert_non_null(out);
    return out;
}

static void save_to(const scenario *s, const char *dir)
{
    char msg[512];
    if (scenario_save(s, dir, NULL, msg, sizeof msg) != 0)
        fail_msg("saving %s: %s", dir, msg);
}

static void remove_dir(const char *dir)
{
    char p[700];
    for (size_t i = 0; i < N(saved_files); i++) {
        snprintf(p, sizeof p, "%s/%s", dir, saved_files[i]);
        unlink(p);
    }
    assert_int_equal(rmdir(dir), 0);
}

/* Saved and read back, a and b have the same tables, field for field. */
static void same_tables(const sc_tables *a, const sc_tables *b)
{
    assert_int_equal(a->p.steps, b->p.steps);
    assert_micro(a->p.live_elasticity, b->p.live_elasticity);
    assert_int_equal(a->p.reference_take, b->p.reference_take);
    assert_int_equal(a->p.p_switch, b->p.p_switch);
    assert_int_equal(a->p.warmup_steps, b->p.warmup_steps);
    assert_int_equal(a->p.commission, b->p.commission);
    assert_int_equal(a->nsegs, b->nsegs);
    for (size_t i = 0; i < a->nsegs; i++) {
        const sc_segment *x = &a->segs[i], *y = &b->segs[i];
        assert_string_equal(x->name, y->name);
        assert_int_equal(x->share, y->share);
        assert_micro(x->alpha, y->alpha);
        assert_int_equal(x->p_churn, y->p_churn);
        assert_int_equal(x->web_aware, y->web_aware);
        assert_micro(x->web_friction, y->web_friction);
        assert_micro(x->sps, y->sps);
        assert_int_equal(x->free_coins, y->free_coins);
        assert_int_equal(x->can_buy, y->can_buy);
    }
    assert_int_equal(a->nsinks, b->nsinks);
    for (size_t i = 0; i < a->nsinks; i++) {
        assert_string_equal(a->sinks[i].name, b->sinks[i].name);
        assert_int_equal(a->sinks[i].coins, b->sinks[i].coins);
        assert_micro(a->sinks[i].weight, b->sinks[i].weight);
    }
}

static void save_and_reload_round_trip(void **state)
{
    diag d = {0};
    char tmp[] = "/tmp/coinsim_test_v2_XXXXXX", dir[600], path[700];
    (void)state;
    assert_non_null(mkdtemp(tmp));
    snprintf(dir, sizeof dir, "%s/saved", tmp);

    /* v2 with its values moved by --set, any precision kept. */
    scenario *s = load_ok(GOOD("v2_child"));
    assert_int_equal(set(s, "sinks.effect.weight=0.333333333333333", &d), 0);
    assert_int_equal(set(s, "segments.whale.web_friction=-0.6931471805599453", &d), 0);
    assert_int_equal(set(s, "segments.casual.free_coins_per_session=12", &d), 0);
    EXPECT_NONE(&d);
    save_to(s, dir);
    scenario *back = load_ok(dir);
    same_tables(&s->t, &back->t);
    assert_null(back->t.p.extends); /* stands alone */
    assert_int_equal(back->ntl, 3);
    assert_string_equal(back->timeline[0].c.target, "sinks.effect.weight");
    snprintf(path, sizeof path, "%s/sinks.csv", dir);
    char *text = read_all(path);
    assert_string_equal(text, "name,coins,weight\nboost,30,1\neffect,5,0.333333333333333\n");
    free(text);
    snprintf(path, sizeof path, "%s/segments.csv", dir);
    text = read_all(path);
    assert_non_null(strstr(text, "p_churn,web_aware,web_friction,sinks_per_session,"
                                 "free_coins_per_session,can_buy,region\n"));
    assert_non_null(strstr(text, ",0.4,-0.6931471805599453,2,0,0,\n"));
    free(text);
    scenario_free(back);
    scenario_free(s);

    /* Saved over it, a scenario without sinks writes sinks.csv as its
     * header alone, so the old sinks are not read back. */
    s = load_ok(GOOD("minimal"));
    save_to(s, dir);
    snprintf(path, sizeof path, "%s/sinks.csv", dir);
    text = read_all(path);
    assert_string_equal(text, "name,coins,weight\n");
    free(text);
    back = load_ok(dir);
    assert_int_equal(back->t.nsinks, 0);
    same_tables(&s->t, &back->t);
    scenario_free(back);
    scenario_free(s);
    remove_dir(dir);
    assert_int_equal(rmdir(tmp), 0);
}

/* ============================================================== web_share */

/* Write text to dir/name. */
static void write_text(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_true(fputs(text, f) >= 0);
    assert_int_equal(fclose(f), 0);
}

static void web_share_refused_everywhere(void **state)
{
    diag d = {0};
    char tmp[] = "/tmp/coinsim_test_v2_XXXXXX", cwd[400], text[1200], path[200];
    (void)state;

    /* A segments.csv of model version 1: refused at its header, with what
     * replaces the column (not "unknown column", as if it were a typo). */
    load_fails(BAD("v2_web_share"), &d);
    EXPECT(&d, "error: " BAD("v2_web_share/segments.csv") ":1: column web_share: " GONE);
    diag_clear(&d);

    /* Matched as every header is, whatever its case and blanks; the rows
     * are read all the same, so every problem of the file shows at once. */
    assert_non_null(mkdtemp(tmp));
    assert_non_null(getcwd(cwd, sizeof cwd));
    snprintf(text, sizeof text, "key,value\nextends,%s/" GOOD("minimal") "\n", cwd);
    write_text(tmp, "params.csv", text);
    write_text(tmp, "segments.csv",
               "name,share,p_active,gifts_per_session,max_gift_coins,alpha,beta,gamma, Web_Share \n"
               "all,1,0.3,1,99,-5.5,0.6,0.25,0.1\n"
               "two,x,0.3,1,99,-5.5,0.6,0.25,0.1\n");
    load_fails(tmp, &d);
    snprintf(path, sizeof path, "%s/segments.csv", tmp);
    assert_int_equal(d.n, 2);
    assert_int_equal(d.errors, 2);
    snprintf(text, sizeof text, "%s:1: column Web_Share: " GONE, path);
    assert_string_equal(d.items[0].text, text);
    snprintf(text, sizeof text,
             "%s:3: column share: not a number \"x\" (expected a decimal from 0 to 1 with at "
             "most 6 places)",
             path);
    assert_string_equal(d.items[1].text, text);
    diag_clear(&d);
    unlink(path);
    snprintf(path, sizeof path, "%s/params.csv", tmp);
    unlink(path);
    assert_int_equal(rmdir(tmp), 0);

    /* A target: --set, a timeline row, a live change. */
    scenario *s = load_ok(GOOD("minimal"));
    assert_int_equal(set(s, "segments.whale.web_share=0.2", &d), -1);
    EXPECT(&d, "error: --set segments.whale.web_share=0.2: column target: "
               "segments.whale.web_share: " GONE);
    diag_clear(&d);
    char msg[300];
    assert_int_equal(scenario_add_change(s, 1, "segments.casual.web_share", "0.5", msg, sizeof msg),
                     -1);
    assert_string_equal(msg, "segments.casual.web_share: " GONE);
    scenario_free(s);
    load_fails(BAD("tl_web_share"), &d);
    EXPECT(&d, "error: tests/fixtures/bad/tl_web_share/timeline.csv:2: column target: "
               "segments.whale.web_share: " GONE);
    diag_clear(&d);
}

/* ============================================================ bad values */

static void bad_new_values_refused(void **state)
{
    /* Each directory, and the one problem it has. */
    static const struct {
        const char *dir, *problem;
    } cases[] = {
        {"sinks_coins_zero", "sinks.csv:3: column coins: out of range \"0\" (expected a whole "
                             "number from 1 to 1000000)"},
        {"sinks_name_dot",
         "sinks.csv:2: column name: name contains '.' \"boost.video\" (expected a "
         "non-empty name without '.')"},
        {"segments_free_coins_negative",
         "segments.csv:2: column free_coins_per_session: negative \"-5\" (expected a whole number "
         "from 0 to 1000000)"},
        {"segments_web_friction_range", "segments.csv:3: column web_friction: out of range "
                                        "\"1000.5\" (expected a decimal from -1000 to 1000)"},
        {"segments_can_buy",
         "segments.csv:2: column can_buy: out of range \"2\" (expected 0 or 1)"},
        {"params_live_elasticity", "params.csv:4: column value: live_elasticity: negative \"-0.5\" "
                                   "(expected a decimal from 0 to 100)"},
        {"params_reference_take_zero", "params.csv:4: column value: reference_take_usd: out of "
                                       "range \"0\" (expected an amount in "
                                       "USD from 0.000001 to 1 with at most 6 decimals)"},
    };
    (void)state;
    for (size_t i = 0; i < N(cases); i++) {
        char dir[200], want[400];
        const char *w = want;
        diag d = {0};
        snprintf(dir, sizeof dir, BAD("%s"), cases[i].dir);
        snprintf(want, sizeof want, "error: %s/%s", dir, cases[i].problem);
        load_fails(dir, &d);
        expect_lines(&d, &w, 1);
        diag_clear(&d);
    }
}

/* ============================================================== checking */

static void sink_intents_need_a_sink(void **state)
{
    diag d = {0};
    (void)state;
    /* No sinks.csv at all: one segment forms sink intents, one does not. */
    scenario *s = load_ok(GOOD("minimal"));
    assert_int_equal(set(s, "segments.casual.sinks_per_session=0.5", &d), 0);
    assert_int_equal(scenario_check(s, &d), 0);
    EXPECT(&d, "warning: " GOOD("minimal/segments.csv") ": column sinks_per_session: segment "
                                                        "\"casual\" forms sink intents "
                                                        "(sinks_per_session 0.5) but there is no "
                                                        "sink: they never happen");
    diag_clear(&d);
    /* A segment that is never active forms none. */
    assert_int_equal(set(s, "segments.casual.p_active=0", &d), 0);
    assert_int_equal(scenario_check(s, &d), 0);
    EXPECT_NONE(&d);
    scenario_free(s);

    /* Sinks, all of weight 0. */
    s = load_ok(GOOD("v2"));
    assert_int_equal(set(s, "sinks.boost.weight=0", &d), 0);
    assert_int_equal(scenario_check(s, &d), 0);
    EXPECT_NONE(&d); /* effect still has a weight */
    assert_int_equal(set(s, "sinks.effect.weight=0", &d), 0);
    assert_int_equal(scenario_check(s, &d), 0);
#define SEGS "warning: " GOOD("v2/segments.csv") ": column sinks_per_session: segment "
    EXPECT(&d,
           SEGS "\"casual\" forms sink intents (sinks_per_session 0.5) but every sink has weight "
                "0: they never happen",
           SEGS "\"whale\" forms sink intents (sinks_per_session 2) but every sink has weight 0: "
                "they never happen");
#undef SEGS
    diag_clear(&d);
    scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(v2_fields_and_sinks_load),
        cmocka_unit_test(absent_sinks_are_none),
        cmocka_unit_test(extends_inherits_or_replaces_sinks),
        cmocka_unit_test(set_changes_the_new_targets),
        cmocka_unit_test(set_refuses_bad_sink_targets),
        cmocka_unit_test(timeline_changes_the_new_targets),
        cmocka_unit_test(timeline_may_not_change_warmup),
        cmocka_unit_test(clone_copies_sinks),
        cmocka_unit_test(save_and_reload_round_trip),
        cmocka_unit_test(web_share_refused_everywhere),
        cmocka_unit_test(bad_new_values_refused),
        cmocka_unit_test(sink_intents_need_a_sink),
    };
    return cmocka_run_group_tests_name("scenario_v2", tests, NULL, NULL);
}
