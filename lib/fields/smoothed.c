/* The exact smoothed-KL field kl-smoothed (MATH §3.3): the first variation of
 * KL(q*K_h || p*K_h) is smoothed by the kernel, so v(x) = E_xi[s(x + xi)], xi ~ N(0, h^2 I),
 * s = grad log p_h - grad log q_h. Monte Carlo with S = --mc draws per particle from the
 * particle's own stream (gfd_field_rng), one pair of kernel passes per draw. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fields/field_impl.h"

enum { O_MC, O_EXCLUDE_SELF };

const gfd_option smoothed_options[] = {
    {.name = "mc", .type = GFD_OPT_INT, .arg = "S", .help = "Monte Carlo draws per particle",
     .def = 16, .lo = 1, .hi = 1000000},
    FIELD_OPTION_EXCLUDE_SELF,
    {.name = NULL},
};

typedef struct {
    int mc, exclude_self;
} smoothed_state;

static int smoothed_init(field_part *p, const gfd_settings *s, gfd_err *err)
{
    smoothed_state *st = gfd_alloc(1, sizeof *st, "kl-smoothed field", err);
    if (!st)
        return -1;
    st->mc = (int)gfd_option_int(s, &smoothed_options[O_MC]);
    st->exclude_self = gfd_option_flag(s, &smoothed_options[O_EXCLUDE_SELF]);
    p->state = st;
    return 0;
}

/* Draw s of every particle: Z = X + h xi, xi from the particles' generators. Z, X: N x d. */
static void shifted_points(const gfd_cloud *X, double h, gfd_rng *rng, double *Z)
{
    const size_t d = X->d;
    for (size_t i = 0; i < X->n; i++)
        for (size_t c = 0; c < d; c++)
            Z[i * d + c] = X->x[i * d + c] + h * gfd_rng_normal(&rng[i]);
}

/* X: N x d, Y: M x d, V: N x d. */
static int smoothed_compute(field_part *p, const field_call *c, double *V, gfd_err *err)
{
    const smoothed_state *st = p->state;
    const gfd_cloud *X = c->X;
    const size_t n = X->n, d = X->d, nd = n * d;
    const double h = c->a->h;
    gfd_rng *rng = gfd_alloc(n, sizeof *rng, "random streams", err);
    double *lp = rng ? gfd_alloc(n, 2 * sizeof *lp, "log densities", err) : NULL;
    double *Z = lp ? gfd_alloc(nd, 3 * sizeof *Z, "shifted points", err) : NULL;
    if (!Z) {
        free(rng), free(lp);
        return -1;
    }
    double *lq = lp + n, *mp = Z + nd, *mq = Z + 2 * nd;
    for (size_t i = 0; i < n; i++)
        gfd_field_rng(&rng[i], c->a->seed, c->a->step, GFD_STREAM_MC, i);
    memset(V, 0, nd * sizeof *V);
    int rc = 0;
    for (int s = 0; s < st->mc && rc == 0; s++) {
        shifted_points(X, h, rng, Z);
        rc = field_kde_passes(X, c->Y, Z, p->geom, h, st->exclude_self, c->a->engine, lp, mp, lq, mq, err);
        for (size_t k = 0; rc == 0 && k < nd; k++)
            V[k] += mp[k] - mq[k];  /* MATH §2.2: s(z) h^2 = (m_p(z) - z) - (m_q(z) - z) */
    }
    const double scale = 1 / (st->mc * h * h);  /* MATH §3.3: the mean of S draws of s */
    for (size_t k = 0; rc == 0 && k < nd; k++)
        V[k] *= scale;
    free(rng), free(lp), free(Z);
    return rc;
}

const gfd_field_ops smoothed_ops = {.init = smoothed_init, .compute = smoothed_compute};
