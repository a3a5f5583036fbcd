/* Kernel density estimates (MATH §2): log-density and score of p_h = sum_j w_j K_h(. - y_j). */
#ifndef GFD_KDE_H
#define GFD_KDE_H

#include "defs.h"
#include "cloud.h"
#include "ksum.h"

GFD_BEGIN_DECLS
GFD_VISIBLE_BEGIN

/* Q: N x d (d = Y->d), logp: N, score: N x d or NULL.
 * kernel GAUSS (MATH §2.1, score §2.2) or LAPLACE (§2.4, log-density only: its score
 * is not a mean shift). exclude_self: Q is Y row for row, each query leaves its own
 * row out and the others' weights are renormalised (leave-one-out, §2.3). engine: NULL
 * (exact) or the certified fast mode (gfd/ksum.h: each log p within rtol). */
int gfd_kde(const gfd_cloud *Y, const double *Q, size_t n, gfd_kernel kernel, double h,
            int exclude_self, const gfd_engine *engine, double *logp, double *score, gfd_err *err);

/* The standardized KDE (lib/density/standardize.c): scale (d) gets the standard deviation
 * of each column of Y (weighted as the bandwidth rules; a constant column fails);
 * gfd_kde_scale_rows divides the columns of x (n x d) by it; after gfd_kde on the scaled
 * Y and Q, gfd_kde_unscale turns logp and score (or NULL) back into the original
 * coordinates: the Gaussian kernel of covariance h^2 diag(scale^2). */
int gfd_kde_scales(const gfd_cloud *Y, double *scale, gfd_err *err);
void gfd_kde_scale_rows(double *x, size_t n, size_t d, const double *scale);
void gfd_kde_unscale(double *logp, double *score, size_t n, size_t d, const double *scale);

/* log of the kernel's normaliser: log (2 pi h^2)^(d/2) (gauss) or log Z of MATH §2.4. */
double gfd_kde_log_norm(gfd_kernel kernel, double h, size_t d);

GFD_VISIBLE_END
GFD_END_DECLS

#endif
