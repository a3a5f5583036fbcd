/* Evaluation metrics (MATH §5). Every metric is one self-describing entry of the table
 * (gfd_metric_table): its name, the columns it yields, what it needs and where it runs
 * (GFD_METRIC_*), and its long options as descriptors (options.h). A gfd_metrics is a
 * list of metrics prepared against one reference set R: whatever depends on R alone (the
 * default MMD bandwidth, its kernel sums over R, prdc's radii, OT(b, b)) is computed once,
 * so that gfd-flow can evaluate the list at every log row cheaply. A row of a cloud without
 * weights has mass 1/N; with weights (cloud.h) its normalised weight, for the metrics that
 * take weights (GFD_METRIC_WEIGHTS; the others refuse a weighted cloud). */
#ifndef GFD_METRIC_H
#define GFD_METRIC_H

#include <stddef.h>
#include <stdint.h>

#include "bandwidth.h"
#include "cloud.h"
#include "defs.h"
#include "geometry.h"
#include "options.h"

GFD_BEGIN_DECLS
GFD_VISIBLE_BEGIN

#define GFD_METRIC_MAX 16
#define GFD_W2_MAX 10000   /* largest N = M of the exact assignment solver */
#define GFD_METRIC_MAX_COLUMNS (4 * GFD_METRIC_MAX)  /* a metric has at most 4 columns */

enum {  /* gfd_metric_def.flags */
    GFD_METRIC_MODES = 1,      /* needs the mixture's modes (gfd_metric_setup.modes) */
    GFD_METRIC_SPHERE = 2,     /* has a spherical version: geodesic costs (MATH §4) */
    GFD_METRIC_BANDWIDTH = 4,  /* uses the KDE bandwidth of gfd_metric_setup.bw */
    GFD_METRIC_SAME_SIZE = 8,  /* needs N = M <= GFD_W2_MAX */
    GFD_METRIC_STOCHASTIC = 16, /* draws random numbers, from the seed */
    GFD_METRIC_WEIGHTS = 32,   /* takes weighted clouds (the reference's, the samples') */
};

/* The operations behind an entry (init, compute, free): private to the library. */
typedef struct gfd_metric_ops gfd_metric_ops;

typedef struct {
    const char *name;
    const char *summary;         /* one line for --help and --list-metrics */
    const char *const *columns;  /* NULL-terminated */
    unsigned flags;              /* GFD_METRIC_* */
    const gfd_option *options;   /* its long options, ended by an entry with a NULL name */
    const gfd_metric_ops *ops;
} gfd_metric_def;

/* The table, ended by an entry with a NULL name. */
const gfd_metric_def *gfd_metric_table(void);
/* The descriptor of the metric option called name (from any entry), or NULL. */
const gfd_option *gfd_metric_option(const char *name);
/* gfd_settings_set for the metric option called name (GFD_EUSAGE if there is none). */
int gfd_metric_setting(gfd_settings *s, const char *name, const char *value, gfd_err *err);

/* What a list of metrics is prepared with besides the reference. */
typedef struct {
    const gfd_geometry *geometry;  /* flat (NULL) or the sphere */
    const gfd_settings *settings;  /* the metrics' options, or NULL for the defaults */
    gfd_bw_rule bw;                /* the KDE bandwidth rule (-b), chosen from R */
    uint64_t seed;                 /* sw2's directions, the median subset */
    const gfd_cloud *modes;        /* K x (d + 1) rows [c_1 .. c_d, sigma] (modes.h), or NULL */
    size_t same_size;              /* for the default list: N of every sample set when they
                                      all have the reference's size, else 0 */
    int weighted;                  /* for the default list: some sample set has weights (only
                                      the metrics that take them); R's own weights count too */
    /* Called by the iterative metrics (sinkhorn) after each iteration with what they
     * solve ("OT(a, b)"), the iteration and its error; NULL: nothing. */
    void (*progress)(void *ctx, const char *what, int iter, double error);
    void *progress_ctx;
} gfd_metric_setup;

typedef struct gfd_metrics gfd_metrics;

/* Whether "mmd,w2" names metrics of the table, none twice (GFD_EUSAGE otherwise): programs
 * check a list before they read anything. */
int gfd_metric_names_check(const char *names, gfd_err *err);

/* The metrics named in `names` ("mmd,w2", no repeats), or for NULL every one that applies
 * (those that need modes only with modes, w2 only when same_size <= GFD_W2_MAX, on the
 * sphere only those with a spherical version, with weights only those that take them),
 * prepared against the reference R (M x d, weighted or not). GFD_EUSAGE for an unknown
 * name, a metric not available on the geometry, coverage without modes, a metric that
 * takes no weights given weights. Errors of preparing name their metric where the message needs it. */
gfd_metrics *gfd_metrics_new(const char *names, const gfd_metric_setup *setup,
                             const gfd_cloud *R, gfd_err *err);
void gfd_metrics_free(gfd_metrics *m);
/* Number of columns; names (if not NULL) gets them in order. */
size_t gfd_metrics_columns(const gfd_metrics *m, const char **names);
/* All columns for samples S (N x d) against the prepared reference: values gets
 * gfd_metrics_columns(m) doubles. Errors are prefixed with the metric's name. */
int gfd_metrics_eval(gfd_metrics *m, const gfd_cloud *S, double *values, gfd_err *err);
/* What was chosen from R ("mmd: bandwidth 1.2 (the median distance of the reference)"),
 * one line per metric that reports, into buf; returns the length. */
size_t gfd_metrics_report(const gfd_metrics *m, char *buf, size_t cap);

/* The table as text: TABLE_TEXT aligned for people, TABLE_CSV (%.17g), TABLE_JSON (an
 * array of objects). rows: the row labels (file names), values: nrows x ncols.
 * Returns a malloc'd NUL-terminated string (caller frees) or NULL on ENOMEM. */
typedef enum { GFD_TABLE_TEXT, GFD_TABLE_CSV, GFD_TABLE_JSON } gfd_table_format;
char *gfd_metric_table_format(gfd_table_format fmt, const char *const *cols, size_t ncols,
                              const char *const *rows, size_t nrows, const double *values,
                              gfd_err *err);

GFD_VISIBLE_END
GFD_END_DECLS

#endif
