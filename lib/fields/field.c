/* The field table, field specs ("rkl:0.5,chi2:0.5"), the run's field (its parts and their
 * states) and the weighted mixture of MATH §3.8, and the per-particle random streams. The
 * fields themselves live in the other files of lib/fields/, one family per file. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/names.h"
#include "core/numfmt.h"
#include "fields/field_impl.h"

#define SCORE GFD_UNITS_SCORE
#define DISPL GFD_UNITS_DISPLACEMENT
#define BW GFD_FIELD_BANDWIDTH
#define SPH GFD_FIELD_SPHERE
#define SELF GFD_FIELD_SELF_KDE
#define RAND GFD_FIELD_STOCHASTIC
#define SUMS GFD_FIELD_TARGET_SUMS

static const gfd_field_def table[] = {
    {"kl", "KL(q||p): (m_p - m_q)/h^2, Cao et al.'s field (MATH 3.1)",
     NULL, NULL, SCORE, BW | SPH | SELF | SUMS, fdiv_options, &fdiv_ops, 0, 0},
    {"rkl", "KL(p||q): (1/r)(m_p - m_q)/h^2, pulls into under-covered modes",
     NULL, NULL, SCORE, BW | SPH | SELF | SUMS, fdiv_options, &fdiv_ops, 0, 0},
    {"chi2", "Pearson chi^2(q||p): 2r(m_p - m_q)/h^2, pushes out of over-filled regions",
     NULL, NULL, SCORE, BW | SPH | SELF | SUMS, fdiv_options, &fdiv_ops, 0, 0},
    {"alpha", "alpha:A divergence: r^(A-1)(m_p - m_q)/h^2 (1 = kl, 0 = rkl)",
     "A", NULL, SCORE, BW | SPH | SELF | SUMS, fdiv_options, &fdiv_ops, 0, 0},
    {"js", "Jensen-Shannon: (m_p - m_q)/((1 + r) h^2)",
     NULL, NULL, SCORE, BW | SPH | SELF | SUMS, fdiv_options, &fdiv_ops, 0, 0},
    {"kl-smoothed", "exact flow of KL(q*K_h||p*K_h): E[s(x + h xi)], --mc draws (MATH 3.3)",
     NULL, NULL, SCORE, BW | SELF | RAND | SUMS, smoothed_options, &smoothed_ops, 0, 0},
    {"mmd", "MMD flow, unnormalised Gaussian kernel, --noise-inject (MATH 3.5)",
     NULL, NULL, SCORE, BW | SPH | SELF | RAND | SUMS, mmd_options, &mmd_ops, 0, 0},
    {"drift", "Deng et al.'s drift as in drift_loss.py (MATH 3.4)",
     NULL, NULL, DISPL, SPH | SELF, drift_options, &drift_ops, 64, 0.01},
    {"sinkhorn", "Sinkhorn-divergence flow T_qp(x) - T_qq(x) (MATH 3.6)",
     NULL, NULL, DISPL, BW | SPH | SELF, sinkhorn_options, &sinkhorn_ops, 0, 0},
    {"sinkhorn-proxy", "one-shot Sinkhorn proxy m+ m- (T+ - T-) (MATH 3.6)",
     NULL, NULL, DISPL, BW | SPH | SELF, proxy_options, &proxy_ops, 0, 0},
    {"sliced", "sliced Wasserstein flow over --projections lines (MATH 3.7; great circles on the sphere)",
     NULL, NULL, DISPL, SPH | RAND, sliced_options, &sliced_ops, 0, 0},
    {"critic", "GAN-critic flow -g(r) grad d, d a logistic critic on random Fourier features (MATH 3.9)",
     "F", field_fdiv_words, SCORE, BW | RAND, critic_options, &critic_ops, 0, 0},
    {NULL, NULL, NULL, NULL, SCORE, 0, NULL, NULL, 0, 0},
};

const gfd_field_def *gfd_field_table(void) { return table; }

/* MATH §3.10: the options of every field. */
enum { O_BATCH, O_TARGET_BATCH };

static const gfd_option run_options[] = {
    {.name = "batch", .type = GFD_OPT_INT, .arg = "B",
     .help = "mini-batches: each step the particles split at random into groups of B, each "
             "with fresh targets (MATH 3.10; 0: the whole clouds)",
     .def = 0, .lo = 0, .hi = 1e15, .text = "0, drift in gfd-flow 64"},
    {.name = "target-batch", .type = GFD_OPT_INT, .arg = "B'",
     .help = "targets drawn from Y for each group, without replacement", .def = 0, .lo = 0,
     .hi = 1e15, .text = "B"},
    {.name = NULL},
};

const gfd_option *gfd_field_run_options(void) { return run_options; }

const gfd_option *gfd_field_option(const char *name)
{
    for (const gfd_option *o = run_options; o->name; o++)
        if (!strcmp(o->name, name))
            return o;
    for (const gfd_field_def *f = table; f->name; f++)
        for (const gfd_option *o = f->options; o->name; o++)
            if (!strcmp(o->name, name))
                return o;
    return NULL;
}

int gfd_field_setting(gfd_settings *s, const char *name, const char *value, gfd_err *err)
{
    const gfd_option *o = gfd_field_option(name);
    if (!o)
        return gfd_fail(err, GFD_EUSAGE, "no field has an option --%s", name);
    return gfd_settings_set(s, o, value, err);
}

void gfd_field_rng(gfd_rng *r, uint64_t seed, uint64_t step, int purpose, uint64_t i)
{
    gfd_rng_split(r, seed, step * 16 + (uint64_t)purpose);
    gfd_rng_split(r, gfd_rng_u64(r), i);
}

/* ---- specs ---- */

static const gfd_field_def *find(const char *name, size_t len)
{
    for (const gfd_field_def *f = table; f->name; f++)
        if (strlen(f->name) == len && !strncmp(f->name, name, len))
            return f;
    return NULL;
}

/* A number of a term: the whole of [s, s + len) must parse, finite. */
static int term_number(const char *s, size_t len, double *v)
{
    char buf[64], *end;
    if (len == 0 || len >= sizeof buf)
        return -1;
    memcpy(buf, s, len);
    buf[len] = 0;
    errno = 0;
    *v = gfd_strtod(buf, &end);
    return *end || errno || !isfinite(*v) ? -1 : 0;
}

static int unknown_field(const char *name, size_t len, gfd_err *err)
{
    char list[256];
    gfd_join_names(list, sizeof list, table, sizeof *table, NULL, NULL);
    return gfd_fail(err, GFD_EUSAGE, "unknown field '%.*s' (fields: %s)", (int)len, name, list);
}

/* The pieces of a term "A:B:C" (at most 4, else -1): starts and lengths. */
static int term_pieces(const char *s, size_t len, const char **at, size_t *plen)
{
    int n = 0;
    for (const char *p = s, *end = s + len;; p++) {
        const char *colon = memchr(p, ':', (size_t)(end - p));
        if (n == 4)
            return -1;
        at[n] = p, plen[n++] = colon ? (size_t)(colon - p) : (size_t)(end - p);
        if (!colon)
            return n;
        p = colon;
    }
}

/* The word of t->def->words spelt by [w, w + wl) (its name before any ':'), or -1. */
static int find_word(const gfd_field_def *def, const char *w, size_t wl)
{
    for (int k = 0; def->words[k]; k++) {
        const char *c = strchr(def->words[k], ':');
        size_t kl = c ? (size_t)(c - def->words[k]) : strlen(def->words[k]);
        if (kl == wl && !strncmp(def->words[k], w, wl))
            return k;
    }
    return -1;
}

/* One term "NAME[:PARAM][:WEIGHT]" of length len; a word PARAM may be absent, and a word
 * "NAME:P" takes a number after it (critic:alpha:0.5:2). */
static int parse_term(const char *s, size_t len, gfd_field_term *t, gfd_err *err)
{
    const char *at[4];
    size_t pl[4];
    int n = term_pieces(s, len, at, pl), next = 1;
    if (n > 0 && !(t->def = find(at[0], pl[0])))
        return unknown_field(at[0], pl[0], err);
    t->word = 0, t->param = 0, t->weight = 1;
    double num;
    const char *need = NULL;  /* a number parameter this term must have, by its name */
    if (n > 0 && t->def->words && n > 1 && term_number(at[1], pl[1], &num) < 0) {
        if ((t->word = find_word(t->def, at[1], pl[1])) < 0) {
            char list[128];
            gfd_join_names(list, sizeof list, t->def->words, sizeof *t->def->words, NULL, NULL);
            return gfd_fail(err, GFD_EUSAGE, "field '%.*s': %s is one of %s", (int)len, s,
                            t->def->param, list);
        }
        next = 2;
        need = strchr(t->def->words[t->word], ':') ? t->def->words[t->word] : NULL;
    } else if (n > 0 && !t->def->words && t->def->param) {
        if (n < 2 || term_number(at[1], pl[1], &t->param) < 0)
            return gfd_fail(err, GFD_EUSAGE, "field '%.*s' needs a number: %s:%s[:WEIGHT]",
                            (int)len, s, t->def->name, t->def->param);
        next = 2;
    }
    if (need) {
        if (n <= next || term_number(at[next], pl[next], &t->param) < 0)
            return gfd_fail(err, GFD_EUSAGE, "field '%.*s' needs a number: %s:%s[:WEIGHT]",
                            (int)len, s, t->def->name, need);
        next++;
    }
    if (n < 0 || n > next + 1 ||
        (n == next + 1 && (term_number(at[next], pl[next], &t->weight) < 0 || t->weight < 0)))
        return gfd_fail(err, GFD_EUSAGE, "field '%.*s': the weight must be a number >= 0",
                        (int)len, s);
    return 0;
}

int gfd_field_parse(const char *text, gfd_field_spec *spec, gfd_err *err)
{
    spec->nterms = 0;
    int positive = 0;
    for (const char *s = text;; s++) {
        const char *comma = strchr(s, ',');
        size_t len = comma ? (size_t)(comma - s) : strlen(s);
        if (len == 0)
            return gfd_fail(err, GFD_EUSAGE, "field '%s': empty term", text);
        if (spec->nterms == GFD_MAX_TERMS)
            return gfd_fail(err, GFD_EUSAGE, "field '%s': more than %d terms", text, GFD_MAX_TERMS);
        gfd_field_term *t = &spec->terms[spec->nterms++];
        if (parse_term(s, len, t, err) < 0)
            return -1;
        positive |= t->weight > 0;
        if (!comma)
            break;
        s = comma;
    }
    if (!positive)
        return gfd_fail(err, GFD_EUSAGE, "field '%s': every weight is zero", text);
    return 0;
}

gfd_units gfd_field_spec_units(const gfd_field_spec *spec)
{
    for (int t = 0; t < spec->nterms; t++)
        if (spec->terms[t].def->units == GFD_UNITS_SCORE)
            return GFD_UNITS_SCORE;  /* MATH §1: a mixture across the families counts as score */
    return GFD_UNITS_DISPLACEMENT;
}

static const gfd_option *term_option(const gfd_field_spec *spec, const char *name)
{
    for (const gfd_option *o = run_options; o->name; o++)
        if (!strcmp(o->name, name))
            return o;
    for (int t = 0; t < spec->nterms; t++)
        for (const gfd_option *o = spec->terms[t].def->options; o->name; o++)
            if (!strcmp(o->name, name))
                return o;
    return NULL;
}

const char *gfd_field_spec_ignores(const gfd_field_spec *spec, const gfd_settings *s)
{
    for (int k = 0; s && k < s->n; k++)
        if (!term_option(spec, s->s[k].name))
            return s->s[k].name;
    return NULL;
}

/* ---- the run's field ---- */

struct gfd_field {
    gfd_field_spec spec;
    const gfd_geometry *geom;
    size_t batch, target_batch;  /* MATH §3.10: 0, the whole clouds */
    int batch_given;
    field_part parts[GFD_MAX_TERMS];
    int nparts;
    double *scratch;       /* N x d for mixtures of several parts */
    size_t scratch_len;
};

/* Whether a table entry runs on the geometry ctx. */
static int runs_on(const void *entry, const void *ctx)
{
    return !!(((const gfd_field_def *)entry)->flags & ((const gfd_geometry *)ctx)->field_needs);
}

/* Checks the spec and the options given against the geometry: a field or an option that
 * the sphere does not have is a usage error naming it. */
static int check_geometry(const gfd_field_spec *spec, const gfd_settings *s,
                          const gfd_geometry *g, gfd_err *err)
{
    if (!g->field_needs)
        return 0;
    char list[256];
    gfd_join_names(list, sizeof list, table, sizeof *table, runs_on, g);
    for (int t = 0; t < spec->nterms; t++)
        if (!(spec->terms[t].def->flags & g->field_needs))
            return gfd_fail(err, GFD_EUSAGE, "field '%s' is not available on the %s (there: %s)",
                            spec->terms[t].def->name, g->name, list);
    for (int k = 0; s && k < s->n; k++) {
        const gfd_option *o = term_option(spec, s->s[k].name);
        if (o && (o->flags & GFD_OPT_FLAT_ONLY))
            return gfd_fail(err, GFD_EUSAGE, "--%s is not available on the %s", o->name, g->name);
    }
    return 0;
}

/* Groups the terms into parts: each term its own, but the terms of shared ops in one. */
static void make_parts(gfd_field *f)
{
    for (int t = 0; t < f->spec.nterms; t++) {
        const gfd_field_def *def = f->spec.terms[t].def;
        field_part *part = NULL;
        for (int p = 0; def->ops->shared && p < f->nparts && !part; p++)
            if (f->parts[p].def->ops == def->ops)
                part = &f->parts[p];
        if (!part) {
            part = &f->parts[f->nparts++];
            *part = (field_part){.def = def, .geom = f->geom,
                                 .uses_h = !!(def->flags & GFD_FIELD_BANDWIDTH),
                                 .flow_batch = def->flow_batch, .flow_eta_end = def->flow_eta_end};
        }
        part->spec_index[part->nterms] = t;
        part->terms[part->nterms++] = f->spec.terms[t];
    }
}

gfd_field *gfd_field_new(const gfd_field_spec *spec, const gfd_settings *s,
                         const gfd_geometry *geometry, gfd_err *err)
{
    geometry = geometry ? geometry : gfd_geometry_flat();
    if (check_geometry(spec, s, geometry, err) < 0)
        return NULL;
    gfd_field *f = gfd_alloc(1, sizeof *f, "field", err);
    if (!f)
        return NULL;
    f->spec = *spec;
    f->geom = geometry;
    f->batch = (size_t)gfd_option_int(s, &run_options[O_BATCH]);
    f->target_batch = (size_t)gfd_option_int(s, &run_options[O_TARGET_BATCH]);
    f->batch_given = gfd_settings_get(s, "batch") || gfd_settings_get(s, "target-batch");
    make_parts(f);
    for (int p = 0; p < f->nparts; p++) {
        field_part *part = &f->parts[p];
        if (part->def->ops->init(part, s, err) < 0) {
            f->nparts = p + 1;  /* the parts init saw, this one too: inits set state first */
            gfd_field_free(f);
            return NULL;
        }
    }
    return f;
}

void gfd_field_free(gfd_field *f)
{
    if (!f)
        return;
    for (int p = 0; p < f->nparts; p++) {
        field_part *part = &f->parts[p];
        if (part->def->ops->free)
            part->def->ops->free(part);
        else
            free(part->state);
    }
    free(f->scratch);
    free(f);
}

const gfd_field_spec *gfd_field_get_spec(const gfd_field *f) { return &f->spec; }

const gfd_geometry *gfd_field_geometry(const gfd_field *f) { return f->geom; }

gfd_units gfd_field_units(const gfd_field *f) { return gfd_field_spec_units(&f->spec); }

int gfd_field_uses_bandwidth(const gfd_field *f)
{
    for (int p = 0; p < f->nparts; p++)
        for (int t = 0; t < f->parts[p].nterms; t++)
            if (f->parts[p].uses_h && f->parts[p].terms[t].weight != 0)
                return 1;
    return 0;
}

void gfd_field_batch(const gfd_field *f, size_t *batch, size_t *target_batch)
{
    *batch = f->batch, *target_batch = f->target_batch;
}

void gfd_field_set_batch(gfd_field *f, size_t batch, size_t target_batch)
{
    f->batch = batch, f->target_batch = target_batch;
}

int gfd_field_batch_given(const gfd_field *f) { return f->batch_given; }

size_t gfd_field_flow_batch(const gfd_field *f)
{
    size_t b = 0;
    for (int p = 0; p < f->nparts; p++)
        b = f->parts[p].flow_batch > b ? f->parts[p].flow_batch : b;
    return b;
}

double gfd_field_flow_eta_end(const gfd_field *f)
{
    double e = 0;
    for (int p = 0; p < f->nparts; p++) {
        double ep = f->parts[p].flow_eta_end;
        e = ep > 0 && (e == 0 || ep < e) ? ep : e;
    }
    return e;
}

void gfd_field_set_weights(gfd_field *f, const double *w)
{
    for (int t = 0; t < f->spec.nterms; t++)
        f->spec.terms[t].weight = w[t];
    for (int p = 0; p < f->nparts; p++)
        for (int t = 0; t < f->parts[p].nterms; t++)
            f->parts[p].terms[t].weight = w[f->parts[p].spec_index[t]];
}

static int check_inputs(const gfd_field *f, const gfd_cloud *X, const gfd_cloud *Y,
                        const gfd_field_args *a, gfd_err *err)
{
    if (X->d != Y->d)
        return gfd_fail(err, GFD_EDATA, "the particles have %zu coordinates, the targets %zu", X->d, Y->d);
    if (X->n == 0 || Y->n == 0)
        return gfd_fail(err, GFD_EDATA, "no %s", X->n ? "targets" : "particles");
    if (gfd_field_uses_bandwidth(f) && (!(a->h > 0) || !isfinite(a->h)))
        return gfd_fail(err, GFD_EUSAGE, "bandwidth must be a positive number, not %g", a->h);
    if (f->geom->check(X->x, X->n, X->d, X->d, "particles", err) < 0 ||
        f->geom->check(Y->x, Y->n, Y->d, Y->d, "targets", err) < 0)
        return -1;
    return 0;
}

static int any_weight(const field_part *p)
{
    for (int t = 0; t < p->nterms; t++)
        if (p->terms[t].weight != 0)
            return 1;
    return 0;
}

int gfd_field_sums_targets(const gfd_field *f)
{
    if (f->batch)
        return 0;
    for (int p = 0; p < f->nparts; p++)
        if (!(f->parts[p].def->flags & GFD_FIELD_TARGET_SUMS))  /* a schedule may weigh it */
            return 0;
    return 1;
}

/* The weight a part's velocity is multiplied by: its term's, or 1 for shared ops. */
static double part_weight(const field_part *p)
{
    return p->def->ops->shared ? 1 : p->terms[0].weight;
}

/* Several parts: V = sum of their weighted velocities, each computed into the scratch. */
static int mixture(gfd_field *f, const field_call *c, double *V, gfd_err *err)
{
    const size_t nd = c->X->n * c->X->d;
    if (f->scratch_len < nd) {
        free(f->scratch);
        f->scratch_len = 0;
        if (!(f->scratch = gfd_alloc(nd, sizeof *f->scratch, "velocity term", err)))
            return -1;
        f->scratch_len = nd;
    }
    memset(V, 0, nd * sizeof *V);
    for (int p = 0; p < f->nparts; p++) {
        field_part *part = &f->parts[p];
        if (!any_weight(part))
            continue;
        if (part->def->ops->compute(part, c, f->scratch, err) < 0)
            return -1;
        double w = part_weight(part);
        for (size_t k = 0; k < nd; k++)
            V[k] += w * f->scratch[k];
    }
    return 0;
}

/* MATH §3.8: v = sum_t weight_t v_t of one group (the whole clouds without batches).
 * X: N x d, Y: M x d, V: N x d. A single part computes straight into V. */
static int parts_velocity(void *ctx, const gfd_cloud *X, const gfd_cloud *Y,
                          const gfd_field_args *a, double *V, gfd_err *err)
{
    gfd_field *f = ctx;
    field_call c = {X, Y, a};
    field_part *only = NULL;
    int live = 0;
    for (int p = 0; p < f->nparts; p++)
        if (any_weight(&f->parts[p]))
            only = &f->parts[p], live++;
    if (live > 1 && mixture(f, &c, V, err) < 0)
        return -1;
    if (live == 1) {
        if (only->def->ops->compute(only, &c, V, err) < 0)
            return -1;
        double w = part_weight(only);
        for (size_t k = 0; w != 1 && k < X->n * X->d; k++)
            V[k] *= w;
    }
    return 0;
}

/* The mixture over the mini-batches in force (MATH §3.10), then its tangent part (MATH §4). */
int gfd_field_velocity(gfd_field *f, const gfd_cloud *X, const gfd_cloud *Y,
                       const gfd_field_args *a, double *V, gfd_err *err)
{
    if (check_inputs(f, X, Y, a, err) < 0 ||
        field_batches(f->batch, f->target_batch, X, Y, a, parts_velocity, f, V, err) < 0)
        return -1;
    f->geom->tangent_rows(X->x, X->n, X->d, V);
    return gfd_check_finite(V, X->n, X->d, "the velocity", "the bandwidth (or a temperature) is "
                            "too small for the distances, or the particles diverged", err);
}

/* Part i's report line, or 0 when it reports nothing. */
static size_t part_line(const void *ctx, int i, char *out, size_t room)
{
    const field_part *p = (const field_part *)ctx + i;
    return p->def->ops->report ? p->def->ops->report(p, out, room) : 0;
}

size_t gfd_field_report(const gfd_field *f, char *buf, size_t cap)
{
    return gfd_join_lines(buf, cap, f->nparts, part_line, f->parts);
}
