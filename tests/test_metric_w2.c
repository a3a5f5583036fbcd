/* The exact assignment solver (gfd_lap, lib/ot/lap.c) against every permutation for small
 * N (squared distances flat, squared geodesics on the sphere), against a textbook O(N^3)
 * Hungarian algorithm with a stored cost matrix (e-maxx's Kuhn-Munkres with potentials,
 * written out below) for N up to 300 on sets that are alike, shifted, collapsed and full
 * of ties, and the w2 metric (lib/metrics/w2.c): its value on each geometry and its
 * checks. */
#include <stdlib.h>
#include <string.h>

#include "gfd.h"
#include "gfd/metric.h"
#include "ot/ot.h"
#include "testutil.h"
#include "unit.h"

static double *random_points(uint64_t seed, size_t n, size_t d, double scale, double shift)
{
    gfd_rng r;
    gfd_rng_seed(&r, seed);
    double *x = malloc(n * d * sizeof *x);
    for (size_t i = 0; i < n * d; i++)
        x[i] = scale * gfd_rng_normal(&r) + shift;
    return x;
}

static double sqdist(const double *a, const double *b, size_t d)
{
    double s = 0;
    for (size_t c = 0; c < d; c++)
        s += (a[c] - b[c]) * (a[c] - b[c]);
    return s;
}

/* Squared geodesic distance by the textbook arccos of the dot product (not the solver's
 * atan2 form), unit rows a, b: d. */
static double sqgeo(const double *a, const double *b, size_t d)
{
    double dot = 0;
    for (size_t c = 0; c < d; c++)
        dot += a[c] * b[c];
    double t = acos(fmax(-1, fmin(1, dot)));
    return t * t;
}

/* Smallest mean cost over all permutations (Heap's algorithm), n <= 8. */
static double brute_force_cost(const double *X, const double *Y, size_t n, size_t d,
                               double (*cost)(const double *, const double *, size_t))
{
    size_t p[8], c[8] = {0};
    for (size_t i = 0; i < n; i++)
        p[i] = i;
    double best = INFINITY;
    for (size_t i = 0;;) {
        double s = 0;
        for (size_t k = 0; k < n; k++)
            s += cost(X + k * d, Y + p[k] * d, d);
        best = fmin(best, s);
        while (i < n && c[i] >= i)
            c[i++] = 0;
        if (i >= n)
            break;
        size_t j = i % 2 ? c[i] : 0, t = p[j];
        p[j] = p[i], p[i] = t;
        c[i]++, i = 0;
    }
    return best / (double)n;
}

static double brute_force(const double *X, const double *Y, size_t n, size_t d)
{
    return brute_force_cost(X, Y, n, d, sqdist);
}

/* Kuhn-Munkres with potentials u, v and a stored (n+1) x (n+1) matrix (1-based). */
static double hungarian(const double *X, const double *Y, size_t n, size_t d)
{
    size_t N = n + 1, *p = calloc(N, sizeof *p), *way = calloc(N, sizeof *way);
    double *a = malloc(N * N * sizeof *a), *u = calloc(N, sizeof *u), *v = calloc(N, sizeof *v);
    double *minv = malloc(N * sizeof *minv);
    char *used = malloc(N);
    for (size_t i = 1; i <= n; i++)
        for (size_t j = 1; j <= n; j++)
            a[i * N + j] = sqdist(X + (i - 1) * d, Y + (j - 1) * d, d);
    for (size_t i = 1; i <= n; i++) {
        p[0] = i;
        size_t j0 = 0;
        for (size_t j = 0; j <= n; j++)
            minv[j] = INFINITY, used[j] = 0;
        do {
            used[j0] = 1;
            size_t i0 = p[j0], j1 = 0;
            double delta = INFINITY;
            for (size_t j = 1; j <= n; j++)
                if (!used[j]) {
                    double cur = a[i0 * N + j] - u[i0] - v[j];
                    if (cur < minv[j])
                        minv[j] = cur, way[j] = j0;
                    if (minv[j] < delta)
                        delta = minv[j], j1 = j;
                }
            for (size_t j = 0; j <= n; j++)
                if (used[j])
                    u[p[j]] += delta, v[j] -= delta;
                else
                    minv[j] -= delta;
            j0 = j1;
        } while (p[j0] != 0);
        do {
            size_t j1 = way[j0];
            p[j0] = p[j1];
            j0 = j1;
        } while (j0);
    }
    double s = 0;
    for (size_t j = 1; j <= n; j++)
        s += a[p[j] * N + j];
    free(p), free(way), free(a), free(u), free(v), free(minv), free(used);
    return s / (double)n;
}

/* Runs the solver; checks that perm is a permutation and that *mean is its cost. */
static double solve(const double *X, const double *Y, size_t n, size_t d)
{
    size_t *perm = malloc(n * sizeof *perm);
    char *seen = calloc(n, 1);
    double mean = NAN, s = 0;
    gfd_err err;
    CHECK(gfd_lap(gfd_geometry_flat(), X, Y, n, d, perm, &mean, &err) == 0, "%s", err.msg);
    int ok = 1;
    for (size_t i = 0; i < n; i++) {
        ok &= perm[i] < n && !seen[perm[i]];
        if (perm[i] < n)
            seen[perm[i]] = 1, s += sqdist(X + i * d, Y + perm[i] * d, d);
    }
    CHECK(ok, "n=%zu: not a permutation", n);
    CHECK_CLOSE(mean, s / (double)n, 1e-15);
    free(perm), free(seen);
    return mean;
}

static void test_brute_force(void)
{
    /* all 8! permutations: the optimum to 1e-14 relative (summation order) */
    for (uint64_t seed = 1; seed <= 30; seed++) {
        size_t n = 1 + seed % 8, d = 1 + seed % 3;
        double *X = random_points(seed, n, d, 1, 0), *Y = random_points(100 + seed, n, d, 1, seed % 2);
        double got = solve(X, Y, n, d), want = brute_force(X, Y, n, d);
        CHECK(fabs(got - want) <= 1e-14 * want, "seed %llu n=%zu: %.17g, want %.17g",
              (unsigned long long)seed, n, got, want);
        free(X), free(Y);
    }
}

/* Gaussian rows normalised: points on S^(d-1). */
static double *sphere_points(uint64_t seed, size_t n, size_t d)
{
    double *x = random_points(seed, n, d, 1, 0);
    for (size_t i = 0; i < n; i++) {
        double r = sqrt(sqdist(x + i * d, (double[4]){0}, d));
        for (size_t c = 0; c < d; c++)
            x[i * d + c] /= r;
    }
    return x;
}

static void test_brute_force_geodesic(void)
{
    /* theta^2 on S^1..S^3 (MATH §4), all 8! permutations with arccos costs: 1e-12
     * relative (arccos loses ~1e-16 / sin(theta) against the solver's atan2 form) */
    for (uint64_t seed = 1; seed <= 30; seed++) {
        size_t n = 1 + seed % 8, d = 2 + seed % 3, *perm = malloc(n * sizeof *perm);
        double *X = sphere_points(seed, n, d), *Y = sphere_points(100 + seed, n, d), got, s = 0;
        gfd_err err;
        CHECK(gfd_lap(gfd_geometry_sphere(), X, Y, n, d, perm, &got, &err) == 0, "%s", err.msg);
        for (size_t i = 0; i < n; i++)
            s += sqgeo(X + i * d, Y + perm[i] * d, d);
        double want = brute_force_cost(X, Y, n, d, sqgeo);
        CHECK(fabs(got - want) <= 1e-12 * want && fabs(s / (double)n - got) <= 1e-12 * want,
              "seed %llu n=%zu: %.17g (perm %.17g), want %.17g", (unsigned long long)seed, n,
              got, s / (double)n, want);
        free(X), free(Y), free(perm);
    }
}

static void test_hungarian(void)
{
    /* alike, shifted, collapsed (scale 0.05) and wide sets: 1e-12 relative (both exact;
     * the sums of 300 rounded costs differ in order) */
    const double scale[] = {1, 1, 0.05, 5}, shift[] = {0, 3, 0.5, 0};
    for (int c = 0; c < 4; c++) {
        size_t n = 300, d = 2 + (size_t)c % 2;
        double *X = random_points(7 + (uint64_t)c, n, d, scale[c], shift[c]), *Y = random_points(70, n, d, 1, 0);
        double got = solve(X, Y, n, d), want = hungarian(X, Y, n, d);
        CHECK(fabs(got - want) <= 1e-12 * want, "case %d: %.17g, want %.17g", c, got, want);
        free(X), free(Y);
    }
}

static void test_ties(void)
{
    /* integer grid points with repeats: many equal costs; against the Hungarian, exact
     * (integer costs add exactly) */
    size_t n = 200, d = 2;
    double *X = malloc(n * d * sizeof *X), *Y = malloc(n * d * sizeof *Y);
    for (size_t i = 0; i < n; i++) {
        X[2 * i] = (double)(i % 7), X[2 * i + 1] = (double)(i % 3);
        Y[2 * i] = (double)(i % 5), Y[2 * i + 1] = (double)((i / 5) % 4);
    }
    double got = solve(X, Y, n, d), want = hungarian(X, Y, n, d);
    CHECK(got == want, "%.17g, want %.17g", got, want);
    CHECK(solve(X, X, n, d) == 0, "X against itself is not 0");
    free(X), free(Y);
}

static void test_identical_points(void)
{
    /* every point the same: cost 0, and the search must end on all-equal reduced costs */
    double X[3 * 5] = {0}, Y[3 * 5] = {0};
    CHECK(solve(X, Y, 5, 3) == 0, "identical points");
}

static void test_metric_value(void)
{
    /* w2 = sqrt(W_2^2) of the geometry's cost: flat squared distances, and on the sphere
     * squared geodesics, each against all permutations (1e-14, and 1e-12 with arccos) */
    const size_t n = 7, d = 3;
    double *X = random_points(40, n, d, 1, 0.5), *Y = random_points(41, n, d, 1, 0);
    gfd_cloud S = {.n = n, .d = d, .x = X}, R = {.n = n, .d = d, .x = Y};
    double got = tu_metric("w2", NULL, NULL, &S, &R), want = sqrt(brute_force(X, Y, n, d));
    CHECK(fabs(got - want) <= 1e-14 * want, "flat: %.17g, want %.17g", got, want);
    free(X), free(Y);
    S.x = X = sphere_points(42, n, d), R.x = Y = sphere_points(43, n, d);
    got = tu_metric("w2", NULL, gfd_geometry_sphere(), &S, &R);
    want = sqrt(brute_force_cost(X, Y, n, d, sqgeo));
    CHECK(fabs(got - want) <= 1e-12 * want, "sphere: %.17g, want %.17g", got, want);
    free(X), free(Y);
}

/* w2 of S against R (flat): what gfd_metrics_eval returns. */
static int w2_try(const gfd_cloud *S, const gfd_cloud *R, gfd_err *err)
{
    double v;
    return tu_metric_try("w2", NULL, NULL, NULL, S, R, &v, err);
}

static void test_metric_errors(void)
{
    gfd_cloud S, R;
    gfd_cloud_alloc(&S, 4, 2, NULL), gfd_cloud_alloc(&R, 5, 2, NULL);
    memset(S.x, 0, 8 * sizeof *S.x), memset(R.x, 0, 10 * sizeof *R.x);
    gfd_err err;
    CHECK(w2_try(&S, &R, &err) < 0 && strstr(err.msg, "use sinkhorn"), "N != M accepted: %s", err.msg);
    gfd_cloud_free(&S), gfd_cloud_free(&R);
    gfd_cloud_alloc(&S, GFD_W2_MAX + 1, 1, NULL), gfd_cloud_alloc(&R, GFD_W2_MAX + 1, 1, NULL);
    memset(S.x, 0, S.n * sizeof *S.x), memset(R.x, 0, R.n * sizeof *R.x);
    CHECK(w2_try(&S, &R, &err) < 0 && strstr(err.msg, "limit of 10000"), "N > 10^4 accepted: %s", err.msg);
    gfd_cloud_free(&S), gfd_cloud_free(&R);
}

int main(void)
{
    RUN(test_brute_force);
    RUN(test_brute_force_geodesic);
    RUN(test_hungarian);
    RUN(test_ties);
    RUN(test_identical_points);
    RUN(test_metric_value);
    RUN(test_metric_errors);
    UNIT_END();
}
