/* KDE log-density and score (MATH §2) and bandwidth rules (§2.5) against direct
 * computations written out here pair by pair, and the median rule's quickselect
 * (lib/density/select.h, internal) against qsort. Tolerances are stated per test. */
#include <stdlib.h>
#include <string.h>

#include "gfd.h"
#include "density/select.h"
#include "testutil.h"
#include "unit.h"

/* The reference: log of sum_j w_j K(q - y_j) / sum_j w_j, K normalised; long double,
 * a plain two-pass log-sum-exp (max first) so tiny bandwidths do not underflow. */
static double direct_logp(const gfd_cloud *Y, const double *q, gfd_kernel kernel, double h, long skip)
{
    size_t d = Y->d;
    long double *l = malloc(Y->n * sizeof *l), mx = -INFINITY, s = 0, wsum = 0;
    for (size_t j = 0; j < Y->n; j++) {
        long double d2 = 0, w = Y->w ? Y->w[j] : 1;
        for (size_t c = 0; c < d; c++)
            d2 += ((long double)q[c] - Y->x[j * d + c]) * ((long double)q[c] - Y->x[j * d + c]);
        l[j] = (long)j == skip || w == 0 ? -INFINITY
             : logl(w) + (kernel == GFD_KERNEL_GAUSS ? -d2 / (2.0L * h * h) : -sqrtl(d2) / h);
        wsum += (long)j == skip ? 0 : w;
        mx = l[j] > mx ? l[j] : mx;
    }
    for (size_t j = 0; j < Y->n; j++)
        s += expl(l[j] - mx);
    free(l);
    long double lognorm = kernel == GFD_KERNEL_GAUSS ? d / 2.0L * logl(2 * M_PI * (long double)h * h)
                                                     : gfd_kde_log_norm(kernel, h, d);
    return (double)(mx + logl(s) - logl(wsum) - lognorm);
}

static void check_logp(size_t d, gfd_kernel kernel, double h, int weighted)
{
    gfd_cloud Y = tu_seeded_cloud(d, 300, d, 0, 1, 0), Q = tu_seeded_cloud(100 + d, 40, d, 0, 1.5, 0);
    if (weighted) {
        Y.w = malloc(Y.n * sizeof *Y.w);
        for (size_t j = 0; j < Y.n; j++)
            Y.w[j] = (double)(j % 7);
    }
    double logp[40];
    gfd_err err;
    CHECK(gfd_kde(&Y, Q.x, Q.n, kernel, h, 0, NULL, logp, NULL, &err) == 0, "%s", err.msg);
    for (size_t i = 0; i < Q.n; i++)
        CHECK_CLOSE(logp[i], direct_logp(&Y, Q.x + i * d, kernel, h, -1), 1e-12);
    gfd_cloud_free(&Y), gfd_cloud_free(&Q);
}

static void test_gauss_logdensity(void)
{
    for (size_t d = 1; d <= 5; d += 2) {
        check_logp(d, GFD_KERNEL_GAUSS, 0.3, 0);
        check_logp(d, GFD_KERNEL_GAUSS, 0.8, 1);
    }
    check_logp(40, GFD_KERNEL_GAUSS, 3.0, 0);  /* the gemm path */
}

static void test_laplace_logdensity(void)
{
    for (size_t d = 1; d <= 4; d++)
        check_logp(d, GFD_KERNEL_LAPLACE, 0.5, 0);
}

static void test_laplace_normaliser(void)
{
    /* closed forms: Z = 2 tau (d = 1), 2 pi tau^2 (d = 2), 8 pi tau^3 (d = 3) */
    double tau = 0.37;
    CHECK_CLOSE(gfd_kde_log_norm(GFD_KERNEL_LAPLACE, tau, 1), log(2 * tau), 1e-14);
    CHECK_CLOSE(gfd_kde_log_norm(GFD_KERNEL_LAPLACE, tau, 2), log(2 * M_PI * tau * tau), 1e-14);
    CHECK_CLOSE(gfd_kde_log_norm(GFD_KERNEL_LAPLACE, tau, 3), log(8 * M_PI * pow(tau, 3)), 1e-14);
}

static void test_exclude_self(void)
{
    gfd_cloud Y = tu_seeded_cloud(5, 200, 2, 0, 1, 0);
    double logp[200];
    gfd_err err;
    CHECK(gfd_kde(&Y, Y.x, Y.n, GFD_KERNEL_GAUSS, 0.2, 1, NULL, logp, NULL, &err) == 0, "%s", err.msg);
    for (size_t i = 0; i < Y.n; i += 17)
        CHECK_CLOSE(logp[i], direct_logp(&Y, Y.x + i * 2, GFD_KERNEL_GAUSS, 0.2, (long)i), 1e-12);
    gfd_cloud_free(&Y);
}

static void test_score_finite_differences(void)
{
    /* central differences of log p_h, step 1e-5: truncation ~1e-10, rounding ~1e-11 */
    for (size_t d = 1; d <= 3; d++) {
        gfd_cloud Y = tu_seeded_cloud(9 + d, 150, d, 0, 1, 0), Q = tu_seeded_cloud(19 + d, 10, d, 0, 1, 0);
        double h = 0.4, score[30], lp, lm, step = 1e-5;
        CHECK(gfd_kde(&Y, Q.x, Q.n, GFD_KERNEL_GAUSS, h, 0, NULL, (double[10]){0}, score, NULL) == 0, "kde");
        for (size_t i = 0; i < Q.n; i++)
            for (size_t c = 0; c < d; c++) {
                double *q = Q.x + i * d, keep = q[c];
                q[c] = keep + step;
                gfd_kde(&Y, q, 1, GFD_KERNEL_GAUSS, h, 0, NULL, &lp, NULL, NULL);
                q[c] = keep - step;
                gfd_kde(&Y, q, 1, GFD_KERNEL_GAUSS, h, 0, NULL, &lm, NULL, NULL);
                q[c] = keep;
                double fd = (lp - lm) / (2 * step);
                CHECK(fabs(score[i * d + c] - fd) <= 1e-7 * fmax(1, fabs(fd)),
                      "d=%zu row %zu col %zu: score %.12g, finite difference %.12g", d, i, c,
                      score[i * d + c], fd);
            }
        gfd_cloud_free(&Y), gfd_cloud_free(&Q);
    }
}

static void test_tiny_bandwidth(void)
{
    /* h = 1e-3 on unit-scale data: a far query still gets a finite, exact log-density */
    gfd_cloud Y = tu_seeded_cloud(3, 100, 2, 0, 1, 0);
    double q[2] = {5, 5}, logp;
    CHECK(gfd_kde(&Y, q, 1, GFD_KERNEL_GAUSS, 1e-3, 0, NULL, &logp, NULL, NULL) == 0, "kde");
    CHECK(isfinite(logp), "log p = %g", logp);
    CHECK_CLOSE(logp, direct_logp(&Y, q, GFD_KERNEL_GAUSS, 1e-3, -1), 1e-12);
    gfd_cloud_free(&Y);
}

static void test_bandwidth_rules(void)
{
    /* sigma by hand for 4 points in 2-D: per-dimension unbiased variances 5/3 and 20/3 */
    double x[8] = {0, 0, 1, 2, 2, 4, 3, 6};
    gfd_cloud Y = {.n = 4, .d = 2, .x = x};
    double sigma = sqrt((5.0 / 3 + 20.0 / 3) / 2), h;
    CHECK_CLOSE(gfd_bw_sigma(&Y), sigma, 1e-15);
    gfd_bw_rule rule;
    gfd_bw_parse("scott", &rule, NULL);
    gfd_bw_select(&rule, &Y, 0, &h, NULL);
    CHECK_CLOSE(h, sigma * pow(4, -1.0 / 6), 1e-15);
    gfd_bw_parse("silverman", &rule, NULL);
    gfd_bw_select(&rule, &Y, 0, &h, NULL);
    CHECK_CLOSE(h, sigma * pow(4.0 / (4 * 4), 1.0 / 6), 1e-15);
    /* squared distances of the 6 pairs: 5, 20, 45, 5, 20, 5 -> median (5 + 20) / 2 */
    gfd_bw_parse("median", &rule, NULL);
    gfd_bw_select(&rule, &Y, 0, &h, NULL);
    CHECK_CLOSE(h, sqrt(0.5 * 12.5 / log(5.0)), 1e-15);
    gfd_bw_parse("0.25", &rule, NULL);
    gfd_bw_select(&rule, &Y, 0, &h, NULL);
    CHECK(h == 0.25, "h = %g", h);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* gfd_select (the median rule's quickselect) against qsort: every k of small arrays and
 * random k of large ones, for random values, few distinct values (ties), sorted,
 * reversed and constant arrays; a[0..k) <= a[k] <= a(k..n) after each call. */
static void test_select(void)
{
    gfd_rng r;
    gfd_rng_seed(&r, 77);
    int bad = 0;
    for (int trial = 0; trial < 400; trial++) {
        size_t n = trial < 200 ? 1 + (size_t)trial % 17 : 1000 + (size_t)(gfd_rng_uniform(&r) * 5000);
        double *a = malloc(n * sizeof *a), *sorted = malloc(n * sizeof *a), *work = malloc(n * sizeof *a);
        int kind = trial % 5;
        for (size_t e = 0; e < n; e++)
            a[e] = kind == 0 ? gfd_rng_normal(&r) : kind == 1 ? floor(4 * gfd_rng_uniform(&r))
                 : kind == 2 ? (double)e : kind == 3 ? (double)(n - e) : 1.5;
        memcpy(sorted, a, n * sizeof *a);
        qsort(sorted, n, sizeof *a, cmp_double);
        for (size_t k = 0; k < n; k += trial < 200 ? 1 : n / 7 + 1) {
            memcpy(work, a, n * sizeof *a);
            double got = gfd_select(work, n, k);
            int ok = got == sorted[k] && work[k] == got;
            for (size_t e = 0; ok && e < n; e++)
                ok = e < k ? work[e] <= got : e > k ? work[e] >= got : 1;
            bad += !ok;
        }
        free(a), free(sorted), free(work);
    }
    CHECK(bad == 0, "%d selections differ from qsort or leave the array unpartitioned", bad);
}

static void test_bandwidth_errors(void)
{
    gfd_bw_rule rule;
    gfd_err err;
    CHECK(gfd_bw_parse("-1", &rule, &err) < 0 && err.code == GFD_EUSAGE, "-1 accepted");
    CHECK(gfd_bw_parse("0", &rule, &err) < 0, "0 accepted");
    CHECK(gfd_bw_parse("wide", &rule, &err) < 0 && strstr(err.msg, "wide"), "'wide' accepted");
    double x[4] = {1, 1, 1, 1}, h;
    gfd_cloud Y = {.n = 2, .d = 2, .x = x};
    gfd_bw_parse("scott", &rule, NULL);
    CHECK(gfd_bw_select(&rule, &Y, 0, &h, &err) < 0 && err.code == GFD_EDATA, "equal points accepted");
}

int main(void)
{
    RUN(test_gauss_logdensity);
    RUN(test_laplace_logdensity);
    RUN(test_laplace_normaliser);
    RUN(test_exclude_self);
    RUN(test_score_finite_differences);
    RUN(test_tiny_bandwidth);
    RUN(test_bandwidth_rules);
    RUN(test_select);
    RUN(test_bandwidth_errors);
    UNIT_END();
}
