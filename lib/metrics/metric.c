/* The metric table (gfd/metric.h), and a list of metrics prepared against a reference:
 * choosing the list (named, or every one that applies), preparing each entry, evaluating
 * them in order. The formulas are in the other files of lib/metrics/, one family per
 * file. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/names.h"
#include "metrics/metric_impl.h"

static const char *const cols_mmd[] = {"mmd2", NULL};
static const char *const cols_energy[] = {"energy", NULL};
static const char *const cols_sw2[] = {"sw2", NULL};
static const char *const cols_w2[] = {"w2", NULL};
static const char *const cols_sinkhorn[] = {"sinkhorn", NULL};
static const char *const cols_coverage[] = {"hq", "modes", "mode_kl", NULL};
static const char *const cols_prdc[] = {"precision", "recall", "density", "coverage", NULL};
static const char *const cols_nll[] = {"nll_ref", "nll_samp", NULL};

#define SPH GFD_METRIC_SPHERE
#define WTS GFD_METRIC_WEIGHTS

static const gfd_metric_def table[] = {
    {"mmd", "unbiased MMD^2, Gaussian kernel (--mmd-bw)", cols_mmd, SPH | WTS,
     mmd_metric_options, &mmd_metric_ops},
    {"energy", "energy distance 2E|X-Y| - E|X-X'| - E|Y-Y'|", cols_energy, SPH | WTS,
     no_metric_options, &energy_metric_ops},
    {"sw2", "sliced W2 over --projections seeded lines (great circles on the sphere)", cols_sw2,
     SPH | GFD_METRIC_STOCHASTIC, sw2_metric_options, &sw2_metric_ops},
    {"w2", "exact W2 by optimal assignment (N = M <= 10000)", cols_w2, SPH | GFD_METRIC_SAME_SIZE,
     no_metric_options, &w2_metric_ops},
    {"sinkhorn", "debiased Sinkhorn divergence S_eps (--eps)", cols_sinkhorn,
     GFD_METRIC_BANDWIDTH | WTS,
     sinkhorn_metric_options, &sinkhorn_metric_ops},
    {"coverage", "high-quality fraction, modes covered, mode KL", cols_coverage,
     SPH | GFD_METRIC_MODES | WTS, no_metric_options, &coverage_metric_ops},
    {"prdc", "precision, recall, density, coverage (--k)", cols_prdc, SPH,
     prdc_metric_options, &prdc_metric_ops},
    {"nll", "KDE cross-entropies -mean log q_h(y), -mean log p_h(x)", cols_nll,
     GFD_METRIC_BANDWIDTH | WTS, no_metric_options, &nll_metric_ops},
    {NULL, NULL, NULL, 0, NULL, NULL},
};

const gfd_option no_metric_options[] = {{.name = NULL}};

const gfd_metric_def *gfd_metric_table(void) { return table; }

const gfd_option *gfd_metric_option(const char *name)
{
    for (const gfd_metric_def *m = table; m->name; m++)
        for (const gfd_option *o = m->options; o->name; o++)
            if (!strcmp(o->name, name))
                return o;
    return NULL;
}

int gfd_metric_setting(gfd_settings *s, const char *name, const char *value, gfd_err *err)
{
    const gfd_option *o = gfd_metric_option(name);
    if (!o)
        return gfd_fail(err, GFD_EUSAGE, "no metric has an option --%s", name);
    return gfd_settings_set(s, o, value, err);
}

struct gfd_metrics {
    metric_part parts[GFD_METRIC_MAX];
    int n;
};

static const gfd_metric_def *find(const char *name, size_t len)
{
    for (const gfd_metric_def *m = table; m->name; m++)
        if (strlen(m->name) == len && !strncmp(m->name, name, len))
            return m;
    return NULL;
}

static int add(gfd_metrics *ms, const gfd_metric_def *m, gfd_err *err)
{
    for (int t = 0; t < ms->n; t++)
        if (ms->parts[t].def == m)
            return gfd_fail(err, GFD_EUSAGE, "metric '%s' given twice", m->name);
    if (ms->n == GFD_METRIC_MAX)
        return gfd_fail(err, GFD_EUSAGE, "more than %d metrics", GFD_METRIC_MAX);
    ms->parts[ms->n++].def = m;
    return 0;
}

static int parse(gfd_metrics *ms, const char *text, gfd_err *err)
{
    for (const char *p = text;; p++) {
        size_t len = strcspn(p, ",");
        const gfd_metric_def *m = find(p, len);
        if (!m) {
            char names[256];
            gfd_join_names(names, sizeof names, table, sizeof *table, NULL, NULL);
            return gfd_fail(err, GFD_EUSAGE, "unknown metric '%.*s' (metrics: %s)", (int)len, p, names);
        }
        if (add(ms, m, err) < 0)
            return -1;
        p += len;
        if (!*p)
            return 0;
    }
}

int gfd_metric_names_check(const char *names, gfd_err *err)
{
    gfd_metrics ms = {.n = 0};
    return parse(&ms, names, err);
}

/* Every metric that applies: with modes, at these sizes, on this geometry, with weights. */
static void every_applicable(gfd_metrics *ms, const gfd_metric_setup *s, const gfd_geometry *g,
                             int weighted)
{
    for (const gfd_metric_def *m = table; m->name; m++)
        if ((!(m->flags & GFD_METRIC_MODES) || s->modes) &&
            (!(m->flags & GFD_METRIC_SAME_SIZE) || (s->same_size > 0 && s->same_size <= GFD_W2_MAX)) &&
            (m->flags & g->metric_needs) == g->metric_needs && (!weighted || (m->flags & WTS)))
            ms->parts[ms->n++].def = m;
}

static int takes_weights(const void *entry, const void *ctx)
{
    (void)ctx;
    return !!(((const gfd_metric_def *)entry)->flags & WTS);
}

static int no_weights(const gfd_metric_def *m, gfd_err *err)
{
    char names[256];
    gfd_join_names(names, sizeof names, table, sizeof *table, takes_weights, NULL);
    return gfd_fail(err, GFD_EUSAGE, "%s takes no weights (metrics with weights: %s)", m->name, names);
}

static int check(const gfd_metric_def *m, const gfd_metric_setup *s, const gfd_geometry *g,
                 int weighted, gfd_err *err)
{
    if (weighted && !(m->flags & WTS))
        return no_weights(m, err);
    if ((m->flags & g->metric_needs) != g->metric_needs)
        return gfd_fail(err, GFD_EUSAGE, "%s is not available with --%s", m->name, g->name);
    if ((m->flags & GFD_METRIC_MODES) && !s->modes)
        return gfd_fail(err, GFD_EUSAGE, "%s needs the mixture's modes: --modes FILE or --dataset NAME",
                        m->name);
    return 0;
}

gfd_metrics *gfd_metrics_new(const char *names, const gfd_metric_setup *setup,
                             const gfd_cloud *R, gfd_err *err)
{
    const gfd_geometry *g = setup->geometry ? setup->geometry : gfd_geometry_flat();
    gfd_metrics *ms = gfd_alloc(1, sizeof *ms, "metrics", err);
    if (!ms)
        return NULL;
    int weighted = setup->weighted || R->w, rc = 0;
    if (names)
        rc = parse(ms, names, err);
    else
        every_applicable(ms, setup, g, weighted);
    for (int t = 0; rc == 0 && t < ms->n; t++)
        rc = check(ms->parts[t].def, setup, g, weighted, err);
    int ready = 0;
    for (; rc == 0 && ready < ms->n; ready++) {
        metric_part *p = &ms->parts[ready];
        p->geom = g, p->R = R;
        rc = p->def->ops->init(p, setup, err);
    }
    if (rc < 0) {
        ms->n = ready;  /* the parts init saw, the failed one too: inits set state first */
        gfd_metrics_free(ms);
        return NULL;
    }
    return ms;
}

void gfd_metrics_free(gfd_metrics *ms)
{
    if (!ms)
        return;
    for (int t = 0; t < ms->n; t++) {
        metric_part *p = &ms->parts[t];
        if (p->def->ops->free)
            p->def->ops->free(p);
        else
            free(p->state);
    }
    free(ms);
}

size_t gfd_metrics_columns(const gfd_metrics *ms, const char **names)
{
    size_t n = 0;
    for (int t = 0; t < ms->n; t++)
        for (const char *const *c = ms->parts[t].def->columns; *c; c++, n++)
            if (names)
                names[n] = *c;
    return n;
}

int gfd_metrics_eval(gfd_metrics *ms, const gfd_cloud *S, double *values, gfd_err *err)
{
    const gfd_cloud *R = ms->n ? ms->parts[0].R : NULL;
    if (R && S->d != R->d)
        return gfd_fail(err, GFD_EDATA, "%zu columns, but the reference has %zu", S->d, R->d);
    for (int t = 0; t < ms->n; t++) {
        metric_part *p = &ms->parts[t];
        if (S->w && !(p->def->flags & WTS))
            return no_weights(p->def, err);
        if (p->def->ops->compute(p, S, values, err) < 0)
            return gfd_err_prefix(err, "%s", p->def->name);
        for (const char *const *c = p->def->columns; *c; c++)
            values++;
    }
    return 0;
}

int metric_weights(const gfd_cloud *c, double **w, gfd_err *err)
{
    *w = NULL;
    if (!c->w)
        return 0;
    double *x = gfd_alloc(c->n, sizeof *x, "weights", err);
    if (!x || gfd_cloud_logweights(c, x, err) < 0) {
        free(x);
        return -1;
    }
    for (size_t i = 0; i < c->n; i++)
        x[i] = exp(x[i]);
    *w = x;
    return 0;
}

/* Part i's report line, or 0 when it reports nothing. */
static size_t part_line(const void *ctx, int i, char *out, size_t room)
{
    const metric_part *p = (const metric_part *)ctx + i;
    return p->def->ops->report ? p->def->ops->report(p, out, room) : 0;
}

size_t gfd_metrics_report(const gfd_metrics *ms, char *buf, size_t cap)
{
    return gfd_join_lines(buf, cap, ms->n, part_line, ms->parts);
}
