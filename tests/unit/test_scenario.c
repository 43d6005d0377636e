/* test_scenario — loading, validation, --set and segment sizes
 * (scenario.h, docs/model.md §3).
 *
 * Every bad fixture under tests/fixtures/bad/ is a copy of good/minimal with
 * one thing wrong, named in its params.csv comment row; each test expects
 * the exact messages, FILE:LINE: column NAME: what (expected), and no other. */
#define _POSIX_C_SOURCE 200809L     /* mkdtemp */
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

#define N(a) (sizeof a / sizeof a[0])
#define GOOD(x) "tests/fixtures/good/" x
#define BAD(x) "tests/fixtures/bad/" x

#define PARAM_KEYS "name, extends, steps, runs, seed, viewers, creators, coin_value_usd, commission, " \
    "usd_per_diamond, store_fee_app, store_fee_web, min_withdrawal_usd, daily_withdrawal_limit_usd, " \
    "payout_fee_usd, payout_fee_rate, p_cashout, creator_zipf, live_prob, live_elasticity, reference_take_usd, " \
    "p_switch, warmup_steps"
#define PACK_FIELDS "name, coins, bonus_coins, price, price_usd, channel, enabled, region"
#define RATE "a decimal from 0 to 1 with at most 6 places"
#define MIN_LIMIT "(expected a minimum at or below the daily limit)"

typedef struct want {
    enum diag_level lv;
    const char *text;
} want;

#define E(t) {DIAG_ERROR, t}
#define W(t) {DIAG_WARNING, t}

/* A real-valued field (a double in micro-units) is exactly micro. */
#define assert_micro(x, micro) do { \
        double x_ = (x); \
        if (!(x_ == (double)(micro))) \
            fail_msg("%s is %.17g micro-units, expected %.17g", #x, x_, (double)(micro)); \
    } while (0)

/* All items of a diag as one text, one "error: ..." or "warning: ..." a
 * line, so a mismatch shows every message at once. */
static void join_diag(const diag *d, char *out, size_t cap)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < d->n && used < cap; i++)
        used += (size_t)snprintf(out + used, cap - used, "%s: %s\n",
                                 d->items[i].level == DIAG_ERROR ? "error" : "warning", d->items[i].text);
}

static void expect_diag(const diag *d, const want *w, size_t n)
{
    static char got[32768], exp[32768];
    size_t used = 0, nerr = 0, derr = 0;
    exp[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        used += (size_t)snprintf(exp + used, sizeof exp - used, "%s: %s\n",
                                 w[i].lv == DIAG_ERROR ? "error" : "warning", w[i].text);
        nerr += w[i].lv == DIAG_ERROR;
    }
    join_diag(d, got, sizeof got);
    assert_string_equal(got, exp);
    for (size_t i = 0; i < d->n; i++)
        derr += d->items[i].level == DIAG_ERROR;
    assert_int_equal(d->errors, nerr);
    assert_int_equal(derr, nerr);
}

/* dir does not load, with exactly these errors. */
static void expect_load_fails(const char *dir, const want *w, size_t n)
{
    diag d = {0};
    scenario *s = scenario_load(dir, &d);
    expect_diag(&d, w, n);
    assert_null(s);
    diag_clear(&d);
}

/* dir loads cleanly; scenario_check then reports exactly these. */
static void check_gives(const char *dir, const want *w, size_t n)
{
    diag d = {0};
    scenario *s = scenario_load(dir, &d);
    expect_diag(&d, NULL, 0);
    assert_non_null(s);
    size_t nerr = 0, got = scenario_check(s, &d);
    for (size_t i = 0; i < n; i++)
        nerr += w[i].lv == DIAG_ERROR;
    expect_diag(&d, w, n);
    assert_int_equal(got, nerr);
    scenario_free(s);
    diag_clear(&d);
}

#define LOAD_FAILS(dir, ...) do { \
        const want w_[] = {__VA_ARGS__}; \
        expect_load_fails(dir, w_, N(w_)); \
    } while (0)

#define CHECK_GIVES(dir, ...) do { \
        const want w_[] = {__VA_ARGS__}; \
        check_gives(dir, w_, N(w_)); \
    } while (0)

static scenario *load_ok(const char *dir)
{
    diag d = {0};
    scenario *s = scenario_load(dir, &d);
    expect_diag(&d, NULL, 0);
    assert_non_null(s);
    diag_clear(&d);
    return s;
}

/* ================================================================ good */

static void minimal_loads_exactly(void **state)
{
    (void)state;
    scenario *s = load_ok(GOOD("minimal"));
    const sc_tables *t = &s->t;

    assert_string_equal(s->dir, GOOD("minimal"));
    assert_string_equal(s->file[SC_PARAMS], GOOD("minimal/params.csv"));
    assert_string_equal(s->file[SC_PACKS], GOOD("minimal/packs.csv"));
    assert_string_equal(s->file[SC_GIFTS], GOOD("minimal/gifts.csv"));
    assert_string_equal(s->file[SC_SEGMENTS], GOOD("minimal/segments.csv"));
    assert_null(s->file[SC_TIMELINE]);
    assert_int_equal(s->ntl, 0);

    /* params.csv, then the defaults of docs/model.md §3 for keys it leaves out */
    assert_string_equal(t->p.name, "minimal");
    assert_null(t->p.extends);
    assert_int_equal(t->p.steps, 10);
    assert_int_equal(t->p.runs, 2);
    assert_true(t->p.seed == 7);
    assert_int_equal(t->p.viewers, 10);
    assert_int_equal(t->p.creators, 3);
    assert_int_equal(t->p.commission, 500000);
    assert_int_equal(t->p.min_withdrawal, 10000000);
    assert_int_equal(t->p.daily_limit, 1000000000);
    assert_int_equal(t->p.coin_value, 10000);
    assert_int_equal(t->p.usd_per_diamond, 5000);
    assert_int_equal(t->p.store_fee_app, 300000);
    assert_int_equal(t->p.store_fee_web, 30000);
    assert_int_equal(t->p.payout_fee, 0);
    assert_int_equal(t->p.payout_fee_rate, 0);
    assert_int_equal(t->p.p_cashout, 150000);
    assert_micro(t->p.creator_zipf, 1000000);
    assert_int_equal(t->p.live_prob, 300000);
    assert_micro(t->p.live_elasticity, 0);
    assert_int_equal(t->p.reference_take, 5000);
    assert_int_equal(t->p.p_switch, 1000000);
    assert_int_equal(t->p.warmup_steps, 0);

    assert_int_equal(t->npacks, 2);
    assert_string_equal(t->packs[0].name, "small");
    assert_int_equal(t->packs[0].coins, 65);
    assert_int_equal(t->packs[0].bonus, 0);
    assert_int_equal(t->packs[0].price, 990000);
    assert_int_equal(t->packs[0].channel, CH_APP);
    assert_int_equal(t->packs[0].enabled, 1);
    assert_string_equal(t->packs[1].name, "web70");
    assert_int_equal(t->packs[1].coins, 70);
    assert_int_equal(t->packs[1].bonus, 5);
    assert_int_equal(t->packs[1].price, 740000);
    assert_int_equal(t->packs[1].channel, CH_WEB);
    assert_int_equal(t->packs[1].enabled, 0);

    assert_int_equal(t->ngifts, 2);
    assert_string_equal(t->gifts[0].name, "rose");
    assert_int_equal(t->gifts[0].coins, 1);
    assert_micro(t->gifts[0].weight, 3000000);
    assert_string_equal(t->gifts[1].name, "lion");
    assert_int_equal(t->gifts[1].coins, 29999);
    assert_micro(t->gifts[1].weight, 50000);

    assert_int_equal(t->nsegs, 2);
    const sc_segment *c = &t->segs[0], *w = &t->segs[1];
    assert_string_equal(c->name, "casual");
    assert_int_equal(c->share, 900000);
    assert_int_equal(c->p_active, 300000);
    assert_micro(c->gps, 1000000);
    assert_int_equal(c->max_gift, 99);
    assert_micro(c->alpha, -5500000);
    assert_micro(c->beta, 600000);
    assert_micro(c->gamma, 250000);
    assert_int_equal(c->p_churn, 10000);
    assert_string_equal(w->name, "whale");
    assert_int_equal(w->share, 100000);
    assert_int_equal(w->p_active, 700000);
    assert_micro(w->gps, 6000000);
    assert_int_equal(w->max_gift, 44999);
    assert_micro(w->alpha, -1500000);
    assert_micro(w->beta, 600000);
    assert_micro(w->gamma, 4000);
    assert_int_equal(w->p_churn, 3000);
    /* The columns of model version 2 that minimal leaves out, and its
     * optional sinks.csv. */
    for (size_t i = 0; i < t->nsegs; i++) {
        assert_int_equal(t->segs[i].web_aware, 0);
        assert_micro(t->segs[i].web_friction, 0);
        assert_micro(t->segs[i].sps, 0);
        assert_int_equal(t->segs[i].free_coins, 0);
        assert_int_equal(t->segs[i].can_buy, 1);
    }
    assert_int_equal(t->nsinks, 0);
    assert_null(s->file[SC_SINKS]);

    diag d = {0};
    assert_int_equal(scenario_check(s, &d), 0);
    assert_int_equal(d.n, 0);
    diag_clear(&d);
    scenario_free(s);
}

static void defaults_fill_what_is_left_out(void **state)
{
    (void)state;
    scenario *s = load_ok(GOOD("defaults"));
    const sc_tables *t = &s->t;

    assert_null(s->file[SC_PARAMS]);
    assert_string_equal(t->p.name, "defaults");        /* the directory's name */
    assert_int_equal(t->p.steps, 90);
    assert_int_equal(t->p.runs, 20);
    assert_true(t->p.seed == 1);
    assert_int_equal(t->p.viewers, 100000);
    assert_int_equal(t->p.creators, 1000);
    assert_int_equal(t->p.commission, 500000);
    assert_int_equal(t->p.min_withdrawal, 10000000);
    assert_int_equal(t->p.daily_limit, 1000000000);

    assert_int_equal(t->npacks, 1);
    assert_int_equal(t->packs[0].price, 1500000);
    assert_int_equal(t->packs[0].channel, CH_WEB);
    assert_int_equal(t->packs[0].bonus, 0);             /* column left out */
    assert_int_equal(t->packs[0].enabled, 1);
    assert_micro(t->gifts[0].weight, 1000000);      /* cell left empty */
    assert_micro(t->gifts[1].weight, 2000000);
    assert_int_equal(t->segs[0].share, 1000000);
    assert_micro(t->segs[0].alpha, -1000000);
    assert_int_equal(t->segs[0].web_aware, 0);
    assert_int_equal(t->segs[0].can_buy, 1);
    assert_int_equal(t->segs[0].p_churn, 0);

    diag d = {0};
    assert_int_equal(scenario_check(s, &d), 0);
    assert_int_equal(d.n, 0);
    diag_clear(&d);
    scenario_free(s);
}

static void extends_inherits_tables_and_keys_not_name(void **state)
{
    (void)state;
    scenario *s = load_ok(GOOD("child"));
    const sc_tables *t = &s->t;

    assert_string_equal(t->p.name, "child");           /* not minimal's */
    assert_string_equal(t->p.extends, "../minimal");
    assert_int_equal(t->p.commission, 400000);         /* overridden */
    assert_int_equal(t->p.steps, 10);                  /* minimal's keys */
    assert_int_equal(t->p.viewers, 10);
    assert_true(t->p.seed == 7);
    assert_int_equal(t->p.store_fee_app, 300000);      /* a default */

    /* The child's gifts.csv replaces minimal's; the rest comes from it. */
    assert_int_equal(t->ngifts, 1);
    assert_string_equal(t->gifts[0].name, "heart");
    assert_int_equal(t->gifts[0].coins, 5);
    assert_int_equal(t->npacks, 2);
    assert_string_equal(t->packs[1].name, "web70");
    assert_int_equal(t->nsegs, 2);
    assert_string_equal(t->segs[1].name, "whale");
    assert_string_equal(s->file[SC_PARAMS], GOOD("child/params.csv"));
    assert_string_equal(s->file[SC_GIFTS], GOOD("child/gifts.csv"));
    assert_string_equal(s->file[SC_PACKS], GOOD("child/../minimal/packs.csv"));
    assert_string_equal(s->file[SC_SEGMENTS], GOOD("child/../minimal/segments.csv"));

    diag d = {0};
    assert_int_equal(scenario_check(s, &d), 0);
    assert_int_equal(d.n, 0);
    diag_clear(&d);
    scenario_free(s);
}

static void timeline_rows_resolve(void **state)
{
    (void)state;
    scenario *s = load_ok(GOOD("timeline"));
    const char *file = GOOD("timeline/timeline.csv");

    assert_string_equal(s->t.p.name, "timeline");
    assert_int_equal(s->ntl, 7);
    for (size_t i = 0; i < s->ntl; i++) {
        assert_string_equal(s->timeline[i].file, file);
        assert_int_equal(s->timeline[i].line, (long)i + 3);  /* header, comment */
    }
    const sc_tlrow *r = s->timeline;
    assert_int_equal(r[0].step, 5);
    assert_int_equal(r[0].c.table, SC_PARAMS);
    assert_string_equal(r[0].c.target, "params.min_withdrawal_usd");
    assert_string_equal(r[0].c.value, "2000");
    assert_int_equal(r[0].c.ival, 2000000000);
    assert_int_equal(r[1].step, 2);
    assert_int_equal(r[1].c.ival, 5000000000);
    assert_int_equal(r[4].step, 4);
    assert_int_equal(r[4].c.table, SC_PACKS);
    assert_int_equal(r[4].c.index, 1);                    /* web70 */
    assert_int_equal(r[4].c.ival, 1);
    assert_int_equal(r[5].c.table, SC_PACKS);
    assert_int_equal(r[5].c.index, 0);                    /* small */
    assert_int_equal(r[5].c.ival, 890000);
    assert_int_equal(r[6].step, 6);
    assert_int_equal(r[6].c.table, SC_SEGMENTS);
    assert_int_equal(r[6].c.index, 1);                    /* whale */
    assert_int_equal(r[6].c.ival, 1000);

    /* A run applies rows to its own copy; the scenario stays as loaded. */
    sc_tables w;
    assert_int_equal(sc_tables_copy(&w, &s->t), 0);
    sc_change_apply(&w, &r[5].c);
    sc_change_apply(&w, &r[6].c);
    assert_int_equal(w.packs[0].price, 890000);
    assert_int_equal(w.segs[1].max_gift, 1000);
    assert_int_equal(s->t.packs[0].price, 990000);
    assert_int_equal(s->t.segs[1].max_gift, 44999);
    sc_tables_release(&w);

    /* Out of file order, and through a bad state inside step 3, but valid
     * at the end of every step in the order a run applies them. */
    diag d = {0};
    assert_int_equal(scenario_check(s, &d), 0);
    assert_int_equal(d.n, 0);
    diag_clear(&d);
    scenario_free(s);
}

static void timeline_inherited_through_extends(void **state)
{
    (void)state;
    scenario *s = load_ok(GOOD("timeline_child"));
    assert_string_equal(s->t.p.name, "timeline_child");
    assert_int_equal(s->ntl, 7);
    assert_string_equal(s->timeline[6].file, GOOD("timeline_child/../timeline/timeline.csv"));
    assert_int_equal(s->timeline[6].line, 9);
    assert_string_equal(s->file[SC_PACKS], GOOD("timeline_child/../timeline/../minimal/packs.csv"));
    diag d = {0};
    assert_int_equal(scenario_check(s, &d), 0);
    assert_int_equal(d.n, 0);
    diag_clear(&d);
    scenario_free(s);
}

/* ======================================================= files and tables */

static void missing_directory(void **state)
{
    struct stat st;
    (void)state;
    assert_int_not_equal(stat(BAD("no_such_dir"), &st), 0);
    LOAD_FAILS(BAD("no_such_dir"),
               E(BAD("no_such_dir") ": No such file or directory (expected a scenario directory)"));
    LOAD_FAILS(GOOD("minimal/params.csv"),
               E(GOOD("minimal/params.csv") ": not a directory (expected a scenario directory)"));
}

static void missing_required_table(void **state)
{
    (void)state;
    LOAD_FAILS(BAD("missing_table"),
               E(BAD("missing_table/gifts.csv") ": required table missing "
                 "(expected gifts.csv in the scenario directory or its base)"));
}

static void unknown_column(void **state)
{
    (void)state;
    LOAD_FAILS(BAD("unknown_column"),
               E(BAD("unknown_column/packs.csv") ":1: column bonus: unknown column (expected one of " PACK_FIELDS ")"));
}

static void duplicate_column(void **state)
{
    (void)state;
    LOAD_FAILS(BAD("duplicate_column"),
               E(BAD("duplicate_column/gifts.csv") ":1: column coins: column appears twice in the header (expected once)"));
}

static void missing_required_column(void **state)
{
    (void)state;
    LOAD_FAILS(BAD("missing_column"),
               E(BAD("missing_column/segments.csv") ":1: column alpha: required column missing (expected \"alpha\" in the header)"));
}

static void wrong_cell_count(void **state)
{
    (void)state;
    LOAD_FAILS(BAD("cell_count"),
               E(BAD("cell_count/packs.csv") ":3: 5 cells in this row (expected 6, as in the header)"));
}

static void text_in_a_number(void **state)
{
    (void)state;
    LOAD_FAILS(BAD("not_a_number"),
               E(BAD("not_a_number/packs.csv") ":2: column coins: not a number \"lots\" "
                 "(expected a whole number from 1 to 1000000000)"));
}

static void negative_count(void **state)
{
    (void)state;
    LOAD_FAILS(BAD("negative_count"),
               E(BAD("negative_count/packs.csv") ":3: column bonus_coins: negative \"-10\" "
                 "(expected a whole number from 0 to 1000000000)"));
}

static void rate_out_of_range(void **state)
{
    (void)state;
    LOAD_FAILS(BAD("rate_out_of_range"),
               E(BAD("rate_out_of_range/params.csv") ":9: column value: commission: out of range \"1.5\" (expected " RATE ")"));
}

static void seven_decimals(void **state)
{
    (void)state;
    LOAD_FAILS(BAD("seven_decimals"),
               E(BAD("seven_decimals/packs.csv") ":2: column price_usd: more than 6 decimal places \"0.9900001\" "
                 "(expected an amount in USD from 0 to 1000000 with at most 6 decimals)"));
}

static void number_too_large(void **state)
{
    (void)state;
    LOAD_FAILS(BAD("too_large"),
               E(BAD("too_large/segments.csv") ":3: column max_gift_coins: number too large \"99999999999999999999\" "
                 "(expected a whole number from 0 to 1000000000)"));
}

static void shares_must_sum_to_one(void **state)
{
    (void)state;
    CHECK_GIVES(BAD("shares_sum"),
                E(BAD("shares_sum/segments.csv") ": column share: shares sum to 1.1 (expected exactly 1)"));
}

static void duplicate_name(void **state)
{
    (void)state;
    LOAD_FAILS(BAD("duplicate_name"),
               E(BAD("duplicate_name/gifts.csv") ":3: column name: duplicate name \"rose\" "
                 "(first on line 2; names are unique within a table)"));
}

static void name_with_a_dot(void **state)
{
    (void)state;
    LOAD_FAILS(BAD("name_dot"),
               E(BAD("name_dot/packs.csv") ":2: column name: name contains '.' \"app.65\" "
                 "(expected a non-empty name without '.')"));
}

static void empty_name(void **state)
{
    (void)state;
    LOAD_FAILS(BAD("empty_name"),
               E(BAD("empty_name/segments.csv") ":3: column name: empty value (expected a non-empty name without '.')"));
}

static void unknown_params_key(void **state)
{
    (void)state;
    LOAD_FAILS(BAD("unknown_param"),
               E(BAD("unknown_param/params.csv") ":9: column key: unknown key \"comission\" (expected one of " PARAM_KEYS ")"));
}

static void duplicate_params_key(void **state)
{
    (void)state;
    LOAD_FAILS(BAD("duplicate_param"),
               E(BAD("duplicate_param/params.csv") ":12: column key: key \"steps\" given twice "
                 "(expected each key once; first on line 4)"));
}

static void unknown_channel(void **state)
{
    (void)state;
    LOAD_FAILS(BAD("unknown_channel"),
               E(BAD("unknown_channel/packs.csv") ":2: column channel: unknown channel \"store\" (expected app or web)"));
}

static void enabled_not_bool(void **state)
{
    (void)state;
    /* Both rows are reported, not just the first. */
    LOAD_FAILS(BAD("enabled_not_bool"),
               E(BAD("enabled_not_bool/packs.csv") ":2: column enabled: not a number \"yes\" (expected 0 or 1)"),
               E(BAD("enabled_not_bool/packs.csv") ":3: column enabled: out of range \"2\" (expected 0 or 1)"));
}

static void unterminated_quote(void **state)
{
    (void)state;
    LOAD_FAILS(BAD("unterminated_quote"),
               E(BAD("unterminated_quote/gifts.csv") ":3: unterminated quoted field "
                 "(a closing \" was expected before the end of the file)"));
}

static void binary_garbage(void **state)
{
    (void)state;
    LOAD_FAILS(BAD("binary_garbage"),
               E(BAD("binary_garbage/segments.csv") ":1: binary data (a NUL byte) where CSV text was expected"));
}

static void extends_cycle(void **state)
{
    (void)state;
    LOAD_FAILS(BAD("extends_cycle/a"),
               E(BAD("extends_cycle/a/../b/../a") ": extends forms a cycle: this directory is its own base "
                 "(expected a chain of bases that ends)"));
}

static void extends_missing_directory(void **state)
{
    (void)state;
    LOAD_FAILS(BAD("extends_missing"),
               E(BAD("extends_missing/params.csv") ":12: column value: extends \"../no_such_base\": "
                 "No such file or directory (expected a scenario directory; a relative path starts from this one)"));
}

/* ============================================================ timeline */

static void timeline_unknown_table(void **state)
{
    (void)state;
    LOAD_FAILS(BAD("tl_unknown_table"),
               E(BAD("tl_unknown_table/timeline.csv") ":2: column target: unknown table \"pack\" in "
                 "\"pack.small.price_usd\" (expected params, packs, gifts, segments, sinks or regions)"));
}

static void timeline_unknown_name(void **state)
{
    (void)state;
    LOAD_FAILS(BAD("tl_unknown_name"),
               E(BAD("tl_unknown_name/timeline.csv") ":2: column target: no pack named \"big\" (expected a name from packs.csv)"),
               E(BAD("tl_unknown_name/timeline.csv") ":3: column target: no segment named \"fan\" (expected a name from segments.csv)"));
}

static void timeline_unknown_field(void **state)
{
    (void)state;
    LOAD_FAILS(BAD("tl_unknown_field"),
               E(BAD("tl_unknown_field/timeline.csv") ":2: column target: unknown field \"cost\" (expected one of " PACK_FIELDS ")"),
               E(BAD("tl_unknown_field/timeline.csv") ":3: column target: unknown key \"comission\" (expected one of " PARAM_KEYS ")"));
}

static void timeline_may_not_change_shape(void **state)
{
    (void)state;
#define SHAPE(line, target) E(BAD("tl_shape/timeline.csv") ":" #line ": column target: " target \
                              " cannot change once the world is built (the shape of a run is fixed; use --set)")
#define FILES(line, target) E(BAD("tl_shape/timeline.csv") ":" #line ": column target: " target \
                              " cannot be changed by a target (edit the scenario's files)")
    LOAD_FAILS(BAD("tl_shape"),
               SHAPE(2, "params.steps"),
               SHAPE(3, "params.viewers"),
               SHAPE(4, "segments.casual.share"),
               SHAPE(5, "params.seed"),
               FILES(6, "packs.small.name"),
               FILES(7, "params.extends"));
#undef SHAPE
#undef FILES
}

static void timeline_bad_step(void **state)
{
    (void)state;
    /* Line 3 follows a negative step: it must say what is wrong with it. */
    LOAD_FAILS(BAD("tl_bad_step"),
               E(BAD("tl_bad_step/timeline.csv") ":2: column step: negative \"-1\" (expected a whole number of steps from 0)"),
               E(BAD("tl_bad_step/timeline.csv") ":3: column step: not a number \"abc\" (expected a whole number of steps from 0)"),
               E(BAD("tl_bad_step/timeline.csv") ":4: column step: not a whole number \"1.5\" (expected a whole number of steps from 0)"),
               E(BAD("tl_bad_step/timeline.csv") ":5: column step: empty value \"\" (expected a whole number of steps from 0)"));
}

static void timeline_bad_value(void **state)
{
    (void)state;
    LOAD_FAILS(BAD("tl_bad_value"),
               E(BAD("tl_bad_value/timeline.csv") ":2: column value: out of range \"1.5\" (expected " RATE ")"),
               E(BAD("tl_bad_value/timeline.csv") ":3: column value: unknown channel \"store\" (expected app or web)"),
               E(BAD("tl_bad_value/timeline.csv") ":4: column value: empty value for packs.small.coins "
                 "(expected a whole number from 1 to 1000000000)"),
               E(BAD("tl_bad_value/timeline.csv") ":5: column value: more than 6 decimal places \"0.0000001\" "
                 "(expected an amount in USD from 0 to 1000000 with at most 6 decimals)"));
}

/* ========================================================= cross checks */

static void min_withdrawal_above_limit_in_params(void **state)
{
    (void)state;
    CHECK_GIVES(BAD("min_above_limit"),
                E(BAD("min_above_limit/params.csv") ": column value: min_withdrawal_usd 2000 is above "
                  "daily_withdrawal_limit_usd 1000 " MIN_LIMIT));
}

static void min_withdrawal_above_limit_from_timeline(void **state)
{
    (void)state;
    /* Bad from step 3 (reported once, not again at step 5), good from
     * step 7, bad again from step 8 (reported once more, not at 9). */
    CHECK_GIVES(BAD("tl_min_above_limit"),
                E(BAD("tl_min_above_limit/timeline.csv") ":2: column value: from step 3 min_withdrawal_usd 2000 "
                  "is above daily_withdrawal_limit_usd 1000 " MIN_LIMIT),
                E(BAD("tl_min_above_limit/timeline.csv") ":5: column value: from step 8 min_withdrawal_usd 2000 "
                  "is above daily_withdrawal_limit_usd 100 " MIN_LIMIT));
}

static void min_withdrawal_checked_in_step_order(void **state)
{
    (void)state;
    /* The row for step 2 comes after the row for step 5 in the file. */
    CHECK_GIVES(BAD("tl_unsorted_min"),
                E(BAD("tl_unsorted_min/timeline.csv") ":3: column value: from step 2 min_withdrawal_usd 2000 "
                  "is above daily_withdrawal_limit_usd 1000 " MIN_LIMIT));
}

static void warning_row_at_or_after_steps(void **state)
{
    (void)state;
    CHECK_GIVES(BAD("warn_late_row"),
                W(BAD("warn_late_row/timeline.csv") ":3: column step: step 10 is at or beyond the last step "
                  "(steps = 10): this row never applies"));
}

static void warning_segment_reaches_no_gift(void **state)
{
    (void)state;
    CHECK_GIVES(BAD("warn_unreachable_segment"),
                W(BAD("warn_unreachable_segment/segments.csv") ": column max_gift_coins: segment \"casual\" can reach "
                  "no gift (max_gift_coins 0 is below every gift): it forms no intents"));
}

/* No gifts at all: one warning about the table, none per segment. Gifts
 * cheap enough but all of weight 0: the segment warning says so. */
static void warning_no_gift_to_send(void **state)
{
    (void)state;
    CHECK_GIVES(BAD("warn_no_gifts"), W(BAD("warn_no_gifts/gifts.csv") ": no gifts: nobody can send one"));
#define SEGS BAD("warn_gifts_weight_zero/../../good/minimal/segments.csv") ": column max_gift_coins: segment "
    CHECK_GIVES(BAD("warn_gifts_weight_zero"),
                W(SEGS "\"casual\" can reach no gift (every gift within max_gift_coins 99 has weight 0): it forms no intents"),
                W(SEGS "\"whale\" can reach no gift (every gift within max_gift_coins 44999 has weight 0): it forms no intents"));
#undef SEGS
}

/* ================================================================ --set */

/* Apply assign as "--set ASSIGN" would; returns its rc, diag in d. */
static int set(scenario *s, const char *assign, diag *d)
{
    char label[300];
    snprintf(label, sizeof label, "--set %s", assign);
    return scenario_set(s, assign, label, d);
}

static void set_changes_targets(void **state)
{
    diag d = {0};
    (void)state;
    scenario *s = load_ok(GOOD("minimal"));
    assert_int_equal(set(s, "commission=0.4", &d), 0);              /* bare key */
    assert_int_equal(s->t.p.commission, 400000);
    assert_int_equal(set(s, "params.store_fee_web=0.025", &d), 0);
    assert_int_equal(s->t.p.store_fee_web, 25000);
    assert_int_equal(set(s, "packs.web70.price_usd=0.69", &d), 0);
    assert_int_equal(s->t.packs[1].price, 690000);
    assert_int_equal(s->t.packs[0].price, 990000);                 /* the other pack */
    assert_int_equal(set(s, "packs.web70.enabled=1", &d), 0);
    assert_int_equal(s->t.packs[1].enabled, 1);
    assert_int_equal(set(s, "packs.small.channel=web", &d), 0);
    assert_int_equal(s->t.packs[0].channel, CH_WEB);
    assert_int_equal(set(s, "gifts.lion.weight=0.5", &d), 0);
    assert_micro(s->t.gifts[1].weight, 500000);
    assert_int_equal(set(s, "segments.whale.alpha=-2.25", &d), 0);
    assert_micro(s->t.segs[1].alpha, -2250000);
    assert_int_equal(set(s, "min_withdrawal_usd=0.000001", &d), 0);
    assert_int_equal(s->t.p.min_withdrawal, 1);
    expect_diag(&d, NULL, 0);
    diag_clear(&d);
    scenario_free(s);
}

static void set_may_change_shape(void **state)
{
    diag d = {0};
    (void)state;
    scenario *s = load_ok(GOOD("minimal"));
    assert_int_equal(set(s, "steps=20", &d), 0);
    assert_int_equal(set(s, "runs=1", &d), 0);
    assert_int_equal(set(s, "viewers=50", &d), 0);
    assert_int_equal(set(s, "creators=1", &d), 0);
    assert_int_equal(set(s, "seed=18446744073709551615", &d), 0);
    assert_int_equal(set(s, "params.name=renamed", &d), 0);
    assert_int_equal(set(s, "segments.casual.share=0.8", &d), 0);
    assert_int_equal(set(s, "segments.whale.share=0.2", &d), 0);
    expect_diag(&d, NULL, 0);
    assert_int_equal(s->t.p.steps, 20);
    assert_int_equal(s->t.p.runs, 1);
    assert_int_equal(s->t.p.viewers, 50);
    assert_int_equal(s->t.p.creators, 1);
    assert_true(s->t.p.seed == UINT64_MAX);
    assert_string_equal(s->t.p.name, "renamed");
    assert_int_equal(s->t.segs[0].share, 800000);
    assert_int_equal(s->t.segs[1].share, 200000);
    assert_int_equal(scenario_check(s, &d), 0);
    assert_int_equal(d.n, 0);
    int64_t sz[2];
    scenario_segment_sizes(&s->t, sz);
    assert_int_equal(sz[0], 40);
    assert_int_equal(sz[1], 10);
    diag_clear(&d);
    scenario_free(s);
}

static void set_rejects_bad_assignments(void **state)
{
    diag d = {0};
    (void)state;
    scenario *s = load_ok(GOOD("minimal"));
    static const char *const bad[] = {
        "commission", "=0.4", "comission=0.4", "commission=1.5", "commission=0.1234567",
        "commission=", "steps=0", "seed=-1", "packs.nope.price_usd=1", "packs.small=1",
        "packs.small.name=big", "extends=../x", "gadgets.x.y=1", "segments.whale.colour=red",
    };
    for (size_t i = 0; i < N(bad); i++)
        assert_int_equal(set(s, bad[i], &d), -1);
    expect_diag(&d, (const want[]){
        E("--set commission: \"commission\" is not TARGET=VALUE (for example commission=0.4 or packs.app65.price_usd=0.89)"),
        E("--set =0.4: \"=0.4\" is not TARGET=VALUE (for example commission=0.4 or packs.app65.price_usd=0.89)"),
        E("--set comission=0.4: column target: unknown key \"comission\" (expected one of " PARAM_KEYS ")"),
        E("--set commission=1.5: column value: out of range \"1.5\" (expected " RATE ")"),
        E("--set commission=0.1234567: column value: more than 6 decimal places \"0.1234567\" (expected " RATE ")"),
        E("--set commission=: column value: empty value for params.commission (expected " RATE ")"),
        E("--set steps=0: column value: out of range \"0\" (expected a whole number from 1 to 100000)"),
        E("--set seed=-1: column value: not a whole non-negative number \"-1\" "
          "(expected a whole number from 0 to 18446744073709551615)"),
        E("--set packs.nope.price_usd=1: column target: no pack named \"nope\" (expected a name from packs.csv)"),
        E("--set packs.small=1: column target: \"packs.small\" names no field (expected packs.NAME.FIELD)"),
        E("--set packs.small.name=big: column target: packs.small.name cannot be changed by a target "
          "(edit the scenario's files)"),
        E("--set extends=../x: column target: params.extends cannot be changed by a target (edit the scenario's files)"),
        E("--set gadgets.x.y=1: column target: unknown table \"gadgets\" in \"gadgets.x.y\" "
          "(expected params, packs, gifts, segments, sinks or regions)"),
        E("--set segments.whale.colour=red: column target: unknown field \"colour\" (expected one of name, share, "
          "p_active, gifts_per_session, max_gift_coins, alpha, beta, gamma, p_churn, web_aware, web_friction, "
          "sinks_per_session, free_coins_per_session, can_buy, region)"),
    }, N(bad));
    /* Nothing was changed by the failures. */
    assert_int_equal(s->t.p.commission, 500000);
    assert_int_equal(s->t.p.steps, 10);
    assert_true(s->t.p.seed == 7);
    assert_string_equal(s->t.packs[0].name, "small");
    assert_null(s->t.p.extends);
    diag_clear(&d);
    scenario_free(s);
}

/* Replay recomputes money from the what-if fields and from no others,
 * however --set names them; a target the scenario lacks is none. */
/* The keys that pair a compare's runs (both sides must share them) come
 * from the schema's flag: runs and seed, with or without params. and a
 * value; no other key, no table row, nothing unknown. */
static void pairing_targets(void **state)
{
    (void)state;
    assert_string_equal(scenario_target_pairing("seed=7"), "seed");
    assert_string_equal(scenario_target_pairing("params.seed=7"), "seed");
    assert_string_equal(scenario_target_pairing("runs=3"), "runs");
    assert_string_equal(scenario_target_pairing("params.runs"), "runs");
    const char *not_pairing[] = {"steps=5", "commission=0.4", "viewers=10",
                                 "packs.app65.price_usd=1", "segments.fan.alpha=1", "nosuch=1",
                                 "runs_extra=1", "params.", ""};
    for (size_t i = 0; i < sizeof not_pairing / sizeof not_pairing[0]; i++)
        if (scenario_target_pairing(not_pairing[i]))
            fail_msg("%s pairs the runs", not_pairing[i]);
}

static void recomputed_targets(void **state)
{
    (void)state;
    scenario *s = load_ok(GOOD("timeline"));
    static const char *const yes[] = {
        "commission=0.4", "params.commission=0.4", "commission", "params.commission",
        "coin_value_usd=0.02", "usd_per_diamond", "store_fee_app=0.2", "store_fee_web",
        "payout_fee_usd=1", "payout_fee_rate=0.01", "min_withdrawal_usd=5",
        "daily_withdrawal_limit_usd=500", "packs.small.price_usd=0.89", "packs.web70.price_usd",
    };
    static const char *const no[] = {
        "steps=20", "runs", "seed=3", "viewers", "creators", "p_cashout=0.2", "creator_zipf",
        "live_prob=0.5", "name", "extends", "packs.small.coins=70", "packs.small.bonus_coins",
        "packs.small.channel=web", "packs.web70.enabled", "packs.small.name",
        "packs.nope.price_usd=1", "gifts.lion.weight=0.5", "gifts.rose.coins",
        "segments.whale.share", "segments.casual.p_churn=0.1", "comission=0.4",
        "commission_usd=1", "gadgets.x.y", "packs.price_usd", "", "=0.4",
    };
    for (size_t i = 0; i < N(yes); i++)
        if (!scenario_target_recomputed(s, yes[i]))
            fail_msg("\"%s\" is recomputed by replay", yes[i]);
    for (size_t i = 0; i < N(no); i++)
        if (scenario_target_recomputed(s, no[i]))
            fail_msg("\"%s\" is not recomputed by replay", no[i]);

    /* The timeline's rows, in file order: the minimum and limit (four
     * rows), a pack enabled, a pack's price, a segment's max_gift_coins. */
    static const int row_recomputed[] = {1, 1, 1, 1, 0, 1, 0};
    assert_int_equal(s->ntl, N(row_recomputed));
    for (size_t i = 0; i < s->ntl; i++)
        assert_int_equal(sc_change_recomputed(&s->timeline[i].c), row_recomputed[i]);
    scenario_free(s);
}

static void set_then_check(void **state)
{
    diag d = {0};
    (void)state;
    /* A share set off by --set is caught by the check, which names the
     * --set: segments.csv itself sums to 1. */
    scenario *s = load_ok(GOOD("minimal"));
    assert_int_equal(set(s, "segments.casual.share=0.5", &d), 0);
    assert_int_equal(scenario_check(s, &d), 1);
    expect_diag(&d, (const want[]){
        E("--set segments.casual.share=0.5: column share: shares sum to 0.6 (expected exactly 1)"),
    }, 1);
    diag_clear(&d);
    scenario_free(s);

    /* Likewise a minimum raised by --set above the limit; a --set of
     * another key leaves a file's own problem with the file. */
    s = load_ok(GOOD("minimal"));
    assert_int_equal(set(s, "commission=0.4", &d), 0);
    assert_int_equal(set(s, "min_withdrawal_usd=5000", &d), 0);
    assert_int_equal(scenario_check(s, &d), 1);
    expect_diag(&d, (const want[]){
        E("--set min_withdrawal_usd=5000: column value: min_withdrawal_usd 5000 is above "
          "daily_withdrawal_limit_usd 1000 " MIN_LIMIT),
    }, 1);
    diag_clear(&d);
    scenario_free(s);
    s = load_ok(BAD("min_above_limit"));
    assert_int_equal(set(s, "commission=0.4", &d), 0);
    assert_int_equal(scenario_check(s, &d), 1);
    assert_non_null(strstr(d.items[0].text, BAD("min_above_limit/params.csv") ": column value: "));
    diag_clear(&d);
    scenario_free(s);

    /* A limit raised by --set puts a too-high minimum right. */
    s = load_ok(BAD("min_above_limit"));
    assert_int_equal(set(s, "daily_withdrawal_limit_usd=5000", &d), 0);
    assert_int_equal(scenario_check(s, &d), 0);
    assert_int_equal(d.n, 0);
    diag_clear(&d);
    scenario_free(s);

    /* Fewer steps by --set: the check uses them for late timeline rows. */
    s = load_ok(GOOD("timeline"));
    assert_int_equal(set(s, "steps=4", &d), 0);
    assert_int_equal(scenario_check(s, &d), 0);
#define LATE(line, step) W(GOOD("timeline/timeline.csv") ":" #line ": column step: step " #step \
                           " is at or beyond the last step (steps = 4): this row never applies")
    expect_diag(&d, (const want[]){LATE(3, 5), LATE(7, 4), LATE(8, 4), LATE(9, 6)}, 4);
#undef LATE
    diag_clear(&d);
    scenario_free(s);
}

/* =================================================== spreadsheet habits */

#define SS(x) GOOD("spreadsheet-" x)
#define REAL(lo, hi) "a decimal from " lo " to " hi

/* The bytes of path, NUL-terminated (the caller frees). */
static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    for (size_t k; (k = fread(buf + n, 1, cap - n - 1, f)) > 0;)
        if ((n += k) == cap - 1) {
            buf = realloc(buf, cap *= 2);
            assert_non_null(buf);
        }
    fclose(f);
    buf[n] = '\0';
    return buf;
}

static const char *const saved_files[] = {"params.csv", "packs.csv", "gifts.csv", "segments.csv", "sinks.csv",
                                          "timeline.csv", "regions.csv"};

/* Save s as tmp/sub/saved (so the saved name is the same for all). */
static void save_as(const scenario *s, const char *tmp, const char *sub, char *dir, size_t n)
{
    char msg[512];
    snprintf(dir, n, "%s/%s", tmp, sub);
    assert_int_equal(mkdir(dir, 0700), 0);
    snprintf(dir, n, "%s/%s/saved", tmp, sub);
    if (scenario_save(s, dir, NULL, msg, sizeof msg) != 0)
        fail_msg("saving %s: %s", dir, msg);
}

static void remove_saved(const char *tmp, const char *sub)
{
    char p[512];
    for (size_t i = 0; i < N(saved_files); i++) {
        snprintf(p, sizeof p, "%s/%s/saved/%s", tmp, sub, saved_files[i]);
        unlink(p);
    }
    snprintf(p, sizeof p, "%s/%s/saved", tmp, sub);
    rmdir(p);
    snprintf(p, sizeof p, "%s/%s", tmp, sub);
    rmdir(p);
}

/* a and b load to the same tables and timeline: saved, every file is the
 * same text. */
static void same_when_saved(const char *a, const char *b)
{
    char tmp[] = "/tmp/coinsim_test_scenario_XXXXXX", da[600], db[600], pa[700], pb[700];
    assert_non_null(mkdtemp(tmp));
    scenario *sa = load_ok(a), *sb = load_ok(b);
    save_as(sa, tmp, "a", da, sizeof da);
    save_as(sb, tmp, "b", db, sizeof db);
    for (size_t i = 0; i < N(saved_files); i++) {
        snprintf(pa, sizeof pa, "%s/%s", da, saved_files[i]);
        snprintf(pb, sizeof pb, "%s/%s", db, saved_files[i]);
        char *ta = read_all(pa), *tb = read_all(pb);
        assert_string_equal(ta, tb);
        free(ta);
        free(tb);
    }
    scenario_free(sa);
    scenario_free(sb);
    remove_saved(tmp, "a");
    remove_saved(tmp, "b");
    rmdir(tmp);
}

static void spreadsheet_saves_read_as_plain(void **state)
{
    static const char *const dirs[] = {SS("plain"), SS("comma"), SS("semicolon")};
    (void)state;
    same_when_saved(SS("plain"), SS("comma"));
    same_when_saved(SS("plain"), SS("semicolon"));
    for (size_t i = 0; i < N(dirs); i++) {
        scenario *s = load_ok(dirs[i]);
        const sc_tables *t = &s->t;
        assert_string_equal(t->p.name, "spreadsheet");
        assert_int_equal(t->npacks, 14);
        assert_int_equal(t->ngifts, 32);
        assert_int_equal(t->nsegs, 4);
        assert_int_equal(t->p.commission, 500000);
        assert_int_equal(t->packs[8].price, 3700000);          /* web350 at 3.70 */
        assert_micro(t->gifts[9].weight, 2500000);              /* paper-crane 2.5 */
        assert_micro(t->p.creator_zipf, 1200000);
        assert_micro(t->segs[3].alpha, -510825.6237659907);     /* ln 0.6, 16 digits */
        assert_int_equal(s->ntl, 2);
        assert_string_equal(s->timeline[0].c.value, "0.45");   /* "0,45": kept with a point */
        assert_int_equal(s->timeline[0].c.ival, 450000);
        assert_string_equal(s->timeline[1].c.value, "-4.25");
        assert_micro(s->timeline[1].c.dval, -4250000);
        diag d = {0};
        assert_int_equal(scenario_check(s, &d), 0);
        expect_diag(&d, NULL, 0);
        scenario_free(s);
    }
}

static void headers_match_whatever_case_and_blanks(void **state)
{
    (void)state;
    /* Name,Coins,"Weight ",... in spreadsheet-comma; an unknown column is
     * still named as written. */
    scenario_free(load_ok(SS("comma")));
    LOAD_FAILS(BAD("ss_header_and_rows"),
               E(BAD("ss_header_and_rows/packs.csv") ":1: column Colour: unknown column (expected one of " PACK_FIELDS ")"),
               E(BAD("ss_header_and_rows/packs.csv") ":2: column coins: not a number \"lots\" "
                 "(expected a whole number from 1 to 1000000000)"),
               E(BAD("ss_header_and_rows/packs.csv") ":3: column channel: unknown channel \"shop\" (expected app or web)"));
}

static void empty_columns_on_the_right_ignored(void **state)
{
    (void)state;
    /* Two empty columns in every table of spreadsheet-comma; a value in
     * one of them is refused. */
    scenario *s = load_ok(SS("comma"));
    assert_int_equal(s->t.ngifts, 32);
    scenario_free(s);
    LOAD_FAILS(BAD("ss_value_no_header"),
               E(BAD("ss_value_no_header/gifts.csv") ":3: column (empty): value \"big cat\" in column 5, which has no name "
                 "in the header (expected a name above it, or an empty cell)"));
}

static void semicolons_with_decimal_commas(void **state)
{
    (void)state;
    scenario *s = load_ok(SS("semicolon"));
    assert_int_equal(s->t.p.store_fee_web, 30000);             /* 0,03 */
    assert_int_equal(s->t.segs[0].share, 800000);               /* 0,80 */
    assert_micro(s->t.segs[0].gps, 200000);                     /* 0,20 */
    assert_micro(s->t.segs[1].alpha, -7500000);                 /* -7,5 */
    scenario_free(s);
    LOAD_FAILS(BAD("ss_semicolon_percent"),
               E(BAD("ss_semicolon_percent/params.csv") ":4: column value: live_prob: a percentage \"12,5%\" "
                 "(expected " RATE "; write 0.125)"));
}

static void real_parameters_take_any_decimal(void **state)
{
    diag d = {0};
    char tmp[] = "/tmp/coinsim_test_scenario_XXXXXX", dir[600];
    (void)state;
    scenario *s = load_ok(GOOD("minimal"));
    assert_int_equal(set(s, "segments.whale.alpha=-1.0986122886681098", &d), 0);
    assert_int_equal(set(s, "segments.whale.beta=0.6931471805599453", &d), 0);
    assert_int_equal(set(s, "segments.casual.gamma=4E-3", &d), 0);
    assert_int_equal(set(s, "segments.casual.gifts_per_session=1.0000001", &d), 0);
    assert_int_equal(set(s, "gifts.rose.weight=0.333333333333333", &d), 0);
    assert_int_equal(set(s, "creator_zipf=1.0986122886681098", &d), 0);
    expect_diag(&d, NULL, 0);
    assert_micro(s->t.segs[1].alpha, -1098612.2886681098);
    assert_micro(s->t.segs[1].beta, 693147.1805599453);
    assert_micro(s->t.segs[0].gamma, 4000);
    assert_micro(s->t.segs[0].gps, 1000000.1);
    assert_micro(s->t.gifts[0].weight, 333333.333333333);
    assert_micro(s->t.p.creator_zipf, 1098612.2886681098);
    /* Money and rates keep the exact rule; the range still holds. */
    assert_int_equal(set(s, "packs.small.price_usd=0.9900001", &d), -1);
    assert_int_equal(set(s, "p_cashout=0.1500001", &d), -1);
    assert_int_equal(set(s, "segments.whale.alpha=-1000.0000001", &d), -1);
    /* A nonzero number that would be held as 0, infinity and NaN. */
    assert_int_equal(set(s, "segments.whale.alpha=1e-400", &d), -1);
    assert_int_equal(set(s, "gifts.rose.weight=inf", &d), -1);
    assert_int_equal(set(s, "creator_zipf=NaN", &d), -1);
    expect_diag(&d, (const want[]){
        E("--set packs.small.price_usd=0.9900001: column value: more than 6 decimal places \"0.9900001\" "
          "(expected an amount in USD from 0 to 1000000 with at most 6 decimals)"),
        E("--set p_cashout=0.1500001: column value: more than 6 decimal places \"0.1500001\" (expected " RATE ")"),
        E("--set segments.whale.alpha=-1000.0000001: column value: out of range \"-1000.0000001\" "
          "(expected " REAL("-1000", "1000") ")"),
        E("--set segments.whale.alpha=1e-400: column value: nonzero number too close to 0 to hold \"1e-400\" "
          "(expected " REAL("-1000", "1000") ")"),
        E("--set gifts.rose.weight=inf: column value: not a number \"inf\" (expected " REAL("0", "1000000") ")"),
        E("--set creator_zipf=NaN: column value: not a number \"NaN\" (expected " REAL("0", "10") ")"),
    }, 6);
    assert_micro(s->t.segs[1].alpha, -1098612.2886681098);
    diag_clear(&d);
    /* Saved and read back, every digit is kept. */
    assert_non_null(mkdtemp(tmp));
    save_as(s, tmp, "a", dir, sizeof dir);
    scenario *back = load_ok(dir);
    assert_micro(back->t.segs[1].alpha, -1098612.2886681098);
    assert_micro(back->t.gifts[0].weight, 333333.333333333);
    assert_micro(back->t.p.creator_zipf, 1098612.2886681098);
    assert_micro(back->t.segs[0].gamma, 4000);
    scenario_free(back);
    char *params = read_all(strcat(dir, "/params.csv"));
    assert_non_null(strstr(params, "\ncreator_zipf,1.0986122886681098\n"));
    free(params);
    remove_saved(tmp, "a");
    rmdir(tmp);
    scenario_free(s);
    LOAD_FAILS(BAD("ss_real_digits"),
               E(BAD("ss_real_digits/segments.csv") ":2: column alpha: too many digits "
                 "\"-5.555555555555555555555555555555555555555555555555555555555\" (expected " REAL("-1000", "1000") ")"));
}

static void percentage_refused_with_the_fraction(void **state)
{
    diag d = {0};
    (void)state;
    LOAD_FAILS(BAD("ss_percent"),
               E(BAD("ss_percent/params.csv") ":4: column value: commission: a percentage \"50%\" (expected " RATE "; write 0.5)"));
    scenario *s = load_ok(GOOD("minimal"));
    static const char *const bad[] = {
        "commission=50%", "commission=12.5%", "live_prob=0.5%", "commission=150%", "p_cashout=-3 %",
        "packs.small.price_usd=50%",
    };
    for (size_t i = 0; i < N(bad); i++)
        assert_int_equal(set(s, bad[i], &d), -1);
    expect_diag(&d, (const want[]){
        E("--set commission=50%: column value: a percentage \"50%\" (expected " RATE "; write 0.5)"),
        E("--set commission=12.5%: column value: a percentage \"12.5%\" (expected " RATE "; write 0.125)"),
        E("--set live_prob=0.5%: column value: a percentage \"0.5%\" (expected " RATE "; write 0.005)"),
        E("--set commission=150%: column value: a percentage \"150%\" (expected " RATE "; "
          "150% would be 1.5, which is out of range too)"),
        E("--set p_cashout=-3 %: column value: a percentage \"-3 %\" (expected " RATE "; "
          "-3 % would be -0.03, which is out of range too)"),
        E("--set packs.small.price_usd=50%: column value: not a number \"50%\" "
          "(expected an amount in USD from 0 to 1000000 with at most 6 decimals)"),
    }, N(bad));
    diag_clear(&d);
    scenario_free(s);
}

static void decimal_comma_in_a_comma_file_refused(void **state)
{
    diag d = {0};
    (void)state;
#define FIX "(expected " RATE "; write 0.5)"
    LOAD_FAILS(BAD("ss_comma_quoted"),
               E(BAD("ss_comma_quoted/params.csv") ":4: column value: commission: a decimal comma in \"0,5\" " FIX));
    LOAD_FAILS(BAD("ss_comma_split"),
               E(BAD("ss_comma_split/params.csv") ":4: column value: commission: a decimal comma split 0,5 into two cells " FIX));
#undef FIX
    LOAD_FAILS(BAD("ss_split_in_row"),
               E(BAD("ss_split_in_row/gifts.csv") ":2: column weight: a decimal comma split 0,5 into two cells "
                 "(expected " REAL("0", "1000000") "; write 0.5)"));
#define USD "(expected an amount in USD from 0 to 1000000 with at most 6 decimals; " \
            "write 1000 without the thousands separator, or 1 if the comma is a decimal comma)"
    LOAD_FAILS(BAD("ss_thousands"), E(BAD("ss_thousands/packs.csv") ":3: column price_usd: a comma in \"1,000\" " USD));
    LOAD_FAILS(BAD("ss_thousands_split"),
               E(BAD("ss_thousands_split/packs.csv") ":3: column price_usd: a comma split 1,000 into two cells " USD));
#undef USD
    /* A whole number split in two is a row too long, as it always was. */
    LOAD_FAILS(BAD("params_cell_count"),
               E(BAD("params_cell_count/params.csv") ":4: 3 cells in this row (expected 2, as in the header)"));
    scenario *s = load_ok(GOOD("minimal"));
    assert_int_equal(set(s, "commission=0,5", &d), -1);
    assert_int_equal(set(s, "segments.whale.alpha=-1,25", &d), -1);
    expect_diag(&d, (const want[]){
        E("--set commission=0,5: column value: a decimal comma in \"0,5\" (expected " RATE "; write 0.5)"),
        E("--set segments.whale.alpha=-1,25: column value: a decimal comma in \"-1,25\" "
          "(expected " REAL("-1000", "1000") "; write -1.25)"),
    }, 2);
    diag_clear(&d);
    scenario_free(s);
}

static void point_in_a_semicolon_file_refused(void **state)
{
    diag d = {0};
    (void)state;
    /* In a file with decimal commas a point before three digits is a
     * thousands separator or a slip: both readings offered, and only the
     * one a field takes; a point elsewhere (0.05) is still a point. */
#define PP BAD("ss_semicolon_point/packs.csv")
#define USD "(expected an amount in USD from 0 to 1000000 with at most 6 decimals; "
#define BOTH "write 1000 without the thousands separator, or 1 if the point is a decimal point)"
    LOAD_FAILS(BAD("ss_semicolon_point"),
               E(PP ":3: column coins: a point in \"1.000\" (expected a whole number from 1 to 1000000000; " BOTH),
               E(PP ":3: column price_usd: a point in \"1.000\" " USD BOTH),
               E(PP ":4: column price_usd: a thousands separator in \"1.249,99\" " USD "write 1249.99)"),
               E(PP ":5: column price_usd: a thousands separator in \"2.500.000\" " USD
                 "2.500.000 would be 2500000, which is out of range too)"),
               E(BAD("ss_semicolon_point/gifts.csv") ":2: column weight: a point in \"1.000\" "
                 "(expected " REAL("0", "1000000") "; " BOTH));
#undef BOTH
#undef USD
#undef PP
    /* A hint never offers a value the field refuses. */
    scenario *s = load_ok(GOOD("minimal"));
    static const char *const bad[] = {
        "commission=1,000", "segments.whale.alpha=1,500", "packs.small.price_usd=0,0000001",
        "segments.whale.gamma=2000,000",
    };
    for (size_t i = 0; i < N(bad); i++)
        assert_int_equal(set(s, bad[i], &d), -1);
    expect_diag(&d, (const want[]){
        E("--set commission=1,000: column value: a comma in \"1,000\" (expected " RATE "; write 1 if the comma is "
          "a decimal comma (without the thousands separator it would be 1000, out of range))"),
        E("--set segments.whale.alpha=1,500: column value: a comma in \"1,500\" (expected " REAL("-1000", "1000") "; "
          "write 1.5 if the comma is a decimal comma (without the thousands separator it would be 1500, out of range))"),
        E("--set packs.small.price_usd=0,0000001: column value: a decimal comma in \"0,0000001\" "
          "(expected an amount in USD from 0 to 1000000 with at most 6 decimals; "
          "0,0000001 would be 0.0000001, which is refused too: more than 6 decimal places)"),
        E("--set segments.whale.gamma=2000,000: column value: a comma in \"2000,000\" (expected " REAL("-1000", "1000") "; "
          "2000,000 would be 2000000 without the thousands separator (out of range) or 2000 as a decimal comma (out of range))"),
    }, N(bad));
    diag_clear(&d);
    scenario_free(s);
}

static void all_of_a_files_problems_at_once(void **state)
{
    (void)state;
    /* An unknown column in the header, and the rows' known columns checked
     * all the same (packs, and a timeline resolved despite its header). */
    LOAD_FAILS(BAD("ss_timeline_header_and_rows"),
               E(BAD("ss_timeline_header_and_rows/timeline.csv") ":1: column Note: unknown column (expected step,target,value)"),
               E(BAD("ss_timeline_header_and_rows/timeline.csv") ":2: column value: out of range \"1.5\" (expected " RATE ")"));
    LOAD_FAILS(BAD("ss_header_and_rows"),
               E(BAD("ss_header_and_rows/packs.csv") ":1: column Colour: unknown column (expected one of " PACK_FIELDS ")"),
               E(BAD("ss_header_and_rows/packs.csv") ":2: column coins: not a number \"lots\" "
                 "(expected a whole number from 1 to 1000000000)"),
               E(BAD("ss_header_and_rows/packs.csv") ":3: column channel: unknown channel \"shop\" (expected app or web)"));
}

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

static void many_duplicate_decimal_columns_finish(void **state)
{
    (void)state;
    /* 45 alpha columns and a row of 120 digit cells, more than any
     * joining of split decimal commas can fit: the duplicates never join,
     * and the ways of joining are counted, not tried one by one (2^50
     * would hang). */
    char tmp[] = "/tmp/coinsim_test_dup_XXXXXX", cwd[512], text[2048];
    assert_non_null(mkdtemp(tmp));
    assert_non_null(getcwd(cwd, sizeof cwd));
    snprintf(text, sizeof text, "key,value\nextends,%s/" GOOD("minimal") "\n", cwd);
    write_text(tmp, "params.csv", text);
    size_t used = (size_t)snprintf(text, sizeof text, "name,share,p_active,gifts_per_session,max_gift_coins");
    for (int i = 0; i < 45; i++)
        used += (size_t)snprintf(text + used, sizeof text - used, ",alpha");
    used += (size_t)snprintf(text + used, sizeof text - used, ",beta,gamma\ncasual");
    for (int i = 0; i < 119; i++)
        used += (size_t)snprintf(text + used, sizeof text - used, ",1");
    snprintf(text + used, sizeof text - used, "\n");
    write_text(tmp, "segments.csv", text);

    diag d = {0};
    char path[600];
    snprintf(path, sizeof path, "%s/segments.csv", tmp);
    assert_null(scenario_load(tmp, &d));
    assert_int_equal(d.errors, 45);
    char exp[700];
    snprintf(exp, sizeof exp, "%s:1: column alpha: column appears twice in the header (expected once)", path);
    for (size_t i = 0; i < 44; i++)
        assert_string_equal(d.items[i].text, exp);
    snprintf(exp, sizeof exp, "%s:2: 120 cells in this row (expected 52, as in the header)", path);
    assert_string_equal(d.items[44].text, exp);
    diag_clear(&d);
    remove(path);
    snprintf(path, sizeof path, "%s/params.csv", tmp);
    remove(path);
    rmdir(tmp);
}

/* ======================================================= segment sizes */

/* Sizes for these shares (ppm) and viewers, written "a b c". */
static void expect_sizes(const int64_t *share, size_t n, int64_t viewers, const char *want_sizes)
{
    sc_segment seg[8];
    int64_t out[8];
    sc_tables t;
    char got[256], exp[256];
    size_t used;
    int64_t sum = 0;

    assert_true(n <= 8);
    memset(&t, 0, sizeof t);
    memset(seg, 0, sizeof seg);
    for (size_t i = 0; i < n; i++)
        seg[i].share = share[i];
    t.segs = seg;
    t.nsegs = n;
    t.p.viewers = viewers;
    scenario_segment_sizes(&t, out);
    used = (size_t)snprintf(got, sizeof got, "%lld viewers:", (long long)viewers);
    for (size_t i = 0; i < n; i++) {
        used += (size_t)snprintf(got + used, sizeof got - used, " %lld", (long long)out[i]);
        sum += out[i];
    }
    snprintf(exp, sizeof exp, "%lld viewers: %s", (long long)viewers, want_sizes);
    assert_string_equal(got, exp);
    assert_int_equal(sum, viewers);
}

#define SIZES(viewers, want_sizes, ...) do { \
        const int64_t s_[] = {__VA_ARGS__}; \
        expect_sizes(s_, N(s_), viewers, want_sizes); \
    } while (0)

static void segment_sizes_largest_remainder(void **state)
{
    (void)state;
    /* 3.33333, 3.33333, 3.33334: floors 3 3 3, one left, the largest
     * remainder (0.33334) takes it. */
    SIZES(10, "3 3 4", 333333, 333333, 333334);
    /* 0.333333, 0.333333, 0.333334: none whole, one left. */
    SIZES(1, "0 0 1", 333333, 333333, 333334);
    SIZES(1000000000, "333333000 333333000 333334000", 333333, 333333, 333334);
    SIZES(10, "9 1", 900000, 100000);
    SIZES(7, "7", 1000000);
    /* 0.6, 0.7, 0.7 with 2 left: the two larger remainders, not row 0. */
    SIZES(2, "0 1 1", 300000, 350000, 350000);
    /* 2.9, 7.1: floors 2 7, the one left goes to the 0.9. */
    SIZES(10, "3 7", 290000, 710000);
}

static void segment_sizes_ties_to_earlier_row(void **state)
{
    (void)state;
    /* 1, 0.5, 0.5: one left, tied remainders, the earlier row wins. */
    SIZES(2, "1 1 0", 500000, 250000, 250000);
    /* 2.5 each: two left, to rows 0 and 1. */
    SIZES(10, "3 3 2 2", 250000, 250000, 250000, 250000);
    /* 0.3, 1.35, 1.35: floors 0 1 1, one left; 0.35 = 0.35 > 0.3. */
    SIZES(3, "0 2 1", 100000, 450000, 450000);
    /* A tie behind a larger remainder: 0.8, 0.6, 0.6 with 2 left. */
    SIZES(2, "1 1 0", 400000, 300000, 300000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(minimal_loads_exactly),
        cmocka_unit_test(defaults_fill_what_is_left_out),
        cmocka_unit_test(extends_inherits_tables_and_keys_not_name),
        cmocka_unit_test(timeline_rows_resolve),
        cmocka_unit_test(timeline_inherited_through_extends),
        cmocka_unit_test(missing_directory),
        cmocka_unit_test(missing_required_table),
        cmocka_unit_test(unknown_column),
        cmocka_unit_test(duplicate_column),
        cmocka_unit_test(missing_required_column),
        cmocka_unit_test(wrong_cell_count),
        cmocka_unit_test(text_in_a_number),
        cmocka_unit_test(negative_count),
        cmocka_unit_test(rate_out_of_range),
        cmocka_unit_test(seven_decimals),
        cmocka_unit_test(number_too_large),
        cmocka_unit_test(shares_must_sum_to_one),
        cmocka_unit_test(duplicate_name),
        cmocka_unit_test(name_with_a_dot),
        cmocka_unit_test(empty_name),
        cmocka_unit_test(unknown_params_key),
        cmocka_unit_test(duplicate_params_key),
        cmocka_unit_test(unknown_channel),
        cmocka_unit_test(enabled_not_bool),
        cmocka_unit_test(unterminated_quote),
        cmocka_unit_test(binary_garbage),
        cmocka_unit_test(extends_cycle),
        cmocka_unit_test(extends_missing_directory),
        cmocka_unit_test(timeline_unknown_table),
        cmocka_unit_test(timeline_unknown_name),
        cmocka_unit_test(timeline_unknown_field),
        cmocka_unit_test(timeline_may_not_change_shape),
        cmocka_unit_test(timeline_bad_step),
        cmocka_unit_test(timeline_bad_value),
        cmocka_unit_test(min_withdrawal_above_limit_in_params),
        cmocka_unit_test(min_withdrawal_above_limit_from_timeline),
        cmocka_unit_test(min_withdrawal_checked_in_step_order),
        cmocka_unit_test(warning_row_at_or_after_steps),
        cmocka_unit_test(warning_segment_reaches_no_gift),
        cmocka_unit_test(warning_no_gift_to_send),
        cmocka_unit_test(set_changes_targets),
        cmocka_unit_test(set_may_change_shape),
        cmocka_unit_test(set_rejects_bad_assignments),
        cmocka_unit_test(set_then_check),
        cmocka_unit_test(recomputed_targets),
        cmocka_unit_test(pairing_targets),
        cmocka_unit_test(spreadsheet_saves_read_as_plain),
        cmocka_unit_test(headers_match_whatever_case_and_blanks),
        cmocka_unit_test(empty_columns_on_the_right_ignored),
        cmocka_unit_test(semicolons_with_decimal_commas),
        cmocka_unit_test(many_duplicate_decimal_columns_finish),
        cmocka_unit_test(point_in_a_semicolon_file_refused),
        cmocka_unit_test(real_parameters_take_any_decimal),
        cmocka_unit_test(percentage_refused_with_the_fraction),
        cmocka_unit_test(decimal_comma_in_a_comma_file_refused),
        cmocka_unit_test(all_of_a_files_problems_at_once),
        cmocka_unit_test(segment_sizes_largest_remainder),
        cmocka_unit_test(segment_sizes_ties_to_earlier_row),
    };
    return cmocka_run_group_tests_name("scenario", tests, NULL, NULL);
}
