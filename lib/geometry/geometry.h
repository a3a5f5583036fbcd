/* The geometry interface (private to lib/; gfd/geometry.h is the public face): flat R^d
 * (flat.c) and the sphere S^(d-1) (sphere_geometry.c) are two values of this struct. Code
 * that works on either asks the geometry, never "are we on the sphere?". */
#ifndef GFD_GEOMETRY_IMPL_H
#define GFD_GEOMETRY_IMPL_H

#include "geometry/slices.h"
#include "gfd/geometry.h"
#include "gfd/ksum.h"

struct gfd_geometry {
    const char *name;
    /* The flag a field or metric must have to run here (GFD_FIELD_SPHERE, GFD_METRIC_SPHERE;
     * 0: every one runs), and whether options marked GFD_OPT_FLAT_ONLY are refused. */
    unsigned field_needs, metric_needs;
    int (*points)(double *X, size_t n, size_t d, size_t ld, int project, const char *name,
                  gfd_err *err);
    /* Whether the rows of X (n x d at stride ld) are points, without changing them
     * (GFD_EDATA naming `name` and the row). */
    int (*check)(const double *X, size_t n, size_t d, size_t ld, const char *name, gfd_err *err);
    int (*bandwidth)(const gfd_bw_rule *rule, const gfd_cloud *Y, uint64_t seed, double *h,
                     gfd_err *err);
    /* MATH §2.1 / §4: the engine kernel of the KDE of bandwidth h, and the logit shift that
     * makes it exp(-|x - y|^2 / (2 h^2)) on points: 0 (Gaussian), -1/h^2 (vMF on unit rows) */
    gfd_kernel kde_kernel;
    double (*kde_shift)(double h);
    /* The distance kernel exp(-D(x, t) / tau) of the drift (MATH §3.4; §4: D = 1 - x.t on
     * the sphere, |x - t| flat) as an engine spec (kind GFD_KERNEL_GAUSS: exp(-D^2/(2 tau^2)),
     * where the geometry has it); and D from |x - t|^2, in place over an array. */
    int (*dist_kernel)(gfd_kernel kind, double tau, gfd_ksum_spec *spec, gfd_err *err);
    void (*kernel_dists)(double *sqdist, size_t len);
    /* Geodesic distances: of two points; of a chord length; squared, from |x - y|^2 and
     * |x + y|^2 (which keeps full accuracy near antipodes), NULL where it is |x - y|^2. */
    double (*dist)(const double *x, const double *y, size_t d);
    double (*chord_dist)(double chord);
    double (*sqdist)(double minus2, double plus2);
    /* The tangent part of v at x, and the move from x along it (x + v, exp_x(v)). */
    void (*tangent)(const double *x, const double *v, double *out, size_t d);
    void (*move)(const double *x, const double *v, double *out, size_t d);
    /* V (n x d) replaced by its tangent parts at the rows of X (n x d). */
    void (*tangent_rows)(const double *X, size_t n, size_t d, double *V);
    /* The one-dimensional slices of sliced Wasserstein (MATH §3.7, §4). */
    const gfd_slicer *slicer;
};

/* Bandwidth rules on the sphere (MATH §4, sphere_bw.c; Y unit rows, d >= 2): sigma =
 * sqrt(sum_j w_j theta_j^2 / ((W - sum_j w_j^2 / W)(d - 1))), theta_j the geodesic distance
 * of y_j to the mean direction sum_j w_j y_j / |sum_j w_j y_j|; scott and silverman as MATH
 * §2.5 with d - 1 dimensions and this sigma; median uses the chordal |y_j - y_k|. */
int gfd_bw_sigma_sphere(const gfd_cloud *Y, double *sigma, gfd_err *err);
int gfd_bw_select_sphere(const gfd_bw_rule *rule, const gfd_cloud *Y, uint64_t seed, double *h,
                         gfd_err *err);

#endif
