/* The geometry of the unit hypersphere S^(d-1) (MATH §4): points (rows of unit norm),
 * tangent projection, the exponential map and geodesic distances. Sampling on the
 * sphere (uniform, von Mises-Fisher) is in vmf.h; the sphere as a geometry (the value that
 * fields, steps and metrics take) in geometry.h. Arrays of rows take a row stride
 * `ld` (in doubles) so that the x or v half of [x, v] rows can be used in place. */
#ifndef GFD_SPHERE_H
#define GFD_SPHERE_H

#include <stddef.h>

#include "defs.h"
#include "err.h"

GFD_BEGIN_DECLS
GFD_VISIBLE_BEGIN

/* A point is on the sphere when ||x| - 1| <= GFD_SPHERE_TOL (CSV with 7 digits passes). */
#define GFD_SPHERE_TOL 1e-6

/* X: n rows of d at stride ld. Normalises every row to unit norm (rows already unit to
 * rounding, within 16 eps, are left as they are); a zero row fails with GFD_EDATA
 * naming `name` and the row (from 1). */
int gfd_sphere_normalize(double *X, size_t n, size_t d, size_t ld, const char *name,
                         gfd_err *err);
/* X: n x d at stride ld. Fails with GFD_EDATA naming `name` and the first row (from 1)
 * whose norm is farther than GFD_SPHERE_TOL from 1. */
int gfd_sphere_check(const double *X, size_t n, size_t d, size_t ld, const char *name,
                     gfd_err *err);

/* |u| without overflow or underflow for any finite u (inf when u holds an inf, NaN when it
 * holds a NaN). u: d. */
double gfd_sphere_length(const double *u, size_t d);
/* out = (I - x x^T) v, the tangent part of v at the point x. x, v, out: d; out may be v. */
void gfd_sphere_tangent(const double *x, const double *v, double *out, size_t d);
/* out = exp_x(u) = cos|u| x + sin|u| u/|u| for the tangent part u of v at x, then
 * normalised (exp_x(0) = x). x, v, out: d; out may be x or v. */
void gfd_sphere_exp(const double *x, const double *v, double *out, size_t d);
/* Geodesic distance of two points: arccos(x.y) = 2 atan2(|x - y|, |x + y|). x, y: d. */
double gfd_sphere_dist(const double *x, const double *y, size_t d);

/* Row loops over [x, v] rows (XV: n x 2d), threaded, results independent of threads.
 * A result that overflows (only for |v| near the largest double) fails naming its row.
 * tangent: out n x 2d, rows [x, (I - x x^T) v]; exp: out n x d, rows exp_x(v). */
int gfd_sphere_tangent_rows(const double *XV, size_t n, size_t d, double *out, gfd_err *err);
int gfd_sphere_exp_rows(const double *XV, size_t n, size_t d, double *out, gfd_err *err);
/* A, B: n x d; out: n, the distance of row i of A to row i of B. */
void gfd_sphere_dist_rows(const double *A, const double *B, size_t n, size_t d, double *out);
/* A: n x d, B: m x d; out: n x m, every pair. Only when the matrix itself is asked for. */
void gfd_sphere_dist_all(const double *A, size_t n, const double *B, size_t m, size_t d,
                         double *out);

GFD_VISIBLE_END
GFD_END_DECLS

#endif
