/* The slices of sliced Wasserstein (private to lib/): flat R^d is sliced by lines through
 * the origin (MATH §3.7), the sphere by great circles (MATH §4, Bonet et al. 2023). A slicer
 * draws a slice, measures W_2^2 between two clouds' positions on it (gfd-eval's sw2), and
 * gives the field's transport along it (the sliced field). */
#ifndef GFD_SLICES_H
#define GFD_SLICES_H

#include <stddef.h>

#include "gfd/cloud.h"
#include "gfd/rng.h"

/* A row's position on the slice, and the row. */
typedef struct {
    double v;
    size_t i;
} slice_pos;

/* Per-thread scratch of a field slice: positions and levels of both clouds. */
typedef struct {
    slice_pos *px, *py;   /* N, M */
    double *lx, *ly;      /* N, M */
} slice_buf;

typedef struct {
    int k;          /* vectors spanning a slice: 1 (the direction of a line), 2 (a great circle) */
    int weighted;   /* whether transport takes row weights */
    /* A slice uniformly at random: k d doubles into u. */
    void (*draw)(gfd_rng *r, double *u, int d);
    /* W_2^2 between the positions of S and R on slice u. ps: N, pr: M scratch. */
    double (*w2sq)(const gfd_cloud *S, const gfd_cloud *R, const double *u, double *ps, double *pr);
    /* The field's transport along slice u: coef (N x k) are the particles' moves as
     * coefficients of the k slice vectors. */
    void (*transport)(const gfd_cloud *X, const gfd_cloud *Y, const double *u, slice_buf *b,
                      double *coef);
} gfd_slicer;

extern const gfd_slicer gfd_slicer_line, gfd_slicer_circle;

#endif
