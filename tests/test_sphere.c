/* lib/sphere.c against independent computations: long double references for the
 * tangent projection and the geodesic distance, the exponential map's defining
 * properties (unit norm after many steps, geodesic length |u|), and the errors of the
 * point checks. Tolerances and their provenance in each test. */
#include <float.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "gfd/geometry.h"
#include "gfd/sphere.h"
#include "gfd/rng.h"
#include "unit.h"

#define EPS DBL_EPSILON

static void random_unit(gfd_rng *r, double *x, size_t d)
{
    gfd_rng_direction(r, x, (int)d);
}

/* A random unit tangent at x (Gram-Schmidt in long double). t: d. */
static void random_tangent(gfd_rng *r, const double *x, double *t, size_t d)
{
    random_unit(r, t, d);
    long double c = 0, n = 0;
    for (size_t k = 0; k < d; k++)
        c += (long double)x[k] * t[k];
    for (size_t k = 0; k < d; k++) {
        t[k] = (double)(t[k] - c * x[k]);
        n += (long double)t[k] * t[k];
    }
    for (size_t k = 0; k < d; k++)
        t[k] = (double)(t[k] / sqrtl(n));
}

/* Reference geodesic distance of two double vectors, the angle between their
 * directions, in long double by the half chord: 2 asin(|xh - yh| / 2) below pi/2, else
 * pi - 2 asin(|xh + yh| / 2), xh = x/|x|. xh - yh = (x - y)/|x| + y (1/|x| - 1/|y|) keeps
 * the cancelling x - y exact (doubles differenced in long double). x, y: d. */
static long double ref_dist(const double *x, const double *y, size_t d)
{
    long double nx = 0, ny = 0, m = 0, p = 0;
    for (size_t k = 0; k < d; k++) {
        nx += (long double)x[k] * x[k];
        ny += (long double)y[k] * y[k];
    }
    nx = sqrtl(nx), ny = sqrtl(ny);
    long double c = 1 / nx - 1 / ny;
    for (size_t k = 0; k < d; k++) {
        long double a = ((long double)x[k] - y[k]) / nx + y[k] * c;
        long double b = ((long double)x[k] + y[k]) / nx - y[k] * c;
        m += a * a, p += b * b;
    }
    m = sqrtl(m), p = sqrtl(p);
    return m <= p ? 2 * asinl(m / 2) : 3.14159265358979323846264338327950288L - 2 * asinl(p / 2);
}

static void test_normalize_and_check(void)
{
    double X[4 * 3] = {3, 4, 0,  0, 0, 0,  1e300, -1e300, 0,  1e-300, 0, 0};
    gfd_err err;
    CHECK(gfd_sphere_normalize(X, 4, 3, 3, "x.csv", &err) == -1, "a zero row must fail");
    CHECK(err.code == GFD_EDATA && !strcmp(err.msg, "x.csv: row 2: a zero row has no direction"),
          "message '%s'", err.msg);
    X[4] = 1 + 1e-7;  /* row 2 = (0, 1 + 1e-7, 0): every row now normalises, even the huge and tiny ones */
    CHECK(gfd_sphere_normalize(X, 4, 3, 3, "x.csv", &err) == 0, "%s", err.msg);
    double want[12] = {0.6, 0.8, 0, 0, 1, 0, M_SQRT1_2, -M_SQRT1_2, 0, 1, 0, 0};
    for (int k = 0; k < 12; k++)  /* exact up to the rounding of the quotient: 1 ulp */
        CHECK(fabs(X[k] - want[k]) <= EPS * fabs(want[k]), "X[%d] = %.17g, want %.17g", k, X[k], want[k]);
    gfd_rng r;  /* a row already unit to rounding is left bit for bit */
    gfd_rng_seed(&r, 10);
    double u[7], u0[7];
    gfd_rng_direction(&r, u, 7);
    memcpy(u0, u, sizeof u);
    CHECK(gfd_sphere_normalize(u, 1, 7, 7, NULL, &err) == 0 && !memcmp(u, u0, sizeof u), "a unit row moved");

    /* The check: 1 + 0.9e-6 passes, 1 + 1.1e-6 fails, the first bad row is named. Rows of
     * [x, v] (stride 4, x in the first 2 columns): v is ignored. */
    double XV[4 * 4] = {1 + 0.9e-6, 0, 9, 9,  0, 1 - 0.9e-6, 9, 9,  0, 1 + 1.1e-6, 0, 0,  5, 0, 0, 0};
    CHECK(gfd_sphere_check(XV, 2, 2, 4, "xv.csv", &err) == 0, "%s", err.msg);
    CHECK(gfd_sphere_check(XV, 4, 2, 4, "xv.csv", &err) == -1, "row 3 is off the sphere");
    CHECK(strstr(err.msg, "xv.csv: row 3: norm 1.0000011 is not 1") == err.msg, "message '%s'", err.msg);
    CHECK(gfd_geometry_points(gfd_geometry_sphere(), XV, 4, 2, 4, 0, NULL, &err) == -1 && strstr(err.msg, "points: row 3:"),
          "without a name: '%s'", err.msg);
    CHECK(gfd_geometry_points(gfd_geometry_sphere(), XV, 4, 2, 4, 1, "xv.csv", &err) == 0, "--project: %s", err.msg);
    CHECK(XV[0] == 1 && XV[5] == 1 && XV[9] == 1 && XV[12] == 1 && XV[2] == 9,
          "projected rows %g %g %g %g, v untouched %g", XV[0], XV[5], XV[9], XV[12], XV[2]);
}

/* (I - x x^T) v against long double. The projection's rounding is relative to |v|:
 * |x.Pv| and |Pv - ref| <= 4 eps sqrt(d) |v| (the sum of d rounded products grows like
 * sqrt(d) eps; measured max 1.7 eps sqrt(d) |v| over these cases). */
static void test_tangent(void)
{
    gfd_rng r;
    gfd_rng_seed(&r, 11);
    size_t dims[] = {2, 3, 64, 1000};
    double *x = malloc(1000 * sizeof *x), *v = malloc(1000 * sizeof *v), *p = malloc(1000 * sizeof *p);
    double worst = 0;
    for (int t = 0; t < 4; t++)
        for (int rep = 0; rep < 200; rep++) {
            size_t d = dims[t];
            random_unit(&r, x, d);
            double scale = pow(10, 6 * gfd_rng_uniform(&r) - 3), nv = 0;
            for (size_t k = 0; k < d; k++)
                v[k] = scale * gfd_rng_normal(&r) + (rep % 2 ? 10 * scale * x[k] : 0);
            gfd_sphere_tangent(x, v, p, d);
            long double c = 0, xp = 0, e = 0;
            for (size_t k = 0; k < d; k++)
                c += (long double)x[k] * v[k], nv += v[k] * v[k];
            for (size_t k = 0; k < d; k++) {
                xp += (long double)x[k] * p[k];
                e = fmaxl(e, fabsl(p[k] - (v[k] - c * x[k])));
            }
            double tol = 4 * EPS * sqrt((double)d) * sqrt(nv);
            worst = fmax(worst, (double)fmaxl(fabsl(xp), e) / (EPS * sqrt((double)d) * sqrt(nv)));
            CHECK(fabsl(xp) <= tol && e <= tol, "d %zu: |x.Pv| %.3Lg, |Pv - ref| %.3Lg > %.3g", d, fabsl(xp), e, tol);
        }
    printf("# tangent: worst error %.2f eps sqrt(d) |v|\n", worst);
    gfd_sphere_tangent(x, v, v, 1000);  /* in place, out = v */
    CHECK(fabs(v[0] - p[0]) == 0, "in place differs: %g vs %g", v[0], p[0]);
    free(x), free(v), free(p);
}

/* x <- exp_x(v) for random steps of length up to 3, every other one with a radial part
 * 1e6 x added (as a Euclidean velocity would have): its projection leaves a radial
 * residue of ~eps |v|, 1e-10, that only the final normalisation removes. After every
 * one of 1000 steps ||x| - 1| <= 1e-12 (the requirement), and in fact within one
 * normalisation's rounding, 4 eps sqrt(d) (measured max 1.0 eps at d = 3, 6.3 eps at
 * d = 1000). Without the normalisation the residue compounds (I - x x^T is no projector
 * once |x| != 1): measured, x ends off the sphere by ~1. */
static void test_exp_on_sphere(void)
{
    gfd_rng r;
    gfd_rng_seed(&r, 12);
    size_t dims[] = {2, 3, 64, 1000};
    double *x = malloc(1000 * sizeof *x), *t = malloc(1000 * sizeof *t);
    for (int c = 0; c < 4; c++) {
        size_t d = dims[c];
        double worst = 0;
        random_unit(&r, x, d);
        for (int step = 0; step < 1000; step++) {
            random_tangent(&r, x, t, d);
            double len = 3 * gfd_rng_uniform(&r);
            for (size_t k = 0; k < d; k++)
                t[k] = len * t[k] + (step % 2 ? 1e6 * x[k] : 0);
            gfd_sphere_exp(x, t, x, d);
            long double n2 = 0;
            for (size_t k = 0; k < d; k++)
                n2 += (long double)x[k] * x[k];
            worst = fmax(worst, (double)fabsl(sqrtl(n2) - 1));
        }
        printf("# exp: d %zu, 1000 steps, max ||x| - 1| = %.3g (%.2f eps)\n", d, worst, worst / EPS);
        CHECK(worst <= 1e-12, "d %zu: off the sphere by %.3g", d, worst);
        CHECK(worst <= 4 * EPS * sqrt((double)d), "d %zu: %.3g, more than one normalisation's rounding", d, worst);
    }
    free(x), free(t);
}

/* exp_x(u) travels the geodesic distance |u| for |u| < pi (measured against the long
 * double reference distance): |ref_dist - |u|| <= 8 eps |u| + 8 eps (the endpoint is
 * rounded to a double, an absolute eps; the angle costs a few eps relative), and it
 * agrees with cos|u| x + sin|u| u/|u| evaluated in long double to 8 eps. exp_x(0) = x. */
static void test_exp_geodesic(void)
{
    gfd_rng r;
    gfd_rng_seed(&r, 13);
    double x[64], t[64], u[64], y[64];
    double lens[] = {1e-12, 1e-8, 1e-4, 0.1, 1, 2, 3, 3.14, M_PI - 1e-6};
    for (size_t d = 2; d <= 64; d *= 2)
        for (int l = 0; l < 9; l++) {
            random_unit(&r, x, d);
            random_tangent(&r, x, t, d);
            for (size_t k = 0; k < d; k++)
                u[k] = lens[l] * t[k];
            double len = gfd_sphere_length(u, d);
            gfd_sphere_exp(x, u, y, d);
            double e = (double)fabsl(ref_dist(x, y, d) - len);
            CHECK(e <= 8 * EPS * len + 8 * EPS, "d %zu |u| %g: travelled %.17Lg, error %.3g",
                  d, len, ref_dist(x, y, d), e);
            long double ct = cosl(len), st = sinl(len), ey = 0;
            for (size_t k = 0; k < d; k++)
                ey = fmaxl(ey, fabsl(y[k] - (ct * x[k] + st * u[k] / len)));
            CHECK(ey <= 8 * EPS, "d %zu |u| %g: differs from the formula by %.3Lg", d, len, ey);
        }
    for (size_t k = 0; k < 64; k++)
        u[k] = 0;
    random_unit(&r, x, 64);
    gfd_sphere_exp(x, u, y, 64);
    CHECK(ref_dist(x, y, 64) <= 2 * EPS, "exp_x(0) moved by %.3Lg", ref_dist(x, y, 64));
    /* a v that is not tangent: its radial part is dropped, the step is the tangent part */
    random_tangent(&r, x, t, 64);
    for (size_t k = 0; k < 64; k++)
        u[k] = 0.5 * t[k] + 7 * x[k];
    gfd_sphere_exp(x, u, y, 64);
    CHECK(fabsl(ref_dist(x, y, 64) - 0.5) <= 8 * EPS, "non-tangent v: travelled %.17Lg", ref_dist(x, y, 64));
}

/* gfd_sphere_dist against the long double half-chord reference, for angles from 1e-12
 * to pi - 1e-12: |err| <= 4 eps theta + delta^2 / theta, delta = |x| - |y|. The first term
 * is the formula's rounding (measured max 1.8 eps theta); the second is exact analysis:
 * |x - y|^2 = delta^2 + 4 |x||y| sin^2(theta/2), so the chord of two rows whose norms
 * differ by delta (an ulp or two for unit doubles) gives sqrt(theta^2 + delta^2), off by
 * at most min(delta, delta^2 / (2 theta)). arccos(clamp(x.y)) instead errs by ~1e-8 at
 * small angles (printed). */
static void test_dist(void)
{
    gfd_rng r;
    gfd_rng_seed(&r, 14);
    double x[64], t[64], y[64], worst_rel = 0, worst_abs = 0, worst_acos = 0;
    for (int rep = 0; rep < 2000; rep++) {
        size_t d = 2 + rep % 63;
        double theta = rep % 3 ? pow(10, -12 + 12.5 * gfd_rng_uniform(&r)) : M_PI - pow(10, -12 + 12 * gfd_rng_uniform(&r));
        random_unit(&r, x, d);
        random_tangent(&r, x, t, d);
        for (size_t k = 0; k < d; k++)
            y[k] = cos(theta) * x[k] + sin(theta) * t[k];
        double got = gfd_sphere_dist(x, y, d), dot = 0;
        long double want = ref_dist(x, y, d), e = fabsl(got - want), nx = 0, ny = 0;
        for (size_t k = 0; k < d; k++)
            nx += (long double)x[k] * x[k], ny += (long double)y[k] * y[k];
        long double delta = sqrtl(nx) - sqrtl(ny);
        CHECK(e <= 4 * EPS * want + delta * delta / want, "d %zu: dist %.17g, want %.17Lg (err %.3Lg)", d, got, want, e);
        if (want >= 1e-8)
            worst_rel = fmax(worst_rel, (double)(e / want) / EPS);
        worst_abs = fmax(worst_abs, (double)e);
        for (size_t k = 0; k < d; k++)
            dot += x[k] * y[k];
        worst_acos = fmax(worst_acos, (double)fabsl(acos(fmax(-1, fmin(1, dot))) - want));
    }
    printf("# dist: worst error %.2f eps theta for theta >= 1e-8, %.3g absolute; arccos(clamp(x.y)) "
           "errs by up to %.3g\n", worst_rel, worst_abs, worst_acos);
    CHECK(gfd_sphere_dist(x, x, 64) == 0, "dist(x, x) = %g", gfd_sphere_dist(x, x, 64));
    for (size_t k = 0; k < 64; k++)
        y[k] = -x[k];
    CHECK(gfd_sphere_dist(x, y, 64) == M_PI, "dist(x, -x) = %.17g", gfd_sphere_dist(x, y, 64));
}

/* The row loops give the single-pair values, whatever the thread count. */
static void test_rows(void)
{
    gfd_rng r;
    gfd_rng_seed(&r, 15);
    enum { N = 37, M = 23, D = 5 };
    double A[N * D], B[M * D], all1[N * M], all2[N * M], rows[N], XV[N * 2 * D], ex[N * D], tg[N * 2 * D];
    for (int i = 0; i < N; i++)
        random_unit(&r, A + i * D, D), random_unit(&r, XV + i * 2 * D, D);
    for (int i = 0; i < M; i++)
        random_unit(&r, B + i * D, D);
    for (int i = 0; i < N * D; i++)
        XV[(i / D) * 2 * D + D + i % D] = gfd_rng_normal(&r);
    gfd_err err;
    omp_set_num_threads(1);
    gfd_sphere_dist_all(A, N, B, M, D, all1);
    omp_set_num_threads(2);
    gfd_sphere_dist_all(A, N, B, M, D, all2);
    gfd_sphere_dist_rows(A, B, M, D, rows);
    CHECK(!memcmp(all1, all2, sizeof all1), "dist --all depends on the thread count");
    CHECK(gfd_sphere_exp_rows(XV, N, D, ex, &err) == 0 && gfd_sphere_tangent_rows(XV, N, D, tg, &err) == 0, "%s", err.msg);
    for (int i = 0; i < N; i++) {
        double e[D], t[D];
        gfd_sphere_exp(XV + i * 2 * D, XV + i * 2 * D + D, e, D);
        gfd_sphere_tangent(XV + i * 2 * D, XV + i * 2 * D + D, t, D);
        CHECK(!memcmp(e, ex + i * D, sizeof e) && !memcmp(t, tg + i * 2 * D + D, sizeof t) &&
              !memcmp(XV + i * 2 * D, tg + i * 2 * D, sizeof t), "row %d of exp/tangent", i);
        for (int j = 0; j < M; j++)
            CHECK(all1[i * M + j] == gfd_sphere_dist(A + i * D, B + j * D, D), "pair %d %d", i, j);
        if (i < M)
            CHECK(rows[i] == all1[i * M + i], "row %d", i);
    }
    for (int k = 0; k < D; k++)  /* row 3: x.v overflows */
        XV[2 * 2 * D + k] = 1 / sqrt(D), XV[2 * 2 * D + D + k] = 1e308;
    CHECK(gfd_sphere_tangent_rows(XV, N, D, tg, &err) == -1 && err.code == GFD_ENUMERIC &&
          strstr(err.msg, "row 3:") == err.msg, "overflow: '%s'", err.msg);
}

static void test_length_extremes(void)
{
    /* |u| without overflow or underflow, down to subnormal and up to huge coordinates
     * (a flow's velocity of 1e-312 once came out infinite) */
    const double cases[][3] = {{3e-312, 4e-312, 5e-312}, {3e-320, 4e-320, 5e-320},
                               {3e300, 4e300, 5e300}, {3, 4, 5}, {0, 0, 0}};
    for (int k = 0; k < 5; k++) {
        double u[2] = {cases[k][0], cases[k][1]}, len = gfd_sphere_length(u, 2);
        CHECK(isfinite(len) && fabs(len - cases[k][2]) <= 1e-15 * cases[k][2] + 1e-323,
              "|(%g, %g)| = %g, want %g", u[0], u[1], len, cases[k][2]);
    }
}

int main(void)
{
    RUN(test_normalize_and_check);
    RUN(test_tangent);
    RUN(test_exp_on_sphere);
    RUN(test_exp_geodesic);
    RUN(test_dist);
    RUN(test_rows);
    RUN(test_length_extremes);
    UNIT_END();
}
