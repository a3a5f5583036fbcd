/* The geometry of S^(d-1) (MATH §4): checking and normalising points, the tangent
 * projection, the exponential map and geodesic distances. No sampling (vmf.c), no
 * kernel sums (ksum.c). */
#include <float.h>
#include <math.h>

#include "gfd/sphere.h"

static double dot(const double *x, const double *y, size_t d)
{
    double s = 0;
    for (size_t k = 0; k < d; k++)
        s += x[k] * y[k];
    return s;
}

/* |v - c x| (c = 0: |v|), computed on v and x without storing the difference. A power
 * of two scales the terms, exactly, so that no square overflows or underflows; it scales
 * each term, since 2^-e itself overflows for a subnormal largest term. v, x: d. */
static double length_minus(const double *v, double c, const double *x, size_t d)
{
    double big = 0;
    for (size_t k = 0; k < d; k++) {
        double t = fabs(v[k] - c * x[k]);
        if (isnan(t))
            return NAN;  /* fmax would drop it */
        big = fmax(big, t);
    }
    if (big == 0 || !isfinite(big))
        return big;
    int e;
    frexp(big, &e);
    double s = 0;
    for (size_t k = 0; k < d; k++) {
        double t = ldexp(v[k] - c * x[k], -e);
        s += t * t;
    }
    return ldexp(sqrt(s), e);
}

double gfd_sphere_length(const double *u, size_t d)
{
    return length_minus(u, 0, u, d);
}

/* Rows whose norm is 1 to rounding are left bit for bit: dividing them again would move
 * each coordinate by an ulp, an absolute error of ~eps in every distance, where nearby
 * unit rows keep their exact difference x - y and so small distances to full relative
 * accuracy (gfd_sphere_dist). The rows gfd writes are within 2 eps (test_sphere.c). */
#define UNIT_TO_ROUNDING (16 * DBL_EPSILON)

int gfd_sphere_normalize(double *X, size_t n, size_t d, size_t ld, const char *name,
                         gfd_err *err)
{
    for (size_t i = 0; i < n; i++) {
        double *x = X + i * ld, len = gfd_sphere_length(x, d);
        if (len == 0)
            return gfd_fail(err, GFD_EDATA, "%s: row %zu: a zero row has no direction",
                            name ? name : "points", i + 1);
        if (fabs(len - 1) > UNIT_TO_ROUNDING)
            for (size_t k = 0; k < d; k++)
                x[k] /= len;
    }
    return 0;
}

int gfd_sphere_check(const double *X, size_t n, size_t d, size_t ld, const char *name,
                     gfd_err *err)
{
    for (size_t i = 0; i < n; i++) {
        double len = gfd_sphere_length(X + i * ld, d);
        if (!(fabs(len - 1) <= GFD_SPHERE_TOL))
            return gfd_fail(err, GFD_EDATA,
                            "%s: row %zu: norm %.9g is not 1 (off the unit sphere by more "
                            "than %g; --project normalises)",
                            name ? name : "points", i + 1, len, GFD_SPHERE_TOL);
    }
    return 0;
}

/* MATH §4: the tangent projection (I - x x^T) v. x, v, out: d. */
void gfd_sphere_tangent(const double *x, const double *v, double *out, size_t d)
{
    double c = dot(x, v, d);
    for (size_t k = 0; k < d; k++)
        out[k] = v[k] - c * x[k];
}

/* MATH §4: exp_x(u) = cos|u| x + sin|u| u/|u| with u = (I - x x^T) v, formed on the fly
 * (so out may alias x or v), then divided by its norm: rounding never accumulates off
 * the sphere over many steps. sin(t)/t -> 1 as t -> 0. x, v, out: d. */
void gfd_sphere_exp(const double *x, const double *v, double *out, size_t d)
{
    double c = dot(x, v, d), t = length_minus(v, c, x, d);
    double a = cos(t), b = t > 0 ? sin(t) / t : 1;
    for (size_t k = 0; k < d; k++)
        out[k] = a * x[k] + b * (v[k] - c * x[k]);
    double len = sqrt(dot(out, out, d));
    for (size_t k = 0; k < d; k++)
        out[k] /= len;
}

/* MATH §4: arccos(clamp(x.y, -1, 1)), evaluated as 2 atan2(|x - y|, |x + y|) (the
 * half-angle chord form): arccos loses half the digits near 0 and pi, since 1 - cos t
 * is below rounding for t < 1e-8; this form keeps full accuracy at every angle. x, y: d. */
double gfd_sphere_dist(const double *x, const double *y, size_t d)
{
    double m = 0, p = 0;
    for (size_t k = 0; k < d; k++) {
        double a = x[k] - y[k], b = x[k] + y[k];
        m += a * a;
        p += b * b;
    }
    return 2 * atan2(sqrt(m), sqrt(p));
}

/* Fails naming the first row of out (n x w) that is not finite: only a v near the
 * largest double overflows (x.v, or v - (x.v) x). */
static int finite_rows(const double *out, size_t n, size_t w, gfd_err *err)
{
    for (size_t i = 0; i < n * w; i++)
        if (!isfinite(out[i]))
            return gfd_fail(err, GFD_ENUMERIC, "row %zu: the result overflows (v is too large)",
                            i / w + 1);
    return 0;
}

/* XV: n x 2d rows [x, v]; out: n x 2d rows [x, (I - x x^T) v]. */
int gfd_sphere_tangent_rows(const double *XV, size_t n, size_t d, double *out, gfd_err *err)
{
    #pragma omp parallel for schedule(static)
    for (size_t i = 0; i < n; i++) {
        const double *x = XV + i * 2 * d;
        for (size_t k = 0; k < d; k++)
            out[i * 2 * d + k] = x[k];
        gfd_sphere_tangent(x, x + d, out + i * 2 * d + d, d);
    }
    return finite_rows(out, n, 2 * d, err);
}

/* XV: n x 2d rows [x, v]; out: n x d rows exp_x(v). */
int gfd_sphere_exp_rows(const double *XV, size_t n, size_t d, double *out, gfd_err *err)
{
    #pragma omp parallel for schedule(static)
    for (size_t i = 0; i < n; i++)
        gfd_sphere_exp(XV + i * 2 * d, XV + i * 2 * d + d, out + i * d, d);
    return finite_rows(out, n, d, err);
}

/* A, B: n x d; out: n. */
void gfd_sphere_dist_rows(const double *A, const double *B, size_t n, size_t d, double *out)
{
    #pragma omp parallel for schedule(static)
    for (size_t i = 0; i < n; i++)
        out[i] = gfd_sphere_dist(A + i * d, B + i * d, d);
}

/* A: n x d, B: m x d; out: n x m. */
void gfd_sphere_dist_all(const double *A, size_t n, const double *B, size_t m, size_t d,
                         double *out)
{
    #pragma omp parallel for schedule(static)
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < m; j++)
            out[i * m + j] = gfd_sphere_dist(A + i * d, B + j * d, d);
}
