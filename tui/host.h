/* host — what the machine lets this process have: the processors online,
 * and the memory it can still get (its rlimits, what the system reports
 * available, a container's cgroup limit). The engine's estimate of what a
 * job needs is sim/mem.h; this is the other side of the comparison, kept
 * out of the engine because it asks the operating system. */
#ifndef COINSIM_HOST_H
#define COINSIM_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "../sim/scenario.h"

/* The processors online, at least 1. */
int host_cpus(void);

/* Check a job of `need` bytes (mem_job) on `threads` threads against what
 * the process may still allocate: the least of the address-space and data
 * limits (ulimit -v, -d) less what it has mapped already, the memory the
 * system reports available (with free swap), and the cgroup's limit less
 * its use. Returns 0, or -1 with "NAME needs about X MB for N viewers ...,
 * more than the Y MB LIMIT leaves; ..." in msg. */
int host_check(const scenario *s, int64_t need, int threads, char *msg, size_t n);

#endif
