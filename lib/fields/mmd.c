/* The MMD flow (MATH §3.5, Arbel et al. 2019) with the unnormalised Gaussian kernel
 * k(z) = exp(-|z|^2/(2h^2)) and normalised weights:
 *     v(x) = sum_j w_j k(x - y_j)(y_j - x)/h^2 - sum_i w_i k(x - x_i)(x_i - x)/h^2,
 * from the two kernel passes: sum_j w_j k(x - y_j)(y_j - x) = exp(lp)(m_p - x).
 * --noise-inject beta evaluates the whole field at x + beta xi, xi ~ N(0, I) (flat only). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fields/field_impl.h"

enum { O_NOISE_INJECT, O_EXCLUDE_SELF };

const gfd_option mmd_options[] = {
    {.name = "noise-inject", .type = GFD_OPT_REAL, .arg = "B", .help = "evaluate at x + B xi, xi ~ N(0, I)",
     .def = 0, .lo = 0, .hi = HUGE_VAL, .flags = GFD_OPT_FLAT_ONLY},
    FIELD_OPTION_EXCLUDE_SELF,
    {.name = NULL},
};

typedef struct {
    double noise;
    int exclude_self;
} mmd_state;

static int mmd_init(field_part *p, const gfd_settings *s, gfd_err *err)
{
    mmd_state *st = gfd_alloc(1, sizeof *st, "mmd field", err);
    if (!st)
        return -1;
    st->noise = gfd_option_real(s, &mmd_options[O_NOISE_INJECT]);
    st->exclude_self = gfd_option_flag(s, &mmd_options[O_EXCLUDE_SELF]);
    p->state = st;
    return 0;
}

/* Z = X + beta xi, xi from each particle's own stream. Z, X: N x d. */
static void inject_noise(const gfd_cloud *X, double beta, const gfd_field_args *a, double *Z)
{
    const size_t d = X->d;
    for (size_t i = 0; i < X->n; i++) {
        gfd_rng r;
        gfd_field_rng(&r, a->seed, a->step, GFD_STREAM_NOISE_INJECT, i);
        for (size_t c = 0; c < d; c++)
            Z[i * d + c] = X->x[i * d + c] + beta * gfd_rng_normal(&r);
    }
}

/* X: N x d, Y: M x d, V: N x d. */
static int mmd_compute(field_part *p, const field_call *c, double *V, gfd_err *err)
{
    const mmd_state *st = p->state;
    const gfd_cloud *X = c->X;
    const size_t n = X->n, d = X->d, nd = n * d;
    double *lp = gfd_alloc(n, 2 * sizeof *lp, "kernel sums", err);
    double *mq = lp ? gfd_alloc(nd, (st->noise > 0 ? 2 : 1) * sizeof *mq, "mean shifts", err) : NULL;
    if (!mq) {
        free(lp);
        return -1;
    }
    double *lq = lp + n, *Z = st->noise > 0 ? mq + nd : X->x;
    if (st->noise > 0)
        inject_noise(X, st->noise, c->a, Z);
    int rc = field_kde_passes(X, c->Y, Z, p->geom, c->a->h, st->exclude_self, c->a->engine, lp, V, lq, mq, err);
    const double h2 = c->a->h * c->a->h;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        /* both sums are <= 1: scale by the larger, exp of a non-positive number each */
        double top = fmax(lp[i], lq[i]);
        top = top == -INFINITY ? 0 : top;  /* no kernel mass at all: v = 0 */
        double wa = exp(lp[i] - top), wb = exp(lq[i] - top);
        double s = exp(top) / h2;
        for (size_t k = 0; k < d; k++) {  /* MATH §3.5 */
            size_t e = i * d + k;
            V[e] = s * (wa * (V[e] - Z[e]) - wb * (mq[e] - Z[e]));
        }
    }
    free(lp), free(mq);
    return rc;
}

const gfd_field_ops mmd_ops = {.init = mmd_init, .compute = mmd_compute};
