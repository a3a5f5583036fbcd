/* The standardized KDE (gfd-kde --standardize): the KDE of Y in the coordinates x_c / s_c,
 * s_c the standard deviation of Y's column c. Back in the original coordinates its kernel
 * is the Gaussian of covariance h^2 diag(s_1^2 .. s_d^2) (scipy's gaussian_kde with a
 * diagonal data covariance): with z = q / s,
 *     log p(q) = log p_s(z) - sum_c log s_c,   d/dq_c log p(q) = (d/dz_c log p_s(z)) / s_c. */
#include <math.h>

#include "density/spread.h"
#include "gfd/kde.h"

int gfd_kde_scales(const gfd_cloud *Y, double *scale, gfd_err *err)
{
    if (Y->n < 2)
        return gfd_fail(err, GFD_EDATA, "--standardize needs at least 2 target points");
    for (size_t c = 0; c < Y->d; c++) {
        scale[c] = sqrt(density_column_var(Y, c));  /* the bandwidth rules' spread */
        if (!(scale[c] > 0) || !isfinite(scale[c]))
            return gfd_fail(err, GFD_EDATA, "--standardize: column %zu of the targets is constant", c + 1);
    }
    return 0;
}

void gfd_kde_scale_rows(double *x, size_t n, size_t d, const double *scale)
{
    for (size_t i = 0; i < n; i++)
        for (size_t c = 0; c < d; c++)
            x[i * d + c] /= scale[c];
}

void gfd_kde_unscale(double *logp, double *score, size_t n, size_t d, const double *scale)
{
    double log_det = 0;
    for (size_t c = 0; c < d; c++)
        log_det += log(scale[c]);
    for (size_t i = 0; i < n; i++) {
        logp[i] -= log_det;
        for (size_t c = 0; score && c < d; c++)
            score[i * d + c] /= scale[c];
    }
}
