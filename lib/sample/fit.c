/* A Gaussian matched to data (gfd-sample gaussian --fit Y): x = mu + L z, mu the mean of
 * Y's rows, L L^T their covariance (unbiased, ddof 1, numpy.cov's; weighted with Y's
 * weights as numpy.cov's aweights), z ~ N(0, I) drawn as gfd_sample draws gaussian. */
#include <math.h>
#include <stdlib.h>

#include "core/lapack.h"
#include "gfd/sample.h"

/* mu (d) and the covariance C (d x d, symmetric) of Y's rows. */
static void moments(const gfd_cloud *Y, double *mu, double *C)
{
    const size_t n = Y->n, d = Y->d;
    double total = 0, sumsq = 0;
    for (size_t i = 0; i < n; i++) {
        double w = Y->w ? Y->w[i] : 1;
        total += w, sumsq += w * w;
        for (size_t c = 0; c < d; c++)
            mu[c] += w * Y->x[i * d + c];
    }
    for (size_t c = 0; c < d; c++)
        mu[c] /= total;
    for (size_t i = 0; i < n; i++) {
        double w = Y->w ? Y->w[i] : 1;
        for (size_t a = 0; a < d; a++)
            for (size_t b = 0; b <= a; b++)
                C[a * d + b] += w * (Y->x[i * d + a] - mu[a]) * (Y->x[i * d + b] - mu[b]);
    }
    double norm = total - sumsq / total;  /* n - 1 unweighted */
    for (size_t a = 0; a < d; a++)
        for (size_t b = 0; b <= a; b++)
            C[b * d + a] = C[a * d + b] /= norm;
}

int gfd_sample_gaussian_fit(const gfd_cloud *Y, size_t n, gfd_rng *rng, gfd_cloud *out,
                            gfd_err *err)
{
    const size_t d = Y->d;
    if (Y->n < 2 || (size_t)(int)d != d)
        return gfd_fail(err, GFD_EDATA, "--fit needs at least 2 points of at most 2^31 columns");
    double *mu = gfd_alloc(d, sizeof *mu, "fitted gaussian", err);
    double *L = mu ? gfd_alloc(d, d * sizeof *L, "fitted gaussian", err) : NULL;
    int rc = L ? 0 : -1, info = 0, nd = (int)d;
    if (rc == 0) {
        moments(Y, mu, L);
        dpotrf_("U", &nd, L, &nd, &info, 1);  /* row-major C is column-major C^T = C: U = L^T */
        if (info != 0)
            rc = gfd_fail(err, GFD_EDATA, "--fit: the covariance of the %zu points is singular "
                          "(rank below %zu: too few points, or a constant or repeated column)",
                          Y->n, d);
    }
    if (rc == 0)
        rc = gfd_sample("gaussian", n, d, rng, out, err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        double *x = out->x + i * d;
        for (size_t a = d; a-- > 0;) {  /* x = mu + L z, in place from the last coordinate */
            double s = 0;
            for (size_t b = 0; b <= a; b++)
                s += L[a * d + b] * x[b];  /* column-major U(b, a) = L(a, b), at [a d + b] */
            x[a] = mu[a] + s;
        }
    }
    free(mu), free(L);
    return rc;
}
