/* What is behind an entry of the field table (private to lib/): its operations and the
 * state they keep for one run. A field file defines its options and one gfd_field_ops;
 * field.c lists it in the table. */
#ifndef GFD_FIELD_IMPL_H
#define GFD_FIELD_IMPL_H

#include "geometry/geometry.h"
#include "gfd/field.h"

/* The terms of a mixture that one call computes: a single term, or every term of a
 * kind whose ops are `shared` (the f-divergences share their kernel passes, MATH §3.8). */
typedef struct {
    const gfd_field_def *def;
    const gfd_geometry *geom;
    gfd_field_term terms[GFD_MAX_TERMS];  /* its terms, with their current weights */
    int spec_index[GFD_MAX_TERMS];        /* where each stands in the spec */
    int nterms;
    int uses_h;    /* set from GFD_FIELD_BANDWIDTH; init clears it when h is not used */
    size_t flow_batch;    /* the def's flow defaults; init may change them (a preset) */
    double flow_eta_end;
    void *state;   /* init's: the options read, scratch, what report() shows */
} field_part;

typedef struct {
    const gfd_cloud *X, *Y;
    const gfd_field_args *a;
} field_call;

struct gfd_field_ops {
    int shared;  /* one call for all its terms, each weighted inside; else one per term */
    int (*init)(field_part *p, const gfd_settings *s, gfd_err *err);
    /* V (N x d) = the part's velocity, before the tangent projection: sum_t w_t v_t when
     * shared, else the unweighted v of the one term. */
    int (*compute)(field_part *p, const field_call *c, double *V, gfd_err *err);
    void (*free)(field_part *p);                                   /* NULL: free(state) */
    size_t (*report)(const field_part *p, char *buf, size_t cap);  /* NULL: nothing */
};

/* The entries (one file each): MATH §3.1 fdiv.c, §3.3 smoothed.c, §3.5 mmd.c, §3.4
 * drift.c, §3.6 sinkhorn.c, §3.7 sliced.c, §3.9 critic.c. */
extern const gfd_field_ops fdiv_ops, smoothed_ops, mmd_ops, drift_ops, sinkhorn_ops,
    proxy_ops, sliced_ops, critic_ops;
extern const gfd_option fdiv_options[], smoothed_options[], mmd_options[], drift_options[],
    sinkhorn_options[], proxy_options[], sliced_options[], critic_options[];

/* The f-divergences of MATH §3.1 (fdiv.c): g(r) of its table from log r, and their names
 * in this order (critic's word parameter; "alpha:A" takes A). */
typedef enum { FDIV_KL, FDIV_RKL, FDIV_CHI2, FDIV_ALPHA, FDIV_JS } fdiv_kind;
double field_fdiv_g(fdiv_kind kind, double alpha, double logr);
extern const char *const field_fdiv_words[];

/* MATH §3.1's clip of the density ratio (fdiv.c, critic.c). */
#define FIELD_OPTION_RATIO_CLIP \
    {"ratio-clip", GFD_OPT_REAL, "R", "r = q/p clipped to [1/R, R]", 1e6, 1, HUGE_VAL, 0, NULL, 0}

/* The stopping tolerance of the iterative fields (sinkhorn.c, critic.c). */
#define FIELD_OPTION_TOL \
    {"tol", GFD_OPT_REAL, "T", "stop at this error: Sinkhorn's L1 marginal error, the critic's " \
     "largest loss gradient (0: Sinkhorn runs every iteration, the critic stops at 1e-9)", \
     0, 0, HUGE_VAL, 0, NULL, 0}

/* The option every field that sums a kernel over the particles offers (MATH §2.3). */
#define FIELD_OPTION_EXCLUDE_SELF \
    {"exclude-self", GFD_OPT_FLAG, NULL, "q_h at a particle leaves the particle out (MATH 2.3)", 0, 0, 0, 0, NULL, 0}

/* The two kernel passes of the score fields (MATH §2.2, §2.3), lib/fields/fdiv.c. For query
 * rows Q (row i belongs to particle i): lp = log sum_j w_j k(q_i, y_j) and mp = sum_j a_j y_j
 * over the targets; lq and mq the same over the particles, the self pair (i, i) included
 * unless exclude_self (then dropped and the other weights renormalised, as gfd_kde).
 * k is the geometry's KDE kernel shifted to exp(-|z|^2/(2h^2)) on its points: (2 pi h^2)^(d/2)
 * is left out of lp and lq alike. engine: the run's (--rtol), or NULL.
 * Q: N x d, lp, lq: N, mp, mq: N x d. */
int field_kde_passes(const gfd_cloud *X, const gfd_cloud *Y, const double *Q,
                     const gfd_geometry *g, double h, int exclude_self, const gfd_engine *engine,
                     double *lp, double *mp, double *lq, double *mq, gfd_err *err);

/* Mini-batches (MATH §3.10, batch.c): V (N x d) = fn over groups of at most `batch`
 * particles of X, each with `target_batch` targets drawn from Y (0: batch; batch 0: the
 * whole clouds, one call). fn(ctx, Xg, Yg, args, Vg, err) computes one group's field. */
typedef int (*field_group_fn)(void *ctx, const gfd_cloud *X, const gfd_cloud *Y,
                              const gfd_field_args *a, double *V, gfd_err *err);
int field_batches(size_t batch, size_t target_batch, const gfd_cloud *X, const gfd_cloud *Y,
                  const gfd_field_args *a, field_group_fn fn, void *ctx, double *V, gfd_err *err);

#endif
