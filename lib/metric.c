/* The metric table (metric.h): names, columns, parsing a list, resolving the options
 * that depend on the reference, and evaluating a list. The formulas are in metric_*.c. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "metric.h"
#include "sample.h"
#include "sphere.h"

static const char *const cols_mmd[] = {"mmd2", NULL};
static const char *const cols_energy[] = {"energy", NULL};
static const char *const cols_sw2[] = {"sw2", NULL};
static const char *const cols_w2[] = {"w2", NULL};
static const char *const cols_sinkhorn[] = {"sinkhorn", NULL};
static const char *const cols_coverage[] = {"hq", "modes", "mode_kl", NULL};
static const char *const cols_prdc[] = {"precision", "recall", "density", "coverage", NULL};
static const char *const cols_nll[] = {"nll_ref", "nll_samp", NULL};

static const gfd_metric_def table[] = {
    {"mmd", cols_mmd, 0, 1, gfd_metric_mmd, "unbiased MMD^2, Gaussian kernel (--mmd-bw)"},
    {"energy", cols_energy, 0, 1, gfd_metric_energy, "energy distance 2E|X-Y| - E|X-X'| - E|Y-Y'|"},
    {"sw2", cols_sw2, 0, 1, gfd_metric_sw2, "sliced W2 over --projections seeded directions (great circles)"},
    {"w2", cols_w2, 0, 1, gfd_metric_w2, "exact W2 by optimal assignment (N = M <= 10000)"},
    {"sinkhorn", cols_sinkhorn, 0, 0, gfd_metric_sinkhorn, "debiased Sinkhorn divergence S_eps (--eps)"},
    {"coverage", cols_coverage, 1, 1, gfd_metric_coverage, "high-quality fraction, modes covered, mode KL"},
    {"prdc", cols_prdc, 0, 1, gfd_metric_prdc, "precision, recall, density, coverage (--k)"},
    {"nll", cols_nll, 0, 0, gfd_metric_nll, "KDE cross-entropies -mean log q_h(y), -mean log p_h(x)"},
    {NULL, NULL, 0, 0, NULL, NULL},
};

const gfd_metric_def *gfd_metric_table(void) { return table; }

void gfd_metric_opts_default(gfd_metric_opts *o)
{
    *o = (gfd_metric_opts){.bw = {GFD_BW_SCOTT, 0}, .sinkhorn_iters = 10000,
                           .sinkhorn_tol = 1e-6, .projections = 256, .k = 5};
}

static const gfd_metric_def *find(const char *name, size_t len)
{
    for (const gfd_metric_def *m = table; m->name; m++)
        if (strlen(m->name) == len && !strncmp(m->name, name, len))
            return m;
    return NULL;
}

static int add(gfd_metric_spec *spec, const gfd_metric_def *m, gfd_err *err)
{
    for (int t = 0; t < spec->n; t++)
        if (spec->defs[t] == m)
            return gfd_fail(err, GFD_EUSAGE, "metric '%s' given twice", m->name);
    if (spec->n == GFD_METRIC_MAX)
        return gfd_fail(err, GFD_EUSAGE, "more than %d metrics", GFD_METRIC_MAX);
    spec->defs[spec->n++] = m;
    return 0;
}

int gfd_metric_parse(const char *text, gfd_metric_spec *spec, gfd_err *err)
{
    spec->n = 0;
    for (const char *p = text;; p++) {
        size_t len = strcspn(p, ",");
        const gfd_metric_def *m = find(p, len);
        if (!m) {
            char names[256] = "";
            for (const gfd_metric_def *t = table; t->name; t++)
                snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s",
                         t == table ? "" : ", ", t->name);
            return gfd_fail(err, GFD_EUSAGE, "unknown metric '%.*s' (metrics: %s)", (int)len, p, names);
        }
        if (add(spec, m, err) < 0)
            return -1;
        p += len;
        if (!*p)
            return 0;
    }
}

void gfd_metric_default(gfd_metric_spec *spec, int have_centers, int w2_applies)
{
    spec->n = 0;
    for (const gfd_metric_def *m = table; m->name; m++)
        if ((!m->needs_modes || have_centers) && (m->compute != gfd_metric_w2 || w2_applies))
            spec->defs[spec->n++] = m;
}

void gfd_metric_keep_sphere(gfd_metric_spec *spec)
{
    int n = 0;
    for (int t = 0; t < spec->n; t++)
        if (spec->defs[t]->sphere)
            spec->defs[n++] = spec->defs[t];
    spec->n = n;
}

size_t gfd_metric_columns(const gfd_metric_spec *spec, const char **names)
{
    size_t n = 0;
    for (int t = 0; t < spec->n; t++)
        for (const char *const *c = spec->defs[t]->columns; *c; c++, n++)
            if (names)
                names[n] = *c;
    return n;
}

static int uses(const gfd_metric_spec *spec, gfd_metric_fn fn)
{
    for (int t = 0; t < spec->n; t++)
        if (spec->defs[t]->compute == fn)
            return 1;
    return 0;
}

int gfd_metric_modes(const char *name, gfd_cloud *modes, gfd_err *err)
{
    gfd_cloud c;
    double sigma;
    if (gfd_sample_centers(name, &c, &sigma, err) < 0)
        return -1;
    int rc = gfd_cloud_alloc(modes, c.n, c.d + 1, err);
    for (size_t k = 0; rc == 0 && k < c.n; k++) {
        memcpy(modes->x + k * (c.d + 1), c.x + k * c.d, c.d * sizeof *c.x);
        modes->x[k * (c.d + 1) + c.d] = sigma;
    }
    gfd_cloud_free(&c);
    return rc;
}

int gfd_metric_prepare(const gfd_metric_spec *spec, gfd_metric_opts *o, const gfd_cloud *R,
                       gfd_err *err)
{
    if (uses(spec, gfd_metric_coverage) && !o->modes)
        return gfd_fail(err, GFD_EUSAGE, "coverage needs the mixture's modes: --modes FILE or --dataset NAME");
    if (o->modes && o->modes->d != R->d + 1)
        return gfd_fail(err, GFD_EDATA, "the modes have %zu columns, want %zu: [c_1 .. c_%zu, sigma]",
                        o->modes->d, R->d + 1, R->d);
    if (R->w)
        return gfd_fail(err, GFD_EUSAGE, "metrics take unweighted point sets");
    for (int t = 0; o->sphere && t < spec->n; t++)
        if (!spec->defs[t]->sphere)
            return gfd_fail(err, GFD_EUSAGE, "%s is not available with --sphere", spec->defs[t]->name);
    if (o->sphere && o->modes &&
        gfd_sphere_check(o->modes->x, o->modes->n, R->d, R->d + 1, "the modes' centres", err) < 0)
        return -1;
    /* the bandwidth only where it is used, so the other metrics take any reference */
    int default_eps = uses(spec, gfd_metric_sinkhorn) && o->eps == 0;
    if ((default_eps || uses(spec, gfd_metric_nll)) &&
        (o->sphere ? gfd_bw_select_sphere : gfd_bw_select)(&o->bw, R, o->seed, &o->h, err) < 0)
        return -1;
    if (default_eps)
        o->eps = 2 * o->h * o->h;  /* exp(-|x-y|^2/eps) is the KDE kernel K_h (MATH §2.1) */
    if (uses(spec, gfd_metric_mmd) && o->n_mmd_bw == 0) {
        double med;
        if (gfd_bw_median_sqdist(R, o->seed, &med, err) < 0)
            return -1;
        if (!(med > 0))
            return gfd_fail(err, GFD_EDATA, "mmd: the median distance of the reference is 0: give --mmd-bw");
        o->mmd_bw[0] = sqrt(med);  /* MATH §5: the median pairwise distance of the reference */
        if (o->sphere)  /* MATH §4: theta = 2 asin(|x - y| / 2), monotone in the chord */
            o->mmd_bw[0] = 2 * asin(fmin(1, o->mmd_bw[0] / 2));
        o->n_mmd_bw = 1;
    }
    return 0;
}

int gfd_metric_eval(const gfd_metric_spec *spec, const gfd_metric_opts *o, const gfd_cloud *S,
                    const gfd_cloud *R, double *values, gfd_err *err)
{
    if (S->d != R->d)
        return gfd_fail(err, GFD_EDATA, "%zu columns, but the reference has %zu", S->d, R->d);
    if (S->w)
        return gfd_fail(err, GFD_EUSAGE, "metrics take unweighted point sets");
    for (int t = 0; t < spec->n; t++) {
        const gfd_metric_def *m = spec->defs[t];
        if (m->compute(S, R, o, values, err) < 0) {  /* prefix the message with the name */
            size_t k = strlen(m->name) + 2, len = strnlen(err->msg, sizeof err->msg - 1 - k);
            memmove(err->msg + k, err->msg, len);
            memcpy(err->msg, m->name, k - 2);
            memcpy(err->msg + k - 2, ": ", 2);
            err->msg[k + len] = 0;
            return -1;
        }
        for (const char *const *c = m->columns; *c; c++)
            values++;
    }
    return 0;
}
