/* The point cloud: n rows of d float64 coordinates, row-major, optional row weights. */
#ifndef GFD_CLOUD_H
#define GFD_CLOUD_H

#include <stddef.h>
#include "defs.h"
#include "err.h"

GFD_BEGIN_DECLS
GFD_VISIBLE_BEGIN

typedef struct {
    size_t n, d;
    double *x;  /* n x d, row-major */
    double *w;  /* n non-negative weights, or NULL for uniform (MATH §1) */
} gfd_cloud;

/* Allocates an n x d cloud of zeros (no weights). */
int gfd_cloud_alloc(gfd_cloud *c, size_t n, size_t d, gfd_err *err);
void gfd_cloud_free(gfd_cloud *c);
/* log of the normalised weights (sum to 1) into logw[n]; uniform gives -log n. */
int gfd_cloud_logweights(const gfd_cloud *c, double *logw, gfd_err *err);

GFD_VISIBLE_END
GFD_END_DECLS

#endif
