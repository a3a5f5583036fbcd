/* Optimal transport building blocks (private to lib/): the one Sinkhorn solver (fields and
 * metrics), the exact assignment solver of W2 (lap.c) and W_2^2 on the line (line.c). The
 * circle's is in circle.h. */
#ifndef GFD_OT_H
#define GFD_OT_H

#include <stddef.h>

#include "gfd/cloud.h"
#include "gfd/geometry.h"

/* Entropic OT between A (N x d, weights a) and B (M x d, weights b) for the cost
 * c = |x - y|^2 / 2: min_P <P, c> + eps KL(P | a x b), by log-domain Sinkhorn. */
typedef struct {
    double eps;        /* > 0 */
    int max_iters;     /* iterations at eps, >= 1 */
    double tol;        /* stop at an L1 error of the A marginal <= tol (0: run max_iters) */
    int anneal;        /* first one iteration at each eps from the squared diameter / 2,
                          halved down to eps (as geomloss does) */
    double overrelax;  /* omega in [1, 2) of the updates at eps (Thibault et al. 2017) */
    int symmetric;     /* B is A: one potential, averaged updates (OT(a, a), faster) */
    int rows_first;    /* A's update first, from B's zero potential (one more half step) */
    /* After each iteration at eps (or NULL): the iteration and the marginal error. */
    void (*progress)(void *ctx, const char *what, int iter, double error);
    void *progress_ctx;
    const char *what;  /* passed to progress */
    int stream;        /* never hold the cost matrix (else held when d >= 4, N M <= OT_COST_MAX) */
} gfd_sinkhorn_opts;

typedef struct {
    int iters;         /* iterations run at eps */
    double marginal;   /* L1 error of the A marginal of the final plan */
    double ot;         /* the dual value of OT_eps at the final potentials */
} gfd_sinkhorn_result;

/* Each iteration updates B's potential from A's, then measures A's marginal and, unless
 * that stops the run, updates A's from B's. T (N x d, or NULL) gets the barycentric map
 * sum_j P_ij y_j / sum_j P_ij of the final plan (MATH §3.6), r (or NULL) the result. */
int gfd_sinkhorn(const gfd_cloud *A, const gfd_cloud *B, const gfd_sinkhorn_opts *o, double *T,
                 gfd_sinkhorn_result *r, gfd_err *err);

/* The cost matrix c_ij = |a_i - b_j|^2 / 2 of a solve, held when d >= 4 and N M <= OT_COST_MAX
 * (256 MiB: a bounded cache, not O(N M) growth), and the solver's two softmins over it
 * (cost.c): rows out_i = logw_i - lse_j(bias_j - c_ij / e), columns the same over i. */
#define OT_COST_MAX 33554432.0
typedef struct {
    double *c;
    size_t n, m;
    int same;   /* A and B hold the same rows: c is symmetric, columns are summed as rows */
} ot_cost;
/* 0: built; 1: not held (d <= 3 or too large: k->c NULL); -1: out of memory. */
int ot_cost_build(ot_cost *k, const gfd_cloud *A, const gfd_cloud *B, gfd_err *err);
void ot_cost_free(ot_cost *k);
void ot_cost_softmin_rows(const ot_cost *k, const double *bias, const double *logw, double e,
                          double *out);
void ot_cost_softmin_cols(const ot_cost *k, const double *bias, const double *logw, double e,
                          double *out);

/* Optimal assignment for the squared geodesic cost of geometry g between the rows of X and
 * Y (N x d each, Jonker-Volgenant with auction duals), O(N d) memory. perm: N; *mean gets
 * the mean cost (W_2^2). */
int gfd_lap(const gfd_geometry *g, const double *X, const double *Y, size_t n, size_t d,
            size_t *perm, double *mean, gfd_err *err);

/* W_2^2 between the uniform empirical measures of x (n) and y (m) on the line; the arrays
 * are sorted in place. */
double gfd_w2sq_1d(double *x, size_t n, double *y, size_t m);
/* Sorts x (n) ascending. */
void gfd_sort_doubles(double *x, size_t n);

#endif
