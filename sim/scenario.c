#define _XOPEN_SOURCE 700
#include "scenario.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csvread.h"
#include "num.h"

/* F_MONEY and F_RATE are exact to 6 places (int64 micro-units); F_REAL,
 * a behaviour parameter that is a real number rather than an amount, takes
 * any decimal (a double in micro-units, see scenario.h). */
enum ftype { F_NAME, F_TEXT, F_PATH, F_INT, F_SEED, F_MONEY, F_RATE, F_REAL, F_CHANNEL, F_BOOL };

typedef struct sc_field {
    const char *name;
    enum ftype type;
    size_t off;
    int required;
    int shape; /* fixed once a run starts */
    int64_t dflt, lo, hi;
} sc_field;

#define MICRO  NUM_MICRO
#define USD(x) ((int64_t)(x)*MICRO)
#define P(f)   offsetof(sc_params, f) // NOLINT(bugprone-macro-parentheses): a member name

static const sc_field param_fields[] = {
    {"name", F_TEXT, P(name), 0, 1, 0, 0, 0},
    {"extends", F_PATH, P(extends), 0, 1, 0, 0, 0},
    {"steps", F_INT, P(steps), 0, 1, 90, 1, 100000},
    {"runs", F_INT, P(runs), 0, 1, 20, 1, 1000000},
    {"seed", F_SEED, P(seed), 0, 1, 1, 0, 0},
    {"viewers", F_INT, P(viewers), 0, 1, 100000, 1, 1000000000},
    {"creators", F_INT, P(creators), 0, 1, 1000, 1, 100000000},
    {"coin_value_usd", F_MONEY, P(coin_value), 0, 0, 10000, 0, USD(1)},
    {"commission", F_RATE, P(commission), 0, 0, 500000, 0, MICRO},
    {"usd_per_diamond", F_MONEY, P(usd_per_diamond), 0, 0, 5000, 100, USD(1)},
    {"store_fee_app", F_RATE, P(store_fee_app), 0, 0, 300000, 0, MICRO},
    {"store_fee_web", F_RATE, P(store_fee_web), 0, 0, 30000, 0, MICRO},
    {"min_withdrawal_usd", F_MONEY, P(min_withdrawal), 0, 0, USD(10), 0, USD(1000000000)},
    {"daily_withdrawal_limit_usd", F_MONEY, P(daily_limit), 0, 0, USD(1000), 0, USD(1000000000)},
    {"payout_fee_usd", F_MONEY, P(payout_fee), 0, 0, 0, 0, USD(1000000000)},
    {"payout_fee_rate", F_RATE, P(payout_fee_rate), 0, 0, 0, 0, MICRO},
    {"p_cashout", F_RATE, P(p_cashout), 0, 0, 150000, 0, MICRO},
    {"creator_zipf", F_REAL, P(creator_zipf), 0, 0, MICRO, 0, 10 * MICRO},
    {"live_prob", F_RATE, P(live_prob), 0, 0, 300000, 0, MICRO},
};
#undef P

#define K(f) offsetof(sc_pack, f) // NOLINT(bugprone-macro-parentheses)
static const sc_field pack_fields[] = {
    {"name", F_NAME, K(name), 1, 1, 0, 0, 0},
    {"coins", F_INT, K(coins), 1, 0, 0, 1, 1000000000},
    {"bonus_coins", F_INT, K(bonus), 0, 0, 0, 0, 1000000000},
    {"price_usd", F_MONEY, K(price), 1, 0, 0, 0, USD(1000000)},
    {"channel", F_CHANNEL, K(channel), 1, 0, 0, 0, 1},
    {"enabled", F_BOOL, K(enabled), 0, 0, 1, 0, 1},
};
#undef K

#define G(f) offsetof(sc_gift, f) // NOLINT(bugprone-macro-parentheses)
static const sc_field gift_fields[] = {
    {"name", F_NAME, G(name), 1, 1, 0, 0, 0},
    {"coins", F_INT, G(coins), 1, 0, 0, 1, 1000000},
    {"weight", F_REAL, G(weight), 0, 0, MICRO, 0, 1000000 * MICRO},
};
#undef G

#define S(f) offsetof(sc_segment, f) // NOLINT(bugprone-macro-parentheses)
static const sc_field seg_fields[] = {
    {"name", F_NAME, S(name), 1, 1, 0, 0, 0},
    {"share", F_RATE, S(share), 1, 1, 0, 0, MICRO},
    {"p_active", F_RATE, S(p_active), 1, 0, 0, 0, MICRO},
    {"gifts_per_session", F_REAL, S(gps), 1, 0, 0, 0, 1000 * MICRO},
    {"max_gift_coins", F_INT, S(max_gift), 1, 0, 0, 0, 1000000000},
    {"alpha", F_REAL, S(alpha), 1, 0, 0, -1000 * MICRO, 1000 * MICRO},
    {"beta", F_REAL, S(beta), 1, 0, 0, -1000 * MICRO, 1000 * MICRO},
    {"gamma", F_REAL, S(gamma), 1, 0, 0, -1000 * MICRO, 1000 * MICRO},
    {"web_share", F_RATE, S(web_share), 0, 0, 0, 0, MICRO},
    {"p_churn", F_RATE, S(p_churn), 0, 0, 0, 0, MICRO},
};
#undef S

#define NF(a) (sizeof(a) / sizeof((a)[0]))

typedef struct table_desc {
    const char *file; /* file name in the directory */
    const char *key;  /* table name in targets */
    const char *noun; /* for "no pack named X" */
    const sc_field *fields;
    size_t nfields;
    size_t size;
    int required;
} table_desc;

static const table_desc tables[SC_NTABLES] = {
    {"params.csv", "params", "param", param_fields, NF(param_fields), sizeof(sc_params), 0},
    {"packs.csv", "packs", "pack", pack_fields, NF(pack_fields), sizeof(sc_pack), 1},
    {"gifts.csv", "gifts", "gift", gift_fields, NF(gift_fields), sizeof(sc_gift), 1},
    {"segments.csv", "segments", "segment", seg_fields, NF(seg_fields), sizeof(sc_segment), 1},
    {"timeline.csv", "timeline", "row", NULL, 0, 0, 0},
};

/* ---------------------------------------------------------------- values */

static const char *type_expect(const sc_field *f, char *buf, size_t n)
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
        snprintf(buf, n, "an amount in USD from %s to %s with at most 6 decimals",
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
typedef struct parsed {
    int64_t i;
    uint64_t u;
    double r;
} parsed;

/* How a comma in a value is to be read. */
enum comma {
    COMMA_SEP,   /* a comma-separated file or the command line: an error */
    COMMA_DEC,   /* a semicolon-separated file: a decimal comma, "0,5" = 0.5 */
    COMMA_SPLIT, /* the value is two cells of a row joined at the comma
                       that split them: an unquoted 0,5 */
};

static int decimal_type(const sc_field *f)
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
    if (!decimal_type(f))
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
static int parse_value(const sc_field *f, const char *s, enum comma how, parsed *v, char *buf,
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
    const char *ex = type_expect(f, exp, sizeof exp);
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

static void store_value(void *row, const sc_field *f, const parsed *v, char *sv)
{
    char *p = (char *)row + f->off;
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

static void set_defaults(void *row, const sc_field *fs, size_t n)
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

static const sc_field *find_field(const table_desc *td, const char *name)
{
    for (size_t i = 0; i < td->nfields; i++)
        if (strcmp(td->fields[i].name, name) == 0)
            return &td->fields[i];
    return NULL;
}

static int blank(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return !*s;
}

/* Whether header cell h names the column name (lower case): a header is
 * matched whatever its case and surrounding blanks ("Price_USD "). ASCII
 * only, so no locale changes the answer. */
static int header_is(const char *h, const char *name)
{
    while (*h == ' ' || *h == '\t')
        h++;
    for (; *name; h++, name++) {
        char c = (*h >= 'A' && *h <= 'Z') ? (char)(*h - 'A' + 'a') : *h;
        if (c != *name)
            return 0;
    }
    return blank(h);
}

static const sc_field *find_column(const table_desc *td, const char *h)
{
    for (size_t i = 0; i < td->nfields; i++)
        if (header_is(h, td->fields[i].name))
            return &td->fields[i];
    return NULL;
}

/* The cells of a row up to the last one with text: the header's named
 * columns, or a data row's width. Empty cells after it are a
 * spreadsheet's unused columns. */
static size_t text_width(const csvr_row *row)
{
    size_t n = row->n;
    while (n > 0 && blank(row->cells[n - 1]))
        n--;
    return n;
}

static void field_list(const table_desc *td, char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < td->nfields && used < n; i++)
        used += (size_t)snprintf(buf + used, n - used, "%s%s", i ? ", " : "", td->fields[i].name);
}

/* ----------------------------------------------------------------- files */

static char *path_join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s%s%s", dir, (*dir && dir[strlen(dir) - 1] == '/') ? "" : "/", name);
    return p;
}

static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Whether cells k and k+1 of row may be one number split in two by its
 * decimal comma, an unquoted 0,5: sign and digits, then digits. */
static int split_pair(const csvr_row *row, size_t k)
{
    if (k + 1 >= row->n)
        return 0;
    const char *a = row->cells[k], *b = row->cells[k + 1];
    a += (*a == '+' || *a == '-');
    return *a && *b && strspn(a, "0123456789") == strlen(a) && strspn(b, "0123456789") == strlen(b);
}

#define MAX_COLS 64

/* A row of got cells where the header has want. */
static void wrong_width(diag *d, const char *file, long line, size_t got, size_t want)
{
    diag_add(d, DIAG_ERROR, file, line, NULL,
             "%zu cells in this row (expected %zu, as in the header)", got, want);
}

/* Count (up to 2) the ways of reading row's cells as the width columns,
 * joining split pairs where may_join allows, with only empty cells left
 * over; first gets the joins of the first way (no join tried before a
 * join). The ways from column ci on depend only on ci and the joins made
 * so far, so they are counted once each, back to front: O(width^2) steps
 * whatever the row. */
static int joins(const csvr_row *row, const unsigned char *may_join, size_t width,
                 unsigned char *first)
{
    unsigned char ways[MAX_COLS + 1][MAX_COLS + 2]; /* [ci][joins so far] */
    size_t tw = text_width(row);

    for (size_t j = 0; j <= width; j++)
        ways[width][j] = width + j >= tw && width + j <= row->n;
    for (size_t ci = width; ci-- > 0;)
        for (size_t j = 0; j <= ci; j++) {
            size_t k = ci + j;
            int w = 0;
            if (k < row->n) {
                w = ways[ci + 1][j];
                if (may_join[ci] && split_pair(row, k))
                    w += ways[ci + 1][j + 1];
            }
            ways[ci][j] = (unsigned char)(w > 2 ? 2 : w);
        }
    if (ways[0][0] == 1)
        for (size_t ci = 0, j = 0; ci < width; ci++) {
            first[ci] = !ways[ci + 1][j];
            j += first[ci];
        }
    return ways[0][0];
}

/* A data row read under the header's width named columns (at most
 * MAX_COLS): cell[i] is the text under column i. */
typedef struct fitted {
    const char *cell[MAX_COLS];
    unsigned char joined[MAX_COLS]; /* two cells joined at a decimal comma */
    char *buf;                      /* the joined texts; fit_done frees */
} fitted;

/* Fit row to the header, which has width named columns of hn cells.
 * Empty cells to the right of the named ones are dropped. Text there is
 * a number split by its decimal comma when exactly one way of joining
 * pairs of cells (in columns may_join allows) fits the row; else a value
 * under an empty header cell (reported, the row still read), or a row of
 * the wrong length. Returns 0, or -1 with the problem added to d. */
static int fit_row(const char *path, const csvr_row *row, const unsigned char *may_join,
                   size_t width, size_t hn, fitted *ft, diag *d)
{
    size_t tw = text_width(row);
    unsigned char first[MAX_COLS];

    memset(ft->joined, 0, sizeof ft->joined);
    ft->buf = NULL;
    if (row->n < width) {
        wrong_width(d, path, row->line, row->n, width);
        return -1;
    }
    if (tw > width && joins(row, may_join, width, first) == 1) {
        size_t len = 0;
        for (size_t j = 0; j < row->n; j++)
            len += strlen(row->cells[j]) + 1;
        char *p = ft->buf = malloc(len + 1);
        if (!p) {
            diag_add(d, DIAG_ERROR, path, row->line, NULL, "out of memory");
            return -1;
        }
        for (size_t i = 0, k = 0; i < width; i++) {
            ft->cell[i] = row->cells[k++];
            if ((ft->joined[i] = first[i])) {
                size_t a = strlen(row->cells[k - 1]), b = strlen(row->cells[k]);
                memcpy(p, row->cells[k - 1], a);
                p[a] = ',';
                memcpy(p + a + 1, row->cells[k++], b + 1);
                ft->cell[i] = p;
                p += a + b + 2;
            }
        }
        return 0;
    }
    if (tw > hn) {
        wrong_width(d, path, row->line, tw, hn);
        return -1;
    }
    for (size_t k = width; k < tw; k++)
        if (!blank(row->cells[k]))
            diag_add(d, DIAG_ERROR, path, row->line, "(empty)",
                     "value \"%.60s\" in column %zu, which has no name in the header (expected a "
                     "name above it, or an empty cell)",
                     row->cells[k], k + 1);
    for (size_t i = 0; i < width; i++)
        ft->cell[i] = row->cells[i];
    return 0;
}

static void fit_done(fitted *ft)
{
    free(ft->buf);
    ft->buf = NULL;
}

/* Load a list table (packs, gifts, segments) from path into arr and n.
 * The rows are read even after a problem in the header, skipping the
 * columns not understood, so that all of a file's problems show at once.
 * Returns 0 or -1 (errors in d). */
static int load_rows(const table_desc *td, const char *path, void **arr, size_t *n, diag *d)
{
    csvr *r = csvr_open(path, path, d);
    csvr_row row;
    const sc_field *col[MAX_COLS];
    unsigned char may_join[MAX_COLS] = {0};
    size_t width, hn, errs0 = d->errors;
    long hdr_line = 0;
    int rc;
    char fl[400], buf[400];
    unsigned char present[16] = {0};
    long *name_line = NULL;

    *arr = NULL;
    *n = 0;
    if (!r)
        return -1;
    field_list(td, fl, sizeof fl);
    rc = csvr_next(r, &row);
    if (rc <= 0) {
        if (rc == 0)
            diag_add(d, DIAG_ERROR, path, 0, NULL, "no header row (expected columns %s)", fl);
        csvr_close(r);
        return -1;
    }
    hdr_line = row.line;
    hn = row.n;
    width = text_width(&row);
    if (width > MAX_COLS) {
        diag_add(d, DIAG_ERROR, path, hdr_line, NULL,
                 "%zu columns in the header (expected at most %zu)", width, td->nfields);
        csvr_close(r);
        return -1;
    }
    for (size_t i = 0; i < width; i++) {
        const sc_field *f = blank(row.cells[i]) ? NULL : find_column(td, row.cells[i]);
        col[i] = f;
        if (!f) {
            diag_add(d, DIAG_ERROR, path, hdr_line, blank(row.cells[i]) ? "(empty)" : row.cells[i],
                     "unknown column (expected one of %s)", fl);
            continue;
        }
        size_t fi = (size_t)(f - td->fields);
        if (present[fi]) {
            diag_add(d, DIAG_ERROR, path, hdr_line, f->name,
                     "column appears twice in the header (expected once)");
            col[i] = NULL;
        }
        present[fi] = 1;
        may_join[i] = col[i] && decimal_type(f);
    }
    for (size_t i = 0; i < td->nfields; i++)
        if (td->fields[i].required && !present[i])
            diag_add(d, DIAG_ERROR, path, hdr_line, td->fields[i].name,
                     "required column missing (expected \"%s\" in the header)", td->fields[i].name);
    enum comma how = csvr_delim(r) == ';' ? COMMA_DEC : COMMA_SEP;

    size_t cap = 0;
    char *a = NULL;
    while ((rc = csvr_next(r, &row)) > 0) {
        if (*n == cap) {
            size_t nc = cap ? cap * 2 : 16;
            char *na = realloc(a, nc * td->size);
            long *nl = realloc(name_line, nc * sizeof *nl);
            if (!na || !nl) {
                free(na ? na : a);
                free(nl ? nl : name_line);
                diag_add(d, DIAG_ERROR, path, row.line, NULL, "out of memory");
                csvr_close(r);
                *arr = NULL;
                *n = 0;
                return -1;
            }
            a = na;
            name_line = nl;
            cap = nc;
        }
        void *e = a + *n * td->size;
        memset(e, 0, td->size);
        set_defaults(e, td->fields, td->nfields);
        (*n)++;
        name_line[*n - 1] = row.line;
        fitted ft;
        if (fit_row(path, &row, may_join, width, hn, &ft, d) < 0)
            continue;
        for (size_t i = 0; i < width; i++) {
            const sc_field *f = col[i];
            if (!f)
                continue; /* not understood: refused in the header */
            const char *s = ft.cell[i];
            parsed v = {0};
            const char *why;
            if (!*s && !f->required)
                continue; /* empty optional cell: default */
            if (!*s) {
                diag_add(d, DIAG_ERROR, path, row.line, f->name, "empty value (expected %s)",
                         type_expect(f, fl, sizeof fl));
                field_list(td, fl, sizeof fl);
                continue;
            }
            if (parse_value(f, s, ft.joined[i] ? COMMA_SPLIT : how, &v, buf, sizeof buf, &why) <
                0) {
                diag_add(d, DIAG_ERROR, path, row.line, f->name, "%s", why);
                continue;
            }
            char *sv = NULL;
            if (f->type == F_NAME && !(sv = strdup(s))) {
                diag_add(d, DIAG_ERROR, path, row.line, NULL, "out of memory");
                continue;
            }
            store_value(e, f, &v, sv);
        }
        fit_done(&ft);
        /* Names are unique within a table. */
        char *nm = *(char **)e;
        for (size_t j = 0; nm && j + 1 < *n; j++) {
            char *other = *(char **)(a + j * td->size);
            if (other && strcmp(other, nm) == 0) {
                diag_add(
                    d, DIAG_ERROR, path, row.line, "name",
                    "duplicate name \"%s\" (first on line %ld; names are unique within a table)",
                    nm, name_line[j]);
                break;
            }
        }
    }
    free(name_line);
    csvr_close(r);
    *arr = a;
    return (rc < 0 || d->errors > errs0) ? -1 : 0;
}

/* A raw key/value or timeline row, kept until the whole chain is known. */
typedef struct raw {
    char *a, *b, *c;
    long line;
    const char *file;
    size_t split; /* the value was two cells joined at a comma
                                  (0,5 unquoted): the row's cells, else 0 */
} raw;

typedef struct rawlist {
    raw *v;
    size_t n, cap;
    enum comma how; /* the file's: COMMA_DEC if ';'-separated */
    size_t errs;    /* problems its file had (the timeline's) */
} rawlist;

static void raw_free(rawlist *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].a);
        free(l->v[i].b);
        free(l->v[i].c);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

/* Read a table of fixed columns (params: key,value; timeline:
 * step,target,value; value last) into raw rows, the rows even after a
 * problem in the header if its columns are there. Returns 0 or -1. */
static int load_raw(const char *path, const char *const *cols, size_t ncols, rawlist *out,
                    const char *file, diag *d)
{
    csvr *r = csvr_open(path, path, d);
    csvr_row row;
    int rc, idx[3] = {-1, -1, -1};
    size_t errs0 = d->errors;
    char expect[64];

    if (!r)
        return -1;
    snprintf(expect, sizeof expect, "%s,%s%s%s", cols[0], cols[1], ncols > 2 ? "," : "",
             ncols > 2 ? cols[2] : "");
    rc = csvr_next(r, &row);
    if (rc <= 0) {
        if (rc == 0)
            diag_add(d, DIAG_ERROR, path, 0, NULL, "no header row (expected columns %s)", expect);
        csvr_close(r);
        return -1;
    }
    size_t hn = row.n, width = text_width(&row);
    for (size_t i = 0; i < width; i++) {
        size_t k = ncols;
        if (!blank(row.cells[i]))
            for (k = 0; k < ncols && !header_is(row.cells[i], cols[k]); k++)
                ;
        if (k == ncols)
            diag_add(d, DIAG_ERROR, path, row.line, blank(row.cells[i]) ? "(empty)" : row.cells[i],
                     "unknown column (expected %s)", expect);
        else if (idx[k] >= 0)
            diag_add(d, DIAG_ERROR, path, row.line, cols[k],
                     "column appears twice in the header (expected once)");
        else
            idx[k] = (int)i;
    }
    int readable = width <= MAX_COLS;
    for (size_t k = 0; k < ncols; k++)
        if (idx[k] < 0) {
            diag_add(d, DIAG_ERROR, path, row.line, cols[k],
                     "required column missing (expected \"%s\" in the header)", cols[k]);
            readable = 0;
        }
    if (!readable) {
        csvr_close(r);
        return -1;
    }
    out->how = csvr_delim(r) == ';' ? COMMA_DEC : COMMA_SEP;
    unsigned char may_join[MAX_COLS] = {0};
    size_t vi = (size_t)idx[ncols - 1];
    may_join[vi] = 1;
    while ((rc = csvr_next(r, &row)) > 0) {
        fitted ft;
        if (fit_row(path, &row, may_join, width, hn, &ft, d) < 0)
            continue;
        if (out->n == out->cap) {
            size_t nc = out->cap ? out->cap * 2 : 16;
            raw *nv = realloc(out->v, nc * sizeof *nv);
            if (!nv) {
                fit_done(&ft);
                diag_add(d, DIAG_ERROR, path, row.line, NULL, "out of memory");
                break;
            }
            out->v = nv;
            out->cap = nc;
        }
        raw *w = &out->v[out->n++];
        w->a = strdup(ft.cell[idx[0]]);
        w->b = strdup(ft.cell[idx[1]]);
        w->c = ncols > 2 ? strdup(ft.cell[idx[2]]) : NULL;
        w->line = row.line;
        w->file = file;
        w->split = ft.joined[vi] ? text_width(&row) : 0;
        fit_done(&ft);
        if (!w->a || !w->b || (ncols > 2 && !w->c)) {
            diag_add(d, DIAG_ERROR, path, row.line, NULL, "out of memory");
            break;
        }
    }
    csvr_close(r);
    return (rc < 0 || d->errors > errs0) ? -1 : 0;
}

/* ------------------------------------------------------------- changes */

void sc_change_free(sc_change *c)
{
    free(c->sval);
    free(c->target);
    free(c->value);
    memset(c, 0, sizeof *c);
}

static void *row_ptr(const sc_tables *t, int table, size_t index)
{
    switch (table) {
    case SC_PARAMS: return (void *)&t->p;
    case SC_PACKS: return &t->packs[index];
    case SC_GIFTS: return &t->gifts[index];
    case SC_SEGMENTS: return &t->segs[index];
    }
    return NULL;
}

/* Find the field target names (table, row and field; shape fields only if
 * allow_shape). Returns 0, or -1 with why (possibly in buf). */
static int find_target(const sc_tables *t, const char *target, int allow_shape, int *table_out,
                       size_t *index_out, const sc_field **field_out, char *buf, size_t bufsz,
                       const char **why)
{
    char tb[256], fl[400];
    const char *dot = strchr(target, '.');
    int table = -1;

    if (!dot || (size_t)(dot - target) >= sizeof tb) {
        snprintf(buf, bufsz,
                 "\"%.80s\" is not a target (expected params.KEY, packs.NAME.FIELD, "
                 "gifts.NAME.FIELD or segments.NAME.FIELD)",
                 target);
        *why = buf;
        return -1;
    }
    memcpy(tb, target, (size_t)(dot - target));
    tb[dot - target] = '\0';
    for (int i = SC_PARAMS; i <= SC_SEGMENTS; i++)
        if (strcmp(tables[i].key, tb) == 0)
            table = i;
    if (table < 0) {
        snprintf(buf, bufsz,
                 "unknown table \"%.80s\" in \"%.80s\" (expected params, packs, gifts or segments)",
                 tb, target);
        *why = buf;
        return -1;
    }
    const table_desc *td = &tables[table];
    const char *fname = dot + 1;
    size_t index = 0;
    if (table != SC_PARAMS) {
        const char *dot2 = strchr(fname, '.');
        size_t nrows = table == SC_PACKS ? t->npacks : table == SC_GIFTS ? t->ngifts : t->nsegs;
        if (!dot2) {
            snprintf(buf, bufsz, "\"%.80s\" names no field (expected %s.NAME.FIELD)", target,
                     td->key);
            *why = buf;
            return -1;
        }
        size_t nl = (size_t)(dot2 - fname);
        for (index = 0; index < nrows; index++) {
            const char *nm = *(char **)row_ptr(t, table, index);
            if (nm && strlen(nm) == nl && memcmp(nm, fname, nl) == 0)
                break;
        }
        if (index == nrows) {
            snprintf(buf, bufsz, "no %s named \"%.*s\" (expected a name from %s.csv)", td->noun,
                     (int)(nl > 80 ? 80 : nl), fname, td->key);
            *why = buf;
            return -1;
        }
        fname = dot2 + 1;
    }
    const sc_field *f = find_field(td, fname);
    if (!f) {
        field_list(td, fl, sizeof fl);
        snprintf(buf, bufsz, "unknown %s \"%.80s\" (expected one of %s)",
                 table == SC_PARAMS ? "key" : "field", fname, fl);
        *why = buf;
        return -1;
    }
    if (f->type == F_PATH || (f->type == F_NAME) || (f->shape && !allow_shape)) {
        snprintf(
            buf, bufsz,
            "%s cannot change once the world is built (the shape of a run is fixed; use --set)",
            target);
        if (f->type == F_PATH || f->type == F_NAME)
            snprintf(buf, bufsz, "%s cannot be changed by a target (edit the scenario's files)",
                     target);
        *why = buf;
        return -1;
    }
    *table_out = table;
    *index_out = index;
    *field_out = f;
    return 0;
}

/* scenario_resolve, with a comma in value read as how says. */
static int resolve(const sc_tables *t, const char *target, const char *value, int allow_shape,
                   enum comma how, sc_change *c, char *buf, size_t bufsz, const char **column,
                   const char **why)
{
    char exp[160];
    const sc_field *f;
    parsed v = {0};

    memset(c, 0, sizeof *c);
    *column = "target";
    if (find_target(t, target, allow_shape, &c->table, &c->index, &f, buf, bufsz, why) < 0)
        return -1;
    *column = "value";
    if (!*value) {
        snprintf(buf, bufsz, "empty value for %.80s (expected %s)", target,
                 type_expect(f, exp, sizeof exp));
        *why = buf;
        return -1;
    }
    if (parse_value(f, value, how, &v, buf, bufsz, why) < 0)
        return -1;
    c->field = f;
    c->ival = v.i;
    c->uval = v.u;
    c->dval = v.r;
    c->target = strdup(target);
    c->value = strdup(value);
    if (f->type == F_TEXT)
        c->sval = strdup(value);
    if (!c->target || !c->value || (f->type == F_TEXT && !c->sval)) {
        sc_change_free(c);
        *why = "out of memory";
        return -1;
    }
    /* Kept as the point form, so a saved timeline reads the same in any file. */
    if (how == COMMA_DEC && f->type != F_TEXT && num_decimal_comma(c->value))
        *strchr(c->value, ',') = '.';
    return 0;
}

int scenario_resolve(const sc_tables *t, const char *target, const char *value, int allow_shape,
                     sc_change *c, char *buf, size_t bufsz, const char **column, const char **why)
{
    return resolve(t, target, value, allow_shape, COMMA_SEP, c, buf, bufsz, column, why);
}

void sc_change_apply(sc_tables *t, const sc_change *c)
{
    char *sv = NULL;
    parsed v = {c->ival, c->uval, c->dval};
    if (c->field->type == F_TEXT)
        sv = strdup(c->sval);
    store_value(row_ptr(t, c->table, c->index), c->field, &v, sv);
}

/* --------------------------------------------------------------- loading */

typedef struct chain {
    char *real;
    struct chain *next;
} chain;

static void free_tables(sc_tables *t)
{
    for (size_t i = 0; i < t->npacks; i++)
        free(t->packs[i].name);
    for (size_t i = 0; i < t->ngifts; i++)
        free(t->gifts[i].name);
    for (size_t i = 0; i < t->nsegs; i++)
        free(t->segs[i].name);
    free(t->packs);
    free(t->gifts);
    free(t->segs);
    t->packs = NULL;
    t->gifts = NULL;
    t->segs = NULL;
    t->npacks = t->ngifts = t->nsegs = 0;
}

static void replace_file(scenario *s, int table, const char *path)
{
    free(s->file[table]);
    s->file[table] = strdup(path);
}

static int load_layer(scenario *s, const char *dir, chain *seen, int depth, rawlist *tl, diag *d)
{
    rawlist params = {0};
    char *path = NULL;
    const char *extends = NULL;
    long ext_line = 0;
    int rc = 0;
    struct stat st;
    static const char *const pcols[] = {"key", "value"};
    static const char *const tcols[] = {"step", "target", "value"};

    if (!*dir) {
        diag_add(d, DIAG_ERROR, "\"\"", 0, NULL, "an empty name (expected a scenario directory)");
        return -1;
    }
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        diag_add(d, DIAG_ERROR, dir, 0, NULL, "%s (expected a scenario directory)",
                 stat(dir, &st) != 0 ? strerror(errno) : "not a directory");
        return -1;
    }
    char *real = realpath(dir, NULL);
    if (!real) {
        diag_add(d, DIAG_ERROR, dir, 0, NULL, "%s", strerror(errno));
        return -1;
    }
    for (chain *c = seen; c; c = c->next) {
        if (strcmp(c->real, real) == 0) {
            diag_add(d, DIAG_ERROR, dir, 0, NULL,
                     "extends forms a cycle: this directory is its own base (expected a chain of "
                     "bases that ends)");
            free(real);
            return -1;
        }
    }
    if (depth > 32) {
        diag_add(d, DIAG_ERROR, dir, 0, NULL,
                 "extends chain deeper than 32 (expected a short chain of bases)");
        free(real);
        return -1;
    }
    chain me = {real, seen};

    path = path_join(dir, "params.csv");
    if (path && file_exists(path)) {
        char *keep = strdup(path);
        if (load_raw(path, pcols, 2, &params, keep, d) < 0)
            rc = -1;
        /* keep the file name alive for timeline/param messages */
        free(s->file[SC_PARAMS]);
        s->file[SC_PARAMS] = keep;
        for (size_t i = 0; i < params.n; i++)
            if (strcmp(params.v[i].a, "extends") == 0) {
                extends = params.v[i].b;
                ext_line = params.v[i].line;
            }
    }
    free(path);

    if (extends) {
        char *base = NULL;
        if (!*extends) {
            diag_add(d, DIAG_ERROR, s->file[SC_PARAMS], ext_line, "value",
                     "empty value for extends (expected a directory path)");
            rc = -1;
        } else {
            base = extends[0] == '/' ? strdup(extends) : path_join(dir, extends);
            /* A base that is not there is this line's fault: say so here,
             * not at a joined path the user never wrote. */
            struct stat bst;
            int berr = !base                   ? ENOMEM
                       : stat(base, &bst) != 0 ? errno
                       : !S_ISDIR(bst.st_mode) ? ENOTDIR
                                               : 0;
            if (berr) {
                diag_add(d, DIAG_ERROR, s->file[SC_PARAMS], ext_line, "value",
                         "extends \"%s\": %s (expected a scenario directory; a relative path "
                         "starts from this one)",
                         extends, strerror(berr));
                rc = -1;
            } else {
                /* The base's params.csv path replaces ours in s->file while
                 * it loads; put ours back after. */
                char *mine = s->file[SC_PARAMS];
                s->file[SC_PARAMS] = NULL;
                size_t e0 = d->errors;
                if (load_layer(s, base, &me, depth + 1, tl, d) < 0) {
                    if (d->errors == e0)
                        diag_add(d, DIAG_ERROR, mine, ext_line, "value", "cannot load base \"%s\"",
                                 extends);
                    rc = -1;
                }
                free(s->file[SC_PARAMS]);
                s->file[SC_PARAMS] = mine;
            }
            free(base);
        }
    }

    /* This layer's list tables replace the base's. */
    for (int t = SC_PACKS; t <= SC_SEGMENTS; t++) {
        char *p = path_join(dir, tables[t].file);
        if (p && file_exists(p)) {
            void *arr;
            size_t n;
            int lr = load_rows(&tables[t], p, &arr, &n, d);
            sc_tables tmp = {0};
            if (t == SC_PACKS) {
                tmp.packs = s->t.packs;
                tmp.npacks = s->t.npacks;
                s->t.packs = arr;
                s->t.npacks = n;
            }
            if (t == SC_GIFTS) {
                tmp.gifts = s->t.gifts;
                tmp.ngifts = s->t.ngifts;
                s->t.gifts = arr;
                s->t.ngifts = n;
            }
            if (t == SC_SEGMENTS) {
                tmp.segs = s->t.segs;
                tmp.nsegs = s->t.nsegs;
                s->t.segs = arr;
                s->t.nsegs = n;
            }
            free_tables(&tmp);
            replace_file(s, t, p);
            if (lr < 0)
                rc = -1;
        }
        free(p);
    }
    char *tp = path_join(dir, "timeline.csv");
    if (tp && file_exists(tp)) {
        size_t e0 = d->errors;
        raw_free(tl);
        replace_file(s, SC_TIMELINE, tp);
        if (load_raw(tp, tcols, 3, tl, s->file[SC_TIMELINE], d) < 0)
            rc = -1;
        tl->errs = d->errors - e0;
    }
    free(tp);

    /* This layer's params override the base's one key at a time. */
    int own_name = 0;
    for (size_t i = 0; i < params.n; i++) {
        raw *w = &params.v[i];
        const sc_field *f = find_field(&tables[SC_PARAMS], w->a);
        char buf[400], fl[400];
        const char *why;
        parsed v = {0};
        for (size_t j = 0; j < i; j++)
            if (strcmp(params.v[j].a, w->a) == 0) {
                diag_add(d, DIAG_ERROR, w->file, w->line, "key",
                         "key \"%s\" given twice (expected each key once; first on line %ld)", w->a,
                         params.v[j].line);
                rc = -1;
                goto next;
            }
        if (!f) {
            field_list(&tables[SC_PARAMS], fl, sizeof fl);
            diag_add(d, DIAG_ERROR, w->file, w->line, "key",
                     "unknown key \"%s\" (expected one of %s)", w->a, fl);
            rc = -1;
            continue;
        }
        if (w->split && !decimal_type(f)) {
            wrong_width(d, w->file, w->line, w->split, w->split - 1);
            rc = -1;
            continue;
        }
        if (f->type == F_PATH)
            continue;
        if (parse_value(f, w->b, w->split ? COMMA_SPLIT : params.how, &v, buf, sizeof buf, &why) <
            0) {
            diag_add(d, DIAG_ERROR, w->file, w->line, "value", "%s: %s", w->a, why);
            rc = -1;
            continue;
        }
        char *sv = f->type == F_TEXT ? strdup(w->b) : NULL;
        store_value(&s->t.p, f, &v, sv);
        if (f->type == F_TEXT)
            own_name = 1;
    next:;
    }
    if (!own_name) {
        /* name is not inherited: default to this directory's name. */
        const char *b = strrchr(real, '/');
        free(s->t.p.name);
        s->t.p.name = strdup(b && b[1] ? b + 1 : real);
    }
    if (depth == 0 && extends) {
        free(s->t.p.extends);
        s->t.p.extends = strdup(extends);
    }
    raw_free(&params);
    free(real);
    return rc;
}

/* Rows apply at their step, in file order within a step: the order is
 * sorted on (step, position in the file), a total order, so qsort's
 * instability cannot reorder anything. */
typedef struct tl_key {
    int64_t step;
    size_t pos;
} tl_key;

static int cmp_tl(const void *a, const void *b)
{
    const tl_key *x = a, *y = b;
    if (x->step != y->step)
        return x->step < y->step ? -1 : 1;
    return (x->pos > y->pos) - (x->pos < y->pos);
}

static int order_timeline(scenario *s)
{
    tl_key *k = malloc((s->ntl ? s->ntl : 1) * sizeof *k);
    size_t *o = malloc((s->ntl ? s->ntl : 1) * sizeof *o);
    if (!k || !o) {
        free(k);
        free(o);
        return -1;
    }
    for (size_t i = 0; i < s->ntl; i++) {
        k[i].step = s->timeline[i].step;
        k[i].pos = i;
    }
    qsort(k, s->ntl, sizeof *k, cmp_tl);
    for (size_t i = 0; i < s->ntl; i++)
        o[i] = k[i].pos;
    free(k);
    free(s->tl_order);
    s->tl_order = o;
    return 0;
}

static int compile_timeline(scenario *s, rawlist *tl, diag *d)
{
    int rc = 0;
    s->timeline = calloc(tl->n ? tl->n : 1, sizeof *s->timeline);
    if (!s->timeline) {
        diag_add(d, DIAG_ERROR, s->file[SC_TIMELINE], 0, NULL, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < tl->n; i++) {
        raw *w = &tl->v[i];
        sc_tlrow *row = &s->timeline[s->ntl];
        const char *why, *col;
        char buf[600];
        int pr = num_parse_int(w->a, &row->step, &why);
        if (pr < 0 || row->step < 0) {
            if (pr == 0)
                why = "negative";
            diag_add(d, DIAG_ERROR, w->file, w->line, "step",
                     "%s \"%s\" (expected a whole number of steps from 0)", why, w->a);
            rc = -1;
            continue;
        }
        if (w->split) {
            /* Two cells joined at a comma: a number's decimal comma if the
             * target takes a decimal, else just a row too long. */
            int tb;
            size_t ix;
            const sc_field *f;
            if (find_target(&s->t, w->b, 0, &tb, &ix, &f, buf, sizeof buf, &why) == 0 &&
                !decimal_type(f)) {
                wrong_width(d, w->file, w->line, w->split, w->split - 1);
                rc = -1;
                continue;
            }
        }
        if (resolve(&s->t, w->b, w->c, 0, w->split ? COMMA_SPLIT : tl->how, &row->c, buf,
                    sizeof buf, &col, &why) < 0) {
            diag_add(d, DIAG_ERROR, w->file, w->line, col, "%s", why);
            rc = -1;
            continue;
        }
        row->file = w->file;
        row->line = w->line;
        s->ntl++;
    }
    if (order_timeline(s) < 0) {
        diag_add(d, DIAG_ERROR, s->file[SC_TIMELINE], 0, NULL, "out of memory");
        return -1;
    }
    return rc;
}

scenario *scenario_load(const char *dir, diag *d)
{
    scenario *s = calloc(1, sizeof *s);
    rawlist tl = {0};
    size_t e0 = d->errors;

    if (!s || !(s->dir = strdup(dir))) {
        free(s);
        diag_add(d, DIAG_ERROR, dir, 0, NULL, "out of memory");
        return NULL;
    }
    set_defaults(&s->t.p, param_fields, NF(param_fields));
    load_layer(s, dir, NULL, 0, &tl, d);
    /* The timeline's rows are resolved against tables that loaded cleanly,
     * even if the timeline file itself had a problem (in its header, say),
     * so that all of that file's problems show at once. */
    if (d->errors - tl.errs == e0) {
        for (int t = SC_PACKS; t <= SC_SEGMENTS; t++) {
            if (!s->file[t]) {
                char *p = path_join(dir, tables[t].file);
                diag_add(
                    d, DIAG_ERROR, p ? p : dir, 0, NULL,
                    "required table missing (expected %s in the scenario directory or its base)",
                    tables[t].file);
                free(p);
            }
        }
        if (d->errors - tl.errs == e0)
            compile_timeline(s, &tl, d);
    }
    /* The timeline rows point at file names owned by s->file; the raw list
     * used the same pointers, so only its strings go. */
    raw_free(&tl);
    if (d->errors > e0) {
        scenario_free(s);
        return NULL;
    }
    return s;
}

void scenario_free(scenario *s)
{
    if (!s)
        return;
    free_tables(&s->t);
    free(s->t.p.name);
    free(s->t.p.extends);
    for (size_t i = 0; i < s->ntl; i++)
        sc_change_free(&s->timeline[i].c);
    free(s->timeline);
    free(s->tl_order);
    for (int i = 0; i < SC_NTABLES; i++)
        free(s->file[i]);
    free(s->set_limits);
    free(s->set_shares);
    free(s->dir);
    free(s);
}

/* Remember label if c changed a field the cross-table checks look at
 * (scenario.h). Returns 0, or -1 out of memory. */
static int note_set(scenario *s, const sc_change *c, const char *label)
{
    char **blame = NULL;
    size_t off = c->field ? c->field->off : SIZE_MAX;
    if (c->table == SC_PARAMS &&
        (off == offsetof(sc_params, min_withdrawal) || off == offsetof(sc_params, daily_limit)))
        blame = &s->set_limits;
    else if (c->table == SC_SEGMENTS && off == offsetof(sc_segment, share))
        blame = &s->set_shares;
    if (!blame)
        return 0;
    char *l = strdup(label);
    if (!l)
        return -1;
    free(*blame);
    *blame = l;
    return 0;
}

int scenario_set(scenario *s, const char *assign, const char *label, diag *d)
{
    char buf[600];
    const char *eq = strchr(assign, '='), *col, *why;
    sc_change c;

    if (!eq || eq == assign) {
        diag_add(d, DIAG_ERROR, label, 0, NULL,
                 "\"%.80s\" is not TARGET=VALUE (for example commission=0.4 or "
                 "packs.app65.price_usd=0.89)",
                 assign);
        return -1;
    }
    char *target = strndup(assign, (size_t)(eq - assign));
    if (!target) {
        diag_add(d, DIAG_ERROR, label, 0, NULL, "out of memory");
        return -1;
    }
    /* A bare KEY means params.KEY: --set commission=0.4. */
    char *full = NULL;
    if (!strchr(target, '.')) {
        size_t fl = strlen(target) + 8;
        full = malloc(fl);
        if (full)
            snprintf(full, fl, "params.%s", target);
    }
    int rc =
        scenario_resolve(&s->t, full ? full : target, eq + 1, 1, &c, buf, sizeof buf, &col, &why);
    if (rc < 0)
        diag_add(d, DIAG_ERROR, label, 0, col, "%s", why);
    else {
        sc_change_apply(&s->t, &c);
        if (note_set(s, &c, label) < 0) {
            diag_add(d, DIAG_ERROR, label, 0, NULL, "out of memory");
            rc = -1;
        }
        sc_change_free(&c);
    }
    free(full);
    free(target);
    return rc;
}

/* ---------------------------------------------------------------- checks */

void scenario_segment_sizes(const sc_tables *t, int64_t *out)
{
    /* floor(share x viewers) each, then the leftover viewers one by one to
     * the largest remainders, ties to the earlier row. */
    int64_t total = 0;
    int64_t *rem = calloc(t->nsegs ? t->nsegs : 1, sizeof *rem);
    for (size_t i = 0; i < t->nsegs; i++) {
        unsigned __int128 x =
            (unsigned __int128)(uint64_t)t->segs[i].share * (uint64_t)t->p.viewers;
        out[i] = (int64_t)(x / MICRO);
        if (rem)
            rem[i] = (int64_t)(x % MICRO);
        total += out[i];
    }
    while (rem && total < t->p.viewers) {
        size_t best = 0;
        for (size_t i = 1; i < t->nsegs; i++)
            if (rem[i] > rem[best])
                best = i;
        if (rem[best] < 0)
            break;
        out[best]++;
        rem[best] = -1;
        total++;
    }
    free(rem);
}

static void check_state(const sc_tables *t, const char *where, long line, int64_t step, diag *d)
{
    char a[NUM_BUF], b[NUM_BUF];
    if (t->p.min_withdrawal > t->p.daily_limit) {
        if (step < 0)
            diag_add(d, DIAG_ERROR, where, line, "value",
                     "min_withdrawal_usd %s is above daily_withdrawal_limit_usd %s (expected a "
                     "minimum at or below the daily limit)",
                     num_fmt_short(a, t->p.min_withdrawal), num_fmt_short(b, t->p.daily_limit));
        else
            diag_add(d, DIAG_ERROR, where, line, "value",
                     "from step %lld min_withdrawal_usd %s is above daily_withdrawal_limit_usd %s "
                     "(expected a minimum at or below the daily limit)",
                     (long long)step, num_fmt_short(a, t->p.min_withdrawal),
                     num_fmt_short(b, t->p.daily_limit));
    }
}

size_t scenario_check(const scenario *s, diag *d)
{
    size_t e0 = d->errors;
    const sc_tables *t = &s->t;
    char a[NUM_BUF];

    int64_t sum = 0;
    for (size_t i = 0; i < t->nsegs; i++)
        sum += t->segs[i].share;
    if (t->nsegs == 0)
        diag_add(d, DIAG_ERROR, s->file[SC_SEGMENTS], 0, NULL,
                 "no segments: every viewer belongs to one (expected at least one row)");
    else if (sum != MICRO)
        diag_add(d, DIAG_ERROR, s->set_shares ? s->set_shares : s->file[SC_SEGMENTS], 0, "share",
                 "shares sum to %s (expected exactly 1)", num_fmt_short(a, sum));
    if (t->npacks == 0)
        diag_add(d, DIAG_WARNING, s->file[SC_PACKS], 0, NULL, "no packs: nobody can buy coins");
    if (t->ngifts == 0)
        diag_add(d, DIAG_WARNING, s->file[SC_GIFTS], 0, NULL, "no gifts: nobody can send one");
    for (size_t i = 0; i < t->nsegs && t->ngifts; i++) {
        int reach = 0, cheap = 0;
        for (size_t g = 0; g < t->ngifts; g++) {
            cheap |= t->gifts[g].coins <= t->segs[i].max_gift;
            reach |= t->gifts[g].coins <= t->segs[i].max_gift && t->gifts[g].weight > 0;
        }
        if (!reach && t->segs[i].p_active > 0 && t->segs[i].gps > 0)
            diag_add(d, DIAG_WARNING, s->file[SC_SEGMENTS], 0, "max_gift_coins",
                     cheap ? "segment \"%s\" can reach no gift (every gift within max_gift_coins "
                             "%lld has weight 0): it forms no intents"
                           : "segment \"%s\" can reach no gift (max_gift_coins %lld is below every "
                             "gift): it forms no intents",
                     t->segs[i].name, (long long)t->segs[i].max_gift);
    }
    check_state(t,
                s->set_limits        ? s->set_limits
                : s->file[SC_PARAMS] ? s->file[SC_PARAMS]
                                     : "params.csv",
                0, -1, d);

    /* Walk the timeline on a copy in the order a run applies it
     * (s->tl_order), checking the state after each step's rows. A state
     * that turns bad is reported once, at that step's last row, not again at
     * every later step it stays bad. */
    for (size_t i = 0; i < s->ntl; i++) {
        const sc_tlrow *r = &s->timeline[i];
        if (r->step >= t->p.steps)
            diag_add(
                d, DIAG_WARNING, r->file, r->line, "step",
                "step %lld is at or beyond the last step (steps = %lld): this row never applies",
                (long long)r->step, (long long)t->p.steps);
    }
    sc_tables w;
    if (s->ntl && sc_tables_copy(&w, t) == 0) {
        size_t n = 0;
        while (n < s->ntl && s->timeline[s->tl_order[n]].step < t->p.steps)
            n++;
        int bad = t->p.min_withdrawal > t->p.daily_limit;
        for (size_t k = 0; k < n; k++) {
            const sc_tlrow *r = &s->timeline[s->tl_order[k]];
            sc_change_apply(&w, &r->c);
            if (k + 1 < n && s->timeline[s->tl_order[k + 1]].step == r->step)
                continue;
            int now = w.p.min_withdrawal > w.p.daily_limit;
            if (now && !bad)
                check_state(&w, r->file, r->line, r->step, d);
            bad = now;
        }
        sc_tables_release(&w);
    }
    return d->errors - e0;
}

int sc_tables_copy(sc_tables *dst, const sc_tables *src)
{
    *dst = *src;
    dst->packs = malloc((src->npacks ? src->npacks : 1) * sizeof *dst->packs);
    dst->gifts = malloc((src->ngifts ? src->ngifts : 1) * sizeof *dst->gifts);
    dst->segs = malloc((src->nsegs ? src->nsegs : 1) * sizeof *dst->segs);
    if (!dst->packs || !dst->gifts || !dst->segs) {
        sc_tables_release(dst);
        return -1;
    }
    if (src->npacks)
        memcpy(dst->packs, src->packs, src->npacks * sizeof *dst->packs);
    if (src->ngifts)
        memcpy(dst->gifts, src->gifts, src->ngifts * sizeof *dst->gifts);
    if (src->nsegs)
        memcpy(dst->segs, src->segs, src->nsegs * sizeof *dst->segs);
    dst->p.name = NULL; /* names stay with the source */
    dst->p.extends = NULL;
    return 0;
}

void sc_tables_release(sc_tables *t)
{
    free(t->packs);
    free(t->gifts);
    free(t->segs);
    t->packs = NULL;
    t->gifts = NULL;
    t->segs = NULL;
}

size_t scenario_timeline_at(const scenario *s, sc_tables *t, size_t *cursor, int64_t step)
{
    size_t n = 0;
    while (*cursor < s->ntl && s->timeline[s->tl_order[*cursor]].step <= step) {
        const sc_tlrow *r = &s->timeline[s->tl_order[(*cursor)++]];
        if (r->step == step) {
            sc_change_apply(t, &r->c);
            n++;
        }
    }
    return n;
}

/* ------------------------------------------------------ live sessions */

static char *dup_or_null(const char *s, int *bad)
{
    char *d = s ? strdup(s) : NULL;
    if (s && !d)
        *bad = 1;
    return d;
}

scenario *scenario_clone(const scenario *src)
{
    scenario *s = calloc(1, sizeof *s);
    int bad = 0;
    if (!s)
        return NULL;
    s->dir = dup_or_null(src->dir, &bad);
    s->t = src->t;
    s->t.p.name = dup_or_null(src->t.p.name, &bad);
    s->t.p.extends = dup_or_null(src->t.p.extends, &bad);
    s->t.packs = calloc(src->t.npacks ? src->t.npacks : 1, sizeof *s->t.packs);
    s->t.gifts = calloc(src->t.ngifts ? src->t.ngifts : 1, sizeof *s->t.gifts);
    s->t.segs = calloc(src->t.nsegs ? src->t.nsegs : 1, sizeof *s->t.segs);
    s->timeline = calloc(src->ntl ? src->ntl : 1, sizeof *s->timeline);
    s->tl_order = calloc(src->ntl ? src->ntl : 1, sizeof *s->tl_order);
    for (int i = 0; i < SC_NTABLES; i++)
        s->file[i] = dup_or_null(src->file[i], &bad);
    s->set_limits = dup_or_null(src->set_limits, &bad);
    s->set_shares = dup_or_null(src->set_shares, &bad);
    if (bad || !s->t.packs || !s->t.gifts || !s->t.segs || !s->timeline || !s->tl_order) {
        s->t.npacks = s->t.ngifts = s->t.nsegs = 0;
        scenario_free(s);
        return NULL;
    }
    for (size_t i = 0; i < src->t.npacks; i++) {
        s->t.packs[i] = src->t.packs[i];
        s->t.packs[i].name = dup_or_null(src->t.packs[i].name, &bad);
    }
    for (size_t i = 0; i < src->t.ngifts; i++) {
        s->t.gifts[i] = src->t.gifts[i];
        s->t.gifts[i].name = dup_or_null(src->t.gifts[i].name, &bad);
    }
    for (size_t i = 0; i < src->t.nsegs; i++) {
        s->t.segs[i] = src->t.segs[i];
        s->t.segs[i].name = dup_or_null(src->t.segs[i].name, &bad);
    }
    for (size_t i = 0; i < src->ntl; i++) {
        const sc_tlrow *r = &src->timeline[i];
        sc_tlrow *w = &s->timeline[i];
        *w = *r;
        w->c.sval = dup_or_null(r->c.sval, &bad);
        w->c.target = dup_or_null(r->c.target, &bad);
        w->c.value = dup_or_null(r->c.value, &bad);
        /* Row file names point at the scenario's own table names. */
        w->file = s->file[SC_TIMELINE];
        s->ntl++;
    }
    memcpy(s->tl_order, src->tl_order, src->ntl * sizeof *s->tl_order);
    if (bad) {
        scenario_free(s);
        return NULL;
    }
    return s;
}

int scenario_add_change(scenario *s, int64_t step, const char *target, const char *value, char *msg,
                        size_t n)
{
    char buf[600];
    const char *col, *why;
    sc_change c;
    if (scenario_resolve(&s->t, target, value, 0, &c, buf, sizeof buf, &col, &why) < 0) {
        snprintf(msg, n, "%s", why);
        return -1;
    }
    /* A second live change of the same target at the same step replaces
     * the first: the later one would win anyway. */
    for (size_t i = 0; i < s->ntl; i++) {
        sc_tlrow *r = &s->timeline[i];
        if (r->line == 0 && r->step == step && strcmp(r->c.target, c.target) == 0) {
            sc_change_free(&r->c);
            r->c = c;
            return 0;
        }
    }
    sc_tlrow *nt = realloc(s->timeline, (s->ntl + 1) * sizeof *nt);
    if (!nt) {
        sc_change_free(&c);
        snprintf(msg, n, "out of memory");
        return -1;
    }
    s->timeline = nt;
    /* Rows added live belong to no file; a saved session writes them out. */
    s->timeline[s->ntl].step = step;
    s->timeline[s->ntl].c = c;
    s->timeline[s->ntl].file = "live";
    s->timeline[s->ntl].line = 0;
    s->ntl++;
    if (order_timeline(s) < 0) {
        s->ntl--;
        sc_change_free(&s->timeline[s->ntl].c);
        snprintf(msg, n, "out of memory");
        return -1;
    }
    return 0;
}

/* A cell for a CSV row: quoted when it holds a comma, quote or newline. */
static void put_cell(FILE *f, const char *s, int last)
{
    if (strpbrk(s, ",\"\r\n") || s[0] == '#') {
        fputc('"', f);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', f);
            fputc(*s, f);
        }
        fputc('"', f);
    } else {
        fputs(s, f);
    }
    fputc(last ? '\n' : ',', f);
}

static void field_text(const void *row, const sc_field *f, char *buf, size_t n)
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

static void write_rows(FILE *f, const table_desc *td, const void *rows, size_t nrows)
{
    char buf[NUM_BUF + 256];
    for (size_t i = 0; i < td->nfields; i++)
        put_cell(f, td->fields[i].name, i + 1 == td->nfields);
    for (size_t r = 0; r < nrows; r++)
        for (size_t i = 0; i < td->nfields; i++) {
            field_text((const char *)rows + r * td->size, &td->fields[i], buf, sizeof buf);
            put_cell(f, buf, i + 1 == td->nfields);
        }
}

int scenario_save(const scenario *s, const char *dir, const char *comment, char *msg, size_t n)
{
    char buf[NUM_BUF + 256];
    FILE *f[SC_NTABLES] = {0};
    char *tmp[SC_NTABLES] = {0}, *fin[SC_NTABLES] = {0};
    int rc = 0;

    if (mkdir(dir, 0777) < 0 && errno != EEXIST) {
        snprintf(msg, n, "%s: cannot create directory: %s", dir, strerror(errno));
        return -1;
    }
    for (int t = 0; t < SC_NTABLES && rc == 0; t++) {
        fin[t] = path_join(dir, tables[t].file);
        size_t ln = fin[t] ? strlen(fin[t]) + 8 : 0;
        tmp[t] = fin[t] ? malloc(ln) : NULL;
        if (!tmp[t]) {
            snprintf(msg, n, "out of memory");
            rc = -1;
            break;
        }
        snprintf(tmp[t], ln, "%s.tmp", fin[t]);
        if (!(f[t] = fopen(tmp[t], "w"))) {
            snprintf(msg, n, "%s: cannot create: %s", tmp[t], strerror(errno));
            rc = -1;
            break;
        }
        if (t == SC_PARAMS) {
            fputs("key,value\n", f[t]);
            if (comment) {
                fputs("# ", f[t]);
                put_cell(f[t], comment, 1);
            }
            for (size_t i = 0; i < NF(param_fields); i++) {
                if (param_fields[i].type == F_PATH)
                    continue; /* the saved scenario stands alone */
                field_text(&s->t.p, &param_fields[i], buf, sizeof buf);
                if (param_fields[i].type == F_TEXT) { /* name: the new directory's */
                    const char *b = strrchr(dir, '/');
                    snprintf(buf, sizeof buf, "%s", b && b[1] ? b + 1 : dir);
                }
                put_cell(f[t], param_fields[i].name, 0);
                put_cell(f[t], buf, 1);
            }
        } else if (t == SC_PACKS) {
            write_rows(f[t], &tables[t], s->t.packs, s->t.npacks);
        } else if (t == SC_GIFTS) {
            write_rows(f[t], &tables[t], s->t.gifts, s->t.ngifts);
        } else if (t == SC_SEGMENTS) {
            write_rows(f[t], &tables[t], s->t.segs, s->t.nsegs);
        } else {
            fputs("step,target,value\n", f[t]);
            for (size_t i = 0; i < s->ntl; i++) {
                const sc_tlrow *r = &s->timeline[i];
                fprintf(f[t], "%lld,", (long long)r->step);
                put_cell(f[t], r->c.target, 0);
                put_cell(f[t], r->c.value, 1);
            }
        }
        if (ferror(f[t]) || fflush(f[t]) != 0 || fsync(fileno(f[t])) != 0) {
            snprintf(msg, n, "%s: write failed: %s", tmp[t], strerror(errno));
            rc = -1;
        }
    }
    for (int t = 0; t < SC_NTABLES; t++) {
        if (f[t] && fclose(f[t]) != 0 && rc == 0) {
            snprintf(msg, n, "%s: write failed: %s", tmp[t], strerror(errno));
            rc = -1;
        }
    }
    for (int t = 0; t < SC_NTABLES; t++) {
        if (rc == 0 && rename(tmp[t], fin[t]) != 0) {
            snprintf(msg, n, "%s: cannot rename into place: %s", fin[t], strerror(errno));
            rc = -1;
        }
        if (rc != 0 && tmp[t])
            unlink(tmp[t]);
        free(tmp[t]);
        free(fin[t]);
    }
    return rc;
}
