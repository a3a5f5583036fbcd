/* gfd-sphere: tools for points on the unit sphere S^(d-1) (MATH §4): project, sample,
 * tangent, exp, dist. Options, files and one lib/ call per subcommand; the geometry is
 * lib/sphere.c, the samplers lib/vmf.c. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cli/cli.h"

#define USAGE "gfd-sphere project [X]\n" \
    "       gfd-sphere sample uniform|vmf|vmf-mixture [-n N] [-d D] [--mu LIST | --mu-file F]\n" \
    "                  [--kappa K] [--modes K | --centers-in F] [--centers]\n" \
    "       gfd-sphere tangent|exp [--project] [XV]\n" \
    "       gfd-sphere dist [--all] [--project] A B"

static const char HELP[] =
    "Usage: " USAGE "\n"
    "Tools for points on the unit sphere, one point per row:\n"
    "  project  normalise every row to unit norm (a zero row is an error)\n"
    "  sample   N points: uniform, von Mises-Fisher (Wood 1994) or an equal-weight\n"
    "           mixture of K vMF modes with one kappa\n"
    "  tangent  rows [x, v] -> [x, (I - x x^T) v]\n"
    "  exp      rows [x, v] -> exp_x(v) = cos|u| x + sin|u| u/|u|, u = (I - x x^T) v\n"
    "  dist     geodesic distance arccos(x.y) of row i of A to row i of B (one column),\n"
    "           or with --all of every pair (an N x M matrix)\n"
    "Points must have norm 1 within 1e-6 (they are then normalised exactly); --project\n"
    "normalises any nonzero row instead.\n"
    "\n"
    "  -n, --count N       sample: number of points (default 1000)\n"
    "  -d, --dim D         sample: dimension of the ambient space, >= 2 (default 3: S^2)\n"
    "      --mu LIST       vmf: mean direction, comma-separated (default e_d), normalised\n"
    "      --mu-file F     vmf: the mean direction as a one-row file\n"
    "      --kappa K       vmf, vmf-mixture: concentration >= 0 (default 10)\n"
    "      --modes K       vmf-mixture: number of modes, centres uniform (default 4)\n"
    "      --centers-in F  vmf-mixture: the centres, one per row (normalised)\n"
    "      --centers       write the modes instead: rows [mu_1 .. mu_d, sigma], sigma =\n"
    "                      1/sqrt(kappa) radians (gfd-eval --modes reads them)\n"
    "      --project       tangent, exp, dist: normalise points instead of checking them\n"
    "      --all           dist: every pair, N x M\n"
    "  -s, --seed SEED     seed of the random generator (default 0)\n"
    "  -j, --threads N     threads (default: all cores); results do not depend on it\n"
    "  -o, --output FILE   output file (.csv or .npy, optionally .gz), written atomically\n"
    "  -F, --format FMT    csv|npy|npy:f4, when -o does not say (default: the input's format)\n"
    "  -z, --gzip          gzip the output\n"
    "  -v, --verbose       print what is done on standard error\n"
    "  -q, --quiet         no messages but errors\n"
    "  -h, --help          this help\n"
    "      --no-sync       no fsync of outputs before they replace a file\n"
    "      --version       version\n";

static void help(void)
{
    fputs(HELP, stdout);
}

/* The subcommand options, as bits: each subcommand accepts some of them. */
enum { O_N = 1, O_D = 2, O_MU = 4, O_MUFILE = 8, O_KAPPA = 16, O_MODES = 32,
       O_CIN = 64, O_CENTERS = 128, O_PROJECT = 256, O_ALL = 512 };
static const char *const OPT_NAMES[] = {"-n", "-d", "--mu", "--mu-file", "--kappa",
                                        "--modes", "--centers-in", "--centers",
                                        "--project", "--all"};

typedef struct {
    cli_common c;
    unsigned given;
    size_t n, d, modes;
    double kappa;
    const char *mu, *mu_file, *centers_in;
    char **args;  /* the operands after the subcommand */
    int nargs;
} opts;

static const char *file_name(const char *path)
{
    return path && strcmp(path, "-") ? path : "stdin";
}

/* Usage error for the first given option outside `allowed`. */
static void only(const opts *o, unsigned allowed, const char *what)
{
    for (int b = 0; b < 10; b++)
        if (o->given & ~allowed & (1u << b))
            cli_usage_error(&o->c, "%s does not apply to %s", OPT_NAMES[b], what);
}

static void operands(const opts *o, int lo, int hi, const char *what, const char *expected)
{
    if (o->nargs < lo || o->nargs > hi)
        cli_usage_error(&o->c, "%s: expected %s, got %d", what, expected, o->nargs);
}

static opts parse(int argc, char **argv)
{
    enum { L_MU = 0x2000, L_MUFILE, L_KAPPA, L_MODES, L_CIN, L_CENTERS, L_PROJECT, L_ALL };
    static const struct option longs[] = {
        {"count", required_argument, 0, 'n'}, {"dim", required_argument, 0, 'd'},
        {"mu", required_argument, 0, L_MU}, {"mu-file", required_argument, 0, L_MUFILE},
        {"kappa", required_argument, 0, L_KAPPA}, {"modes", required_argument, 0, L_MODES},
        {"centers-in", required_argument, 0, L_CIN}, {"centers", no_argument, 0, L_CENTERS},
        {"project", no_argument, 0, L_PROJECT}, {"all", no_argument, 0, L_ALL},
        CLI_COMMON_LONG, {0, 0, 0, 0}};
    opts o = {.n = 1000, .d = 3, .modes = 4, .kappa = 10};
    cli_init(&o.c, "gfd-sphere", USAGE, argv);
    int opt;
    while ((opt = cli_getopt(&o.c, argc, argv, "n:d:" CLI_COMMON_SHORT, longs)) != -1) {
        if (cli_common_option(&o.c, opt, optarg, help))
            continue;
        switch (opt) {
        case 'n': o.n = (size_t)cli_long(&o.c, "-n", optarg, 1, LONG_MAX); o.given |= O_N; break;
        case 'd': o.d = (size_t)cli_long(&o.c, "-d", optarg, 2, 1L << 20); o.given |= O_D; break;
        case L_MU: o.mu = optarg; o.given |= O_MU; break;
        case L_MUFILE: o.mu_file = optarg; o.given |= O_MUFILE; break;
        case L_KAPPA: o.kappa = cli_double(&o.c, "--kappa", optarg, 0, 1e300); o.given |= O_KAPPA; break;
        case L_MODES: o.modes = (size_t)cli_long(&o.c, "--modes", optarg, 1, 1L << 30); o.given |= O_MODES; break;
        case L_CIN: o.centers_in = optarg; o.given |= O_CIN; break;
        case L_CENTERS: o.given |= O_CENTERS; break;
        case L_PROJECT: o.given |= O_PROJECT; break;
        case L_ALL: o.given |= O_ALL; break;
        }
    }
    if (optind == argc)
        cli_usage_error(&o.c, "no subcommand given (project, sample, tangent, exp, dist)");
    o.args = argv + optind + 1;
    o.nargs = argc - optind - 1;
    cli_apply(&o.c);
    return o;
}

static void die_if(const opts *o, int rc, const gfd_err *err)
{
    if (rc < 0)
        cli_die(&o->c, err);
}

/* The rows of X made points of the sphere (checked, or with --project normalised). */
static int sphere_points(double *X, size_t n, size_t d, size_t ld, int project, const char *name,
                         gfd_err *err)
{
    return gfd_geometry_points(gfd_geometry_sphere(), X, n, d, ld, project, name, err);
}

/* project [X]: every row normalised. */
static void cmd_project(const opts *o)
{
    only(o, 0, "project");
    operands(o, 0, 1, "project", "at most one file");
    gfd_cloud X;
    gfd_format fmt;
    gfd_err err;
    const char *path = o->nargs ? o->args[0] : NULL;
    cli_read(&o->c, path, &X, &fmt);
    die_if(o, gfd_sphere_normalize(X.x, X.n, X.d, X.d, file_name(path), &err), &err);
    cli_write(&o->c, fmt, &X);
    gfd_cloud_free(&X);
}

/* tangent|exp [XV]: rows [x, v] -> [x, (I - x x^T) v] or exp_x(v). */
static void cmd_tangent_exp(const opts *o, int exp)
{
    const char *what = exp ? "exp" : "tangent";
    only(o, O_PROJECT, what);
    operands(o, 0, 1, what, "at most one file");
    gfd_cloud XV, out;
    gfd_format fmt;
    gfd_err err;
    const char *path = o->nargs ? o->args[0] : NULL, *name = file_name(path);
    cli_read(&o->c, path, &XV, &fmt);
    size_t d = XV.d / 2;
    if (XV.d % 2)
        die_if(o, gfd_fail(&err, GFD_EDATA, "%s: %zu columns: rows [x, v] need an even number",
                           name, XV.d), &err);
    die_if(o, sphere_points(XV.x, XV.n, d, 2 * d, !!(o->given & O_PROJECT), name, &err), &err);
    die_if(o, gfd_cloud_alloc(&out, XV.n, exp ? d : 2 * d, &err), &err);
    die_if(o, exp ? gfd_sphere_exp_rows(XV.x, XV.n, d, out.x, &err)
                  : gfd_sphere_tangent_rows(XV.x, XV.n, d, out.x, &err), &err);
    cli_write(&o->c, fmt, &out);
    gfd_cloud_free(&out), gfd_cloud_free(&XV);
}

/* dist [--all] A B: one column of row-by-row distances, or the N x M matrix. */
static void cmd_dist(const opts *o)
{
    only(o, O_PROJECT | O_ALL, "dist");
    operands(o, 2, 2, "dist", "two files A B");
    const char *a = o->args[0], *b = o->args[1];
    if (!strcmp(a, "-") && !strcmp(b, "-"))
        cli_usage_error(&o->c, "dist: A and B cannot both be standard input");
    gfd_cloud A, B, out;
    gfd_format fmt, fmt_b;
    gfd_err err;
    int all = !!(o->given & O_ALL), project = !!(o->given & O_PROJECT);
    cli_read(&o->c, a, &A, &fmt);
    cli_read(&o->c, b, &B, &fmt_b);
    if (B.d != A.d)
        die_if(o, gfd_fail(&err, GFD_EDATA, "%s: %zu columns, but %s has %zu", file_name(b),
                           B.d, file_name(a), A.d), &err);
    if (!all && B.n != A.n)
        die_if(o, gfd_fail(&err, GFD_EDATA, "%s has %zu rows and %s %zu: row-by-row distances "
                           "need equal counts (--all gives every pair)", file_name(a), A.n,
                           file_name(b), B.n), &err);
    die_if(o, sphere_points(A.x, A.n, A.d, A.d, project, file_name(a), &err), &err);
    die_if(o, sphere_points(B.x, B.n, B.d, B.d, project, file_name(b), &err), &err);
    die_if(o, gfd_cloud_alloc(&out, A.n, all ? B.n : 1, &err), &err);
    if (all)
        gfd_sphere_dist_all(A.x, A.n, B.x, B.n, A.d, out.x);
    else
        gfd_sphere_dist_rows(A.x, B.x, A.n, A.d, out.x);
    cli_write(&o->c, fmt, &out);
    gfd_cloud_free(&out), gfd_cloud_free(&A), gfd_cloud_free(&B);
}

/* The mean directions of vmf (one) or vmf-mixture (K): from --mu, --mu-file or
 * --centers-in (normalised), else e_d for vmf or K uniform draws (the stream's first). */
static void directions(opts *o, int mixture, gfd_rng *rng, gfd_cloud *mu)
{
    gfd_err err;
    const char *file = mixture ? o->centers_in : o->mu_file;
    if (o->mu) {
        size_t k = 1;
        for (const char *p = o->mu; *p; p++)
            k += *p == ',';
        die_if(o, gfd_cloud_alloc(mu, 1, k, &err), &err);
        char *copy = strdup(o->mu), *save = NULL, *tok;
        if (!copy)
            die_if(o, gfd_fail(&err, GFD_ENOMEM, "out of memory for --mu"), &err);
        tok = strtok_r(copy, ",", &save);
        for (size_t j = 0; j < k; j++, tok = strtok_r(NULL, ",", &save))
            mu->x[j] = cli_double(&o->c, "--mu", tok ? tok : "", -1e300, 1e300);
        free(copy);
    } else if (file) {
        cli_read(&o->c, file, mu, NULL);
        if (!mixture && mu->n != 1)
            die_if(o, gfd_fail(&err, GFD_EDATA, "%s: %zu rows: --mu-file holds one direction",
                               file_name(file), mu->n), &err);
    }
    if (o->mu || file) {
        const char *src = o->mu ? "--mu" : file_name(file);
        if ((o->given & O_D) && mu->d != o->d)
            cli_usage_error(&o->c, "-d %zu, but %s has %zu coordinates", o->d, src, mu->d);
        if (mu->d < 2)
            cli_usage_error(&o->c, "%s: the sphere needs at least 2 coordinates", src);
        o->d = mu->d;
        die_if(o, gfd_sphere_normalize(mu->x, mu->n, mu->d, mu->d, src, &err), &err);
    } else if (mixture) {
        die_if(o, gfd_sphere_uniform(o->modes, o->d, rng, mu, &err), &err);
    } else {
        die_if(o, gfd_cloud_alloc(mu, 1, o->d, &err), &err);
        mu->x[o->d - 1] = 1;
    }
}

/* sample uniform|vmf|vmf-mixture: N points, or the modes with --centers. */
static void cmd_sample(opts *o)
{
    operands(o, 1, 1, "sample", "one distribution (uniform, vmf, vmf-mixture)");
    const char *dist = o->args[0];
    int uniform = !strcmp(dist, "uniform"), vmf = !strcmp(dist, "vmf");
    int mixture = !strcmp(dist, "vmf-mixture");
    if (!uniform && !vmf && !mixture)
        cli_usage_error(&o->c, "sample: unknown distribution '%s' (uniform, vmf, vmf-mixture)", dist);
    only(o, uniform ? O_N | O_D : vmf ? O_N | O_D | O_MU | O_MUFILE | O_KAPPA | O_CENTERS
                                      : O_N | O_D | O_KAPPA | O_MODES | O_CIN | O_CENTERS, dist);
    if ((o->given & O_MU) && (o->given & O_MUFILE))
        cli_usage_error(&o->c, "--mu and --mu-file: give one");
    if ((o->given & O_MODES) && (o->given & O_CIN))
        cli_usage_error(&o->c, "--modes and --centers-in: give one");
    if ((o->given & O_CENTERS) && (o->given & O_N))
        cli_usage_error(&o->c, "--centers: -n does not apply");
    gfd_rng rng;
    gfd_rng_seed(&rng, o->c.seed);
    gfd_cloud mu = {0}, out;
    gfd_err err;
    if (!uniform)
        directions(o, mixture, &rng, &mu);
    if (o->given & O_CENTERS)
        die_if(o, gfd_modes_vmf(&mu, o->kappa, &out, &err), &err);
    else if (uniform)
        die_if(o, gfd_sphere_uniform(o->n, o->d, &rng, &out, &err), &err);
    else
        die_if(o, gfd_vmf_sample(mu.x, mu.n, o->d, o->kappa, o->n, &rng, &out, &err), &err);
    if (uniform)
        cli_info(&o->c, "uniform: %zu points on S^%zu, seed %llu", out.n, o->d - 1,
                 (unsigned long long)o->c.seed);
    else
        cli_info(&o->c, "%s: %zu %s on S^%zu, %zu mode%s, kappa %g, A_%zu(kappa) = %.17g, seed %llu",
                 dist, out.n, o->given & O_CENTERS ? "centres" : "points", o->d - 1, mu.n,
                 mu.n == 1 ? "" : "s", o->kappa, o->d, gfd_vmf_mean_resultant(o->d, o->kappa),
                 (unsigned long long)o->c.seed);
    cli_write(&o->c, GFD_FMT_NONE, &out);
    gfd_cloud_free(&out), gfd_cloud_free(&mu);
}

int main(int argc, char **argv)
{
    opts o = parse(argc, argv);
    const char *cmd = argv[optind];
    if (!strcmp(cmd, "project"))
        cmd_project(&o);
    else if (!strcmp(cmd, "sample"))
        cmd_sample(&o);
    else if (!strcmp(cmd, "tangent") || !strcmp(cmd, "exp"))
        cmd_tangent_exp(&o, !strcmp(cmd, "exp"));
    else if (!strcmp(cmd, "dist"))
        cmd_dist(&o);
    else
        cli_usage_error(&o.c, "unknown subcommand '%s' (project, sample, tangent, exp, dist)", cmd);
    cli_exit(&o.c);
}
