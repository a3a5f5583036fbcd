/* Bandwidth rules (MATH §2.5). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/numfmt.h"
#include "density/select.h"
#include "density/spread.h"
#include "gfd/bandwidth.h"
#include "gfd/rng.h"

#define MEDIAN_ROWS 4096

static const char *const names[] = {"scott", "silverman", "median", "fixed"};

const char *gfd_bw_name(gfd_bw_kind kind) { return names[kind]; }

int gfd_bw_parse(const char *text, gfd_bw_rule *rule, gfd_err *err)
{
    for (int k = GFD_BW_SCOTT; k <= GFD_BW_MEDIAN; k++)
        if (!strcmp(text, names[k])) {
            *rule = (gfd_bw_rule){.kind = (gfd_bw_kind)k};
            return 0;
        }
    char *end;
    errno = 0;
    double v = gfd_strtod(text, &end);
    if (end == text || *end || errno || !isfinite(v) || v <= 0)
        return gfd_fail(err, GFD_EUSAGE,
                        "bandwidth '%s': expected scott, silverman, median or a positive number", text);
    *rule = (gfd_bw_rule){.kind = GFD_BW_FIXED, .value = v};
    return 0;
}

double density_column_var(const gfd_cloud *Y, size_t c)
{
    const size_t n = Y->n, d = Y->d;
    double total = 0, sumsq = 0, mean = 0, ss = 0;
    for (size_t i = 0; i < n; i++) {
        double w = Y->w ? Y->w[i] : 1;
        total += w;
        sumsq += w * w;
        mean += w * Y->x[i * d + c];
    }
    mean /= total;
    for (size_t i = 0; i < n; i++) {
        double z = Y->x[i * d + c] - mean;
        ss += (Y->w ? Y->w[i] : 1) * z * z;
    }
    return ss / (total - sumsq / total);  /* unbiased; = ss / (n - 1) unweighted */
}

double gfd_bw_sigma(const gfd_cloud *Y)
{
    double var_sum = 0;
    for (size_t c = 0; c < Y->d; c++)
        var_sum += density_column_var(Y, c);
    return sqrt(var_sum / (double)Y->d);
}

static void swap(double *a, long long i, long long j)
{
    double t = a[i];
    a[i] = a[j];
    a[j] = t;
}

double gfd_select(double *a, size_t n, size_t k_)
{
    long long lo = 0, hi = (long long)n - 1, k = (long long)k_;
    while (hi > lo) {  /* a[k] lies in a[lo..hi]; quickselect, median-of-three pivot */
        long long mid = lo + (hi - lo) / 2;
        if (a[mid] < a[lo])
            swap(a, mid, lo);
        if (a[hi] < a[lo])
            swap(a, hi, lo);
        if (a[hi] < a[mid])
            swap(a, hi, mid);
        double pivot = a[mid];
        long long i = lo, j = hi;  /* Hoare: a[lo..i) <= pivot <= a(j..hi] */
        for (;;) {
            while (a[i] < pivot)
                i++;
            while (a[j] > pivot)
                j--;
            if (i >= j)
                break;
            swap(a, i++, j--);
        }
        if (i == j)  /* both stopped on one pivot-valued element: it is in place */
            i++, j--;
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            return a[k];  /* a[j+1..i-1] all equal the pivot, in place */
    }
    return a[k];
}

/* Median of the squared distances between all pairs j < k of the given rows
 * (numpy's convention: the mean of the two middle values for an even count). */
static int median_sqdist(const double *x, const size_t *rows, size_t m, size_t d,
                         double *med, gfd_err *err)
{
    size_t npairs = m * (m - 1) / 2, t = 0;
    double *sq = gfd_alloc(npairs, sizeof *sq, "median bandwidth", err);
    if (!sq)
        return -1;
    for (size_t j = 0; j < m; j++)
        for (size_t k = j + 1; k < m; k++) {
            double s = 0;
            for (size_t c = 0; c < d; c++) {
                double z = x[rows[j] * d + c] - x[rows[k] * d + c];
                s += z * z;
            }
            sq[t++] = s;
        }
    double upper = gfd_select(sq, npairs, npairs / 2), lower = -INFINITY;
    for (size_t e = 0; npairs % 2 == 0 && e < npairs / 2; e++)  /* sq[0..k) <= sq[k] */
        lower = fmax(lower, sq[e]);
    *med = npairs % 2 ? upper : 0.5 * (lower + upper);
    free(sq);
    return 0;
}

int gfd_bw_median_sqdist(const gfd_cloud *Y, uint64_t seed, double *med, gfd_err *err)
{
    size_t *rows = gfd_alloc(Y->n ? Y->n : 1, sizeof *rows, "median bandwidth", err), m = 0;
    if (!rows)
        return -1;
    for (size_t j = 0; j < Y->n; j++)  /* the rows of positive weight */
        if (!Y->w || Y->w[j] > 0)
            rows[m++] = j;
    size_t use = m < MEDIAN_ROWS ? m : MEDIAN_ROWS;
    if (m < 2) {
        free(rows);
        return gfd_fail(err, GFD_EDATA, "median bandwidth needs at least 2 target points%s",
                        Y->w ? " of positive weight" : "");
    }
    if (use < m) {  /* a seeded subset: partial Fisher-Yates */
        gfd_rng r;
        gfd_rng_seed(&r, seed);
        for (size_t j = 0; j < use; j++) {
            size_t k = j + (size_t)(gfd_rng_uniform(&r) * (double)(m - j));
            size_t tmp = rows[j];
            rows[j] = rows[k];
            rows[k] = tmp;
        }
    }
    int rc = median_sqdist(Y->x, rows, use, Y->d, med, err);
    free(rows);
    return rc;
}

#define NN_ROWS 64  /* rows whose nearest neighbours gfd_bw_nn_median measures */

/* Distance from row j to its nearest other row of Y. */
static double nn_distance(const gfd_cloud *Y, size_t j)
{
    const size_t d = Y->d;
    double best = INFINITY;
    for (size_t k = 0; k < Y->n; k++) {
        double s = 0;
        for (size_t c = 0; c < d && s < best; c++) {
            double z = Y->x[j * d + c] - Y->x[k * d + c];
            s += z * z;
        }
        best = k != j && s < best ? s : best;
    }
    return sqrt(best);
}

int gfd_bw_nn_median(const gfd_cloud *Y, double *dist, gfd_err *err)
{
    size_t use = Y->n < NN_ROWS ? Y->n : NN_ROWS;
    if (Y->n < 2)
        return gfd_fail(err, GFD_EDATA, "nearest neighbours need at least 2 target points");
    double nn[NN_ROWS];
    for (size_t e = 0; e < use; e++)
        nn[e] = nn_distance(Y, e * (Y->n / use));
    *dist = gfd_select(nn, use, use / 2);
    return 0;
}

/* The number of points the rules count, M: Y->n, or with weights Kish's effective size
 * (sum w)^2 / sum w^2 (scipy's gaussian_kde neff; M when the weights are equal). */
static double effective_size(const gfd_cloud *Y)
{
    if (!Y->w)
        return (double)Y->n;
    double s = 0, s2 = 0;
    for (size_t i = 0; i < Y->n; i++)
        s += Y->w[i], s2 += Y->w[i] * Y->w[i];
    return s * s / s2;
}

/* MATH §2.5: h = sqrt(0.5 median |y_j - y_k|^2 / log(M + 1)) */
static int median_rule(const gfd_cloud *Y, uint64_t seed, double *h, gfd_err *err)
{
    double med;
    if (gfd_bw_median_sqdist(Y, seed, &med, err) < 0)
        return -1;
    *h = sqrt(0.5 * med / log(effective_size(Y) + 1));
    return 0;
}

int gfd_bw_select(const gfd_bw_rule *rule, const gfd_cloud *Y, uint64_t seed, double *h, gfd_err *err)
{
    double m = effective_size(Y), d = (double)Y->d;
    if (rule->kind != GFD_BW_FIXED && Y->n < 2)
        return gfd_fail(err, GFD_EDATA, "the %s bandwidth needs at least 2 target points, not %zu: "
                        "give -b H", names[rule->kind], Y->n);
    switch (rule->kind) {
    case GFD_BW_FIXED: *h = rule->value; return 0;
    case GFD_BW_MEDIAN:
        if (median_rule(Y, seed, h, err) < 0)
            return -1;
        break;
    case GFD_BW_SCOTT: *h = gfd_bw_sigma(Y) * pow(m, -1 / (d + 4)); break;
    case GFD_BW_SILVERMAN: *h = gfd_bw_sigma(Y) * pow(4 / ((d + 2) * m), 1 / (d + 4)); break;
    }
    if (!(*h > 0) || !isfinite(*h))
        return gfd_fail(err, GFD_EDATA, "%s bandwidth of the targets is %g (are all target points equal?)",
                        names[rule->kind], *h);
    return 0;
}
