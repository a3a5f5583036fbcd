/* Processes that share the kernel sums (the programs' MPI variants, gfd(7) "Running under
 * MPI"). Every process holds the whole state (particles, targets, parameters) and runs the
 * same calls in the same order; each kernel sum computes only its share of the query rows,
 * in blocks aligned with the engine's own (a mini-batch field deals its groups instead), and
 * the processes then exchange the rows. So
 * every row is computed by the same operations as in one process: the results are the
 * same bytes for any number of processes. libgfd does not link MPI: the program supplies
 * the exchange. */
#ifndef GFD_RANKS_H
#define GFD_RANKS_H

#include <stddef.h>

#include "defs.h"
#include "err.h"

GFD_BEGIN_DECLS
GFD_VISIBLE_BEGIN

/* Which rows process r computed: [*lo, *hi). */
typedef struct {
    void (*of)(const void *ctx, int r, size_t *lo, size_t *hi);
    const void *ctx;
} gfd_rank_rows;

typedef struct {
    int rank, size;  /* this process, and how many there are (size >= 1) */
    /* Called by every process at the same point with its status (0, or -1 with err set).
     * Process r computed the rows rows->of(r) of each of the nbuf arrays buf[b] (rows of
     * width[b] doubles); on return every process holds every row. If any process failed,
     * every one returns -1 with the error of the lowest failing rank. */
    int (*share_rows)(void *ctx, int status, double *const *buf, const size_t *width,
                      size_t nbuf, const gfd_rank_rows *rows, gfd_err *err);
    /* Sharded targets (the programs' --shard-targets), else NULL: process r holds the
     * targets' rows i with i % size == r, and a kernel sum whose spec says `sharded` runs
     * over this shard alone. Called by every process at the same point with its status
     * and its (lse, out) of the n query rows over its shard (out n x k); on return every
     * process holds the merge over all the shards (gfd_lse_merge_rows, in a fixed order of
     * ranks). Errors as share_rows. */
    int (*merge_rows)(void *ctx, int status, double *lse, double *out, size_t n, size_t k,
                      gfd_err *err);
    double shard_log_mass;  /* with merge_rows: log of this shard's share of the targets' weight */
    void *ctx;
} gfd_ranks;

/* Process r's share [*lo, *hi) of n items dealt over `size` processes in contiguous runs
 * of whole blocks of `block` items (the last block may be short; a process may get none). */
void gfd_ranks_share(size_t n, size_t block, int size, int r, size_t *lo, size_t *hi);

/* Such a deal as the rows of an exchange: (gfd_rank_rows){gfd_rank_deal_of, &deal}. */
typedef struct {
    size_t n, block;
    int size;
} gfd_rank_deal;
void gfd_rank_deal_of(const void *deal, int r, size_t *lo, size_t *hi);

/* Makes the kernel sums of this process shared as r says (r is kept, not copied), or, for
 * NULL, the default: one process. Process-wide, like MPI_Init: set it before any kernel
 * sum and keep it for the run (the library sets it aside only while one process computes
 * a mini-batch group alone). */
void gfd_ranks_use(const gfd_ranks *r);
/* The processes in use, or NULL for one. */
const gfd_ranks *gfd_ranks_current(void);

GFD_VISIBLE_END
GFD_END_DECLS

#endif
