/* Sliced W2 (lib/metrics/sliced.c, flat): the one-dimensional W_2^2 (gfd_w2sq_1d,
 * lib/ot/line.c) against the quantile functions sampled on the common grid of levels
 * k / (N M) (exact for step functions), sw2 against the same directions drawn here and
 * projected by a direct loop, d = 1 (every direction is +-1: sw2 is the exact W2), and
 * 1 vs 2 threads. */
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "gfd.h"
#include "gfd/metric.h"
#include "ot/ot.h"
#include "testutil.h"
#include "unit.h"

/* sw2 of S against R, flat, with `seed` and options opts ("projections=50"). */
static double sw2(const gfd_cloud *S, const gfd_cloud *R, uint64_t seed, const char *opts)
{
    gfd_settings set;
    gfd_err err;
    double v = NAN;
    CHECK(tu_settings(&set, opts, 1, &err) == 0, "%s", err.msg);
    gfd_metric_setup setup = {.settings = &set, .bw = {GFD_BW_SCOTT, 0}, .seed = seed};
    gfd_metrics *m = gfd_metrics_new("sw2", &setup, R, &err);
    CHECK(m && gfd_metrics_eval(m, S, &v, &err) == 0, "sw2 [%s]: %s", opts ? opts : "", err.msg);
    gfd_metrics_free(m);
    return v;
}

static gfd_cloud random_cloud(uint64_t seed, size_t n, size_t d, double scale)
{
    gfd_rng r;
    gfd_cloud c;
    gfd_rng_seed(&r, seed);
    gfd_cloud_alloc(&c, n, d, NULL);
    for (size_t i = 0; i < n * d; i++)
        c.x[i] = scale * gfd_rng_normal(&r) + (double)(i % d);
    return c;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Mean over the N M levels t = (k + 1/2) / (N M) of (x_(floor(t N)) - y_(floor(t M)))^2,
 * in long double. */
static double grid_w2sq(const double *x0, size_t n, const double *y0, size_t m)
{
    double *x = malloc(n * sizeof *x), *y = malloc(m * sizeof *y);
    memcpy(x, x0, n * sizeof *x), memcpy(y, y0, m * sizeof *y);
    qsort(x, n, sizeof *x, cmp), qsort(y, m, sizeof *y, cmp);
    long double s = 0;
    for (size_t k = 0; k < n * m; k++) {
        long double z = (long double)x[k / m] - y[k / n];
        s += z * z;
    }
    free(x), free(y);
    return (double)(s / (long double)(n * m));
}

static void test_w2sq_1d(void)
{
    /* 1e-13 relative (summation in double against long double) */
    gfd_rng r;
    gfd_rng_seed(&r, 3);
    for (size_t n = 1; n <= 40; n += 13)
        for (size_t m = 1; m <= 35; m += 11) {
            double x[40], y[35];
            for (size_t i = 0; i < n; i++)
                x[i] = gfd_rng_normal(&r);
            for (size_t j = 0; j < m; j++)
                y[j] = 2 * gfd_rng_normal(&r) + 1;
            double want = grid_w2sq(x, n, y, m), got = gfd_w2sq_1d(x, n, y, m);
            CHECK(fabs(got - want) <= 1e-13 * want, "n=%zu m=%zu: %.17g, want %.17g", n, m, got, want);
        }
}

static void test_sw2_same_directions(void)
{
    /* the directions of (seed, l), projections by a direct loop: 1e-13 relative */
    gfd_cloud S = random_cloud(1, 70, 3, 1), R = random_cloud(2, 55, 3, 2);
    const int projections = 50;
    long double s = 0;
    for (int l = 0; l < projections; l++) {
        gfd_rng r;
        double th[3], ps[70], pr[55];
        gfd_rng_split(&r, 42, (uint64_t)l);
        gfd_rng_direction(&r, th, 3);
        for (size_t i = 0; i < 70; i++)
            ps[i] = S.x[3 * i] * th[0] + S.x[3 * i + 1] * th[1] + S.x[3 * i + 2] * th[2];
        for (size_t j = 0; j < 55; j++)
            pr[j] = R.x[3 * j] * th[0] + R.x[3 * j + 1] * th[1] + R.x[3 * j + 2] * th[2];
        s += grid_w2sq(ps, 70, pr, 55);
    }
    double want = sqrt((double)(s / projections)), got = sw2(&S, &R, 42, "projections=50");
    CHECK(fabs(got - want) <= 1e-13 * want, "%.17g, want %.17g", got, want);
    gfd_cloud_free(&S), gfd_cloud_free(&R);
}

static void test_one_dimension(void)
{
    /* d = 1: sw2 is W2 of the two sets itself, whatever the directions: 1e-14 relative */
    gfd_cloud S = random_cloud(4, 30, 1, 1), R = random_cloud(5, 45, 1, 3);
    double want = sqrt(grid_w2sq(S.x, 30, R.x, 45)), got = tu_metric("sw2", NULL, NULL, &S, &R);
    CHECK(fabs(got - want) <= 1e-14 * want, "%.17g, want %.17g", got, want);
    gfd_cloud_free(&S), gfd_cloud_free(&R);
}

static void test_thread_invariance(void)
{
    gfd_cloud S = random_cloud(6, 900, 5, 1), R = random_cloud(7, 800, 5, 1.5);
    double a, b;
    omp_set_num_threads(1);
    a = sw2(&S, &R, 0, NULL);
    omp_set_num_threads(2);
    b = sw2(&S, &R, 0, NULL);
    CHECK(a == b, "1 thread %.17g, 2 threads %.17g", a, b);
    b = sw2(&S, &R, 1, NULL);
    CHECK(a != b, "another seed, the same directions");
    gfd_cloud_free(&S), gfd_cloud_free(&R);
}

int main(void)
{
    RUN(test_w2sq_1d);
    RUN(test_sw2_same_directions);
    RUN(test_one_dimension);
    RUN(test_thread_invariance);
    UNIT_END();
}
