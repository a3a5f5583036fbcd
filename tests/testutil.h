/* Helpers shared by the C unit tests: random points and clouds drawn in a fixed order,
 * the direct long-double KDE pass (log-sum-exp and softmax mean, MATH §2.2) the field
 * tests check the library against, and one field or metric evaluation through the public
 * API, options given as text ("floor=0 no-mask"). */
#ifndef GFD_TESTUTIL_H
#define GFD_TESTUTIL_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gfd.h"
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

/* Settings from "name=value name ..." (a bare name is a flag), through the table of fields
 * (metrics: 0) or metrics (1). */
static inline int tu_settings(gfd_settings *s, const char *opts, int metrics, gfd_err *err)
{
    char buf[512], *save = NULL;
    gfd_settings_init(s);
    snprintf(buf, sizeof buf, "%s", opts ? opts : "");
    for (char *tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        char *eq = strchr(tok, '=');
        if (eq)
            *eq = 0;
        int rc = metrics ? gfd_metric_setting(s, tok, eq ? eq + 1 : NULL, err)
                         : gfd_field_setting(s, tok, eq ? eq + 1 : NULL, err);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* Field `text` with options `opts` on geometry g (NULL: flat) at X toward Y with bandwidth
 * h and the streams of (seed, step): returns what gfd_field_velocity does, V: N x d. */
static inline int tu_field_try(const char *text, const char *opts, const gfd_geometry *g,
                               double h, uint64_t seed, uint64_t step, const gfd_cloud *X,
                               const gfd_cloud *Y, double *V, gfd_err *err)
{
    gfd_field_spec spec;
    gfd_settings set;
    gfd_field_args a = {.h = h, .seed = seed, .step = step};
    if (gfd_field_parse(text, &spec, err) < 0 || tu_settings(&set, opts, 0, err) < 0)
        return -1;
    gfd_field *f = gfd_field_new(&spec, &set, g ? g : gfd_geometry_flat(), err);
    int rc = f ? gfd_field_velocity(f, X, Y, &a, V, err) : -1;
    gfd_field_free(f);
    return rc;
}

/* The same, checked to succeed; V malloc'd. */
static inline double *tu_field_at(const char *text, const char *opts, const gfd_geometry *g,
                                  double h, uint64_t seed, uint64_t step, const gfd_cloud *X,
                                  const gfd_cloud *Y)
{
    gfd_err err;
    double *V = malloc(X->n * X->d * sizeof *V);
    CHECK(tu_field_try(text, opts, g, h, seed, step, X, Y, V, &err) == 0, "%s [%s]: %s", text,
          opts ? opts : "", err.msg);
    return V;
}

/* Flat, seed and step 0. */
static inline double *tu_field(const char *text, const char *opts, double h, const gfd_cloud *X,
                               const gfd_cloud *Y)
{
    return tu_field_at(text, opts, NULL, h, 0, 0, X, Y);
}

/* Metrics `names` with options `opts` on geometry g (NULL: flat), seed 0 and the scott rule,
 * modes (or NULL), of S against R: returns what gfd_metrics_eval does into values. */
static inline int tu_metric_try(const char *names, const char *opts, const gfd_geometry *g,
                                const gfd_cloud *modes, const gfd_cloud *S, const gfd_cloud *R,
                                double *values, gfd_err *err)
{
    gfd_settings set;
    if (tu_settings(&set, opts, 1, err) < 0)
        return -1;
    gfd_metric_setup setup = {.geometry = g, .settings = &set, .bw = {GFD_BW_SCOTT, 0},
                              .modes = modes};
    gfd_metrics *m = gfd_metrics_new(names, &setup, R, err);
    int rc = m ? gfd_metrics_eval(m, S, values, err) : -1;
    gfd_metrics_free(m);
    return rc;
}

/* The same, checked to succeed: the first column. */
static inline double tu_metric(const char *names, const char *opts, const gfd_geometry *g,
                               const gfd_cloud *S, const gfd_cloud *R)
{
    gfd_err err;
    double v[GFD_METRIC_MAX_COLUMNS] = {0};
    CHECK(tu_metric_try(names, opts, g, NULL, S, R, v, &err) == 0, "%s [%s]: %s", names,
          opts ? opts : "", err.msg);
    return v[0];
}

#endif
