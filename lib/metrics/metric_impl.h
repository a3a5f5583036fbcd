/* What is behind an entry of the metric table (private to lib/): its operations and the
 * state they keep against one reference. A metric file defines its options and one
 * gfd_metric_ops; metric.c lists it in the table. */
#ifndef GFD_METRIC_IMPL_H
#define GFD_METRIC_IMPL_H

#include "geometry/geometry.h"
#include "gfd/metric.h"

typedef struct {
    const gfd_metric_def *def;
    const gfd_geometry *geom;
    const gfd_cloud *R;    /* the reference */
    void *state;           /* init's: the options read, what depends on R alone */
} metric_part;

struct gfd_metric_ops {
    int (*init)(metric_part *p, const gfd_metric_setup *s, gfd_err *err);
    /* values: the metric's columns for samples S (N x d, S->d == R->d; weighted only for
     * the metrics flagged GFD_METRIC_WEIGHTS). */
    int (*compute)(metric_part *p, const gfd_cloud *S, double *values, gfd_err *err);
    void (*free)(metric_part *p);                                    /* NULL: free(state) */
    size_t (*report)(const metric_part *p, char *buf, size_t cap);   /* NULL: nothing */
};

/* *w gets c's weights normalised to sum 1 (malloc'd), or NULL when c has none; -1 when
 * they are invalid or memory runs out. */
int metric_weights(const gfd_cloud *c, double **w, gfd_err *err);

/* The entries, one family per file (MATH §5): mmd.c (mmd, energy), sliced.c, w2.c,
 * sinkhorn.c, coverage.c, prdc.c, nll.c. */
extern const gfd_metric_ops mmd_metric_ops, energy_metric_ops, sw2_metric_ops, w2_metric_ops,
    sinkhorn_metric_ops, coverage_metric_ops, prdc_metric_ops, nll_metric_ops;
extern const gfd_option mmd_metric_options[], sw2_metric_options[], sinkhorn_metric_options[],
    prdc_metric_options[], no_metric_options[];

#endif
