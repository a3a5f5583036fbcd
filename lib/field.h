/* Velocity fields (MATH §3). A field is one table entry in field.c: its name, its unit
 * family (MATH §1: score fields give 1/length, displacement fields a length), whether it
 * takes a parameter (alpha:A), and compute(). A field spec is a weighted mixture of
 * terms (MATH §3.8): "-f rkl:0.5,chi2:0.5", "-f alpha:0.5:1" (parameter, then weight). */
#ifndef GFD_FIELD_H
#define GFD_FIELD_H

#include <stdint.h>
#include "cloud.h"
#include "ksum.h"
#include "rng.h"

#define GFD_MAX_TERMS 16
#define GFD_MAX_TEMPS 8

typedef enum { GFD_UNITS_SCORE, GFD_UNITS_DISPLACEMENT } gfd_units;
typedef enum { GFD_NORMALIZE_BOTH, GFD_NORMALIZE_SEP } gfd_normalize;

/* Everything a field may need besides the two clouds. Defaults: gfd_field_opts_default. */
typedef struct {
    double h;              /* bandwidth in force (chosen from Y, MATH §2.5) */
    uint64_t seed, step;   /* random draws use stream (seed, step): same bytes, any -j */
    double ratio_clip;     /* §3.1 --ratio-clip R: r clipped to [1/R, R] (1e6) */
    int exclude_self;      /* §2.3: q_h at a particle leaves it out */
    int mc;                /* §3.3 --mc S (16) */
    /* §3.4 drift */
    double temps[GFD_MAX_TEMPS];
    int ntemps;            /* --temps (0.02,0.05,0.2) */
    double floor;          /* --floor (1e-6) */
    gfd_kernel drift_kernel;   /* --kernel laplace (default) | gauss */
    gfd_normalize normalize;   /* --normalize both (default) | sep */
    int no_mask, no_rms, no_scale;
    double noise_inject;   /* §3.5 --noise-inject beta (0) */
    /* §3.6 sinkhorn */
    double eps;            /* --eps, 0 means h^2 */
    int iters;             /* --iters (50) */
    double tol;            /* --tol (0: run all iterations) */
    int no_cross_weight;   /* sinkhorn-proxy: T+ - T- */
    int projections;       /* §3.7 --projections L (64) */
    int sphere;            /* MATH §4 --sphere: X, Y unit rows, vMF kernel, v tangent */
} gfd_field_opts;

/* What a computation reports back (lib never prints: cmd/ shows this with -v). */
typedef struct {
    int sinkhorn_iters;        /* iterations run by the last sinkhorn solve */
    double sinkhorn_marginal;  /* its final marginal error */
} gfd_field_report;

/* X: N x d particles, Y: M x d targets, param: the term's parameter (alpha),
 * V: N x d velocities, written (not added to). */
typedef int (*gfd_field_fn)(const gfd_cloud *X, const gfd_cloud *Y, const gfd_field_opts *o,
                            double param, double *V, gfd_field_report *rep, gfd_err *err);

typedef struct {
    const char *name;
    gfd_units units;
    int has_param;         /* "alpha:A" */
    gfd_field_fn compute;
    const char *summary;   /* one line for --help and errors */
    int on_sphere;         /* MATH §4: available with --sphere */
} gfd_field_def;

typedef struct {
    const gfd_field_def *def;
    double param, weight;
} gfd_field_term;

typedef struct {
    gfd_field_term terms[GFD_MAX_TERMS];
    int nterms;
} gfd_field_spec;

void gfd_field_opts_default(gfd_field_opts *o);
/* Parses "NAME[:PARAM][:WEIGHT],..." (weights >= 0, default 1, at least one > 0). */
int gfd_field_parse(const char *text, gfd_field_spec *spec, gfd_err *err);
/* The table, NULL-terminated by name, for --help listings. */
const gfd_field_def *gfd_field_table(void);
/* Units of a spec: displacement only if every term is (MATH §1: a mixture across
 * the families counts as score). */
gfd_units gfd_field_units(const gfd_field_spec *spec);
/* Whether spec and o can run together: with o->sphere every term must be on_sphere
 * and --noise-inject 0 (GFD_EUSAGE naming the field otherwise). */
int gfd_field_check(const gfd_field_spec *spec, const gfd_field_opts *o, gfd_err *err);
/* Whether v depends on the bandwidth o->h: every term but sliced and drift, and sinkhorn
 * and sinkhorn-proxy only without --eps. gfd_velocity requires h > 0 only then. */
int gfd_field_uses_bandwidth(const gfd_field_spec *spec, const gfd_field_opts *o);
/* v = sum_t weight_t v_t (MATH §3.8). With o->sphere (MATH §4) X and Y must be unit rows
 * and V is projected onto the tangent spaces: v_i = (I - x_i x_i^T) v_i. X: N x d, Y: M x d, V: N x d. */
int gfd_velocity(const gfd_field_spec *spec, const gfd_field_opts *o, const gfd_cloud *X,
                 const gfd_cloud *Y, double *V, gfd_field_report *rep, gfd_err *err);

/* What a random stream is for, so that draws for different uses never coincide. */
enum { GFD_STREAM_MC = 1, GFD_STREAM_NOISE_INJECT, GFD_STREAM_STEP_NOISE, GFD_STREAM_DIRECTIONS };
/* The generator of stream (seed, step, purpose, i): the draws of particle (or direction) i
 * for one purpose at one step. Every random choice of a field or a step comes from such a
 * stream, never from a generator shared across rows, so bytes do not depend on -j. */
void gfd_field_rng(gfd_rng *r, uint64_t seed, uint64_t step, int purpose, uint64_t i);

#endif
