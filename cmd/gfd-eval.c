/* gfd-eval: metrics of sample sets against a reference set (MATH §5), one table row per
 * sample file. Options and files only; the metrics are lib/metric*.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../cli/cli.h"
#include "../lib/metric.h"
#include "../lib/sphere.h"

#define USAGE "gfd-eval -r Y [--metrics LIST] [--csv|--json] [--modes FILE|--dataset NAME] [--sphere] [S ...]"

static const char HELP[] =
    "Usage: " USAGE "\n"
    "Compares each sample set S (standard input by default) with the reference Y and\n"
    "writes one row per sample file, one column per metric value (see gfd-eval(1)).\n"
    "\n"
    "  -r, --reference FILE  the reference points Y (required)\n"
    "  -m, --metrics LIST    comma-separated, from: mmd, energy, sw2, w2, sinkhorn,\n"
    "                        coverage, prdc, nll (default: all that apply)\n"
    "      --csv             CSV table (%.17g); also for -o NAME.csv\n"
    "      --json            JSON array of rows; also for -o NAME.json\n"
    "      --mmd-bw LIST     MMD kernel bandwidths (default: median distance of Y)\n"
    "      --eps EPS         sinkhorn's entropic eps (default 2 h^2, h from -b)\n"
    "      --projections L   sw2 directions (default 256)\n"
    "      --modes FILE      coverage: rows [c_1 .. c_d, sigma] (gfd-sample --centers)\n"
    "      --dataset NAME    coverage: the modes of a built-in mixture (8gaussians, 25gaussians)\n"
    "      --k K             prdc's nearest neighbours (default 5)\n"
    "      --sphere          unit rows, geodesic costs: mmd, w2, coverage (man page)\n"
    "      --project         with --sphere: normalise rows instead of refusing them\n"
    "  -b, --bandwidth BW    nll's KDE bandwidth: scott (default), silverman, median, number\n"
    "  -s, --seed SEED       seed of sw2's directions and the median subset (default 0)\n"
    "  -j, --threads N       threads (default: all cores); results do not depend on it\n"
    "  -o, --output FILE     write the table to FILE (atomically)\n"
    "  -v, --verbose         print the settings in force on standard error\n"
    "  -q, --quiet           no messages but errors\n"
    "  -h, --help            this help\n"
    "      --version         version\n";

enum { OPT_CSV = 0x2000, OPT_JSON, OPT_MMD_BW, OPT_EPS, OPT_PROJ, OPT_MODES, OPT_DATASET, OPT_K, OPT_SPHERE,
       OPT_PROJECT };

typedef struct {
    cli_common c;
    const char *reference, *metrics, *modes, *dataset;
    gfd_table_format table;
    int table_given, project;
    gfd_metric_opts m;
} opts;

static void parse_bandwidths(opts *o, const char *arg)
{
    char *copy = strdup(arg), *save = NULL;
    o->m.n_mmd_bw = 0;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (o->m.n_mmd_bw == GFD_METRIC_MAX_BW)
            cli_usage_error(&o->c, "--mmd-bw: at most %d bandwidths", GFD_METRIC_MAX_BW);
        o->m.mmd_bw[o->m.n_mmd_bw++] = cli_double(&o->c, "--mmd-bw", t, 1e-300, 1e300);
    }
    if (o->m.n_mmd_bw == 0)
        cli_usage_error(&o->c, "--mmd-bw: no bandwidth given");
    free(copy);
}

/* Table format: --csv/--json, else -F csv, else from -o's name, else text. */
static void choose_table(opts *o)
{
    const char *dot = o->c.out ? strrchr(o->c.out, '.') : NULL;
    if (o->c.fmt == GFD_FMT_NPY || o->c.gz)
        cli_usage_error(&o->c, "the table is text: -F npy and -z do not apply");
    if (!o->table_given && o->c.fmt == GFD_FMT_CSV)
        o->table = GFD_TABLE_CSV;
    else if (!o->table_given && dot)
        o->table = !strcmp(dot, ".csv") ? GFD_TABLE_CSV : !strcmp(dot, ".json") ? GFD_TABLE_JSON : GFD_TABLE_TEXT;
}

static opts parse(int argc, char **argv)
{
    static const struct option longs[] = {
        {"reference", required_argument, 0, 'r'}, {"metrics", required_argument, 0, 'm'},
        {"csv", no_argument, 0, OPT_CSV}, {"json", no_argument, 0, OPT_JSON},
        {"mmd-bw", required_argument, 0, OPT_MMD_BW}, {"eps", required_argument, 0, OPT_EPS},
        {"projections", required_argument, 0, OPT_PROJ}, {"modes", required_argument, 0, OPT_MODES},
        {"dataset", required_argument, 0, OPT_DATASET}, {"k", required_argument, 0, OPT_K},
        {"sphere", no_argument, 0, OPT_SPHERE}, {"project", no_argument, 0, OPT_PROJECT},
        CLI_COMMON_LONG, {0, 0, 0, 0}};
    opts o = {.table = GFD_TABLE_TEXT};
    gfd_metric_opts_default(&o.m);
    cli_init(&o.c, "gfd-eval", USAGE);
    int opt;
    while ((opt = cli_getopt(&o.c, argc, argv, "r:m:" CLI_COMMON_SHORT, longs)) != -1) {
        if (cli_common_option(&o.c, opt, optarg, HELP))
            continue;
        switch (opt) {
        case 'r': o.reference = optarg; break;
        case 'm': o.metrics = optarg; break;
        case OPT_CSV: o.table = GFD_TABLE_CSV, o.table_given = 1; break;
        case OPT_JSON: o.table = GFD_TABLE_JSON, o.table_given = 1; break;
        case OPT_MMD_BW: parse_bandwidths(&o, optarg); break;
        case OPT_EPS: o.m.eps = cli_double(&o.c, "--eps", optarg, 1e-300, 1e300); break;
        case OPT_PROJ: o.m.projections = (int)cli_long(&o.c, "--projections", optarg, 1, 1 << 20); break;
        case OPT_MODES: o.modes = optarg; break;
        case OPT_DATASET: o.dataset = optarg; break;
        case OPT_K: o.m.k = (int)cli_long(&o.c, "--k", optarg, 1, 1000); break;
        case OPT_SPHERE: o.m.sphere = 1; break;
        case OPT_PROJECT: o.project = 1; break;
        }
    }
    if (!o.reference)
        cli_usage_error(&o.c, "no reference: -r FILE is required");
    if (o.modes && o.dataset)
        cli_usage_error(&o.c, "--modes and --dataset: give one");
    if (o.project && !o.m.sphere)
        cli_usage_error(&o.c, "--project needs --sphere");
    gfd_err err;
    if (gfd_bw_parse(o.c.bw, &o.m.bw, &err) < 0)
        cli_usage_error(&o.c, "-b: %s", err.msg);
    o.m.seed = o.c.seed;
    choose_table(&o);
    cli_apply(&o.c);
    return o;
}

/* The metrics asked for, or every one that applies to these sample sets. */
static void choose_metrics(const opts *o, const gfd_cloud *S, size_t ns, size_t m, gfd_metric_spec *spec)
{
    gfd_err err;
    if (o->metrics) {
        if (gfd_metric_parse(o->metrics, spec, &err) < 0)
            cli_usage_error(&o->c, "--metrics: %s", err.msg);
        return;
    }
    int w2 = m <= GFD_W2_MAX;
    for (size_t k = 0; k < ns; k++)
        w2 &= S[k].n == m;
    gfd_metric_default(spec, o->m.modes != NULL, w2);
    if (o->m.sphere)
        gfd_metric_keep_sphere(spec);
}

/* Reads a point set; with --sphere checks (or with --project normalises) its rows. */
static void read_points(const opts *o, const char *name, gfd_cloud *X)
{
    gfd_err err;
    cli_read(&o->c, name, X, NULL);
    if (o->m.sphere && gfd_sphere_points(X->x, X->n, X->d, X->d, o->project,
                                         strcmp(name, "-") ? name : "stdin", &err) < 0)
        cli_die(&o->c, &err);
}

/* Writes the table to standard output, or to -o FILE through a temporary name. */
static void write_table(const opts *o, const char *table)
{
    if (!o->c.out) {
        fputs(table, stdout);
        return;
    }
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmpXXXXXX", o->c.out);
    int fd = mkstemp(tmp);
    mode_t mask = umask(0);
    umask(mask);
    FILE *f = fd < 0 || fchmod(fd, 0666 & ~mask) ? NULL : fdopen(fd, "w");
    int ok = f && fputs(table, f) >= 0;
    ok = f && !fclose(f) && ok && !rename(tmp, o->c.out);
    if (!ok) {
        gfd_err err;
        gfd_fail(&err, GFD_EIO, "%s: cannot write: %s", o->c.out, strerror(errno));
        if (fd >= 0)
            unlink(tmp);
        cli_die(&o->c, &err);
    }
}

static void read_modes(opts *o, gfd_cloud *modes)
{
    gfd_err err;
    if (o->modes)
        cli_read(&o->c, o->modes, modes, NULL);
    else if (o->dataset && gfd_metric_modes(o->dataset, modes, &err) < 0)
        cli_usage_error(&o->c, "--dataset: %s", err.msg);
    o->m.modes = o->modes || o->dataset ? modes : NULL;
}

/* Every row of the table: values[k * nc + c] is column c for sample set k. */
static double *evaluate(const opts *o, const gfd_metric_spec *spec, const gfd_cloud *S,
                        const char **names, size_t ns, const gfd_cloud *R, size_t nc)
{
    gfd_err err;
    double *values = calloc(ns * nc + 1, sizeof *values);
    if (!values)
        cli_die(&o->c, &(gfd_err){GFD_ENOMEM, "out of memory for the table"});
    for (size_t k = 0; k < ns; k++)
        if (gfd_metric_eval(spec, &o->m, &S[k], R, values + k * nc, &err) < 0) {
            gfd_err named;
            gfd_fail(&named, err.code, "%s: %s", names[k], err.msg);
            cli_die(&o->c, &named);
        }
    return values;
}

int main(int argc, char **argv)
{
    opts o = parse(argc, argv);
    size_t ns = argc > optind ? (size_t)(argc - optind) : 1;
    const char **names = calloc(ns, sizeof *names), *cols[GFD_METRIC_MAX_COLUMNS];
    gfd_cloud R, modes = {0}, *S = calloc(ns, sizeof *S);
    gfd_err err;
    if (!names || !S)
        cli_die(&o.c, &(gfd_err){GFD_ENOMEM, "out of memory for the sample sets"});
    read_modes(&o, &modes);
    read_points(&o, o.reference, &R);
    for (size_t k = 0; k < ns; k++) {
        names[k] = argc > optind ? argv[optind + (int)k] : "-";
        read_points(&o, names[k], &S[k]);
        names[k] = strcmp(names[k], "-") ? names[k] : "stdin";
    }
    gfd_metric_spec spec;
    choose_metrics(&o, S, ns, R.n, &spec);
    if (gfd_metric_prepare(&spec, &o.m, &R, &err) < 0)
        cli_die(&o.c, &err);
    cli_info(&o.c, "reference %s: %zu points in %zu dimensions; h %.6g (%s), eps %.6g, mmd bandwidth %.6g%s",
             o.reference, R.n, R.d, o.m.h, gfd_bw_name(o.m.bw.kind), o.m.eps, o.m.mmd_bw[0],
             o.m.n_mmd_bw > 1 ? " and more" : o.m.n_mmd_bw ? "" : " (no mmd)");
    size_t nc = gfd_metric_columns(&spec, cols);
    double *values = evaluate(&o, &spec, S, names, ns, &R, nc);
    char *table = gfd_metric_table_format(o.table, cols, nc, names, ns, values, &err);
    if (!table)
        cli_die(&o.c, &err);
    write_table(&o, table);
    for (size_t k = 0; k < ns; k++)
        gfd_cloud_free(&S[k]);
    gfd_cloud_free(&R), gfd_cloud_free(&modes);
    free(S), free(names), free(values), free(table);
    return 0;
}
