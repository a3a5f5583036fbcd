/* Sliced Wasserstein-2 (MATH §5, POT's sliced_wasserstein_distance with p = 2):
 * sw2 = (mean over L seeded directions theta of W_2^2(theta#S, theta#R))^(1/2), each
 * one-dimensional W_2^2 exact between the two empirical quantile functions.
 * With --sphere, the spherical sliced W2 of Bonet et al. 2023 (MATH §4; POT's
 * sliced_wasserstein_sphere): the directions are great circles, points go to the nearest
 * point of the circle, and W_2^2 is the exact one on the circle of length 1 (circle.h). */
#include <stdlib.h>
#include <math.h>

#include "circle.h"
#include "metric.h"
#include "rng.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* int_0^1 (F_x^-1(t) - F_y^-1(t))^2 dt: the quantile functions are steps at the levels
 * i/n and j/m; the merged steps are walked in units of 1/(n m), so no level drifts. */
double gfd_w2sq_1d(double *x, size_t n, double *y, size_t m)
{
    qsort(x, n, sizeof *x, cmp_double);
    qsort(y, m, sizeof *y, cmp_double);
    size_t i = 0, j = 0, at = 0, end = n * m;
    double s = 0;
    while (at < end) {
        size_t next = (i + 1) * m < (j + 1) * n ? (i + 1) * m : (j + 1) * n;
        double z = x[i] - y[j];
        s += z * z * (double)(next - at);
        at = next;
        if (at == (i + 1) * m)
            i++;
        if (at == (j + 1) * n)
            j++;
    }
    return s / ((double)n * (double)m);
}

/* p = X theta. X: N x d, theta: d, p: N. */
static void project(const double *X, size_t n, size_t d, const double *theta, double *p)
{
    for (size_t i = 0; i < n; i++) {
        double s = 0;
        for (size_t c = 0; c < d; c++)
            s += X[i * d + c] * theta[c];
        p[i] = s;
    }
}

/* Sorted positions (turns) of the rows of X (n x d) on the great circle u (2d). */
static void turns_sorted(const double *X, size_t n, size_t d, const double *u, double *t)
{
    for (size_t i = 0; i < n; i++)
        t[i] = gfd_circle_turn(X + i * d, u, d);
    qsort(t, n, sizeof *t, cmp_double);
}

/* W_2^2 of the projections of S and R on direction l of seed: a line, or with --sphere a
 * great circle. u: 2d scratch, ps: n, pr: m. */
static double slice_w2sq(const gfd_cloud *S, const gfd_cloud *R, const gfd_metric_opts *o,
                         size_t l, double *u, double *ps, double *pr)
{
    const size_t n = S->n, m = R->n, d = S->d;
    gfd_rng r;
    gfd_rng_split(&r, o->seed, l);  /* direction l depends on (seed, l) only */
    if (!o->sphere) {
        gfd_rng_direction(&r, u, (int)d);
        project(S->x, n, d, u, ps);
        project(R->x, m, d, u, pr);
        return gfd_w2sq_1d(ps, n, pr, m);
    }
    double w2sq;
    gfd_rng_plane(&r, u, (int)d);
    turns_sorted(S->x, n, d, u, ps);
    turns_sorted(R->x, m, d, u, pr);
    gfd_circle_shift(ps, n, pr, m, &w2sq);
    return w2sq;
}

int gfd_metric_sw2(const gfd_cloud *S, const gfd_cloud *R, const gfd_metric_opts *o,
                   double *values, gfd_err *err)
{
    const size_t n = S->n, m = R->n, d = S->d, L = (size_t)o->projections;
    if (L == 0)
        return gfd_fail(err, GFD_EUSAGE, "--projections must be at least 1");
    if (o->sphere && d < 2)
        return gfd_fail(err, GFD_EUSAGE, "the sphere needs at least 2 coordinates");
    double *w = gfd_alloc(L, sizeof *w, "sliced distances", err);
    if (!w)
        return -1;
    int failed = 0;
    #pragma omp parallel
    {
        double *ps = malloc(n * sizeof *ps), *pr = malloc(m * sizeof *pr), *u = malloc(2 * d * sizeof *u);
        if (!ps || !pr || !u) {
            #pragma omp atomic write
            failed = 1;
        }
        #pragma omp for schedule(dynamic, 1)
        for (size_t l = 0; l < L; l++) {
            if (!ps || !pr || !u)
                continue;
            w[l] = slice_w2sq(S, R, o, l, u, ps, pr);
        }
        free(ps), free(pr), free(u);
    }
    double s = 0;
    for (size_t l = 0; l < L; l++)
        s += w[l];
    free(w);
    if (failed)
        return gfd_fail(err, GFD_ENOMEM, "sliced W2: out of memory for the projections");
    values[0] = sqrt(s / (double)L);  /* MATH §5: (mean_theta W_2^2)^(1/2) */
    return 0;
}
