/* gfd-generate: fresh samples of a trained generator (gfd-train), from drawn noise or from
 * given noise rows. Options and files only. */
#include <stdio.h>
#include <stdlib.h>

#include "../cli/cli.h"

#define USAGE "gfd-generate -m MODEL [-n N] [-s SEED] [--noise FILE] [-o OUT]"

static const char HELP[] =
    "Usage: " USAGE "\n"
    "Writes samples x = f(z) of the model written by gfd-train: N of them from standard\n"
    "normal noise drawn from SEED, or one per row of --noise FILE (its rows are z).\n"
    "\n"
    "  -m, --model FILE        the model (.gfdm, or a checkpoint)\n"
    "  -n, --count N           samples to draw (default 1000)\n"
    "      --noise FILE        map these noise rows instead (zdim columns)\n"
    "  -s, --seed SEED         seed of the noise (default 0); row i is stream i of it\n"
    "  -o, --output FILE       samples (.csv or .npy, optionally .gz), atomically\n"
    "  -F, --format FMT        csv|npy|npy:f4, when -o does not say (default csv)\n"
    "  -z, --gzip              gzip the output\n"
    "  -j, --threads N         threads (default: all cores); results do not depend on it\n"
    "  -v, --verbose           print the model's architecture\n"
    "  -q, --quiet             no messages but errors\n"
    "  -h, --help              this help\n"
    "      --no-sync           no fsync of outputs before they replace a file\n"
    "      --version           version\n";

static void help(void) { fputs(HELP, stdout); }

enum { OPT_NOISE = 0x4000 };

typedef struct {
    cli_common c;
    const char *model, *noise;
    size_t count;
} opts;

static void parse(int argc, char **argv, opts *o)
{
    static const struct option longs[] = {
        {"model", required_argument, 0, 'm'}, {"count", required_argument, 0, 'n'},
        {"noise", required_argument, 0, OPT_NOISE}, CLI_COMMON_LONG, {0, 0, 0, 0}};
    *o = (opts){.count = 1000};
    cli_init(&o->c, "gfd-generate", USAGE, argv);
    int opt;
    while ((opt = cli_getopt(&o->c, argc, argv, "m:n:" CLI_COMMON_SHORT, longs)) != -1) {
        if (cli_common_option(&o->c, opt, optarg, help))
            continue;
        switch (opt) {
        case 'm': o->model = optarg; break;
        case 'n': o->count = (size_t)cli_long(&o->c, "-n", optarg, 1, 1000000000); break;
        case OPT_NOISE: o->noise = optarg; break;
        default: cli_usage_error(&o->c, "unexpected option");
        }
    }
    if (optind < argc)
        cli_usage_error(&o->c, "no operands expected, got '%s'", argv[optind]);
    if (!o->model)
        cli_usage_error(&o->c, "-m MODEL is required");
    cli_apply(&o->c);
}

int main(int argc, char **argv)
{
    opts o;
    parse(argc, argv, &o);
    gfd_err err;
    gfd_net *net = gfd_model_load(o.model, NULL, &err);
    if (!net)
        cli_die(&o.c, &err);
    const gfd_net_arch *a = gfd_net_get_arch(net);
    char what[256];
    gfd_net_describe(net, what, sizeof what);
    cli_info(&o.c, "model: %s", what);
    gfd_cloud Z = {0}, X;
    gfd_format fmt = GFD_FMT_NONE;
    if (o.noise) {
        cli_read(&o.c, o.noise, &Z, &fmt);
        if (Z.d != (size_t)a->zdim) {
            gfd_fail(&err, GFD_EDATA, "%s: %zu columns, the model's noise has %d", o.noise, Z.d,
                     a->zdim);
            cli_die(&o.c, &err);
        }
    } else if (gfd_cloud_alloc(&Z, o.count, (size_t)a->zdim, &err) < 0) {
        cli_die(&o.c, &err);
    } else {
        gfd_net_noise(o.c.seed, 0, GFD_STREAM_GEN_SAMPLE, Z.n, a->zdim, Z.x);
    }
    if (gfd_cloud_alloc(&X, Z.n, (size_t)a->dout, &err) < 0 ||
        gfd_net_sample(net, Z.x, Z.n, X.x, &err) < 0)
        cli_die(&o.c, &err);
    cli_write(&o.c, fmt, &X);
    gfd_net_free(net), gfd_cloud_free(&Z), gfd_cloud_free(&X);
    cli_exit(&o.c);
}
