/* Sampling on the unit sphere S^(d-1) (MATH §4): uniform, von Mises-Fisher by Wood
 * (1994), equal-weight vMF mixtures; and the mean resultant length A_d(kappa).
 * Draws are sequential from one generator: same generator state, same points, whatever
 * the thread count; the first k rows of n > k are the k rows of n = k. */
#ifndef GFD_VMF_H
#define GFD_VMF_H

#include <stddef.h>

#include "defs.h"
#include "cloud.h"
#include "err.h"
#include "rng.h"

GFD_BEGIN_DECLS
GFD_VISIBLE_BEGIN

/* out: n x d (allocated here; caller frees), uniform on S^(d-1) (gfd_rng_direction). */
int gfd_sphere_uniform(size_t n, size_t d, gfd_rng *rng, gfd_cloud *out, gfd_err *err);

/* mu: K x d unit rows (gfd_sphere_normalize), the mean directions of K equally weighted
 * modes, each vMF(mu_k, kappa) with density proportional to exp(kappa mu_k.x); K = 1 is
 * one vMF, kappa = 0 the uniform distribution. d >= 2, kappa >= 0.
 * out: n x d (allocated here; caller frees). Per point: the mode (when K > 1), then
 * Wood's w = x.mu, then the tangent direction. */
int gfd_vmf_sample(const double *mu, size_t K, size_t d, double kappa, size_t n,
                   gfd_rng *rng, gfd_cloud *out, gfd_err *err);

/* A_d(kappa) = I_{d/2}(kappa) / I_{d/2-1}(kappa) = E[x.mu] under vMF(mu, kappa) on
 * S^(d-1): 0 at kappa = 0, about kappa/d for small kappa, 1 - (d-1)/(2 kappa) for large. */
double gfd_vmf_mean_resultant(size_t d, double kappa);

GFD_VISIBLE_END
GFD_END_DECLS

#endif
