/* gfd-velocity: the velocity field of a flow toward targets Y at particles X (MATH §3),
 * written as rows [x, v] or, with --only-v, v alone. Options and files only; the fields
 * are lib/field*.c, their options cli/field_opts.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cli/field_opts.h"

#define USAGE "gfd-velocity -t Y -f FIELD [-b BW] [--only-v] [field options] [X]"

static const char HELP_HEAD[] =
    "Usage: " USAGE "\n"
    "Writes one row [x, v(x)] (2d columns) for every particle x of X (standard input by\n"
    "default): the velocity of FIELD that moves the particles' distribution q toward the\n"
    "targets' p. gnuplot draws it (d = 2, CSV) with\n"
    "  set datafile separator ','; plot FILE using 1:2:($3*k):($4*k) with vectors\n"
    "\n";

static const char HELP_TAIL[] =
    "Other options:\n"
    "      --only-v            write v alone (d columns)\n"
    "  -s, --seed SEED         seed of random fields and of the median rule (default 0)\n"
    "  -j, --threads N         threads (default: all cores); results do not depend on it\n"
    "  -o, --output FILE       output file (.csv or .npy, optionally .gz), written atomically\n"
    "  -F, --format FMT        csv|npy|npy:f4, when -o does not say (default: the format of X)\n"
    "  -z, --gzip              gzip the output\n"
    "  -v, --verbose           print the bandwidth, the field, the default step and cap, and\n"
    "                          sinkhorn's convergence on standard error\n"
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

enum { OPT_ONLY_V = 0x2000 };

typedef struct {
    cli_common c;
    cli_field f;
    const char *particles;
    int only_v;
} opts;

static void parse(int argc, char **argv, opts *o)
{
    static const struct option own[] = {
        {"only-v", no_argument, 0, OPT_ONLY_V}, CLI_FIELD_LONG, {0, 0, 0, 0}};
    cli_optset set;
    *o = (opts){0};
    cli_init(&o->c, "gfd-velocity", USAGE, argv);
    cli_field_init(&o->f);
    cli_optset_init(&set, own, CLI_FIELDS);
    int opt;
    while ((opt = cli_getopt(&o->c, argc, argv, CLI_FIELD_SHORT CLI_COMMON_SHORT, set.longs)) != -1) {
        if (cli_common_option(&o->c, opt, optarg, help) ||
            cli_field_option(&o->c, &set, &o->f, opt, optarg))
            continue;
        if (opt == OPT_ONLY_V)
            o->only_v = 1;
    }
    if (argc - optind > 1)
        cli_usage_error(&o->c, "one particle file expected, got %d", argc - optind);
    o->particles = optind < argc ? argv[optind] : NULL;
    cli_apply(&o->c);
}

/* out: N x 2d rows [x, v] from X: N x d and V: N x d. */
static void interleave(const gfd_cloud *X, const double *V, gfd_cloud *out)
{
    const size_t d = X->d;
    for (size_t i = 0; i < X->n; i++) {
        memcpy(out->x + i * 2 * d, X->x + i * d, d * sizeof *V);
        memcpy(out->x + i * 2 * d + d, V + i * d, d * sizeof *V);
    }
}

int main(int argc, char **argv)
{
    opts o;
    parse(argc, argv, &o);
    gfd_cloud Y, X, out;
    gfd_format fmt = GFD_FMT_NONE;
    gfd_err err;
    cli_field_targets(&o.c, &o.f, &Y);
    cli_field_particles(&o.c, &o.f, o.particles, &Y, &X, &fmt);
    if (gfd_cloud_alloc(&out, X.n, o.only_v ? X.d : 2 * X.d, &err) < 0)
        cli_die(&o.c, &err);
    double *V = o.only_v ? out.x : malloc(X.n * X.d * sizeof *V);
    if (!V)
        cli_die(&o.c, &(gfd_err){GFD_ENOMEM, "out of memory for the velocities"});
    cli_field_velocity(&o.c, &o.f, &X, &Y, V);
    cli_step defaults = {0};
    if (!isnan(o.f.h))  /* -v: what gfd-step would use (it needs h for its cap) */
        cli_step_resolve(&o.c, &defaults, &o.f, 1);
    if (!o.only_v) {
        interleave(&X, V, &out);
        free(V);
    }
    cli_write(&o.c, fmt, &out);
    cli_field_free(&o.f);
    gfd_cloud_free(&out), gfd_cloud_free(&X), gfd_cloud_free(&Y);
    cli_exit(&o.c);
}
