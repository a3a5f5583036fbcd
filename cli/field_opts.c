/* Field and step options shared by the programs that compute or apply velocities
 * (field_opts.h): parsing, the targets, the run's field and its bandwidth, weights files,
 * -v reports. */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "field_opts.h"
#include "ranks.h"

void cli_field_init(cli_field *f)
{
    memset(f, 0, sizeof *f);
    gfd_settings_init(&f->set);
    f->geom = gfd_geometry_flat();
    f->h = NAN;
}

void cli_field_help(void)
{
    fputs("  -t, --targets FILE      the target points Y (the data)\n"
          "  -f, --field FIELD       NAME[:PARAM][:WEIGHT],... a weighted mixture of the fields\n"
          "                          below (--list-fields)\n"
          "  -b, --bandwidth BW      scott (default), silverman, median or a positive number\n"
          "      --weights FILE      one column of weights >= 0 for the particles X\n"
          "      --target-weights FILE  the same for the targets Y\n"
          "      --step K            the step whose random streams are used (0)\n"
          "      --list-fields       print each field: where it runs, its units, what it uses\n"
          "      --sphere            points on the unit sphere: vMF kernel, tangent v, exp-map\n"
          "                          steps (the fields marked sphere below; man page)\n"
          "      --project           with --sphere: normalise the input rows instead of failing\n"
          "      --rtol TOL          certified fast mode for d <= 3 (the KDE passes of the score\n"
          "                          fields and mmd): skip kernel pairs whose mass is provably\n"
          "                          below TOL of a row's (each log-density within TOL; 0: exact)\n"
          "      --precision P       f64 (default) or f32: float32 tiles for d >= 4 in the same\n"
          "                          passes (man page)\n"
          "      --shard-targets     under MPI, each rank reads and sums over every P-th target\n"
          "                          (the fields --list-fields marks sums; -b a number)\n"
          "\nFields (sphere: also with --sphere):\n", stdout);
    cli_help_list(stdout, CLI_FIELDS);
    fputs("\nField options (each names the fields that take it):\n", stdout);
    cli_help_options(stdout, CLI_FIELDS);
    fputs("\n", stdout);
}

/* The field's text is parsed as soon as it is seen: a bad name fails before any reading. */
static void set_field(const cli_common *c, cli_field *f, const char *arg)
{
    gfd_err err;
    f->field = arg;
    if (gfd_field_parse(arg, &f->spec, &err) < 0)
        cli_die(c, &err);
}

int cli_field_option(const cli_common *c, const cli_optset *s, cli_field *f, int opt,
                     const char *arg)
{
    if (cli_table_option(c, s, &f->set, opt, arg))
        return 1;
    switch (opt) {
    case 't': f->targets = arg; return 1;
    case 'f': set_field(c, f, arg); return 1;
    case CLI_OPT_STEP: f->step = (uint64_t)cli_long(c, "--step", arg, 0, LONG_MAX); return 1;
    case CLI_OPT_WEIGHTS: f->weights = arg; return 1;
    case CLI_OPT_TARGET_WEIGHTS: f->target_weights = arg; return 1;
    case CLI_OPT_SPHERE: f->sphere = 1, f->geom = gfd_geometry_sphere(); return 1;
    case CLI_OPT_PROJECT: f->project = 1; return 1;
    case CLI_OPT_SHARD_TARGETS: f->shard = 1; return 1;
    case CLI_OPT_RTOL: f->engine.rtol = cli_rtol(c, arg); return 1;
    case CLI_OPT_PRECISION: f->engine.f32 = cli_precision_f32(c, arg); return 1;
    case CLI_OPT_LIST_FIELDS: cli_list(c, CLI_FIELDS);
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
void cli_field_points(const cli_common *c, const cli_field *f, double *X, size_t n,
                      size_t d, size_t ld, const char *name)
{
    gfd_err err;
    if (gfd_geometry_points(f->geom, X, n, d, ld, f->project, name, &err) < 0)
        cli_die(c, &err);
}

/* The run's field, before anything is read: the spec against the geometry and options. */
static void make_field(const cli_common *c, cli_field *f)
{
    gfd_err err;
    const char *ignored = gfd_field_spec_ignores(&f->spec, &f->set);
    if (ignored)
        cli_warn(c, "--%s is not an option of %s (ignored)", ignored, f->field);
    if (!(f->run = gfd_field_new(&f->spec, &f->set, f->geom, &err)))
        cli_die(c, &err);
}

/* A bandwidth this many times below the nearest-neighbour distance draws a warning: the
 * nearest other point then weighs exp(-50) = 2e-22 of a point itself (gauss kernel), so a
 * kernel sum is its nearest term alone. */
#define NN_WARN_RATIO 10

/* The fields whose targets may be sharded, "kl, rkl, ...". */
static void sharding_fields(char *buf, size_t cap)
{
    size_t len = 0;
    buf[0] = '\0';
    for (const gfd_field_def *d = gfd_field_table(); d->name && len < cap; d++)
        if (d->flags & GFD_FIELD_TARGET_SUMS)
            len += (size_t)snprintf(buf + len, cap - len, "%s%s", len ? ", " : "", d->name);
}

/* --shard-targets: the field must take Y through kernel sums alone, h must be a number,
 * and each rank reads its shard (rows i with i % ranks == rank) and its weights. */
static void read_shard(const cli_common *c, cli_field *f, const gfd_bw_rule *rule, gfd_cloud *Y)
{
    size_t batch, target_batch;
    gfd_field_batch(f->run, &batch, &target_batch);
    if (batch)
        cli_usage_error(c, "--shard-targets: not with --batch (each group draws from every target)");
    if (!gfd_field_sums_targets(f->run)) {
        char names[256];
        sharding_fields(names, sizeof names);
        cli_usage_error(c, "--shard-targets: %s needs every target on every rank (the fields "
                        "it takes: %s)", f->field, names);
    }
    if (rule->kind != GFD_BW_FIXED)
        cli_usage_error(c, "--shard-targets: the bandwidth rules need every target: give -b a number");
    if (f->sphere)
        cli_usage_error(c, "--shard-targets: not with --sphere");
    if (!strcmp(f->targets, "-"))
        cli_usage_error(c, "--shard-targets: every rank reads the targets' file, so not "
                        "standard input");
    gfd_err err;
    size_t ranks = (size_t)cli_ranks_size(), rank = (size_t)cli_rank(), rows = 0;
    gfd_cloud w = {0};
    int rc = gfd_read_cloud_rows(f->targets, ranks, rank, Y, NULL, &err);
    if (rc == 0 && Y->n == 0)
        rc = gfd_fail(&err, GFD_EDATA, "%s: fewer rows than the %zu ranks that share them",
                      f->targets, ranks);
    if (rc == 0 && f->target_weights &&
        (rc = gfd_read_cloud_rows(f->target_weights, ranks, rank, &w, NULL, &err)) == 0 &&
        (rc = cli_check_weights(f->target_weights, &w, Y->n, ranks, rank, "targets", &err)) == 0)
        Y->w = w.x;
    if (rc < 0)
        gfd_cloud_free(&w);
    if (cli_ranks_agree(rc, &err) < 0 || cli_ranks_shard_targets(Y, &rows, &err) < 0)
        cli_die(c, &err);
    f->h = rule->value;
    cli_info(c, "bandwidth %.17g (fixed), %zu targets in %zu dimensions, in %zu shards",
             f->h, rows, Y->d, ranks);
}

void cli_field_targets(const cli_common *c, cli_field *f, gfd_cloud *Y)
{
    gfd_err err;
    gfd_bw_rule rule;
    if (!f->targets)
        cli_usage_error(c, "no targets: -t FILE is required");
    if (!f->field)
        cli_usage_error(c, "no field: -f FIELD is required (try --list-fields)");
    if (f->project && !f->sphere)
        cli_usage_error(c, "--project needs --sphere");
    f->engine.stats = &f->stats;
    if (gfd_bw_parse(c->bw, &rule, &err) < 0)
        cli_die(c, &err);
    make_field(c, f);
    if (f->shard) {
        read_shard(c, f, &rule, Y);
        return;
    }
    cli_read(c, f->targets, Y, NULL);
    cli_field_points(c, f, Y->x, Y->n, Y->d, Y->d, f->targets);
    if (f->target_weights)
        Y->w = cli_read_weights(c, f->target_weights, Y->n, "targets");
    /* MATH §4: on the sphere the rules measure the geodesic spread (geometry.h). A field
     * that does not use h runs without one when the rule has none for these targets. */
    if (gfd_geometry_bandwidth(f->geom, &rule, Y, c->seed, &f->h, &err) < 0) {
        if (gfd_field_uses_bandwidth(f->run))
            cli_die(c, &err);
        f->h = NAN;
        cli_info(c, "no bandwidth (%s), and %s does not use one", err.msg, f->field);
        return;
    }
    cli_info(c, "bandwidth %.17g (%s), %zu targets in %zu dimensions",
             f->h, gfd_bw_name(rule.kind), Y->n, Y->d);
    double nn;
    if (gfd_field_uses_bandwidth(f->run) && gfd_bw_nn_median(Y, &nn, &err) == 0 &&
        f->h * NN_WARN_RATIO < nn)
        cli_warn(c, "bandwidth %g (%s) is %.0f times below the targets' median nearest-neighbour "
                 "distance %g: each kernel sees little but its own point (usual in high "
                 "dimension); -b median scales with the distances", f->h, gfd_bw_name(rule.kind),
                 nn / f->h, nn);
    if (f->sphere)
        cli_info(c, "on the sphere S^%zu: vMF kernel, kappa = 1/h^2 = %.17g", Y->d - 1,
                 1 / (f->h * f->h));
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
    cli_field_points(c, f, X->x, X->n, X->d, X->d, strcmp(name, "-") ? name : "stdin");
    if (f->weights)
        X->w = cli_read_weights(c, f->weights, X->n, "particles");
}

void cli_field_velocity(const cli_common *c, const cli_field *f, const gfd_cloud *X,
                        const gfd_cloud *Y, double *V)
{
    gfd_err err;
    gfd_field_args a = {.h = f->h, .seed = c->seed, .step = f->step, .engine = &f->engine};
    if (gfd_field_velocity(f->run, X, Y, &a, V, &err) < 0)
        cli_die(c, &err);
    cli_info(c, "field %s (%s units), %zu particles", f->field,
             gfd_field_units(f->run) == GFD_UNITS_SCORE ? "score" : "displacement", X->n);
    char report[1024];
    gfd_field_report(f->run, report, sizeof report);
    cli_report(c, report);
    cli_rtol_report(c, &f->engine);
}

void cli_step_resolve(const cli_common *c, cli_step *s, const cli_field *f, int with_field)
{
    gfd_step_opts given = s->s;
    if (with_field) {
        gfd_step_defaults(&s->s, gfd_field_spec_units(&f->spec), f->h);
        if (isnan(f->h) && !s->max_move_given)
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
    s->s.step = f->step;
    s->s.geometry = f->geom;
    cli_info(c, "step: eta %.17g, max-move %.17g%s", s->s.eta, s->s.max_move,
             s->s.max_move > 0 ? "" : " (no cap)");
}

void cli_field_free(cli_field *f)
{
    gfd_field_free(f->run);
    f->run = NULL;
}
