/* scenario — a directory of CSV tables (docs/model.md §3) read into memory.
 *
 * Every settable field is described once, in a table of descriptors; the
 * CSV loader, --set and timeline rows all go through it, so a parameter
 * changed from the command line, a timeline file or the dashboard is the
 * same operation. Money and rates are exact micro-units (see num.h). The
 * real-valued behaviour parameters (creator_zipf, live_elasticity, weight,
 * gifts_per_session, sinks_per_session, alpha, beta, gamma, web_friction)
 * take a decimal of any precision and are doubles in the same micro-units:
 * up to 6 places the very numbers an int64 would hold, so a scenario
 * written that way runs bit for bit alike. */
#ifndef COINSIM_SCENARIO_H
#define COINSIM_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"

enum { CH_APP = 0, CH_WEB = 1 };

typedef struct sc_params {
    char *name;
    char *extends;
    int64_t steps, runs;
    uint64_t seed;
    int64_t viewers, creators;
    int64_t coin_value;      /* µUSD per coin, used to credit creators */
    int64_t commission;      /* ppm */
    int64_t usd_per_diamond; /* µUSD */
    int64_t store_fee_app;   /* ppm */
    int64_t store_fee_web;   /* ppm */
    int64_t min_withdrawal;  /* µUSD */
    int64_t daily_limit;     /* µUSD */
    int64_t payout_fee;      /* µUSD flat */
    int64_t payout_fee_rate; /* ppm */
    int64_t p_cashout;       /* ppm */
    double creator_zipf;     /* micro, any precision (num_parse_real) */
    int64_t live_prob;       /* ppm */
    double live_elasticity;  /* micro, any precision: supply's response to the take */
    int64_t reference_take;  /* µUSD per coin: the take at which creators go live with live_prob */
    int64_t p_switch;        /* ppm */
    int64_t warmup_steps;    /* steps run before step 0, not reported */
} sc_params;

typedef struct sc_pack {
    char *name;
    int64_t coins, bonus;
    int64_t price;    /* µ-units of its region's currency (µUSD without regions) */
    int64_t channel;  /* CH_APP or CH_WEB */
    int64_t enabled;  /* 0 or 1 */
    char *region;     /* its region's name (regions.csv); NULL: the first */
    int price_in_usd; /* the price was given as price_usd (valid only where
                       * the region's currency is USD) */
} sc_pack;

typedef struct sc_gift {
    char *name;
    int64_t coins;
    double weight; /* micro, any precision */
} sc_gift;

/* A use of coins besides gifts (effects, boosting a video): credits nobody. */
typedef struct sc_sink {
    char *name;
    int64_t coins;
    double weight; /* micro, any precision */
} sc_sink;

typedef struct sc_segment {
    char *name;
    int64_t share;             /* ppm */
    int64_t p_active;          /* ppm */
    double gps;                /* micro, any precision: mean gift intents per session */
    int64_t max_gift;          /* coins */
    double alpha, beta, gamma; /* micro, any precision */
    int64_t p_churn;           /* ppm */
    int64_t web_aware;         /* ppm: share of viewers who know the web store */
    double web_friction;       /* micro, any precision, may be negative */
    double sps;                /* micro, any precision: mean sink intents per session */
    int64_t free_coins;        /* coins granted per active session */
    int64_t can_buy;           /* 0 or 1 */
    char *region;              /* its region's name (regions.csv); NULL: the first */
} sc_segment;

/* A region (docs/model.md §8): a currency, its exchange rate and the FX
 * fee on payouts converted to it, and the share of creators living there.
 * Without regions.csv there are no rows: one USD region, as in version 1. */
typedef struct sc_region {
    char *name;
    char *currency;        /* an ISO 4217 code, for display */
    int64_t per_usd;       /* µ-units of the currency one US dollar buys */
    int64_t fx_fee;        /* ppm of a payout's net */
    int64_t creator_share; /* ppm */
} sc_region;

/* The most regions a scenario may have (a creator's region takes 16 bits). */
#define SC_REGIONS_MOST 65535

/* The mutable part of a scenario: what a timeline row may change. A run
 * keeps its own copy (sc_tables_copy) and applies rows to it. */
typedef struct sc_tables {
    sc_params p;
    sc_pack *packs;
    size_t npacks;
    sc_gift *gifts;
    size_t ngifts;
    sc_segment *segs;
    size_t nsegs;
    sc_sink *sinks; /* optional table: nsinks may be 0 */
    size_t nsinks;
    sc_region *regions; /* optional table: nregions may be 0 (one USD region) */
    size_t nregions;
} sc_tables;

enum sc_table {
    SC_PARAMS,
    SC_PACKS,
    SC_GIFTS,
    SC_SEGMENTS,
    SC_SINKS,
    SC_REGIONS,
    SC_TIMELINE,
    SC_NTABLES
};

struct sc_field;

/* A resolved change: table, row index, field and the parsed value. */
typedef struct sc_change {
    int table;
    size_t index;
    const struct sc_field *field;
    int64_t ival;
    uint64_t uval;
    double dval; /* the real-valued behaviour parameters */
    char *sval;
    char *target; /* as written, e.g. "packs.p1321.price_usd" */
    char *value;  /* as written */
} sc_change;

typedef struct sc_tlrow {
    int64_t step;
    sc_change c;
    const char *file; /* owned by the scenario */
    long line;
} sc_tlrow;

typedef struct scenario {
    char *dir;
    sc_tables t;
    sc_tlrow *timeline; /* in file order */
    size_t ntl;
    size_t *tl_order;       /* indices into timeline in the order a run
                                  applies them: by step, file order within */
    char *file[SC_NTABLES]; /* the file each table came from, or NULL */
    /* The last --set (its label) that changed the withdrawal minimum or
     * daily limit, a segment's share, and a price or rate: the cross-table checks name it
     * rather than a file that is fine on its own. NULL if none. */
    char *set_limits, *set_shares;
    char *set_prices; /* likewise for a pack's price or a region's rate */
} scenario;

/* Load the scenario in dir, following extends. Every problem found is added
 * to d; returns NULL if any was an error. Caller frees with scenario_free.
 * Tables may be saved as a spreadsheet saves them: header names match
 * whatever their case and surrounding blanks, empty cells to the right of
 * the named columns are ignored, and a file whose header row is separated
 * by semicolons is read as such, with decimal commas ("0,5") in it. */
scenario *scenario_load(const char *dir, diag *d);

void scenario_free(scenario *s);

/* Apply "TARGET=VALUE" from the command line to the scenario before any
 * world is built: any target a timeline row can name, plus the shape of
 * the world (steps, runs, seed, viewers, ...); a bare KEY is params.KEY.
 * Errors go to d under label (say "--set commission=x"); returns 0 or -1. */
int scenario_set(scenario *s, const char *assign, const char *label, diag *d);

/* Cross-table checks (shares sum to 1, minimum below the daily limit at
 * every step of the timeline, gifts out of every segment's reach, rows
 * after the last step). Adds to d; returns the number of errors added. */
size_t scenario_check(const scenario *s, diag *d);

/* Resolve TARGET and parse VALUE into *c (shape fields only if allow_shape).
 * On failure returns -1 with a message in why (static or in buf). */
int scenario_resolve(const sc_tables *t, const char *target, const char *value, int allow_shape,
                     sc_change *c, char *buf, size_t bufsz, const char **column, const char **why);

/* Apply a resolved change to tables. */
void sc_change_apply(sc_tables *t, const sc_change *c);

void sc_change_free(sc_change *c);

/* Whether replay recomputes money from the field c changes: a what-if
 * parameter (commission, coin and diamond values, store and payout fees,
 * the cash-out minimum and limit, a pack's price). */
int sc_change_recomputed(const sc_change *c);

/* The same for the target of assign, "TARGET=VALUE" or "TARGET" as --set
 * takes it (a bare KEY is params.KEY): 0 if s has no such target. */
int scenario_target_recomputed(const scenario *s, const char *assign);

/* The params key a change ("TARGET=VALUE" or "TARGET", params. optional)
 * sets when that key pairs the runs of a compare (runs, seed: both sides
 * must share it), or NULL. The schema's flag says which keys. */
const char *scenario_target_pairing(const char *assign);

/* A numeric target's value now, its bounds and whether it is a whole
 * number (scenario_target_number). */
typedef struct sc_number {
    char target[200]; /* as resolved: "params.KEY" for a bare KEY */
    double value, lo, hi;
    int whole;
} sc_number;

/* The number target (as --set takes it, a bare KEY being params.KEY)
 * holds in s, for a target a timeline row may change. Returns 0, or -1
 * with the reason in buf. */
int scenario_target_number(const scenario *s, const char *target, sc_number *out, char *buf,
                           size_t n);

/* Deep enough copy of tables for a run (names shared with the source,
 * which must outlive it). Returns 0 or -1 out of memory. */
int sc_tables_copy(sc_tables *dst, const sc_tables *src);
void sc_tables_release(sc_tables *t);

/* Apply to t the timeline rows of s due at step, from *cursor (a position
 * in s->tl_order, starting at 0, advanced past them). Steps must be
 * visited in order. Returns the number of rows applied. */
size_t scenario_timeline_at(const scenario *s, sc_tables *t, size_t *cursor, int64_t step);

/* A deep copy (for a thread of its own). NULL out of memory. */
scenario *scenario_clone(const scenario *s);

/* Append a timeline row made live (the dashboard's changes): at the start
 * of step, set target to value. The row applies in every world built from s
 * afterwards, and in a running world if step is not yet past. A live row
 * of the same target at the same step is replaced. Returns 0, or
 * -1 with the reason in msg. */
int scenario_add_change(scenario *s, int64_t step, const char *target, const char *value, char *msg,
                        size_t n);

/* A digest of everything s would save (every table, every value; not its
 * name or directory): two scenarios that run alike have the same. 0 if
 * out of memory. */
uint64_t scenario_digest(const scenario *s);

/* Write s as a standalone scenario directory (created if missing): every
 * param (no extends; name = the directory's last part), every table as
 * loaded and --set (sinks.csv too, its header alone if there are no sinks,
 * so that nothing of an older save in dir is read back), and the timeline
 * with the live rows. comment becomes a comment row of params.csv. Files are
 * written under temporary names and renamed when all are complete.
 * Returns 0, or -1 with the reason in msg. */
int scenario_save(const scenario *s, const char *dir, const char *comment, char *msg, size_t n);

/* The name table k has in targets ("packs"), or NULL past the list tables. */
const char *scenario_table_key(int k);

/* A scenario saved as the changes to another (scenario_save_delta): dir
 * extends extends (a path as params.csv writes it) and holds params.csv
 * (comments, extends, name, and the params keys) and, whole, each list
 * table k with tables[k] set. */
typedef struct sc_delta {
    const char *dir, *extends;
    const char *const *comments;
    size_t ncomments;
    const char *const *keys;
    size_t nkeys;
    unsigned char tables[SC_NTABLES];
} sc_delta;

/* Write dl's files from s into dl->dir (created if missing), each under a
 * temporary name until all are complete. Returns 0, or -1 with msg. */
int scenario_save_delta(const scenario *s, const sc_delta *dl, char *msg, size_t n);

/* Segment sizes: largest-remainder rounding of share x viewers, ties to
 * the earlier row. out has t->nsegs entries. */
void scenario_segment_sizes(const sc_tables *t, int64_t *out);

/* The index in t->regions of the region named (NULL: the first, 0), or -1
 * for a name that is not a row. Without regions.csv the one region is
 * named all: only NULL and "all" are known. */
long scenario_region_of(const sc_tables *t, const char *name);

/* Region r's name and currency: its row's, or all and USD for the one
 * region of a scenario without regions.csv. */
const char *scenario_region_name(const sc_tables *t, size_t r);
const char *scenario_region_currency(const sc_tables *t, size_t r);

/* The region of each of n creators (docs/model.md §8: creator i, the most
 * popular first, goes where creator_share x (i + 1) less the creators
 * already there is largest, ties to the earlier row) into out (NULL: not
 * wanted), and their number per region into count (t->nregions entries,
 * or one without regions). */
void scenario_creator_regions(const sc_tables *t, int64_t n, uint16_t *out, int64_t *count);

#endif
