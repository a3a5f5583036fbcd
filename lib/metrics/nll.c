/* KDE cross-entropies (MATH §5), Gaussian kernel, bandwidth h chosen from the reference
 * by -b: nll_ref = -mean_j log q_h(y_j) (the samples' KDE at the reference: high when
 * modes are missed, recall-like) and nll_samp = -mean_i log p_h(x_i) (the reference's KDE
 * at the samples: high when samples fall off the data, precision-like). */
#include <stdio.h>
#include <stdlib.h>

#include "gfd/kde.h"
#include "metrics/metric_impl.h"

/* -mean over the rows of Q of log of the KDE of P, both weighted by their rows' weights
 * when they have them (the KDE of weighted P as gfd_kde, MATH §2.1). Q: N x d. */
static int cross_entropy(const gfd_cloud *P, const gfd_cloud *Q, double h, double *out, gfd_err *err)
{
    double *logp = gfd_alloc(Q->n, sizeof *logp, "nll densities", err), *w = NULL;
    if (!logp || metric_weights(Q, &w, err) < 0 ||
        gfd_kde(P, Q->x, Q->n, GFD_KERNEL_GAUSS, h, 0, NULL, logp, NULL, err) < 0) {
        free(logp), free(w);
        return -1;
    }
    double s = 0;
    for (size_t i = 0; i < Q->n; i++)
        s += w ? (w[i] > 0 ? w[i] * logp[i] : 0) : logp[i];  /* a weight 0 row counts nothing */
    free(logp), free(w);
    *out = w ? -s : -s / (double)Q->n;
    return 0;
}

/* h from the -b rule and the reference, once. */
static int nll_init(metric_part *p, const gfd_metric_setup *s, gfd_err *err)
{
    double *h = gfd_alloc(1, sizeof *h, "nll", err);
    if (!(p->state = h))
        return -1;
    return gfd_geometry_bandwidth(p->geom, &s->bw, p->R, s->seed, h, err);
}

static int nll_compute(metric_part *p, const gfd_cloud *S, double *values, gfd_err *err)
{
    double h = *(const double *)p->state;
    if (cross_entropy(S, p->R, h, &values[0], err) < 0)  /* MATH §5: -mean log q_h(y) */
        return -1;
    return cross_entropy(p->R, S, h, &values[1], err);   /* MATH §5: -mean log p_h(x) */
}

static size_t nll_report(const metric_part *p, char *buf, size_t cap)
{
    int n = snprintf(buf, cap, "nll: bandwidth %.6g", *(const double *)p->state);
    return n < 0 ? 0 : (size_t)n;
}

const gfd_metric_ops nll_metric_ops = {.init = nll_init, .compute = nll_compute, .report = nll_report};
