#define _POSIX_C_SOURCE 200809L
#include "evlog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "afile.h"
#include "csvwrite.h"
#include "num.h"

const char *const evlog_type_names[EV_NTYPES] = {"purchase", "gift",  "lost", "cashout",
                                                 "churn",    "grant", "sink", "lost_sink"};

struct evlog {
    afile a;
    const scenario *s;
};

evlog *evlog_open(const char *path, const scenario *s, char *msg, size_t n)
{
    evlog *l = calloc(1, sizeof *l);
    if (!l) {
        snprintf(msg, n, "out of memory");
        return NULL;
    }
    /* afile writes DIR/NAME: split the path at its last slash. */
    const char *slash = strrchr(path, '/');
    char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
    const char *name = slash ? slash + 1 : path;
    int rc = -1;
    if (!dir || !*name)
        snprintf(msg, n, "%s: not a file name", path);
    else
        rc = afile_open(&l->a, dir, name, msg, n);
    free(dir);
    if (rc < 0) {
        free(l);
        return NULL;
    }
    l->s = s;
    fputs(s && s->t.nregions ? EVLOG_HEADER EVLOG_REGIONS "\n" : EVLOG_HEADER "\n", l->a.f);
    return l;
}

/* Decimal digits of v, written backwards from end; returns the first. */
static char *digits(char *end, uint64_t v)
{
    do {
        *--end = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return end;
}

/* ",V" (or "," alone for a negative V: none) at p; returns the end. */
static char *put_id(char *p, int64_t v)
{
    char tmp[24], *d = v >= 0 ? digits(tmp + sizeof tmp, (uint64_t)v) : tmp + sizeof tmp;
    *p++ = ',';
    size_t n = (size_t)(tmp + sizeof tmp - d);
    memcpy(p, d, n);
    return p + n;
}

/* ",V" at p, V of any sign; returns the end. */
static char *put_int(char *p, int64_t v)
{
    if (v >= 0)
        return put_id(p, v);
    char tmp[24], *d = digits(tmp + sizeof tmp, (uint64_t)0 - (uint64_t)v);
    *p++ = ',';
    *p++ = '-';
    memcpy(p, d, (size_t)(tmp + sizeof tmp - d));
    return p + (tmp + sizeof tmp - d);
}

/* ",V" at p for an amount of µ-units V, with its 6 decimals; returns the
 * end. */
static char *put_micro(char *p, int64_t v)
{
    char tmp[24];
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    *p++ = ',';
    if (v < 0)
        *p++ = '-';
    const char *d = digits(tmp + sizeof tmp, u / NUM_MICRO);
    memcpy(p, d, (size_t)(tmp + sizeof tmp - d));
    p += tmp + sizeof tmp - d;
    *p++ = '.';
    char *frac = digits(tmp + sizeof tmp, u % NUM_MICRO + NUM_MICRO) + 1; /* 6 digits */
    memcpy(p, frac, 6);
    return p + 6;
}

/* One row is formatted in a buffer and written at once: a log holds
 * millions of rows, and printf's parsing of formats was most of its cost. */
void evlog_event(void *ud, const sim_event *ev)
{
    evlog *l = ud;
    FILE *f = l->a.f;
    if (ferror(f))
        return; /* the log cannot be written (a full disk): evlog_close says so */
    char line[160], *p = line, tmp[24];
    const char *d = digits(tmp + sizeof tmp, ev->run), *type = evlog_type_names[ev->type];
    memcpy(p, d, (size_t)(tmp + sizeof tmp - d));
    p += tmp + sizeof tmp - d;
    p = put_int(p, ev->step); /* negative in the warm-up */
    *p++ = ',';
    memcpy(p, type, strlen(type));
    p += strlen(type);
    p = put_id(p, ev->viewer);
    p = put_id(p, ev->creator);
    *p++ = ',';
    fwrite(line, 1, (size_t)(p - line), f);
    if (ev->type == EV_PURCHASE)
        csvw_text(f, l->s->t.packs[ev->item].name);
    else if (ev->type == EV_GIFT || ev->type == EV_LOST)
        csvw_text(f, l->s->t.gifts[ev->item].name);
    else if (ev->type == EV_SINK || ev->type == EV_LOST_SINK)
        csvw_text(f, l->s->t.sinks[ev->item].name);
    p = put_micro(put_int(line, ev->coins), ev->usd);
    const char *ch = ev->channel == CH_WEB ? ",web" : ev->channel == CH_APP ? ",app" : ",";
    memcpy(p, ch, strlen(ch));
    p += strlen(ch);
    const sc_tables *t = &l->s->t;
    if (t->nregions && ev->region >= 0) {
        *p++ = ',';
        fwrite(line, 1, (size_t)(p - line), f);
        csvw_text(f, t->regions[ev->region].name);
        fputc(',', f);
        csvw_text(f, t->regions[ev->region].currency);
        p = put_micro(line, ev->local);
    } else if (t->nregions) {
        memcpy(p, ",,,", 3);
        p += 3;
    }
    *p++ = '\n';
    fwrite(line, 1, (size_t)(p - line), f);
}

int evlog_close(evlog *l, int ok, char *msg, size_t n)
{
    int rc = 0;
    if (ok)
        rc = afile_commit(&l->a, msg, n);
    afile_abort(&l->a);
    free(l);
    return ok ? rc : -1;
}

int evlog_probe(const char *path, char *msg, size_t n)
{
    struct stat st;
    char ignore[8];
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        snprintf(msg, n, "%s: exists and is not a regular file (expected a file for the event log)",
                 path);
        return -1;
    }
    evlog *l = evlog_open(path, NULL, msg, n);
    if (!l)
        return -1;
    evlog_close(l, 0, ignore, sizeof ignore);
    return 0;
}
