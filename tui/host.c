/* host — processors and memory as the operating system reports them
 * (host.h). */
#define _POSIX_C_SOURCE 200809L
#include "host.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "../sim/mem.h"

#define MB (1024.0 * 1024.0)
/* Each worker thread maps a stack (8 MB by default), which counts against
 * ulimit -v and -d, and, on its first small allocation, may get a malloc
 * arena of its own that reserves 64 MB of address space (glibc makes at
 * most 8 a core): that counts against ulimit -v only, being mapped with no
 * access until used. */
#define THREAD_STACK ((int64_t)8 << 20)
#define ARENA        ((int64_t)64 << 20)

int host_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
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

enum { AV_ADDRESS, AV_DATA, AV_MEMORY, AV_N };

/* What is left under each kind of limit, -1 where there is none. */
static void avail_all(int64_t avail[AV_N], const char *why[AV_N])
{
    struct rlimit rl;
    for (int k = 0; k < AV_N; k++) {
        avail[k] = -1;
        why[k] = NULL;
    }
    if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
        int64_t mapped = proc_kb("/proc/self/status", "VmSize");
        least(&avail[AV_ADDRESS], &why[AV_ADDRESS],
              (int64_t)rl.rlim_cur - (mapped > 0 ? mapped : 0),
              "the address-space limit (ulimit -v)");
    }
    if (getrlimit(RLIMIT_DATA, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
        int64_t data = proc_kb("/proc/self/status", "VmData");
        least(&avail[AV_DATA], &why[AV_DATA], (int64_t)rl.rlim_cur - (data > 0 ? data : 0),
              "the data-size limit (ulimit -d)");
    }
    int64_t sys = proc_kb("/proc/meminfo", "MemAvailable");
    if (sys >= 0) {
        int64_t swap = proc_kb("/proc/meminfo", "SwapFree");
        least(&avail[AV_MEMORY], &why[AV_MEMORY], sys + (swap > 0 ? swap : 0),
              "the memory the system has available");
    }
    /* The cgroup's limit as a container sees it at the root of its own
     * mount (v2, then v1); nested hierarchies are not followed (README). */
    int64_t cmax = file_num("/sys/fs/cgroup/memory.max"),
            ccur = file_num("/sys/fs/cgroup/memory.current");
    if (cmax > 0 && ccur >= 0)
        least(&avail[AV_MEMORY], &why[AV_MEMORY], cmax - ccur, "the container's memory limit");
    /* cgroup v1: "no limit" reads as a number near 2^63. */
    cmax = file_num("/sys/fs/cgroup/memory/memory.limit_in_bytes");
    ccur = file_num("/sys/fs/cgroup/memory/memory.usage_in_bytes");
    if (cmax > 0 && cmax < ((int64_t)1 << 62) && ccur >= 0)
        least(&avail[AV_MEMORY], &why[AV_MEMORY], cmax - ccur, "the container's memory limit");
}

int host_check(const scenario *s, int64_t need, int threads, char *msg, size_t n)
{
    int64_t a[AV_N], want[AV_N];
    const char *w[AV_N];
    int64_t arenas = threads < 8 * host_cpus() ? threads : 8 * host_cpus();
    avail_all(a, w);
    if (need > INT64_MAX / 2)
        need = INT64_MAX / 2; /* absurd either way; keeps the sums below in range */
    want[AV_ADDRESS] = need + threads * THREAD_STACK + arenas * ARENA;
    want[AV_DATA] = need + threads * THREAD_STACK;
    want[AV_MEMORY] = need;
    for (int k = 0; k < AV_N; k++)
        if (a[k] >= 0 && want[k] > a[k]) {
            snprintf(msg, n,
                     "%s needs about %.0f MB for %lld viewers and %lld creators (%.0f MB a run in "
                     "progress, %d at a time), more than the %.0f MB %s leaves; lower viewers, "
                     "creators, runs or --threads",
                     s->t.p.name, (double)want[k] / MB, (long long)s->t.p.viewers,
                     (long long)s->t.p.creators, (double)mem_world(s) / MB, threads,
                     (double)a[k] / MB, w[k]);
            return -1;
        }
    return 0;
}
