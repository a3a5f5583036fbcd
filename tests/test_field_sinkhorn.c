/* The Sinkhorn fields (lib/fields/sinkhorn.c on the one solver of lib/ot/sinkhorn.c,
 * MATH §3.6), run through the public field API with their options as text, against
 * full-matrix long-double transcriptions: the log-domain Sinkhorn iterations with the plan
 * P formed explicitly (ref_sinkhorn_map), and sinkhorn-proxy's row and column softmax of
 * whole blocks (ref_proxy_block). The iterations and marginal error are read from the
 * field's report and, at full precision, from the solver's result (gfd_sinkhorn, ot/ot.h).
 * POT's ot.bregman.sinkhorn_log is the external check, in tests/fields_ot.bats
 * (tests/py/sinkhorn_ref.py). */
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "gfd.h"
#include "ot/ot.h"
#include "testutil.h"
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

/* The bandwidth and the options of both fields: eps (0: h^2), sinkhorn's iterations and
 * tolerance, sinkhorn-proxy's no-cross-weight. */
typedef struct {
    double h, eps;
    int iters;
    double tol;
    int no_cross_weight;
} sk_opts;

/* The defaults at bandwidth h: eps h^2, 50 iterations, no tolerance, the cross weight. */
static sk_opts opts(double h)
{
    return (sk_opts){.h = h, .eps = 0, .iters = 50, .tol = 0, .no_cross_weight = 0};
}

static double eps_of(const sk_opts *o) { return o->eps > 0 ? o->eps : o->h * o->h; }

/* o as the option text of field `name` ("eps=0.5 iters=30 tol=0", "no-cross-weight"). */
static const char *opts_text(const char *name, const sk_opts *o, char *buf, size_t cap)
{
    int n = 0;
    buf[0] = '\0';
    if (o->eps > 0)
        n += snprintf(buf + n, cap - (size_t)n, "eps=%.17g ", o->eps);
    if (!strcmp(name, "sinkhorn"))
        snprintf(buf + n, cap - (size_t)n, "iters=%d tol=%.17g", o->iters, o->tol);
    else if (o->no_cross_weight)
        snprintf(buf + n, cap - (size_t)n, "no-cross-weight");
    return buf;
}

/* Field `name` with option text `text` at bandwidth h (flat, seed and step 0) into V;
 * report (cap bytes, or NULL) gets gfd_field_report's text. */
static int run_field(const char *name, const char *text, double h, const gfd_cloud *X,
                     const gfd_cloud *Y, double *V, char *report, size_t cap, gfd_err *err)
{
    gfd_field_spec spec;
    gfd_settings set;
    if (gfd_field_parse(name, &spec, err) < 0 || tu_settings(&set, text, 0, err) < 0)
        return -1;
    gfd_field *f = gfd_field_new(&spec, &set, gfd_geometry_flat(), err);
    int rc = f ? gfd_field_velocity(f, X, Y, &(gfd_field_args){.h = h}, V, err) : -1;
    if (rc == 0 && report)
        gfd_field_report(f, report, cap);
    gfd_field_free(f);
    return rc;
}

/* Field `name` with the options o (their text) into V. */
static int run_opts(const char *name, const sk_opts *o, const gfd_cloud *X, const gfd_cloud *Y,
                    double *V, char *report, size_t cap, gfd_err *err)
{
    char text[256];
    return run_field(name, opts_text(name, o, text, sizeof text), o->h, X, Y, V, report, cap, err);
}

/* The iterations and marginal error of the field's report ("sinkhorn: N iterations,
 * marginal error E"): 1, or 0 with -1 and NaN when it does not say. */
static int parse_report(const char *rep, int *iters, double *marginal)
{
    if (sscanf(rep, "sinkhorn: %d iterations, marginal error %lg", iters, marginal) == 2)
        return 1;
    *iters = -1, *marginal = NAN;
    return 0;
}

/* What the sinkhorn field solves, at full precision: the solver on (X, Y) and on (X, X)
 * with the field's plain iterations from zero potentials; the larger iteration count and
 * marginal error of the two (as the report shows them). */
static int solver_result(const gfd_cloud *X, const gfd_cloud *Y, const sk_opts *o, int *iters,
                         double *marginal, gfd_err *err)
{
    gfd_sinkhorn_opts so = {.eps = eps_of(o), .max_iters = o->iters, .tol = o->tol, .overrelax = 1};
    gfd_sinkhorn_result a, b;
    if (gfd_sinkhorn(X, Y, &so, NULL, &a, err) < 0 || gfd_sinkhorn(X, X, &so, NULL, &b, err) < 0)
        return -1;
    *iters = a.iters > b.iters ? a.iters : b.iters;
    *marginal = fmax(a.marginal, b.marginal);
    return 0;
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

static void check_sinkhorn(const char *what, gfd_cloud X, gfd_cloud Y, sk_opts o, double tol)
{
    size_t nd = X.n * X.d;
    double *V = malloc(nd * sizeof *V), *W = malloc(nd * sizeof *W), marg, rep_marg, sol_marg = NAN;
    char rep[256] = "", want[256];
    gfd_err err;
    int run, rep_iters, sol_iters = -1;
    CHECK(run_opts("sinkhorn", &o, &X, &Y, V, rep, sizeof rep, &err) == 0, "%s", err.msg);
    ref_sinkhorn(&X, &Y, eps_of(&o), o.iters, o.tol, W, &run, &marg);
    double e = rel_err(V, W, nd);
    CHECK(e <= tol, "%s: relative error %.3g > %.3g", what, e, tol);
    CHECK(parse_report(rep, &rep_iters, &rep_marg), "%s: report '%s'", what, rep);
    CHECK(rep_iters == run, "%s: %d iterations, reference %d", what, rep_iters, run);
    /* the report prints the error to 3 digits (%.3g: 5e-3 relative at most); the solver's
     * result is checked at full precision, and the report against the solver's */
    CHECK_CLOSE(rep_marg, marg, 5e-3);
    CHECK(solver_result(&X, &Y, &o, &sol_iters, &sol_marg, &err) == 0, "%s", err.msg);
    CHECK(sol_iters == run, "%s: solver %d iterations, reference %d", what, sol_iters, run);
    CHECK_CLOSE(sol_marg, marg, 1e-6);
    snprintf(want, sizeof want, "sinkhorn: %d iterations, marginal error %.3g", sol_iters, sol_marg);
    CHECK(!strcmp(rep, want), "%s: report '%s', solver '%s'", what, rep, want);
    printf("# %s: relative error %.2g, %d iterations, marginal error %.3g\n", what, e, run, marg);
    free(V), free(W);
    gfd_cloud_free(&X), gfd_cloud_free(&Y);
}

static void test_sinkhorn_reference(void)
{
    /* same iterations in long double on full matrices; 1e-10: float64 passes (~1e-14 per
     * pass) through a contraction, measured ~1e-13 */
    sk_opts o = opts(0.6);
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
    sk_opts o = opts(1e-3);
    o.iters = 20;
    check_sinkhorn("sinkhorn h=1e-3", random_cloud(7, 30, 2, 0.5, 1, 0), random_cloud(8, 30, 2, 0, 1, 0), o, 1e-9);
}

static void check_proxy(const char *what, gfd_cloud X, gfd_cloud Y, sk_opts o, double tol)
{
    size_t nd = X.n * X.d;
    double *V = malloc(nd * sizeof *V), *W = malloc(nd * sizeof *W);
    gfd_err err;
    CHECK(run_opts("sinkhorn-proxy", &o, &X, &Y, V, NULL, 0, &err) == 0, "%s", err.msg);
    ref_proxy(&X, &Y, eps_of(&o), !o.no_cross_weight, W);
    double e = rel_err(V, W, nd);
    CHECK(e <= tol, "%s: relative error %.3g > %.3g", what, e, tol);
    printf("# %s: relative error %.2g\n", what, e);
    free(V), free(W);
    gfd_cloud_free(&X), gfd_cloud_free(&Y);
}

static void test_proxy_reference(void)
{
    /* full-matrix long double, 1e-9 (measured ~1e-15) */
    sk_opts o = opts(0.5);
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
    double V[40], W[40];
    CHECK(run_field("sinkhorn-proxy", NULL, 1, &X, &Y, V, NULL, 0, NULL) == 0, "failed");
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
        sk_opts o = opts(tiny ? 1e-3 : 0.4);
        CHECK(run_opts("sinkhorn", &o, &X, &Y, V, NULL, 0, &err) == 0, "%s", err.msg);
        for (size_t e = 0; e < 400; e++)
            worst = fmax(worst, fabs(V[e]));
        CHECK(run_opts("sinkhorn-proxy", &o, &X, &Y, V, NULL, 0, &err) == 0, "%s", err.msg);
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
    sk_opts o = opts(0.5);
    double *V = malloc(n * 2 * sizeof *V), pull[3];
    gfd_err err;
    CHECK(run_opts("sinkhorn", &o, &X, &Y, V, NULL, 0, &err) == 0, "%s", err.msg);
    pull[0] = mean_pull(V, n);
    CHECK(run_opts("sinkhorn-proxy", &o, &X, &Y, V, NULL, 0, &err) == 0, "%s", err.msg);
    pull[1] = mean_pull(V, n);
    o.no_cross_weight = 1;
    CHECK(run_opts("sinkhorn-proxy", &o, &X, &Y, V, NULL, 0, &err) == 0, "%s", err.msg);
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
    sk_opts o = opts(0.7);
    double V[120], marginal, sol_marg = NAN;
    char rep[256] = "";
    int iters, sol_iters = -1;
    gfd_err err;
    CHECK(run_field("sinkhorn", NULL, o.h, &X, &Y, V, rep, sizeof rep, &err) == 0, "%s", err.msg);
    CHECK(parse_report(rep, &iters, &marginal), "report '%s'", rep);
    CHECK(iters == 50, "default iterations %d, want 50 (report '%s')", iters, rep);
    o.iters = 100000, o.tol = 1e-8;
    CHECK(run_opts("sinkhorn", &o, &X, &Y, V, rep, sizeof rep, &err) == 0, "%s", err.msg);
    CHECK(parse_report(rep, &iters, &marginal), "report '%s'", rep);
    CHECK(iters > 0 && iters < 100000 && marginal <= 1e-8, "%d iterations, error %g (report '%s')",
          iters, marginal, rep);
    /* the report's 3 digits could round an error just above 1e-8 down to it: the solver's
     * own, at full precision */
    CHECK(solver_result(&X, &Y, &o, &sol_iters, &sol_marg, &err) == 0, "%s", err.msg);
    CHECK(sol_iters == iters && sol_marg <= 1e-8, "solver: %d iterations, error %.17g", sol_iters, sol_marg);
    printf("# --tol 1e-8 at eps 0.49: %d iterations, marginal error %.3g\n", iters, marginal);
    CHECK(run_field("sinkhorn", "iters=0", o.h, &X, &Y, V, NULL, 0, &err) < 0 && err.code == GFD_EUSAGE &&
          strstr(err.msg, "--iters: 0 is out of range"), "--iters 0 accepted: '%s'", err.msg);
    gfd_cloud_free(&X), gfd_cloud_free(&Y);
}

static void test_thread_invariance(void)
{
    gfd_cloud X = random_cloud(50, 700, 2, 0.5, 1, 1), Y = random_cloud(51, 900, 2, 0, 1, 0);
    size_t nd = 700 * 2;
    double *V1 = malloc(nd * sizeof *V1), *V2 = malloc(nd * sizeof *V2);
    sk_opts o = opts(0.3);
    o.iters = 10;
    static const char *const fn[2] = {"sinkhorn", "sinkhorn-proxy"};
    gfd_err err;
    for (int f = 0; f < 2; f++) {
        omp_set_num_threads(1);
        CHECK(run_opts(fn[f], &o, &X, &Y, V1, NULL, 0, &err) == 0, "%s", err.msg);
        omp_set_num_threads(2);
        CHECK(run_opts(fn[f], &o, &X, &Y, V2, NULL, 0, &err) == 0, "%s", err.msg);
        CHECK(!memcmp(V1, V2, nd * sizeof *V1), "%s: results differ between 1 and 2 threads", fn[f]);
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
