#define _POSIX_C_SOURCE 200809L
#include "mem.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "kpi.h"

#define MB (1024.0 * 1024.0)
/* Each worker thread maps a stack (8 MB by default) and, on its first
 * small allocation, a malloc arena that reserves 64 MB of address space:
 * they count against ulimit -v though little of them is ever touched. */
#define THREAD_VIRTUAL ((int64_t)72 << 20)
/* The program, its libraries and the scenario's tables. */
#define BASE ((int64_t)16 << 20)

int64_t mem_world(const scenario *s)
{
    /* Viewer records (which also take the living payers' spends at the end
     * of the run); per creator pending, earned, weight, live list, live
     * weight, alias (about 16), cashed flag and a sorted copy at the end. */
    double b = 16.0 * (double)s->t.p.viewers + 65.0 * (double)s->t.p.creators;
    return b > 9e18 ? INT64_MAX : (int64_t)b;
}

int64_t mem_job(const scenario *s, int threads, int64_t runs, int keep_rows)
{
    double rows = keep_rows ? (double)runs * (double)s->t.p.steps * (double)sizeof(kpi_step)
                            : (double)threads * (double)s->t.p.steps * (double)sizeof(kpi_step);
    double b = (double)BASE + (double)threads * (double)mem_world(s) + rows +
               (double)runs * ((double)sizeof(run_result) + 16.0 * (double)(s->t.npacks + 1));
    return b > 9e18 ? INT64_MAX : (int64_t)b;
}

/* A "Key:   N kB" line of a /proc file, in bytes; -1 if absent. */
static int64_t proc_kb(const char *path, const char *key)
{
    FILE *f = fopen(path, "r");
    char line[256];
    int64_t v = -1;
    size_t kl = strlen(key);
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, key, kl) == 0 && line[kl] == ':') {
            long long kb;
            if (sscanf(line + kl + 1, "%lld", &kb) == 1)
                v = (int64_t)kb * 1024;
            break;
        }
    fclose(f);
    return v;
}

/* One number from a file (cgroup v2's memory.max says "max" for none). */
static int64_t file_num(const char *path)
{
    FILE *f = fopen(path, "r");
    long long v;
    int ok;
    if (!f)
        return -1;
    ok = fscanf(f, "%lld", &v) == 1;
    fclose(f);
    return ok ? (int64_t)v : -1;
}

static void least(int64_t *best, const char **why, int64_t v, const char *name)
{
    if (v < 0)
        v = 0;
    if (*best < 0 || v < *best) {
        *best = v;
        *why = name;
    }
}

/* avail[0]: address space (compared with need plus thread reservations);
 * avail[1]: memory proper. */
static void avail2(int64_t avail[2], const char *why[2])
{
    struct rlimit rl;
    avail[0] = avail[1] = -1;
    why[0] = why[1] = NULL;
    if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
        int64_t mapped = proc_kb("/proc/self/status", "VmSize");
        least(&avail[0], &why[0], (int64_t)rl.rlim_cur - (mapped > 0 ? mapped : 0), "the address-space limit (ulimit -v)");
    }
    if (getrlimit(RLIMIT_DATA, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
        int64_t data = proc_kb("/proc/self/status", "VmData");
        least(&avail[0], &why[0], (int64_t)rl.rlim_cur - (data > 0 ? data : 0), "the data-size limit (ulimit -d)");
    }
    int64_t sys = proc_kb("/proc/meminfo", "MemAvailable");
    if (sys >= 0) {
        int64_t swap = proc_kb("/proc/meminfo", "SwapFree");
        least(&avail[1], &why[1], sys + (swap > 0 ? swap : 0), "the memory the system has available");
    }
    int64_t cmax = file_num("/sys/fs/cgroup/memory.max"), ccur = file_num("/sys/fs/cgroup/memory.current");
    if (cmax > 0 && ccur >= 0)
        least(&avail[1], &why[1], cmax - ccur, "the container's memory limit");
}

int mem_check(const scenario *s, int64_t need, int threads, char *msg, size_t n)
{
    int64_t a[2];
    const char *w[2];
    avail2(a, w);
    int64_t need_v = need > INT64_MAX - threads * THREAD_VIRTUAL ? INT64_MAX : need + threads * THREAD_VIRTUAL;
    int k = a[0] >= 0 && need_v > a[0] ? 0 : a[1] >= 0 && need > a[1] ? 1 : -1;
    if (k < 0)
        return 0;
    int64_t one = mem_world(s);
    snprintf(msg, n,
             "%s needs about %.0f MB for %lld viewers and %lld creators (%.0f MB a run in progress, %d at a time), "
             "more than the %.0f MB %s leaves; lower viewers, creators, runs or --threads",
             s->t.p.name, (double)(k ? need : need_v) / MB, (long long)s->t.p.viewers, (long long)s->t.p.creators,
             (double)one / MB, threads, (double)a[k] / MB, w[k]);
    return -1;
}
