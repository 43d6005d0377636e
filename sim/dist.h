/* dist — the ranks of an MPI job, for the pool to spread units over.
 *
 * Built with COINSIM_MPI (make mpi: mpicc, ./coinsim-mpi) and started by
 * mpirun or a batch system's launcher, there are dist_size() ranks, and
 * every one runs the same command on the same scenario. Otherwise (the
 * plain build, or the MPI build started without a launcher) there is one
 * rank and every call below is trivial: the program is the plain one.
 *
 * Every rank must make the same calls in the same order (they are
 * collective), and only the thread that called dist_start makes them.
 * The bytes exchanged are a struct's own: the ranks run the same binary
 * on machines of one kind. An MPI failure ends the whole job (MPI's
 * default handler): nothing here returns half a result. */
#ifndef COINSIM_DIST_H
#define COINSIM_DIST_H

#include <stddef.h>
#include <stdint.h>

/* Join the job if a launcher started this process (its variables are
 * set); otherwise stay one rank. Returns 0, or -1 with msg. */
int dist_start(int *argc, char ***argv, char *msg, size_t n);

/* Leave the job (once, at the end of main). */
void dist_end(void);

int dist_rank(void);       /* 0 .. dist_size() - 1 */
int dist_size(void);       /* 1 without a job */
int dist_node_ranks(void); /* the ranks on this machine, this one included */

/* Room for an MPI request (MPI_Request is a handle: a pointer or an int),
 * kept in the caller's struct so that starting one never allocates. */
typedef union dist_req {
    void *p;
    long long l;
    unsigned char room[32];
} dist_req;

/* A round: every rank's sum[0..nsum) added up and min[0..nmin)
 * minimised over the ranks, without blocking the caller, who goes on
 * working and asks dist_round_done until it says 1; sum and min must stay
 * as they are until then. */
enum { DIST_ROUND_MAX = 4 };
typedef struct dist_round {
    int64_t sum[DIST_ROUND_MAX], min[DIST_ROUND_MAX]; /* this rank's, then the job's */
    int nsum, nmin;
    int64_t got_sum[DIST_ROUND_MAX], got_min[DIST_ROUND_MAX];
    dist_req q[2];
    int active;
} dist_round;

void dist_round_start(dist_round *r);
int dist_round_done(dist_round *r);

/* Rank root's bytes buf[0..n) into every rank's buf. */
void dist_bcast(void *buf, size_t n, int root);

/* v[0..n) becomes the largest v[i] over the ranks, on every rank. */
void dist_max(int *v, size_t n);

/* Messages of a few int64s between two ranks, without blocking: start a
 * send of v (which must stay as it is until done) or a receive into v,
 * then ask dist_msg_done until it says 1. dist_msg_wait blocks instead.
 * dist_take receives a message with tag from any rank if one has come:
 * 1 with its sender in *from, else 0. */
typedef struct dist_msg {
    dist_req q;
    int active;
} dist_msg;
void dist_send(dist_msg *m, const int64_t *v, int n, int to, int tag);
void dist_recv(dist_msg *m, int64_t *v, int n, int from, int tag);
int dist_msg_done(dist_msg *m);
void dist_msg_wait(dist_msg *m);
int dist_take(int64_t *v, int n, int tag, int *from);

/* Whether any rank failed (failed non-zero there): every rank gets 1 and
 * the lowest failing rank's msg, prefixed with its rank when the job has
 * several; or 0 on every rank. */
int dist_agree(int failed, char *msg, size_t n);

#endif
