/* The kernel-sum engine (gfd/ksum.h). Two inner paths, one result:
 * - direct: per query row, tiles of R held as columns (d x M), squared distances
 *   accumulated one coordinate at a time; fast for low d.
 * - gemm: blocks of query rows against tiles of R, dot products by OpenBLAS dgemm
 *   (|q-r|^2 = |q|^2 + |r|^2 - 2 q.r after centring on R's mean), used for d >= GEMM_MIN_D.
 * Every reduction goes through gfd_lse_merge: each tile yields a state (its max, its sum of
 * exp(l - max), its weighted sums) that is merged into the state of its chunk of CHUNK
 * references, and the chunks' states are merged into the row's, in order. The tree is the
 * same however the work is spread (over query rows when there are many, over (row, chunk)
 * pairs when there are few), so the result never depends on the number of threads. Nor
 * on the number of processes (gfd/ranks.h): each computes whole blocks of query rows, at
 * the offsets they have in one process, and the rows are then exchanged. Sharded targets
 * are the exception: each process sums over its shard, and the shards' results are
 * merged by gfd_lse_merge_rows (the same to rounding, not to the bit). */
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "engine/clones.h"
#include "engine/ksum_impl.h"
#include "engine/vexp.h"
#include "gfd/ranks.h"

#define GEMM_BQ 256     /* query rows per block of the gemm path */
#define GEMM_TR 256     /* references per tile of the gemm path */
#define CHUNK 16384     /* references per chunk: a multiple of TILE and GEMM_TR */
#define ROW_BLOCK 16    /* query rows per task of the direct path */
#define GEMM_MIN_D 4       /* below, the direct path's unrolled copies (d <= 3) are faster */
#define PARALLEL_MIN_PAIRS 65536  /* below this, threads cost more than they save */
#define ROWS_PER_THREAD 64        /* fewer query rows per thread: spread over chunks too */

void gfd_lse_merge(double *max, double *sum, double *acc, size_t k,
                   double max2, double sum2, const double *acc2)
{
    merge(max, sum, acc, k, max2, sum2, acc2);
}

void gfd_lse_merge_rows(double *lse, double *out, const double *lse2, const double *out2,
                        size_t n, size_t k)
{
    #pragma omp parallel for schedule(static) if (n * (k + 1) > 65536)
    for (size_t i = 0; i < n; i++) {  /* a result is the state (lse, 1, out), or empty */
        double mx = lse[i], sum = lse[i] > -INFINITY, *acc = k ? out + i * k : NULL;
        merge(&mx, &sum, acc, k, lse2[i], lse2[i] > -INFINITY, k ? out2 + i * k : NULL);
        lse[i] = mx + log(sum);
        for (size_t c = 0; c < k; c++)
            acc[c] = sum > 0 ? acc[c] / sum : 0;
    }
}

static inline __attribute__((always_inline)) double tile_max(const double *l, size_t len)
{
    double mx = -INFINITY;
    #pragma omp simd reduction(max:mx)
    for (size_t j = 0; j < len; j++)
        mx = l[j] > mx ? l[j] : mx;
    return mx;
}

/* l_j = max(l_j, fl) over a tile; returns the new max. */
static inline __attribute__((always_inline)) double floor_tile(double *l, size_t len, double fl)
{
    #pragma omp simd
    for (size_t j = 0; j < len; j++)
        l[j] = l[j] > fl ? l[j] : fl;
    return tile_max(l, len);
}

static inline __attribute__((always_inline)) void
add_bias(const plan_spec *ps, size_t j0, size_t len, double *l)
{
    if (ps->bias) {
        const double *bias = ps->bias + j0;
        #pragma omp simd
        for (size_t j = 0; j < len; j++)
            l[j] += bias[j];
    }
}

/* Logits of query q against references [j0, j0 + len) of the direct layout under the first
 * spec, and (base not NULL) the distances they came from, for the other specs; returns
 * their max. D and kernel are compile-time constants in the copies made by direct_chunk. */
static inline __attribute__((always_inline)) double
direct_logits(const plan *p, const double *q, size_t j0, size_t len, double *l, double *base,
              const size_t D, const gfd_kernel kernel)
{
    const size_t m = p->m;
    const double coef = p->sp[0].coef, msq = p->min_sq, *rt = p->Rt + j0;
    #pragma omp simd
    for (size_t j = 0; j < len; j++) {
        double acc = 0;
        for (size_t c = 0; c < D; c++) {
            double r = rt[c * m + j];
            acc += kernel == GFD_KERNEL_VMF ? q[c] * r : (q[c] - r) * (q[c] - r);
        }
        acc = kernel != GFD_KERNEL_LAPLACE || acc > msq ? acc : msq;
        acc = kernel == GFD_KERNEL_LAPLACE ? sqrt(acc) : acc;
        if (base)
            base[j] = acc;
        l[j] = kernel == GFD_KERNEL_VMF ? acc * coef : -acc * coef;
    }
    add_bias(&p->sp[0], j0, len, l);
    return tile_max(l, len);
}

/* The logits of spec ps from the distances base that direct_logits kept: the same
 * operations, so the same values as a call with ps alone. */
static inline __attribute__((always_inline)) double
base_logits(const plan_spec *ps, const double *base, size_t j0, size_t len, double *l,
            const gfd_kernel kernel)
{
    const double coef = ps->coef;
    #pragma omp simd
    for (size_t j = 0; j < len; j++)
        l[j] = kernel == GFD_KERNEL_VMF ? base[j] * coef : -base[j] * coef;
    add_bias(ps, j0, len, l);
    return tile_max(l, len);
}

/* The tile's state relative to its max mx: returns sum exp(l - mx) and writes the sums
 * of exp(l - mx) v of the K value columns to acc. K <= 4 keeps them in registers in one
 * fused loop; larger K stores the exponentials in l and reduces column by column. */
static inline __attribute__((always_inline)) double
direct_accumulate(const plan *p, size_t j0, size_t len, double *l, double mx,
                  double *acc, const size_t K)
{
    const size_t m = p->m;
    const double *vt = p->Vt + j0;
    double s = 0;
    if (K <= 4) {
        double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        #pragma omp simd reduction(+:s, a0, a1, a2, a3)
        for (size_t j = 0; j < len; j++) {
            double e = gfd_exp_nonpos(l[j] - mx);
            s += e;
            a0 += K > 0 ? e * vt[j] : 0;
            a1 += K > 1 ? e * vt[m + j] : 0;
            a2 += K > 2 ? e * vt[2 * m + j] : 0;
            a3 += K > 3 ? e * vt[3 * m + j] : 0;
        }
        const double a[4] = {a0, a1, a2, a3};
        for (size_t c = 0; c < K; c++)
            acc[c] = a[c];
        return s;
    }
    #pragma omp simd reduction(+:s)
    for (size_t j = 0; j < len; j++) {
        l[j] = gfd_exp_nonpos(l[j] - mx);
        s += l[j];
    }
    for (size_t c = 0; c < K; c++) {
        double a = 0;
        #pragma omp simd reduction(+:a)
        for (size_t j = 0; j < len; j++)
            a += l[j] * vt[c * m + j];
        acc[c] = a;
    }
    return s;
}

/* The states st (one per spec) of query row i over the references [c0, c1) (one chunk),
 * tile by tile: the distances once, then each spec's logits, max-shift and sums. */
static inline __attribute__((always_inline)) void
direct_chunk_dk(const plan *p, size_t i, size_t c0, size_t c1, direct_scratch *s, double *st,
                const size_t D, const size_t K, const gfd_kernel kernel)
{
    const double *q = p->Q + i * D;
    double small[4], *acc = K <= 4 ? small : s->acc, *l = s->l;
    for (size_t e = 0; e < p->nspec; e++)
        state_empty(st + e * (2 + K), K);
    for (size_t j0 = c0; j0 < c1; j0 += TILE) {
        size_t len = c1 - j0 < TILE ? c1 - j0 : TILE;
        double tmax0 = direct_logits(p, q, j0, len, l, p->nspec > 1 ? s->base : NULL, D, kernel);
        size_t me = p->self_col ? p->self_col[i] : i + p->self_offset;
        for (size_t e = 0; e < p->nspec; e++) {
            const plan_spec *ps = &p->sp[e];
            double tmax = e == 0 ? tmax0 : base_logits(ps, s->base, j0, len, l, kernel);
            if (p->self && me >= j0 && me < j0 + len) {
                l[me - j0] += ps->diag;
                tmax = tile_max(l, len);
            }
            if (ps->floor)
                tmax = floor_tile(l, len, ps->floor[i]);
            if (tmax == -INFINITY)
                continue;
            double sum = direct_accumulate(p, j0, len, l, tmax, acc, K), *se = st + e * (2 + K);
            merge(&se[0], &se[1], se + 2, K, tmax, sum, acc);
        }
    }
}

/* Copies of the chunk loop for each kernel and the common small (d, k) (k = 0, d, and
 * d + 1: a weight column before the weighted coordinates, as the drift sums), so the loops
 * over coordinates unroll and the loop over references vectorises with no per-pair
 * branch; any other shape takes the kernel's generic copy. Each copy is compiled once per
 * instruction set and chosen at run time (clones.h). */
#define DIRECT_CASE(D_, K_, KER_) \
    if (p->d == D_ && p->k == K_) { \
        direct_chunk_dk(p, i, c0, c1, s, st, D_, K_, KER_); \
        return; \
    }
#define DIRECT_KERNEL(KER_) \
    DIRECT_CASE(1, 0, KER_); DIRECT_CASE(1, 1, KER_); DIRECT_CASE(2, 0, KER_); \
    DIRECT_CASE(2, 2, KER_); DIRECT_CASE(3, 0, KER_); DIRECT_CASE(3, 3, KER_); \
    DIRECT_CASE(1, 2, KER_); DIRECT_CASE(2, 3, KER_); DIRECT_CASE(3, 4, KER_); \
    direct_chunk_dk(p, i, c0, c1, s, st, p->d, p->k, KER_); \
    return

GFD_CLONES
static void direct_chunk(const plan *p, size_t i, size_t c0, size_t c1, direct_scratch *s,
                         double *st)
{
    switch (p->kernel) {
    case GFD_KERNEL_GAUSS: DIRECT_KERNEL(GFD_KERNEL_GAUSS);
    case GFD_KERNEL_LAPLACE: DIRECT_KERNEL(GFD_KERNEL_LAPLACE);
    case GFD_KERNEL_VMF: DIRECT_KERNEL(GFD_KERNEL_VMF);
    }
}

/* For prune.c (a plain function: the clones' resolvers stay private to this file). */
void ksum_direct_range(const plan *p, size_t i, size_t c0, size_t c1, direct_scratch *s,
                       double *st)
{
    direct_chunk(p, i, c0, c1, s, st);
}

/* Logits of a block of bq centred query rows (norms qn) against references [j0, j0 + tr),
 * then each row's exponentials relative to its max: g holds q.r on entry (bq x tr) and
 * exp(l - tmax_b) on return (a row of zeros when all its logits are -inf), ts the sums. */
GFD_CLONES
static void gemm_exps(const plan *p, const plan_spec *ps, size_t i0, size_t bq, const double *qn,
                      size_t j0, size_t tr, double *g, double *tmax, double *ts)
{
    for (size_t b = 0; b < bq; b++) {
        double *l = g + b * tr;
        const double *rn = p->rnorm + j0;
        if (p->kernel == GFD_KERNEL_VMF) {
            #pragma omp simd
            for (size_t j = 0; j < tr; j++)
                l[j] *= ps->coef;
        } else if (p->kernel == GFD_KERNEL_GAUSS) {
            #pragma omp simd
            for (size_t j = 0; j < tr; j++) {
                double d2 = qn[b] + rn[j] - 2 * l[j];
                l[j] = -(d2 > 0 ? d2 : 0) * ps->coef;
            }
        } else {
            #pragma omp simd
            for (size_t j = 0; j < tr; j++) {
                double d2 = qn[b] + rn[j] - 2 * l[j];
                l[j] = -sqrt(d2 > p->min_sq ? d2 : p->min_sq) * ps->coef;
            }
        }
        add_bias(ps, j0, tr, l);
        size_t i = i0 + b, me = i + p->self_offset;
        if (p->self && me >= j0 && me < j0 + tr)
            l[me - j0] += ps->diag;
        double mx = ps->floor ? floor_tile(l, tr, ps->floor[i]) : tile_max(l, tr), rs = 0;
        tmax[b] = mx;
        if (mx == -INFINITY) {
            memset(l, 0, tr * sizeof *l);
            ts[b] = 0;
            continue;
        }
        #pragma omp simd reduction(+:rs)
        for (size_t j = 0; j < tr; j++) {
            l[j] = gfd_exp_nonpos(l[j] - mx);
            rs += l[j];
        }
        ts[b] = rs;
    }
}

/* gemm_exps in float32 (the f32 path): logits and exponentials in float, the row sums
 * accumulated in double. */
GFD_CLONES
static void gemm_exps_f32(const plan *p, const plan_spec *ps, size_t i0, size_t bq,
                          const double *qn, size_t j0, size_t tr, float *g, double *tmax,
                          double *ts)
{
    for (size_t b = 0; b < bq; b++) {
        float *l = g + b * tr, q = (float)qn[b], coef = (float)ps->coef, msq = (float)p->min_sq;
        const double *rn = p->rnorm + j0;
        for (size_t j = 0; j < tr; j++) {
            float d2 = q + (float)rn[j] - 2 * l[j];
            l[j] = p->kernel == GFD_KERNEL_VMF ? l[j] * coef
                 : p->kernel == GFD_KERNEL_GAUSS ? -(d2 > 0 ? d2 : 0) * coef
                 : -sqrtf(d2 > msq ? d2 : msq) * coef;
        }
        if (ps->bias)
            for (size_t j = 0; j < tr; j++)
                l[j] += (float)ps->bias[j0 + j];
        size_t i = i0 + b, me = i + p->self_offset;
        if (p->self && me >= j0 && me < j0 + tr)
            l[me - j0] += (float)ps->diag;
        float mx = -INFINITY;
        for (size_t j = 0; j < tr; j++) {
            if (ps->floor)
                l[j] = l[j] > (float)ps->floor[i] ? l[j] : (float)ps->floor[i];
            mx = l[j] > mx ? l[j] : mx;
        }
        tmax[b] = mx;
        if (mx == -INFINITY) {
            memset(l, 0, tr * sizeof *l);
            ts[b] = 0;
            continue;
        }
        double rs = 0;
        #pragma omp simd reduction(+:rs)
        for (size_t j = 0; j < tr; j++) {
            l[j] = gfd_expf_nonpos(l[j] - mx);
            rs += l[j];
        }
        ts[b] = rs;
    }
}

/* Per-thread scratch of the gemm path (f32: the float buffers; g0, gf0: a tile's products
 * kept for the other specs, with several). */
typedef struct {
    double *qc, *qn, *g, *tmax, *ts, *tacc, *g0;
    float *qf, *gf, *taccf, *gf0;
} gemm_scratch;

/* Each spec's tile in turn: its exponentials in g (from the products kept in g0 when there
 * are several specs), the weighted sums of the value columns, merged into the states st
 * (bq x nspec x (2 + k)). */
static void spec_tiles(const plan *p, size_t i0, size_t bq, size_t j0, size_t tr,
                       gemm_scratch *s, double *st)
{
    const size_t k = p->k, bytes = bq * tr * (p->f32 ? sizeof(float) : sizeof(double));
    void *g = p->f32 ? (void *)s->gf : (void *)s->g, *g0 = p->f32 ? (void *)s->gf0 : (void *)s->g0;
    if (p->nspec > 1)
        memcpy(g0, g, bytes);
    for (size_t e = 0; e < p->nspec; e++) {
        if (e > 0)
            memcpy(g, g0, bytes);
        if (p->f32) {
            gemm_exps_f32(p, &p->sp[e], i0, bq, s->qn, j0, tr, s->gf, s->tmax, s->ts);
            if (k)
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)bq, (int)k, (int)tr,
                            1.0f, s->gf, (int)tr, p->Vf + j0 * k, (int)k, 0.0f, s->taccf, (int)k);
            for (size_t v = 0; v < bq * k; v++)
                s->tacc[v] = s->taccf[v];
        } else {
            gemm_exps(p, &p->sp[e], i0, bq, s->qn, j0, tr, s->g, s->tmax, s->ts);
            if (k)
                cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)bq, (int)k, (int)tr,
                            1.0, s->g, (int)tr, p->Vt + j0 * k, (int)k, 0.0, s->tacc, (int)k);
        }
        for (size_t b = 0; b < bq; b++) {
            double *row = st + (b * p->nspec + e) * (2 + k);
            merge(&row[0], &row[1], row + 2, k, s->tmax[b], s->ts[b], s->tacc + b * k);
        }
    }
}

/* gemm_chunk in float32: the products by SGEMM, each tile's sums added into the rows' states
 * in double. */
static void gemm_chunk_f32(const plan *p, size_t i0, size_t bq, size_t c0, size_t c1,
                           gemm_scratch *s, double *st)
{
    const size_t d = p->d, k = p->k;
    for (size_t b = 0; b < bq; b++) {
        double nrm = 0;
        for (size_t c = 0; c < d; c++) {
            float v = (float)(p->Q[(i0 + b) * d + c] - p->center[c]);
            s->qf[b * d + c] = v;
            nrm += (double)v * v;
        }
        s->qn[b] = nrm;
    }
    for (size_t e = 0; e < bq * p->nspec; e++)
        state_empty(st + e * (2 + k), k);
    for (size_t j0 = c0; j0 < c1; j0 += GEMM_TR) {
        size_t tr = c1 - j0 < GEMM_TR ? c1 - j0 : GEMM_TR;
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)bq, (int)tr, (int)d, 1.0f,
                    s->qf, (int)d, p->Rf + j0 * d, (int)d, 0.0f, s->gf, (int)tr);
        spec_tiles(p, i0, bq, j0, tr, s, st);
    }
}

/* The states st (bq x nspec x (2 + k)) of query rows [i0, i0 + bq) over the references
 * [c0, c1). */
static void gemm_chunk(const plan *p, size_t i0, size_t bq, size_t c0, size_t c1,
                       gemm_scratch *s, double *st)
{
    const size_t d = p->d, k = p->k;
    for (size_t b = 0; b < bq; b++) {
        double nrm = 0;
        for (size_t c = 0; c < d; c++) {
            double v = p->Q[(i0 + b) * d + c] - p->center[c];
            s->qc[b * d + c] = v;
            nrm += v * v;
        }
        s->qn[b] = nrm;
    }
    for (size_t e = 0; e < bq * p->nspec; e++)
        state_empty(st + e * (2 + k), k);
    for (size_t j0 = c0; j0 < c1; j0 += GEMM_TR) {
        size_t tr = c1 - j0 < GEMM_TR ? c1 - j0 : GEMM_TR;
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)bq, (int)tr, (int)d, 1.0,
                    s->qc, (int)d, p->Rt + j0 * d, (int)d, 0.0, s->g, (int)tr);
        spec_tiles(p, i0, bq, j0, tr, s, st);
    }
}

static int use_gemm(size_t d) { return d >= GEMM_MIN_D; }

/* The doubles of a query row's states: one (max, sum, k sums) per spec. */
static size_t row_width(const plan *p) { return p->nspec * (2 + p->k); }

/* Copies R (and V) into the layout of the chosen path. */
static int plan_layout(plan *p, const double *R, const double *V, gfd_err *err)
{
    const size_t m = p->m, d = p->d, k = p->k;
    if (!p->f32 && !(p->Rt = gfd_alloc(m, d * sizeof(double), "kernel sum references", err)))
        return -1;  /* f32 keeps its references in Rf alone */
    if (!use_gemm(d)) {
        p->Vt = p->vt_copy = gfd_alloc(m, (k ? k : 1) * sizeof(double), "kernel sum values", err);
        if (!p->vt_copy)
            return -1;
        for (size_t j = 0; j < m; j++) {
            for (size_t c = 0; c < d; c++)
                p->Rt[c * m + j] = R[j * d + c];
            for (size_t c = 0; c < k; c++)
                p->vt_copy[c * m + j] = V[j * k + c];
        }
        return 0;
    }
    p->Vt = V;
    if (p->f32 && !(p->Rf = gfd_alloc(m, d * sizeof(float), "float32 references", err)))
        return -1;
    if (p->f32 && !(p->Vf = gfd_alloc(m, (k ? k : 1) * sizeof(float), "float32 values", err)))
        return -1;
    for (size_t e = 0; p->f32 && e < m * k; e++)
        p->Vf[e] = (float)V[e];
    p->center = gfd_alloc(d, sizeof(double), "kernel sum centre", err);
    p->rnorm = gfd_alloc(m, sizeof(double), "kernel sum norms", err);
    if (!p->center || !p->rnorm)
        return -1;
    if (p->kernel != GFD_KERNEL_VMF) {  /* centring keeps |q-r|^2 accurate; vMF needs raw q.r */
        for (size_t j = 0; j < m; j++)
            for (size_t c = 0; c < d; c++)
                p->center[c] += R[j * d + c] / (double)m;
    }
    for (size_t j = 0; j < m; j++) {
        double nrm = 0;
        for (size_t c = 0; c < d; c++) {
            double v = R[j * d + c] - p->center[c];
            if (p->f32)  /* the norms of the rows as float32 holds them */
                v = p->Rf[j * d + c] = (float)v;
            else
                p->Rt[j * d + c] = v;
            nrm += v * v;
        }
        p->rnorm[j] = nrm;
    }
    return 0;
}

static void plan_free(plan *p)
{
    free(p->Rt);
    free(p->vt_copy);
    free(p->center);
    free(p->rnorm);
    free(p->Rf);
    free(p->Vf);
}

/* The work: tasks of query rows (a block of them: ROW_BLOCK direct, GEMM_BQ gemm) and,
 * when spread over chunks, one chunk each. */
typedef struct {
    const plan *p;
    size_t block, nblocks, nchunks;
    int by_chunk;
    double *states;  /* by_chunk: N x nchunks x row_width */
} work;

/* Per-thread scratch of either path, or NULL. */
typedef struct {
    direct_scratch ds;
    gemm_scratch gs;
    double *st;      /* block x row_width: a task's states */
} scratch;

static int scratch_alloc(const work *w, scratch *s)
{
    const plan *p = w->p;
    const size_t k = p->k, bq = w->block;
    const int many = p->nspec > 1;
    memset(s, 0, sizeof *s);
    s->st = malloc(bq * row_width(p) * sizeof(double));
    if (!use_gemm(p->d)) {
        s->ds = (direct_scratch){malloc(TILE * sizeof(double)), malloc((k ? k : 1) * sizeof(double)),
                                 many ? malloc(TILE * sizeof(double)) : NULL};
        return s->st && s->ds.l && s->ds.acc && (!many || s->ds.base) ? 0 : -1;
    }
    s->gs = (gemm_scratch){malloc(bq * p->d * sizeof(double)), malloc(bq * sizeof(double)),
                           malloc(bq * GEMM_TR * sizeof(double)), malloc(bq * sizeof(double)),
                           malloc(bq * sizeof(double)), malloc(bq * (k ? k : 1) * sizeof(double)),
                           NULL, NULL, NULL, NULL, NULL};
    if (many && !p->f32 && !(s->gs.g0 = malloc(bq * GEMM_TR * sizeof(double))))
        return -1;
    if (p->f32 && !((s->gs.qf = malloc(bq * p->d * sizeof(float))) &&
                    (s->gs.gf = malloc(bq * GEMM_TR * sizeof(float))) &&
                    (s->gs.taccf = malloc(bq * (k ? k : 1) * sizeof(float))) &&
                    (!many || (s->gs.gf0 = malloc(bq * GEMM_TR * sizeof(float))))))
        return -1;
    return s->st && s->gs.qc && s->gs.qn && s->gs.g && s->gs.tmax && s->gs.ts && s->gs.tacc ? 0 : -1;
}

static void scratch_free(scratch *s)
{
    free(s->st), free(s->ds.l), free(s->ds.acc), free(s->ds.base);
    free(s->gs.qc), free(s->gs.qn), free(s->gs.g), free(s->gs.tmax), free(s->gs.ts), free(s->gs.tacc);
    free(s->gs.g0), free(s->gs.qf), free(s->gs.gf), free(s->gs.taccf), free(s->gs.gf0);
}

/* The states (bq x row_width) of block b's rows over chunk c. */
static void block_chunk(const work *w, size_t b, size_t c, scratch *s, double *st)
{
    const plan *p = w->p;
    size_t i0 = b * w->block, bq = p->n - i0 < w->block ? p->n - i0 : w->block;
    size_t c0 = c * CHUNK, c1 = p->m - c0 < CHUNK ? p->m : c0 + CHUNK;
    if (use_gemm(p->d)) {
        (p->f32 ? gemm_chunk_f32 : gemm_chunk)(p, i0, bq, c0, c1, &s->gs, st);
        return;
    }
    for (size_t r = 0; r < bq; r++)
        direct_chunk(p, i0 + r, c0, c1, &s->ds, st + r * row_width(p));
}

/* Query row i's results from its states (one per spec). */
static void finish_row(const plan *p, size_t i, const double *st)
{
    const size_t k = p->k;
    for (size_t e = 0; e < p->nspec; e++) {
        const plan_spec *ps = &p->sp[e];
        state_finish(st + e * (2 + k), k, ps->lse + i, ps->out ? ps->out + i * k : NULL);
    }
}

/* By rows: each task merges its block's chunks in order and finishes the rows (every
 * spec's state of a row merges as one run of states: states are (max, sum, sums) each). */
static void task_rows(const work *w, size_t b, scratch *s, double *row)
{
    const plan *p = w->p;
    const size_t k = p->k, i0 = b * w->block, bq = p->n - i0 < w->block ? p->n - i0 : w->block;
    const size_t ns = bq * p->nspec;
    for (size_t e = 0; e < ns; e++)
        state_empty(row + e * (2 + k), k);
    for (size_t c = 0; c < w->nchunks; c++) {
        block_chunk(w, b, c, s, s->st);
        for (size_t e = 0; e < ns; e++)
            state_merge(row + e * (2 + k), s->st + e * (2 + k), k);
    }
    for (size_t r = 0; r < bq; r++)
        finish_row(p, i0 + r, row + r * row_width(p));
}

/* By chunks: every (block, chunk) state into w->states. */
static void task_chunk(const work *w, size_t t, scratch *s)
{
    const plan *p = w->p;
    const size_t rw = row_width(p), b = t / w->nchunks, c = t % w->nchunks, i0 = b * w->block;
    size_t bq = p->n - i0 < w->block ? p->n - i0 : w->block;
    block_chunk(w, b, c, s, s->st);
    for (size_t r = 0; r < bq; r++)
        memcpy(w->states + ((i0 + r) * w->nchunks + c) * rw, s->st + r * rw, rw * sizeof(double));
}

/* Then each row merges its chunks' states in order. */
static void finish_chunks(const work *w)
{
    const plan *p = w->p;
    const size_t k = p->k, nc = w->nchunks, rw = row_width(p);
    #pragma omp parallel for schedule(static) if (p->n * p->m >= PARALLEL_MIN_PAIRS)
    for (size_t i = 0; i < p->n; i++) {
        double *first = w->states + i * nc * rw;
        for (size_t c = 1; c < nc; c++)
            for (size_t e = 0; e < p->nspec; e++)
                state_merge(first + e * (2 + k), first + c * rw + e * (2 + k), k);
        finish_row(p, i, first);
    }
}

static int run(const plan *p)
{
    const size_t rw = row_width(p);
    work w = {.p = p, .block = use_gemm(p->d) ? GEMM_BQ : ROW_BLOCK,
              .nchunks = (p->m + CHUNK - 1) / CHUNK};
    w.nblocks = (p->n + w.block - 1) / w.block;
    int threads = 1, failed = 0, parallel = p->n * p->m >= PARALLEL_MIN_PAIRS;
#ifdef _OPENMP
    threads = omp_get_max_threads();
#endif
    w.by_chunk = parallel && w.nchunks > 1 && p->n < (size_t)threads * ROWS_PER_THREAD;
    if (w.by_chunk && !(w.states = malloc(p->n * w.nchunks * rw * sizeof(double))))
        return -1;
    size_t tasks = w.by_chunk ? w.nblocks * w.nchunks : w.nblocks;
    #pragma omp parallel if (parallel)
    {
        scratch s;
        double *row = malloc(w.block * rw * sizeof(double));
        int ok = scratch_alloc(&w, &s) == 0 && row;
        if (!ok) {
            #pragma omp atomic write
            failed = 1;
        }
        #pragma omp for schedule(dynamic, 1)
        for (size_t t = 0; t < tasks; t++) {
            if (!ok)
                continue;
            if (w.by_chunk)
                task_chunk(&w, t, &s);
            else
                task_rows(&w, t, &s, row);
        }
        scratch_free(&s);
        free(row);
    }
    if (w.by_chunk && !failed)
        finish_chunks(&w);
    free(w.states);
    return failed ? -1 : 0;
}

static const gfd_ranks *ranks_in_use;  /* gfd/ranks.h; NULL: one process */

void gfd_ranks_use(const gfd_ranks *r) { ranks_in_use = r && r->size > 1 ? r : NULL; }

const gfd_ranks *gfd_ranks_current(void) { return ranks_in_use; }

/* Below this many pairs (a few ms on one core) a sum is not shared: one process computes
 * it sooner than the rows travel (every process computes all of it, the same bytes). */
#define SHARE_MIN_PAIRS (1 << 20)

static int shared(size_t n, size_t m)
{
    return ranks_in_use && n > GEMM_BQ && (double)n * (double)m >= SHARE_MIN_PAIRS;
}

void gfd_ranks_share(size_t n, size_t block, int size, int r, size_t *lo, size_t *hi)
{
    size_t blocks = (n + block - 1) / block, b0 = blocks * (size_t)r / (size_t)size,
           b1 = blocks * (size_t)(r + 1) / (size_t)size;
    *lo = b0 * block < n ? b0 * block : n;
    *hi = b1 * block < n ? b1 * block : n;
}

void gfd_rank_deal_of(const void *deal, int r, size_t *lo, size_t *hi)
{
    const gfd_rank_deal *d = deal;
    gfd_ranks_share(d->n, d->block, d->size, r, lo, hi);
}

/* Runs the plan over this process's rows only (whole blocks of GEMM_BQ, a multiple of
 * ROW_BLOCK: each block is the one a single process forms, at the same offset), then
 * exchanges every spec's lse and weighted sums with the other processes. status: that of
 * the plan's layout (-1: failed, err set). */
static int run_shared(const plan *p, int status, gfd_err *err)
{
    const gfd_ranks *rk = ranks_in_use;
    size_t width[2 * GFD_KSUM_MAX_SPECS], nbuf = 0, i0, i1;
    double *buf[2 * GFD_KSUM_MAX_SPECS];
    for (size_t e = 0; e < p->nspec; e++) {
        buf[nbuf] = p->sp[e].lse, width[nbuf++] = 1;
        if (p->sp[e].out)
            buf[nbuf] = p->sp[e].out, width[nbuf++] = p->k;
    }
    gfd_ranks_share(p->n, GEMM_BQ, rk->size, rk->rank, &i0, &i1);
    plan mine = *p;
    mine.Q += i0 * p->d, mine.n = i1 - i0, mine.self_offset += i0;
    for (size_t e = 0; e < p->nspec; e++) {
        plan_spec *ps = &mine.sp[e];
        ps->lse += i0;
        ps->out = ps->out ? ps->out + i0 * p->k : NULL;
        ps->floor = ps->floor ? ps->floor + i0 : NULL;
    }
    if (status == 0 && mine.n > 0 && run(&mine) < 0)
        status = gfd_fail(err, GFD_ENOMEM, "kernel sum: out of memory for per-thread scratch");
    gfd_rank_deal deal = {p->n, GEMM_BQ, rk->size};
    return rk->share_rows(rk->ctx, status, buf, width, nbuf,
                          &(gfd_rank_rows){gfd_rank_deal_of, &deal}, err);
}

static double spec_coef(const gfd_ksum_spec *spec)
{
    double h = spec->h;
    return spec->kernel == GFD_KERNEL_GAUSS ? 1 / (2 * h * h)
         : spec->kernel == GFD_KERNEL_LAPLACE ? 1 / h : 1 / (h * h);
}

static int check_spec(const gfd_ksum_spec *spec, size_t m, size_t d, gfd_err *err)
{
    if (!(spec->h > 0) || !isfinite(spec->h))
        return gfd_fail(err, GFD_EUSAGE, "bandwidth must be a positive number, not %g", spec->h);
    if (!isfinite(spec_coef(spec)))
        return gfd_fail(err, GFD_ENUMERIC, "bandwidth %g is too small: the kernel's exponent "
                        "overflows", spec->h);
    if (m == 0 || d == 0)
        return gfd_fail(err, GFD_EDATA, "kernel sum over an empty reference set");
    if ((size_t)(int)d != d || (size_t)(int)m != m)
        return gfd_fail(err, GFD_ENOMEM, "kernel sum: %zu x %zu is too large", m, d);
    return 0;
}

/* The specs of one multi call agree in all but h, bias, diag and floor. */
static int check_specs(const gfd_ksum_spec *specs, size_t nspec, size_t m, size_t d, gfd_err *err)
{
    if (nspec < 1 || nspec > GFD_KSUM_MAX_SPECS)
        return gfd_fail(err, GFD_EUSAGE, "kernel sum: %zu specs (1 to %d)", nspec, GFD_KSUM_MAX_SPECS);
    for (size_t e = 0; e < nspec; e++) {
        const gfd_ksum_spec *a = &specs[0], *b = &specs[e];
        if (check_spec(b, m, d, err) < 0)
            return -1;
        if (b->kernel != a->kernel || b->self != a->self || b->self_offset != a->self_offset ||
            b->min_sqdist != a->min_sqdist || b->engine != a->engine)
            return gfd_fail(err, GFD_EUSAGE, "kernel sum: specs of one call differ beyond h, "
                            "bias, diag and floor");
    }
    return 0;
}

/* The sums over this process's references, its query rows shared with the other processes
 * when share says so and the sum is large (else every query row here). */
static int ksum_here(const double *Q, size_t n, const double *R, size_t m, size_t d,
                     const double *V, size_t k, const gfd_ksum_spec *specs, size_t nspec,
                     int share, double *const *lse, double *const *out, gfd_err *err)
{
    const gfd_engine *engine = specs[0].engine;
    if (nspec > 1 && engine && engine->rtol > 0) {  /* each spec prunes its own pairs */
        for (size_t e = 0; e < nspec; e++)
            if (ksum_here(Q, n, R, m, d, V, k, &specs[e], 1, share, &lse[e], out ? &out[e] : NULL,
                          err) < 0)
                return -1;
        return 0;
    }
    plan p = {.n = n, .m = m, .d = d, .k = k, .Q = Q, .kernel = specs[0].kernel,
              .self = specs[0].self, .self_offset = specs[0].self_offset, .nspec = nspec,
              .f32 = engine && engine->f32 && use_gemm(d),
              .min_sq = specs[0].min_sqdist > 0 ? specs[0].min_sqdist : 0};
    for (size_t e = 0; e < nspec; e++)
        p.sp[e] = (plan_spec){.coef = spec_coef(&specs[e]), .bias = specs[e].bias,
                              .diag = specs[e].diag, .floor = specs[e].floor, .lse = lse[e],
                              .out = out ? out[e] : NULL};
    int pruned = nspec == 1 ? ksum_pruned(Q, n, R, m, d, V, k, specs, p.sp[0].coef, p.sp[0].lse,
                                          p.sp[0].out, err) : 0;
    if (pruned != 0)
        return pruned < 0 ? -1 : 0;
    if (engine && engine->stats) {  /* exact: every pair kept */
        double pairs = (double)nspec * (double)n * (double)m;
        engine->stats->pairs += pairs, engine->stats->kept += pairs;
    }
    int rc = plan_layout(&p, R, V, err);
    if (share && shared(n, m))  /* every process takes part, even one whose layout failed */
        rc = run_shared(&p, rc, err);
    else if (rc == 0 && n > 0 && run(&p) < 0)
        rc = gfd_fail(err, GFD_ENOMEM, "kernel sum: out of memory for per-thread scratch");
    plan_free(&p);
    return rc;
}

int gfd_ksum_multi(const double *Q, size_t n, const double *R, size_t m, size_t d,
                   const double *V, size_t k, const gfd_ksum_spec *specs, size_t nspec,
                   double *const *lse, double *const *out, gfd_err *err)
{
    const gfd_ranks *rk = ranks_in_use;
    if (!(rk && rk->merge_rows && specs[0].sharded)) {
        if (check_specs(specs, nspec, m, d, err) < 0)
            return -1;
        return ksum_here(Q, n, R, m, d, V, k, specs, nspec, 1, lse, out, err);
    }
    /* every process takes part in every merge, even one whose sum failed */
    int rc = check_specs(specs, nspec, m, d, err) < 0 ? -1
           : ksum_here(Q, n, R, m, d, V, k, specs, nspec, 0, lse, out, err);
    for (size_t e = 0; e < nspec; e++)
        rc = rk->merge_rows(rk->ctx, rc, lse[e], out ? out[e] : NULL, n, out ? k : 0, err);
    return rc;
}

int gfd_ksum(const double *Q, size_t n, const double *R, size_t m, size_t d,
             const double *V, size_t k, const gfd_ksum_spec *spec,
             double *lse, double *out, gfd_err *err)
{
    return gfd_ksum_multi(Q, n, R, m, d, V, k, spec, 1, &lse, out ? &out : NULL, err);
}
