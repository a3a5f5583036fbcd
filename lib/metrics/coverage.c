/* Mode coverage of a Gaussian mixture with known centres (MATH §5; the protocol of
 * Srivastava et al. 2017, VEEGAN, and Lin et al. 2018, PacGAN): a sample is of high
 * quality when it lies within 3 sigma_k (Euclidean distance; on the sphere, MATH §4, the
 * geodesic distance, sigma_k in radians) of its nearest centre c_k; a mode
 * is covered when at least 20% of its fair share N/K of samples are high-quality samples
 * at it; mode_kl = KL(h || uniform) = sum_k h_k log(K h_k) for the histogram h of the
 * high-quality samples over the modes (NaN when there is none). With weights, a sample
 * counts its normalised weight instead of 1/N. The reference is not used. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gfd/modes.h"
#include "metrics/metric_impl.h"

#define HQ_SIGMAS 3.0
#define COVERED_SHARE 0.2

/* Index of the centre nearest to x (the first of equals) and its geodesic distance.
 * M: K x (d+1) rows [c, sigma], x: d. */
static size_t nearest_centre(const gfd_geometry *g, const double *M, size_t K, size_t d,
                             const double *x, double *dist)
{
    size_t best = 0;
    *dist = INFINITY;
    for (size_t k = 0; k < K; k++) {
        double s = g->dist(x, M + k * (d + 1), d);  /* MATH §4: theta = arccos(x.c) */
        if (s < *dist)
            *dist = s, best = k;
    }
    return best;
}

/* The mass of the high-quality samples at each mode: each sample counts 1, or its
 * normalised weight w_i. S: N x d, share: K zeros. */
static void mode_shares(const gfd_geometry *g, const gfd_cloud *S, const double *w,
                        const gfd_cloud *M, double *share, double *hq)
{
    const size_t K = M->n, d = S->d;
    *hq = 0;
    for (size_t i = 0; i < S->n; i++) {
        double dist, mass = w ? w[i] : 1;
        size_t k = nearest_centre(g, M->x, K, d, S->x + i * d, &dist);
        if (mass > 0 && dist <= HQ_SIGMAS * M->x[k * (d + 1) + d])
            share[k] += mass, *hq += mass;
    }
}

/* The modes, checked once (K rows [c, sigma] of the reference's dimension, modes.h) and
 * kept as a copy. */
static int coverage_init(metric_part *p, const gfd_metric_setup *s, gfd_err *err)
{
    gfd_cloud *M = gfd_alloc(1, sizeof *M, "coverage", err);
    if (!(p->state = M) || gfd_modes_check(s->modes, p->R->d, p->geom, "the modes", err) < 0 ||
        gfd_cloud_alloc(M, s->modes->n, s->modes->d, err) < 0)
        return -1;
    memcpy(M->x, s->modes->x, M->n * M->d * sizeof *M->x);
    return 0;
}

static void coverage_free(metric_part *p)
{
    if (p->state)
        gfd_cloud_free(p->state);
    free(p->state);
}

static int coverage_compute(metric_part *p, const gfd_cloud *S, double *values, gfd_err *err)
{
    const gfd_cloud *M = p->state;
    const size_t K = M->n;
    size_t covered = 0;
    double hq = 0, kl = 0, *w = NULL, *share = gfd_alloc(K, sizeof *share, "mode shares", err);
    if (!share || metric_weights(S, &w, err) < 0) {
        free(share);
        return -1;
    }
    mode_shares(p->geom, S, w, M, share, &hq);
    double total = w ? 1 : (double)S->n;
    for (size_t k = 0; k < K; k++) {
        covered += share[k] >= COVERED_SHARE * total / (double)K;
        if (share[k] > 0) {
            double h = share[k] / hq;
            kl += h * log((double)K * h);  /* MATH §5: KL(h || uniform over the K modes) */
        }
    }
    free(share), free(w);
    values[0] = hq / total;
    values[1] = (double)covered;
    values[2] = hq > 0 ? kl : NAN;
    return 0;
}

const gfd_metric_ops coverage_metric_ops = {.init = coverage_init, .compute = coverage_compute,
                                            .free = coverage_free};
