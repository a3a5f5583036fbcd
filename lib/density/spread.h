/* The spread of a cloud's columns (private to lib/density): what the bandwidth rules and
 * --standardize measure. */
#ifndef GFD_DENSITY_SPREAD_H
#define GFD_DENSITY_SPREAD_H

#include "gfd/cloud.h"

/* The unbiased variance of column c of Y, weighted with Y's weights as numpy.cov's
 * aweights (= ss / (n - 1) unweighted). */
double density_column_var(const gfd_cloud *Y, size_t c);

#endif
