/* pool_int — what pool.c and pool_ranks.c share: a job in progress. */
#ifndef COINSIM_POOL_INT_H
#define COINSIM_POOL_INT_H

#include <pthread.h>
#include <stdatomic.h>

#include "dist.h"
#include "pool.h"

enum { POOL_FEED = 256 }; /* units a rank other than 0 may hold before running them */

/* Another rank's requests to rank 0 for units. */
typedef struct pool_asker {
    int asking;
    dist_msg sent, got;
    int64_t ask, give[POOL_FEED + 1];
    double t0; /* when the job began here */
} pool_asker;

typedef struct shared {
    const pool_job *j;
    int64_t units;
    int nt;             /* worker threads asked for */
    atomic_llong next;  /* the next unit to hand out (over MPI: rank 0's) */
    atomic_llong done;  /* units run to their end here */
    atomic_llong limit; /* no unit from here on starts: the lowest failing unit known */
    atomic_int running; /* workers still at work */
    pthread_mutex_t lock;
    pthread_cond_t changed; /* a unit finished, a worker stopped or wants units */
    int status;
    long long status_unit; /* the unit whose failure msg is */
    char msg[600];

    /* Over MPI ranks (pool_ranks.c). Rank 0 hands the units out in
     * increasing order, from next, to its own workers and, asked, to the
     * other ranks, whose workers take them from fed (a ring, under lock)
     * as the calling thread receives them. The watched unit is rank 0's,
     * run first. Every rank notes in owner which units it ran. */
    int ranks, rank;
    long long watched; /* -1: none */
    atomic_int took_watched;
    long long fed[POOL_FEED];
    int nfed, fed_at, fed_over; /* fed_over: rank 0 has no more to give */
    int low_water;              /* fed this low, the calling thread asks for more */
    pthread_cond_t fed_cond;
    int *owner;   /* [units], -1 for none */
    int64_t seen; /* the units done in the last round */
    /* MPI may still write into these when a rank leaves on a signal: they
     * live here, and pool_run then leaves this struct to the ending
     * process instead of freeing it. */
    dist_round round;
    pool_asker asker;
    int64_t (*give)[POOL_FEED + 1]; /* rank 0: its answer to each rank */
    dist_msg *sent;                 /* rank 0: the sending of each */
} shared;

/* The job's stop flag (its hooks'), or NULL. */
static inline atomic_int *pool_stop_flag(const pool_job *j)
{
    return j->hooks ? j->hooks->stop : NULL;
}

/* The index of the unit whose hooks are watched, or -1. */
long long pool_watched_unit(const pool_job *j);

/* The next unit for a worker: units (or more) when there are none left.
 * pool_next: rank 0's next to hand out (the watched one excepted). */
long long pool_take(shared *sh);
long long pool_next(shared *sh);

/* The calling thread's part over MPI ranks while the workers work, then
 * the job's outcome: SIM_OK with every result on every rank, or the
 * lowest failing unit's status (its msg), or SIM_STOPPED. */
int pool_ranks_watch(shared *sh, char *msg, size_t n);

/* Whether every rank has this job: 0, or SIM_BADINPUT with msg. */
int pool_same_job(const pool_job *j, char *msg, size_t n);

void pool_wait_ms(shared *sh, long ms);
void pool_progress(const pool_job *j, long long done, int64_t total);
void pool_lower_limit(shared *sh, long long u);

#endif
