/* KDE log-density and score (MATH §2), one pass of the kernel-sum engine. */
#include <math.h>
#include <stdlib.h>

#include "gfd/kde.h"

double gfd_kde_log_norm(gfd_kernel kernel, double h, size_t d)
{
    double dd = (double)d;
    if (kernel == GFD_KERNEL_GAUSS)
        return 0.5 * dd * log(2 * M_PI * h * h);
    /* MATH §2.4: Z = h^d 2 pi^(d/2) Gamma(d) / Gamma(d/2) */
    return dd * log(h) + log(2.0) + 0.5 * dd * log(M_PI) + lgamma(dd) - lgamma(0.5 * dd);
}

/* Leave-one-out renormalisation: the other rows' weights sum to 1 - w_i. */
static int exclude_self_correction(const gfd_cloud *Y, const double *logw, double *logp, gfd_err *err)
{
    if (Y->n < 2)
        return gfd_fail(err, GFD_EDATA, "--exclude-self needs at least 2 target points");
    for (size_t i = 0; i < Y->n; i++)
        logp[i] -= log1p(-exp(logw[i]));
    return 0;
}

int gfd_kde(const gfd_cloud *Y, const double *Q, size_t n, gfd_kernel kernel, double h,
            int exclude_self, const gfd_engine *engine, double *logp, double *score, gfd_err *err)
{
    const size_t d = Y->d;
    if (score && kernel != GFD_KERNEL_GAUSS)
        return gfd_fail(err, GFD_EUSAGE, "the score is available for the gauss kernel only");
    if (exclude_self && n != Y->n)
        return gfd_fail(err, GFD_EUSAGE, "--exclude-self needs the queries to be the targets");
    double *logw = gfd_alloc(Y->n, sizeof *logw, "KDE weights", err);
    if (!logw || gfd_cloud_logweights(Y, logw, err) < 0) {
        free(logw);
        return -1;
    }
    gfd_ksum_spec spec = {.kernel = kernel, .h = h, .bias = logw,
                          .self = exclude_self, .diag = -INFINITY, .engine = engine};
    int rc = gfd_ksum(Q, n, Y->x, Y->n, d, score ? Y->x : NULL, score ? d : 0, &spec, logp, score, err);
    if (rc == 0 && exclude_self)
        rc = exclude_self_correction(Y, logw, logp, err);
    free(logw);
    if (rc < 0)
        return -1;
    double norm = gfd_kde_log_norm(kernel, h, d);
    for (size_t i = 0; i < n; i++) {
        logp[i] -= norm;
        for (size_t c = 0; score && c < d; c++)  /* MATH §2.2: (m_p(x) - x) / h^2 */
            score[i * d + c] = (score[i * d + c] - Q[i * d + c]) / (h * h);
    }
    const char *why = "the bandwidth is too small for the distances (try -b median)";
    if (gfd_check_finite(logp, n, 1, "the log-density", why, err) < 0 ||
        (score && gfd_check_finite(score, n, d, "the score", why, err) < 0))
        return -1;
    return 0;
}
