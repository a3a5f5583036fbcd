/* The entropic OT value and the Sinkhorn divergence (lib/metric_sinkhorn.c) against a
 * dense reference in long double written out below: the full cost matrix, plain
 * log-domain Sinkhorn run until the potentials move by less than 1e-14 eps, then the primal value
 * <P, C> + eps KL(P | a x b) of the plan (so the engine's dual value is checked against
 * a primal one). Tolerances in each test. */
#include <stdlib.h>
#include <string.h>

#include "gfd.h"
#include "gfd/metric.h"
#include "unit.h"

static double *random_points(uint64_t seed, size_t n, size_t d, double shift)
{
    gfd_rng r;
    gfd_rng_seed(&r, seed);
    double *x = malloc(n * d * sizeof *x);
    for (size_t i = 0; i < n * d; i++)
        x[i] = gfd_rng_normal(&r) + shift;
    return x;
}

static long double lse(const long double *l, size_t n)
{
    long double mx = -INFINITY, s = 0;
    for (size_t k = 0; k < n; k++)
        mx = fmaxl(mx, l[k]);
    for (size_t k = 0; k < n; k++)
        s += expl(l[k] - mx);
    return mx + logl(s);
}

static double reference_ot(const double *X, size_t n, const double *Y, size_t m, size_t d, double eps)
{
    long double *C = malloc(n * m * sizeof *C), *f = calloc(n, sizeof *f), *g = calloc(m, sizeof *g);
    long double *l = malloc((n > m ? n : m) * sizeof *l), la = -logl(n), lb = -logl(m);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < m; j++) {
            long double s = 0;
            for (size_t c = 0; c < d; c++)
                s += ((long double)X[i * d + c] - Y[j * d + c]) * ((long double)X[i * d + c] - Y[j * d + c]);
            C[i * m + j] = s;
        }
    for (int it = 0; it < 20000; it++) {
        for (size_t i = 0; i < n; i++) {
            for (size_t j = 0; j < m; j++)
                l[j] = lb + (g[j] - C[i * m + j]) / eps;
            f[i] = -eps * lse(l, m);
        }
        long double worst = 0;
        for (size_t j = 0; j < m; j++) {
            for (size_t i = 0; i < n; i++)
                l[i] = la + (f[i] - C[i * m + j]) / eps;
            long double gj = -eps * lse(l, n);
            worst = fmaxl(worst, fabsl(gj - g[j]) / eps);
            g[j] = gj;
        }
        if (worst < 1e-14L)
            break;
    }
    long double primal = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < m; j++) {
            long double lp = la + lb + (f[i] + g[j] - C[i * m + j]) / eps;  /* log P_ij */
            primal += expl(lp) * (C[i * m + j] + eps * (lp - la - lb));
        }
    free(C), free(f), free(g), free(l);
    return (double)primal;
}

/* X against Y at eps, and X against itself (the symmetric iteration) at eps_sym: the
 * reference's alternating iteration crawls on identical sets at small eps. */
static void check_ot(size_t n, size_t m, size_t d, double eps, double shift, double eps_sym)
{
    /* 1e-9 relative: the engine stops at L1 marginal error 1e-10; the dual value's error
     * is second order in it */
    double *X = random_points(n, n, d, shift), *Y = random_points(m + 1000, m, d, 0), ot;
    int it;
    gfd_err err;
    CHECK(gfd_sinkhorn_ot(X, n, Y, m, d, eps, 100000, 1e-10, &ot, &it, &err) == 0, "%s", err.msg);
    double want = reference_ot(X, n, Y, m, d, eps);
    CHECK(fabs(ot - want) <= 1e-9 * fabs(want), "n=%zu m=%zu eps=%g: %.17g, want %.17g (%d iterations)",
          n, m, eps, ot, want, it);
    CHECK(gfd_sinkhorn_ot(X, n, X, n, d, eps_sym, 100000, 1e-10, &ot, &it, &err) == 0, "%s", err.msg);
    want = reference_ot(X, n, X, n, d, eps_sym);
    CHECK(fabs(ot - want) <= 1e-9 * fabs(want), "symmetric n=%zu eps=%g: %.17g, want %.17g",
          n, eps, ot, want);
    free(X), free(Y);
}

static void test_ot_large_eps(void) { check_ot(60, 45, 2, 1.0, 0.5, 1.0); }
static void test_ot_small_eps(void) { check_ot(50, 40, 3, 0.1, 2.0, 0.5); }

static void test_divergence(void)
{
    /* S_eps(X, X) = 0 exactly (the same solves); for a copy of X the cross solve runs its
     * own iteration: 1e-9 of the OT value. S_eps of different sets is positive. */
    double *X = random_points(5, 80, 2, 0), *Y = random_points(6, 70, 2, 1);
    gfd_cloud S = {.n = 80, .d = 2, .x = X}, R = {.n = 70, .d = 2, .x = Y};
    gfd_cloud C = {.n = 80, .d = 2, .x = malloc(160 * sizeof(double))};
    memcpy(C.x, X, 160 * sizeof(double));
    gfd_metric_opts o;
    gfd_metric_opts_default(&o);
    o.eps = 1;
    double same, copy, diff;
    CHECK(gfd_metric_sinkhorn(&S, &S, &o, &same, NULL) == 0 && same == 0, "S(X, X) = %g", same);
    CHECK(gfd_metric_sinkhorn(&S, &C, &o, &copy, NULL) == 0 && fabs(copy) < 1e-9, "S(X, copy) = %g", copy);
    CHECK(gfd_metric_sinkhorn(&S, &R, &o, &diff, NULL) == 0 && diff > 0.1, "S(X, Y) = %g", diff);
    free(X), free(Y), free(C.x);
}

static void test_loose_tolerance(void)
{
    /* the symmetric solve stopped early at marginal error 1e-4 against itself at 1e-12:
     * the dual value with its mass term -eps (mass - 1) is off by 8.3e-9 relative here
     * (1.9e-8 without the term, measured): bound 1.2e-8 */
    double *X = random_points(60, 60, 2, 0.5), tight, loose;
    int it;
    CHECK(gfd_sinkhorn_ot(X, 60, X, 60, 2, 1.0, 100000, 1e-12, &tight, &it, NULL) == 0, "tight");
    CHECK(gfd_sinkhorn_ot(X, 60, X, 60, 2, 1.0, 100000, 1e-4, &loose, &it, NULL) == 0, "loose");
    CHECK(fabs(loose - tight) < 1.2e-8 * tight, "%.17g against %.17g after %d iterations", loose, tight, it);
    free(X);
}

static void test_no_convergence(void)
{
    double *X = random_points(7, 30, 2, 0), *Y = random_points(8, 30, 2, 3), ot;
    int it;
    gfd_err err;
    CHECK(gfd_sinkhorn_ot(X, 30, Y, 30, 2, 1e-3, 2, 1e-12, &ot, &it, &err) < 0 &&
          err.code == GFD_ENUMERIC && strstr(err.msg, "raise --eps"), "2 iterations converged: %s", err.msg);
    CHECK(gfd_sinkhorn_ot(X, 30, Y, 30, 2, 0, 2, 1e-12, &ot, &it, &err) < 0 && err.code == GFD_EUSAGE,
          "eps = 0 accepted");
    free(X), free(Y);
}

int main(void)
{
    RUN(test_ot_large_eps);
    RUN(test_ot_small_eps);
    RUN(test_divergence);
    RUN(test_loose_tolerance);
    RUN(test_no_convergence);
    UNIT_END();
}
