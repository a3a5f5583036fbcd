/* Mode coverage of a Gaussian mixture with known centres (MATH §5; the protocol of
 * Srivastava et al. 2017, VEEGAN, and Lin et al. 2018, PacGAN): a sample is of high
 * quality when it lies within 3 sigma_k (Euclidean distance; on the sphere, MATH §4, the
 * geodesic distance, sigma_k in radians) of its nearest centre c_k; a mode
 * is covered when at least 20% of its fair share N/K of samples are high-quality samples
 * at it; mode_kl = KL(h || uniform) = sum_k h_k log(K h_k) for the histogram h of the
 * high-quality samples over the modes (NaN when there is none). The reference is not used. */
#include <math.h>
#include <stdlib.h>

#include "metric.h"
#include "sphere.h"

#define HQ_SIGMAS 3.0
#define COVERED_SHARE 0.2

/* Index of the centre nearest to x (the first of equals) and its squared distance
 * (geodesic when sphere). M: K x (d+1) rows [c, sigma], x: d. */
static size_t nearest_centre(const double *M, size_t K, size_t d, const double *x, int sphere,
                             double *d2)
{
    size_t best = 0;
    *d2 = INFINITY;
    for (size_t k = 0; k < K; k++) {
        const double *c = M + k * (d + 1);
        double s = 0;
        for (size_t j = 0; !sphere && j < d; j++)
            s += (x[j] - c[j]) * (x[j] - c[j]);
        if (sphere)
            s = gfd_sphere_dist(x, c, d), s *= s;  /* MATH §4: theta = arccos(x.c) */
        if (s < *d2)
            *d2 = s, best = k;
    }
    return best;
}

/* Counts the high-quality samples at each mode. S: N x d, count: K. */
static int mode_counts(const gfd_cloud *S, const gfd_cloud *M, int sphere, size_t *count,
                       size_t *hq, gfd_err *err)
{
    const size_t K = M->n, d = S->d;
    for (size_t k = 0; k < K; k++)
        if (!(M->x[k * (d + 1) + d] > 0))
            return gfd_fail(err, GFD_EDATA, "mode %zu: sigma must be positive, not %g", k + 1,
                            M->x[k * (d + 1) + d]);
    *hq = 0;
    for (size_t i = 0; i < S->n; i++) {
        double d2;
        size_t k = nearest_centre(M->x, K, d, S->x + i * d, sphere, &d2);
        double r = HQ_SIGMAS * M->x[k * (d + 1) + d];
        if (d2 <= r * r)
            count[k]++, ++*hq;
    }
    return 0;
}

int gfd_metric_coverage(const gfd_cloud *S, const gfd_cloud *R, const gfd_metric_opts *o,
                        double *values, gfd_err *err)
{
    (void)R;
    const size_t K = o->modes->n, n = S->n;
    size_t hq = 0, covered = 0, *count = gfd_alloc(K, sizeof *count, "mode counts", err);
    if (!count || mode_counts(S, o->modes, o->sphere, count, &hq, err) < 0) {
        free(count);
        return -1;
    }
    double kl = 0;
    for (size_t k = 0; k < K; k++) {
        covered += (double)count[k] >= COVERED_SHARE * (double)n / (double)K;
        if (count[k]) {
            double h = (double)count[k] / (double)hq;
            kl += h * log((double)K * h);  /* MATH §5: KL(h || uniform over the K modes) */
        }
    }
    free(count);
    values[0] = (double)hq / (double)n;
    values[1] = (double)covered;
    values[2] = hq ? kl : NAN;
    return 0;
}
