/* The point cloud: allocation and normalised log-weights (MATH §1). */
#include <math.h>
#include <stdlib.h>

#include "gfd/cloud.h"

int gfd_cloud_alloc(gfd_cloud *c, size_t n, size_t d, gfd_err *err)
{
    c->n = n;
    c->d = d;
    c->w = NULL;
    c->x = gfd_alloc(n, d * sizeof(double), "point cloud", err);
    return c->x ? 0 : -1;
}

void gfd_cloud_free(gfd_cloud *c)
{
    free(c->x);
    free(c->w);
    c->x = c->w = NULL;
    c->n = c->d = 0;
}

int gfd_cloud_logweights(const gfd_cloud *c, double *logw, gfd_err *err)
{
    if (!c->w) {
        for (size_t i = 0; i < c->n; i++)
            logw[i] = -log((double)c->n);
        return 0;
    }
    double total = 0;
    for (size_t i = 0; i < c->n; i++) {
        if (!(c->w[i] >= 0) || !isfinite(c->w[i]))
            return gfd_fail(err, GFD_EDATA, "weight %zu is %g: weights must be finite and >= 0", i + 1, c->w[i]);
        total += c->w[i];
    }
    if (!(total > 0))
        return gfd_fail(err, GFD_EDATA, "weights sum to zero");
    for (size_t i = 0; i < c->n; i++)
        logw[i] = log(c->w[i] / total);
    return 0;
}
