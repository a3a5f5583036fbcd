/* The entropic OT value of the one Sinkhorn solver (lib/ot/sinkhorn.c, run as the metric
 * runs it) and the Sinkhorn divergence (lib/metrics/sinkhorn.c) against a dense reference
 * in long double written out below: the full cost matrix, plain log-domain Sinkhorn run
 * until the potentials move by less than 1e-14 eps, then the primal value
 * <P, C> + eps KL(P | a x b) of the plan (so the engine's dual value is checked against
 * a primal one). The divergence of a list prepared once (OT(b, b) and the default
 * eps = 2 h^2 computed from R) against the three solves made here. Tolerances in each
 * test. */
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "gfd.h"
#include "gfd/metric.h"
#include "ot/ot.h"
#include "testutil.h"
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

/* OT_eps(X, Y) for the cost C = |x - y|^2 by the one solver, whose cost is C/2:
 * OT_eps(C) = 2 OT_{eps/2}(C/2), with the metric's annealing and over-relaxation (1.8);
 * Y == X (the same pointer, m == n) runs the symmetric iteration. r: the solver's result
 * (iterations, marginal error); converged when r->marginal <= tol. */
static int sinkhorn_ot(double *X, size_t n, double *Y, size_t m, size_t d, double eps,
                       int max_iters, double tol, double *ot, gfd_sinkhorn_result *r, gfd_err *err)
{
    gfd_cloud A = {.n = n, .d = d, .x = X}, B = {.n = m, .d = d, .x = Y};
    int sym = X == Y && n == m;
    gfd_sinkhorn_opts o = {.eps = eps / 2, .max_iters = max_iters, .tol = tol, .anneal = 1,
                           .overrelax = 1.8, .symmetric = sym};
    int rc = gfd_sinkhorn(&A, sym ? &A : &B, &o, NULL, r, err);
    *ot = 2 * r->ot;
    return rc;
}

/* X against Y at eps, and X against itself (the symmetric iteration) at eps_sym: the
 * reference's alternating iteration crawls on identical sets at small eps. */
static void check_ot(size_t n, size_t m, size_t d, double eps, double shift, double eps_sym)
{
    /* 1e-9 relative: the engine stops at L1 marginal error 1e-10; the dual value's error
     * is second order in it */
    double *X = random_points(n, n, d, shift), *Y = random_points(m + 1000, m, d, 0), ot;
    gfd_sinkhorn_result r;
    gfd_err err;
    CHECK(sinkhorn_ot(X, n, Y, m, d, eps, 100000, 1e-10, &ot, &r, &err) == 0, "%s", err.msg);
    CHECK(r.marginal <= 1e-10, "no convergence in %d iterations: marginal error %.3g", r.iters, r.marginal);
    double want = reference_ot(X, n, Y, m, d, eps);
    CHECK(fabs(ot - want) <= 1e-9 * fabs(want), "n=%zu m=%zu eps=%g: %.17g, want %.17g (%d iterations)",
          n, m, eps, ot, want, r.iters);
    CHECK(sinkhorn_ot(X, n, X, n, d, eps_sym, 100000, 1e-10, &ot, &r, &err) == 0, "%s", err.msg);
    CHECK(r.marginal <= 1e-10, "symmetric: no convergence in %d iterations: marginal error %.3g",
          r.iters, r.marginal);
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
    gfd_err err;
    double same = NAN, copy = NAN, diff = NAN;
    CHECK(tu_metric_try("sinkhorn", "eps=1", NULL, NULL, &S, &S, &same, &err) == 0 && same == 0,
          "S(X, X) = %g %s", same, err.msg);
    CHECK(tu_metric_try("sinkhorn", "eps=1", NULL, NULL, &S, &C, &copy, &err) == 0 && fabs(copy) < 1e-9,
          "S(X, copy) = %g %s", copy, err.msg);
    CHECK(tu_metric_try("sinkhorn", "eps=1", NULL, NULL, &S, &R, &diff, &err) == 0 && diff > 0.1,
          "S(X, Y) = %g %s", diff, err.msg);
    free(X), free(Y), free(C.x);
}

static void test_prepared_once(void)
{
    /* the default eps = 2 h^2, h by the scott rule from R (gfd_bw_select), and OT(b, b)
     * computed when the list is prepared: two sample sets and the first again against
     * OT(a, b) - (OT(a, a) + OT(b, b)) / 2 from the metric's solves made here (10^4
     * iterations, marginal error 1e-6): the same computations, so bit for bit */
    double *Y = random_points(20, 90, 2, 0), *X[2] = {random_points(21, 80, 2, 0.5),
                                                      random_points(22, 100, 2, -0.3)};
    gfd_cloud R = {.n = 90, .d = 2, .x = Y};
    gfd_cloud S[2] = {{.n = 80, .d = 2, .x = X[0]}, {.n = 100, .d = 2, .x = X[1]}};
    gfd_bw_rule scott = {GFD_BW_SCOTT, 0};
    gfd_sinkhorn_result r;
    gfd_err err;
    double h = 0, bb = NAN;
    CHECK(gfd_bw_select(&scott, &R, 0, &h, &err) == 0, "%s", err.msg);
    double eps = 2 * h * h;
    CHECK(sinkhorn_ot(Y, 90, Y, 90, 2, eps, 10000, 1e-6, &bb, &r, &err) == 0 && r.marginal <= 1e-6,
          "OT(b, b): %s (marginal error %.3g)", err.msg, r.marginal);
    gfd_metric_setup setup = {.bw = scott};
    gfd_metrics *m = gfd_metrics_new("sinkhorn", &setup, &R, &err);
    CHECK(m, "%s", err.msg);
    if (m) {
        char report[128], want[128];
        gfd_metrics_report(m, report, sizeof report);
        snprintf(want, sizeof want, "sinkhorn: eps %.6g (2 h^2, h %.6g)", eps, h);
        CHECK(!strcmp(report, want), "report '%s', want '%s'", report, want);
    }
    for (int t = 0; m && t < 3; t++) {
        const int k = t % 2;
        const size_t n = S[k].n;
        double got = NAN, ab = NAN, aa = NAN;
        CHECK(gfd_metrics_eval(m, &S[k], &got, &err) == 0, "%s", err.msg);
        CHECK(sinkhorn_ot(X[k], n, Y, 90, 2, eps, 10000, 1e-6, &ab, &r, &err) == 0 && r.marginal <= 1e-6,
              "OT(a, b): %s", err.msg);
        CHECK(sinkhorn_ot(X[k], n, X[k], n, 2, eps, 10000, 1e-6, &aa, &r, &err) == 0 && r.marginal <= 1e-6,
              "OT(a, a): %s", err.msg);
        double want = ab - 0.5 * (aa + bb);
        CHECK(got == want && want > 0, "set %d: %.17g, want %.17g", t, got, want);
    }
    gfd_metrics_free(m);
    free(X[0]), free(X[1]), free(Y);
}

static void test_loose_tolerance(void)
{
    /* the symmetric solve stopped early at marginal error 1e-4 against itself at 1e-12:
     * the dual value with its mass term -eps (mass - 1) is off by 8.3e-9 relative here
     * (1.9e-8 without the term, measured): bound 1.2e-8 */
    double *X = random_points(60, 60, 2, 0.5), tight, loose;
    gfd_sinkhorn_result r;
    CHECK(sinkhorn_ot(X, 60, X, 60, 2, 1.0, 100000, 1e-12, &tight, &r, NULL) == 0 && r.marginal <= 1e-12,
          "tight: marginal error %.3g", r.marginal);
    CHECK(sinkhorn_ot(X, 60, X, 60, 2, 1.0, 100000, 1e-4, &loose, &r, NULL) == 0 && r.marginal <= 1e-4,
          "loose: marginal error %.3g", r.marginal);
    CHECK(fabs(loose - tight) < 1.2e-8 * tight, "%.17g against %.17g after %d iterations", loose, tight,
          r.iters);
    free(X);
}

static void test_no_convergence(void)
{
    /* the solver stops after max_iters and reports the marginal error; the metric fails
     * when it stays above 1e-6 after its 10^4 iterations. eps = 0 is refused by both. */
    double *X = random_points(7, 30, 2, 0), *Y = random_points(8, 30, 2, 3), ot, v;
    gfd_cloud S = {.n = 30, .d = 2, .x = X}, R = {.n = 30, .d = 2, .x = Y};
    gfd_sinkhorn_result r;
    gfd_err err;
    CHECK(sinkhorn_ot(X, 30, Y, 30, 2, 1e-3, 2, 1e-12, &ot, &r, &err) == 0 && r.iters == 2 &&
          r.marginal > 1e-12, "2 iterations converged: %d iterations, marginal error %.3g", r.iters,
          r.marginal);
    CHECK(tu_metric_try("sinkhorn", "eps=1e-3", NULL, NULL, &S, &R, &v, &err) < 0 &&
          err.code == GFD_ENUMERIC && !strncmp(err.msg, "sinkhorn: ", 10) && strstr(err.msg, "raise --eps"),
          "10^4 iterations converged: %s", err.msg);
    CHECK(sinkhorn_ot(X, 30, Y, 30, 2, 0, 2, 1e-12, &ot, &r, &err) < 0 && err.code == GFD_EUSAGE,
          "eps = 0 accepted");
    CHECK(tu_metric_try("sinkhorn", "eps=0", NULL, NULL, &S, &R, &v, &err) < 0 && err.code == GFD_EUSAGE,
          "--eps 0 accepted");
    free(X), free(Y);
}

/* The held cost matrix (ot/cost.c, d >= 4) against the streamed passes: the same
 * iterations to rounding (1e-12 relative on the value, the same iteration count within 1),
 * d = 4 and 40, and the map; then -j 1 and -j 2 give the same bytes. */
static void test_held_cost(void)
{
    for (size_t d = 4; d <= 40; d += 36) {
        double *X = random_points(300, 300, d, 0.5), *Y = random_points(1300, 400, d, 0);
        gfd_cloud A = {.n = 300, .d = d, .x = X}, B = {.n = 400, .d = d, .x = Y};
        double *T0 = malloc(300 * d * sizeof *T0), *T1 = malloc(300 * d * sizeof *T1);
        gfd_sinkhorn_opts o = {.eps = 0.05 * (double)d, .max_iters = 5000, .tol = 1e-10,
                               .anneal = 1, .overrelax = 1.8};
        gfd_sinkhorn_result held, streamed;
        gfd_err err;
        CHECK(gfd_sinkhorn(&A, &B, &o, T0, &held, &err) == 0, "%s", err.msg);
        o.stream = 1;
        CHECK(gfd_sinkhorn(&A, &B, &o, T1, &streamed, &err) == 0, "%s", err.msg);
        double worst = 0;
        for (size_t e = 0; e < 300 * d; e++)
            worst = fmax(worst, fabs(T0[e] - T1[e]));
        CHECK(fabs(held.ot - streamed.ot) <= 1e-12 * fabs(streamed.ot) && abs(held.iters - streamed.iters) <= 1 &&
              worst <= 1e-10, "d=%zu: held %.17g (%d iterations), streamed %.17g (%d), map %.3g",
              d, held.ot, held.iters, streamed.ot, streamed.iters, worst);
        o.stream = 0;
        omp_set_num_threads(1);
        CHECK(gfd_sinkhorn(&A, &B, &o, T0, &held, &err) == 0, "%s", err.msg);
        omp_set_num_threads(2);
        CHECK(gfd_sinkhorn(&A, &B, &o, T1, &streamed, &err) == 0, "%s", err.msg);
        CHECK(held.ot == streamed.ot && !memcmp(T0, T1, 300 * d * sizeof *T0), "d=%zu: -j 1 and -j 2 differ", d);
        free(X), free(Y), free(T0), free(T1);
    }
}

int main(void)
{
    RUN(test_ot_large_eps);
    RUN(test_held_cost);
    RUN(test_ot_small_eps);
    RUN(test_divergence);
    RUN(test_prepared_once);
    RUN(test_loose_tolerance);
    RUN(test_no_convergence);
    UNIT_END();
}
