/* One explicit step of a flow (MATH §1): x_i <- x_i + eta v(x_i), each particle's move
 * capped at max_move, plus optional Gaussian noise sqrt(eta) S N(0, I) drawn from the
 * particle's own stream (seed, step), so the result does not depend on the thread count.
 * On the sphere (MATH §4) the step follows the geodesic: x <- exp_x(eta v). */
#ifndef GFD_STEP_H
#define GFD_STEP_H

#include <stddef.h>
#include <stdint.h>

#include "defs.h"
#include "err.h"
#include "field.h"
#include "geometry.h"

GFD_BEGIN_DECLS
GFD_VISIBLE_BEGIN

typedef struct {
    double eta;        /* step size > 0 */
    double max_move;   /* cap on |eta v| per particle (the tangent part); 0: no cap */
    double noise;      /* S >= 0: adds sqrt(eta) S N(0, I) (its tangent part on the sphere) */
    uint64_t seed, step;
    const gfd_geometry *geometry;  /* where the points move (NULL: flat) */
} gfd_step_opts;

/* MATH §1 defaults for a field's units and bandwidth h: eta = 0.5 h^2 (score) or 0.5
 * (displacement), max_move = 0.5 h, no noise, seed and step 0, flat. */
void gfd_step_defaults(gfd_step_opts *s, gfd_units units, double h);
/* X: N x d moved in place, V: N x d. Fails with GFD_EUSAGE on eta <= 0 or a negative cap or
 * noise, with GFD_ENUMERIC on a velocity that is not finite (X untouched) or a moved point
 * that is not finite (X then partly moved). */
int gfd_step(double *X, size_t n, size_t d, const double *V, const gfd_step_opts *s, gfd_err *err);

GFD_VISIBLE_END
GFD_END_DECLS

#endif
