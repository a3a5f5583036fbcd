/* Exact W2 between two sets of N points (MATH §5): W_2^2 = min over permutations of
 * (1/N) sum_i c(x_i, y_perm(i)), c the geometry's squared geodesic distance (MATH §4 on the
 * sphere), by the assignment solver of ot/lap.c. */
#include <math.h>
#include <stdlib.h>

#include "metrics/metric_impl.h"
#include "ot/ot.h"

static int w2_init(metric_part *p, const gfd_metric_setup *s, gfd_err *err)
{
    (void)p, (void)s, (void)err;
    return 0;
}

static int w2_compute(metric_part *p, const gfd_cloud *S, double *values, gfd_err *err)
{
    const gfd_cloud *R = p->R;
    if (S->n != R->n)
        return gfd_fail(err, GFD_EDATA, "exact W2 needs as many samples as reference points "
                        "(N = %zu, M = %zu): use sinkhorn", S->n, R->n);
    if (S->n > GFD_W2_MAX)
        return gfd_fail(err, GFD_EDATA, "N = %zu is above the exact solver's limit of %d points: "
                        "use sinkhorn", S->n, GFD_W2_MAX);
    size_t *perm = gfd_alloc(S->n, sizeof *perm, "w2 assignment", err);
    double mean;
    int rc = perm ? gfd_lap(p->geom, S->x, R->x, S->n, S->d, perm, &mean, err) : -1;
    free(perm);
    if (rc == 0)
        values[0] = sqrt(mean);  /* MATH §5: W2 = (min_perm mean c(x_i, y_perm(i)))^(1/2) */
    return rc;
}

const gfd_metric_ops w2_metric_ops = {.init = w2_init, .compute = w2_compute};
