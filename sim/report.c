#define _POSIX_C_SOURCE 200809L
#include "report.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kpi.h"
#include "num.h"

static int mkdirs(const char *dir)
{
    char *p = strdup(dir);
    if (!p)
        return -1;
    for (char *s = p + 1; *s; s++) {
        if (*s == '/') {
            *s = '\0';
            if (mkdir(p, 0777) < 0 && errno != EEXIST) {
                free(p);
                return -1;
            }
            *s = '/';
        }
    }
    int rc = (mkdir(p, 0777) < 0 && errno != EEXIST) ? -1 : 0;
    free(p);
    return rc;
}

int afile_open(afile *a, const char *dir, const char *name, char *msg, size_t n)
{
    size_t ln = strlen(dir) + strlen(name) + 32;
    memset(a, 0, sizeof *a);
    a->tmp = malloc(ln);
    a->final = malloc(ln);
    if (!a->tmp || !a->final) {
        snprintf(msg, n, "out of memory");
        afile_abort(a);
        return -1;
    }
    snprintf(a->final, ln, "%s/%s", dir, name);
    snprintf(a->tmp, ln, "%s/.%s.XXXXXX", dir, name);
    int fd = mkstemp(a->tmp);
    if (fd < 0 || !(a->f = fdopen(fd, "w"))) {
        snprintf(msg, n, "%s: cannot create: %s", a->final, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(a->tmp);
        }
        free(a->tmp);
        a->tmp = NULL;
        afile_abort(a);
        return -1;
    }
    fchmod(fd, 0644);
    return 0;
}

int afile_finish(afile *a, char *msg, size_t n)
{
    int bad = ferror(a->f) || fflush(a->f) != 0 || fsync(fileno(a->f)) != 0;
    int e = errno;
    if (fclose(a->f) != 0)
        bad = 1;
    a->f = NULL;
    if (bad) {
        snprintf(msg, n, "%s: write failed: %s", a->final, strerror(e));
        return -1;
    }
    return 0;
}

int afile_rename(afile *a, char *msg, size_t n)
{
    if (rename(a->tmp, a->final) != 0) {
        snprintf(msg, n, "%s: cannot rename into place: %s", a->final, strerror(errno));
        return -1;
    }
    free(a->tmp);
    a->tmp = NULL;
    return 0;
}

int afile_commit(afile *a, char *msg, size_t n)
{
    if (afile_finish(a, msg, n) < 0 || afile_rename(a, msg, n) < 0)
        return -1;
    return 0;
}

void afile_abort(afile *a)
{
    if (a->f)
        fclose(a->f);
    if (a->tmp)
        unlink(a->tmp);
    free(a->tmp);
    free(a->final);
    memset(a, 0, sizeof *a);
}

int report_prepare_dir(const char *dir, char *msg, size_t n)
{
    afile a;
    if (mkdirs(dir) < 0) {
        snprintf(msg, n, "%s: cannot create directory: %s", dir, strerror(errno));
        return -1;
    }
    if (afile_open(&a, dir, "probe", msg, n) < 0)
        return -1;
    afile_abort(&a);
    return 0;
}

void report_stat(const mc_result *r, int m, stat_row *out)
{
    double *x = malloc((size_t)r->runs * sizeof *x), *tmp = malloc((size_t)r->runs * sizeof *tmp);
    if (!x || !tmp) {
        memset(out, 0, sizeof *out);
        out->mean = NAN;
    } else {
        for (int64_t i = 0; i < r->runs; i++)
            x[i] = r->res[i].value[m];
        stats_summary(x, (size_t)r->runs, tmp, out);
    }
    free(x);
    free(tmp);
}

static void put_num(FILE *f, double v)
{
    if (isnan(v))
        fputs(",", f);
    else
        fprintf(f, ",%.6f", v);
}

static void write_summary(FILE *f, const mc_result *r)
{
    fputs("metric,mean,sd,ci95_low,ci95_high,p5,p50,p95,runs\n", f);
    for (int m = 0; m < M_N; m++) {
        stat_row s;
        report_stat(r, m, &s);
        fputs(kpi_metrics[m].name, f);
        put_num(f, s.mean);
        put_num(f, s.sd);
        put_num(f, s.lo);
        put_num(f, s.hi);
        put_num(f, s.p5);
        put_num(f, s.p50);
        put_num(f, s.p95);
        fprintf(f, ",%zu\n", s.n);
    }
}

static void write_timeseries(FILE *f, const mc_result *r)
{
    char b[NUM_BUF];
    fputs("run,step", f);
    for (int c = 0; c < TS_N; c++)
        fprintf(f, ",%s", kpi_cols[c].name);
    fputc('\n', f);
    for (int64_t i = 0; i < r->runs; i++)
        for (int64_t s = 0; s < r->steps; s++) {
            const kpi_step *k = &r->ts[i * r->steps + s];
            fprintf(f, "%lld,%lld", (long long)r->res[i].run, (long long)s);
            for (int c = 0; c < TS_N; c++) {
                if (kpi_cols[c].unit == U_COUNT)
                    fprintf(f, ",%lld", (long long)k->v[c]);
                else
                    fprintf(f, ",%s", num_fmt_micro(b, k->v[c]));
            }
            fputc('\n', f);
        }
}

static void write_runs(FILE *f, const mc_result *r)
{
    char b[64];
    fputs("run", f);
    for (int m = 0; m < M_N; m++)
        fprintf(f, ",%s", kpi_metrics[m].name);
    fputc('\n', f);
    for (int64_t i = 0; i < r->runs; i++) {
        fprintf(f, "%lld", (long long)r->res[i].run);
        for (int m = 0; m < M_N; m++) {
            kpi_format(b, sizeof b, m, &r->res[i]);
            fprintf(f, ",%s", b);
        }
        fputc('\n', f);
    }
}

int report_write(const char *dir, const mc_result *r, char *msg, size_t n)
{
    static const char *const names[] = {"summary.csv", "timeseries.csv", "runs.csv"};
    void (*const writers[])(FILE *, const mc_result *) = {write_summary, write_timeseries, write_runs};
    afile a[3];
    int k, rc = 0;

    memset(a, 0, sizeof a);
    for (k = 0; k < 3 && rc == 0; k++) {
        if (afile_open(&a[k], dir, names[k], msg, n) < 0) {
            rc = -1;
            break;
        }
        writers[k](a[k].f, r);
        if (afile_finish(&a[k], msg, n) < 0)
            rc = -1;
    }
    /* Only when all three are complete on disk do they take their names. */
    for (k = 0; k < 3 && rc == 0; k++)
        if (afile_rename(&a[k], msg, n) < 0)
            rc = -1;
    for (k = 0; k < 3; k++)
        afile_abort(&a[k]);
    return rc;
}
