/* The flow loop: schedules, velocity, step, observer. */
#include <errno.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"

void gfd_flow_opts_default(gfd_flow_opts *o, const gfd_bw_rule *bw)
{
    memset(o, 0, sizeof *o);
    o->steps = 100;
    o->eta_decay = 1;
    o->bw0 = o->bw1 = *bw;
}

/* One "NAME[:PARAM]:W0:W1" term: the name and parameter go through gfd_field_parse. */
static int parse_mix_term(char *term, gfd_field_spec *spec, gfd_flow_opts *o, gfd_err *err)
{
    char *w1s = strrchr(term, ':'), *w0s;
    if (!w1s)
        return gfd_fail(err, GFD_EUSAGE, "--mix-schedule: '%s' is not NAME:W0:W1", term);
    *w1s++ = 0;
    if (!(w0s = strrchr(term, ':')))
        return gfd_fail(err, GFD_EUSAGE, "--mix-schedule: '%s' is not NAME:W0:W1", term);
    *w0s++ = 0;
    char *e0, *e1;
    errno = 0;
    double w0 = strtod(w0s, &e0), w1 = strtod(w1s, &e1);
    if (*e0 || *e1 || e0 == w0s || e1 == w1s || errno || !(w0 >= 0) || !(w1 >= 0) ||
        !isfinite(w0) || !isfinite(w1))
        return gfd_fail(err, GFD_EUSAGE, "--mix-schedule: weights of '%s' must be numbers >= 0", term);
    gfd_field_spec one;
    if (gfd_field_parse(term, &one, err) < 0)
        return -1;
    if (spec->nterms == GFD_MAX_TERMS)
        return gfd_fail(err, GFD_EUSAGE, "--mix-schedule: more than %d terms", GFD_MAX_TERMS);
    o->w0[spec->nterms] = w0;
    o->w1[spec->nterms] = w1;
    spec->terms[spec->nterms++] = one.terms[0];
    return 0;
}

int gfd_flow_parse_mix(const char *text, gfd_field_spec *spec, gfd_flow_opts *o, gfd_err *err)
{
    char *copy = strdup(text), *save = NULL;
    if (!copy)
        return gfd_fail(err, GFD_ENOMEM, "out of memory");
    spec->nterms = 0;
    int rc = 0;
    for (char *t = strtok_r(copy, ",", &save); t && rc == 0; t = strtok_r(NULL, ",", &save))
        rc = parse_mix_term(t, spec, o, err);
    free(copy);
    if (rc == 0 && spec->nterms == 0)
        rc = gfd_fail(err, GFD_EUSAGE, "--mix-schedule: no terms");
    o->mix_schedule = 1;
    return rc;
}

/* The bandwidth of step t: geometric from h0 to h1 over steps 0 .. T-1. */
static double bandwidth_at(double h0, double h1, int t, int steps)
{
    if (h0 == h1 || steps < 2)
        return h0;
    return h0 * pow(h1 / h0, (double)t / (steps - 1));
}

/* The mixture weights of step t: linear from w0 to w1 over steps 0 .. T-1. */
static void weights_at(const gfd_flow_opts *o, gfd_field_spec *spec, int t)
{
    double s = o->steps < 2 ? 0 : (double)t / (o->steps - 1);
    for (int k = 0; k < spec->nterms; k++)
        spec->terms[k].weight = (1 - s) * o->w0[k] + s * o->w1[k];
}

static void speed_stats(const double *V, size_t n, size_t d, double *mean, double *max)
{
    double sum = 0, mx = 0;
    for (size_t i = 0; i < n; i++) {
        double s = 0;
        for (size_t c = 0; c < d; c++)
            s += V[i * d + c] * V[i * d + c];
        s = sqrt(s);
        sum += s;
        mx = s > mx ? s : mx;
    }
    *mean = sum / (double)n;
    *max = mx;
}

/* Everything one step needs, resolved from the schedules. */
static void resolve_step(const gfd_field_spec *spec, const gfd_flow_opts *o, int t, double h,
                         gfd_step_opts *s)
{
    gfd_step_defaults(s, gfd_field_units(spec), h);
    if (o->eta_given)
        s->eta = o->step.eta;
    if (o->max_move_given)
        s->max_move = o->step.max_move;
    s->eta *= pow(o->eta_decay, t);
    s->noise = o->step.noise;
    s->seed = o->step.seed;
    s->step = (uint64_t)t;
}

int gfd_flow(const gfd_field_spec *spec_in, const gfd_field_opts *fo_in, const gfd_flow_opts *o,
             gfd_cloud *X, const gfd_cloud *Y, gfd_flow_observer observe, void *ctx, gfd_err *err)
{
    const size_t n = X->n, d = X->d;
    double h0, h1;
    /* MATH §4: on the sphere the rules measure geodesic spread */
    int (*select)(const gfd_bw_rule *, const gfd_cloud *, uint64_t, double *, gfd_err *) =
        fo_in->sphere ? gfd_bw_select_sphere : gfd_bw_select;
    if (select(&o->bw0, Y, fo_in->seed, &h0, err) < 0 || select(&o->bw1, Y, fo_in->seed, &h1, err) < 0)
        return -1;
    double *V = gfd_alloc(n, d * sizeof *V, "velocities", err);
    double *good = gfd_alloc(n, d * sizeof *good, "last good state", err);
    if (!V || !good) {
        free(V), free(good);
        return -1;
    }
    gfd_field_spec spec = *spec_in;
    gfd_field_opts fo = *fo_in;
    gfd_field_report rep = {0};
    gfd_flow_state st = {.h = h0, .mean_v = NAN, .max_v = NAN, .report = &rep};
    int rc = observe ? observe(ctx, X, &st, err) : 0;
    for (int t = 0; t < o->steps && rc == 0; t++) {
        gfd_step_opts s;
        fo.h = bandwidth_at(h0, h1, t, o->steps);
        fo.step = (uint64_t)t;
        if (o->mix_schedule)
            weights_at(o, &spec, t);
        resolve_step(&spec, o, t, fo.h, &s);
        s.sphere = fo.sphere;
        memcpy(good, X->x, n * d * sizeof *good);
        if (gfd_velocity(&spec, &fo, X, Y, V, &rep, err) < 0 || gfd_step(X->x, n, d, V, &s, err) < 0) {
            memcpy(X->x, good, n * d * sizeof *good);
            char msg[sizeof err->msg];
            snprintf(msg, sizeof msg, "%s", err->msg);
            rc = gfd_fail(err, err->code, "step %d: %s", t + 1, msg);
            break;
        }
        st = (gfd_flow_state){.step = t + 1, .time = st.time + s.eta, .h = fo.h, .eta = s.eta,
                              .max_move = s.max_move, .report = &rep};
        speed_stats(V, n, d, &st.mean_v, &st.max_v);
        rc = observe ? observe(ctx, X, &st, err) : 0;
    }
    free(V), free(good);
    return rc;
}
