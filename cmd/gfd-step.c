/* gfd-step: one explicit step x + eta v (MATH §1), v read as rows [x, v] (gfd-velocity's
 * output) or computed with -t Y -f FIELD. Options and files only; the step is lib/step.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cli/field_opts.h"

#define USAGE "gfd-step -e ETA [--max-move D] [--noise S] [XV]\n" \
              "       gfd-step -t Y -f FIELD [-e ETA] [--max-move D] [--noise S] [field options] [X]"

static const char HELP_HEAD[] =
    "Usage: " USAGE "\n"
    "Moves every particle x by eta v, its move capped at --max-move, and writes the new\n"
    "particles (d columns). v comes from the rows [x, v] of XV (2d columns, as written by\n"
    "gfd-velocity; standard input by default), or with -t and -f is computed at X.\n"
    "Reading v, gfd-step knows no bandwidth: -e is required and there is no cap unless\n"
    "--max-move is given. With -t and -f, eta defaults to 0.5 h^2 (score fields) or 0.5\n"
    "(displacement fields) and the cap to 0.5 h.\n"
    "\n"
    CLI_STEP_HELP;

static const char HELP_TAIL[] =
    "Other options:\n"
    "  -s, --seed SEED         seed of the noise and of random fields (default 0)\n"
    "  -j, --threads N         threads (default: all cores); results do not depend on it\n"
    "  -o, --output FILE       output file (.csv or .npy, optionally .gz), written atomically\n"
    "  -F, --format FMT        csv|npy|npy:f4, when -o does not say (default: the input's)\n"
    "  -z, --gzip              gzip the output\n"
    "  -v, --verbose           print the bandwidth, the field, eta and the cap on standard error\n"
    "  -q, --quiet             no messages but errors\n"
    "  -h, --help              this help\n"
    "      --no-sync           no fsync of outputs before they replace a file\n"
    "      --version           version\n";

static void help(void)
{
    fputs(HELP_HEAD, stdout);
    cli_field_help();
    fputs(HELP_TAIL, stdout);
}

typedef struct {
    cli_common c;
    cli_field f;
    cli_step s;
    const char *input;
    int with_field;
} opts;

static void parse(int argc, char **argv, opts *o)
{
    static const struct option own[] = {CLI_STEP_LONG, CLI_FIELD_LONG, {0, 0, 0, 0}};
    cli_optset set;
    *o = (opts){0};
    cli_init(&o->c, "gfd-step", USAGE, argv);
    cli_field_init(&o->f);
    cli_optset_init(&set, own, CLI_FIELDS);
    int opt;
    while ((opt = cli_getopt(&o->c, argc, argv, CLI_STEP_SHORT CLI_FIELD_SHORT CLI_COMMON_SHORT,
                             set.longs)) != -1)
        if (!cli_common_option(&o->c, opt, optarg, help) &&
            !cli_field_option(&o->c, &set, &o->f, opt, optarg))
            cli_step_option(&o->c, &o->s, opt, optarg);
    if (argc - optind > 1)
        cli_usage_error(&o->c, "one input file expected, got %d", argc - optind);
    o->input = optind < argc ? argv[optind] : NULL;
    o->with_field = o->f.targets || o->f.field;
    if (!o->with_field && o->f.project && !o->f.sphere)
        cli_usage_error(&o->c, "--project needs --sphere");
    cli_apply(&o->c);
}

/* Splits rows [x, v] (2d columns) of XV into X (d columns, XV's buffer reused) and V. */
static double *split_rows(const opts *o, gfd_cloud *XV)
{
    const size_t n = XV->n, d = XV->d / 2;
    if (XV->d % 2) {
        gfd_err err;
        gfd_fail(&err, GFD_EDATA, "%s: %zu columns: expected rows [x, v], an even number",
                 o->input ? o->input : "stdin", XV->d);
        cli_die(&o->c, &err);
    }
    double *V = malloc(n * d * sizeof *V);
    if (!V)
        cli_die(&o->c, &(gfd_err){GFD_ENOMEM, "out of memory for the velocities"});
    for (size_t i = 0; i < n; i++) {
        memcpy(V + i * d, XV->x + i * 2 * d + d, d * sizeof *V);
        memmove(XV->x + i * d, XV->x + i * 2 * d, d * sizeof *V);
    }
    XV->d = d;
    cli_warn(&o->c, "reading the %zu columns of %s as rows [x, v] in %zu dimension%s (give -t "
             "and -f to compute the field at points instead)", 2 * d, o->input ? o->input : "stdin",
             d, d == 1 ? "" : "s");
    return V;
}

int main(int argc, char **argv)
{
    opts o;
    parse(argc, argv, &o);
    gfd_cloud X, Y = {0};
    gfd_format fmt = GFD_FMT_NONE;
    gfd_err err;
    double *V;
    if (o.with_field) {
        cli_field_targets(&o.c, &o.f, &Y);
        cli_field_particles(&o.c, &o.f, o.input, &Y, &X, &fmt);
        if (!(V = malloc(X.n * X.d * sizeof *V)))
            cli_die(&o.c, &(gfd_err){GFD_ENOMEM, "out of memory for the velocities"});
        cli_field_velocity(&o.c, &o.f, &X, &Y, V);
        cli_step_resolve(&o.c, &o.s, &o.f, 1);
    } else {
        cli_step_resolve(&o.c, &o.s, &o.f, 0);  /* before reading: -e is required */
        cli_read(&o.c, o.input ? o.input : "-", &X, &fmt);
        V = split_rows(&o, &X);
        cli_field_points(&o.c, &o.f, X.x, X.n, X.d, X.d, o.input ? o.input : "stdin");
    }
    if (gfd_step(X.x, X.n, X.d, V, &o.s.s, &err) < 0)
        cli_die(&o.c, &err);
    cli_write(&o.c, fmt, &X);
    free(V);
    cli_field_free(&o.f);
    gfd_cloud_free(&X), gfd_cloud_free(&Y);
    cli_exit(&o.c);
}
