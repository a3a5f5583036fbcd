/* The cost matrix of a Sinkhorn solve, held in memory when it fits (ot.h). Every update
 * of an iterative solve sums the same pairs again; streamed, each pass recomputes every
 * squared distance (2d flops a pair), held, a pass is one exp a pair: at d = 768 that is
 * the difference between minutes and seconds. The updates are the solver's softmins
 *     out_i = logw_i - lse_j(bias_j - c_ij / e)          (rows: A's potential)
 *     out_j = logw_j - lse_i(bias_i - c_ij / e)          (columns: B's potential)
 * with the running max of each row or column, as the engine; rows (or blocks of columns)
 * in parallel, each reduced in one fixed order: the bytes do not depend on -j. */
#include <cblas.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/clones.h"
#include "engine/vexp.h"
#include "ot/ot.h"

#define COL_BLOCK 256  /* columns per task of the column softmin */
#define GEMM_ROWS 256  /* rows per DGEMM of the cost */

/* Rows of X less the centre, into Xc (n x d), and their squared norms / 2. */
static void centred(const gfd_cloud *X, const double *centre, double *Xc, double *half_norm)
{
    const size_t d = X->d;
    for (size_t i = 0; i < X->n; i++) {
        double s = 0;
        for (size_t c = 0; c < d; c++) {
            double v = X->x[i * d + c] - centre[c];
            Xc[i * d + c] = v;
            s += v * v;
        }
        half_norm[i] = 0.5 * s;
    }
}

/* c_ij = |a|^2/2 + |b|^2/2 - a.b after centring on B's mean (as the engine's OpenBLAS path
 * computes it, so held and streamed solves agree to rounding): one DGEMM for a.b. */
static int cost_gemm(ot_cost *k, const gfd_cloud *A, const gfd_cloud *B, gfd_err *err)
{
    const size_t n = A->n, m = B->n, d = A->d;
    double *centre = gfd_alloc(d, sizeof *centre, "sinkhorn cost", err);
    double *Ac = centre ? gfd_alloc(n, d * sizeof *Ac, "sinkhorn cost", err) : NULL;
    double *Bc = Ac ? gfd_alloc(m, d * sizeof *Bc, "sinkhorn cost", err) : NULL;
    double *na = Bc ? gfd_alloc(n + m, sizeof *na, "sinkhorn cost", err) : NULL;
    if (na) {
        for (size_t j = 0; j < m; j++)
            for (size_t c = 0; c < d; c++)
                centre[c] += B->x[j * d + c] / (double)m;
        centred(A, centre, Ac, na);
        centred(B, centre, Bc, na + n);
        /* fixed blocks of rows, each a one-thread DGEMM inside the parallel region (as the
         * engine calls it): the same bytes for any -j */
        #pragma omp parallel for schedule(dynamic, 1)
        for (size_t i0 = 0; i0 < n; i0 += GEMM_ROWS) {
            size_t rows = n - i0 < GEMM_ROWS ? n - i0 : GEMM_ROWS;
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)m, (int)d, -1.0,
                        Ac + i0 * d, (int)d, Bc, (int)d, 0.0, k->c + i0 * m, (int)m);
            for (size_t i = i0; i < i0 + rows; i++)
                for (size_t j = 0; j < m; j++) {
                    double v = k->c[i * m + j] + na[i] + na[n + j];
                    k->c[i * m + j] = v > 0 ? v : 0;
                }
        }
    }
    free(centre), free(Ac), free(Bc), free(na);
    return na ? 0 : -1;
}

int ot_cost_build(ot_cost *k, const gfd_cloud *A, const gfd_cloud *B, gfd_err *err)
{
    const size_t n = A->n, m = B->n, d = A->d;
    *k = (ot_cost){.n = n, .m = m};
    if (d < 4 || (double)n * (double)m > OT_COST_MAX || n > INT_MAX || m > INT_MAX)
        return 1;  /* d <= 3: a streamed pass costs no more than one over memory */
    k->same = n == m && !memcmp(A->x, B->x, n * d * sizeof *A->x);
    if (!(k->c = gfd_alloc(n, m * sizeof *k->c, "sinkhorn cost matrix", err)))
        return -1;
    if (cost_gemm(k, A, B, err) < 0) {
        ot_cost_free(k);
        return -1;
    }
    return 0;
}

void ot_cost_free(ot_cost *k)
{
    free(k->c);
    k->c = NULL;
}

/* lse_j(bias_j - row_j / e) of one row, with its max. */
GFD_CLONES
static double row_lse(const double *row, const double *bias, size_t m, double e)
{
    const double ie = 1 / e;
    double mx = -INFINITY, s = 0;
    #pragma omp simd reduction(max:mx)
    for (size_t j = 0; j < m; j++) {
        double l = bias[j] - row[j] * ie;
        mx = l > mx ? l : mx;
    }
    if (mx == -INFINITY)
        return mx;
    #pragma omp simd reduction(+:s)
    for (size_t j = 0; j < m; j++)
        s += gfd_exp_nonpos(bias[j] - row[j] * ie - mx);
    return mx + log(s);
}

void ot_cost_softmin_rows(const ot_cost *k, const double *bias, const double *logw, double e,
                          double *out)
{
    #pragma omp parallel for schedule(static)
    for (size_t i = 0; i < k->n; i++)
        out[i] = logw[i] - row_lse(k->c + i * k->m, bias, k->m, e);
}

/* The columns [j0, j1): two sweeps down the rows, the max then the sum of exponentials. */
GFD_CLONES
static void column_lse(const ot_cost *k, const double *bias, double e, size_t j0, size_t j1,
                       double *mx, double *s)
{
    const size_t len = j1 - j0;
    const double ie = 1 / e;
    for (size_t t = 0; t < len; t++) {
        mx[t] = -INFINITY;
        s[t] = 0;
    }
    for (size_t i = 0; i < k->n; i++) {
        const double *row = k->c + i * k->m + j0, b = bias[i];
        #pragma omp simd
        for (size_t t = 0; t < len; t++) {
            double l = b - row[t] * ie;
            mx[t] = l > mx[t] ? l : mx[t];
        }
    }
    for (size_t i = 0; i < k->n; i++) {
        const double *row = k->c + i * k->m + j0, b = bias[i];
        #pragma omp simd
        for (size_t t = 0; t < len; t++)
            s[t] += mx[t] == -INFINITY ? 0 : gfd_exp_nonpos(b - row[t] * ie - mx[t]);
    }
}

void ot_cost_softmin_cols(const ot_cost *k, const double *bias, const double *logw, double e,
                          double *out)
{
    if (k->same) {  /* the rows' order of summation: equal inputs give equal bytes either way */
        ot_cost_softmin_rows(k, bias, logw, e, out);
        return;
    }
    const size_t blocks = (k->m + COL_BLOCK - 1) / COL_BLOCK;
    #pragma omp parallel for schedule(static)
    for (size_t b = 0; b < blocks; b++) {
        double mx[COL_BLOCK], s[COL_BLOCK];
        size_t j0 = b * COL_BLOCK, j1 = j0 + COL_BLOCK < k->m ? j0 + COL_BLOCK : k->m;
        column_lse(k, bias, e, j0, j1, mx, s);
        for (size_t j = j0; j < j1; j++)
            out[j] = logw[j] - (mx[j - j0] == -INFINITY ? -INFINITY : mx[j - j0] + log(s[j - j0]));
    }
}
