/* Sliced Wasserstein-2 (MATH §5, POT's sliced_wasserstein_distance with p = 2):
 * sw2 = (mean over L seeded slices of W_2^2 between the two clouds' positions on the
 * slice)^(1/2), each one-dimensional W_2^2 exact. The slices are the geometry's
 * (geometry/slices.c): lines through the origin, or on the sphere the great circles of
 * Bonet et al. 2023 (MATH §4; POT's sliced_wasserstein_sphere). */
#include <math.h>
#include <stdlib.h>

#include "metrics/metric_impl.h"

enum { O_PROJECTIONS };

const gfd_option sw2_metric_options[] = {
    {.name = "projections", .type = GFD_OPT_INT, .arg = "L", .help = "sw2's slices",
     .def = 256, .lo = 1, .hi = 1 << 20},
    {.name = NULL},
};

typedef struct {
    int L;
    uint64_t seed;
} sw2_state;

static int sw2_init(metric_part *p, const gfd_metric_setup *s, gfd_err *err)
{
    sw2_state *st = gfd_alloc(1, sizeof *st, "sw2", err);
    if (!(p->state = st))
        return -1;
    st->L = (int)gfd_option_int(s->settings, &sw2_metric_options[O_PROJECTIONS]);
    st->seed = s->seed;
    return 0;
}

static int sw2_compute(metric_part *p, const gfd_cloud *S, double *values, gfd_err *err)
{
    const sw2_state *st = p->state;
    const gfd_slicer *sl = p->geom->slicer;
    const gfd_cloud *R = p->R;
    const size_t n = S->n, m = R->n, d = S->d, L = (size_t)st->L;
    double *w = gfd_alloc(L, sizeof *w, "sliced distances", err);
    if (!w)
        return -1;
    int failed = 0;
    #pragma omp parallel
    {
        double *ps = malloc(n * sizeof *ps), *pr = malloc(m * sizeof *pr);
        double *u = malloc((size_t)sl->k * d * sizeof *u);
        if (!ps || !pr || !u) {
            #pragma omp atomic write
            failed = 1;
        }
        #pragma omp for schedule(dynamic, 1)
        for (size_t l = 0; l < L; l++) {
            if (!ps || !pr || !u)
                continue;
            gfd_rng r;
            gfd_rng_split(&r, st->seed, l);  /* slice l depends on (seed, l) only */
            sl->draw(&r, u, (int)d);
            w[l] = sl->w2sq(S, R, u, ps, pr);
        }
        free(ps), free(pr), free(u);
    }
    double s = 0;
    for (size_t l = 0; l < L; l++)
        s += w[l];
    free(w);
    if (failed)
        return gfd_fail(err, GFD_ENOMEM, "sliced W2: out of memory for the projections");
    values[0] = sqrt(s / (double)L);  /* MATH §5: (mean_theta W_2^2)^(1/2) */
    return 0;
}

const gfd_metric_ops sw2_metric_ops = {.init = sw2_init, .compute = sw2_compute};
