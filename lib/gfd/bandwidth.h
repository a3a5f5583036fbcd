/* Bandwidth rules of MATH §2.5: scott, silverman, median (SVGD's), or a number.
 * The bandwidth is always chosen from the target set Y; p and q share it. */
#ifndef GFD_BANDWIDTH_H
#define GFD_BANDWIDTH_H

#include <stdint.h>
#include "defs.h"
#include "cloud.h"

GFD_BEGIN_DECLS
GFD_VISIBLE_BEGIN

typedef enum { GFD_BW_SCOTT, GFD_BW_SILVERMAN, GFD_BW_MEDIAN, GFD_BW_FIXED } gfd_bw_kind;

typedef struct {
    gfd_bw_kind kind;
    double value;  /* GFD_BW_FIXED: the bandwidth itself */
} gfd_bw_rule;

/* Parses "scott", "silverman", "median" or a positive number. */
int gfd_bw_parse(const char *text, gfd_bw_rule *rule, gfd_err *err);
/* sqrt(mean over dimensions of the per-dimension variance of Y), unbiased (ddof 1),
 * with weights the reliability-weighted variance (numpy.cov's aweights). */
double gfd_bw_sigma(const gfd_cloud *Y);
/* The bandwidth h > 0 of a rule for targets Y. `seed` picks the subset of 4096 rows
 * that the median rule uses when M > 4096. With weights, M is the effective size
 * (sum w)^2 / sum w^2 (scipy's neff). Fails if Y gives h = 0 (all rows equal). */
int gfd_bw_select(const gfd_bw_rule *rule, const gfd_cloud *Y, uint64_t seed, double *h, gfd_err *err);
const char *gfd_bw_name(gfd_bw_kind kind);
/* On the sphere the rules measure geodesic spreads: gfd_geometry_bandwidth. */
/* Median of |y_j - y_k|^2 over the pairs j < k of Y's rows of positive weight (numpy's
 * median: the mean of the two middle values for an even count), or of a seeded subset of
 * 4096 of them when there are more. */
int gfd_bw_median_sqdist(const gfd_cloud *Y, uint64_t seed, double *med, gfd_err *err);
/* The median over 64 evenly spaced rows of Y (all, when fewer) of the Euclidean distance to
 * their nearest other row: the scale below which a kernel sees only its own point. */
int gfd_bw_nn_median(const gfd_cloud *Y, double *dist, gfd_err *err);

GFD_VISIBLE_END
GFD_END_DECLS

#endif
