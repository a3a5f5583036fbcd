/* The sliced Wasserstein flow (lib/fields/sliced.c with the slicers of
 * lib/geometry/slices.c, MATH §3.7), run through the public field API ("projections=L",
 * the streams of (seed, step)), against a direct transcription that ranks by counting
 * (O(N^2), no sort) and reads quantile levels off the formula (k + 0.5)/N, with the
 * directions of field.h's stream convention (gfd_field_rng, GFD_STREAM_DIRECTIONS); and
 * the one-direction transport property. tests/fields_ot.bats checks d = 1 against numpy
 * (tests/py/sliced_ref.py). On the sphere (gfd_geometry_sphere(), MATH §4, great circles):
 * the field against finite differences of the spherical sliced energy, zero for X == Y,
 * and its errors (weights, one coordinate). */
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "gfd.h"
#include "ot/circle.h"
#include "testutil.h"
#include "unit.h"

/* One evaluation of the field: L projections, the streams of (seed, step), the bandwidth
 * (which it must not use) and the geometry (NULL: flat). */
typedef struct {
    int projections;
    uint64_t seed, step;
    double h;
    const gfd_geometry *geometry;
} sl_opts;

static sl_opts opts(int L, uint64_t seed, uint64_t step)
{
    return (sl_opts){.projections = L, .seed = seed, .step = step, .h = 0.5, .geometry = NULL};
}

/* The sliced field with the options o at X toward Y into V. */
static int run_sliced(const gfd_cloud *X, const gfd_cloud *Y, const sl_opts *o, double *V,
                        gfd_err *err)
{
    char text[64];
    snprintf(text, sizeof text, "projections=%d", o->projections);
    return tu_field_try("sliced", text, o->geometry, o->h, o->seed, o->step, X, Y, V, err);
}

/* rank of entry i among p[0..n) (ties by index), by counting. */
static size_t rank_of(const double *p, size_t n, size_t i)
{
    size_t r = 0;
    for (size_t k = 0; k < n; k++)
        r += p[k] < p[i] || (p[k] == p[i] && k < i);
    return r;
}

static double mass(const gfd_cloud *c, size_t i) { return c->w ? c->w[i] : 1; }

/* Level of entry i: (mass ranked below + own mass / 2) / total mass. */
static double level(const gfd_cloud *c, const double *p, size_t i)
{
    double below = 0, total = 0;
    size_t ri = rank_of(p, c->n, i);
    for (size_t k = 0; k < c->n; k++) {
        total += mass(c, k);
        below += rank_of(p, c->n, k) < ri ? mass(c, k) : 0;
    }
    return (below + 0.5 * mass(c, i)) / total;
}

/* The target quantile at level u: uniform weights by the formula (j + 0.5)/M, else
 * by scanning the targets' levels; linear in between, clamped at the ends. */
static double quantile(const gfd_cloud *Y, const double *py, double u)
{
    size_t m = Y->n;
    double *t = malloc(m * sizeof *t), *lev = malloc(m * sizeof *lev), q;
    for (size_t j = 0; j < m; j++) {
        size_t r = rank_of(py, m, j);
        t[r] = py[j];
        lev[r] = Y->w ? level(Y, py, j) : (r + 0.5) / (double)m;
    }
    size_t j = 0;
    while (j + 1 < m && lev[j + 1] <= u)
        j++;
    if (u <= lev[0])
        q = t[0];
    else if (j + 1 == m)
        q = t[m - 1];
    else
        q = t[j] + (u - lev[j]) / (lev[j + 1] - lev[j]) * (t[j + 1] - t[j]);
    free(t), free(lev);
    return q;
}

static void ref_sliced(const gfd_cloud *X, const gfd_cloud *Y, const sl_opts *o, double *V)
{
    size_t n = X->n, m = Y->n, d = X->d, L = (size_t)o->projections;
    double *px = malloc(n * sizeof *px), *py = malloc(m * sizeof *py), theta[8];
    memset(V, 0, n * d * sizeof *V);
    for (size_t l = 0; l < L; l++) {
        gfd_rng r;
        gfd_field_rng(&r, o->seed, o->step, GFD_STREAM_DIRECTIONS, l);
        gfd_rng_direction(&r, theta, (int)d);
        for (size_t i = 0; i < n; i++) {
            px[i] = 0;
            for (size_t c = 0; c < d; c++)
                px[i] += theta[c] * X->x[i * d + c];
        }
        for (size_t j = 0; j < m; j++) {
            py[j] = 0;
            for (size_t c = 0; c < d; c++)
                py[j] += theta[c] * Y->x[j * d + c];
        }
        for (size_t i = 0; i < n; i++) {
            double u = X->w ? level(X, px, i) : (rank_of(px, n, i) + 0.5) / (double)n;
            double disp = quantile(Y, py, u) - px[i];
            for (size_t c = 0; c < d; c++)
                V[i * d + c] += disp * theta[c] / (double)L;
        }
    }
    free(px), free(py);
}

static double max_abs_diff(const double *a, const double *b, size_t nd)
{
    double e = 0;
    for (size_t k = 0; k < nd; k++)
        e = fmax(e, isfinite(a[k]) ? fabs(a[k] - b[k]) : INFINITY);
    return e;
}

static void check_ref(const char *what, gfd_cloud X, gfd_cloud Y, sl_opts o)
{
    size_t nd = X.n * X.d;
    double *V = malloc(nd * sizeof *V), *W = malloc(nd * sizeof *W);
    gfd_err err;
    CHECK(run_sliced(&X, &Y, &o, V, &err) == 0, "%s", err.msg);
    ref_sliced(&X, &Y, &o, W);
    double e = max_abs_diff(V, W, nd);
    CHECK(e <= 1e-12, "%s: max difference %.3g", what, e);  /* unit-scale data: rounding ~1e-16 */
    printf("# %s: max difference %.2g\n", what, e);
    free(V), free(W);
    gfd_cloud_free(&X), gfd_cloud_free(&Y);
}

static void test_reference(void)
{
    check_ref("N < M, 20 directions", tu_seeded_cloud(1, 37, 2, 1, 1, 0),
              tu_seeded_cloud(2, 61, 2, 0, 1, 0), opts(20, 5, 3));
    check_ref("N > M, d = 3, 9 directions", tu_seeded_cloud(3, 50, 3, 1, 1, 0),
              tu_seeded_cloud(4, 23, 3, 0, 1, 0), opts(9, 6, 0));
    check_ref("weighted", tu_seeded_cloud(5, 31, 2, 1, 1, 1), tu_seeded_cloud(6, 27, 2, 0, 1, 1), opts(12, 7, 1));
    check_ref("M = 1", tu_seeded_cloud(7, 10, 2, 1, 1, 0), tu_seeded_cloud(8, 1, 2, 0, 1, 0), opts(3, 8, 0));
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void test_one_direction_transport(void)
{
    /* MATH §3.7, L = 1 and N = M: x + v puts the particles' projections exactly on the
     * sorted target projections, and moves them along theta only (1e-12, unit data) */
    size_t n = 500;
    gfd_cloud X = tu_seeded_cloud(10, n, 2, 2, 1, 0), Y = tu_seeded_cloud(11, n, 2, 0, 1, 0);
    sl_opts o = opts(1, 42, 7);
    double *V = malloc(n * 2 * sizeof *V), theta[2] = {0, 0}, big = 0;
    CHECK(run_sliced(&X, &Y, &o, V, NULL) == 0, "failed");
    for (size_t i = 0; i < n; i++) {  /* theta: the direction of the largest move */
        double len = hypot(V[2 * i], V[2 * i + 1]);
        if (len > big)
            big = len, theta[0] = V[2 * i] / len, theta[1] = V[2 * i + 1] / len;
    }
    double *px = malloc(n * sizeof *px), *py = malloc(n * sizeof *py), off = 0, worst = 0;
    for (size_t i = 0; i < n; i++) {
        double x0 = X.x[2 * i] + V[2 * i], x1 = X.x[2 * i + 1] + V[2 * i + 1];
        px[i] = theta[0] * x0 + theta[1] * x1;
        py[i] = theta[0] * Y.x[2 * i] + theta[1] * Y.x[2 * i + 1];
        off = fmax(off, fabs(-theta[1] * V[2 * i] + theta[0] * V[2 * i + 1]));
    }
    qsort(px, n, sizeof *px, cmp_double);
    qsort(py, n, sizeof *py, cmp_double);
    for (size_t i = 0; i < n; i++)  /* the k-th smallest of each set */
        worst = fmax(worst, fabs(px[i] - py[i]));
    CHECK(worst <= 1e-12, "projections after the step differ from the targets' by %.3g", worst);
    CHECK(off <= 1e-12, "a move has a component %.3g across theta", off);
    printf("# one direction: sorted projections match to %.2g, off-direction %.2g\n", worst, off);
    free(V), free(px), free(py);
    gfd_cloud_free(&X), gfd_cloud_free(&Y);
}

static void test_identity(void)
{
    /* X == Y: every particle's level is its own target's level: v = 0 exactly */
    for (int weighted = 0; weighted < 2; weighted++) {
        gfd_cloud X = tu_seeded_cloud(20, 300, 3, 0, 1, weighted), Y = tu_seeded_cloud(20, 300, 3, 0, 1, weighted);
        sl_opts o = opts(64, 1, 0);
        double *V = malloc(900 * sizeof *V), worst = 0;
        CHECK(run_sliced(&X, &Y, &o, V, NULL) == 0, "failed");
        for (size_t e = 0; e < 900; e++)
            worst = fmax(worst, fabs(V[e]));
        CHECK(worst < 1e-12, "weighted=%d: |v| = %.3g at X == Y", weighted, worst);
        free(V);
        gfd_cloud_free(&X), gfd_cloud_free(&Y);
    }
}

static void test_streams_and_bandwidth(void)
{
    /* directions come from (seed, step): a new step draws new ones, the same step the
     * same bytes; the bandwidth plays no part (h = 1e-3 gives the same bytes) */
    gfd_cloud X = tu_seeded_cloud(30, 100, 2, 1, 1, 0), Y = tu_seeded_cloud(31, 120, 2, 0, 1, 0);
    double *V[4];
    sl_opts o[4] = {opts(16, 9, 0), opts(16, 9, 1), opts(16, 9, 0), opts(16, 10, 0)};
    o[2].h = 1e-3;
    for (int k = 0; k < 4; k++) {
        V[k] = malloc(200 * sizeof *V[k]);
        CHECK(run_sliced(&X, &Y, &o[k], V[k], NULL) == 0, "failed");
    }
    CHECK(memcmp(V[0], V[1], 200 * sizeof(double)), "step 1 repeats step 0");
    CHECK(memcmp(V[0], V[3], 200 * sizeof(double)), "seed 10 repeats seed 9");
    CHECK(!memcmp(V[0], V[2], 200 * sizeof(double)), "h changed the sliced field");
    for (int k = 0; k < 4; k++)
        free(V[k]);
    gfd_cloud_free(&X), gfd_cloud_free(&Y);
}

static void test_thread_invariance(void)
{
    gfd_cloud X = tu_seeded_cloud(40, 2000, 2, 1, 1, 1), Y = tu_seeded_cloud(41, 1500, 2, 0, 1, 0);
    size_t nd = 2000 * 2;
    double *V1 = malloc(nd * sizeof *V1), *V2 = malloc(nd * sizeof *V2);
    sl_opts o = opts(30, 3, 2);
    gfd_err err;
    omp_set_num_threads(1);
    CHECK(run_sliced(&X, &Y, &o, V1, &err) == 0, "%s", err.msg);
    omp_set_num_threads(2);
    CHECK(run_sliced(&X, &Y, &o, V2, &err) == 0, "%s", err.msg);
    CHECK(!memcmp(V1, V2, nd * sizeof *V1), "results differ between 1 and 2 threads");
    free(V1), free(V2);
    gfd_cloud_free(&X), gfd_cloud_free(&Y);
}

static void test_bad_input(void)
{
    gfd_cloud X = tu_seeded_cloud(50, 5, 2, 0, 1, 1);
    double V[10];
    gfd_err err;
    sl_opts o = opts(0, 1, 0);
    CHECK(run_sliced(&X, &X, &o, V, &err) < 0 && err.code == GFD_EUSAGE &&
          strstr(err.msg, "--projections: 0 is out of range"), "0 projections accepted: '%s'", err.msg);
    o = opts(4, 1, 0);
    X.w[2] = -1;
    CHECK(run_sliced(&X, &X, &o, V, &err) < 0 && err.code == GFD_EDATA, "a negative weight accepted");
    gfd_cloud_free(&X);
}

/* c with its rows normalised onto the sphere. */
static gfd_cloud on_sphere(gfd_cloud c)
{
    gfd_err err;
    gfd_sphere_normalize(c.x, c.n, c.d, c.d, "test", &err);
    return c;
}

/* E(X) = (1/L) sum_l (2 pi)^2 W_2^2 of the circle positions on great circle l (radians^2),
 * with the directions of the stream convention and W_2 by gfd_circle_shift (checked by brute
 * force in test_circle.c). */
static double sphere_energy(const gfd_cloud *X, const gfd_cloud *Y, const sl_opts *o)
{
    size_t n = X->n, m = Y->n, d = X->d;
    double *tx = malloc(n * sizeof *tx), *ty = malloc(m * sizeof *ty), u[2 * 16], e = 0, w;
    for (size_t l = 0; l < (size_t)o->projections; l++) {
        gfd_rng r;
        gfd_field_rng(&r, o->seed, o->step, GFD_STREAM_DIRECTIONS, l);
        gfd_rng_plane(&r, u, (int)d);
        for (size_t i = 0; i < n; i++)
            tx[i] = gfd_circle_turn(X->x + i * d, u, d);
        for (size_t j = 0; j < m; j++)
            ty[j] = gfd_circle_turn(Y->x + j * d, u, d);
        qsort(tx, n, sizeof *tx, cmp_double), qsort(ty, m, sizeof *ty, cmp_double);
        gfd_circle_shift(tx, n, ty, m, &w);
        e += 4 * M_PI * M_PI * w;
    }
    free(tx), free(ty);
    return e / o->projections;
}

/* MATH §4: with N = M the optimal circle shift is a whole cyclic reassignment and the field
 * is -(N/2) times the Riemannian gradient of E, as §3.7's is of SW_2^2 (Danskin: the plan
 * is fixed near a point where it is unique). So d/dt E(exp_{x_i}(t e)) = -(2/N) v_i . e for
 * unit tangents e. Central differences with t = 1e-6: truncation ~ t^2 (third derivative)
 * and rounding ~ 1e-16 E N / t, both below 1e-8; tolerance 1e-6 (|v| ~ 1). d = 3 and 16. */
static void test_sphere_gradient(void)
{
    static const size_t dims[] = {3, 16};
    for (size_t c = 0; c < 2; c++) {
        size_t d = dims[c], n = 30;
        gfd_cloud X = on_sphere(tu_seeded_cloud(20 + c, n, d, 0.5, 1, 0));
        gfd_cloud Y = on_sphere(tu_seeded_cloud(30 + c, n, d, -0.5, 1, 0));
        sl_opts o = opts(7, 9, 2);
        o.geometry = gfd_geometry_sphere();
        double *V = malloc(n * d * sizeof *V), xi[16], e[16], step[16], worst = 0;
        gfd_err err;
        CHECK(run_sliced(&X, &Y, &o, V, &err) == 0, "%s", err.msg);
        gfd_rng r;
        gfd_rng_seed(&r, 40 + c);
        for (size_t i = 0; i < n; i += 3) {
            double *x = X.x + i * d, t = 1e-6, dv = 0;
            memcpy(xi, x, d * sizeof *x);
            gfd_rng_direction(&r, e, (int)d);
            gfd_sphere_tangent(xi, e, e, d);
            double len = gfd_sphere_length(e, d);
            for (size_t k = 0; k < d; k++)
                e[k] /= len, dv += V[i * d + k] * e[k];
            for (size_t k = 0; k < d; k++)
                step[k] = t * e[k];
            gfd_sphere_exp(xi, step, x, d);
            double up = sphere_energy(&X, &Y, &o);
            for (size_t k = 0; k < d; k++)
                step[k] = -t * e[k];
            gfd_sphere_exp(xi, step, x, d);
            double down = sphere_energy(&X, &Y, &o);
            memcpy(x, xi, d * sizeof *x);
            double fd = -(double)n / 2 * (up - down) / (2 * t), gap = fabs(fd - dv);
            worst = fmax(worst, gap);
            CHECK(gap <= 1e-6, "d %zu particle %zu: v.e %.12g, finite differences %.12g", d, i, dv, fd);
        }
        printf("# sphere d = %zu: worst |v.e - FD| %.2g\n", d, worst);
        free(V), gfd_cloud_free(&X), gfd_cloud_free(&Y);
    }
}

/* X == Y on the sphere: exactly zero (the optimal shift is 0, every level an atom's own);
 * weights are a usage error, one coordinate the geometry's data error. */
static void test_sphere_identity_and_errors(void)
{
    gfd_cloud X = on_sphere(tu_seeded_cloud(50, 45, 3, 0, 1, 0)), W = tu_seeded_cloud(51, 45, 3, 0, 1, 1);
    sl_opts o = opts(16, 3, 0);
    o.geometry = gfd_geometry_sphere();
    double V[45 * 3], mx = 0;
    gfd_err err;
    CHECK(run_sliced(&X, &X, &o, V, &err) == 0, "%s", err.msg);
    for (size_t k = 0; k < 45 * 3; k++)
        mx = fmax(mx, fabs(V[k]));
    CHECK(mx == 0, "X == Y: |v| up to %.3g", mx);
    X.w = W.w;
    CHECK(run_sliced(&X, &X, &o, V, &err) < 0 && err.code == GFD_EUSAGE &&
          strstr(err.msg, "sliced: weights are not available on the sphere"), "weights on the sphere: '%s'",
          err.msg);
    X.w = NULL;
    double line[4] = {1, -1, 1, -1};  /* unit rows of one coordinate: not points of S^(d-1) */
    gfd_cloud L1 = {.n = 4, .d = 1, .x = line};
    CHECK(run_sliced(&L1, &L1, &o, V, &err) < 0 && err.code == GFD_EDATA &&
          strstr(err.msg, "the sphere needs at least 2 coordinates"), "one coordinate: '%s'", err.msg);
    gfd_cloud_free(&X), gfd_cloud_free(&W);
}

int main(void)
{
    RUN(test_reference);
    RUN(test_one_direction_transport);
    RUN(test_identity);
    RUN(test_streams_and_bandwidth);
    RUN(test_thread_invariance);
    RUN(test_bad_input);
    RUN(test_sphere_gradient);
    RUN(test_sphere_identity_and_errors);
    UNIT_END();
}
