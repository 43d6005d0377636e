/* schema — the fields of a scenario's tables, described once: each one's
 * name, type, place in its row, default and bounds, and whether a run may
 * change it or replay recomputes money from it. Loading, --set, timeline
 * rows, saving and the error messages all read these tables; this file
 * also parses one value for a field (with the hints for numbers written as
 * a spreadsheet writes them) and formats one back. */
#define _XOPEN_SOURCE 700
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"
#include "scenario_int.h"

#define MICRO  NUM_MICRO
#define USD(x) ((int64_t)(x)*MICRO)
#define P(f)   offsetof(sc_params, f) // NOLINT(bugprone-macro-parentheses): a member name

static const sc_field param_fields[] = {
    {"name", F_TEXT, P(name), FLD_SHAPE, 0, 0, 0},
    {"extends", F_PATH, P(extends), FLD_SHAPE, 0, 0, 0},
    {"steps", F_INT, P(steps), FLD_SHAPE, 90, 1, 100000},
    {"runs", F_INT, P(runs), FLD_SHAPE | FLD_PAIRS, 20, 1, 1000000},
    {"seed", F_SEED, P(seed), FLD_SHAPE | FLD_PAIRS, 1, 0, 0},
    {"viewers", F_INT, P(viewers), FLD_SHAPE, 100000, 1, 1000000000},
    {"creators", F_INT, P(creators), FLD_SHAPE, 1000, 1, 100000000},
    {"coin_value_usd", F_MONEY, P(coin_value), FLD_RECOMPUTED, 10000, 0, USD(1)},
    {"commission", F_RATE, P(commission), FLD_RECOMPUTED, 500000, 0, MICRO},
    {"usd_per_diamond", F_MONEY, P(usd_per_diamond), FLD_RECOMPUTED, 5000, 100, USD(1)},
    {"store_fee_app", F_RATE, P(store_fee_app), FLD_RECOMPUTED, 300000, 0, MICRO},
    {"store_fee_web", F_RATE, P(store_fee_web), FLD_RECOMPUTED, 30000, 0, MICRO},
    {"min_withdrawal_usd", F_MONEY, P(min_withdrawal), FLD_RECOMPUTED, USD(10), 0, USD(1000000000)},
    {"daily_withdrawal_limit_usd", F_MONEY, P(daily_limit), FLD_RECOMPUTED, USD(1000), 0,
     USD(1000000000)},
    {"payout_fee_usd", F_MONEY, P(payout_fee), FLD_RECOMPUTED, 0, 0, USD(1000000000)},
    {"payout_fee_rate", F_RATE, P(payout_fee_rate), FLD_RECOMPUTED, 0, 0, MICRO},
    {"p_cashout", F_RATE, P(p_cashout), 0, 150000, 0, MICRO},
    {"creator_zipf", F_REAL, P(creator_zipf), 0, MICRO, 0, 10 * MICRO},
    {"live_prob", F_RATE, P(live_prob), 0, 300000, 0, MICRO},
    {"live_elasticity", F_REAL, P(live_elasticity), 0, 0, 0, 100 * MICRO},
    {"reference_take_usd", F_MONEY, P(reference_take), 0, 5000, 1, USD(1)},
    {"p_switch", F_RATE, P(p_switch), 0, MICRO, 0, MICRO},
    {"warmup_steps", F_INT, P(warmup_steps), FLD_SHAPE, 0, 0, 100000},
};
#undef P

#define K(f) offsetof(sc_pack, f) // NOLINT(bugprone-macro-parentheses)
static const sc_field pack_fields[] = {
    {"name", F_NAME, K(name), FLD_REQUIRED | FLD_SHAPE, 0, 0, 0},
    {"coins", F_INT, K(coins), FLD_REQUIRED, 0, 1, 1000000000},
    {"bonus_coins", F_INT, K(bonus), 0, 0, 0, 1000000000},
    /* a local price: any currency's 1,000,000 USD fits (at most 10^18
     * µ-units); the USD bound is checked at each step's rate (check.c) */
    {"price", F_MONEY, K(price), FLD_EITHER | FLD_RECOMPUTED, 0, 0, USD(1000000000000)},
    {"price_usd", F_MONEY, K(price), FLD_EITHER | FLD_RECOMPUTED | FLD_USD, 0, 0, USD(1000000)},
    {"channel", F_CHANNEL, K(channel), FLD_REQUIRED, 0, 0, 1},
    {"enabled", F_BOOL, K(enabled), 0, 1, 0, 1},
    {"region", F_NAME, K(region), FLD_SHAPE, 0, 0, 0},
};
#undef K

#define G(f) offsetof(sc_gift, f) // NOLINT(bugprone-macro-parentheses)
static const sc_field gift_fields[] = {
    {"name", F_NAME, G(name), FLD_REQUIRED | FLD_SHAPE, 0, 0, 0},
    {"coins", F_INT, G(coins), FLD_REQUIRED, 0, 1, 1000000},
    {"weight", F_REAL, G(weight), 0, MICRO, 0, 1000000 * MICRO},
};
#undef G

#define S(f) offsetof(sc_segment, f) // NOLINT(bugprone-macro-parentheses)
static const sc_field seg_fields[] = {
    {"name", F_NAME, S(name), FLD_REQUIRED | FLD_SHAPE, 0, 0, 0},
    {"share", F_RATE, S(share), FLD_REQUIRED | FLD_SHAPE, 0, 0, MICRO},
    {"p_active", F_RATE, S(p_active), FLD_REQUIRED, 0, 0, MICRO},
    {"gifts_per_session", F_REAL, S(gps), FLD_REQUIRED, 0, 0, 1000 * MICRO},
    {"max_gift_coins", F_INT, S(max_gift), FLD_REQUIRED, 0, 0, 1000000000},
    {"alpha", F_REAL, S(alpha), FLD_REQUIRED, 0, -1000 * MICRO, 1000 * MICRO},
    {"beta", F_REAL, S(beta), FLD_REQUIRED, 0, -1000 * MICRO, 1000 * MICRO},
    {"gamma", F_REAL, S(gamma), FLD_REQUIRED, 0, -1000 * MICRO, 1000 * MICRO},
    {"p_churn", F_RATE, S(p_churn), 0, 0, 0, MICRO},
    {"web_aware", F_RATE, S(web_aware), 0, 0, 0, MICRO},
    {"web_friction", F_REAL, S(web_friction), 0, 0, -1000 * MICRO, 1000 * MICRO},
    {"sinks_per_session", F_REAL, S(sps), 0, 0, 0, 1000 * MICRO},
    {"free_coins_per_session", F_INT, S(free_coins), 0, 0, 0, 1000000},
    {"can_buy", F_BOOL, S(can_buy), 0, 1, 0, 1},
    {"region", F_NAME, S(region), FLD_SHAPE, 0, 0, 0},
};
#undef S

#define K(f) offsetof(sc_sink, f) // NOLINT(bugprone-macro-parentheses)
static const sc_field sink_fields[] = {
    {"name", F_NAME, K(name), FLD_REQUIRED | FLD_SHAPE, 0, 0, 0},
    {"coins", F_INT, K(coins), FLD_REQUIRED, 0, 1, 1000000},
    {"weight", F_REAL, K(weight), 0, MICRO, 0, 1000000 * MICRO},
};
#undef K

#define R(f) offsetof(sc_region, f) // NOLINT(bugprone-macro-parentheses)
static const sc_field region_fields[] = {
    {"name", F_NAME, R(name), FLD_REQUIRED | FLD_SHAPE, 0, 0, 0},
    {"currency", F_NAME, R(currency), FLD_REQUIRED | FLD_SHAPE, 0, 0, 0},
    {"per_usd", F_MONEY, R(per_usd), FLD_REQUIRED | FLD_RECOMPUTED, 0, 1, USD(1000000000)},
    {"fx_fee_rate", F_RATE, R(fx_fee), FLD_RECOMPUTED, 0, 0, MICRO},
    {"creator_share", F_RATE, R(creator_share), FLD_REQUIRED | FLD_SHAPE, 0, 0, MICRO},
};
#undef R

#define NF(a) (sizeof(a) / sizeof((a)[0]))

const table_desc schema_tables[SC_NTABLES] = {
    {"params.csv", "params", "param", param_fields, NF(param_fields), sizeof(sc_params), 1},
    {"packs.csv", "packs", "pack", pack_fields, NF(pack_fields), sizeof(sc_pack), 0},
    {"gifts.csv", "gifts", "gift", gift_fields, NF(gift_fields), sizeof(sc_gift), 0},
    {"segments.csv", "segments", "segment", seg_fields, NF(seg_fields), sizeof(sc_segment), 0},
    {"sinks.csv", "sinks", "sink", sink_fields, NF(sink_fields), sizeof(sc_sink), 1},
    {"regions.csv", "regions", "region", region_fields, NF(region_fields), sizeof(sc_region), 1},
    {"timeline.csv", "timeline", "row", NULL, 0, 0, 1},
};

void *schema_rows(const sc_tables *t, int k, size_t *n)
{
    switch (k) {
    case SC_PACKS: *n = t->npacks; return t->packs;
    case SC_GIFTS: *n = t->ngifts; return t->gifts;
    case SC_SEGMENTS: *n = t->nsegs; return t->segs;
    case SC_SINKS: *n = t->nsinks; return t->sinks;
    case SC_REGIONS: *n = t->nregions; return t->regions;
    default: *n = 0; return NULL;
    }
}

void schema_set_rows(sc_tables *t, int k, void *rows, size_t n)
{
    switch (k) {
    case SC_PACKS:
        t->packs = rows;
        t->npacks = n;
        break;
    case SC_GIFTS:
        t->gifts = rows;
        t->ngifts = n;
        break;
    case SC_SEGMENTS:
        t->segs = rows;
        t->nsegs = n;
        break;
    case SC_SINKS:
        t->sinks = rows;
        t->nsinks = n;
        break;
    case SC_REGIONS:
        t->regions = rows;
        t->nregions = n;
        break;
    default: break;
    }
}

/* Fields a former model version had, refused by name with what replaces
 * them (docs/model.md §3), so that an old scenario is not read as if they
 * were typos. */
static const struct gone {
    const char *name;
    const char *instead; /* what replaces it */
    int table;
    int version; /* the first version without it */
} gone_fields[] = {
    {"web_share", "web_aware and web_friction", SC_SEGMENTS, 2},
};

const char *schema_gone(const table_desc *td, const char *name, char *buf, size_t n)
{
    for (size_t i = 0; i < NF(gone_fields); i++) {
        const struct gone *g = &gone_fields[i];
        if (td == &schema_tables[g->table] && strcmp(name, g->name) == 0) {
            snprintf(buf, n, "gone in model version %d (expected %s instead: see docs/model.md)",
                     g->version, g->instead);
            return buf;
        }
    }
    return NULL;
}

/* ---------------------------------------------------------------- values */

const char *schema_expect(const sc_field *f, char *buf, size_t n)
{
    char lo[NUM_BUF], hi[NUM_BUF];
    switch (f->type) {
    case F_NAME: return "a non-empty name without '.'";
    case F_TEXT: return "non-empty text";
    case F_PATH: return "a directory path";
    case F_SEED: return "a whole number from 0 to 18446744073709551615";
    case F_CHANNEL: return "app or web";
    case F_BOOL: return "0 or 1";
    case F_INT:
        snprintf(buf, n, "a whole number from %lld to %lld", (long long)f->lo, (long long)f->hi);
        return buf;
    case F_RATE: return "a decimal from 0 to 1 with at most 6 places";
    case F_MONEY:
        /* Most amounts are in USD; a pack's price is in its region's
         * currency, and an exchange rate counts units of one. */
        snprintf(buf, n, "%s from %s to %s with at most 6 decimals",
                 (f->flags & FLD_EITHER) && !(f->flags & FLD_USD)
                     ? "an amount in the region's currency"
                 : strcmp(f->name, "per_usd") == 0 ? "the units of the currency one US dollar buys"
                                                   : "an amount in USD",
                 num_fmt_short(lo, f->lo), num_fmt_short(hi, f->hi));
        return buf;
    case F_REAL:
        snprintf(buf, n, "a decimal from %s to %s", num_fmt_short(lo, f->lo),
                 num_fmt_short(hi, f->hi));
        return buf;
    }
    return "?";
}

/* A parsed value; which member holds it depends on the field's type. */
int schema_decimal(const sc_field *f)
{
    return f->type == F_MONEY || f->type == F_RATE || f->type == F_REAL;
}

/* Parse in as field f's number (a numeric type: not a name, text, path
 * or channel), range checked. Returns 0, or -1 with *w. */
static int parse_number(const sc_field *f, const char *in, parsed *v, const char **w)
{
    int rc = 0;
    switch (f->type) {
    case F_SEED: return num_parse_u64(in, &v->u, w);
    case F_BOOL:
    case F_INT:
        rc = num_parse_int(in, &v->i, w);
        if (rc == 0 && (v->i < f->lo || v->i > f->hi)) {
            *w = (v->i < 0 && f->lo >= 0 && f->type == F_INT) ? "negative" : "out of range";
            rc = -1;
        }
        return rc;
    case F_RATE:
    case F_MONEY:
        rc = num_parse_dec(in, &v->i, w);
        if (rc == 0 && (v->i < f->lo || v->i > f->hi)) {
            *w = (v->i < 0 && f->lo >= 0) ? "negative" : "out of range";
            rc = -1;
        }
        return rc;
    case F_REAL:
        rc = num_parse_real(in, &v->r, w);
        if (rc == 0 && (v->r < (double)f->lo || v->r > (double)f->hi)) {
            *w = (v->r < 0 && f->lo >= 0) ? "negative" : "out of range";
            rc = -1;
        }
        return rc;
    default: *w = "not a number"; return -1;
    }
}

/* Why f refuses the number text, as it follows a comma ("out of range"),
 * or NULL if f takes it. */
static const char *refusal(const sc_field *f, const char *text)
{
    parsed v;
    const char *w = NULL;
    if (parse_number(f, text, &v, &w) == 0)
        return NULL;
    return strcmp(w, "negative") == 0 ? "out of range" : w;
}

/* The fix for s, whose one reading is x: "write x", or, when f would
 * refuse x as well, why, so that a hint never offers a value that fails. */
static void one_reading(const sc_field *f, const char *s, const char *x, char *fix, size_t n)
{
    const char *r = refusal(f, x);
    if (!r)
        snprintf(fix, n, "write %s", x);
    else if (strcmp(r, "out of range") == 0)
        snprintf(fix, n, "%.60s would be %s, which is out of range too", s, x);
    else
        snprintf(fix, n, "%.60s would be %s, which is refused too: %s", s, x, r);
}

/* The fix for s, which may be thou (its separator a thousands separator)
 * or one (a decimal sep, "comma" or "point"), each offered if f takes it. */
static void two_readings(const sc_field *f, const char *s, const char *thou, const char *one,
                         const char *sep, char *fix, size_t n)
{
    const char *rt = refusal(f, thou), *ro = refusal(f, one);
    if (!rt && !ro)
        snprintf(fix, n,
                 "write %s without the thousands separator, or %s if the %s is a decimal %s", thou,
                 one, sep, sep);
    else if (!rt)
        snprintf(fix, n,
                 "write %s without the thousands separator (as a decimal %s it would be %s, %s)",
                 thou, sep, one, ro);
    else if (!ro)
        snprintf(fix, n,
                 "write %s if the %s is a decimal %s (without the thousands separator it would be "
                 "%s, %s)",
                 one, sep, sep, thou, rt);
    else
        snprintf(
            fix, n,
            "%.60s would be %s without the thousands separator (%s) or %s as a decimal %s (%s)", s,
            thou, rt, one, sep, ro);
}

/* A number that failed to parse, written the way a spreadsheet writes it:
 * a percentage (for a rate), a comma where the point belongs, or in a
 * semicolon file (how COMMA_DEC) a point as a thousands separator. Sets
 * *w and what to do about it in fix ("write 0.5"); returns 0 if s is none
 * of these. s is the text as written, in the text parsed. */
static int spreadsheet_fix(const sc_field *f, const char *s, const char *in, enum comma how,
                           const char **w, char *fix, size_t n)
{
    char t[128], plain[140];
    if (strlen(in) >= sizeof t)
        return 0;
    if (how == COMMA_DEC && num_grouped(in, '.', ',', plain, sizeof plain)) {
        /* 1.000 is one thousand or one; 1.249,99 and 1.000.000 are clear */
        const char *pt = strchr(in, '.');
        if (!strchr(in, ',') && !strchr(pt + 1, '.')) {
            num_shift_point(in, 0, t, sizeof t);
            *w = "a point in";
            two_readings(f, s, plain, t, "point", fix, n);
        } else {
            *w = "a thousands separator in";
            one_reading(f, s, plain, fix, n);
        }
        return 1;
    }
    if (!schema_decimal(f))
        return 0;
    snprintf(t, sizeof t, "%s", in);
    char *c = num_decimal_comma(t) ? strchr(t, ',') : NULL;
    if (c)
        *c = '.';
    if (f->type == F_RATE && num_percentage(t)) {
        *w = "a percentage";
        num_shift_point(t, 2, plain, sizeof plain);
        one_reading(f, s, plain, fix, n);
        return 1;
    }
    if (!c)
        return 0;
    char *end = c + 1 + strspn(c + 1, "0123456789");
    int whole_nonzero = 0;
    for (const char *p = t; p < c; p++)
        whole_nonzero |= *p >= '1' && *p <= '9';
    *w = how == COMMA_SPLIT ? "a decimal comma split" : "a decimal comma in";
    if (end - c == 4 && whole_nonzero && !*end) {
        /* 1,000: a thousands separator as likely as a decimal comma */
        char one[140], joined[140], thou[140];
        num_shift_point(t, 0, one, sizeof one);
        *c = '\0';
        snprintf(joined, sizeof joined, "%s%s", t, c + 1);
        num_shift_point(joined, 0, thou, sizeof thou);
        *w = how == COMMA_SPLIT ? "a comma split" : "a comma in";
        two_readings(f, s, thou, one, "comma", fix, n);
        return 1;
    }
    num_shift_point(t, 0, plain, sizeof plain);
    one_reading(f, s, plain, fix, n);
    return 1;
}

/* Parse text for field f. Returns 0, or -1 with why (possibly in buf). */
int schema_parse(const sc_field *f, const char *s, enum comma how, parsed *v, char *buf,
                 size_t bufsz, const char **why)
{
    const char *w = NULL;
    char exp[160], t[128], fix[400];
    int rc = 0;
    int number =
        f->type != F_NAME && f->type != F_TEXT && f->type != F_PATH && f->type != F_CHANNEL;

    /* In a semicolon file 0,5 is 0.5; what is parsed has the point. */
    const char *in = s;
    if (how == COMMA_DEC && number && num_decimal_comma(s) && strlen(s) < sizeof t) {
        snprintf(t, sizeof t, "%s", s);
        *strchr(t, ',') = '.';
        in = t;
    }
    /* Two cells joined at a comma are never a value, only the way to say
     * what the comma did; a point in a semicolon file's 1.000 is more
     * likely a thousands separator than the decimal point it would be. */
    if (how == COMMA_SPLIT || (how == COMMA_DEC && number && f->type != F_SEED &&
                               f->type != F_BOOL && num_grouped(s, '.', ',', NULL, 0))) {
        w = "not a number";
        rc = -1;
    } else if (number) {
        rc = parse_number(f, in, v, &w);
    } else
        switch (f->type) {
        case F_NAME:
            if (!*s || strchr(s, '.')) {
                w = *s ? "name contains '.'" : "empty name";
                rc = -1;
            }
            break;
        case F_TEXT:
        case F_PATH:
            if (!*s) {
                w = "empty value";
                rc = -1;
            }
            break;
        case F_CHANNEL:
            if (strcmp(s, "app") == 0)
                v->i = CH_APP;
            else if (strcmp(s, "web") == 0)
                v->i = CH_WEB;
            else {
                w = "unknown channel";
                rc = -1;
            }
            break;
        default: break;
        }
    if (rc == 0)
        return 0;
    const char *ex = schema_expect(f, exp, sizeof exp);
    if (!number || f->type == F_SEED || f->type == F_BOOL ||
        !spreadsheet_fix(f, s, in, how, &w, fix, sizeof fix))
        snprintf(buf, bufsz, "%s \"%.60s\" (expected %s)", w, s, ex);
    else if (how == COMMA_SPLIT)
        snprintf(buf, bufsz, "%s %.60s into two cells (expected %s; %s)", w, s, ex, fix);
    else
        snprintf(buf, bufsz, "%s \"%.60s\" (expected %s; %s)", w, s, ex, fix);
    *why = buf;
    return -1;
}

void schema_store(void *row, const sc_field *f, const parsed *v, char *sv)
{
    char *p = (char *)row + f->off;
    if (f->flags & FLD_EITHER) /* a pack's price: say in which column it came */
        ((sc_pack *)row)->price_in_usd = (f->flags & FLD_USD) != 0;
    switch (f->type) {
    case F_NAME:
    case F_TEXT:
    case F_PATH:
        free(*(char **)p);
        *(char **)p = sv;
        break;
    case F_SEED: *(uint64_t *)p = v->u; break;
    case F_REAL: memcpy(p, &v->r, sizeof v->r); break;
    default: *(int64_t *)p = v->i; break;
    }
}

void schema_defaults(void *row, const sc_field *fs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const sc_field *f = &fs[i];
        if (f->type == F_SEED)
            *(uint64_t *)((char *)row + f->off) = (uint64_t)f->dflt;
        else if (f->type == F_REAL) {
            double r = (double)f->dflt;
            memcpy((char *)row + f->off, &r, sizeof r);
        } else if (f->type != F_NAME && f->type != F_TEXT && f->type != F_PATH)
            *(int64_t *)((char *)row + f->off) = f->dflt;
    }
}

const sc_field *schema_field(const table_desc *td, const char *name)
{
    for (size_t i = 0; i < td->nfields; i++)
        if (strcmp(td->fields[i].name, name) == 0)
            return &td->fields[i];
    return NULL;
}

void schema_field_list(const table_desc *td, char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < td->nfields && used < n; i++)
        used += (size_t)snprintf(buf + used, n - used, "%s%s", i ? ", " : "", td->fields[i].name);
}

void schema_format(const void *row, const sc_field *f, char *buf, size_t n)
{
    const char *p = (const char *)row + f->off;
    switch (f->type) {
    case F_NAME:
    case F_TEXT:
    case F_PATH: snprintf(buf, n, "%s", *(char *const *)p ? *(char *const *)p : ""); break;
    case F_SEED: snprintf(buf, n, "%llu", (unsigned long long)*(const uint64_t *)p); break;
    case F_CHANNEL: snprintf(buf, n, "%s", *(const int64_t *)p == CH_WEB ? "web" : "app"); break;
    case F_INT:
    case F_BOOL: snprintf(buf, n, "%lld", (long long)*(const int64_t *)p); break;
    case F_REAL: {
        double r;
        memcpy(&r, p, sizeof r);
        num_fmt_real(buf, r);
        break;
    }
    default: num_fmt_short(buf, *(const int64_t *)p); break;
    }
}
