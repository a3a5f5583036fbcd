/* One explicit step (MATH §1): the tangent part of eta v, the per-particle cap, step noise,
 * and the geometry's move along it (x + w, or the exponential map on the sphere, MATH §4). */
#include <math.h>
#include <stdlib.h>

#include "gfd/sphere.h"
#include "gfd/step.h"

void gfd_step_defaults(gfd_step_opts *s, gfd_units units, double h)
{
    /* MATH §1: score fields move about half the mean-shift gap, displacements half way */
    *s = (gfd_step_opts){.eta = units == GFD_UNITS_SCORE ? 0.5 * h * h : 0.5, .max_move = 0.5 * h,
                         .geometry = gfd_geometry_flat()};
}

static int check_opts(const gfd_step_opts *s, gfd_err *err)
{
    if (!(s->eta > 0) || !isfinite(s->eta))
        return gfd_fail(err, GFD_EUSAGE, "step size must be a positive number, not %g", s->eta);
    if (!(s->max_move >= 0) || !(s->noise >= 0))
        return gfd_fail(err, GFD_EUSAGE, "--max-move and --noise must be >= 0");
    return 0;
}

/* Fails naming the first particle whose velocity is not finite. V: N x d. */
static int finite_velocities(const double *V, size_t n, size_t d, gfd_err *err)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(gfd_sphere_length(V + i * d, d)))
            return gfd_fail(err, GFD_ENUMERIC, "the velocity of particle %zu is not finite", i + 1);
    return 0;
}

/* w = f t + sqrt(eta) S xi with t the tangent part of v at x and f capping |eta t|, then
 * x moved along w. x: d (moved in place), v, w: d; i: the particle (its noise stream). */
static void step_particle(double *x, const double *v, double *w, size_t d, size_t i, const gfd_step_opts *s)
{
    const gfd_geometry *g = s->geometry ? s->geometry : gfd_geometry_flat();
    gfd_geometry_tangent(g, x, v, w, d);
    double move = s->eta * gfd_sphere_length(w, d);  /* |w| without overflow */
    /* MATH §1: |eta v| <= max_move */
    double f = s->max_move > 0 && move > s->max_move ? s->eta * (s->max_move / move) : s->eta;
    gfd_rng r;
    if (s->noise > 0)
        gfd_field_rng(&r, s->seed, s->step, GFD_STREAM_STEP_NOISE, i);
    for (size_t c = 0; c < d; c++)
        w[c] = f * w[c] + (s->noise > 0 ? sqrt(s->eta) * s->noise * gfd_rng_normal(&r) : 0);
    gfd_geometry_move(g, x, w, x, d);
}

/* X: N x d, V: N x d. */
int gfd_step(double *X, size_t n, size_t d, const double *V, const gfd_step_opts *s, gfd_err *err)
{
    if (check_opts(s, err) < 0 || finite_velocities(V, n, d, err) < 0)
        return -1;
    double *w = gfd_alloc(d, sizeof *w, "step", err);
    if (!w)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        step_particle(X + i * d, V + i * d, w, d, i, s);
        for (size_t c = 0; c < d; c++)
            if (!isfinite(X[i * d + c]))
                rc = gfd_fail(err, GFD_ENUMERIC, "particle %zu moved to a point that is not finite", i + 1);
    }
    free(w);
    return rc;
}
