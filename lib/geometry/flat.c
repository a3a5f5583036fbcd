/* Flat R^d as a geometry (geometry.h): any rows are points, Euclidean distances, the
 * Gaussian and Laplace kernels, straight steps, lines as slices. */
#include <math.h>

#include "engine/clones.h"
#include "geometry/geometry.h"

static int flat_points(double *X, size_t n, size_t d, size_t ld, int project, const char *name,
                       gfd_err *err)
{
    (void)X, (void)n, (void)d, (void)ld, (void)name;
    if (project)
        return gfd_fail(err, GFD_EUSAGE, "--project needs --sphere");
    return 0;
}

static int flat_check(const double *X, size_t n, size_t d, size_t ld, const char *name,
                      gfd_err *err)
{
    (void)X, (void)n, (void)d, (void)ld, (void)name, (void)err;
    return 0;
}

static double no_shift(double h)
{
    (void)h;
    return 0;
}

/* MATH §3.4: exp(-|x - t| / tau) (laplace) or exp(-|x - t|^2 / (2 tau^2)) (gauss). */
static int flat_dist_kernel(gfd_kernel kind, double tau, gfd_ksum_spec *spec, gfd_err *err)
{
    if (kind != GFD_KERNEL_LAPLACE && kind != GFD_KERNEL_GAUSS)
        return gfd_fail(err, GFD_EUSAGE, "the distance kernel must be laplace or gauss");
    *spec = (gfd_ksum_spec){.kernel = kind, .h = tau};
    return 0;
}

GFD_CLONES
static void flat_kernel_dists(double *sqdist, size_t len)
{
    #pragma omp simd
    for (size_t t = 0; t < len; t++)
        sqdist[t] = sqrt(sqdist[t]);
}

static double flat_dist(const double *x, const double *y, size_t d)
{
    double s = 0;
    for (size_t c = 0; c < d; c++)
        s += (x[c] - y[c]) * (x[c] - y[c]);
    return sqrt(s);
}

static double flat_chord_dist(double chord)
{
    return chord;
}

static void flat_tangent(const double *x, const double *v, double *out, size_t d)
{
    (void)x;
    for (size_t c = 0; c < d; c++)
        out[c] = v[c];
}

static void flat_move(const double *x, const double *v, double *out, size_t d)
{
    for (size_t c = 0; c < d; c++)
        out[c] = x[c] + v[c];
}

static void flat_tangent_rows(const double *X, size_t n, size_t d, double *V)
{
    (void)X, (void)n, (void)d, (void)V;  /* every vector is tangent */
}

static const gfd_geometry flat = {
    .name = "flat", .points = flat_points, .check = flat_check, .bandwidth = gfd_bw_select,
    .kde_kernel = GFD_KERNEL_GAUSS, .kde_shift = no_shift,
    .dist_kernel = flat_dist_kernel, .kernel_dists = flat_kernel_dists,
    .dist = flat_dist, .chord_dist = flat_chord_dist, .sqdist = NULL,
    .tangent = flat_tangent, .move = flat_move, .tangent_rows = flat_tangent_rows,
    .slicer = &gfd_slicer_line,
};

const gfd_geometry *gfd_geometry_flat(void) { return &flat; }
