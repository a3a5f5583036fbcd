/* The flow loop: schedules, velocity, step, observer. */
#include <errno.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/numfmt.h"
#include "gfd/flow.h"

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
    double w0 = gfd_strtod(w0s, &e0), w1 = gfd_strtod(w1s, &e1);
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
static void weights_at(const gfd_flow_opts *o, gfd_field *f, int t)
{
    double s = o->steps < 2 ? 0 : (double)t / (o->steps - 1), w[GFD_MAX_TERMS];
    for (int k = 0; k < gfd_field_get_spec(f)->nterms; k++)
        w[k] = (1 - s) * o->w0[k] + s * o->w1[k];
    gfd_field_set_weights(f, w);
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

void gfd_flow_defaults(gfd_field *f, gfd_flow_opts *o)
{
    double end = gfd_field_flow_eta_end(f);
    if (!gfd_field_batch_given(f))
        gfd_field_set_batch(f, gfd_field_flow_batch(f), 0);
    if (!o->eta_decay_given && end > 0 && o->steps >= 2) {
        o->eta_decay = pow(end, 1.0 / (o->steps - 1));  /* eta_{T-1} = end eta_0 */
        o->eta_decay_given = 1;
    }
}

/* Everything one step needs, resolved from the schedules. */
static void resolve_step(const gfd_field *f, const gfd_flow_opts *o, int t, double h,
                         gfd_step_opts *s)
{
    gfd_step_defaults(s, gfd_field_units(f), h);
    s->geometry = gfd_field_geometry(f);
    if (o->eta_given)
        s->eta = o->step.eta;
    if (o->max_move_given)
        s->max_move = o->step.max_move;
    s->eta *= pow(o->eta_decay, t);
    s->noise = o->step.noise;
    s->seed = o->step.seed;
    s->step = (uint64_t)t;
}

int gfd_flow(gfd_field *f, const gfd_flow_opts *opts, gfd_cloud *X, const gfd_cloud *Y,
             gfd_flow_observer observe, void *ctx, gfd_err *err)
{
    const size_t n = X->n, d = X->d;
    const gfd_geometry *g = gfd_field_geometry(f);
    gfd_flow_opts flow = *opts, *o = &flow;
    gfd_flow_defaults(f, o);
    double h0, h1;
    if (gfd_geometry_bandwidth(g, &o->bw0, Y, o->step.seed, &h0, err) < 0 ||
        gfd_geometry_bandwidth(g, &o->bw1, Y, o->step.seed, &h1, err) < 0)
        return -1;
    double *V = gfd_alloc(n, d * sizeof *V, "velocities", err);
    double *good = gfd_alloc(n, d * sizeof *good, "last good state", err);
    if (!V || !good) {
        free(V), free(good);
        return -1;
    }
    gfd_flow_state st = {.step = o->start, .time = o->start_time, .mean_v = NAN, .max_v = NAN,
                         .h = bandwidth_at(h0, h1, o->start, o->steps), .field = f};
    int rc = o->start < 0 || o->start > o->steps
           ? gfd_fail(err, GFD_EUSAGE, "start step %d is not in 0 .. %d", o->start, o->steps)
           : observe ? observe(ctx, X, &st, err) : 0;
    for (int t = o->start; t < o->steps && rc == 0; t++) {
        gfd_step_opts s;
        gfd_field_args a = {.h = bandwidth_at(h0, h1, t, o->steps), .seed = o->step.seed,
                            .step = (uint64_t)t, .engine = o->engine};
        if (o->mix_schedule)
            weights_at(o, f, t);
        resolve_step(f, o, t, a.h, &s);
        memcpy(good, X->x, n * d * sizeof *good);
        if (gfd_field_velocity(f, X, Y, &a, V, err) < 0 || gfd_step(X->x, n, d, V, &s, err) < 0) {
            memcpy(X->x, good, n * d * sizeof *good);
            rc = gfd_err_prefix(err, "step %d", t + 1);
            break;
        }
        st = (gfd_flow_state){.step = t + 1, .time = st.time + s.eta, .h = a.h, .eta = s.eta,
                              .max_move = s.max_move, .field = f};
        speed_stats(V, n, d, &st.mean_v, &st.max_v);
        rc = observe ? observe(ctx, X, &st, err) : 0;
    }
    free(V), free(good);
    return rc;
}
