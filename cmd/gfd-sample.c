/* gfd-sample: n points of a built-in distribution (gfd/sample.h), or with --centers the
 * modes of a Gaussian mixture as rows [c_1 .. c_d, sigma] (gfd/modes.h). Options and
 * output only. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cli/cli.h"

#define USAGE "gfd-sample [-n N] [-d D] [-s SEED] [-o FILE] [-F csv|npy|npy:f4] [-z] [--centers] DIST\n" \
              "       gfd-sample --list"

static const char HELP[] =
    "Usage: " USAGE "\n"
    "Writes N points of the built-in distribution DIST, one per row (CSV on standard\n"
    "output unless -o or -F says otherwise). Same seed, same bytes.\n"
    "\n"
    "  -n, --count N       number of points (default 1000)\n"
    "  -d, --dim D         dimension of gaussian and uniform (default 2); the other\n"
    "                      distributions are 2-D\n"
    "      --fit Y         gaussian: the Gaussian of Y's mean and covariance (a start\n"
    "                      matched to the data), in Y's dimension\n"
    "      --centers       write the mixture's centres as rows [c_1 .. c_d, sigma]\n"
    "                      (8gaussians, 25gaussians) instead of samples\n"
    "      --list          print the distribution names, one per line\n"
    "  -s, --seed SEED     seed of the random generator (default 0)\n"
    "  -o, --output FILE   output file (.csv or .npy, optionally .gz), written atomically\n"
    "  -F, --format FMT    csv|npy|npy:f4, when -o does not say\n"
    "  -z, --gzip          gzip the output\n"
    "  -j, --threads N     accepted for uniformity; sampling is sequential\n"
    "  -v, --verbose       print what is drawn on standard error\n"
    "  -q, --quiet         no messages but errors\n"
    "  -h, --help          this help\n"
    "      --no-sync       no fsync of outputs before they replace a file\n"
    "      --version       version\n"
    "\n"
    "Distributions: gaussian, uniform ([-1,1]^d), 8gaussians, 25gaussians, checkerboard,\n"
    "moons, swissroll, circles, rings, pinwheel, 2spirals; see gfd-sample(1) for each\n"
    "one's scale and noise.\n";

static void help(void)
{
    fputs(HELP, stdout);
}

enum { OPT_CENTERS = 0x2000, OPT_LIST, OPT_FIT };

typedef struct {
    cli_common c;
    const char *dist, *fit;
    size_t n, d;      /* d = 0: the distribution's default */
    int count_given;
    int centers;
} opts;

_Noreturn static void list(const cli_common *c)
{
    for (size_t i = 0; gfd_sample_name(i); i++)
        puts(gfd_sample_name(i));
    cli_exit(c);
}

static opts parse(int argc, char **argv)
{
    static const struct option longs[] = {
        {"count", required_argument, 0, 'n'}, {"dim", required_argument, 0, 'd'},
        {"centers", no_argument, 0, OPT_CENTERS}, {"list", no_argument, 0, OPT_LIST},
        {"fit", required_argument, 0, OPT_FIT},
        CLI_COMMON_LONG, {0, 0, 0, 0}};
    opts o = {.n = 1000};
    cli_init(&o.c, "gfd-sample", USAGE, argv);
    int opt;
    while ((opt = cli_getopt(&o.c, argc, argv, "n:d:" CLI_COMMON_SHORT, longs)) != -1) {
        if (cli_common_option(&o.c, opt, optarg, help))
            continue;
        switch (opt) {
        case 'n': o.n = (size_t)cli_long(&o.c, "-n", optarg, 1, LONG_MAX); o.count_given = 1; break;
        case 'd': o.d = (size_t)cli_long(&o.c, "-d", optarg, 1, 1L << 20); break;
        case OPT_CENTERS: o.centers = 1; break;
        case OPT_FIT: o.fit = optarg; break;
        case OPT_LIST: list(&o.c);
        }
    }
    if (optind == argc)
        cli_usage_error(&o.c, "no distribution given (try --list)");
    if (argc - optind > 1)
        cli_usage_error(&o.c, "one distribution expected, got %d", argc - optind);
    if (o.centers && (o.count_given || o.d))
        cli_usage_error(&o.c, "--centers: -n and -d do not apply");
    o.dist = argv[optind];
    if (o.fit && (strcmp(o.dist, "gaussian") || o.d || o.centers))
        cli_usage_error(&o.c, "--fit is for gaussian, whose dimension it takes from Y (no -d)");
    cli_apply(&o.c);
    return o;
}

int main(int argc, char **argv)
{
    opts o = parse(argc, argv);
    gfd_err err;
    gfd_cloud out = {0};
    if (gfd_sample_dim(o.dist) < 0) {
        gfd_fail(&err, GFD_EUSAGE, "unknown distribution '%s' (try --list)", o.dist);
        cli_die(&o.c, &err);
    }
    gfd_rng rng;
    gfd_rng_seed(&rng, o.c.seed);
    gfd_cloud Y = {0};
    if (o.fit)
        cli_read(&o.c, o.fit, &Y, NULL);
    int rc = o.centers ? gfd_modes_builtin(o.dist, &out, &err)
           : o.fit ? gfd_sample_gaussian_fit(&Y, o.n, &rng, &out, &err)
                   : gfd_sample(o.dist, o.n, o.d, &rng, &out, &err);
    gfd_cloud_free(&Y);
    if (rc < 0)
        cli_die(&o.c, &err);
    cli_info(&o.c, "%s: %zu %s in %zu dimensions, seed %llu", o.dist, out.n,
             o.centers ? "centres" : "points", o.centers ? out.d - 1 : out.d,
             (unsigned long long)o.c.seed);
    cli_write(&o.c, GFD_FMT_NONE, &out);
    gfd_cloud_free(&out);
    cli_exit(&o.c);
}
