/* lib/vmf.c: A_d(kappa) against closed forms and series, Wood's sampler against the
 * moments of the vMF distribution (E[x.mu] = A_d(kappa), E[(x.mu)^2] =
 * 1 - (d-1) A_d(kappa)/kappa, mean direction mu), mixtures, uniform, determinism and
 * errors. Sampling checks allow 5 standard errors, stated in each test; the full
 * distribution of x.mu is checked by a KS test in tests/sphere.bats. */
#include <float.h>
#include <stdlib.h>
#include <string.h>

#include "gfd/sphere.h"
#include "gfd/vmf.h"
#include "unit.h"

/* A_d(kappa) against independent forms, relative 1e-14 (the continued fraction measured
 * within 4.3e-15 of mpmath): for d = 3, coth k - 1/k; for d = 5, I_{5/2}/I_{3/2} =
 * ((1 + 3/k^2) tanh k - 3/k) / (1 - tanh k / k), both in long double where they do not
 * cancel (k >= 2); the series k/d - k^3/(d^2 (d+2)) for k <= 1e-5 and the expansion
 * 1 - (d-1)/(2k) + (d-1)(d-3)/(8k^2) for k >= 1e9, both exact to double there (the
 * expansion checked against mpmath at 50 digits: d = 1000, k = 1e9 agree to 21 digits). */
static void test_mean_resultant(void)
{
    CHECK(gfd_vmf_mean_resultant(3, 0) == 0, "A_3(0) = %g", gfd_vmf_mean_resultant(3, 0));
    double ks[] = {2, 3.7, 10, 55, 100, 1000, 1e5};
    for (int i = 0; i < 7; i++) {
        long double k = ks[i], t = tanhl(k);
        CHECK_CLOSE(gfd_vmf_mean_resultant(3, ks[i]), (double)(1 / t - 1 / k), 1e-14);
        CHECK_CLOSE(gfd_vmf_mean_resultant(5, ks[i]), (double)(((1 + 3 / (k * k)) * t - 3 / k) / (1 - t / k)), 1e-14);
    }
    size_t dims[] = {2, 3, 4, 16, 100, 1000};
    for (int i = 0; i < 6; i++) {
        double d = (double)dims[i];
        for (double k = 1e-12; k <= 1e-5; k *= 10)
            CHECK_CLOSE(gfd_vmf_mean_resultant(dims[i], k), k / d - k * k * k / (d * d * (d + 2)), 1e-14);
        for (double k = 1e9; k <= 1e15; k *= 10)
            CHECK_CLOSE(gfd_vmf_mean_resultant(dims[i], k), 1 - (d - 1) / (2 * k) + (d - 1) * (d - 3) / (8 * k * k), 1e-14);
    }
}

/* Moments of n points about mu (K x d rows; the points' nearest row is their mode). */
typedef struct {
    double w, w2, var_w2;  /* means of x.mu and (x.mu)^2, sample variance of (x.mu)^2 */
    double perp;           /* |mean of the part of x orthogonal to mu| */
} moments;

static moments moments_about(const gfd_cloud *X, const double *mu)
{
    size_t n = X->n, d = X->d;
    moments m = {0};
    double *mean = calloc(d, sizeof *mean), s4 = 0;
    for (size_t i = 0; i < n; i++) {
        const double *x = X->x + i * d;
        double w = 0;
        for (size_t k = 0; k < d; k++)
            w += x[k] * mu[k], mean[k] += x[k] / (double)n;
        m.w += w / (double)n, m.w2 += w * w / (double)n, s4 += w * w * w * w / (double)n;
    }
    double along = 0, p2 = 0;
    for (size_t k = 0; k < d; k++)
        along += mean[k] * mu[k];
    for (size_t k = 0; k < d; k++)
        p2 += (mean[k] - along * mu[k]) * (mean[k] - along * mu[k]);
    m.perp = sqrt(p2);
    m.var_w2 = s4 - m.w2 * m.w2;
    free(mean);
    return m;
}

/* n vMF points for each d in {2, 3, 16}, kappa in {0, 1, 10, 100, 1e4}, with a random mu:
 *  E[x.mu] = A (kappa = 0: 0): |mean - A| <= 5 SE, SE = sqrt(Var(x.mu) / n) with the exact
 *    Var = 1 - (d-1) A/kappa - A^2 (kappa = 0: 1/d);
 *  E[(x.mu)^2] = 1 - (d-1) A/kappa: within 5 SE (SE from the sample variance of (x.mu)^2);
 *  the mean's part orthogonal to mu, of expected square (d-1) (A/kappa) / n (each tangent
 *    coordinate has variance A/kappa; 1/d at kappa = 0): within 5 times its root mean square;
 *  every point of unit norm within 4 eps (each is normalised; measured 1.5 eps). */
static void test_wood_moments(void)
{
    gfd_rng r, mu_rng;
    gfd_rng_seed(&r, 21);
    gfd_rng_seed(&mu_rng, 22);
    size_t dims[] = {2, 3, 16}, n = 20000;
    double kappas[] = {0, 1, 10, 100, 1e4};
    double mu[16];
    gfd_err err;
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 5; b++) {
            size_t d = dims[a];
            double kappa = kappas[b], A = gfd_vmf_mean_resultant(d, kappa);
            double tan_var = kappa > 0 ? A / kappa : 1.0 / (double)d, w2 = 1 - (double)(d - 1) * tan_var;
            gfd_rng_direction(&mu_rng, mu, (int)d);
            gfd_cloud X;
            CHECK(gfd_vmf_sample(mu, 1, d, kappa, n, &r, &X, &err) == 0, "%s", err.msg);
            moments m = moments_about(&X, mu);
            double se = sqrt((w2 - A * A) / (double)n), se2 = sqrt(m.var_w2 / (double)n);
            double rms_perp = sqrt((double)(d - 1) * tan_var / (double)n);
            CHECK(fabs(m.w - A) <= 5 * se + 1e-15, "d %zu kappa %g: mean x.mu %.6g, A %.6g, SE %.3g", d, kappa, m.w, A, se);
            CHECK(fabs(m.w2 - w2) <= 5 * se2 + 1e-15, "d %zu kappa %g: mean (x.mu)^2 %.6g, want %.6g, SE %.3g", d, kappa, m.w2, w2, se2);
            CHECK(m.perp <= 5 * rms_perp, "d %zu kappa %g: mean off mu by %.3g, rms %.3g", d, kappa, m.perp, rms_perp);
            for (size_t i = 0; i < n; i++)
                CHECK(fabs(gfd_sphere_length(X.x + i * d, d) - 1) <= 4 * DBL_EPSILON, "d %zu kappa %g: row %zu off the sphere by %.3g", d, kappa, i, gfd_sphere_length(X.x + i * d, d) - 1);
            gfd_cloud_free(&X);
        }
}

/* Large kappa, and the Householder reflection at its edges: mu = +-e_d (s picks the
 * stable sign) and mu nearly -e_d, in d = 4. For large kappa the tangent part is nearly
 * normal with variance 1/kappa per coordinate, so kappa theta^2 ~ chi^2_(d-1) for the
 * angle theta to mu: its mean within 5 SE of d - 1 (SE = sqrt(2 (d-1) / n)), and every
 * theta below 20 / sqrt(kappa) (P(chi^2_3 > 400) is nil). At kappa = 1e12 the angles are
 * ~1e-6: Wood's w must not cancel (1 - w^2 is formed without subtraction). */
static void test_large_kappa(void)
{
    gfd_rng r;
    gfd_rng_seed(&r, 23);
    double mus[3][4] = {{0, 0, 0, 1}, {0, 0, 0, -1}, {1e-9, 0, 0, -1}}, kappas[] = {1e4, 1e12};
    size_t n = 2000;
    gfd_err err;
    for (int c = 0; c < 3; c++)
        for (int k = 0; k < 2; k++) {
            double kappa = kappas[k], mean = 0, worst = 0;
            gfd_sphere_normalize(mus[c], 1, 4, 4, NULL, &err);
            gfd_cloud X;
            CHECK(gfd_vmf_sample(mus[c], 1, 4, kappa, n, &r, &X, &err) == 0, "%s", err.msg);
            for (size_t i = 0; i < n; i++) {
                double theta = gfd_sphere_dist(X.x + i * 4, mus[c], 4);
                mean += kappa * theta * theta / (double)n, worst = fmax(worst, theta);
            }
            CHECK(fabs(mean - 3) <= 5 * sqrt(6.0 / (double)n), "mu %d kappa %g: mean kappa theta^2 %.4g, want 3", c, kappa, mean);
            CHECK(worst <= 20 / sqrt(kappa), "mu %d kappa %g: a point %.3g from mu", c, kappa, worst);
            gfd_cloud_free(&X);
        }
}

/* Three modes, kappa 100 in d = 3 (modes 90 degrees apart, so the nearest mode is the
 * drawn one): each mode's share within 5 SE of 1/3 (SE = sqrt((1/3)(2/3)/n)); within each
 * mode, the mean of x.mu within 5 SE of A_3(100). */
static void test_mixture(void)
{
    gfd_rng r;
    gfd_rng_seed(&r, 24);
    double mu[9] = {1, 0, 0, 0, 1, 0, 0, 0, -1};
    size_t n = 30000, count[3] = {0};
    double sum[3] = {0}, A = gfd_vmf_mean_resultant(3, 100), var = 1 - 2 * A / 100 - A * A;
    gfd_cloud X;
    gfd_err err;
    CHECK(gfd_vmf_sample(mu, 3, 3, 100, n, &r, &X, &err) == 0, "%s", err.msg);
    for (size_t i = 0; i < n; i++) {
        int best = 0;
        double dots[3];
        for (int k = 0; k < 3; k++) {
            dots[k] = X.x[i * 3] * mu[k * 3] + X.x[i * 3 + 1] * mu[k * 3 + 1] + X.x[i * 3 + 2] * mu[k * 3 + 2];
            best = dots[k] > dots[best] ? k : best;
        }
        count[best]++, sum[best] += dots[best];
    }
    for (int k = 0; k < 3; k++) {
        double share = (double)count[k] / (double)n, se = sqrt(2.0 / 9 / (double)n);
        CHECK(fabs(share - 1.0 / 3) <= 5 * se, "mode %d: share %.4f, SE %.3g", k, share, se);
        double mean = sum[k] / (double)count[k], se_w = sqrt(var / (double)count[k]);
        CHECK(fabs(mean - A) <= 5 * se_w, "mode %d: mean x.mu %.6g, A %.6g, SE %.3g", k, mean, A, se_w);
    }
    gfd_cloud_free(&X);
}

/* Uniform points: unit rows, each coordinate's mean within 5 SE of 0 (SE = sqrt(1/(d n))). */
static void test_uniform(void)
{
    gfd_rng r;
    gfd_rng_seed(&r, 25);
    size_t n = 20000, d = 5;
    gfd_cloud X;
    gfd_err err;
    CHECK(gfd_sphere_uniform(n, d, &r, &X, &err) == 0, "%s", err.msg);
    for (size_t k = 0; k < d; k++) {
        double mean = 0;
        for (size_t i = 0; i < n; i++)
            mean += X.x[i * d + k] / (double)n;
        CHECK(fabs(mean) <= 5 * sqrt(1.0 / (double)(d * n)), "coordinate %zu: mean %.4g", k, mean);
    }
    gfd_cloud_free(&X);
}

/* Same generator state, same points; the first k rows of n are the rows of k; bad
 * arguments fail with usage errors. */
static void test_determinism_and_errors(void)
{
    double mu[6] = {0.6, 0.8, 0, 0, 0, 1};
    gfd_rng r1, r2;
    gfd_cloud a, b;
    gfd_err err;
    gfd_rng_seed(&r1, 7), gfd_rng_seed(&r2, 7);
    CHECK(gfd_vmf_sample(mu, 2, 3, 5, 500, &r1, &a, &err) == 0, "%s", err.msg);
    CHECK(gfd_vmf_sample(mu, 2, 3, 5, 123, &r2, &b, &err) == 0, "%s", err.msg);
    CHECK(!memcmp(a.x, b.x, 123 * 3 * sizeof(double)), "the first 123 rows differ");
    gfd_cloud_free(&a), gfd_cloud_free(&b);
    CHECK(gfd_vmf_sample(mu, 1, 1, 5, 10, &r1, &a, &err) == -1 && err.code == GFD_EUSAGE, "d = 1 accepted");
    CHECK(gfd_vmf_sample(mu, 1, 3, -1, 10, &r1, &a, &err) == -1 && err.code == GFD_EUSAGE, "kappa -1 accepted");
    CHECK(gfd_vmf_sample(mu, 1, 3, NAN, 10, &r1, &a, &err) == -1 && err.code == GFD_EUSAGE, "kappa NaN accepted");
}

int main(void)
{
    RUN(test_mean_resultant);
    RUN(test_wood_moments);
    RUN(test_large_kappa);
    RUN(test_mixture);
    RUN(test_uniform);
    RUN(test_determinism_and_errors);
    UNIT_END();
}
