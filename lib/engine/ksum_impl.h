/* The engine's internals shared by its two files (private to lib/engine): ksum.c's paths
 * and prune.c's certified pruning (--rtol), which runs ksum.c's direct loops on the
 * references of the cells it keeps. */
#ifndef GFD_KSUM_IMPL_H
#define GFD_KSUM_IMPL_H

#include <math.h>
#include <stddef.h>

#include "gfd/ksum.h"

#define TILE 512        /* references per tile of the direct path */

/* The merge itself, inlined into the hot loops (and so compiled for each of their
 * instruction sets); gfd_lse_merge is its one public name. */
static inline __attribute__((always_inline)) void
merge(double *max, double *sum, double *acc, size_t k, double max2, double sum2, const double *acc2)
{
    if (max2 == -INFINITY)
        return;
    if (max2 > *max) {
        double s = exp(*max - max2);
        *sum *= s;
        for (size_t c = 0; c < k; c++)
            acc[c] *= s;
        *max = max2;
    }
    double s2 = exp(max2 - *max);
    *sum += sum2 * s2;
    for (size_t c = 0; c < k; c++)
        acc[c] += acc2[c] * s2;
}

/* A reduction state: st[0] the max, st[1] the sum, st[2 .. 2 + k) the weighted sums. */
static inline void state_empty(double *st, size_t k)
{
    st[0] = -INFINITY;
    for (size_t c = 1; c < 2 + k; c++)
        st[c] = 0;
}

static inline void state_merge(double *st, const double *st2, size_t k)
{
    merge(&st[0], &st[1], st + 2, k, st2[0], st2[1], st2 + 2);
}

/* lse = max + log(sum), out = the weighted sums over sum (0 when no term survived). */
static inline void state_finish(const double *st, size_t k, double *lse, double *out)
{
    *lse = st[0] + log(st[1]);
    for (size_t c = 0; c < k; c++)
        out[c] = st[1] > 0 ? st[2 + c] / st[1] : 0;
}

/* What differs between the specs of one call (gfd_ksum_multi), and where each one's
 * results go. */
typedef struct {
    double coef;          /* gauss 1/(2h^2), laplace 1/h, vmf 1/h^2 */
    const double *bias;
    double diag;
    const double *floor;  /* N per-query logit floors, or NULL */
    double *lse, *out;
} plan_spec;

/* Everything the inner loops share, prepared once per call. */
typedef struct {
    size_t n, m, d, k;
    const double *Q;      /* N x d */
    double *Rt;           /* direct: d x M (columns); gemm: M x d centred rows */
    const double *Vt;     /* direct: k x M (vt_copy); gemm: M x k (V itself) */
    double *vt_copy;
    double *rnorm;        /* gemm: |r_j - mean|^2 */
    double *center;       /* gemm: mean of R (zero for vMF) */
    gfd_kernel kernel;
    double min_sq;        /* the squared-distance clamp (laplace) */
    int self;
    size_t self_offset;   /* query row i is reference row i + self_offset */
    const size_t *self_col; /* or, when not NULL, reference self_col[i] (pruned path) */
    size_t nspec;         /* the specs sharing the distances, 1 .. GFD_KSUM_MAX_SPECS */
    plan_spec sp[GFD_KSUM_MAX_SPECS];
    int f32;              /* gemm path in float32 (gfd_engine.f32): Rf, Vf replace Rt, Vt */
    float *Rf, *Vf;       /* M x d centred rows, M x k values */
} plan;

/* Per-thread scratch of the direct path: a tile of logits, a tile's weighted sums, and
 * with several specs the tile's distances (NULL with one). */
typedef struct {
    double *l, *acc, *base;
} direct_scratch;

/* The states st (nspec x (2 + k)) of query row i over the references [c0, c1) of the
 * direct layout. */
void ksum_direct_range(const plan *p, size_t i, size_t c0, size_t c1, direct_scratch *s,
                       double *st);

/* The pruned path (prune.c): returns 1 when it computed lse and out, 0 when pruning does
 * not apply (the exact path must run), -1 on error. */
int ksum_pruned(const double *Q, size_t n, const double *R, size_t m, size_t d,
                const double *V, size_t k, const gfd_ksum_spec *spec, double coef,
                double *lse, double *out, gfd_err *err);

#endif
