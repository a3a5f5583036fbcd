/* Precision, recall, density and coverage with k nearest neighbours (MATH §5;
 * Kynkaanniemi et al. 2019, Naeem et al. 2020, as the authors' `prdc` package computes
 * them): real = the reference R, fake = the samples S, Euclidean distances, r_k(z) the
 * distance from z to its k-th nearest neighbour in its own set (itself left out),
 *     precision = mean_j [exists i: |y_i - x_j| < r_k(y_i)]
 *     recall    = mean_i [exists j: |y_i - x_j| < r_k(x_j)]
 *     density   = (1/k) mean_j #{i: |y_i - x_j| < r_k(y_i)}
 *     coverage  = mean_i [min_j |y_i - x_j| < r_k(y_i)].
 * On the sphere the geodesic distance 2 asin(|x - y|/2) is an increasing function of the
 * chord |x - y|, so every comparison above, hence every value, is the same with either:
 * the chord is used on every geometry. The reference's radii are computed once.
 * Exact search: O(N M d) time, O(N + M) memory, rows in parallel (integer counts and
 * minima, so the result does not depend on the threads). */
#include <math.h>
#include <stdlib.h>

#include "metrics/metric_impl.h"

static double distance(const double *a, const double *b, size_t d)
{
    double s = 0;
    for (size_t c = 0; c < d; c++)
        s += (a[c] - b[c]) * (a[c] - b[c]);
    return sqrt(s);
}

/* r[i] = distance from row i to its k-th nearest other row. X: N x d, r: N. */
static int knn_radii(const double *X, size_t n, size_t d, size_t k, double *r, gfd_err *err)
{
    int failed = 0;
    #pragma omp parallel
    {
        double *best = malloc(k * sizeof *best);  /* the k smallest, ascending */
        if (!best) {
            #pragma omp atomic write
            failed = 1;
        }
        #pragma omp for schedule(dynamic, 16)
        for (size_t i = 0; i < n; i++) {
            if (!best)
                continue;
            for (size_t t = 0; t < k; t++)
                best[t] = INFINITY;
            for (size_t j = 0; j < n; j++) {
                double z = j == i ? INFINITY : distance(X + i * d, X + j * d, d);
                if (z >= best[k - 1])
                    continue;
                size_t t = k - 1;
                for (; t > 0 && best[t - 1] > z; t--)
                    best[t] = best[t - 1];
                best[t] = z;
            }
            r[i] = best[k - 1];
        }
        free(best);
    }
    return failed ? gfd_fail(err, GFD_ENOMEM, "prdc: out of memory for the neighbours") : 0;
}

/* Per fake row j: the number of real balls holding it. Per real row i: whether a fake
 * ball holds it, and whether its own ball holds its nearest fake. */
static void ball_counts(const gfd_cloud *S, const gfd_cloud *R, const double *rs, const double *rr,
                        size_t *inside, unsigned char *recalled, unsigned char *covered)
{
    const size_t n = S->n, m = R->n, d = S->d;
    #pragma omp parallel for schedule(dynamic, 16)
    for (size_t j = 0; j < n; j++) {
        size_t c = 0;
        for (size_t i = 0; i < m; i++)
            c += distance(R->x + i * d, S->x + j * d, d) < rr[i];
        inside[j] = c;
    }
    #pragma omp parallel for schedule(dynamic, 16)
    for (size_t i = 0; i < m; i++) {
        double nearest = INFINITY;
        unsigned char any = 0;
        for (size_t j = 0; j < n; j++) {
            double z = distance(R->x + i * d, S->x + j * d, d);
            any |= z < rs[j];
            nearest = fmin(nearest, z);
        }
        recalled[i] = any;
        covered[i] = nearest < rr[i];
    }
}

enum { O_K };

const gfd_option prdc_metric_options[] = {
    {.name = "k", .type = GFD_OPT_INT, .arg = "K", .help = "prdc's nearest neighbours",
     .def = 5, .lo = 1, .hi = 1000},
    {.name = NULL},
};

typedef struct {
    size_t k;
    double *rr;   /* M: the reference's radii r_k(y_i) */
} prdc_state;

static int enough(size_t k, size_t n, size_t m, gfd_err *err)
{
    if (n <= k || m <= k)
        return gfd_fail(err, GFD_EDATA, "k = %zu nearest neighbours need more than k points in each "
                        "set (N = %zu, M = %zu)", k, n, m);
    return 0;
}

static int prdc_init(metric_part *p, const gfd_metric_setup *s, gfd_err *err)
{
    const gfd_cloud *R = p->R;
    prdc_state *st = gfd_alloc(1, sizeof *st, "prdc", err);
    if (!(p->state = st))
        return -1;
    st->k = (size_t)gfd_option_int(s->settings, &prdc_metric_options[O_K]);
    if (enough(st->k, R->n, R->n, err) < 0 || !(st->rr = gfd_alloc(R->n, sizeof *st->rr, "prdc radii", err)))
        return -1;
    return knn_radii(R->x, R->n, R->d, st->k, st->rr, err);
}

static void prdc_free(metric_part *p)
{
    prdc_state *st = p->state;
    if (st)
        free(st->rr);
    free(st);
}

static int prdc_compute(metric_part *p, const gfd_cloud *S, double *values, gfd_err *err)
{
    const prdc_state *st = p->state;
    const gfd_cloud *R = p->R;
    const size_t n = S->n, m = R->n, k = st->k;
    if (enough(k, n, m, err) < 0)
        return -1;
    double *rs = gfd_alloc(n, sizeof *rs, "prdc radii", err);
    size_t *inside = rs ? gfd_alloc(n, sizeof *inside, "prdc counts", err) : NULL;
    unsigned char *flags = inside ? gfd_alloc(2 * m, 1, "prdc flags", err) : NULL;
    int rc = flags ? knn_radii(S->x, n, S->d, k, rs, err) : -1;
    if (rc == 0) {
        ball_counts(S, R, rs, st->rr, inside, flags, flags + m);
        double prec = 0, dens = 0, rec = 0, cov = 0;
        for (size_t j = 0; j < n; j++)
            prec += inside[j] > 0, dens += (double)inside[j];
        for (size_t i = 0; i < m; i++)
            rec += flags[i], cov += flags[m + i];
        values[0] = prec / (double)n;               /* MATH §5: precision */
        values[1] = rec / (double)m;                /* recall */
        values[2] = dens / ((double)k * (double)n); /* density */
        values[3] = cov / (double)m;                /* coverage */
    }
    free(rs), free(inside), free(flags);
    return rc;
}

const gfd_metric_ops prdc_metric_ops = {.init = prdc_init, .compute = prdc_compute, .free = prdc_free};
