/* The built-in distributions of gfd-sample: a standard normal and a uniform cube in any
 * dimension, and the 2-D toy sets of FFJORD's toy_data.py and WGAN-GP's gan_toy.py
 * (8gaussians, 25gaussians, checkerboard, moons, swissroll, circles, rings, pinwheel,
 * 2spirals). Scale and noise of each are in man/gfd-sample.1, DISTRIBUTIONS.
 * Sampling is sequential from one generator: same generator state, same points,
 * whatever the thread count; the first k rows of n > k are the k rows of n = k. */
#ifndef GFD_SAMPLE_H
#define GFD_SAMPLE_H

#include <stddef.h>

#include "defs.h"
#include "cloud.h"
#include "err.h"
#include "rng.h"

GFD_BEGIN_DECLS
GFD_VISIBLE_BEGIN

/* Name of built-in distribution i (0, 1, ...), NULL past the last: for --list. */
const char *gfd_sample_name(size_t i);
/* Dimension of a distribution: 2 for the toy sets, 0 for any (gaussian, uniform),
 * -1 for an unknown name. */
int gfd_sample_dim(const char *name);
/* Draws n points of `name` into out (allocated here; caller frees): out n x d.
 * d = 0 takes the default (2 for gaussian and uniform, else the set's own dimension);
 * another d for a fixed-dimension set, or an unknown name, fails with GFD_EUSAGE. */
int gfd_sample(const char *name, size_t n, size_t d, gfd_rng *rng, gfd_cloud *out,
               gfd_err *err);
/* n points of the Gaussian fitted to Y's rows (their mean and covariance, with Y's
 * weights if any): x = mu + L z, L the Cholesky factor, z drawn as gaussian's. Fails when
 * the covariance is singular. out: n x d (allocated here). */
int gfd_sample_gaussian_fit(const gfd_cloud *Y, size_t n, gfd_rng *rng, gfd_cloud *out,
                            gfd_err *err);
/* The K modes of a Gaussian mixture (8gaussians, 25gaussians), equally weighted:
 * centers K x d (allocated here; caller frees) and the per-coordinate standard
 * deviation *sigma shared by every mode. Other names fail with GFD_EUSAGE.
 * gfd-sample --centers writes them as K rows [c_1 .. c_d, sigma]. */
int gfd_sample_centers(const char *name, gfd_cloud *centers, double *sigma, gfd_err *err);

GFD_VISIBLE_END
GFD_END_DECLS

#endif
