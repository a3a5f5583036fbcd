/* Evaluation metrics (MATH §5). A metric is one table entry in metric.c: its name, the
 * columns it yields, whether it needs mixture centres, and compute(S, R, opts, values).
 * A metric spec is a list of metrics ("--metrics mmd,w2"); its columns are the metrics'
 * columns in order. gfd-eval fills one table row per sample file; gfd-flow can call
 * gfd_metric_eval once per step with the same prepared options.
 * Clouds are unweighted: every row has mass 1/N (a cloud with weights is refused). */
#ifndef GFD_METRIC_H
#define GFD_METRIC_H

#include <stddef.h>
#include <stdint.h>

#include "bandwidth.h"
#include "cloud.h"

#define GFD_METRIC_MAX 16
#define GFD_METRIC_MAX_BW 8
#define GFD_W2_MAX 10000   /* largest N = M of the exact assignment solver */
#define GFD_METRIC_MAX_COLUMNS (4 * GFD_METRIC_MAX)  /* a metric has at most 4 columns */

/* Everything a metric may need besides the two clouds. Defaults: gfd_metric_opts_default;
 * the fields marked "resolved" are filled from R by gfd_metric_prepare. */
typedef struct {
    uint64_t seed;             /* -s: sw2's directions, the median subset */
    gfd_bw_rule bw;            /* -b: the KDE bandwidth h of nll, and sinkhorn's default eps */
    double mmd_bw[GFD_METRIC_MAX_BW];
    int n_mmd_bw;              /* --mmd-bw; 0: the median pairwise distance of R (resolved) */
    double eps;                /* --eps of sinkhorn; 0: 2 h^2 (resolved) */
    int sinkhorn_iters;        /* most iterations at the final eps (10000) */
    double sinkhorn_tol;       /* stop at this L1 marginal error (1e-6) */
    int projections;           /* --projections L of sw2 (256) */
    int k;                     /* --k of prdc (5) */
    const gfd_cloud *modes;    /* coverage: K x (d+1) rows [c_1 .. c_d, sigma] (the file of
                                  gfd-sample --centers; gfd_metric_modes), or NULL */
    int sphere;                /* --sphere: unit rows, geodesic costs (MATH §4); only the
                                  metrics with a spherical version (gfd_metric_def.sphere) */
    double h;                  /* resolved: the -b bandwidth chosen from R (nll, and sinkhorn
                                  without --eps; 0 when no metric uses it) */
} gfd_metric_opts;

/* S: N x d samples, R: M x d reference, values: the metric's columns, in order. */
typedef int (*gfd_metric_fn)(const gfd_cloud *S, const gfd_cloud *R, const gfd_metric_opts *o,
                             double *values, gfd_err *err);

typedef struct {
    const char *name;
    const char *const *columns;  /* NULL-terminated */
    int needs_modes;             /* coverage: o->modes must be set */
    int sphere;                  /* has a spherical version (o->sphere) */
    gfd_metric_fn compute;
    const char *summary;         /* one line for --help */
} gfd_metric_def;

typedef struct {
    const gfd_metric_def *defs[GFD_METRIC_MAX];
    int n;
} gfd_metric_spec;

void gfd_metric_opts_default(gfd_metric_opts *o);
/* The table, terminated by an entry with a NULL name. */
const gfd_metric_def *gfd_metric_table(void);
/* Parses "NAME,NAME,..." (no repeats); an unknown name fails with GFD_EUSAGE. */
int gfd_metric_parse(const char *text, gfd_metric_spec *spec, gfd_err *err);
/* The modes of built-in mixture `name` as rows [c_1 .. c_d, sigma] (caller frees). */
int gfd_metric_modes(const char *name, gfd_cloud *modes, gfd_err *err);
/* Every metric that applies: coverage only with centres, w2 only when w2_applies
 * (every sample set has N = M <= GFD_W2_MAX). */
void gfd_metric_default(gfd_metric_spec *spec, int have_centers, int w2_applies);
/* Drops the metrics without a spherical version (the default list with --sphere). */
void gfd_metric_keep_sphere(gfd_metric_spec *spec);
/* Number of columns of a spec; names (if not NULL) gets them in order. */
size_t gfd_metric_columns(const gfd_metric_spec *spec, const char **names);
/* Checks the options against the spec (coverage without modes, a metric without a
 * spherical version when o->sphere, unit centres on the sphere: GFD_EUSAGE) and fills
 * the resolved fields from the reference R that the spec uses: h, the default MMD
 * bandwidth, eps. */
int gfd_metric_prepare(const gfd_metric_spec *spec, gfd_metric_opts *o, const gfd_cloud *R,
                       gfd_err *err);
/* All columns of the spec for samples S against R (options prepared for R).
 * values: gfd_metric_columns(spec) doubles. Errors are prefixed with the metric's name. */
int gfd_metric_eval(const gfd_metric_spec *spec, const gfd_metric_opts *o, const gfd_cloud *S,
                    const gfd_cloud *R, double *values, gfd_err *err);

/* The metrics, one family per file (the compute functions of the table). */
int gfd_metric_mmd(const gfd_cloud *S, const gfd_cloud *R, const gfd_metric_opts *o,
                   double *values, gfd_err *err);              /* metric_mmd.c */
int gfd_metric_energy(const gfd_cloud *S, const gfd_cloud *R, const gfd_metric_opts *o,
                      double *values, gfd_err *err);           /* metric_mmd.c */
int gfd_metric_w2(const gfd_cloud *S, const gfd_cloud *R, const gfd_metric_opts *o,
                  double *values, gfd_err *err);               /* metric_w2.c */
int gfd_metric_sinkhorn(const gfd_cloud *S, const gfd_cloud *R, const gfd_metric_opts *o,
                        double *values, gfd_err *err);         /* metric_sinkhorn.c */
int gfd_metric_sw2(const gfd_cloud *S, const gfd_cloud *R, const gfd_metric_opts *o,
                   double *values, gfd_err *err);              /* metric_sliced.c */
int gfd_metric_coverage(const gfd_cloud *S, const gfd_cloud *R, const gfd_metric_opts *o,
                        double *values, gfd_err *err);         /* metric_coverage.c */
int gfd_metric_prdc(const gfd_cloud *S, const gfd_cloud *R, const gfd_metric_opts *o,
                    double *values, gfd_err *err);             /* metric_prdc.c */
int gfd_metric_nll(const gfd_cloud *S, const gfd_cloud *R, const gfd_metric_opts *o,
                   double *values, gfd_err *err);              /* metric_nll.c */

/* Building blocks, exposed for the tests and for reuse. */
/* Optimal assignment for the cost |x_i - y_{perm_i}|^2 (Jonker-Volgenant), costs computed
 * from the rows, O(n) memory. X, Y: n x d, perm: n. Returns the mean cost in *mean. */
int gfd_lap_sqeuclid(const double *X, const double *Y, size_t n, size_t d, size_t *perm,
                     double *mean, gfd_err *err);
/* The same for the squared geodesic cost theta^2 = (2 atan2(|x - y|, |x + y|))^2 of unit
 * rows (MATH §4). */
int gfd_lap_sqgeodesic(const double *X, const double *Y, size_t n, size_t d, size_t *perm,
                       double *mean, gfd_err *err);
/* Entropic OT_eps(a, b) = min_P <P, C> + eps KL(P | a x b), C = |x - y|^2, uniform a, b,
 * by log-domain Sinkhorn (dual value at convergence). X: N x d, Y: M x d; Y == X (the
 * same pointer, m == n) runs the symmetric iteration. iters: iterations run. */
int gfd_sinkhorn_ot(const double *X, size_t n, const double *Y, size_t m, size_t d, double eps,
                    int max_iters, double tol, double *ot, int *iters, gfd_err *err);
/* W_2^2 between the uniform empirical measures of x (n) and y (m) on the line. The
 * arrays are sorted in place. */
double gfd_w2sq_1d(double *x, size_t n, double *y, size_t m);

/* The table as text: TABLE_TEXT aligned for people, TABLE_CSV (%.17g), TABLE_JSON (an
 * array of objects). rows: the row labels (file names), values: nrows x ncols.
 * Returns a malloc'd NUL-terminated string (caller frees) or NULL on ENOMEM. */
typedef enum { GFD_TABLE_TEXT, GFD_TABLE_CSV, GFD_TABLE_JSON } gfd_table_format;
char *gfd_metric_table_format(gfd_table_format fmt, const char *const *cols, size_t ncols,
                              const char *const *rows, size_t nrows, const double *values,
                              gfd_err *err);

#endif
