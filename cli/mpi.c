/* The MPI side of the programs' MPI variants (ranks.h), built only by `make mpi`. */
#ifdef GFD_MPI
#include <math.h>
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "ranks.h"

/* How long a rank that ends on an error waits for the others to end at the same point
 * (they do when the error comes from the state they share) before it stops them all. */
#define TOGETHER_SECONDS 10.0
/* MPI counts are ints: larger messages go in pieces of this many doubles. */
#define PIECE ((size_t)1 << 27)

static int rank, size;
static MPI_Comm work, ending;  /* the programs' collectives; the end-of-program barrier */
static int *counts, *displs;   /* size each: row counts and offsets of an exchange */

static void share_err(int from, gfd_err *err)
{
    gfd_err e = err ? *err : (gfd_err){0};
    MPI_Bcast(&e, (int)sizeof e, MPI_BYTE, from, work);
    if (err)
        *err = e;
}

int cli_ranks_agree(int status, gfd_err *err)
{
    int mine = status < 0 ? rank : size, first;
    MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, work);
    if (first == size)
        return 0;
    share_err(first, err);
    return first ? gfd_err_prefix(err, "rank %d of %d", first, size) : -1;
}

/* Every rank's rows of buf (counts and displs set, in rows) to every rank, in place: rows
 * as a datatype of width doubles keep the counts small. */
static void gather_rows(double *buf, size_t width)
{
    MPI_Datatype row;
    MPI_Type_contiguous((int)width, MPI_DOUBLE, &row);
    MPI_Type_commit(&row);
    MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, buf, counts, displs, row, work);
    MPI_Type_free(&row);
}

/* The fault of GFD_FAULT_RANK=R (tests/mpi.bats): rank R fails its first exchange as if
 * out of memory, to show how one rank's failure ends the run. */
static int injected_fault(gfd_err *err)
{
    static int done;
    const char *r = getenv("GFD_FAULT_RANK");
    if (done || !r || atoi(r) != rank)
        return 0;
    done = 1;
    return gfd_fail(err, GFD_ENOMEM, "kernel sum: out of memory (injected by GFD_FAULT_RANK)");
}

static int share_rows(void *ctx, int status, double *const *buf, const size_t *width,
                      size_t nbuf, const gfd_rank_rows *rows, gfd_err *err)
{
    (void)ctx;
    for (int r = 0; r < size; r++) {
        size_t lo, hi;
        rows->of(rows->ctx, r, &lo, &hi);
        if (hi > INT32_MAX && status == 0)
            status = gfd_fail(err, GFD_ENOMEM, "kernel sum: %zu rows are too many to exchange", hi);
        counts[r] = (int)(hi - lo), displs[r] = (int)lo;
    }
    if (status == 0)
        status = injected_fault(err);
    if (cli_ranks_agree(status, err) < 0)
        return -1;
    for (size_t b = 0; b < nbuf; b++)
        gather_rows(buf[b], width[b]);
    return 0;
}

static void send_doubles(const double *x, size_t n, int to)
{
    for (size_t at = 0; at < n; at += PIECE)
        MPI_Send(x + at, (int)(n - at < PIECE ? n - at : PIECE), MPI_DOUBLE, to, 0, work);
}

static void recv_doubles(double *x, size_t n, int from)
{
    for (size_t at = 0; at < n; at += PIECE)
        MPI_Recv(x + at, (int)(n - at < PIECE ? n - at : PIECE), MPI_DOUBLE, from, 0, work,
                 MPI_STATUS_IGNORE);
}

static void share_doubles(double *x, size_t n)
{
    for (size_t at = 0; at < n; at += PIECE)
        MPI_Bcast(x + at, (int)(n - at < PIECE ? n - at : PIECE), MPI_DOUBLE, 0, work);
}

/* The shards' results merged (gfd/ranks.h merge_rows) along a tree of fixed shape: at
 * level s = 1, 2, 4, ... rank r (a multiple of 2s) merges rank r + s's rows into its own,
 * the lower ranks' first; then the first rank's rows go to every rank. */
static int merge_rows(void *ctx, int status, double *lse, double *out, size_t n, size_t k,
                      gfd_err *err)
{
    (void)ctx;
    double *lse2 = malloc((n + 1) * sizeof *lse2), *out2 = malloc((n * k + 1) * sizeof *out2);
    if (status == 0 && (!lse2 || !out2))
        status = gfd_fail(err, GFD_ENOMEM, "kernel sum: out of memory to merge the shards");
    if (status == 0)
        status = injected_fault(err);
    if (cli_ranks_agree(status, err) < 0) {
        free(lse2), free(out2);
        return -1;
    }
    for (int s = 1; s < size; s *= 2) {
        if (rank % (2 * s) == s) {
            send_doubles(lse, n, rank - s), send_doubles(out, n * k, rank - s);
            break;
        }
        if (rank + s < size) {
            recv_doubles(lse2, n, rank + s), recv_doubles(out2, n * k, rank + s);
            gfd_lse_merge_rows(lse, out, lse2, out2, n, k);
        }
    }
    free(lse2), free(out2);
    share_doubles(lse, n), share_doubles(out, n * k);
    return 0;
}

static gfd_ranks engine_ranks = {.share_rows = share_rows};

int cli_ranks_shard_targets(const gfd_cloud *Y, size_t *rows, gfd_err *err)
{
    double mine[2] = {(double)Y->n, 0}, *all = malloc(2 * (size_t)size * sizeof *all);
    for (size_t j = 0; j < Y->n; j++)
        mine[1] += Y->w ? Y->w[j] : 1;
    if (cli_ranks_agree(all ? 0 : gfd_fail(err, GFD_ENOMEM, "out of memory"), err) < 0) {
        free(all);
        return -1;
    }
    MPI_Allgather(mine, 2, MPI_DOUBLE, all, 2, MPI_DOUBLE, work);
    double n = 0, mass = 0;
    for (int r = 0; r < size; r++)  /* in rank order: the same sum on every rank */
        n += all[2 * r], mass += all[2 * r + 1];
    free(all);
    if (!(mass > 0))
        return gfd_fail(err, GFD_EDATA, "the target weights sum to zero");
    *rows = (size_t)n;
    engine_ranks.shard_log_mass = log(mine[1] / mass);
    engine_ranks.merge_rows = merge_rows;
    return 0;
}

void cli_ranks_init(void)
{
    int provided;
    MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_dup(MPI_COMM_WORLD, &work);
    MPI_Comm_dup(MPI_COMM_WORLD, &ending);
    MPI_Comm_rank(work, &rank);
    MPI_Comm_size(work, &size);
    counts = malloc((size_t)size * sizeof *counts);
    displs = malloc((size_t)size * sizeof *displs);
    if (!counts || !displs) {
        fprintf(stderr, "gfd: rank %d: out of memory for %d ranks\n", rank, size);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    engine_ranks.rank = rank, engine_ranks.size = size;
    gfd_ranks_use(&engine_ranks);
    if (rank > 0) {
        gfd_output_set_discard(1);
        if (!freopen("/dev/null", "w", stdout))  /* --help, --version: the first rank's */
            fclose(stdout);
    }
}

int cli_rank(void) { return rank; }
int cli_ranks_size(void) { return size; }

int cli_ranks_max(int v)
{
    int m;
    MPI_Allreduce(&v, &m, 1, MPI_INT, MPI_MAX, work);
    return m;
}

void cli_ranks_share(void *buf, size_t bytes)
{
    MPI_Bcast(buf, (int)bytes, MPI_BYTE, 0, work);
}

int cli_ranks_share_cloud(int rc, gfd_cloud *c, gfd_format *fmt, gfd_err *err)
{
    struct {
        int rc, fmt, weighted;
        uint64_t n, d;
    } head = {rc, fmt ? (int)*fmt : 0, rc == 0 && c->w, rc == 0 ? c->n : 0, rc == 0 ? c->d : 0};
    MPI_Bcast(&head, (int)sizeof head, MPI_BYTE, 0, work);
    if (head.rc < 0) {
        share_err(0, err);
        return -1;
    }
    if (rank > 0) {  /* failing here, this rank ends alone (cli_ranks_exit) */
        *c = (gfd_cloud){0};
        if (gfd_cloud_alloc(c, head.n, head.d, err) < 0 ||
            (head.weighted && !(c->w = gfd_alloc(head.n, sizeof *c->w, "weights", err))))
            return -1;
        if (fmt)
            *fmt = (gfd_format)head.fmt;
    }
    share_doubles(c->x, c->n * c->d);
    if (head.weighted)
        share_doubles(c->w, c->n);
    return 0;
}

/* Whether every rank reaches this point within TOGETHER_SECONDS. */
static int together(void)
{
    MPI_Request req;
    int done = 0;
    struct timespec t0, t, pause = {0, 1000000};
    MPI_Ibarrier(ending, &req);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        MPI_Test(&req, &done, MPI_STATUS_IGNORE);
        if (done)
            return 1;
        clock_gettime(CLOCK_MONOTONIC, &t);
        if ((double)(t.tv_sec - t0.tv_sec) + 1e-9 * (double)(t.tv_nsec - t0.tv_nsec) > TOGETHER_SECONDS)
            return 0;
        nanosleep(&pause, NULL);
    }
}

void cli_ranks_name(char *buf, size_t cap)
{
    snprintf(buf, cap, "rank %d of %d: ", rank, size);
}

_Noreturn void cli_ranks_exit(int status, int failed, const char *line)
{
    int all = !failed || together();
    if (line && (rank == 0 || !all))
        fputs(line, stderr);
    fflush(stderr);
    if (!all) {
        gfd_output_remove_temps();
        MPI_Abort(MPI_COMM_WORLD, status);
    }
    MPI_Finalize();
    exit(status);
}
#endif
