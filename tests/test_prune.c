/* The certified fast mode (gfd_engine.rtol, lib/engine/prune.c) against the exact engine:
 * on clustered and uniform data, d = 1, 2, 3, gauss and laplace, with biases, self pairs
 * (dropped and finite, with an offset) and queries outside the references' box. The
 * guarantee checked: |lse - lse_exact| <= rtol and, per component,
 * |out - out_exact| <= rtol (max_j v_j - min_j v_j), each plus 1e-12 for the rounding of
 * a different summation order; pruning must happen where it should (kept share) and not
 * where it cannot pay (bit-identical fallback), and the bytes must not depend on -j. */
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "gfd.h"
#include "unit.h"

/* n points: 8 blobs of standard deviation sd on a circle of radius 2 (clustered), or
 * uniform on [-3, 3]^d (sd = 0); the coordinates past the second are N(0, sd) / uniform. */
static double *points(gfd_rng *r, size_t n, size_t d, double sd)
{
    double *x = malloc(n * d * sizeof *x);
    for (size_t i = 0; i < n; i++)
        for (size_t c = 0; c < d; c++) {
            double mode = 2 * 3.141592653589793 * (double)(i % 8) / 8;
            double centre = c == 0 ? 2 * cos(mode) : c == 1 ? 2 * sin(mode) : 0;
            x[i * d + c] = sd > 0 ? centre + sd * gfd_rng_normal(r) : 6 * gfd_rng_uniform(r) - 3;
        }
    return x;
}

typedef struct {
    double lse, out, kept;  /* worst errors over their bounds; kept share of pairs */
} outcome;

/* Runs exact and pruned on one case and returns the worst error ratios (<= 1 passes). */
static outcome run_case(const double *Q, size_t n, const double *R, size_t m, size_t d,
                        gfd_ksum_spec sp, double rtol)
{
    size_t k = d;
    double *l0 = malloc(n * sizeof *l0), *l1 = malloc(n * sizeof *l1);
    double *o0 = malloc(n * k * sizeof *o0), *o1 = malloc(n * k * sizeof *o1);
    gfd_ksum_stats st = {0};
    gfd_engine e = {.rtol = rtol, .stats = &st};
    gfd_err err;
    CHECK(gfd_ksum(Q, n, R, m, d, R, k, &sp, l0, o0, &err) == 0, "%s", err.msg);
    sp.engine = &e;
    CHECK(gfd_ksum(Q, n, R, m, d, R, k, &sp, l1, o1, &err) == 0, "%s", err.msg);
    outcome oc = {0, 0, st.kept / st.pairs};
    CHECK(st.pairs == (double)n * (double)m && st.bound <= rtol, "stats: %g pairs, bound %g", st.pairs, st.bound);
    for (size_t c = 0; c < k; c++) {
        double lo = INFINITY, hi = -INFINITY;
        for (size_t j = 0; j < m; j++)
            lo = fmin(lo, R[j * d + c]), hi = fmax(hi, R[j * d + c]);
        for (size_t i = 0; i < n; i++)
            oc.out = fmax(oc.out, fabs(o1[i * k + c] - o0[i * k + c]) / (rtol * (hi - lo) + 1e-12));
    }
    for (size_t i = 0; i < n; i++) {
        double e1 = l0[i] == -INFINITY && l1[i] == -INFINITY ? 0 : fabs(l1[i] - l0[i]);
        oc.lse = fmax(oc.lse, isnan(e1) ? INFINITY : e1 / (rtol + 1e-12 * fmax(1, fabs(l0[i]))));
    }
    free(l0), free(l1), free(o0), free(o1);
    return oc;
}

static void expect(outcome oc, double max_kept, const char *what)
{
    CHECK(oc.lse <= 1 && oc.out <= 1, "%s: lse error %.3g, mean error %.3g of the bound", what, oc.lse, oc.out);
    CHECK(oc.kept <= max_kept, "%s: kept %.3g of the pairs, want <= %.3g", what, oc.kept, max_kept);
}

static void test_clustered_gauss(void)
{
    gfd_rng r;
    gfd_rng_seed(&r, 11);
    for (size_t d = 1; d <= 3; d++) {
        double *R = points(&r, 4000, d, 0.05), *Q = points(&r, 3000, d, 0.08);
        gfd_ksum_spec sp = {.kernel = GFD_KERNEL_GAUSS, .h = 0.03};
        for (double rtol = 1e-9; rtol <= 1e-1; rtol *= 1e4)
            expect(run_case(Q, 3000, R, 4000, d, sp, rtol), 0.5, "clustered gauss");
        free(R), free(Q);
    }
}

static void test_uniform_laplace_bias(void)
{
    gfd_rng r;
    gfd_rng_seed(&r, 12);
    for (size_t d = 2; d <= 3; d++) {
        double *R = points(&r, 5000, d, 0), *Q = points(&r, 2000, d, 0);
        double *bias = malloc(5000 * sizeof *bias);
        for (size_t j = 0; j < 5000; j++)
            bias[j] = 3 * gfd_rng_normal(&r);
        gfd_ksum_spec sp = {.kernel = GFD_KERNEL_LAPLACE, .h = 0.02, .bias = bias, .min_sqdist = 1e-8};
        expect(run_case(Q, 2000, R, 5000, d, sp, 1e-6), 0.5, "uniform laplace with biases");
        sp.kernel = GFD_KERNEL_GAUSS, sp.h = 0.05;
        expect(run_case(Q, 2000, R, 5000, d, sp, 1e-3), 0.5, "uniform gauss with biases");
        free(R), free(Q), free(bias);
    }
}

static void test_self_and_outside(void)
{
    /* self pairs dropped (diag -inf) and finite, Q = R's rows [300, 2300); then queries far
     * outside the references' box, whose whole mass is tiny but must still be right */
    gfd_rng r;
    gfd_rng_seed(&r, 13);
    double *R = points(&r, 3000, 2, 0.05);
    gfd_ksum_spec sp = {.kernel = GFD_KERNEL_GAUSS, .h = 0.02, .self = 1, .self_offset = 300,
                        .diag = -INFINITY};
    expect(run_case(R + 600, 2000, R, 3000, 2, sp, 1e-6), 0.5, "self dropped");
    sp.diag = -2;
    expect(run_case(R + 600, 2000, R, 3000, 2, sp, 1e-6), 0.5, "self at -2");
    double *Q = points(&r, 500, 2, 0.05);
    for (size_t e = 0; e < 1000; e++)
        Q[e] = Q[e] * 3 + (e % 2 ? 10 : -7);
    gfd_ksum_spec far = {.kernel = GFD_KERNEL_GAUSS, .h = 0.2};
    expect(run_case(Q, 500, R, 3000, 2, far, 1e-6), 1, "queries outside the box");
    free(R), free(Q);
}

static void test_fallback_and_threads(void)
{
    gfd_rng r;
    gfd_rng_seed(&r, 14);
    double *R = points(&r, 3000, 2, 0.05), *Q = points(&r, 3000, 2, 0.05);
    double *l0 = malloc(3000 * sizeof *l0), *l1 = malloc(3000 * sizeof *l1);
    double *o0 = malloc(6000 * sizeof *o0), *o1 = malloc(6000 * sizeof *o1);
    /* a bandwidth as wide as the data: nothing to prune, the exact path's bytes */
    gfd_ksum_stats st = {0};
    gfd_engine e = {.rtol = 1e-6, .stats = &st};
    gfd_ksum_spec sp = {.kernel = GFD_KERNEL_GAUSS, .h = 1.5};
    gfd_ksum(Q, 3000, R, 3000, 2, R, 2, &sp, l0, o0, NULL);
    sp.engine = &e;
    gfd_ksum(Q, 3000, R, 3000, 2, R, 2, &sp, l1, o1, NULL);
    CHECK(st.kept == st.pairs && !memcmp(l0, l1, 3000 * sizeof *l0) && !memcmp(o0, o1, 6000 * sizeof *o0),
          "wide bandwidth: kept %g of %g pairs, or bytes differ from the exact path", st.kept, st.pairs);
    /* pruned at 1 and 2 threads: the same bytes */
    sp.h = 0.03;
    omp_set_num_threads(1);
    gfd_ksum(Q, 3000, R, 3000, 2, R, 2, &sp, l0, o0, NULL);
    omp_set_num_threads(2);
    gfd_ksum(Q, 3000, R, 3000, 2, R, 2, &sp, l1, o1, NULL);
    CHECK(!memcmp(l0, l1, 3000 * sizeof *l0) && !memcmp(o0, o1, 6000 * sizeof *o0),
          "pruned results differ between 1 and 2 threads");
    /* d = 4 and floors run exact */
    st = (gfd_ksum_stats){0};
    double fl[3000] = {0};
    sp.floor = fl;
    gfd_ksum(Q, 3000, R, 3000, 2, NULL, 0, &sp, l1, NULL, NULL);
    CHECK(st.kept == st.pairs, "a floor was pruned");
    free(R), free(Q), free(l0), free(l1), free(o0), free(o1);
}

int main(void)
{
    RUN(test_clustered_gauss);
    RUN(test_uniform_laplace_bias);
    RUN(test_self_and_outside);
    RUN(test_fallback_and_threads);
    UNIT_END();
}
