/* Optimal transport on the circle R/Z, positions in turns [0, 1) (MATH §4; Bonet et al.
 * 2023, eq. 4; Delon, Salomon and Sobolevski 2010). For x (n) and y (m), each atom of mass
 * 1/n or 1/m,
 *     W_2^2 = min over alpha of int_0^1 (F_x^-1(t) - F_y^-1(t + alpha))^2 dt,
 * with the quantile function lifted periodically, F_y^-1(u + 1) = F_y^-1(u) + 1. The cost is
 * convex and piecewise linear in alpha with kinks only at multiples of 1/(n m), so it is
 * minimised exactly over those, by bisection on the integer shift s = alpha n m. */
#ifndef GFD_CIRCLE_H
#define GFD_CIRCLE_H

#include <stddef.h>

/* The position, in turns [0, 1), of the projection of x on the oriented great circle
 * (u, u + d): atan2(u2 . x, u1 . x) / (2 pi). x: d, u: 2d orthonormal (gfd_rng_plane). */
double gfd_circle_turn(const double *x, const double *u, size_t d);

/* x: n, y: m, both sorted ascending in [0, 1). Returns the optimal shift s (alpha = s/(n m),
 * |s| <= n m) and stores W_2^2 on the circle of length 1 in *w2sq. */
long long gfd_circle_shift(const double *x, size_t n, const double *y, size_t m, double *w2sq);

/* The target position at level u / (2 n m) of the midpoint quantile function of MATH §3.7
 * on the circle: atom j of the sorted y sits at level (j + 0.5)/m, positions are linear in
 * between and lifted periodically. With the optimal shift s, particle k of n (in sorted
 * order) goes to level u = (2k + 1) m + 2 s. y: m, sorted in [0, 1). */
double gfd_circle_quantile(const double *y, size_t m, size_t n, long long u);

#endif
