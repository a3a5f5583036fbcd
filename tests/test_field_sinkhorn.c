/* The Sinkhorn fields (lib/field_sinkhorn.c, MATH §3.6) against full-matrix long-double
 * transcriptions: the log-domain Sinkhorn iterations with the plan P formed explicitly
 * (ref_sinkhorn_map), and sinkhorn-proxy's row and column softmax of whole blocks
 * (ref_proxy_block). POT's ot.bregman.sinkhorn_log is the external check, in
 * tests/fields_ot.bats (tests/py/sinkhorn_ref.py). */
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "gfd.h"
#include "fields/field_impl.h"
#include "unit.h"

static gfd_cloud random_cloud(uint64_t seed, size_t n, size_t d, double shift, double sd, int weighted)
{
    gfd_cloud c;
    gfd_rng r;
    gfd_rng_seed(&r, seed);
    gfd_cloud_alloc(&c, n, d, NULL);
    for (size_t e = 0; e < n * d; e++)
        c.x[e] = sd * gfd_rng_normal(&r) + (e % d == 0 ? shift : 0);
    if (weighted) {
        c.w = malloc(n * sizeof *c.w);
        for (size_t i = 0; i < n; i++)
            c.w[i] = 0.2 + gfd_rng_uniform(&r);
    }
    return c;
}

static gfd_field_opts opts(double h)
{
    gfd_field_opts o;
    gfd_field_opts_default(&o);
    o.h = h;
    return o;
}

static long double log_weight(const gfd_cloud *c, size_t i)
{
    long double s = 0;
    for (size_t j = 0; j < c->n; j++)
        s += c->w ? c->w[j] : 1;
    return logl((c->w ? c->w[i] : 1) / s);
}

/* Logits L_ij = -|a_i - b_j|^2 / (2 eps), N x M. */
static long double *logits(const gfd_cloud *A, const gfd_cloud *B, double eps)
{
    long double *L = malloc(A->n * B->n * sizeof *L);
    for (size_t i = 0; i < A->n; i++)
        for (size_t j = 0; j < B->n; j++) {
            long double s = 0;
            for (size_t c = 0; c < A->d; c++)
                { long double z = (long double)A->x[i * A->d + c] - B->x[j * B->d + c]; s += z * z; }
            L[i * B->n + j] = -s / (2.0L * eps);
        }
    return L;
}

/* log sum_t exp(v[t * step] + u[t]) over len terms, max-shifted. */
static long double lse(const long double *v, size_t step, const long double *u, size_t len)
{
    long double mx = -INFINITY, s = 0;
    for (size_t t = 0; t < len; t++)
        mx = fmaxl(mx, v[t * step] + u[t]);
    for (size_t t = 0; t < len; t++)
        s += expl(v[t * step] + u[t] - mx);
    return mx + logl(s);
}

/* Log-domain Sinkhorn from f = 0, g then f each iteration, stop at iters or at a row
 * marginal error <= tol; T = P B / rowsum(P) from the plan itself. */
static void ref_sinkhorn_map(const gfd_cloud *A, const gfd_cloud *B, double eps, int iters,
                             double tol, double *T, int *run, double *marg)
{
    size_t n = A->n, m = B->n, d = A->d;
    long double *L = logits(A, B, eps), *F = calloc(n, sizeof *F), *G = calloc(m, sizeof *G);
    long double *ua = malloc(n * sizeof *ua), *ub = malloc(m * sizeof *ub);
    long double *la = malloc(n * sizeof *la), *lb = malloc(m * sizeof *lb);
    for (size_t i = 0; i < n; i++)
        la[i] = log_weight(A, i);
    for (size_t j = 0; j < m; j++)
        lb[j] = log_weight(B, j);
    for (int it = 1; it <= iters; it++) {
        for (size_t i = 0; i < n; i++)
            ua[i] = F[i] + la[i];
        for (size_t j = 0; j < m; j++)
            G[j] = -lse(L + j, m, ua, n);
        for (size_t j = 0; j < m; j++)
            ub[j] = G[j] + lb[j];
        long double e = 0;
        for (size_t i = 0; i < n; i++) {
            long double l = lse(L + i * m, 1, ub, m);
            e += fabsl(expl(F[i] + l + la[i]) - expl(la[i]));
            F[i] = -l;
        }
        *run = it, *marg = (double)e;
        if (tol > 0 && e <= tol)
            break;
    }
    for (size_t i = 0; i < n; i++) {
        long double row = 0, acc[8] = {0};
        for (size_t j = 0; j < m; j++) {
            long double p = expl(F[i] + la[i] + G[j] + lb[j] + L[i * m + j]);
            row += p;
            for (size_t c = 0; c < d; c++)
                acc[c] += p * B->x[j * d + c];
        }
        for (size_t c = 0; c < d; c++)
            T[i * d + c] = (double)(acc[c] / row);
    }
    free(L), free(F), free(G), free(ua), free(ub), free(la), free(lb);
}

/* sinkhorn: T_qp - T_qq from two reference solves. */
static void ref_sinkhorn(const gfd_cloud *X, const gfd_cloud *Y, double eps, int iters, double tol,
                         double *V, int *run, double *marg)
{
    size_t nd = X->n * X->d;
    double *T = malloc(nd * sizeof *T), m2;
    int r2;
    ref_sinkhorn_map(X, Y, eps, iters, tol, V, run, marg);
    ref_sinkhorn_map(X, X, eps, iters, tol, T, &r2, &m2);
    *run = *run > r2 ? *run : r2;
    *marg = fmax(*marg, m2);
    for (size_t e = 0; e < nd; e++)
        V[e] -= T[e];
    free(T);
}

/* One proxy block on full matrices: A = sqrt(softmax_row(L + log b) softmax_col(L + log a)),
 * mass = rowsum(A), T = A B / mass. */
static void ref_proxy_block(const gfd_cloud *A, const gfd_cloud *B, double eps, long double *mass,
                            long double *T)
{
    size_t n = A->n, m = B->n, d = A->d;
    long double *L = logits(A, B, eps), *la = malloc(n * sizeof *la), *lb = malloc(m * sizeof *lb);
    long double *r = malloc(n * sizeof *r), *c = malloc(m * sizeof *c);
    for (size_t i = 0; i < n; i++)
        la[i] = log_weight(A, i);
    for (size_t j = 0; j < m; j++)
        lb[j] = log_weight(B, j);
    for (size_t i = 0; i < n; i++)
        r[i] = lse(L + i * m, 1, lb, m);
    for (size_t j = 0; j < m; j++)
        c[j] = lse(L + j, m, la, n);
    for (size_t i = 0; i < n; i++) {
        mass[i] = 0;
        for (size_t k = 0; k < d; k++)
            T[i * d + k] = 0;
        for (size_t j = 0; j < m; j++) {
            long double row = expl(L[i * m + j] + lb[j] - r[i]), col = expl(L[i * m + j] + la[i] - c[j]);
            long double a = sqrtl(row * col);
            mass[i] += a;
            for (size_t k = 0; k < d; k++)
                T[i * d + k] += a * B->x[j * d + k];
        }
        for (size_t k = 0; k < d; k++)
            T[i * d + k] /= mass[i];
    }
    free(L), free(la), free(lb), free(r), free(c);
}

static void ref_proxy(const gfd_cloud *X, const gfd_cloud *Y, double eps, int cross, double *V)
{
    size_t n = X->n, d = X->d;
    long double *mp = malloc(n * sizeof *mp), *mn = malloc(n * sizeof *mn);
    long double *Tp = malloc(n * d * sizeof *Tp), *Tn = malloc(n * d * sizeof *Tn);
    ref_proxy_block(X, Y, eps, mp, Tp);
    ref_proxy_block(X, X, eps, mn, Tn);
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < d; k++)
            V[i * d + k] = (double)((cross ? mp[i] * mn[i] : 1) * (Tp[i * d + k] - Tn[i * d + k]));
    free(mp), free(mn), free(Tp), free(Tn);
}

static double rel_err(const double *a, const double *b, size_t nd)
{
    double num = 0, den = 0;
    for (size_t e = 0; e < nd; e++) {
        num = fmax(num, fabs(a[e] - b[e]));
        den = fmax(den, fabs(b[e]));
        if (!isfinite(a[e]))
            return INFINITY;
    }
    return num / den;
}

static void check_sinkhorn(const char *what, gfd_cloud X, gfd_cloud Y, gfd_field_opts o, double tol)
{
    size_t nd = X.n * X.d;
    double *V = malloc(nd * sizeof *V), *W = malloc(nd * sizeof *W), marg;
    gfd_field_report rep = {0};
    gfd_err err;
    int run;
    CHECK(field_sinkhorn(&X, &Y, &o, 0, V, &rep, &err) == 0, "%s", err.msg);
    ref_sinkhorn(&X, &Y, o.eps > 0 ? o.eps : o.h * o.h, o.iters, o.tol, W, &run, &marg);
    double e = rel_err(V, W, nd);
    CHECK(e <= tol, "%s: relative error %.3g > %.3g", what, e, tol);
    CHECK(rep.sinkhorn_iters == run, "%s: %d iterations, reference %d", what, rep.sinkhorn_iters, run);
    CHECK_CLOSE(rep.sinkhorn_marginal, marg, 1e-6);
    printf("# %s: relative error %.2g, %d iterations, marginal error %.3g\n", what, e, run, marg);
    free(V), free(W);
    gfd_cloud_free(&X), gfd_cloud_free(&Y);
}

static void test_sinkhorn_reference(void)
{
    /* same iterations in long double on full matrices; 1e-10: float64 passes (~1e-14 per
     * pass) through a contraction, measured ~1e-13 */
    gfd_field_opts o = opts(0.6);
    o.iters = 30;
    check_sinkhorn("sinkhorn", random_cloud(1, 40, 2, 1, 1, 0), random_cloud(2, 55, 2, 0, 1, 0), o, 1e-10);
    check_sinkhorn("sinkhorn weighted d=3", random_cloud(3, 35, 3, 1, 1, 1), random_cloud(4, 30, 3, 0, 1, 1), o, 1e-10);
    o.iters = 1000, o.tol = 1e-9, o.eps = 0.5;  /* early stop: same count as the reference */
    check_sinkhorn("sinkhorn --tol 1e-9", random_cloud(5, 40, 2, 1, 1, 0), random_cloud(6, 45, 2, 0, 1, 0), o, 1e-10);
}

static void test_sinkhorn_tiny_bandwidth(void)
{
    /* h = 1e-3: eps = 1e-6, logits near -1e6, potentials near 1e6 (log space throughout);
     * 1e-9 relative: rounding of the potentials is ~1e6 * 1e-16 */
    gfd_field_opts o = opts(1e-3);
    o.iters = 20;
    check_sinkhorn("sinkhorn h=1e-3", random_cloud(7, 30, 2, 0.5, 1, 0), random_cloud(8, 30, 2, 0, 1, 0), o, 1e-9);
}

static void check_proxy(const char *what, gfd_cloud X, gfd_cloud Y, gfd_field_opts o, double tol)
{
    size_t nd = X.n * X.d;
    double *V = malloc(nd * sizeof *V), *W = malloc(nd * sizeof *W);
    gfd_err err;
    CHECK(field_sinkhorn_proxy(&X, &Y, &o, 0, V, NULL, &err) == 0, "%s", err.msg);
    ref_proxy(&X, &Y, o.eps > 0 ? o.eps : o.h * o.h, !o.no_cross_weight, W);
    double e = rel_err(V, W, nd);
    CHECK(e <= tol, "%s: relative error %.3g > %.3g", what, e, tol);
    printf("# %s: relative error %.2g\n", what, e);
    free(V), free(W);
    gfd_cloud_free(&X), gfd_cloud_free(&Y);
}

static void test_proxy_reference(void)
{
    /* full-matrix long double, 1e-9 (measured ~1e-15) */
    gfd_field_opts o = opts(0.5);
    check_proxy("proxy", random_cloud(10, 40, 2, 1, 1, 0), random_cloud(11, 55, 2, 0, 1, 0), o, 1e-9);
    check_proxy("proxy weighted d=3", random_cloud(12, 33, 3, 1, 1, 1), random_cloud(13, 47, 3, 0, 1, 1), o, 1e-9);
    o.no_cross_weight = 1, o.eps = 2;
    check_proxy("proxy --no-cross-weight --eps 2", random_cloud(14, 40, 2, 1, 1, 0), random_cloud(15, 25, 2, 0, 1, 0), o, 1e-9);
    o = opts(1e-3);
    check_proxy("proxy h=1e-3", random_cloud(16, 30, 2, 0.5, 1, 0), random_cloud(17, 30, 2, 0, 1, 0), o, 1e-9);
}

static void test_proxy_literal_formula(void)
{
    /* MATH §3.6's A = K / sqrt(rowsum(K) colsum(K)) with K = exp(L) itself (uniform
     * weights, moderate eps so that K does not underflow), 1e-12 */
    gfd_cloud X = random_cloud(18, 20, 2, 0.5, 1, 0), Y = random_cloud(19, 30, 2, 0, 1, 0);
    gfd_field_opts o = opts(1);
    double V[40], W[40];
    CHECK(field_sinkhorn_proxy(&X, &Y, &o, 0, V, NULL, NULL) == 0, "failed");
    const gfd_cloud *B[2] = {&Y, &X};
    long double mass[2][20] = {{0}}, T[2][40] = {{0}};
    for (int b = 0; b < 2; b++) {
        size_t m = B[b]->n;
        long double *L = logits(&X, B[b], 1.0), rs[20] = {0}, cs[30] = {0};
        for (size_t i = 0; i < 20; i++)
            for (size_t j = 0; j < m; j++)
                rs[i] += expl(L[i * m + j]), cs[j] += expl(L[i * m + j]);
        for (size_t i = 0; i < 20; i++) {
            for (size_t j = 0; j < m; j++) {
                long double a = expl(L[i * m + j]) / sqrtl(rs[i] * cs[j]);
                mass[b][i] += a;
                for (size_t c = 0; c < 2; c++)
                    T[b][i * 2 + c] += a * B[b]->x[j * 2 + c];
            }
        }
        free(L);
    }
    for (size_t e = 0; e < 40; e++)
        W[e] = (double)(mass[0][e / 2] * mass[1][e / 2] * (T[0][e] / mass[0][e / 2] - T[1][e] / mass[1][e / 2]));
    double e = rel_err(V, W, 40);
    CHECK(e <= 1e-12, "relative error %.3g", e);
    gfd_cloud_free(&X), gfd_cloud_free(&Y);
}

static void test_identity(void)
{
    /* X == Y: both fields run the same passes on both sides: v = 0 (also at h = 1e-3) */
    gfd_cloud X = random_cloud(20, 200, 2, 0, 1, 1), Y = random_cloud(20, 200, 2, 0, 1, 1);
    double *V = malloc(400 * sizeof *V), worst = 0;
    gfd_err err;
    for (int tiny = 0; tiny < 2; tiny++) {
        gfd_field_opts o = opts(tiny ? 1e-3 : 0.4);
        CHECK(field_sinkhorn(&X, &Y, &o, 0, V, NULL, &err) == 0, "%s", err.msg);
        for (size_t e = 0; e < 400; e++)
            worst = fmax(worst, fabs(V[e]));
        CHECK(field_sinkhorn_proxy(&X, &Y, &o, 0, V, NULL, &err) == 0, "%s", err.msg);
        for (size_t e = 0; e < 400; e++)
            worst = fmax(worst, fabs(V[e]));
    }
    CHECK(worst < 1e-12, "|v| = %.3g at X == Y", worst);
    free(V);
    gfd_cloud_free(&X), gfd_cloud_free(&Y);
}

/* mean over particles of v . e_1 (the direction from X's blob to Y's). */
static double mean_pull(const double *V, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += V[i * 2];
    return s / (double)n;
}

static void test_separated_blobs(void)
{
    /* MATH §3.6: the proxy cannot move mass between far-apart modes. Two blobs (sd 0.5)
     * 6 apart, h = 0.5: sinkhorn pulls every particle about the gap, the proxy's
     * m+ m- weight vanishes away from the facing edges. */
    size_t n = 300;
    gfd_cloud X = random_cloud(30, n, 2, 0, 0.5, 0), Y = random_cloud(31, n, 2, 6, 0.5, 0);
    gfd_field_opts o = opts(0.5);
    double *V = malloc(n * 2 * sizeof *V), pull[3];
    gfd_err err;
    CHECK(field_sinkhorn(&X, &Y, &o, 0, V, NULL, &err) == 0, "%s", err.msg);
    pull[0] = mean_pull(V, n);
    CHECK(field_sinkhorn_proxy(&X, &Y, &o, 0, V, NULL, &err) == 0, "%s", err.msg);
    pull[1] = mean_pull(V, n);
    o.no_cross_weight = 1;
    CHECK(field_sinkhorn_proxy(&X, &Y, &o, 0, V, NULL, &err) == 0, "%s", err.msg);
    pull[2] = mean_pull(V, n);
    printf("# blobs 6 apart: mean pull sinkhorn %.4g, proxy %.4g (ratio %.3g), proxy --no-cross-weight %.4g\n",
           pull[0], pull[1], pull[1] / pull[0], pull[2]);
    CHECK(pull[0] > 5 && pull[0] < 7, "sinkhorn pull %g, want about the gap 6", pull[0]);
    CHECK(fabs(pull[1]) < 0.05 * pull[0], "proxy pull %g is not weak next to sinkhorn's %g", pull[1], pull[0]);
    free(V);
    gfd_cloud_free(&X), gfd_cloud_free(&Y);
}

static void test_report_and_tol(void)
{
    gfd_cloud X = random_cloud(40, 60, 2, 1, 1, 0), Y = random_cloud(41, 70, 2, 0, 1, 0);
    gfd_field_opts o = opts(0.7);
    double V[120];
    gfd_field_report rep = {0};
    CHECK(field_sinkhorn(&X, &Y, &o, 0, V, &rep, NULL) == 0, "failed");
    CHECK(rep.sinkhorn_iters == 50, "default iterations %d, want 50", rep.sinkhorn_iters);
    o.iters = 100000, o.tol = 1e-8;
    CHECK(field_sinkhorn(&X, &Y, &o, 0, V, &rep, NULL) == 0, "failed");
    CHECK(rep.sinkhorn_iters < 100000 && rep.sinkhorn_marginal <= 1e-8, "%d iterations, error %g",
          rep.sinkhorn_iters, rep.sinkhorn_marginal);
    printf("# --tol 1e-8 at eps 0.49: %d iterations, marginal error %.3g\n", rep.sinkhorn_iters, rep.sinkhorn_marginal);
    gfd_err err;
    o.iters = 0;
    CHECK(field_sinkhorn(&X, &Y, &o, 0, V, &rep, &err) < 0 && err.code == GFD_EUSAGE, "--iters 0 accepted");
    gfd_cloud_free(&X), gfd_cloud_free(&Y);
}

static void test_thread_invariance(void)
{
    gfd_cloud X = random_cloud(50, 700, 2, 0.5, 1, 1), Y = random_cloud(51, 900, 2, 0, 1, 0);
    size_t nd = 700 * 2;
    double *V1 = malloc(nd * sizeof *V1), *V2 = malloc(nd * sizeof *V2);
    gfd_field_opts o = opts(0.3);
    o.iters = 10;
    gfd_field_fn fn[2] = {field_sinkhorn, field_sinkhorn_proxy};
    for (int f = 0; f < 2; f++) {
        omp_set_num_threads(1);
        fn[f](&X, &Y, &o, 0, V1, NULL, NULL);
        omp_set_num_threads(2);
        fn[f](&X, &Y, &o, 0, V2, NULL, NULL);
        CHECK(!memcmp(V1, V2, nd * sizeof *V1), "field %d: results differ between 1 and 2 threads", f);
    }
    free(V1), free(V2);
    gfd_cloud_free(&X), gfd_cloud_free(&Y);
}

int main(void)
{
    RUN(test_sinkhorn_reference);
    RUN(test_sinkhorn_tiny_bandwidth);
    RUN(test_proxy_reference);
    RUN(test_proxy_literal_formula);
    RUN(test_identity);
    RUN(test_separated_blobs);
    RUN(test_report_and_tol);
    RUN(test_thread_invariance);
    UNIT_END();
}
