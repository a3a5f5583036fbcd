/* gfd-eval: metrics of sample sets against a reference set (MATH §5), one table row per
 * sample file. Options and files only; the metrics are lib/metrics/, their options and
 * listings come from the metric table (cli/tables.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../cli/tables.h"

#define USAGE "gfd-eval -r Y [--metrics LIST] [--csv|--json] [--modes FILE|--dataset NAME] [--sphere] [--weights W] [S ...]"

static const char HELP_HEAD[] =
    "Usage: " USAGE "\n"
    "Compares each sample set S (standard input by default) with the reference Y and\n"
    "writes one row per sample file, one column per metric value (see gfd-eval(1)).\n"
    "\n"
    "  -r, --reference FILE  the reference points Y (required)\n"
    "  -m, --metrics LIST    comma-separated, from the metrics below (default: all that\n"
    "                        apply: coverage with modes, w2 when every N = M <= 10000)\n"
    "      --list-metrics    print each metric: where it runs, its columns, its summary\n"
    "      --csv             CSV table (%.17g); also for -o NAME.csv\n"
    "      --json            JSON array of rows; also for -o NAME.json\n"
    "      --modes FILE      coverage: rows [c_1 .. c_d, sigma] (gfd-sample --centers,\n"
    "                        gfd-sphere sample ... --centers)\n"
    "      --dataset NAME    coverage: the modes of a built-in mixture (8gaussians, 25gaussians)\n"
    "      --sphere          unit rows, geodesic costs: the metrics marked sphere (man page)\n"
    "      --project         with --sphere: normalise rows instead of refusing them\n"
    "      --weights FILE    weights of the sample set's rows (one column, >= 0; one sample\n"
    "                        set): only the metrics that take weights (--list-metrics)\n"
    "      --reference-weights FILE  weights of Y's rows, the same way\n"
    "  -b, --bandwidth BW    the KDE bandwidth of nll, and sinkhorn's default eps 2 h^2:\n"
    "                        scott (default), silverman, median, a number\n"
    "\nMetrics (sphere: also with --sphere):\n";

static const char HELP_TAIL[] =
    "\nOther options:\n"
    "  -s, --seed SEED       seed of sw2's directions and the median subset (default 0)\n"
    "  -j, --threads N       threads (default: all cores); results do not depend on it\n"
    "  -o, --output FILE     write the table to FILE (atomically; .csv, .json or text,\n"
    "                        .gz to compress it; -z too)\n"
    "  -v, --verbose         print the settings in force on standard error\n"
    "  -q, --quiet           no messages but errors\n"
    "  -h, --help            this help\n"
    "      --no-sync         no fsync of outputs before they replace a file\n"
    "      --version         version\n";

static void help(void)
{
    fputs(HELP_HEAD, stdout);
    cli_help_list(stdout, CLI_METRICS);
    fputs("\nMetric options (each names the metrics that take it):\n", stdout);
    cli_help_options(stdout, CLI_METRICS);
    fputs(HELP_TAIL, stdout);
}

enum { OPT_CSV = 0x2000, OPT_JSON, OPT_MODES, OPT_DATASET, OPT_SPHERE, OPT_PROJECT, OPT_LIST,
       OPT_WEIGHTS, OPT_REF_WEIGHTS };

typedef struct {
    cli_common c;
    const char *reference, *metrics, *modes, *dataset, *weights, *ref_weights;
    gfd_table_format table;
    int table_given, project, gz;  /* gz: gzip the table (-z, or -o NAME.gz) */
    gfd_settings set;           /* the metrics' options */
    gfd_metric_setup setup;
} opts;

/* Table format: --csv/--json, else -F csv, else from -o's name (.csv, .json, else text;
 * .gz after any of them gzips it; .npy is refused), else text. */
static void choose_table(opts *o)
{
    char name[1024];
    snprintf(name, sizeof name, "%s", o->c.out ? o->c.out : "");
    size_t len = strlen(name);
    o->gz = o->c.gz || (len > 3 && !strcasecmp(name + len - 3, ".gz"));
    if (len > 3 && !strcasecmp(name + len - 3, ".gz"))
        name[len - 3] = '\0';
    const char *dot = strrchr(name, '.');
    if (o->c.fmt == GFD_FMT_NPY || o->c.fmt == GFD_FMT_NPY_F4 || (dot && !strcasecmp(dot, ".npy")))
        cli_usage_error(&o->c, "the table is text: -F npy and -o NAME.npy do not apply (.csv, "
                        ".json or text, optionally .gz)");
    if (!o->table_given && o->c.fmt == GFD_FMT_CSV)
        o->table = GFD_TABLE_CSV;
    else if (!o->table_given && dot)
        o->table = !strcasecmp(dot, ".csv") ? GFD_TABLE_CSV
                 : !strcasecmp(dot, ".json") ? GFD_TABLE_JSON : GFD_TABLE_TEXT;
}

static int own_option(opts *o, int opt, const char *arg)
{
    switch (opt) {
    case 'r': o->reference = arg; return 1;
    case 'm': o->metrics = arg; return 1;
    case OPT_CSV: o->table = GFD_TABLE_CSV, o->table_given = 1; return 1;
    case OPT_JSON: o->table = GFD_TABLE_JSON, o->table_given = 1; return 1;
    case OPT_MODES: o->modes = arg; return 1;
    case OPT_DATASET: o->dataset = arg; return 1;
    case OPT_SPHERE: o->setup.geometry = gfd_geometry_sphere(); return 1;
    case OPT_PROJECT: o->project = 1; return 1;
    case OPT_WEIGHTS: o->weights = arg; return 1;
    case OPT_REF_WEIGHTS: o->ref_weights = arg; return 1;
    case OPT_LIST: cli_list(&o->c, CLI_METRICS);
    }
    return 0;
}

static void parse(int argc, char **argv, opts *o)
{
    static const struct option own[] = {
        {"reference", required_argument, 0, 'r'}, {"metrics", required_argument, 0, 'm'},
        {"csv", no_argument, 0, OPT_CSV}, {"json", no_argument, 0, OPT_JSON},
        {"modes", required_argument, 0, OPT_MODES}, {"dataset", required_argument, 0, OPT_DATASET},
        {"sphere", no_argument, 0, OPT_SPHERE}, {"project", no_argument, 0, OPT_PROJECT},
        {"list-metrics", no_argument, 0, OPT_LIST}, {"weights", required_argument, 0, OPT_WEIGHTS},
        {"reference-weights", required_argument, 0, OPT_REF_WEIGHTS}, {0, 0, 0, 0}};
    cli_optset set;
    *o = (opts){.table = GFD_TABLE_TEXT, .setup = {.geometry = gfd_geometry_flat()}};
    gfd_settings_init(&o->set);
    cli_init(&o->c, "gfd-eval", USAGE, argv);
    cli_optset_init(&set, own, CLI_METRICS);
    int opt;
    while ((opt = cli_getopt(&o->c, argc, argv, "r:m:" CLI_COMMON_SHORT, set.longs)) != -1)
        if (!cli_common_option(&o->c, opt, optarg, help) &&
            !cli_table_option(&o->c, &set, &o->set, opt, optarg))
            own_option(o, opt, optarg);
    if (!o->reference)
        cli_usage_error(&o->c, "no reference: -r FILE is required");
    if (o->modes && o->dataset)
        cli_usage_error(&o->c, "--modes and --dataset: give one");
    if (o->project && o->setup.geometry == gfd_geometry_flat())
        cli_usage_error(&o->c, "--project needs --sphere");
    if (o->weights && argc - optind > 1)
        cli_usage_error(&o->c, "--weights: give one sample set (%d given)", argc - optind);
    o->setup.weighted = o->weights || o->ref_weights;
    gfd_err err;
    if (o->metrics && gfd_metric_names_check(o->metrics, &err) < 0)
        cli_usage_error(&o->c, "--metrics: %s", err.msg);
    if (gfd_bw_parse(o->c.bw, &o->setup.bw, &err) < 0)
        cli_usage_error(&o->c, "-b: %s", err.msg);
    o->setup.seed = o->c.seed;
    o->setup.settings = &o->set;
    choose_table(o);
    cli_apply(&o->c);
}

/* Reads a point set and makes its rows points of the geometry. */
static void read_points(const opts *o, const char *name, gfd_cloud *X)
{
    gfd_err err;
    cli_read(&o->c, name, X, NULL);
    if (gfd_geometry_points(o->setup.geometry, X->x, X->n, X->d, X->d, o->project,
                            strcmp(name, "-") ? name : "stdin", &err) < 0)
        cli_die(&o->c, &err);
}

/* Writes the table to standard output, or to -o FILE through the atomic writer. */
static void write_table(const opts *o, const char *table)
{
    gfd_err err;
    gfd_output *out = gfd_output_open(o->c.out, o->gz, &err);
    if (!out || gfd_output_write(out, table, strlen(table), &err) < 0) {
        gfd_output_abort(out);
        cli_die(&o->c, &err);
    }
    if (gfd_output_commit(out, &err) < 0)
        cli_die(&o->c, &err);
}

static void read_modes(opts *o, gfd_cloud *modes)
{
    o->setup.modes = cli_read_modes(&o->c, o->modes, o->dataset, modes);
}

/* Every row of the table: values[k * nc + c] is column c for sample set k. */
static double *evaluate(const opts *o, gfd_metrics *m, const gfd_cloud *S, const char **names,
                        size_t ns, size_t nc)
{
    gfd_err err;
    double *values = calloc(ns * nc + 1, sizeof *values);
    if (!values)
        cli_die(&o->c, &(gfd_err){GFD_ENOMEM, "out of memory for the table"});
    for (size_t k = 0; k < ns; k++)
        if (gfd_metrics_eval(m, &S[k], values + k * nc, &err) < 0) {
            gfd_err_prefix(&err, "%s", names[k]);
            cli_die(&o->c, &err);
        }
    return values;
}

/* The sample sets' common size when it is the reference's, else 0 (the default list). */
static size_t same_size(const gfd_cloud *S, size_t ns, size_t m)
{
    for (size_t k = 0; k < ns; k++)
        if (S[k].n != m)
            return 0;
    return m;
}

int main(int argc, char **argv)
{
    opts o;
    parse(argc, argv, &o);
    size_t ns = argc > optind ? (size_t)(argc - optind) : 1;
    const char **names = calloc(ns, sizeof *names), *cols[GFD_METRIC_MAX_COLUMNS];
    gfd_cloud R, modes = {0}, *S = calloc(ns, sizeof *S);
    gfd_err err;
    if (!names || !S)
        cli_die(&o.c, &(gfd_err){GFD_ENOMEM, "out of memory for the sample sets"});
    read_modes(&o, &modes);
    read_points(&o, o.reference, &R);
    if (o.ref_weights)
        R.w = cli_read_weights(&o.c, o.ref_weights, R.n, "reference");
    for (size_t k = 0; k < ns; k++) {
        names[k] = argc > optind ? argv[optind + (int)k] : "-";
        read_points(&o, names[k], &S[k]);
        names[k] = strcmp(names[k], "-") ? names[k] : "stdin";
    }
    if (o.weights)
        S[0].w = cli_read_weights(&o.c, o.weights, S[0].n, "samples");
    o.setup.same_size = same_size(S, ns, R.n);
    cli_progress progress;
    cli_progress_init(&progress, &o.c, "sinkhorn");
    o.setup.progress = cli_progress_iter, o.setup.progress_ctx = &progress;
    gfd_metrics *m = gfd_metrics_new(o.metrics, &o.setup, &R, &err);
    cli_progress_end(&progress);
    if (!m)
        cli_die(&o.c, &err);
    char report[1024];
    cli_info(&o.c, "reference %s: %zu points in %zu dimensions", o.reference, R.n, R.d);
    gfd_metrics_report(m, report, sizeof report);
    cli_report(&o.c, report);
    size_t nc = gfd_metrics_columns(m, cols);
    double *values = evaluate(&o, m, S, names, ns, nc);
    cli_progress_end(&progress);
    char *table = gfd_metric_table_format(o.table, cols, nc, names, ns, values, &err);
    if (!table)
        cli_die(&o.c, &err);
    write_table(&o, table);
    for (size_t k = 0; k < ns; k++)
        gfd_cloud_free(&S[k]);
    gfd_metrics_free(m);
    gfd_cloud_free(&R), gfd_cloud_free(&modes);
    free(S), free(names), free(values), free(table);
    cli_exit(&o.c);
}
