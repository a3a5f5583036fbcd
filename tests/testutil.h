/* Helpers shared by the C unit tests: random points and clouds drawn in a fixed order,
 * the direct long-double KDE pass (log-sum-exp and softmax mean, MATH §2.2) the field
 * tests check the library against, and one field evaluation through the public API. */
#ifndef GFD_TESTUTIL_H
#define GFD_TESTUTIL_H

#include <math.h>
#include <stdlib.h>

#include "../lib/gfd.h"
#include "unit.h"

/* x[k] = shift + scale N(0,1) for k < count, drawn from r in order. */
static inline void tu_normals(gfd_rng *r, double *x, size_t count, double shift, double scale)
{
    for (size_t k = 0; k < count; k++)
        x[k] = shift + scale * gfd_rng_normal(r);
}

/* An n x d cloud of shift + scale N(0,1) from r; weighted: then weights 0.2 + 1.6 U(0,1). */
static inline gfd_cloud tu_cloud(gfd_rng *r, size_t n, size_t d, double shift, double scale, int weighted)
{
    gfd_cloud c;
    gfd_cloud_alloc(&c, n, d, NULL);
    tu_normals(r, c.x, n * d, shift, scale);
    if (weighted) {
        c.w = malloc(n * sizeof *c.w);
        for (size_t i = 0; i < n; i++)
            c.w[i] = 0.2 + 1.6 * gfd_rng_uniform(r);
    }
    return c;
}

/* The same from a generator seeded with seed, but weights 0.2 + U(0,1). */
static inline gfd_cloud tu_seeded_cloud(uint64_t seed, size_t n, size_t d, double shift, double scale,
                                        int weighted)
{
    gfd_rng r;
    gfd_rng_seed(&r, seed);
    gfd_cloud c = tu_cloud(&r, n, d, shift, scale, 0);
    if (weighted) {
        c.w = malloc(n * sizeof *c.w);
        for (size_t i = 0; i < n; i++)
            c.w[i] = 0.2 + gfd_rng_uniform(&r);
    }
    return c;
}

/* Normalised weights w_i / sum_j w_j in long double (1/n when unweighted); malloc'd. */
static inline long double *tu_ref_weights(const gfd_cloud *c)
{
    long double *w = malloc(c->n * sizeof *w), total = 0;
    for (size_t i = 0; i < c->n; i++)
        total += c->w ? c->w[i] : 1;
    for (size_t i = 0; i < c->n; i++)
        w[i] = (c->w ? c->w[i] : 1) / total;
    return w;
}

/* At q: lse = log sum_j w_j exp(-|q - r_j|^2 / (2 h^2)) and the softmax mean of the r_j,
 * pair by pair in long double, shifted by the largest logit; w NULL: no weight term;
 * row `skip` left out (or -1). q, mean: d; R: M x d; w: M. */
static inline void tu_ref_pass(const double *q, const gfd_cloud *R, const long double *w, double h,
                               long skip, long double *lse, long double *mean)
{
    const size_t d = R->d;
    long double *l = malloc(R->n * sizeof *l), mx = -INFINITY, s = 0;
    for (size_t j = 0; j < R->n; j++) {
        long double d2 = 0;
        for (size_t c = 0; c < d; c++)
            d2 += ((long double)q[c] - R->x[j * d + c]) * ((long double)q[c] - R->x[j * d + c]);
        l[j] = (long)j == skip ? -INFINITY : w ? logl(w[j]) - d2 / (2.0L * h * h) : -d2 / (2.0L * h * h);
        mx = l[j] > mx ? l[j] : mx;
    }
    for (size_t c = 0; c < d; c++)
        mean[c] = 0;
    for (size_t j = 0; j < R->n; j++) {
        long double e = expl(l[j] - mx);
        s += e;
        for (size_t c = 0; c < d; c++)
            mean[c] += e * R->x[j * d + c];
    }
    for (size_t c = 0; c < d; c++)
        mean[c] /= s;
    *lse = mx + logl(s);
    free(l);
}

/* The field `text` (gfd_field_parse syntax) at X by gfd_velocity; V: N x d, malloc'd. */
static inline double *tu_field(const char *text, const gfd_field_opts *o, const gfd_cloud *X,
                               const gfd_cloud *Y)
{
    gfd_field_spec spec;
    gfd_err err;
    double *V = malloc(X->n * X->d * sizeof *V);
    CHECK(gfd_field_parse(text, &spec, &err) == 0, "%s", err.msg);
    CHECK(gfd_velocity(&spec, o, X, Y, V, NULL, &err) == 0, "%s: %s", text, err.msg);
    return V;
}

#endif
