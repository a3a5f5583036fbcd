/* Where the points live, as one value chosen once per run (MATH §4): flat R^d, or the unit
 * sphere S^(d-1) of R^d. Fields, steps, bandwidth rules and metrics take a geometry and
 * ask it for whatever differs between the two: which rows are points, the bandwidth rule,
 * the kernel, distances, the tangent space and the step along a geodesic. */
#ifndef GFD_GEOMETRY_H
#define GFD_GEOMETRY_H

#include <stddef.h>
#include <stdint.h>

#include "bandwidth.h"
#include "cloud.h"
#include "defs.h"
#include "err.h"

GFD_BEGIN_DECLS
GFD_VISIBLE_BEGIN

typedef struct gfd_geometry gfd_geometry;

const gfd_geometry *gfd_geometry_flat(void);
const gfd_geometry *gfd_geometry_sphere(void);
/* "flat" or "sphere". */
const char *gfd_geometry_name(const gfd_geometry *g);

/* Rows of X (n x d at stride ld) read from `name`, made points of the geometry. Flat: any
 * rows. Sphere: d >= 2 and unit rows within GFD_SPHERE_TOL (then normalised exactly), or
 * with `project` every nonzero row normalised; GFD_EDATA names the file and the row. */
int gfd_geometry_points(const gfd_geometry *g, double *X, size_t n, size_t d, size_t ld,
                        int project, const char *name, gfd_err *err);
/* The bandwidth of a rule for the targets Y (MATH §2.5; on the sphere geodesic spreads,
 * bandwidth.h). */
int gfd_geometry_bandwidth(const gfd_geometry *g, const gfd_bw_rule *rule, const gfd_cloud *Y,
                           uint64_t seed, double *h, gfd_err *err);
/* The geodesic distance of two points: |x - y|, or arccos(x.y) on the sphere. x, y: d. */
double gfd_geometry_dist(const gfd_geometry *g, const double *x, const double *y, size_t d);
/* out = the tangent part of v at x: v itself, or (I - x x^T) v. x, v, out: d; out may be v. */
void gfd_geometry_tangent(const gfd_geometry *g, const double *x, const double *v, double *out,
                          size_t d);
/* out = the point reached from x along the tangent part of v: x + v, or exp_x(v) (MATH §4).
 * x, v, out: d; out may be x or v. */
void gfd_geometry_move(const gfd_geometry *g, const double *x, const double *v, double *out,
                       size_t d);

GFD_VISIBLE_END
GFD_END_DECLS

#endif
