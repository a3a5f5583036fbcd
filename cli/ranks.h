/* The programs' MPI variants (`make mpi`: the same sources built with mpicc -DGFD_MPI, and
 * cli/mpi.c; gfd(7) "Running under MPI"). Every rank holds the whole state and runs the
 * whole program; the kernel sums are shared (gfd/ranks.h), the first rank alone reads the
 * point clouds (and standard input) and sends them to the others (with --shard-targets each
 * rank reads its shard of the targets), and alone writes files and messages. Without
 * GFD_MPI each function below is the one-process version. */
#ifndef GFD_CLI_RANKS_H
#define GFD_CLI_RANKS_H

#include <stdio.h>
#include <stdlib.h>

#include "gfd.h"

#ifdef GFD_MPI
/* MPI_Init, the engine's sharing (gfd_ranks_use); ranks but the first write no files
 * (gfd_output_set_discard) and nothing on standard output. */
void cli_ranks_init(void);
int cli_rank(void);
int cli_ranks_size(void);
/* The status (0, or -1 with err) of every rank at this point: -1 on all of them, with the
 * lowest failing rank's error, when any failed. A collective call. */
int cli_ranks_agree(int status, gfd_err *err);
/* The largest of every rank's v. A collective call. */
int cli_ranks_max(int v);
/* The first rank's bytes to every rank. A collective call. */
void cli_ranks_share(void *buf, size_t bytes);
/* The first rank's cloud (read with status rc and err) to every rank: -1 on all of them
 * with its error when it failed. A collective call. */
int cli_ranks_share_cloud(int rc, gfd_cloud *c, gfd_format *fmt, gfd_err *err);
/* --shard-targets: Y is this rank's shard (rows i with i % ranks == rank) of targets whose
 * weights sum over every shard to more than 0 (-1 with err otherwise); from now on the
 * kernel sums over it are merged over the ranks (gfd/ranks.h merge_rows). *rows gets the
 * targets' count. A collective call. */
int cli_ranks_shard_targets(const gfd_cloud *Y, size_t *rows, gfd_err *err);
/* "rank R of P: ", for the message of a rank that ends alone. */
void cli_ranks_name(char *buf, size_t cap);
/* The end of the program with this status, line (or NULL) its message on standard error.
 * After a failure, whether the other ranks end here too is found out: they do when the
 * state they share led them to the same error. Then they all leave MPI and the first rank
 * alone prints line; a rank that ends alone prints it and stops every rank (MPI_Abort). */
_Noreturn void cli_ranks_exit(int status, int failed, const char *line);
#else
static inline void cli_ranks_init(void) {}
static inline int cli_rank(void) { return 0; }
static inline int cli_ranks_size(void) { return 1; }
static inline int cli_ranks_agree(int status, gfd_err *err) { (void)err; return status; }
static inline int cli_ranks_max(int v) { return v; }
static inline void cli_ranks_share(void *buf, size_t bytes) { (void)buf, (void)bytes; }
static inline int cli_ranks_share_cloud(int rc, gfd_cloud *c, gfd_format *fmt, gfd_err *err)
{
    (void)c, (void)fmt, (void)err;
    return rc;
}
static inline int cli_ranks_shard_targets(const gfd_cloud *Y, size_t *rows, gfd_err *err)
{
    (void)err;
    *rows = Y->n;
    return 0;
}
static inline void cli_ranks_name(char *buf, size_t cap) { (void)cap, buf[0] = '\0'; }
static inline _Noreturn void cli_ranks_exit(int status, int failed, const char *line)
{
    (void)failed;
    if (line)
        fputs(line, stderr);
    exit(status);
}
#endif

#endif
