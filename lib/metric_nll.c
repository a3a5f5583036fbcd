/* KDE cross-entropies (MATH §5), Gaussian kernel, bandwidth h chosen from the reference
 * by -b: nll_ref = -mean_j log q_h(y_j) (the samples' KDE at the reference: high when
 * modes are missed, recall-like) and nll_samp = -mean_i log p_h(x_i) (the reference's KDE
 * at the samples: high when samples fall off the data, precision-like). */
#include <stdlib.h>

#include "kde.h"
#include "metric.h"

/* -mean over the rows of Q of log of the KDE of P. Q: N x d. */
static int cross_entropy(const gfd_cloud *P, const gfd_cloud *Q, double h, double *out, gfd_err *err)
{
    double *logp = gfd_alloc(Q->n, sizeof *logp, "nll densities", err);
    if (!logp || gfd_kde(P, Q->x, Q->n, GFD_KERNEL_GAUSS, h, 0, logp, NULL, err) < 0) {
        free(logp);
        return -1;
    }
    double s = 0;
    for (size_t i = 0; i < Q->n; i++)
        s += logp[i];
    free(logp);
    *out = -s / (double)Q->n;
    return 0;
}

int gfd_metric_nll(const gfd_cloud *S, const gfd_cloud *R, const gfd_metric_opts *o,
                   double *values, gfd_err *err)
{
    if (cross_entropy(S, R, o->h, &values[0], err) < 0)  /* MATH §5: -mean log q_h(y) */
        return -1;
    return cross_entropy(R, S, o->h, &values[1], err);   /* MATH §5: -mean log p_h(x) */
}
