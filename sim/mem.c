/* mem — the memory a job needs, estimated from its scenario (mem.h). */
#include "mem.h"

#include "kpi.h"

/* The program, its libraries and the scenario's tables. */
#define BASE ((int64_t)16 << 20)

int64_t mem_world(const scenario *s)
{
    /* Viewer records (16) and payers' entries (16, for one viewer in four:
     * payer rates run far below that, and a job where more pay fails with
     * status 4 if memory runs out); per creator: pending, withdrawn and
     * popularity weight (8 each), the cashed flag (1), the live list and its
     * weights (4 + 8) and the alias table drawn from (16 + 4 of scratch),
     * room for every creator live at once: 57. */
    double b = 20.0 * (double)s->t.p.viewers + 57.0 * (double)s->t.p.creators;
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
