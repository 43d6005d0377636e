/* brk — a run's breakdowns (docs/outputs.md): per segment, per channel,
 * per gift and sink, per pack, per region, and the distribution of
 * creators' earnings.
 *
 * A run (or the dashboard's snapshot of one) leaves its raw figures in a
 * block: whole counts, coins and µUSD as int64, the creators' distribution
 * as doubles. Every figure a file or a view shows is computed from a block
 * by brk_value, from one table of definitions, so the output files, the
 * paired differences of compare and the dashboard show the same numbers. */
#ifndef COINSIM_BRK_H
#define COINSIM_BRK_H

#include <stddef.h>
#include <stdint.h>

#include "scenario.h"

enum brk_table {
    BRK_SEGMENTS,
    BRK_CHANNELS,
    BRK_GIFTS,
    BRK_PACKS,
    BRK_REGIONS,
    BRK_CREATORS, /* the last: its figures are doubles, not raw */
    BRK_NTABLES
};

/* How many rows each table has in a run: the scenario's segments, gifts
 * and sinks (one table), packs, regions (one without regions.csv); two
 * channels; one row of creators. */
typedef struct brk_shape {
    size_t nsegs, ngifts, nsinks, npacks, nregions;
} brk_shape;

/* The raw figures of a segment's row, a channel's, a gift's or sink's and a
 * pack's. */
enum {
    SR_VIEWERS, /* viewers who existed in the reported steps */
    SR_PAYERS,
    SR_SPEND, /* µUSD */
    SR_PURCHASES,
    SR_WALLET, /* coins, after the last step */
    SR_GIFTS,
    SR_LOST,
    SR_CHURNED,
    SR_GRANTED, /* coins */
    SR_SINKS,
    SR_SUNK, /* coins */
    SR_LOST_SINKS,
    SR_N
};
enum { CHR_PURCHASES, CHR_SOLD, CHR_BONUS, CHR_REVENUE, CHR_FEES, CHR_N };
enum { GR_SENT, GR_COINS, GR_N };
enum { PR_PURCHASES, PR_REVENUE, PR_CHANNEL, PR_N }; /* channel as loaded: CH_APP, CH_WEB */
/* A region's: money in µUSD, local amounts in µ-units of its currency. */
enum {
    RR_VIEWERS,
    RR_PAYERS,
    RR_PURCHASES,
    RR_CASH_USD,
    RR_CASH_LOCAL,
    RR_FEES,
    RR_CREATORS,
    RR_CASHOUTS,
    RR_GROSS,
    RR_NET,
    RR_PAID_LOCAL,
    RR_FX,
    RR_N
};

/* The creators' figures (doubles). */
enum {
    CR_CREATORS,
    CR_EARNERS,
    CR_MEAN,
    CR_P50,
    CR_P90,
    CR_P99,
    CR_MAX,
    CR_DECILE1, /* .. CR_DECILE1 + 9 */
    CR_TOP1 = CR_DECILE1 + 10,
    CR_TOP10,
    CR_GINI,
    CR_LIVE,
    CR_REACHED,
    CR_CASHED,
    CR_CASHOUTS,
    CR_N
};

/* One run's block: raw[brk_nraw(shape)] and cr[CR_N]. */
typedef struct brk_block {
    int64_t *raw;
    double *cr;
} brk_block;

size_t brk_nraw(const brk_shape *sh);

/* The blocks of many runs of one shape. */
typedef struct brk_store {
    brk_shape sh;
    size_t nraw;  /* raw figures per run */
    int64_t runs; /* room for */
    int64_t *raw; /* [runs * nraw] */
    double *cr;   /* [runs * CR_N] */
} brk_store;

/* Room for runs blocks of shape sh (grow: more, keeping those there).
 * Return 0 or -1 out of memory (the store as it was). */
int brk_store_init(brk_store *st, const brk_shape *sh, int64_t runs);
int brk_store_grow(brk_store *st, int64_t runs);
void brk_store_free(brk_store *st);
brk_block brk_at(const brk_store *st, int64_t i);
brk_shape brk_shape_of(const sc_tables *t);

/* Where the rows of table t begin in raw, and how many it has. */
size_t brk_rows(const brk_shape *sh, enum brk_table t);
int64_t *brk_row(const brk_shape *sh, int64_t *raw, enum brk_table t, size_t row);

/* What a run leaves behind for its block. */
struct books;
struct world_seg;
typedef struct brk_src {
    const struct world_seg *seg; /* [nsegs] of the shape; NULL when unknown (a log) */
    const struct books *b;       /* channels, gifts, sinks, packs */
    const sc_pack *packs;        /* as loaded: their channels group the packs */
    const sc_params *p;          /* now: usd_per_diamond values earnings */
    const int64_t *earned;       /* µD per creator, sorted */
    size_t ncreators;
    int desc;                    /* earned is largest first (else smallest first) */
    double live_per_step;        /* creators live, mean per step */
    int64_t reached, cashouts;   /* creators at the minimum or cashed out; cash-outs */
    const unsigned char *cashed; /* per creator: cashed out at least once */
    /* Regions: each segment's (NULL: all the first), payers per region
     * (NULL: the segments' payers) and creators per region. */
    const int *seg_region;
    const int64_t *region_payers, *region_creators;
} brk_src;

/* Fill block k (shape sh) from what a run left. */
void brk_fill(const brk_shape *sh, brk_block k, const brk_src *src);

/* Creators whose pending µD reach the withdrawal minimum under p, or who
 * have cashed out. */
int64_t brk_reached(const sc_params *p, const int64_t *pending, const unsigned char *cashed,
                    size_t n);

/* A figure of a table, and how it is made from a row's raw figures a and
 * b: a itself, a - b, a / b, a / (a + b), a's share of a over the table's
 * rows (or over the rows whose b is the same: a pack's channel), or the
 * creators' figure a. */
enum brk_kind { BK_RAW, BK_DIFF, BK_RATIO, BK_PART, BK_SHARE, BK_SHARE_IN, BK_REAL };
typedef struct brk_fig {
    const char *name;
    enum brk_kind kind;
    int a, b;
    int money;        /* a is µUSD: the figure is USD (a ratio: USD per b); BK_LOCAL
                * the same in the row's own currency */
    const char *what; /* one line, for help and headings */
} brk_fig;

enum { BK_USD = 1, BK_LOCAL = 2 }; /* brk_fig.money */

/* The figures of table t, and how many. */
const brk_fig *brk_figs(enum brk_table t, size_t *n);

/* The name of row `row` of table t for tables tb: a segment's, a gift's
 * or sink's (gifts first), a pack's, a region's (scenario_region_name),
 * app or web for the channels, "" for the creators' one row; NULL past the
 * table's rows. */
const char *brk_row_name(const sc_tables *tb, enum brk_table t, size_t row);

/* The file a table is written to ("segments.csv") and the name of its
 * label column(s) in the CSV header ("segment", "item,kind", ""). */
const char *brk_file(enum brk_table t);
const char *brk_labels(enum brk_table t);

/* Figure f of row `row` of table t in block k, as a double (USD for
 * money, plain otherwise). */
double brk_value(const brk_shape *sh, brk_block k, enum brk_table t, size_t row, size_t f);

/* The index of figure name in table t, or -1. */
int brk_fig_find(enum brk_table t, const char *name);

#endif
