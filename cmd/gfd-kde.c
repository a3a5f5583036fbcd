/* gfd-kde: log-density (or score) of the KDE of targets Y at query points Q (MATH §2).
 * Options and files only; the math is lib/kde.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cli/cli.h"

#define USAGE "gfd-kde -t Y [-b BW] [--kernel gauss|laplace] [--score] [--exclude-self] [--rtol TOL] [--precision P] [Q]"

static const char HELP[] =
    "Usage: " USAGE "\n"
    "Writes log p_h(q) for every row q of Q (standard input by default), where p_h is the\n"
    "kernel density estimate of the target points Y; with --score the d columns of\n"
    "grad log p_h(q) instead.\n"
    "\n"
    "  -t, --targets FILE    the target points Y (required)\n"
    "      --target-weights FILE  weights of Y's rows (one column, >= 0), as scipy's\n"
    "                        gaussian_kde(weights=...): the KDE and the bandwidth rules\n"
    "  -b, --bandwidth BW    scott (default), silverman, median or a positive number\n"
    "  -k, --kernel K        gauss (default) or laplace (h is its temperature tau)\n"
    "      --score           write grad log p_h (gauss kernel)\n"
    "      --exclude-self    leave-one-out: Q is Y (the default Q then), each row left out\n"
    "      --standardize     the KDE in units of each column's standard deviation in Y (h\n"
    "                        and the rules in those units; output in the original ones)\n"
    "      --print-bandwidth print the bandwidth chosen from Y and exit\n"
    CLI_RTOL_HELP
    "  -s, --seed SEED       seed of the median rule's subset (default 0)\n"
    "  -j, --threads N       threads (default: all cores); results do not depend on it\n"
    "  -o, --output FILE     output file (.csv or .npy, optionally .gz), written atomically\n"
    "  -F, --format FMT      csv|npy|npy:f4, when -o does not say (default: the format of Q)\n"
    "  -z, --gzip            gzip the output\n"
    "  -v, --verbose         print the bandwidth and sizes on standard error\n"
    "  -q, --quiet           no messages but errors\n"
    "  -h, --help            this help\n"
    "      --no-sync         no fsync of outputs before they replace a file\n"
    "      --version         version\n";

static void help(void)
{
    fputs(HELP, stdout);
}

enum { OPT_SCORE = 0x2000, OPT_EXCLUDE_SELF, OPT_PRINT_BW, OPT_WEIGHTS, OPT_STANDARDIZE };

typedef struct {
    cli_common c;
    const char *targets, *queries, *weights;
    gfd_kernel kernel;
    int score, exclude_self, print_bw, standardize;
    gfd_engine engine;     /* --rtol */
    gfd_ksum_stats stats;
} opts;

static gfd_kernel parse_kernel(const cli_common *c, const char *arg)
{
    if (!strcmp(arg, "gauss"))
        return GFD_KERNEL_GAUSS;
    if (!strcmp(arg, "laplace"))
        return GFD_KERNEL_LAPLACE;
    cli_usage_error(c, "--kernel: unknown kernel '%s' (gauss or laplace)", arg);
}

static opts parse(int argc, char **argv)
{
    static const struct option longs[] = {
        {"targets", required_argument, 0, 't'}, {"kernel", required_argument, 0, 'k'},
        {"score", no_argument, 0, OPT_SCORE}, {"exclude-self", no_argument, 0, OPT_EXCLUDE_SELF},
        {"print-bandwidth", no_argument, 0, OPT_PRINT_BW}, {"target-weights", required_argument, 0, OPT_WEIGHTS},
        {"standardize", no_argument, 0, OPT_STANDARDIZE},
        CLI_RTOL_LONG, CLI_COMMON_LONG, {0, 0, 0, 0}};
    opts o = {.kernel = GFD_KERNEL_GAUSS};
    cli_init(&o.c, "gfd-kde", USAGE, argv);
    int opt;
    while ((opt = cli_getopt(&o.c, argc, argv, "t:k:" CLI_COMMON_SHORT, longs)) != -1) {
        if (cli_common_option(&o.c, opt, optarg, help))
            continue;
        switch (opt) {
        case 't': o.targets = optarg; break;
        case 'k': o.kernel = parse_kernel(&o.c, optarg); break;
        case OPT_SCORE: o.score = 1; break;
        case OPT_EXCLUDE_SELF: o.exclude_self = 1; break;
        case OPT_PRINT_BW: o.print_bw = 1; break;
        case OPT_WEIGHTS: o.weights = optarg; break;
        case OPT_STANDARDIZE: o.standardize = 1; break;
        case CLI_OPT_RTOL: o.engine.rtol = cli_rtol(&o.c, optarg); break;
        case CLI_OPT_PRECISION: o.engine.f32 = cli_precision_f32(&o.c, optarg); break;
        }
    }
    if (!o.targets)
        cli_usage_error(&o.c, "no targets: -t FILE is required");
    if (argc - optind > 1)
        cli_usage_error(&o.c, "one query file expected, got %d", argc - optind);
    o.queries = optind < argc ? argv[optind] : NULL;
    if (o.score && o.kernel != GFD_KERNEL_GAUSS)
        cli_usage_error(&o.c, "--score needs the gauss kernel");
    cli_apply(&o.c);
    return o;
}

static double choose_bandwidth(const opts *o, const gfd_cloud *Y)
{
    gfd_err err;
    gfd_bw_rule rule;
    double h;
    if (gfd_bw_parse(o->c.bw, &rule, &err) < 0 || gfd_bw_select(&rule, Y, o->c.seed, &h, &err) < 0)
        cli_die(&o->c, &err);
    cli_info(&o->c, "bandwidth %.17g (%s), %zu targets in %zu dimensions",
             h, gfd_bw_name(rule.kind), Y->n, Y->d);
    return h;
}

/* Queries: the file given, or for --exclude-self without one, the targets themselves. */
/* Q; with scale (--standardize), in the units Y was scaled to. */
static void read_queries(const opts *o, const gfd_cloud *Y, const double *scale, gfd_cloud *Q,
                         gfd_format *fmt)
{
    if (o->exclude_self && !o->queries) {
        *Q = *Y;
        Q->x = malloc(Y->n * Y->d * sizeof *Q->x);
        Q->w = NULL;
        if (!Q->x)
            cli_die(&o->c, &(gfd_err){GFD_ENOMEM, "out of memory for the queries"});
        memcpy(Q->x, Y->x, Y->n * Y->d * sizeof *Q->x);
        return;
    }
    const char *name = o->queries ? o->queries : "-";
    cli_read(&o->c, name, Q, fmt);
    if (Q->d != Y->d) {
        gfd_err err;
        gfd_fail(&err, GFD_EDATA, "%s: %zu columns, but the targets %s have %zu",
                 strcmp(name, "-") ? name : "stdin", Q->d, o->targets, Y->d);
        cli_die(&o->c, &err);
    }
    if (scale)
        gfd_kde_scale_rows(Q->x, Q->n, Q->d, scale);
    if (o->exclude_self && (Q->n != Y->n || memcmp(Q->x, Y->x, Y->n * Y->d * sizeof *Y->x)))
        cli_usage_error(&o->c, "--exclude-self: the queries must be the targets, row for row");
}

int main(int argc, char **argv)
{
    opts o = parse(argc, argv);
    o.engine.stats = &o.stats;
    gfd_cloud Y, Q, out;
    gfd_format fmt = GFD_FMT_NONE;
    gfd_err err;
    cli_read(&o.c, o.targets, &Y, &fmt);
    if (o.weights)
        Y.w = cli_read_weights(&o.c, o.weights, Y.n, "targets");
    double *scale = o.standardize ? malloc(Y.d * sizeof *scale) : NULL;
    if (o.standardize && (!scale || gfd_kde_scales(&Y, scale, &err) < 0))
        cli_die(&o.c, scale ? &err : &(gfd_err){GFD_ENOMEM, "out of memory for the scales"});
    if (scale)
        gfd_kde_scale_rows(Y.x, Y.n, Y.d, scale);
    double h = choose_bandwidth(&o, &Y);
    if (o.print_bw) {
        cli_put_double(stdout, "", h);
        putchar('\n');
        gfd_cloud_free(&Y);
        free(scale);
        cli_exit(&o.c);
    }
    read_queries(&o, &Y, scale, &Q, &fmt);
    if (gfd_cloud_alloc(&out, Q.n, o.score ? Q.d : 1, &err) < 0)
        cli_die(&o.c, &err);
    double *logp = o.score ? malloc(Q.n * sizeof *logp) : out.x;
    if (!logp)
        cli_die(&o.c, &(gfd_err){GFD_ENOMEM, "out of memory for the densities"});
    if (gfd_kde(&Y, Q.x, Q.n, o.kernel, h, o.exclude_self, &o.engine, logp, o.score ? out.x : NULL,
                &err) < 0)
        cli_die(&o.c, &err);
    if (scale)
        gfd_kde_unscale(logp, o.score ? out.x : NULL, Q.n, Q.d, scale);
    cli_rtol_report(&o.c, &o.engine);
    cli_write(&o.c, fmt, &out);
    if (o.score)
        free(logp);
    free(scale);
    gfd_cloud_free(&out), gfd_cloud_free(&Q), gfd_cloud_free(&Y);
    cli_exit(&o.c);
}
