/* One explicit step (MATH §1): x + eta v, the per-particle cap, and step noise; on the
 * sphere (MATH §4) the same by the exponential map. */
#include <math.h>
#include <stdlib.h>

#include "sphere.h"
#include "step.h"

void gfd_step_defaults(gfd_step_opts *s, gfd_units units, double h)
{
    /* MATH §1: score fields move about half the mean-shift gap, displacements half way */
    *s = (gfd_step_opts){.eta = units == GFD_UNITS_SCORE ? 0.5 * h * h : 0.5, .max_move = 0.5 * h};
}

static int check_opts(const gfd_step_opts *s, gfd_err *err)
{
    if (!(s->eta > 0) || !isfinite(s->eta))
        return gfd_fail(err, GFD_EUSAGE, "step size must be a positive number, not %g", s->eta);
    if (!(s->max_move >= 0) || !(s->noise >= 0))
        return gfd_fail(err, GFD_EUSAGE, "--max-move and --noise must be >= 0");
    return 0;
}

/* |v| of particle i, or -1 (and err) if it is not finite. v: d. */
static double speed(const double *v, size_t d, size_t i, gfd_err *err)
{
    double s2 = 0;
    for (size_t c = 0; c < d; c++)
        s2 += v[c] * v[c];
    if (!isfinite(s2))
        return gfd_fail(err, GFD_ENUMERIC, "the velocity of particle %zu is not finite", i + 1);
    return sqrt(s2);
}

/* MATH §4: w = f v + sqrt(eta) S xi, then x <- exp_x((I - x x^T) w); f caps the geodesic
 * length eta |(I - x x^T) v|. x: d (moved in place), v, w: d. */
static void sphere_move(double *x, const double *v, double *w, size_t d, size_t i,
                        const gfd_step_opts *s)
{
    gfd_sphere_tangent(x, v, w, d);
    double move = s->eta * gfd_sphere_length(w, d);
    double f = s->max_move > 0 && move > s->max_move ? s->eta * (s->max_move / move) : s->eta;
    gfd_rng r;
    if (s->noise > 0)
        gfd_field_rng(&r, s->seed, s->step, GFD_STREAM_STEP_NOISE, i);
    for (size_t c = 0; c < d; c++)
        w[c] = f * w[c] + (s->noise > 0 ? sqrt(s->eta) * s->noise * gfd_rng_normal(&r) : 0);
    gfd_sphere_exp(x, w, x, d);
}

/* X: N x d unit rows moved on the sphere, V: N x d. */
static int sphere_step(double *X, size_t n, size_t d, const double *V, const gfd_step_opts *s,
                       gfd_err *err)
{
    double *w = gfd_alloc(d, sizeof *w, "tangent vector", err);
    if (!w)
        return -1;
    for (size_t i = 0; i < n; i++)
        sphere_move(X + i * d, V + i * d, w, d, i, s);
    free(w);
    return 0;
}

/* X: N x d, V: N x d. */
int gfd_step(double *X, size_t n, size_t d, const double *V, const gfd_step_opts *s, gfd_err *err)
{
    if (check_opts(s, err) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (speed(V + i * d, d, i, err) < 0)
            return -1;
    if (s->sphere)
        return sphere_step(X, n, d, V, s, err);
    for (size_t i = 0; i < n; i++) {
        double move = s->eta * speed(V + i * d, d, i, err);
        /* MATH §1: |eta v| <= max_move */
        double f = s->max_move > 0 && move > s->max_move ? s->eta * (s->max_move / move) : s->eta;
        gfd_rng r;
        if (s->noise > 0)
            gfd_field_rng(&r, s->seed, s->step, GFD_STREAM_STEP_NOISE, i);
        for (size_t c = 0; c < d; c++) {
            double x = X[i * d + c] + f * V[i * d + c];
            X[i * d + c] = s->noise > 0 ? x + sqrt(s->eta) * s->noise * gfd_rng_normal(&r) : x;
            if (!isfinite(X[i * d + c]))
                return gfd_fail(err, GFD_ENUMERIC, "particle %zu moved to a point that is not finite", i + 1);
        }
    }
    return 0;
}
