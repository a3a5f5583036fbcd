/* The kernel-sum engine (see ksum.h). Two inner paths, one result:
 * - direct: per query row, tiles of R held as columns (d x M), squared distances
 *   accumulated one coordinate at a time; fast for low d.
 * - gemm: blocks of query rows against tiles of R, dot products by OpenBLAS dgemm
 *   (|q-r|^2 = |q|^2 + |r|^2 - 2 q.r after centring on R's mean), used for d >= GEMM_MIN_D.
 * Both reduce each query row over R tile by tile, in order, through gfd_lse_merge's
 * rule, so the result never depends on the number of threads. */
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ksum.h"
#include "vexp.h"

#define TILE 512        /* references per tile of the direct path */
#define GEMM_BQ 256     /* query rows per block of the gemm path */
#define GEMM_TR 256     /* references per tile of the gemm path */
#define GEMM_MIN_D 32
#define PARALLEL_MIN_PAIRS 65536  /* below this, threads cost more than they save */

void openblas_set_num_threads(int);

void gfd_lse_merge(double *max, double *sum, double *acc, size_t k,
                   double max2, double sum2, const double *acc2)
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

/* Everything the inner loops share, prepared once per call. */
typedef struct {
    size_t n, m, d, k;
    const double *Q;      /* N x d */
    double *Rt;           /* direct: d x M (columns); gemm: M x d centred rows */
    double *Vt;           /* direct: k x M; gemm: M x k (V itself) */
    double *rnorm;        /* gemm: |r_j - mean|^2 */
    double *center;       /* gemm: mean of R (zero for vMF) */
    const double *bias;
    gfd_kernel kernel;
    double coef;          /* gauss 1/(2h^2), laplace 1/h, vmf 1/h^2 */
    int self;
    double diag;
    const double *floor;  /* N per-query logit floors, or NULL */
} plan;

static double tile_max(const double *l, size_t len)
{
    double mx = -INFINITY;
    #pragma omp simd reduction(max:mx)
    for (size_t j = 0; j < len; j++)
        mx = l[j] > mx ? l[j] : mx;
    return mx;
}

/* l_j = max(l_j, fl) over a tile; returns the new max. */
static double floor_tile(double *l, size_t len, double fl)
{
    #pragma omp simd
    for (size_t j = 0; j < len; j++)
        l[j] = l[j] > fl ? l[j] : fl;
    return tile_max(l, len);
}

/* Raises the running max to at least tmax, rescaling sum and acc (the merge rule). */
static void raise_max(double *mx, double *sum, double *acc, size_t k, double tmax)
{
    if (tmax <= *mx)
        return;
    double s = exp(*mx - tmax);
    *sum *= s;
    for (size_t c = 0; c < k; c++)
        acc[c] *= s;
    *mx = tmax;
}

/* Logits of query q against references [j0, j0 + len) of the direct layout; returns
 * their max. D and kernel are compile-time constants in the copies made by direct_row. */
static inline __attribute__((always_inline)) double
direct_logits(const plan *p, const double *q, size_t j0, size_t len, double *l, const size_t D,
              const gfd_kernel kernel)
{
    const size_t m = p->m;
    const double coef = p->coef, *rt = p->Rt + j0;
    #pragma omp simd
    for (size_t j = 0; j < len; j++) {
        double acc = 0;
        for (size_t c = 0; c < D; c++) {
            double r = rt[c * m + j];
            acc += kernel == GFD_KERNEL_VMF ? q[c] * r : (q[c] - r) * (q[c] - r);
        }
        l[j] = kernel == GFD_KERNEL_VMF ? acc * coef
             : kernel == GFD_KERNEL_GAUSS ? -acc * coef : -sqrt(acc) * coef;
    }
    if (p->bias) {
        const double *bias = p->bias + j0;
        #pragma omp simd
        for (size_t j = 0; j < len; j++)
            l[j] += bias[j];
    }
    return tile_max(l, len);
}

/* exp(l - mx) summed, and its products with the K value columns added to acc.
 * K <= 4 keeps the column sums in registers in one fused loop; larger K stores the
 * exponentials in l and reduces column by column. */
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
            acc[c] += a[c];
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
        acc[c] += a;
    }
    return s;
}

/* One query row through the direct path. l: scratch of TILE doubles. */
static inline __attribute__((always_inline)) void
direct_row_dk(const plan *p, size_t i, double *l, double *lse, double *out, const size_t D,
              const size_t K, const gfd_kernel kernel)
{
    const double *q = p->Q + i * D;
    double mx = -INFINITY, sum = 0;
    for (size_t c = 0; c < K; c++)
        out[c] = 0;
    for (size_t j0 = 0; j0 < p->m; j0 += TILE) {
        size_t len = p->m - j0 < TILE ? p->m - j0 : TILE;
        double tmax = direct_logits(p, q, j0, len, l, D, kernel);
        if (p->self && i >= j0 && i < j0 + len) {
            l[i - j0] += p->diag;
            tmax = tile_max(l, len);
        }
        if (p->floor)
            tmax = floor_tile(l, len, p->floor[i]);
        if (tmax == -INFINITY)
            continue;
        raise_max(&mx, &sum, out, K, tmax);
        sum += direct_accumulate(p, j0, len, l, mx, out, K);
    }
    *lse = mx + log(sum);
    for (size_t c = 0; c < K; c++)
        out[c] = sum > 0 ? out[c] / sum : 0;
}

/* Copies of the row loop for each kernel and the common small (d, k) (k = 0, d, and
 * d + 1: a weight column before the weighted coordinates, as the drift sums), so the loops
 * over coordinates unroll and the loop over references vectorises with no per-pair
 * branch; any other shape takes the kernel's generic copy. */
#define DIRECT_CASE(D_, K_, KER_) \
    if (p->d == D_ && p->k == K_) \
        return direct_row_dk(p, i, l, lse, out, D_, K_, KER_)
#define DIRECT_KERNEL(KER_) \
    DIRECT_CASE(1, 0, KER_); DIRECT_CASE(1, 1, KER_); DIRECT_CASE(2, 0, KER_); \
    DIRECT_CASE(2, 2, KER_); DIRECT_CASE(3, 0, KER_); DIRECT_CASE(3, 3, KER_); \
    DIRECT_CASE(1, 2, KER_); DIRECT_CASE(2, 3, KER_); DIRECT_CASE(3, 4, KER_); \
    return direct_row_dk(p, i, l, lse, out, p->d, p->k, KER_)

static void direct_row(const plan *p, size_t i, double *l, double *lse, double *out)
{
    switch (p->kernel) {
    case GFD_KERNEL_GAUSS: DIRECT_KERNEL(GFD_KERNEL_GAUSS);
    case GFD_KERNEL_LAPLACE: DIRECT_KERNEL(GFD_KERNEL_LAPLACE);
    case GFD_KERNEL_VMF: DIRECT_KERNEL(GFD_KERNEL_VMF);
    }
}

/* Logits of a block of bq centred query rows (qc, norms qn) against references
 * [j0, j0 + tr): g holds q.r on entry (bq x tr) and the logits on return. */
static void gemm_logits(const plan *p, size_t i0, size_t bq, const double *qn,
                        size_t j0, size_t tr, double *g)
{
    for (size_t b = 0; b < bq; b++) {
        double *l = g + b * tr;
        const double *rn = p->rnorm + j0;
        if (p->kernel == GFD_KERNEL_VMF) {
            for (size_t j = 0; j < tr; j++)
                l[j] *= p->coef;
        } else if (p->kernel == GFD_KERNEL_GAUSS) {
            #pragma omp simd
            for (size_t j = 0; j < tr; j++) {
                double d2 = qn[b] + rn[j] - 2 * l[j];
                l[j] = -(d2 > 0 ? d2 : 0) * p->coef;
            }
        } else {
            #pragma omp simd
            for (size_t j = 0; j < tr; j++) {
                double d2 = qn[b] + rn[j] - 2 * l[j];
                l[j] = -sqrt(d2 > 0 ? d2 : 0) * p->coef;
            }
        }
        if (p->bias)
            for (size_t j = 0; j < tr; j++)
                l[j] += p->bias[j0 + j];
        size_t i = i0 + b;
        if (p->self && i >= j0 && i < j0 + tr)
            l[i - j0] += p->diag;
        if (p->floor)
            floor_tile(l, tr, p->floor[i]);
    }
}

/* Per-thread scratch of the gemm path. */
typedef struct {
    double *qc, *qn, *g, *mx, *sum;
} gemm_scratch;

/* Query rows [i0, i0 + bq) through the gemm path. */
static void gemm_block(const plan *p, size_t i0, size_t bq, gemm_scratch *s,
                       double *lse, double *out)
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
        s->mx[b] = -INFINITY;
        s->sum[b] = 0;
    }
    if (k)
        memset(out + i0 * k, 0, bq * k * sizeof *out);
    for (size_t j0 = 0; j0 < p->m; j0 += GEMM_TR) {
        size_t tr = p->m - j0 < GEMM_TR ? p->m - j0 : GEMM_TR;
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)bq, (int)tr, (int)d, 1.0,
                    s->qc, (int)d, p->Rt + j0 * d, (int)d, 0.0, s->g, (int)tr);
        gemm_logits(p, i0, bq, s->qn, j0, tr, s->g);
        for (size_t b = 0; b < bq; b++) {
            double *l = s->g + b * tr, tmax = tile_max(l, tr), rs = 0;
            if (tmax == -INFINITY) {
                memset(l, 0, tr * sizeof *l);
                continue;
            }
            raise_max(&s->mx[b], &s->sum[b], out + (i0 + b) * k, k, tmax);
            const double mxb = s->mx[b];
            #pragma omp simd reduction(+:rs)
            for (size_t j = 0; j < tr; j++) {
                l[j] = gfd_exp_nonpos(l[j] - mxb);
                rs += l[j];
            }
            s->sum[b] += rs;
        }
        if (k)
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)bq, (int)k, (int)tr, 1.0,
                        s->g, (int)tr, p->Vt + j0 * k, (int)k, 1.0, out + i0 * k, (int)k);
    }
    for (size_t b = 0; b < bq; b++) {
        lse[i0 + b] = s->mx[b] + log(s->sum[b]);
        for (size_t c = 0; c < k; c++)
            out[(i0 + b) * k + c] = s->sum[b] > 0 ? out[(i0 + b) * k + c] / s->sum[b] : 0;
    }
}

static int use_gemm(size_t d) { return d >= GEMM_MIN_D; }

/* Copies R (and V) into the layout of the chosen path. */
static int plan_layout(plan *p, const double *R, const double *V, gfd_err *err)
{
    const size_t m = p->m, d = p->d, k = p->k;
    p->Rt = gfd_alloc(m, d * sizeof(double), "kernel sum references", err);
    if (!p->Rt)
        return -1;
    if (!use_gemm(d)) {
        p->Vt = gfd_alloc(m, (k ? k : 1) * sizeof(double), "kernel sum values", err);
        if (!p->Vt)
            return -1;
        for (size_t j = 0; j < m; j++) {
            for (size_t c = 0; c < d; c++)
                p->Rt[c * m + j] = R[j * d + c];
            for (size_t c = 0; c < k; c++)
                p->Vt[c * m + j] = V[j * k + c];
        }
        return 0;
    }
    p->Vt = (double *)V;
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
    if (!use_gemm(p->d))
        free(p->Vt);
    free(p->center);
    free(p->rnorm);
}

static int run_direct(const plan *p, double *lse, double *out)
{
    int failed = 0;
    #pragma omp parallel if (p->n * p->m >= PARALLEL_MIN_PAIRS)
    {
        double *l = malloc(TILE * sizeof *l);
        if (!l) {
            #pragma omp atomic write
            failed = 1;
        }
        #pragma omp for schedule(dynamic, 16)
        for (size_t i = 0; i < p->n; i++)
            if (l)
                direct_row(p, i, l, lse + i, out ? out + i * p->k : NULL);
        free(l);
    }
    return failed ? -1 : 0;
}

static int run_gemm(const plan *p, double *lse, double *out)
{
    int failed = 0;
    openblas_set_num_threads(1);  /* threads come from OpenMP over query blocks */
    #pragma omp parallel if (p->n * p->m >= PARALLEL_MIN_PAIRS)
    {
        const size_t d = p->d;
        gemm_scratch s = {malloc(GEMM_BQ * d * sizeof(double)), malloc(GEMM_BQ * sizeof(double)),
                          malloc(GEMM_BQ * GEMM_TR * sizeof(double)),
                          malloc(GEMM_BQ * sizeof(double)), malloc(GEMM_BQ * sizeof(double))};
        int ok = s.qc && s.qn && s.g && s.mx && s.sum;
        if (!ok) {
            #pragma omp atomic write
            failed = 1;
        }
        #pragma omp for schedule(dynamic, 1)
        for (size_t i0 = 0; i0 < p->n; i0 += GEMM_BQ)
            if (ok)
                gemm_block(p, i0, p->n - i0 < GEMM_BQ ? p->n - i0 : GEMM_BQ, &s, lse, out);
        free(s.qc), free(s.qn), free(s.g), free(s.mx), free(s.sum);
    }
    return failed ? -1 : 0;
}

static int check_spec(const gfd_ksum_spec *spec, size_t m, size_t d, gfd_err *err)
{
    if (!(spec->h > 0) || !isfinite(spec->h))
        return gfd_fail(err, GFD_EUSAGE, "bandwidth must be a positive number, not %g", spec->h);
    if (m == 0 || d == 0)
        return gfd_fail(err, GFD_EDATA, "kernel sum over an empty reference set");
    if ((size_t)(int)d != d || (size_t)(int)m != m)
        return gfd_fail(err, GFD_ENOMEM, "kernel sum: %zu x %zu is too large", m, d);
    return 0;
}

int gfd_ksum(const double *Q, size_t n, const double *R, size_t m, size_t d,
             const double *V, size_t k, const gfd_ksum_spec *spec,
             double *lse, double *out, gfd_err *err)
{
    if (check_spec(spec, m, d, err) < 0)
        return -1;
    double h = spec->h;
    plan p = {.n = n, .m = m, .d = d, .k = k, .Q = Q, .bias = spec->bias,
              .kernel = spec->kernel, .self = spec->self, .diag = spec->diag, .floor = spec->floor,
              .coef = spec->kernel == GFD_KERNEL_GAUSS ? 1 / (2 * h * h)
                    : spec->kernel == GFD_KERNEL_LAPLACE ? 1 / h : 1 / (h * h)};
    int rc = plan_layout(&p, R, V, err);
    if (rc == 0 && (use_gemm(d) ? run_gemm(&p, lse, out) : run_direct(&p, lse, out)) < 0)
        rc = gfd_fail(err, GFD_ENOMEM, "kernel sum: out of memory for per-thread scratch");
    plan_free(&p);
    return rc;
}
