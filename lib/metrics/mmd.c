/* The kernel two-sample statistics of MATH §5: unbiased MMD^2 with a Gaussian kernel (its
 * sums are passes of the kernel-sum engine; on the sphere, MATH §4, the same Gaussian of
 * the chord, exp(-|x - y|^2 / (2 h^2)) = exp(kappa (x.y - 1)), kappa = 1/h^2, free of
 * overflow for any kappa) and the energy distance (sums of geodesic distances, O(1) memory
 * per row). Both are U-statistics: self pairs left out; with row weights w (normalised)
 * the pair (i, j) has weight w_i w_j, and the self sums are divided by 1 - sum_i w_i^2.
 * The reference's own sums, kyy and eyy, are computed once when the metric is prepared. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "engine/clones.h"
#include "gfd/ksum.h"
#include "metrics/metric_impl.h"

enum { O_MMD_BW };

const gfd_option mmd_metric_options[] = {
    {.name = "mmd-bw", .type = GFD_OPT_REALS, .arg = "LIST",
     .help = "MMD kernel bandwidths, the kernel the mean of their Gaussians",
     .lo = 1e-300, .hi = 1e300, .text = "median"},
    {.name = NULL},
};

/* The denominator that turns sum_i a_i sum_j b_j K_ij into the U-statistic's mean, for
 * row weights a = wq and b = wr normalised to 1 (NULL: a_i = 1, b_j = 1, the mean by
 * counts). Self: the pairs i == j left out, so the weighted mean is divided by
 * sum_{i != j} w_i w_j = 1 - sum_i w_i^2 (unweighted: n (n - 1)). */
static double pair_mass(const double *wq, size_t n, const double *wr, size_t m, int self)
{
    if (self && wq) {
        double s2 = 0;
        for (size_t i = 0; i < n; i++)
            s2 += wq[i] * wq[i];
        return 1 - s2;
    }
    return (wq ? 1 : (double)n) * (wr ? 1 : (double)(self ? m - 1 : m));
}

/* sum_i a_i row[i] / pair_mass: the mean of the pairs' kernel values from the row sums. */
static double pair_mean(const double *row, const double *wq, size_t n, const double *wr,
                        size_t m, int self)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += wq ? wq[i] * row[i] : row[i];
    return s / pair_mass(wq, n, wr, m, self);
}

/* The mean of exp(-|q_i - r_j|^2 / (2 h^2)) over the pairs (i, j), weighted by wq_i wr_j
 * (NULL: uniform), the pairs i == j left out when self (then wq == wr). The weights of R
 * enter the kernel sums as the logit bias log wr_j. Q: N x d, R: M x d. */
static int mean_gauss(const double *Q, const double *wq, size_t n, const double *R,
                      const double *wr, size_t m, size_t d, double h, int self, double *mean,
                      gfd_err *err)
{
    double *lse = gfd_alloc(n + (wr ? m : 0), sizeof *lse, "mmd row sums", err), *logw = lse + n;
    if (!lse)
        return -1;
    for (size_t j = 0; wr && j < m; j++)
        logw[j] = log(wr[j]);
    gfd_ksum_spec spec = {.kernel = GFD_KERNEL_GAUSS, .h = h, .bias = wr ? logw : NULL,
                          .self = self, .diag = -INFINITY};
    int rc = gfd_ksum(Q, n, R, m, d, NULL, 0, &spec, lse, NULL, err);
    for (size_t i = 0; i < n; i++)
        lse[i] = exp(lse[i]);
    *mean = pair_mean(lse, wq, n, wr, m, self);
    free(lse);
    return rc;
}

/* What mmd and energy keep of the reference, first in both their states: its normalised
 * weights (NULL: none). */
typedef struct {
    double *wr;
} ref_weights;

static void weighted_free(metric_part *p)
{
    ref_weights *rw = p->state;
    if (rw)
        free(rw->wr);
    free(rw);
}

/* The U-statistic's pairs need two rows of positive weight in each set. */
static int two_points(const gfd_cloud *a, const gfd_cloud *b, gfd_err *err)
{
    const gfd_cloud *c[2] = {a, b};
    for (int k = 0; k < 2; k++) {
        size_t positive = c[k]->w ? 0 : c[k]->n;
        for (size_t i = 0; c[k]->w && i < c[k]->n && positive < 2; i++)
            positive += c[k]->w[i] > 0;
        if (positive < 2)
            return gfd_fail(err, GFD_EDATA, "the U-statistic needs at least 2 points %sin each set",
                            c[k]->w ? "of positive weight " : "");
    }
    return 0;
}

typedef struct {
    ref_weights ref;
    double bw[GFD_OPT_MAX_VALUES], kyy[GFD_OPT_MAX_VALUES];
    int nbw, median;   /* median: bw[0] is the median distance of R (MATH §5) */
} mmd_state;

static int mmd_init(metric_part *p, const gfd_metric_setup *s, gfd_err *err)
{
    const gfd_cloud *R = p->R;
    mmd_state *st = gfd_alloc(1, sizeof *st, "mmd", err);
    if (!(p->state = st) || two_points(R, R, err) < 0 || metric_weights(R, &st->ref.wr, err) < 0)
        return -1;
    if (gfd_settings_get(s->settings, mmd_metric_options[O_MMD_BW].name)) {
        st->nbw = gfd_option_reals(s->settings, &mmd_metric_options[O_MMD_BW], st->bw);
    } else {
        double med;
        if (gfd_bw_median_sqdist(R, s->seed, &med, err) < 0)
            return -1;
        if (!(med > 0))
            return gfd_fail(err, GFD_EDATA, "mmd: the median distance of the reference is 0: give --mmd-bw");
        st->bw[0] = p->geom->chord_dist(sqrt(med));  /* MATH §4: the geodesic of the median chord */
        st->nbw = st->median = 1;
    }
    for (int b = 0; b < st->nbw; b++)
        if (mean_gauss(R->x, st->ref.wr, R->n, R->x, st->ref.wr, R->n, R->d, st->bw[b], 1,
                       &st->kyy[b], err) < 0)
            return -1;
    return 0;
}

static int mmd_compute(metric_part *p, const gfd_cloud *S, double *values, gfd_err *err)
{
    const mmd_state *st = p->state;
    const gfd_cloud *R = p->R;
    double *ws = NULL, total = 0;
    if (two_points(S, R, err) < 0 || metric_weights(S, &ws, err) < 0)
        return -1;
    int rc = 0;
    for (int b = 0; rc == 0 && b < st->nbw; b++) {
        double kxx = 0, kxy = 0;
        rc = mean_gauss(S->x, ws, S->n, S->x, ws, S->n, S->d, st->bw[b], 1, &kxx, err) < 0 ||
             mean_gauss(S->x, ws, S->n, R->x, st->ref.wr, R->n, S->d, st->bw[b], 0, &kxy, err) < 0 ? -1 : 0;
        total += kxx + st->kyy[b] - 2 * kxy;  /* MATH §5: unbiased MMD^2 U-statistic */
    }
    free(ws);
    values[0] = total / st->nbw;  /* kernel: the mean of the Gaussians of each bandwidth */
    return rc;
}

static size_t mmd_report(const metric_part *p, char *buf, size_t cap)
{
    const mmd_state *st = p->state;
    int n = snprintf(buf, cap, "mmd: bandwidth %.6g%s", st->bw[0],
                     st->median ? " (the median distance of the reference)"
                     : st->nbw > 1 ? " and more" : "");
    return n < 0 ? 0 : (size_t)n;
}

const gfd_metric_ops mmd_metric_ops = {.init = mmd_init, .compute = mmd_compute,
                                       .free = weighted_free, .report = mmd_report};

#define DIST_TILE 512  /* references per tile of the distance sums */

/* sum_j w_j D(q, r_j) (w NULL: w_j = 1) over the references held as columns (d x M):
 * tiles of |q - r|^2 (and |q + r|^2 where the geometry needs it) built one coordinate at a
 * time so that the loops over references vectorise, then D = the square root of the
 * geometry's squared geodesic distance. Compiled for each instruction set (clones.h). The
 * self pair adds 0. */
GFD_CLONES
static double distance_sum(const gfd_geometry *g, const double *q, const double *Rt,
                           const double *w, size_t m, size_t d)
{
    double s = 0, c[DIST_TILE], plus[DIST_TILE];
    for (size_t j0 = 0; j0 < m; j0 += DIST_TILE) {
        size_t len = m - j0 < DIST_TILE ? m - j0 : DIST_TILE;
        for (size_t t = 0; t < len; t++)
            c[t] = plus[t] = 0;
        for (size_t a = 0; a < d; a++) {
            const double qa = q[a], *col = Rt + a * m + j0;
            #pragma omp simd
            for (size_t t = 0; t < len; t++) {
                c[t] += (qa - col[t]) * (qa - col[t]);
                plus[t] += (qa + col[t]) * (qa + col[t]);
            }
        }
        if (g->sqdist)
            for (size_t t = 0; t < len; t++)
                c[t] = g->sqdist(c[t], plus[t]);
        if (w) {
            #pragma omp simd reduction(+:s)
            for (size_t t = 0; t < len; t++)
                s += w[j0 + t] * sqrt(c[t]);
        } else {
            #pragma omp simd reduction(+:s)
            for (size_t t = 0; t < len; t++)
                s += sqrt(c[t]);
        }
    }
    return s;
}

/* The mean of D(q_i, r_j) over the pairs, weighted by wq_i wr_j (NULL: uniform), for the
 * geometry's geodesic distance D (i == j left out when self). Rows in parallel, each
 * summed in order, then the row sums in order: any -j, same bytes. Q: N x d, R: M x d. */
static int mean_distance(const gfd_geometry *g, const double *Q, const double *wq, size_t n,
                         const double *R, const double *wr, size_t m, size_t d, int self,
                         double *mean, gfd_err *err)
{
    double *row = gfd_alloc(n, sizeof *row, "energy row sums", err);
    double *Rt = row ? gfd_alloc(m, d * sizeof *Rt, "energy columns", err) : NULL;
    if (!Rt) {
        free(row);
        return -1;
    }
    for (size_t j = 0; j < m; j++)
        for (size_t a = 0; a < d; a++)
            Rt[a * m + j] = R[j * d + a];
    #pragma omp parallel for schedule(dynamic, 16)
    for (size_t i = 0; i < n; i++)
        row[i] = distance_sum(g, Q + i * d, Rt, wr, m, d);
    *mean = pair_mean(row, wq, n, wr, m, self);
    free(row), free(Rt);
    return 0;
}

typedef struct {
    ref_weights ref;
    double eyy;   /* E|Y - Y'| of the reference */
} energy_state;

static int energy_init(metric_part *p, const gfd_metric_setup *s, gfd_err *err)
{
    (void)s;
    const gfd_cloud *R = p->R;
    energy_state *st = gfd_alloc(1, sizeof *st, "energy", err);
    if (!(p->state = st) || two_points(R, R, err) < 0 || metric_weights(R, &st->ref.wr, err) < 0)
        return -1;
    return mean_distance(p->geom, R->x, st->ref.wr, R->n, R->x, st->ref.wr, R->n, R->d, 1, &st->eyy,
                         err);
}

static int energy_compute(metric_part *p, const gfd_cloud *S, double *values, gfd_err *err)
{
    const energy_state *st = p->state;
    const gfd_cloud *R = p->R;
    double exx, exy, *ws = NULL;
    if (two_points(S, R, err) < 0 || metric_weights(S, &ws, err) < 0)
        return -1;
    int rc = mean_distance(p->geom, S->x, ws, S->n, S->x, ws, S->n, S->d, 1, &exx, err) < 0 ||
             mean_distance(p->geom, S->x, ws, S->n, R->x, st->ref.wr, R->n, S->d, 0, &exy, err) < 0 ? -1 : 0;
    free(ws);
    values[0] = 2 * exy - exx - st->eyy;  /* MATH §5: 2E|X-Y| - E|X-X'| - E|Y-Y'| */
    return rc;
}

const gfd_metric_ops energy_metric_ops = {.init = energy_init, .compute = energy_compute,
                                          .free = weighted_free};
