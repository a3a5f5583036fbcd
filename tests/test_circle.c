/* Optimal transport on the circle (lib/circle.c, MATH §4) against brute force: W_2^2 on the
 * circle of length 1 is the cheapest assignment under the cost min(|s - t|, 1 - |s - t|)^2.
 * With n != m every atom is split into pieces of equal mass 1/lcm(n, m), so a
 * permutation of the pieces is again a transport plan and the best one is W_2^2
 * (Birkhoff). All permutations are tried, so the check is exact: 1e-13 relative. */
#include <stdlib.h>

#include "ot/circle.h"
#include "gfd/rng.h"
#include "unit.h"

enum { MAX_ATOMS = 8 };

static double circle_cost(double s, double t)
{
    double g = fabs(s - t);
    g = g < 1 - g ? g : 1 - g;
    return g * g;
}

/* min over permutations p of sum_k cost(a[k], b[p[k]]), by trying every b[i] for a[k]. */
static double best_assignment(const double *a, const double *b, int k, int n, int *used)
{
    if (k == n)
        return 0;
    double best = INFINITY;
    for (int i = 0; i < n; i++) {
        if (used[i])
            continue;
        used[i] = 1;
        double c = circle_cost(a[k], b[i]) + best_assignment(a, b, k + 1, n, used);
        used[i] = 0;
        best = c < best ? c : best;
    }
    return best;
}

/* lcm(n, m) <= MAX_ATOMS. */
static double brute_w2sq(const double *x, int n, const double *y, int m)
{
    double a[MAX_ATOMS], b[MAX_ATOMS];
    int used[MAX_ATOMS] = {0}, pieces = n;
    while (pieces % m)
        pieces += n;
    for (int k = 0; k < pieces; k++)
        a[k] = x[k / (pieces / n)], b[k] = y[k / (pieces / m)];
    return best_assignment(a, b, 0, pieces, used) / pieces;
}

static int cmp_double(const void *p, const void *q)
{
    double s = *(const double *)p, t = *(const double *)q;
    return (s > t) - (s < t);
}

/* n sorted turns: uniform, or (cluster) within 0.15 of the point 0 = 1, across the seam. */
static void turns(gfd_rng *r, double *x, int n, int cluster)
{
    for (int i = 0; i < n; i++) {
        double t = cluster ? 0.3 * gfd_rng_uniform(r) - 0.15 : gfd_rng_uniform(r);
        x[i] = t < 0 ? t + 1 : t;
    }
    qsort(x, n, sizeof *x, cmp_double);
}

static void test_brute_force(void)
{
    static const int sizes[][2] = {{1, 1}, {2, 2}, {3, 3}, {5, 5}, {8, 8}, {1, 5}, {2, 3},
                                   {3, 2}, {2, 4}, {4, 8}, {6, 3}, {2, 6}, {1, 8}, {7, 1}};
    gfd_rng r;
    gfd_rng_seed(&r, 11);
    double worst = 0;
    for (size_t c = 0; c < sizeof sizes / sizeof *sizes; c++)
        for (int trial = 0; trial < 30; trial++) {
            int n = sizes[c][0], m = sizes[c][1];
            double x[MAX_ATOMS], y[MAX_ATOMS], got;
            turns(&r, x, n, trial % 3 == 1);
            turns(&r, y, m, trial % 3 == 2);
            gfd_circle_shift(x, (size_t)n, y, (size_t)m, &got);
            double want = brute_w2sq(x, n, y, m), e = fabs(got - want) / fmax(want, 1e-300);
            worst = fmax(worst, e);
            CHECK(e <= 1e-13, "n %d m %d trial %d: %.17g, brute force %.17g", n, m, trial, got, want);
        }
    printf("# worst relative error against brute force %.2g\n", worst);
}

/* X == Y: cost 0 at shift 0. A common rotation of both sets changes nothing (1e-12). */
static void test_identity_and_rotation(void)
{
    gfd_rng r;
    gfd_rng_seed(&r, 12);
    double x[40], y[25], xr[40], yr[25], w, wr;
    turns(&r, x, 40, 0), turns(&r, y, 25, 1);
    CHECK(gfd_circle_shift(x, 40, x, 40, &w) == 0 && w == 0, "X == Y: W2^2 %g", w);
    gfd_circle_shift(x, 40, y, 25, &w);
    for (int i = 0; i < 40; i++)
        xr[i] = fmod(x[i] + 0.37, 1.0);
    for (int j = 0; j < 25; j++)
        yr[j] = fmod(y[j] + 0.37, 1.0);
    qsort(xr, 40, sizeof *xr, cmp_double), qsort(yr, 25, sizeof *yr, cmp_double);
    gfd_circle_shift(xr, 40, yr, 25, &wr);
    CHECK_CLOSE(wr, w, 1e-12);
}

/* Atom j sits at level (j + 0.5)/m, that is u = (2j + 1) n; halfway between atoms the
 * position is their mean; across the seam the neighbours are y[m-1] - 1 and y[0] + 1; one
 * more turn of level adds 1 to the position (exact in binary here). Units: 1/(2 n m) = 1/24. */
static void test_quantile(void)
{
    const double y[4] = {0.125, 0.25, 0.5, 0.875};
    const size_t m = 4, n = 3;
    for (size_t j = 0; j < m; j++) {
        long long u = (long long)(2 * j + 1) * (long long)n;
        CHECK(gfd_circle_quantile(y, m, n, u) == y[j], "atom %zu", j);
        CHECK(gfd_circle_quantile(y, m, n, u + 2 * 12) == y[j] + 1, "atom %zu lifted", j);
        CHECK(gfd_circle_quantile(y, m, n, u - 2 * 12) == y[j] - 1, "atom %zu lowered", j);
    }
    CHECK(gfd_circle_quantile(y, m, n, 6) == 0.1875, "between atoms 0 and 1");
    CHECK(gfd_circle_quantile(y, m, n, 0) == (0.875 - 1 + 0.125) / 2, "level 0: across the seam");
    CHECK_CLOSE(gfd_circle_quantile(y, m, n, 23), 0.875 + 0.25 / 3, 1e-15);  /* 2/6 past atom 3 */
}

int main(void)
{
    RUN(test_brute_force);
    RUN(test_identity_and_rotation);
    RUN(test_quantile);
    UNIT_END();
}
