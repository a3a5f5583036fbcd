/* Bandwidth rules on the sphere (MATH §2.5 adapted to §4): the spread of Y is measured by
 * geodesic distances to its mean direction, in the p = d - 1 dimensions of the sphere. */
#include <math.h>
#include <stdlib.h>

#include "geometry/geometry.h"
#include "gfd/sphere.h"

/* mu = sum_j w_j y_j / |sum_j w_j y_j|, the weighted mean direction. mu: d. */
static int mean_direction(const gfd_cloud *Y, double *mu, gfd_err *err)
{
    for (size_t c = 0; c < Y->d; c++)
        mu[c] = 0;
    for (size_t j = 0; j < Y->n; j++)
        for (size_t c = 0; c < Y->d; c++)
            mu[c] += (Y->w ? Y->w[j] : 1) * Y->x[j * Y->d + c];
    double len = gfd_sphere_length(mu, Y->d);
    if (!(len > 0))
        return gfd_fail(err, GFD_EDATA, "the targets have no mean direction (their sum is zero)");
    for (size_t c = 0; c < Y->d; c++)
        mu[c] /= len;
    return 0;
}

int gfd_bw_sigma_sphere(const gfd_cloud *Y, double *sigma, gfd_err *err)
{
    if (Y->d < 2 || Y->n < 2)
        return gfd_fail(err, GFD_EDATA, "a bandwidth rule on the sphere needs d >= 2 and at least "
                        "2 target points (here d = %zu, %zu points): give -b H", Y->d, Y->n);
    double *mu = gfd_alloc(Y->d, sizeof *mu, "mean direction", err);
    if (!mu || mean_direction(Y, mu, err) < 0) {
        free(mu);
        return -1;
    }
    double total = 0, sumsq = 0, ss = 0;
    for (size_t j = 0; j < Y->n; j++) {
        double w = Y->w ? Y->w[j] : 1, t = gfd_sphere_dist(Y->x + j * Y->d, mu, Y->d);
        total += w;
        sumsq += w * w;
        ss += w * t * t;
    }
    free(mu);
    /* sigma^2 = sum_j w_j theta_j^2 / ((W - sum w^2 / W) p): unbiased as gfd_bw_sigma */
    *sigma = sqrt(ss / (total - sumsq / total) / (double)(Y->d - 1));
    return 0;
}

int gfd_bw_select_sphere(const gfd_bw_rule *rule, const gfd_cloud *Y, uint64_t seed, double *h,
                         gfd_err *err)
{
    double m = (double)Y->n, p = (double)Y->d - 1, sigma;
    if (rule->kind == GFD_BW_FIXED || rule->kind == GFD_BW_MEDIAN)  /* median: chordal */
        return gfd_bw_select(rule, Y, seed, h, err);
    if (gfd_bw_sigma_sphere(Y, &sigma, err) < 0)
        return -1;
    /* MATH §2.5 with d -> p = d - 1 and sigma the geodesic spread */
    *h = rule->kind == GFD_BW_SCOTT ? sigma * pow(m, -1 / (p + 4))
                                    : sigma * pow(4 / ((p + 2) * m), 1 / (p + 4));
    if (!(*h > 0) || !isfinite(*h))
        return gfd_fail(err, GFD_EDATA, "%s bandwidth of the targets is %g (are all target points equal?)",
                        gfd_bw_name(rule->kind), *h);
    return 0;
}
