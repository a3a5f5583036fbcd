/* The kernel-sum engine against a direct double loop in long double (the reference
 * below), for every kernel, bias, self pair, both inner paths (direct d <= 3, gemm
 * d >= 4, and its float32 copy), tile edges, chunks of 16384 references (each row's chunk
 * states merged through gfd_lse_merge, by row tasks or by (row, chunk) tasks), tiny
 * bandwidths and thread counts.
 * Tolerances in each test. */
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "gfd.h"
#include "engine/vexp.h"
#include "testutil.h"
#include "unit.h"

static double *random_matrix(gfd_rng *r, size_t n, size_t d, double scale)
{
    double *x = malloc(n * d * sizeof *x);
    tu_normals(r, x, n * d, 0, scale);
    return x;
}

/* The reference: logits, max, sum and weighted sum in long double, one pair at a time. */
static void naive_ksum(const double *Q, size_t n, const double *R, size_t m, size_t d,
                       const double *V, size_t k, const gfd_ksum_spec *sp, double *lse, double *out)
{
    long double *l = malloc(m * sizeof *l);
    for (size_t i = 0; i < n; i++) {
        long double mx = -INFINITY;
        for (size_t j = 0; j < m; j++) {
            long double d2 = 0, dot = 0;
            for (size_t c = 0; c < d; c++) {
                long double z = (long double)Q[i * d + c] - R[j * d + c];
                d2 += z * z;
                dot += (long double)Q[i * d + c] * R[j * d + c];
            }
            long double h = sp->h;
            l[j] = sp->kernel == GFD_KERNEL_GAUSS ? -d2 / (2 * h * h)
                 : sp->kernel == GFD_KERNEL_LAPLACE ? -sqrtl(d2) / h : dot / (h * h);
            if (sp->bias)
                l[j] += sp->bias[j];
            if (sp->self && j == i + sp->self_offset)
                l[j] += sp->diag;
            if (sp->floor && l[j] < sp->floor[i])
                l[j] = sp->floor[i];
            if (l[j] > mx)
                mx = l[j];
        }
        long double s = 0;
        for (size_t c = 0; c < k; c++)
            out[i * k + c] = 0;
        long double acc[64] = {0};
        for (size_t j = 0; j < m; j++) {
            long double e = expl(l[j] - mx);
            s += e;
            for (size_t c = 0; c < k; c++)
                acc[c] += e * V[j * k + c];
        }
        lse[i] = (double)(mx + logl(s));
        for (size_t c = 0; c < k; c++)
            out[i * k + c] = (double)(acc[c] / s);
    }
    free(l);
}

/* Runs engine and reference on one case; relative tolerance on lse and on out
 * (out relative to the scale of V, since a mean of signed values can be near 0). */
static void compare(size_t n, size_t m, size_t d, size_t k, gfd_ksum_spec sp, double tol)
{
    gfd_rng r;
    gfd_rng_seed(&r, 1000 * n + 10 * d + sp.kernel);
    double *Q = random_matrix(&r, n, d, 1), *R = random_matrix(&r, m, d, 1);
    double *V = random_matrix(&r, m, k ? k : 1, 1), *bias = NULL, *floor = NULL;
    if (sp.bias) {
        bias = random_matrix(&r, m, 1, 1);
        sp.bias = bias;
    }
    if (sp.floor) {  /* floors around the typical logit, so some pairs sit on them */
        floor = random_matrix(&r, n, 1, 1);
        for (size_t i = 0; i < n; i++)
            floor[i] -= 0.5 * (double)d / (sp.h * sp.h);
        sp.floor = floor;
    }
    double *lse = malloc(n * sizeof *lse), *out = malloc(n * (k + 1) * sizeof *out);
    double *lse0 = malloc(n * sizeof *lse0), *out0 = malloc(n * (k + 1) * sizeof *out0);
    gfd_err err;
    CHECK(gfd_ksum(Q, n, R, m, d, V, k, &sp, lse, out, &err) == 0, "%s", err.msg);
    naive_ksum(Q, n, R, m, d, V, k, &sp, lse0, out0);
    double worst_l = 0, worst_o = 0;
    for (size_t i = 0; i < n; i++) {
        worst_l = fmax(worst_l, fabs(lse[i] - lse0[i]) / fmax(1, fabs(lse0[i])));
        for (size_t c = 0; c < k; c++)
            worst_o = fmax(worst_o, fabs(out[i * k + c] - out0[i * k + c]));
        if (isnan(lse[i]))
            worst_l = INFINITY;
    }
    CHECK(worst_l <= tol, "n=%zu m=%zu d=%zu kernel=%d: lse error %.3g > %.3g", n, m, d, sp.kernel, worst_l, tol);
    CHECK(worst_o <= tol, "n=%zu m=%zu d=%zu kernel=%d: mean error %.3g > %.3g", n, m, d, sp.kernel, worst_o, tol);
    free(Q), free(R), free(V), free(bias), free(floor), free(lse), free(out), free(lse0), free(out0);
}

static void test_exp_accuracy(void)
{
    /* against libm exp over [-708, 0]: within 4 ulp relative (2 ^ -50) */
    double worst = 0;
    for (int i = 0; i <= 2000000; i++) {
        double x = -708.0 * i / 2000000.0;
        worst = fmax(worst, fabs(gfd_exp_nonpos(x) - exp(x)) / exp(x));
    }
    CHECK(worst < 9e-16, "worst relative error %.3g", worst);
    CHECK(gfd_exp_nonpos(-INFINITY) == 0, "exp(-inf) = %g", gfd_exp_nonpos(-INFINITY));
    CHECK(gfd_exp_nonpos(-800) == 0, "exp(-800) = %g", gfd_exp_nonpos(-800));
    CHECK(gfd_exp_nonpos(0) == 1, "exp(0) = %.17g", gfd_exp_nonpos(0));
    /* the float32 exp against libm over [-87, 0]: within 2 float ulp (2^-22) */
    double worst_f = 0;
    for (int i = 0; i <= 2000000; i++) {
        float x = (float)(-87.0 * i / 2000000.0);
        worst_f = fmax(worst_f, fabs(gfd_expf_nonpos(x) - exp((double)x)) / exp((double)x));
    }
    CHECK(worst_f < 2.4e-7, "float32: worst relative error %.3g", worst_f);
    CHECK(gfd_expf_nonpos(-INFINITY) == 0 && gfd_expf_nonpos(-100) == 0 && gfd_expf_nonpos(0) == 1,
          "float32 exp at -inf, -100, 0: %g %g %g", gfd_expf_nonpos(-INFINITY),
          gfd_expf_nonpos(-100), gfd_expf_nonpos(0));
}

static void test_gauss_direct(void)
{
    gfd_ksum_spec sp = {.kernel = GFD_KERNEL_GAUSS, .h = 0.7};
    for (size_t d = 1; d <= 5; d += 2)
        compare(37, 1300, d, d, sp, 1e-13);  /* 1300: tiles of 512 with a ragged end */
}

static void test_gauss_gemm(void)
{
    gfd_ksum_spec sp = {.kernel = GFD_KERNEL_GAUSS, .h = 4.0};
    compare(130, 700, 40, 40, sp, 1e-11);    /* |q|^2+|r|^2-2q.r: cancellation costs digits */
    compare(65, 300, 64, 3, sp, 1e-11);
}

/* --precision f32: the gemm path in float32 (tiles, SGEMM, float exp), the row states in
 * double, for every kernel, biases, self pairs and floors, against the long-double
 * reference: within 2e-5 (relative on lse, on out relative to V's scale). */
static void test_f32(void)
{
    double one = 1;
    gfd_engine f32 = {.f32 = 1};
    gfd_ksum_spec g = {.kernel = GFD_KERNEL_GAUSS, .h = 4.0, .engine = &f32};
    compare(130, 700, 40, 40, g, 2e-5);
    compare(65, 1300, 5, 3, g, 2e-5);
    gfd_ksum_spec all = {.kernel = GFD_KERNEL_GAUSS, .h = 3.0, .bias = &one, .floor = &one,
                         .self = 1, .diag = -2, .engine = &f32};
    compare(70, 70, 16, 2, all, 2e-5);
    gfd_ksum_spec lap = {.kernel = GFD_KERNEL_LAPLACE, .h = 2.0, .min_sqdist = 1e-8, .engine = &f32};
    compare(70, 300, 33, 5, lap, 2e-5);
    gfd_ksum_spec vmf = {.kernel = GFD_KERNEL_VMF, .h = 3.0, .engine = &f32};
    compare(20, 300, 40, 4, vmf, 2e-5);
}

static void test_laplace_and_vmf(void)
{
    gfd_ksum_spec lap = {.kernel = GFD_KERNEL_LAPLACE, .h = 0.5};
    compare(20, 900, 2, 2, lap, 1e-13);
    compare(70, 300, 33, 5, lap, 1e-11);
    gfd_ksum_spec vmf = {.kernel = GFD_KERNEL_VMF, .h = 0.8};
    compare(20, 900, 3, 3, vmf, 1e-13);
    compare(70, 300, 32, 32, vmf, 1e-11);
}

static void test_bias_and_self(void)
{
    double one = 1;  /* a non-NULL marker: compare() fills in random biases */
    gfd_ksum_spec sp = {.kernel = GFD_KERNEL_GAUSS, .h = 0.3, .bias = &one, .self = 1, .diag = -2.5};
    compare(40, 40, 2, 2, sp, 1e-13);
    compare(40, 40, 40, 2, sp, 1e-11);
}

/* self_offset: a block of query rows whose self pairs sit further along R (a subset of
 * the particles against all of them), on both inner paths, with diag finite and -inf. */
static void test_self_offset(void)
{
    gfd_ksum_spec sp = {.kernel = GFD_KERNEL_LAPLACE, .h = 0.4, .self = 1, .self_offset = 13, .diag = -3};
    compare(30, 60, 2, 3, sp, 1e-13);
    compare(30, 60, 40, 3, sp, 1e-11);
    sp.diag = -INFINITY;
    compare(30, 60, 3, 3, sp, 1e-13);
    compare(30, 60, 40, 2, sp, 1e-11);
}

static void test_exclude_self(void)
{
    /* diag = -inf: leave-one-out; a single reference then has no terms: lse -inf, mean 0 */
    double q[2] = {0.5, -1}, lse, out[2];
    gfd_err err;
    gfd_ksum_spec sp = {.kernel = GFD_KERNEL_GAUSS, .h = 1, .self = 1, .diag = -INFINITY};
    CHECK(gfd_ksum(q, 1, q, 1, 2, q, 2, &sp, &lse, out, &err) == 0, "%s", err.msg);
    CHECK(lse == -INFINITY && out[0] == 0 && out[1] == 0, "lse %g out %g %g", lse, out[0], out[1]);
    sp.h = 0.5;
    compare(50, 50, 3, 3, sp, 1e-13);
}

static void test_floor(void)
{
    /* per-query logit floors, after the bias and the self pair, on both paths */
    double one = 1;  /* a non-NULL marker: compare() fills in random biases and floors */
    gfd_ksum_spec sp = {.kernel = GFD_KERNEL_GAUSS, .h = 0.6, .bias = &one, .self = 1,
                        .diag = -INFINITY, .floor = &one};
    compare(40, 40, 2, 3, sp, 1e-13);
    compare(70, 70, 40, 3, sp, 1e-11);
    sp.kernel = GFD_KERNEL_LAPLACE;
    sp.self = 0;
    compare(30, 1100, 3, 0, sp, 1e-13);
}

static void test_tiny_bandwidth(void)
{
    /* h = 1e-3 on unit-scale data: logits near -1e6; exact in log space, no NaN/Inf */
    gfd_ksum_spec sp = {.kernel = GFD_KERNEL_GAUSS, .h = 1e-3};
    compare(30, 1000, 2, 2, sp, 1e-12);
}

static void test_chunks(void)
{
    /* M past one chunk of 16384 references, with a ragged last chunk, biases and floors
     * indexed across the chunks; at 1 thread 100 rows go by row tasks, at 2 threads by
     * (row, chunk) tasks (fewer than 64 rows per thread): both against the reference */
    double one = 1;  /* a non-NULL marker: compare() fills in random biases and floors */
    gfd_ksum_spec direct = {.kernel = GFD_KERNEL_GAUSS, .h = 0.7, .bias = &one};
    gfd_ksum_spec gemm = {.kernel = GFD_KERNEL_GAUSS, .h = 4.0, .bias = &one, .floor = &one};
    for (int threads = 1; threads <= 2; threads++) {
        omp_set_num_threads(threads);
        compare(100, 20000, 2, 2, direct, 1e-13);
        compare(100, 17000, 40, 3, gemm, 1e-11);
    }
}

static void test_thread_invariance(void)
{
    /* 1000 x 1500: one chunk, row tasks at either count; 100 x 20000: two chunks, row
     * tasks at 1 thread and (row, chunk) tasks at 2: the same bytes */
    gfd_rng r;
    gfd_rng_seed(&r, 7);
    for (size_t t = 0; t < 4; t++) {
        size_t d = t % 2 ? 48 : 2, n = t < 2 ? 1000 : 100, m = t < 2 ? 1500 : 20000;
        double *Q = random_matrix(&r, n, d, 1), *R = random_matrix(&r, m, d, 1);
        double *l1 = malloc(n * sizeof *l1), *l2 = malloc(n * sizeof *l2);
        double *o1 = malloc(n * d * sizeof *o1), *o2 = malloc(n * d * sizeof *o2);
        gfd_ksum_spec sp = {.kernel = GFD_KERNEL_GAUSS, .h = 0.5};
        omp_set_num_threads(1);
        gfd_ksum(Q, n, R, m, d, R, d, &sp, l1, o1, NULL);
        omp_set_num_threads(2);
        gfd_ksum(Q, n, R, m, d, R, d, &sp, l2, o2, NULL);
        CHECK(!memcmp(l1, l2, n * sizeof *l1) && !memcmp(o1, o2, n * d * sizeof *o1),
              "n=%zu m=%zu d=%zu: results differ between 1 and 2 threads", n, m, d);
        free(Q), free(R), free(l1), free(l2), free(o1), free(o2);
    }
}

/* One gfd_ksum_multi call against nspec gfd_ksum calls: the same bytes. The specs differ
 * in h, bias, diag and floor (every other spec has a floor, the last none). */
static void compare_multi(size_t n, size_t m, size_t d, size_t k, gfd_kernel kernel, int f32)
{
    enum { NS = 3 };
    gfd_rng r;
    gfd_rng_seed(&r, 11 + n + m + d + k);
    double *Q = random_matrix(&r, n, d, 1), *R = random_matrix(&r, m, d, 1);
    double *V = random_matrix(&r, m, k ? k : 1, 1), *bias = random_matrix(&r, m, NS, 0.3);
    double *floors = random_matrix(&r, n, NS, 1);
    double *lm[NS], *om[NS], *ls = malloc(n * sizeof *ls), *os = malloc(n * (k + 1) * sizeof *os);
    gfd_engine eng = {.f32 = f32};
    gfd_ksum_spec sp[NS];
    for (size_t e = 0; e < NS; e++) {
        lm[e] = malloc(n * sizeof **lm), om[e] = malloc(n * (k + 1) * sizeof **om);
        sp[e] = (gfd_ksum_spec){.kernel = kernel, .h = 0.3 + 0.4 * (double)e, .bias = bias + e * m,
                                .self = n <= m, .self_offset = m - n, .diag = -2.0 * (double)e,
                                .floor = e % 2 ? NULL : floors + e * n, .engine = &eng};
        for (size_t i = 0; i < n; i++)
            floors[e * n + i] -= 6;  /* some logits above the floor, some below */
    }
    sp[NS - 1].floor = NULL;
    gfd_err err;
    CHECK(gfd_ksum_multi(Q, n, R, m, d, V, k, sp, NS, lm, k ? om : NULL, &err) == 0, "%s", err.msg);
    for (size_t e = 0; e < NS; e++) {
        CHECK(gfd_ksum(Q, n, R, m, d, V, k, &sp[e], ls, k ? os : NULL, &err) == 0, "%s", err.msg);
        CHECK(!memcmp(ls, lm[e], n * sizeof *ls) && (!k || !memcmp(os, om[e], n * k * sizeof *os)),
              "n=%zu m=%zu d=%zu k=%zu kernel %d f32 %d: spec %zu differs from its own call",
              n, m, d, k, (int)kernel, f32, e);
        free(lm[e]), free(om[e]);
    }
    free(Q), free(R), free(V), free(bias), free(floors), free(ls), free(os);
}

static void test_multi(void)
{
    /* direct (d <= 3, the unrolled and generic copies), gemm and f32, by row tasks and by
     * (row, chunk) tasks (100 rows, 20000 references at 2 threads) */
    for (int threads = 1; threads <= 2; threads++) {
        omp_set_num_threads(threads);
        compare_multi(300, 900, 2, 3, GFD_KERNEL_LAPLACE, 0);
        compare_multi(300, 900, 3, 0, GFD_KERNEL_GAUSS, 0);
        compare_multi(200, 700, 3, 6, GFD_KERNEL_LAPLACE, 0);
        compare_multi(300, 900, 24, 25, GFD_KERNEL_LAPLACE, 0);
        compare_multi(300, 900, 24, 0, GFD_KERNEL_VMF, 0);
        compare_multi(300, 900, 24, 25, GFD_KERNEL_GAUSS, 1);
        compare_multi(100, 20000, 2, 3, GFD_KERNEL_LAPLACE, 0);
        compare_multi(100, 20000, 16, 17, GFD_KERNEL_LAPLACE, 0);
    }
    gfd_err err;
    double q[2] = {0, 0}, lse, *l = &lse;
    gfd_ksum_spec sp[2] = {{.kernel = GFD_KERNEL_GAUSS, .h = 1}, {.kernel = GFD_KERNEL_LAPLACE, .h = 1}};
    CHECK(gfd_ksum_multi(q, 1, q, 1, 2, NULL, 0, sp, 2, (double *[]){l, l}, NULL, &err) < 0 &&
          err.code == GFD_EUSAGE, "specs of two kernels accepted");
    CHECK(gfd_ksum_multi(q, 1, q, 1, 2, NULL, 0, sp, 0, &l, NULL, &err) < 0, "0 specs accepted");
}

/* Processes simulated in one: the sum runs once per rank r of P, and the fake exchange
 * copies only rank r's rows into `assembled`. Put together, the ranks'
 * rows must be the bytes of the unshared sum. */
typedef struct {
    int rank, calls;
    double *assembled[2];  /* lse, out */
} fake_ranks;

static int fake_share(void *ctx, int status, double *const *buf, const size_t *width,
                      size_t nbuf, const gfd_rank_rows *rows, gfd_err *err)
{
    (void)err;
    fake_ranks *f = ctx;
    f->calls++;
    size_t lo, hi;
    rows->of(rows->ctx, f->rank, &lo, &hi);
    for (size_t b = 0; b < nbuf && b < 2; b++)
        memcpy(f->assembled[b] + lo * width[b], buf[b] + lo * width[b], (hi - lo) * width[b] * sizeof(double));
    return status;
}

static void test_ranks(void)
{
    /* gemm (d = 24) and direct (d = 2) paths, leave-one-out self pairs (the offset moves
     * with a rank's rows), floors, 2, 3 and 7 ranks (7: a rank may get no block), and the
     * float32 tiles (t = 7) */
    gfd_rng r;
    gfd_rng_seed(&r, 5);
    gfd_engine f32 = {.f32 = 1};
    for (int t = 0; t < 8; t++) {
        size_t d = t % 2 ? 24 : 2, n = 1100 + 37 * (size_t)t, m = n, k = d;  /* shared: n m >= 2^20 */
        int P = t < 2 ? 2 : t < 4 ? 3 : t < 6 ? 7 : 2 + t % 2;
        double *X = random_matrix(&r, n, d, 1), *fl = random_matrix(&r, n, 1, 1);
        double *l1 = malloc(n * sizeof *l1), *o1 = malloc(n * k * sizeof *o1);
        double *l2 = malloc(n * sizeof *l2), *o2 = malloc(n * k * sizeof *o2);
        double *ls = malloc(n * sizeof *ls), *os = malloc(n * k * sizeof *os);
        for (size_t i = 0; i < n; i++)
            fl[i] -= 8;
        gfd_ksum_spec sp = {.kernel = GFD_KERNEL_GAUSS, .h = 0.4, .self = 1, .diag = -INFINITY,
                            .floor = t >= 4 ? fl : NULL, .engine = t == 7 ? &f32 : NULL,
                            .sharded = t % 2};  /* no merge_rows: the targets are whole */
        gfd_err err;
        CHECK(gfd_ksum(X, n, X, m, d, X, k, &sp, l1, o1, &err) == 0, "%s", err.msg);
        for (size_t i = 0; i < n * k; i++)
            o2[i] = l2[i % n] = NAN;
        fake_ranks f = {.assembled = {l2, o2}};
        gfd_ranks rk = {.size = P, .share_rows = fake_share, .ctx = &f};
        gfd_ranks_use(&rk);
        for (f.rank = rk.rank = 0; f.rank < P; f.rank = ++rk.rank)
            CHECK(gfd_ksum(X, n, X, m, d, X, k, &sp, ls, os, &err) == 0, "%s", err.msg);
        gfd_ranks_use(NULL);
        CHECK(f.calls == P, "%d exchanges for %d ranks: the sum was not shared", f.calls, P);
        CHECK(!memcmp(l1, l2, n * sizeof *l1) && !memcmp(o1, o2, n * k * sizeof *o1),
              "n=%zu d=%zu P=%d: the ranks' rows differ from one process's", n, d, P);
        free(X), free(fl), free(l1), free(o1), free(l2), free(o2), free(ls), free(os);
    }
}

static void test_merge(void)
{
    /* merging two halves' states equals the state of the whole (lse of 4 numbers) */
    double l[4] = {-1, -3, 0.5, -40}, v[4] = {1, 2, 3, 4};
    double mx = l[0], sum = 1, acc = v[0];
    for (int j = 1; j < 2; j++)
        gfd_lse_merge(&mx, &sum, &acc, 1, l[j], 1, &v[j]);
    double mx2 = l[2], sum2 = 1 + exp(l[3] - l[2]), acc2 = v[2] + exp(l[3] - l[2]) * v[3];
    gfd_lse_merge(&mx, &sum, &acc, 1, mx2, sum2, &acc2);
    double s = 0, a = 0;
    for (int j = 0; j < 4; j++)
        s += exp(l[j]), a += exp(l[j]) * v[j];
    CHECK_CLOSE(mx + log(sum), log(s), 1e-15);
    CHECK_CLOSE(acc / sum, a / s, 1e-15);
}

static void test_merge_rows(void)
{
    /* the results over three shards of R (rows j % 3), merged in order, equal the results
     * over R to 1e-13 absolute in lse (the kernel sum to 1e-13 relative) and in out
     * (|v| ~ 1); a shard whose logits are all -inf (bias) merges as nothing */
    gfd_rng r;
    gfd_rng_seed(&r, 11);
    size_t n = 300, m = 900, d = 3, k = 3;
    double *Q = random_matrix(&r, n, d, 1), *R = random_matrix(&r, m, d, 1);
    double *l1 = malloc(n * sizeof *l1), *o1 = malloc(n * k * sizeof *o1);
    double *l = malloc(n * sizeof *l), *o = malloc(n * k * sizeof *o);
    double *ls = malloc(n * sizeof *ls), *os = malloc(n * k * sizeof *os);
    double *Rs = malloc(m / 3 * d * sizeof *Rs), *bias = malloc(m / 3 * sizeof *bias);
    double *Rl = malloc(m * d * sizeof *Rl);
    gfd_err err;
    for (int dead = 0; dead < 2; dead++) {
        gfd_ksum_spec sp = {.kernel = GFD_KERNEL_GAUSS, .h = 0.5};
        size_t live = 0;  /* the reference: the sum over the live shards' rows */
        for (size_t j = 0; j < m; j++)
            if (!dead || j % 3 != 1)
                memcpy(Rl + live++ * d, R + j * d, d * sizeof *Rl);
        CHECK(gfd_ksum(Q, n, Rl, live, d, Rl, k, &sp, l1, o1, &err) == 0, "%s", err.msg);
        for (int s = 0; s < 3; s++) {
            for (size_t j = 0; j < m / 3; j++)
                memcpy(Rs + j * d, R + (3 * j + s) * d, d * sizeof *Rs), bias[j] = dead && s == 1 ? -INFINITY : 0;
            sp.bias = bias;
            CHECK(gfd_ksum(Q, n, Rs, m / 3, d, Rs, k, &sp, s ? ls : l, s ? os : o, &err) == 0, "%s", err.msg);
            if (s)
                gfd_lse_merge_rows(l, o, ls, os, n, k);
        }
        double wl = 0, wo = 0;
        for (size_t i = 0; i < n; i++)
            wl = fmax(wl, fabs(l[i] - l1[i]));
        for (size_t i = 0; i < n * k; i++)
            wo = fmax(wo, fabs(o[i] - o1[i]));
        printf("# merged shards (%s): lse %.2g, out %.2g\n", dead ? "one dead" : "all live", wl, wo);
        CHECK(wl < 1e-13 && wo < 1e-13, "merged shards off: lse %g, out %g", wl, wo);
    }
    free(Q), free(R), free(l1), free(o1), free(l), free(o), free(ls), free(os), free(Rs), free(bias), free(Rl);
}

static void test_bad_bandwidth(void)
{
    double q[2] = {0, 0}, lse;
    gfd_err err;
    gfd_ksum_spec sp = {.kernel = GFD_KERNEL_GAUSS, .h = 0};
    CHECK(gfd_ksum(q, 1, q, 1, 2, NULL, 0, &sp, &lse, NULL, &err) < 0 && err.code == GFD_EUSAGE,
          "h = 0 accepted");
}

/* gfd_blas_better_core_for: old kernels are replaced on CPUs with AVX2 and FMA (by
 * SkylakeX's when AVX-512 is there), modern ones never, and nothing on older CPUs. */
static void test_blas_choice(void)
{
    static const struct {
        const char *core;
        int avx2, avx512;
        const char *want;
    } cases[] = {
        {"Prescott", 1, 1, "SkylakeX"}, {"Prescott", 1, 0, "Haswell"}, {"Prescott", 0, 0, NULL},
        {"Nehalem", 1, 0, "Haswell"}, {"Sandybridge", 1, 1, "SkylakeX"}, {"Core2", 0, 0, NULL},
        {"Haswell", 1, 1, NULL}, {"Zen", 1, 1, NULL}, {"SkylakeX", 1, 1, NULL},
        {"COOPERLAKE", 1, 1, NULL}, {"SapphireRapids", 1, 1, NULL}};
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        const char *got = gfd_blas_better_core_for(cases[c].core, cases[c].avx2, cases[c].avx512);
        CHECK(got == cases[c].want || (got && cases[c].want && !strcmp(got, cases[c].want)),
              "%s (avx2 %d, avx512 %d): got %s, want %s", cases[c].core, cases[c].avx2,
              cases[c].avx512, got ? got : "none", cases[c].want ? cases[c].want : "none");
    }
    CHECK(gfd_blas_core() && *gfd_blas_core(), "no OpenBLAS core name");
}

int main(void)
{
    RUN(test_exp_accuracy);
    RUN(test_gauss_direct);
    RUN(test_gauss_gemm);
    RUN(test_f32);
    RUN(test_laplace_and_vmf);
    RUN(test_bias_and_self);
    RUN(test_exclude_self);
    RUN(test_self_offset);
    RUN(test_floor);
    RUN(test_tiny_bandwidth);
    RUN(test_chunks);
    RUN(test_thread_invariance);
    RUN(test_multi);
    RUN(test_ranks);
    RUN(test_merge);
    RUN(test_merge_rows);
    RUN(test_bad_bandwidth);
    RUN(test_blas_choice);
    UNIT_END();
}
