/* Order statistics (private to lib/). */
#ifndef GFD_SELECT_H
#define GFD_SELECT_H

#include <stddef.h>

/* The k-th smallest of a[0..n) (0-based; k < n): quickselect, O(n) on average, leaving
 * a[0..k) <= a[k] <= a(k..n). Values must not be NaN. */
double gfd_select(double *a, size_t n, size_t k);

#endif
