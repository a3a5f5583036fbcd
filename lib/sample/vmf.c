/* Sampling on S^(d-1) (MATH §4): uniform directions, von Mises-Fisher by Wood (1994)
 * with the mean direction placed by a Householder reflection, equal-weight mixtures,
 * and the mean resultant length A_d(kappa) by Perron's continued fraction. */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>

#include "gfd/vmf.h"

int gfd_sphere_uniform(size_t n, size_t d, gfd_rng *rng, gfd_cloud *out, gfd_err *err)
{
    if (d < 1 || d > INT_MAX)
        return gfd_fail(err, GFD_EUSAGE, "dimension %zu: the sphere needs 1 to %d", d, INT_MAX);
    if (gfd_cloud_alloc(out, n, d, err) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        gfd_rng_direction(rng, out->x + i * d, (int)d);
    return 0;
}

/* Wood's b for (d, kappa) in the rationalised form (d-1) / (2 kappa + sqrt(4 kappa^2 +
 * (d-1)^2)) of his (sqrt(4 kappa^2 + (d-1)^2) - 2 kappa) / (d-1), which cancels for large
 * kappa. kappa = 0 gives b = 1. */
typedef struct {
    size_t d;
    double kappa, b;
} wood;

/* A sum of k squared standard normals: chi^2_k = 2 Gamma(k/2). */
static double chi2(gfd_rng *r, size_t k)
{
    double s = 0;
    for (size_t i = 0; i < k; i++) {
        double z = gfd_rng_normal(r);
        s += z * z;
    }
    return s;
}

/* One draw of w = x.mu (Wood 1994, MATH §4) and *sin2 = 1 - w^2. z ~ Beta((d-1)/2,
 * (d-1)/2) as a ratio of chi^2_(d-1); with den = 1 - (1-b) z,
 *     w = (1 - (1+b) z) / den,          1 - w^2 = 4 b z (1 - z) / den^2,
 * accepted when kappa (w - x0) + (d-1) log((1+b) / (2 den)) >= log u. That is Wood's test
 * kappa w + (d-1) log(1 - x0 w) - c >= log u, c = kappa x0 + (d-1) log(1 - x0^2),
 * x0 = (1-b)/(1+b), rewritten with the identities 1 - x0 w = 2b / ((1+b) den),
 * 1 - x0^2 = 4b / (1+b)^2 and w - x0 = 2b/(1+b) - 2bz/den, which do not cancel. */
static double wood_w(const wood *c, gfd_rng *r, double *sin2)
{
    double b = c->b, m1 = (double)(c->d - 1);
    for (;;) {
        double s1 = chi2(r, c->d - 1), s2 = chi2(r, c->d - 1);
        if (s1 + s2 == 0)
            continue;
        double z = s1 / (s1 + s2), den = 1 - (1 - b) * z;
        double t = c->kappa * (2 * b / (1 + b) - 2 * b * z / den) + m1 * log((1 + b) / (2 * den));
        if (t >= log(1 - gfd_rng_uniform(r))) {  /* 1 - u in (0, 1] */
            *sin2 = 4 * b * z * (1 - z) / (den * den);
            return (1 - (1 + b) * z) / den;
        }
    }
}

/* The reflection of mode k: H = I - h h^T with h = sqrt(2) (mu + s e_d) / |mu + s e_d|,
 * s = +1 if mu_d >= 0 else -1 (so |mu + s e_d|^2 >= 2), maps e_d to -s mu.
 * mu: K x d unit rows; h: K x d; s: K. */
static void householders(const double *mu, size_t K, size_t d, double *h, double *s)
{
    for (size_t k = 0; k < K; k++) {
        const double *m = mu + k * d;
        double *hk = h + k * d, n2 = 0;
        s[k] = m[d - 1] >= 0 ? 1 : -1;
        for (size_t j = 0; j < d; j++) {
            hk[j] = m[j] + (j == d - 1 ? s[k] : 0);
            n2 += hk[j] * hk[j];
        }
        double f = sqrt(2 / n2);
        for (size_t j = 0; j < d; j++)
            hk[j] *= f;
    }
}

/* One vMF point: y = (sqrt(1 - w^2) v, -s w) with v uniform on S^(d-2), then x = H y.
 * H is symmetric with H mu = -s e_d, so x.mu = y.(H mu) = w, and H carries the uniform
 * directions around e_d to uniform directions around mu. Then x is normalised, as every
 * point of the sphere is in gfd. h: d; x: d. */
static void vmf_point(const wood *c, const double *h, double s, gfd_rng *r, double *x)
{
    size_t d = c->d;
    double sin2, w = wood_w(c, r, &sin2), t = sqrt(sin2);
    gfd_rng_direction(r, x, (int)(d - 1));
    for (size_t j = 0; j + 1 < d; j++)
        x[j] *= t;
    x[d - 1] = -s * w;
    double hy = 0, n2 = 0;
    for (size_t j = 0; j < d; j++)
        hy += h[j] * x[j];
    for (size_t j = 0; j < d; j++) {
        x[j] -= hy * h[j];
        n2 += x[j] * x[j];
    }
    for (size_t j = 0; j < d; j++)  /* w, sqrt(1 - w^2) and H round: ~12 eps before */
        x[j] /= sqrt(n2);
}

int gfd_vmf_sample(const double *mu, size_t K, size_t d, double kappa, size_t n,
                   gfd_rng *rng, gfd_cloud *out, gfd_err *err)
{
    if (d < 2 || d > INT_MAX)
        return gfd_fail(err, GFD_EUSAGE, "dimension %zu: vMF sampling needs 2 to %d", d, INT_MAX);
    if (!(kappa >= 0) || !isfinite(kappa))
        return gfd_fail(err, GFD_EUSAGE, "kappa %g: it must be finite and >= 0", kappa);
    if (K < 1)
        return gfd_fail(err, GFD_EUSAGE, "no mean direction");
    double *h = gfd_alloc(K, (d + 1) * sizeof *h, "vMF reflections", err);
    if (!h || gfd_cloud_alloc(out, n, d, err) < 0) {
        free(h);
        return -1;
    }
    double *s = h + K * d;
    householders(mu, K, d, h, s);
    wood c = {d, kappa, (double)(d - 1) / (2 * kappa + hypot(2 * kappa, (double)(d - 1)))};
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        if (K > 1) {  /* equal weights: the mode is uniform on 0..K-1 */
            k = (size_t)(gfd_rng_uniform(rng) * (double)K);
            k = k < K ? k : K - 1;
        }
        vmf_point(&c, h + k * d, s[k], rng, out->x + i * d);
    }
    free(h);
    return 0;
}

/* MATH §4: A_d(kappa) = I_nu(kappa) / I_(nu-1)(kappa), nu = d/2, by Perron's continued
 * fraction (Gautschi and Slavik 1978), valid for nu >= 1 and short at every kappa:
 *   A = kappa / (2nu + kappa - (2nu+1) kappa / (2(nu+kappa) + 1 - (2nu+3) kappa /
 *                (2(nu+kappa) + 2 - (2nu+5) kappa / ...)))
 * evaluated by the modified Lentz method. Measured against mpmath at 40 digits for d in
 * 2..10000, kappa in 1e-20..1e5: within 4.3e-15 relative, at most 46 terms. The stop is
 * |delta - 1| <= DBL_EPSILON: at kappa ~ 1e12 delta rests one ulp below 1. */
double gfd_vmf_mean_resultant(size_t d, double kappa)
{
    if (kappa == 0)
        return 0;
    double nu = (double)d / 2, f = 2 * nu + kappa, C = f, D = 0;
    for (int k = 2; k < 1000; k++) {
        double a = -(2 * nu + 2 * k - 3) * kappa, b = 2 * (nu + kappa) + (k - 1);
        D = 1 / (b + a * D);
        C = b + a / C;
        f *= C * D;
        if (fabs(C * D - 1) <= DBL_EPSILON)
            break;
    }
    return kappa / f;
}
