/* The kernel-sum engine (ARCHITECTURE.md "The one idea"). For every query row q_i
 * and reference rows r_j with logits
 *     l_ij = logit_kernel(q_i, r_j) + bias_j   (+ diag when j == i + self_offset, with self)
 *     l_ij = max(l_ij, floor_i)                (when a floor is given)
 * it computes, in one streaming pass over R,
 *     lse_i = log sum_j exp(l_ij)              (online max-shift: nothing underflows)
 *     out_i = sum_j softmax_j(l_i.) v_j        (v_j: rows of V, M x k, optional)
 * Tiled over R, O(N + M) memory, bit-identical results for any thread count: every row
 * reduces over R through gfd_lse_merge, tile by tile into chunks of references and chunk by
 * chunk into the row, in one fixed order, while OpenMP spreads the rows (or, when there are
 * few, the (row, chunk) pairs) over the threads. BLAS is called from inside the parallel
 * regions: link a BLAS that runs one thread there (Debian's OpenMP OpenBLAS does). */
#ifndef GFD_KSUM_H
#define GFD_KSUM_H

#include <stddef.h>
#include "defs.h"
#include "err.h"

GFD_BEGIN_DECLS
GFD_VISIBLE_BEGIN

typedef enum {
    GFD_KERNEL_GAUSS,    /* l = -|q - r|^2 / (2 h^2)   (MATH §2.1) */
    GFD_KERNEL_LAPLACE,  /* l = -|q - r| / h           (MATH §2.4, h = tau) */
    GFD_KERNEL_VMF,      /* l = q.r / h^2              (MATH §4, kappa = 1/h^2) */
} gfd_kernel;

/* What the certified fast mode did, summed over the calls that shared it: kernel pairs in
 * all and computed exactly, and the largest ratio reached of a row's pruned mass bound to
 * its kept mass (<= rtol). */
typedef struct {
    double pairs, kept, bound;
} gfd_ksum_stats;

/* How the engine computes, for one run (the programs' --rtol; NULL: exact).
 * rtol > 0: the certified fast mode for d <= 3 (gauss and laplace kernels, no floor, no
 * positive diag; anything else runs exact): pairs whose total kernel mass is provably
 * below rtol times a row's kept mass are skipped, so every lse is within rtol of the
 * exact one (absolutely: the density within rtol relatively), and every weighted mean
 * within rtol times the largest |v_j - out_i| (lib/engine/prune.c proves it).
 * f32 (d >= 4, the OpenBLAS path): the tiles in float32 (SGEMM for the products, float
 * logits and exponentials, each row's max-shift as in float64), every tile's sums added
 * into the row's state in float64. Errors against float64: gfd-kde(1), PRECISION. */
typedef struct {
    double rtol;
    int f32;                /* float32 tiles (--precision f32), see below */
    gfd_ksum_stats *stats;  /* or NULL */
} gfd_engine;

typedef struct {
    gfd_kernel kernel;
    double h;            /* bandwidth (gauss), temperature (laplace), 1/sqrt(kappa) (vmf) */
    const double *bias;  /* M additive logit terms (log-weights, dual potentials), or NULL */
    int self;            /* Q's rows are R's: pair (i, i + self_offset) gets `diag` added */
    size_t self_offset;  /* with self: Q is R's rows [self_offset, self_offset + N) */
    double diag;         /* -INFINITY drops the self pair (leave-one-out) */
    const double *floor; /* N per-query lower bounds on the logits (drift's floor), or NULL */
    double min_sqdist;   /* laplace: |q - r|^2 below it is raised to it (0: none;
                            drift_loss.py's sqrt(max(d^2, 1e-8)) distance clamp) */
    const gfd_engine *engine;  /* NULL: exact */
    int sharded;         /* R is this process's shard of the targets (gfd/ranks.h merge_rows):
                            the rows' results over every shard are merged; ignored unsharded */
} gfd_ksum_spec;

/* Q: N x d, R: M x d, V: M x k (NULL when k == 0), lse: N, out: N x k (NULL when k == 0).
 * A query whose logits are all -inf gets lse = -inf and out = 0. */
int gfd_ksum(const double *Q, size_t n, const double *R, size_t m, size_t d,
             const double *V, size_t k, const gfd_ksum_spec *spec,
             double *lse, double *out, gfd_err *err);

/* Up to GFD_KSUM_MAX_SPECS kernel sums of the same Q, R and V whose specs differ only in h,
 * bias, diag and floor (drift's temperatures): the distances (direct path) or the products
 * q.r (OpenBLAS path) are computed once per tile for all of them. lse[e] and out[e] (out
 * NULL when k == 0) receive spec e's results, the same values as gfd_ksum with specs[e]. */
#define GFD_KSUM_MAX_SPECS 16
int gfd_ksum_multi(const double *Q, size_t n, const double *R, size_t m, size_t d,
                   const double *V, size_t k, const gfd_ksum_spec *specs, size_t nspec,
                   double *const *lse, double *const *out, gfd_err *err);

/* The per-row state of the reduction and its merge: (max, sum of exp(l - max), sums of
 * exp(l - max) v). Tiles and chunks of R (and, later, shards of R on other machines) all
 * reduce through this one function. */
void gfd_lse_merge(double *max, double *sum, double *acc, size_t k,
                   double max2, double sum2, const double *acc2);
/* The results (lse, out) of n query rows over a reference set A become those over A and B,
 * given (lse2, out2) over B (out, out2: n x k), through gfd_lse_merge. */
void gfd_lse_merge_rows(double *lse, double *out, const double *lse2, const double *out2,
                        size_t n, size_t k);

GFD_VISIBLE_END
GFD_END_DECLS

#endif
