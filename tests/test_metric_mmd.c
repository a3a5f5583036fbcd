/* mmd and energy (lib/metric_mmd.c) against direct double loops in long double over
 * every pair (the U-statistics of MATH §5 written out), with N != M, two bandwidths,
 * and 1 vs 2 threads. Tolerances in each test. */
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "gfd.h"
#include "gfd/metric.h"
#include "unit.h"

static gfd_cloud random_cloud(uint64_t seed, size_t n, size_t d, double shift)
{
    gfd_rng r;
    gfd_cloud c;
    gfd_rng_seed(&r, seed);
    gfd_cloud_alloc(&c, n, d, NULL);
    for (size_t i = 0; i < n * d; i++)
        c.x[i] = gfd_rng_normal(&r) + (i % d == 0 ? shift : 0);
    return c;
}

static long double sqdist(const double *a, const double *b, size_t d)
{
    long double s = 0;
    for (size_t c = 0; c < d; c++)
        s += ((long double)a[c] - b[c]) * ((long double)a[c] - b[c]);
    return s;
}

/* mean over pairs (i != j when self) of the Gaussian kernel or of the distance. */
static long double pair_mean(const gfd_cloud *A, const gfd_cloud *B, int self, int gauss, double h)
{
    long double s = 0;
    for (size_t i = 0; i < A->n; i++)
        for (size_t j = 0; j < B->n; j++) {
            if (self && i == j)
                continue;
            long double z = sqdist(A->x + i * A->d, B->x + j * A->d, A->d);
            s += gauss ? expl(-z / (2.0L * h * h)) : sqrtl(z);
        }
    return s / ((long double)A->n * (self ? B->n - 1 : B->n));
}

static void test_mmd_vs_loop(void)
{
    /* MMD^2 = k(X,X) + k(Y,Y) - 2 k(X,Y), with the kernel the mean of the bandwidths'
     * Gaussians. Summation order differs: 1e-12 absolute on values of order 0.1. */
    gfd_cloud S = random_cloud(1, 120, 3, 0.4), R = random_cloud(2, 90, 3, 0);
    gfd_metric_opts o;
    gfd_metric_opts_default(&o);
    o.mmd_bw[0] = 0.7, o.mmd_bw[1] = 2.5, o.n_mmd_bw = 2;
    double v, want = 0;
    for (int b = 0; b < 2; b++)
        want += (double)(pair_mean(&S, &S, 1, 1, o.mmd_bw[b]) + pair_mean(&R, &R, 1, 1, o.mmd_bw[b])
                         - 2 * pair_mean(&S, &R, 0, 1, o.mmd_bw[b])) / 2;
    CHECK(gfd_metric_mmd(&S, &R, &o, &v, NULL) == 0, "mmd failed");
    CHECK(fabs(v - want) < 1e-12, "mmd %.17g, want %.17g", v, want);
    CHECK(want > 1e-3, "the shifted sets should differ: %g", want);
    gfd_cloud_free(&S), gfd_cloud_free(&R);
}

static void test_symmetry(void)
{
    /* MMD^2 and the energy distance are symmetric in the two sets: 1e-14 absolute */
    gfd_cloud S = random_cloud(3, 50, 2, 1), R = random_cloud(10, 40, 2, 0);
    gfd_metric_opts o;
    gfd_metric_opts_default(&o);
    o.mmd_bw[0] = 1, o.n_mmd_bw = 1;
    double a, b, c, e;
    CHECK(gfd_metric_mmd(&S, &R, &o, &a, NULL) == 0 && gfd_metric_mmd(&R, &S, &o, &b, NULL) == 0, "mmd");
    CHECK(gfd_metric_energy(&S, &R, &o, &c, NULL) == 0 && gfd_metric_energy(&R, &S, &o, &e, NULL) == 0, "energy");
    CHECK(fabs(a - b) < 1e-14 && fabs(c - e) < 1e-14, "mmd %g vs %g, energy %g vs %g", a, b, c, e);
    gfd_cloud_free(&S), gfd_cloud_free(&R);
}

static void test_energy_vs_loop(void)
{
    /* 2E|X-Y| - E|X-X'| - E|Y-Y'|: 1e-12 relative to E|X-Y| (the terms cancel) */
    gfd_cloud S = random_cloud(4, 110, 4, 0.5), R = random_cloud(5, 70, 4, 0);
    long double exy = pair_mean(&S, &R, 0, 0, 0);
    double want = (double)(2 * exy - pair_mean(&S, &S, 1, 0, 0) - pair_mean(&R, &R, 1, 0, 0)), v;
    gfd_metric_opts o;
    gfd_metric_opts_default(&o);
    CHECK(gfd_metric_energy(&S, &R, &o, &v, NULL) == 0, "energy failed");
    CHECK(fabs(v - want) < 1e-12 * (double)exy, "energy %.17g, want %.17g", v, want);
    gfd_cloud_free(&S), gfd_cloud_free(&R);
}

static void test_thread_invariance(void)
{
    gfd_cloud S = random_cloud(6, 700, 2, 0.2), R = random_cloud(7, 650, 2, 0);
    gfd_metric_opts o;
    gfd_metric_opts_default(&o);
    o.mmd_bw[0] = 0.5, o.n_mmd_bw = 1;
    double v1[2], v2[2];
    omp_set_num_threads(1);
    gfd_metric_mmd(&S, &R, &o, v1, NULL), gfd_metric_energy(&S, &R, &o, v1 + 1, NULL);
    omp_set_num_threads(2);
    gfd_metric_mmd(&S, &R, &o, v2, NULL), gfd_metric_energy(&S, &R, &o, v2 + 1, NULL);
    CHECK(!memcmp(v1, v2, sizeof v1), "1 vs 2 threads: %.17g %.17g / %.17g %.17g", v1[0], v2[0], v1[1], v2[1]);
    gfd_cloud_free(&S), gfd_cloud_free(&R);
}

static void test_too_few_points(void)
{
    gfd_cloud S = random_cloud(8, 1, 2, 0), R = random_cloud(9, 5, 2, 0);
    gfd_metric_opts o;
    gfd_metric_opts_default(&o);
    o.mmd_bw[0] = 1, o.n_mmd_bw = 1;
    gfd_err err;
    double v;
    CHECK(gfd_metric_mmd(&S, &R, &o, &v, &err) < 0 && err.code == GFD_EDATA, "N = 1 accepted");
    CHECK(gfd_metric_energy(&S, &R, &o, &v, &err) < 0 && err.code == GFD_EDATA, "N = 1 accepted");
    gfd_cloud_free(&S), gfd_cloud_free(&R);
}

int main(void)
{
    RUN(test_mmd_vs_loop);
    RUN(test_symmetry);
    RUN(test_energy_vs_loop);
    RUN(test_thread_invariance);
    RUN(test_too_few_points);
    UNIT_END();
}
