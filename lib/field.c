/* The field table, field specs ("rkl:0.5,chi2:0.5") and their weighted mixture
 * (MATH §3.8), option defaults, and the per-particle random streams. The fields
 * themselves live in lib/field_*.c (declared in field_impl.h). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "field_impl.h"
#include "sphere.h"

static const gfd_field_def table[] = {
    {"kl", GFD_UNITS_SCORE, 0, field_kl, "KL(q||p): (m_p - m_q)/h^2, Cao et al.'s field (MATH 3.1)", 1},
    {"rkl", GFD_UNITS_SCORE, 0, field_rkl, "KL(p||q): (1/r)(m_p - m_q)/h^2, pulls into under-covered modes", 1},
    {"chi2", GFD_UNITS_SCORE, 0, field_chi2, "Pearson chi^2(q||p): 2r(m_p - m_q)/h^2, pushes out of over-filled regions", 1},
    {"alpha", GFD_UNITS_SCORE, 1, field_alpha, "alpha:A divergence: r^(A-1)(m_p - m_q)/h^2 (1 = kl, 0 = rkl)", 1},
    {"js", GFD_UNITS_SCORE, 0, field_js, "Jensen-Shannon: (m_p - m_q)/((1 + r) h^2)", 1},
    {"kl-smoothed", GFD_UNITS_SCORE, 0, field_kl_smoothed, "exact flow of KL(q*K_h||p*K_h): E[s(x + h xi)], --mc draws (MATH 3.3)", 0},
    {"mmd", GFD_UNITS_SCORE, 0, field_mmd, "MMD flow, unnormalised Gaussian kernel, --noise-inject (MATH 3.5)", 1},
    {"drift", GFD_UNITS_DISPLACEMENT, 0, field_drift, "Deng et al.'s drift as in drift_loss.py (MATH 3.4)", 1},
    {"sinkhorn", GFD_UNITS_DISPLACEMENT, 0, field_sinkhorn, "Sinkhorn-divergence flow T_qp(x) - T_qq(x) (MATH 3.6)", 1},
    {"sinkhorn-proxy", GFD_UNITS_DISPLACEMENT, 0, field_sinkhorn_proxy, "one-shot Sinkhorn proxy m+ m- (T+ - T-) (MATH 3.6)", 1},
    {"sliced", GFD_UNITS_DISPLACEMENT, 0, field_sliced, "sliced Wasserstein flow over --projections directions (MATH 3.7; great circles on the sphere)", 1},
    {NULL, 0, 0, NULL, NULL, 0},
};

const gfd_field_def *gfd_field_table(void) { return table; }

void gfd_field_opts_default(gfd_field_opts *o)
{
    *o = (gfd_field_opts){
        .ratio_clip = 1e6, .mc = 16, .temps = {0.02, 0.05, 0.2}, .ntemps = 3, .floor = 1e-6,
        .drift_kernel = GFD_KERNEL_LAPLACE, .normalize = GFD_NORMALIZE_BOTH, .iters = 50,
        .projections = 64,
    };
}

void gfd_field_rng(gfd_rng *r, uint64_t seed, uint64_t step, int purpose, uint64_t i)
{
    gfd_rng_split(r, seed, step * 16 + (uint64_t)purpose);
    gfd_rng_split(r, gfd_rng_u64(r), i);
}

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
    *v = strtod(buf, &end);
    return *end || errno || !isfinite(*v) ? -1 : 0;
}

static int unknown_field(const char *name, size_t len, gfd_err *err)
{
    char list[256] = "";
    for (const gfd_field_def *f = table; f->name; f++) {
        strcat(list, f == table ? "" : ", ");
        strcat(list, f->name);
    }
    return gfd_fail(err, GFD_EUSAGE, "unknown field '%.*s' (fields: %s)", (int)len, name, list);
}

/* One term "NAME[:PARAM][:WEIGHT]" of length len. */
static int parse_term(const char *s, size_t len, gfd_field_term *t, gfd_err *err)
{
    const char *colon = memchr(s, ':', len);
    size_t nlen = colon ? (size_t)(colon - s) : len;
    if (!(t->def = find(s, nlen)))
        return unknown_field(s, nlen, err);
    const char *rest = colon ? colon + 1 : s + len, *end = s + len;
    t->param = 0;
    t->weight = 1;
    if (t->def->has_param) {
        const char *c2 = memchr(rest, ':', (size_t)(end - rest));
        const char *pend = c2 ? c2 : end;
        if (!colon || term_number(rest, (size_t)(pend - rest), &t->param) < 0)
            return gfd_fail(err, GFD_EUSAGE, "field '%.*s' needs a number: %s:A[:WEIGHT]",
                            (int)len, s, t->def->name);
        rest = c2 ? c2 + 1 : end;
        colon = c2;
    }
    if (colon && (term_number(rest, (size_t)(end - rest), &t->weight) < 0 || t->weight < 0))
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

gfd_units gfd_field_units(const gfd_field_spec *spec)
{
    for (int t = 0; t < spec->nterms; t++)
        if (spec->terms[t].def->units == GFD_UNITS_SCORE)
            return GFD_UNITS_SCORE;  /* MATH §1: a mixture across the families counts as score */
    return GFD_UNITS_DISPLACEMENT;
}

int gfd_field_uses_bandwidth(const gfd_field_spec *spec, const gfd_field_opts *o)
{
    for (int t = 0; t < spec->nterms; t++) {
        gfd_field_fn f = spec->terms[t].def->compute;
        int sinkhorn = f == field_sinkhorn || f == field_sinkhorn_proxy;
        if (spec->terms[t].weight != 0 && f != field_sliced && f != field_drift &&
            !(sinkhorn && o->eps > 0))
            return 1;
    }
    return 0;
}

static int check_inputs(const gfd_field_spec *spec, const gfd_field_opts *o, const gfd_cloud *X,
                        const gfd_cloud *Y, gfd_err *err)
{
    if (X->d != Y->d)
        return gfd_fail(err, GFD_EDATA, "the particles have %zu coordinates, the targets %zu", X->d, Y->d);
    if (X->n == 0 || Y->n == 0)
        return gfd_fail(err, GFD_EDATA, "no %s", X->n ? "targets" : "particles");
    if (gfd_field_uses_bandwidth(spec, o) && (!(o->h > 0) || !isfinite(o->h)))
        return gfd_fail(err, GFD_EUSAGE, "bandwidth must be a positive number, not %g", o->h);
    return 0;
}

int gfd_field_check(const gfd_field_spec *spec, const gfd_field_opts *o, gfd_err *err)
{
    if (!o->sphere)
        return 0;
    for (int t = 0; t < spec->nterms; t++)
        if (!spec->terms[t].def->on_sphere)
            return gfd_fail(err, GFD_EUSAGE, "field '%s' is not available on the sphere "
                            "(--sphere: kl, rkl, chi2, alpha, js, mmd, drift, sinkhorn, sinkhorn-proxy, sliced)",
                            spec->terms[t].def->name);
    if (o->noise_inject > 0)
        return gfd_fail(err, GFD_EUSAGE, "--noise-inject is not available on the sphere");
    return 0;
}

/* MATH §4: the Riemannian field is the tangent part (I - x x^T) v of each row. X, V: N x d. */
static void tangent_rows(const gfd_cloud *X, double *V)
{
    for (size_t i = 0; i < X->n; i++)
        gfd_sphere_tangent(X->x + i * X->d, V + i * X->d, V + i * X->d, X->d);
}

/* MATH §3.8: v = sum_t weight_t v_t. X: N x d, Y: M x d, V: N x d. */
int gfd_velocity(const gfd_field_spec *spec, const gfd_field_opts *o, const gfd_cloud *X,
                 const gfd_cloud *Y, double *V, gfd_field_report *rep, gfd_err *err)
{
    gfd_field_report local;
    rep = rep ? rep : &local;
    memset(rep, 0, sizeof *rep);
    if (check_inputs(spec, o, X, Y, err) < 0 || gfd_field_check(spec, o, err) < 0)
        return -1;
    if (o->sphere && (gfd_sphere_check(X->x, X->n, X->d, X->d, "particles", err) < 0 ||
                      gfd_sphere_check(Y->x, Y->n, Y->d, Y->d, "targets", err) < 0))
        return -1;
    const size_t nd = X->n * X->d;
    double *T = spec->nterms > 1 ? gfd_alloc(nd, sizeof *T, "velocity term", err) : V;
    if (!T)
        return -1;
    memset(V, 0, nd * sizeof *V);
    int rc = 0, nfdiv = 0, fdiv_done = 0;
    for (int t = 0; t < spec->nterms; t++)
        nfdiv += spec->terms[t].weight != 0 && field_is_fdiv(spec->terms[t].def);
    for (int t = 0; t < spec->nterms && rc == 0; t++) {
        const gfd_field_term *term = &spec->terms[t];
        if (term->weight == 0 || (nfdiv > 1 && field_is_fdiv(term->def) && fdiv_done))
            continue;
        if (nfdiv > 1 && field_is_fdiv(term->def)) {  /* all §3.1 terms at once, weights inside */
            rc = field_fdiv_terms(X, Y, o, spec->terms, spec->nterms, T, err);
            fdiv_done = 1;
            for (size_t k = 0; rc == 0 && k < nd; k++)
                V[k] += T[k];
            continue;
        }
        rc = term->def->compute(X, Y, o, term->param, T, rep, err);
        if (rc < 0 || (T == V && term->weight == 1))
            continue;
        for (size_t k = 0; k < nd; k++)
            V[k] = T == V ? term->weight * V[k] : V[k] + term->weight * T[k];
    }
    if (T != V)
        free(T);
    if (rc == 0 && o->sphere)
        tangent_rows(X, V);
    return rc;
}
