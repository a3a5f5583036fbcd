/* mmd and energy (lib/metrics/mmd.c) against direct double loops in long double over
 * every pair (the U-statistics of MATH §5 written out), with N != M, two bandwidths, the
 * default bandwidth (the median distance of the reference, gfd_bw_median_sqdist), one
 * list prepared against R and evaluated on several sample sets (the reference's own sums
 * are computed once), and 1 vs 2 threads. Tolerances in each test. */
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "gfd.h"
#include "gfd/metric.h"
#include "testutil.h"
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

/* MMD^2 = k(X,X) + k(Y,Y) - 2 k(X,Y) with the kernel the mean of the Gaussians of the
 * nbw bandwidths bw, in long double. */
static double mmd_loop(const gfd_cloud *S, const gfd_cloud *R, const double *bw, int nbw)
{
    double want = 0;
    for (int b = 0; b < nbw; b++)
        want += (double)(pair_mean(S, S, 1, 1, bw[b]) + pair_mean(R, R, 1, 1, bw[b])
                         - 2 * pair_mean(S, R, 0, 1, bw[b])) / nbw;
    return want;
}

static void test_mmd_vs_loop(void)
{
    /* MMD^2 = k(X,X) + k(Y,Y) - 2 k(X,Y), with the kernel the mean of the bandwidths'
     * Gaussians. Summation order differs: 1e-12 absolute on values of order 0.1. */
    gfd_cloud S = random_cloud(1, 120, 3, 0.4), R = random_cloud(2, 90, 3, 0);
    const double bw[] = {0.7, 2.5};
    double v = tu_metric("mmd", "mmd-bw=0.7,2.5", NULL, &S, &R), want = mmd_loop(&S, &R, bw, 2);
    CHECK(fabs(v - want) < 1e-12, "mmd %.17g, want %.17g", v, want);
    CHECK(want > 1e-3, "the shifted sets should differ: %g", want);
    gfd_cloud_free(&S), gfd_cloud_free(&R);
}

static void test_symmetry(void)
{
    /* MMD^2 and the energy distance are symmetric in the two sets: 1e-14 absolute */
    gfd_cloud S = random_cloud(3, 50, 2, 1), R = random_cloud(10, 40, 2, 0);
    double a = tu_metric("mmd", "mmd-bw=1", NULL, &S, &R), b = tu_metric("mmd", "mmd-bw=1", NULL, &R, &S);
    double c = tu_metric("energy", NULL, NULL, &S, &R), e = tu_metric("energy", NULL, NULL, &R, &S);
    CHECK(fabs(a - b) < 1e-14 && fabs(c - e) < 1e-14, "mmd %g vs %g, energy %g vs %g", a, b, c, e);
    gfd_cloud_free(&S), gfd_cloud_free(&R);
}

static void test_energy_vs_loop(void)
{
    /* 2E|X-Y| - E|X-X'| - E|Y-Y'|: 1e-12 relative to E|X-Y| (the terms cancel) */
    gfd_cloud S = random_cloud(4, 110, 4, 0.5), R = random_cloud(5, 70, 4, 0);
    long double exy = pair_mean(&S, &R, 0, 0, 0);
    double want = (double)(2 * exy - pair_mean(&S, &S, 1, 0, 0) - pair_mean(&R, &R, 1, 0, 0));
    double v = tu_metric("energy", NULL, NULL, &S, &R);
    CHECK(fabs(v - want) < 1e-12 * (double)exy, "energy %.17g, want %.17g", v, want);
    gfd_cloud_free(&S), gfd_cloud_free(&R);
}

static void test_prepared_once(void)
{
    /* mmd (default bandwidth: sqrt of the median squared distance of R, seed 0) and energy
     * prepared once against R, then evaluated on three sample sets and on the first
     * again: each against the loops (mmd 1e-12 absolute, energy 1e-12 of E|X-Y|), and the
     * repeat bit for bit (k(Y,Y) and E|Y-Y'| are kept, not changed by an evaluation) */
    gfd_cloud R = random_cloud(11, 80, 2, 0);
    gfd_cloud S[3] = {random_cloud(12, 60, 2, 0.3), random_cloud(13, 75, 2, -0.5),
                      random_cloud(14, 80, 2, 0)};
    double med, h, v[2], first[2];
    gfd_err err;
    CHECK(gfd_bw_median_sqdist(&R, 0, &med, &err) == 0, "%s", err.msg);
    h = sqrt(med);
    gfd_metric_setup setup = {.bw = {GFD_BW_SCOTT, 0}};
    gfd_metrics *m = gfd_metrics_new("mmd,energy", &setup, &R, &err);
    CHECK(m, "%s", err.msg);
    for (int t = 0; m && t < 4; t++) {
        const gfd_cloud *X = &S[t % 3];
        CHECK(gfd_metrics_eval(m, X, v, &err) == 0, "%s", err.msg);
        double want = mmd_loop(X, &R, &h, 1);
        long double exy = pair_mean(X, &R, 0, 0, 0);
        double ewant = (double)(2 * exy - pair_mean(X, X, 1, 0, 0) - pair_mean(&R, &R, 1, 0, 0));
        CHECK(fabs(v[0] - want) < 1e-12, "set %d: mmd %.17g, want %.17g", t, v[0], want);
        CHECK(fabs(v[1] - ewant) < 1e-12 * (double)exy, "set %d: energy %.17g, want %.17g", t, v[1], ewant);
        if (t == 0)
            memcpy(first, v, sizeof v);
    }
    CHECK(!memcmp(first, v, sizeof v), "again: %.17g %.17g, first %.17g %.17g", v[0], v[1],
          first[0], first[1]);
    gfd_metrics_free(m);
    gfd_cloud_free(&R);
    for (int t = 0; t < 3; t++)
        gfd_cloud_free(&S[t]);
}

static void test_thread_invariance(void)
{
    gfd_cloud S = random_cloud(6, 700, 2, 0.2), R = random_cloud(7, 650, 2, 0);
    double v1[2], v2[2];
    gfd_err err;
    omp_set_num_threads(1);
    CHECK(tu_metric_try("mmd,energy", "mmd-bw=0.5", NULL, NULL, &S, &R, v1, &err) == 0, "%s", err.msg);
    omp_set_num_threads(2);
    CHECK(tu_metric_try("mmd,energy", "mmd-bw=0.5", NULL, NULL, &S, &R, v2, &err) == 0, "%s", err.msg);
    CHECK(!memcmp(v1, v2, sizeof v1), "1 vs 2 threads: %.17g %.17g / %.17g %.17g", v1[0], v2[0], v1[1], v2[1]);
    gfd_cloud_free(&S), gfd_cloud_free(&R);
}

static void test_too_few_points(void)
{
    /* N = 1 fails when evaluated, M = 1 when prepared */
    gfd_cloud S = random_cloud(8, 1, 2, 0), R = random_cloud(9, 5, 2, 0);
    gfd_err err;
    double v;
    CHECK(tu_metric_try("mmd", "mmd-bw=1", NULL, NULL, &S, &R, &v, &err) < 0 && err.code == GFD_EDATA,
          "N = 1 accepted");
    CHECK(tu_metric_try("energy", NULL, NULL, NULL, &S, &R, &v, &err) < 0 && err.code == GFD_EDATA,
          "N = 1 accepted");
    CHECK(tu_metric_try("mmd", "mmd-bw=1", NULL, NULL, &R, &S, &v, &err) < 0 && err.code == GFD_EDATA,
          "M = 1 accepted");
    CHECK(tu_metric_try("energy", NULL, NULL, NULL, &R, &S, &v, &err) < 0 && err.code == GFD_EDATA,
          "M = 1 accepted");
    gfd_cloud_free(&S), gfd_cloud_free(&R);
}

int main(void)
{
    RUN(test_mmd_vs_loop);
    RUN(test_symmetry);
    RUN(test_energy_vs_loop);
    RUN(test_prepared_once);
    RUN(test_thread_invariance);
    RUN(test_too_few_points);
    UNIT_END();
}
