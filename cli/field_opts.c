/* Field and step options shared by the programs that compute or apply velocities
 * (field_opts.h): parsing, the targets and their bandwidth, weights files, -v reports. */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "field_opts.h"

void cli_field_init(cli_field *f)
{
    memset(f, 0, sizeof *f);
    gfd_field_opts_default(&f->o);
}

/* --temps T,...: up to GFD_MAX_TEMPS positive numbers. */
static void parse_temps(const cli_common *c, gfd_field_opts *o, const char *arg)
{
    char buf[256];
    if (strlen(arg) >= sizeof buf)
        cli_usage_error(c, "--temps: list too long");
    strcpy(buf, arg);
    o->ntemps = 0;
    for (char *save, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (o->ntemps == GFD_MAX_TEMPS)
            cli_usage_error(c, "--temps: at most %d temperatures", GFD_MAX_TEMPS);
        o->temps[o->ntemps++] = cli_double(c, "--temps", tok, DBL_MIN, HUGE_VAL);
    }
    if (o->ntemps == 0)
        cli_usage_error(c, "--temps: no temperature given");
}

static int choice(const cli_common *c, const char *opt, const char *arg, const char *a, const char *b)
{
    if (strcmp(arg, a) && strcmp(arg, b))
        cli_usage_error(c, "%s: unknown value '%s' (%s or %s)", opt, arg, a, b);
    return strcmp(arg, a) != 0;
}

_Noreturn static void list_fields(void)
{
    for (const gfd_field_def *d = gfd_field_table(); d->name; d++)
        printf("%-15s %s\n", d->name, d->summary);
    exit(0);
}

/* The field's text is parsed as soon as it is seen: a bad name fails before any reading. */
static void set_field(const cli_common *c, cli_field *f, const char *arg)
{
    gfd_err err;
    f->field = arg;
    if (gfd_field_parse(arg, &f->spec, &err) < 0)
        cli_die(c, &err);
}

int cli_field_option(const cli_common *c, cli_field *f, int opt, const char *arg)
{
    gfd_field_opts *o = &f->o;
    switch (opt) {
    case 't': f->targets = arg; return 1;
    case 'f': set_field(c, f, arg); return 1;
    case CLI_OPT_RATIO_CLIP: o->ratio_clip = cli_double(c, "--ratio-clip", arg, 1, HUGE_VAL); return 1;
    case CLI_OPT_MC: o->mc = (int)cli_long(c, "--mc", arg, 1, 1000000); return 1;
    case CLI_OPT_TEMPS: parse_temps(c, o, arg); return 1;
    case CLI_OPT_FLOOR: o->floor = cli_double(c, "--floor", arg, 0, 1); return 1;
    case CLI_OPT_KERNEL:
        o->drift_kernel = choice(c, "--kernel", arg, "laplace", "gauss") ? GFD_KERNEL_GAUSS : GFD_KERNEL_LAPLACE;
        return 1;
    case CLI_OPT_NORMALIZE:
        o->normalize = choice(c, "--normalize", arg, "both", "sep") ? GFD_NORMALIZE_SEP : GFD_NORMALIZE_BOTH;
        return 1;
    case CLI_OPT_NO_MASK: o->no_mask = 1; return 1;
    case CLI_OPT_NO_RMS: o->no_rms = 1; return 1;
    case CLI_OPT_NO_SCALE: o->no_scale = 1; return 1;
    case CLI_OPT_NOISE_INJECT: o->noise_inject = cli_double(c, "--noise-inject", arg, 0, HUGE_VAL); return 1;
    case CLI_OPT_EPS: o->eps = cli_double(c, "--eps", arg, DBL_MIN, HUGE_VAL); return 1;
    case CLI_OPT_ITERS: o->iters = (int)cli_long(c, "--iters", arg, 1, 1000000000); return 1;
    case CLI_OPT_TOL: o->tol = cli_double(c, "--tol", arg, 0, HUGE_VAL); return 1;
    case CLI_OPT_NO_CROSS_WEIGHT: o->no_cross_weight = 1; return 1;
    case CLI_OPT_PROJECTIONS: o->projections = (int)cli_long(c, "--projections", arg, 1, 1000000); return 1;
    case CLI_OPT_EXCLUDE_SELF: o->exclude_self = 1; return 1;
    case CLI_OPT_STEP: o->step = (uint64_t)cli_long(c, "--step", arg, 0, LONG_MAX); return 1;
    case CLI_OPT_WEIGHTS: f->weights = arg; return 1;
    case CLI_OPT_TARGET_WEIGHTS: f->target_weights = arg; return 1;
    case CLI_OPT_SPHERE: o->sphere = 1; return 1;
    case CLI_OPT_PROJECT: f->project = 1; return 1;
    case CLI_OPT_LIST_FIELDS: list_fields();
    default: return 0;
    }
}

int cli_step_option(const cli_common *c, cli_step *s, int opt, const char *arg)
{
    switch (opt) {
    case 'e':
        s->s.eta = cli_double(c, "-e", arg, 0, HUGE_VAL);
        if (s->s.eta == 0)
            cli_usage_error(c, "-e: the step size must be > 0");
        s->eta_given = 1;
        return 1;
    case CLI_OPT_MAX_MOVE:
        s->s.max_move = cli_double(c, "--max-move", arg, 0, HUGE_VAL);
        s->max_move_given = 1;
        return 1;
    case CLI_OPT_NOISE: s->s.noise = cli_double(c, "--noise", arg, 0, HUGE_VAL); return 1;
    default: return 0;
    }
}

/* One column of n weights >= 0, not all zero; returns the column (caller frees). */
static double *read_weights(const cli_common *c, const char *path, size_t n, const char *whose)
{
    gfd_cloud w;
    gfd_err err;
    cli_read(c, path, &w, NULL);
    if (w.d != 1 || w.n != n) {
        gfd_fail(&err, GFD_EDATA, "%s: %zu rows of %zu columns, expected one column of %zu weights for the %s",
                 path, w.n, w.d, n, whose);
        cli_die(c, &err);
    }
    double total = 0;
    for (size_t i = 0; i < n; i++) {
        if (w.x[i] < 0) {
            gfd_fail(&err, GFD_EDATA, "%s: row %zu: weight %g is negative", path, i + 1, w.x[i]);
            cli_die(c, &err);
        }
        total += w.x[i];
    }
    if (!(total > 0)) {
        gfd_fail(&err, GFD_EDATA, "%s: the weights sum to zero", path);
        cli_die(c, &err);
    }
    return w.x;
}

void cli_field_sphere_rows(const cli_common *c, const cli_field *f, double *X, size_t n,
                           size_t d, size_t ld, const char *name)
{
    gfd_err err;
    if (f->project && !f->o.sphere)
        cli_usage_error(c, "--project needs --sphere");
    if (f->o.sphere && gfd_sphere_points(X, n, d, ld, f->project, name, &err) < 0)
        cli_die(c, &err);
}

void cli_field_targets(const cli_common *c, cli_field *f, gfd_cloud *Y)
{
    gfd_err err;
    gfd_bw_rule rule;
    if (!f->targets)
        cli_usage_error(c, "no targets: -t FILE is required");
    if (!f->field)
        cli_usage_error(c, "no field: -f FIELD is required (try --list-fields)");
    if (gfd_bw_parse(c->bw, &rule, &err) < 0 || gfd_field_check(&f->spec, &f->o, &err) < 0)
        cli_die(c, &err);
    cli_read(c, f->targets, Y, NULL);
    cli_field_sphere_rows(c, f, Y->x, Y->n, Y->d, Y->d, f->targets);
    if (f->target_weights)
        Y->w = read_weights(c, f->target_weights, Y->n, "targets");
    /* MATH §4: on the sphere the rules measure the geodesic spread (bandwidth.h). A field
     * that does not use h runs without one when the rule has none for these targets. */
    f->o.seed = c->seed;
    if ((f->o.sphere ? gfd_bw_select_sphere : gfd_bw_select)(&rule, Y, c->seed, &f->o.h, &err) < 0) {
        if (gfd_field_uses_bandwidth(&f->spec, &f->o))
            cli_die(c, &err);
        f->o.h = NAN;
        cli_info(c, "no bandwidth (%s), and %s does not use one", err.msg, f->field);
        return;
    }
    cli_info(c, "bandwidth %.17g (%s), %zu targets in %zu dimensions",
             f->o.h, gfd_bw_name(rule.kind), Y->n, Y->d);
    if (f->o.sphere)
        cli_info(c, "on the sphere S^%zu: vMF kernel, kappa = 1/h^2 = %.17g", Y->d - 1,
                 1 / (f->o.h * f->o.h));
}

void cli_field_particles(const cli_common *c, const cli_field *f, const char *path,
                         const gfd_cloud *Y, gfd_cloud *X, gfd_format *fmt)
{
    const char *name = path ? path : "-";
    cli_read(c, name, X, fmt);
    if (X->d != Y->d) {
        gfd_err err;
        gfd_fail(&err, GFD_EDATA, "%s: %zu columns, but the targets %s have %zu",
                 strcmp(name, "-") ? name : "stdin", X->d, f->targets, Y->d);
        cli_die(c, &err);
    }
    cli_field_sphere_rows(c, f, X->x, X->n, X->d, X->d, strcmp(name, "-") ? name : "stdin");
    if (f->weights)
        X->w = read_weights(c, f->weights, X->n, "particles");
}

void cli_field_velocity(const cli_common *c, const cli_field *f, const gfd_cloud *X,
                        const gfd_cloud *Y, double *V)
{
    gfd_err err;
    gfd_field_report rep;
    if (gfd_velocity(&f->spec, &f->o, X, Y, V, &rep, &err) < 0)
        cli_die(c, &err);
    cli_info(c, "field %s (%s units), %zu particles", f->field,
             gfd_field_units(&f->spec) == GFD_UNITS_SCORE ? "score" : "displacement", X->n);
    if (rep.sinkhorn_iters)
        cli_info(c, "sinkhorn: %d iterations, marginal error %.3g",
                 rep.sinkhorn_iters, rep.sinkhorn_marginal);
}

void cli_step_resolve(const cli_common *c, cli_step *s, const cli_field *f, int with_field)
{
    gfd_step_opts given = s->s;
    if (with_field) {
        gfd_step_defaults(&s->s, gfd_field_units(&f->spec), f->o.h);
        if (isnan(f->o.h) && !s->max_move_given)
            cli_usage_error(c, "the default --max-move is 0.5 h, and the targets give no bandwidth: "
                            "give -b H or --max-move D");
    } else {
        if (!s->eta_given)
            cli_usage_error(c, "-e ETA is required when v is read from the input (or give -t and -f)");
        s->s.max_move = 0;
    }
    if (s->eta_given)
        s->s.eta = given.eta;
    if (s->max_move_given)
        s->s.max_move = given.max_move;
    s->s.noise = given.noise;
    s->s.seed = c->seed;
    s->s.step = f->o.step;
    s->s.sphere = f->o.sphere;
    cli_info(c, "step: eta %.17g, max-move %.17g%s", s->s.eta, s->s.max_move,
             s->s.max_move > 0 ? "" : " (no cap)");
}
