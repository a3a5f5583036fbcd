/* The LAPACK routines gfd calls, from OpenBLAS (column-major; a trailing size_t is the
 * hidden length of a Fortran string argument). */
#ifndef GFD_CORE_LAPACK_H
#define GFD_CORE_LAPACK_H

#include <stddef.h>

/* Cholesky factorisation A = U^T U ("U") or L L^T ("L"), in place. */
void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info, size_t len);

#endif
