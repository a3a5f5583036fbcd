/* One explicit step of a flow (MATH §1): x_i <- x_i + eta v(x_i), each particle's move
 * capped at max_move, plus optional Gaussian noise sqrt(eta) S N(0, I) drawn from the
 * particle's own stream (seed, step), so the result does not depend on the thread count. */
#ifndef GFD_STEP_H
#define GFD_STEP_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "field.h"

typedef struct {
    double eta;        /* step size > 0 */
    double max_move;   /* cap on |eta v| per particle; 0: no cap */
    double noise;      /* S >= 0: adds sqrt(eta) S N(0, I) */
    uint64_t seed, step;
    int sphere;        /* MATH §4: x <- exp_x(eta v), cap on the geodesic length |eta v| */
} gfd_step_opts;

/* MATH §1 defaults for a field's units and bandwidth h: eta = 0.5 h^2 (score) or 0.5
 * (displacement), max_move = 0.5 h, no noise, seed and step 0. */
void gfd_step_defaults(gfd_step_opts *s, gfd_units units, double h);
/* X: N x d moved in place, V: N x d. Fails with GFD_EUSAGE on eta <= 0 or a negative cap or
 * noise, with GFD_ENUMERIC on a velocity that is not finite (X untouched) or a moved point
 * that is not finite (X then partly moved). */
/* With s->sphere (X unit rows): v is projected on the tangent space, eta v capped, the
 * noise sqrt(eta) S xi projected too, and x moves by the exponential map (sphere.h). */
int gfd_step(double *X, size_t n, size_t d, const double *V, const gfd_step_opts *s, gfd_err *err);

#endif
