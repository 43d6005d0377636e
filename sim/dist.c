#define _POSIX_C_SOURCE 200809L
#include "dist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef COINSIM_MPI
#include <mpi.h>
#include <pthread.h>
#include <signal.h>

static int joined, my_rank, n_ranks = 1, node_ranks = 1;

/* Whether a launcher started this process: mpirun and mpiexec (Open MPI,
 * MPICH) and srun (PMI, PMIx) each set one of these. */
static int launched(void)
{
    static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        if (getenv(vars[i]))
            return 1;
    return 0;
}

int dist_start(int *argc, char ***argv, char *msg, size_t n)
{
    int got = 0;
    if (!launched())
        return 0;
    /* The threads MPI starts inherit this mask: SIGINT and SIGTERM then
     * reach the program's own threads only, whose signal masks keep an
     * output set's renames whole (afile.h). */
    sigset_t held, was;
    sigemptyset(&held);
    sigaddset(&held, SIGINT);
    sigaddset(&held, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &held, &was);
    int rc = MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &got);
    pthread_sigmask(SIG_SETMASK, &was, NULL);
    if (rc != MPI_SUCCESS) {
        snprintf(msg, n, "MPI_Init_thread failed: cannot join the job");
        return -1;
    }
    joined = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &my_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &n_ranks);
    MPI_Comm node;
    if (MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node) ==
        MPI_SUCCESS) {
        MPI_Comm_size(node, &node_ranks);
        MPI_Comm_free(&node);
    }
    if (got < MPI_THREAD_FUNNELED && n_ranks > 1) {
        snprintf(msg, n, "this MPI does not allow threads beside its calls (MPI_THREAD_FUNNELED)");
        return -1;
    }
    return 0;
}

void dist_end(void)
{
    if (joined)
        MPI_Finalize();
    joined = 0;
}

int dist_rank(void) { return my_rank; }
int dist_size(void) { return n_ranks; }
int dist_node_ranks(void) { return node_ranks; }

_Static_assert(sizeof(MPI_Request) <= sizeof(dist_req), "dist_req has room for an MPI_Request");

static MPI_Request *req(dist_req *q) { return (MPI_Request *)(void *)q->room; }

void dist_round_start(dist_round *r)
{
    MPI_Iallreduce(r->sum, r->got_sum, r->nsum, MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD,
                   req(&r->q[0]));
    MPI_Iallreduce(r->min, r->got_min, r->nmin, MPI_INT64_T, MPI_MIN, MPI_COMM_WORLD,
                   req(&r->q[1]));
    r->active = 1;
    /* Completed by dist_round_done, which the checker, looking at one
     * function, cannot follow. */
} // NOLINT(clang-analyzer-optin.mpi.MPI-Checker)

int dist_round_done(dist_round *r)
{
    int a = 0, b = 0;
    if (!r->active)
        return 1;
    MPI_Test(req(&r->q[0]), &a, MPI_STATUS_IGNORE);
    MPI_Test(req(&r->q[1]), &b, MPI_STATUS_IGNORE);
    if (!a || !b)
        return 0;
    memcpy(r->sum, r->got_sum, (size_t)r->nsum * sizeof *r->sum);
    memcpy(r->min, r->got_min, (size_t)r->nmin * sizeof *r->min);
    r->active = 0;
    return 1;
}

void dist_bcast(void *buf, size_t n, int root)
{
    enum { PIECE = 1 << 30 }; /* MPI counts are ints */
    for (size_t at = 0; at < n; at += PIECE) {
        size_t len = n - at < PIECE ? n - at : PIECE;
        MPI_Bcast((char *)buf + at, (int)len, MPI_BYTE, root, MPI_COMM_WORLD);
    }
}

void dist_max(int *v, size_t n)
{
    enum { PIECE = 1 << 28 };
    for (size_t at = 0; at < n; at += PIECE) {
        size_t len = n - at < PIECE ? n - at : PIECE;
        MPI_Allreduce(MPI_IN_PLACE, v + at, (int)len, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    }
}

/* A message's request is completed by dist_msg_done or dist_msg_wait,
 * which the MPI checker, looking at one function, cannot follow. */
void dist_send(dist_msg *m, const int64_t *v, int n, int to, int tag)
{
    MPI_Isend(v, n, MPI_INT64_T, to, tag, MPI_COMM_WORLD, req(&m->q));
    m->active = 1;
} // NOLINT(clang-analyzer-optin.mpi.MPI-Checker)

void dist_recv(dist_msg *m, int64_t *v, int n, int from, int tag)
{
    MPI_Irecv(v, n, MPI_INT64_T, from, tag, MPI_COMM_WORLD, req(&m->q));
    m->active = 1;
} // NOLINT(clang-analyzer-optin.mpi.MPI-Checker)

int dist_msg_done(dist_msg *m)
{
    int done = 1;
    if (m->active)
        MPI_Test(req(&m->q), &done, MPI_STATUS_IGNORE);
    if (done)
        m->active = 0;
    return done;
}

void dist_msg_wait(dist_msg *m)
{
    if (m->active)
        MPI_Wait(req(&m->q), MPI_STATUS_IGNORE); // NOLINT(clang-analyzer-optin.mpi.MPI-Checker)
    m->active = 0;
}

int dist_take(int64_t *v, int n, int tag, int *from)
{
    int has = 0;
    MPI_Status st;
    MPI_Iprobe(MPI_ANY_SOURCE, tag, MPI_COMM_WORLD, &has, &st);
    if (!has)
        return 0;
    MPI_Recv(v, n, MPI_INT64_T, st.MPI_SOURCE, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    *from = st.MPI_SOURCE;
    return 1;
}

int dist_agree(int failed, char *msg, size_t n)
{
    int me = failed ? my_rank : n_ranks, low = me;
    char said[1024];
    if (n_ranks > 1)
        MPI_Allreduce(&me, &low, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (low == n_ranks)
        return 0;
    if (n_ranks == 1)
        return 1;
    if (my_rank == low)
        snprintf(said, sizeof said, "rank %d: %s", my_rank, msg);
    dist_bcast(said, sizeof said, low);
    snprintf(msg, n, "%s", said);
    return 1;
}

#else /* one process */

int dist_start(int *argc, char ***argv, char *msg, size_t n)
{
    (void)argc, (void)argv, (void)msg, (void)n;
    return 0;
}
void dist_end(void) {}
int dist_rank(void) { return 0; }
int dist_size(void) { return 1; }
int dist_node_ranks(void) { return 1; }
void dist_round_start(dist_round *r) { r->active = 0; }
int dist_round_done(dist_round *r)
{
    (void)r;
    return 1;
}
void dist_bcast(void *buf, size_t n, int root) { (void)buf, (void)n, (void)root; }
void dist_max(int *v, size_t n) { (void)v, (void)n; }
/* With one rank there is no one to send to: these are never called. */
void dist_send(dist_msg *m, const int64_t *v, int n, int to, int tag)
{
    (void)v, (void)n, (void)to, (void)tag;
    m->active = 0;
}
void dist_recv(dist_msg *m, int64_t *v, int n, int from, int tag)
{
    (void)v, (void)n, (void)from, (void)tag;
    m->active = 0;
}
int dist_msg_done(dist_msg *m)
{
    (void)m;
    return 1;
}
void dist_msg_wait(dist_msg *m) { (void)m; }
int dist_take(int64_t *v, int n, int tag, int *from)
{
    (void)v, (void)n, (void)tag, (void)from;
    return 0;
}
int dist_agree(int failed, char *msg, size_t n)
{
    (void)msg, (void)n;
    return failed != 0;
}

#endif
