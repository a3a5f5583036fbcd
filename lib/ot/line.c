/* W_2^2 on the line (ot.h): between the two empirical quantile functions, exactly. */
#include <stdlib.h>

#include "ot/ot.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void gfd_sort_doubles(double *x, size_t n)
{
    qsort(x, n, sizeof *x, cmp_double);
}

/* int_0^1 (F_x^-1(t) - F_y^-1(t))^2 dt: the quantile functions are steps at the levels
 * i/n and j/m; the merged steps are walked in units of 1/(n m), so no level drifts. */
double gfd_w2sq_1d(double *x, size_t n, double *y, size_t m)
{
    gfd_sort_doubles(x, n);
    gfd_sort_doubles(y, m);
    size_t i = 0, j = 0, at = 0, end = n * m;
    double s = 0;
    while (at < end) {
        size_t next = (i + 1) * m < (j + 1) * n ? (i + 1) * m : (j + 1) * n;
        double z = x[i] - y[j];
        s += z * z * (double)(next - at);
        at = next;
        if (at == (i + 1) * m)
            i++;
        if (at == (j + 1) * n)
            j++;
    }
    return s / ((double)n * (double)m);
}
