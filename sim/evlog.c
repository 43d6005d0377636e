#define _POSIX_C_SOURCE 200809L
#include "evlog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "csvwrite.h"
#include "mc.h"
#include "num.h"
#include "report.h"

const char *const evlog_type_names[5] = {"purchase", "gift", "lost", "cashout", "churn"};

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
    fputs(EVLOG_HEADER "\n", l->a.f);
    return l;
}

void evlog_event(void *ud, const sim_event *ev)
{
    evlog *l = ud;
    FILE *f = l->a.f;
    char u[NUM_BUF];
    fprintf(f, "%llu,%lld,%s,", (unsigned long long)ev->run, (long long)ev->step,
            evlog_type_names[ev->type]);
    if (ev->viewer >= 0)
        fprintf(f, "%lld", (long long)ev->viewer);
    fputc(',', f);
    if (ev->creator >= 0)
        fprintf(f, "%lld", (long long)ev->creator);
    fputc(',', f);
    if (ev->type == EV_PURCHASE)
        csvw_text(f, l->s->t.packs[ev->item].name);
    else if (ev->type == EV_GIFT || ev->type == EV_LOST)
        csvw_text(f, l->s->t.gifts[ev->item].name);
    fprintf(f, ",%lld,%s,%s\n", (long long)ev->coins, num_fmt_micro(u, ev->usd),
            ev->channel == CH_WEB   ? "web"
            : ev->channel == CH_APP ? "app"
                                    : "");
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
