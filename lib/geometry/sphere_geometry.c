/* The unit sphere S^(d-1) as a geometry (geometry.h, MATH §4): unit rows are points,
 * geodesic distances, the vMF kernel exp(kappa x.y), kappa = 1/h^2, exponential-map
 * steps, great circles as slices. The point functions themselves are in sphere.c. */
#include <math.h>

#include "geometry/geometry.h"
#include "gfd/field.h"
#include "gfd/metric.h"
#include "gfd/sphere.h"

static int need_two(size_t d, const char *name, gfd_err *err)
{
    if (d < 2)
        return gfd_fail(err, GFD_EDATA, "%s: %zu column: the sphere needs at least 2 coordinates",
                        name ? name : "points", d);
    return 0;
}

static int sphere_points(double *X, size_t n, size_t d, size_t ld, int project, const char *name,
                         gfd_err *err)
{
    if (need_two(d, name, err) < 0)
        return -1;
    if (!project && gfd_sphere_check(X, n, d, ld, name, err) < 0)
        return -1;
    return gfd_sphere_normalize(X, n, d, ld, name, err);
}

static int sphere_check(const double *X, size_t n, size_t d, size_t ld, const char *name,
                        gfd_err *err)
{
    return need_two(d, name, err) < 0 ? -1 : gfd_sphere_check(X, n, d, ld, name, err);
}

/* exp(kappa (x.y - 1)) = exp(-|x - y|^2 / (2 h^2)) on unit rows. */
static double vmf_shift(double h)
{
    return -1 / (h * h);
}

/* MATH §3.4 on the sphere: the cosine distance D = 1 - x.t = |x - t|^2 / 2 of unit rows,
 * so exp(-D/tau) is the vMF kernel exp(x.t / tau) up to a factor that cancels in every
 * softmax: kappa = 1/tau, h = sqrt(tau). */
static int sphere_dist_kernel(gfd_kernel kind, double tau, gfd_ksum_spec *spec, gfd_err *err)
{
    if (kind != GFD_KERNEL_LAPLACE)
        return gfd_fail(err, GFD_EUSAGE, "on the sphere the drift's kernel is laplace on cosine "
                        "distances (--kernel gauss is not available)");
    *spec = (gfd_ksum_spec){.kernel = GFD_KERNEL_VMF, .h = sqrt(tau)};
    return 0;
}

static void cosine_dists(double *sqdist, size_t len)
{
    for (size_t t = 0; t < len; t++)
        sqdist[t] *= 0.5;
}

/* theta = 2 asin(|x - y| / 2), increasing in the chord. */
static double sphere_chord_dist(double chord)
{
    return 2 * asin(fmin(1, chord / 2));
}

/* theta^2 with theta = 2 atan2(|x - y|, |x + y|) (MATH §4). */
static double sphere_sqdist(double minus2, double plus2)
{
    double theta = 2 * atan2(sqrt(minus2), sqrt(plus2));
    return theta * theta;
}

/* V's rows projected on the tangent spaces at X's: v_i = (I - x_i x_i^T) v_i (MATH §4). */
static void sphere_tangent_rows(const double *X, size_t n, size_t d, double *V)
{
    for (size_t i = 0; i < n; i++)
        gfd_sphere_tangent(X + i * d, V + i * d, V + i * d, d);
}

static const gfd_geometry sphere = {
    .name = "sphere", .field_needs = GFD_FIELD_SPHERE, .metric_needs = GFD_METRIC_SPHERE,
    .points = sphere_points, .check = sphere_check, .bandwidth = gfd_bw_select_sphere,
    .kde_kernel = GFD_KERNEL_VMF, .kde_shift = vmf_shift,
    .dist_kernel = sphere_dist_kernel, .kernel_dists = cosine_dists,
    .dist = gfd_sphere_dist, .chord_dist = sphere_chord_dist, .sqdist = sphere_sqdist,
    .tangent = gfd_sphere_tangent, .move = gfd_sphere_exp, .tangent_rows = sphere_tangent_rows,
    .slicer = &gfd_slicer_circle,
};

const gfd_geometry *gfd_geometry_sphere(void) { return &sphere; }
