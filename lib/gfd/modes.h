/* The modes of a mixture, in the one file format that gfd-sample --centers and gfd-sphere
 * sample ... --centers write and gfd-eval --modes reads: K rows [c_1 .. c_d, sigma], each
 * mode's centre and the standard deviation of one coordinate about it. On the sphere
 * (MATH §4) c is a unit row and sigma is in radians along each tangent direction: a vMF
 * mode of concentration kappa has sigma = 1/sqrt(kappa), the small-angle law
 * exp(kappa cos t) ~ exp(-kappa t^2 / 2). */
#ifndef GFD_MODES_H
#define GFD_MODES_H

#include <stddef.h>

#include "cloud.h"
#include "defs.h"
#include "err.h"
#include "geometry.h"

GFD_BEGIN_DECLS
GFD_VISIBLE_BEGIN

/* The modes of a built-in mixture (8gaussians, 25gaussians; gfd_sample_centers);
 * other names fail with GFD_EUSAGE. modes: allocated here (caller frees). */
int gfd_modes_builtin(const char *name, gfd_cloud *modes, gfd_err *err);
/* The modes of an equal-weight mixture of vMF(mu_k, kappa) (mu: K x d unit rows, kappa > 0). */
int gfd_modes_vmf(const gfd_cloud *mu, double kappa, gfd_cloud *modes, gfd_err *err);
/* Whether modes (called `name` in messages: "the modes") fit points of dimension d on
 * geometry g: d + 1 columns, every sigma positive and finite, unit centres on the sphere.
 * GFD_EDATA otherwise. */
int gfd_modes_check(const gfd_cloud *modes, size_t d, const gfd_geometry *g, const char *name,
                    gfd_err *err);

GFD_VISIBLE_END
GFD_END_DECLS

#endif
