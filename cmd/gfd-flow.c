/* gfd-flow: a whole run of explicit Euler steps of a field (lib/flow.c), with its
 * trajectory, per-step log, metrics on the fly and a progress bar (cli/flow_watch.c).
 * Options and files only. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../cli/field_opts.h"
#include "../cli/flow_watch.h"

#define USAGE "gfd-flow -t Y (-f FIELD | --mix-schedule SPEC) -T STEPS [options] [X]"

static const char HELP_HEAD[] =
    "Usage: " USAGE "\n"
    "Moves the particles X (standard input by default) toward the targets Y for STEPS\n"
    "explicit Euler steps x <- x + eta v(x) of the field, and writes the final particles.\n"
    "\n"
    "  -T, --steps N           number of steps (default 100)\n"
    "      --eta-decay G       eta of step t is eta * G^t (default 1)\n"
    "      --bandwidth-schedule H0:H1  bandwidth annealed geometrically from H0 to H1\n"
    "                          (rule names or numbers; rules are chosen from Y)\n"
    "      --mix-schedule SPEC NAME[:PARAM]:W0:W1,... weights varying linearly over the run\n"
    "      --trajectory FILE   write frames: .npy records back to back, or CSV blocks\n"
    "                          separated by two blank lines (gnuplot's index)\n"
    "      --every K           frames and log rows every K steps (default 10)\n"
    "      --log FILE          CSV: step,time,mean_v,max_v,bandwidth,eta[,metrics]\n"
    "      --metrics LIST      gfd-eval metrics in the log, computed against Y (below)\n"
    "      --modes FILE        mixture centres for the coverage metric\n"
    "      --dataset NAME      built-in mixture whose centres coverage uses\n"
    "      --checkpoint FILE   every K steps (--every), the particles and the step reached\n"
    "                          (CSV, atomically)\n"
    "      --resume FILE       continue the run a checkpoint left (same options): the final\n"
    "                          particles are the bytes of a run never interrupted\n"
    "      --step K            start as if K steps were done: their streams, decay and\n"
    "                          schedules (-T more steps follow)\n"
    "      --keep-partial      on a non-finite particle or a signal, write the last good state\n"
    "                          to -o\n"
    "      --no-progress       no progress bar (it shows only when stderr is a terminal)\n"
    CLI_STEP_HELP
    "\n";

static const char HELP_TAIL[] =
    "Other options:\n"
    "  -s, --seed SEED         seed of noise and random fields (default 0)\n"
    "  -j, --threads N         threads (default: all cores); results do not depend on it\n"
    "  -o, --output FILE       final particles (.csv or .npy, optionally .gz), atomically\n"
    "  -F, --format FMT        csv|npy|npy:f4, when -o does not say (default: the input's)\n"
    "  -z, --gzip              gzip the output\n"
    "  -v, --verbose           print the bandwidth, field, eta and cap on standard error\n"
    "  -q, --quiet             no messages but errors\n"
    "  -h, --help              this help\n"
    "      --no-sync           no fsync of outputs before they replace a file\n"
    "      --version           version\n";

/* -v: the mini-batches in force (MATH §3.10), as the groups will be. */
static void report_batches(const cli_common *c, const gfd_field *f, size_t n, size_t m)
{
    size_t b, bt;
    gfd_field_batch(f, &b, &bt);
    bt = bt ? bt : b;
    b = b && b < n ? b : n, bt = bt && bt < m ? bt : m;
    if (b < n || bt < m)
        cli_info(c, "mini-batches: groups of %zu particles, %zu targets each", b, bt);
}

static void help(void)
{
    fputs(HELP_HEAD, stdout);
    cli_field_help();
    fputs("Metrics of --metrics (sphere: also with --sphere):\n", stdout);
    cli_help_list(stdout, CLI_METRICS);
    fputs("\n", stdout);
    fputs(HELP_TAIL, stdout);
}

enum { OPT_ETA_DECAY = 0x4000, OPT_BW_SCHEDULE, OPT_MIX, OPT_TRAJ, OPT_EVERY, OPT_LOG,
       OPT_METRICS, OPT_MODES, OPT_DATASET, OPT_KEEP, OPT_NO_PROGRESS, OPT_LIST_METRICS,
       OPT_CHECKPOINT, OPT_RESUME };

typedef struct {
    cli_common c;
    cli_field f;
    cli_step s;
    gfd_flow_opts flow;
    cli_watch_opts w;
    const char *input, *bw_schedule, *mix, *resume;
    int keep_partial, steps_given;
} opts;

static int flow_option(opts *o, int opt, const char *arg)
{
    switch (opt) {
    case 'T':
        o->flow.steps = (int)cli_long(&o->c, "-T", arg, 0, 100000000);
        o->steps_given = 1;
        return 1;
    case OPT_CHECKPOINT: o->w.checkpoint = arg; return 1;
    case OPT_RESUME: o->resume = arg; return 1;
    case OPT_ETA_DECAY:
        o->flow.eta_decay = cli_double(&o->c, "--eta-decay", arg, 1e-300, 1);
        o->flow.eta_decay_given = 1;
        return 1;
    case OPT_BW_SCHEDULE: o->bw_schedule = arg; return 1;
    case OPT_MIX: o->mix = arg; return 1;
    case OPT_TRAJ: o->w.trajectory = arg; return 1;
    case OPT_EVERY: o->w.every = (int)cli_long(&o->c, "--every", arg, 1, 100000000); return 1;
    case OPT_LOG: o->w.log = arg; return 1;
    case OPT_METRICS: o->w.metrics = arg; return 1;
    case OPT_MODES: o->w.modes = arg; return 1;
    case OPT_DATASET: o->w.dataset = arg; return 1;
    case OPT_KEEP: o->keep_partial = 1; return 1;
    case OPT_NO_PROGRESS: o->w.progress = 0; return 1;
    case OPT_LIST_METRICS: cli_list(&o->c, CLI_METRICS);
    }
    return 0;
}

/* The two ends of --bandwidth-schedule H0:H1 (or -b at both ends). */
static void parse_bandwidths(opts *o)
{
    gfd_err err;
    gfd_bw_rule rule;
    if (gfd_bw_parse(o->c.bw, &rule, &err) < 0)
        cli_die(&o->c, &err);
    o->flow.bw0 = o->flow.bw1 = rule;
    if (!o->bw_schedule)
        return;
    static char h0[64], h1[64];  /* h0: -b with --shard-targets */
    if (sscanf(o->bw_schedule, "%63[^:]:%63s", h0, h1) != 2)
        cli_usage_error(&o->c, "--bandwidth-schedule: '%s' is not H0:H1", o->bw_schedule);
    if (gfd_bw_parse(h0, &o->flow.bw0, &err) < 0 || gfd_bw_parse(h1, &o->flow.bw1, &err) < 0)
        cli_die(&o->c, &err);
    if (o->f.shard && o->flow.bw1.kind != GFD_BW_FIXED)
        cli_usage_error(&o->c, "--shard-targets: the bandwidth rules need every target: give "
                        "--bandwidth-schedule numbers");
    if (o->f.shard)  /* the targets' reader checks the start */
        o->c.bw = h0;
}

static void parse(int argc, char **argv, opts *o)
{
    static const struct option own[] = {
        {"steps", required_argument, 0, 'T'}, {"eta-decay", required_argument, 0, OPT_ETA_DECAY},
        {"bandwidth-schedule", required_argument, 0, OPT_BW_SCHEDULE},
        {"mix-schedule", required_argument, 0, OPT_MIX},
        {"trajectory", required_argument, 0, OPT_TRAJ}, {"every", required_argument, 0, OPT_EVERY},
        {"log", required_argument, 0, OPT_LOG}, {"metrics", required_argument, 0, OPT_METRICS},
        {"modes", required_argument, 0, OPT_MODES}, {"dataset", required_argument, 0, OPT_DATASET},
        {"keep-partial", no_argument, 0, OPT_KEEP}, {"no-progress", no_argument, 0, OPT_NO_PROGRESS},
        {"list-metrics", no_argument, 0, OPT_LIST_METRICS},
        {"checkpoint", required_argument, 0, OPT_CHECKPOINT}, {"resume", required_argument, 0, OPT_RESUME},
        CLI_STEP_LONG, CLI_FIELD_LONG, {0, 0, 0, 0}};
    cli_optset set;
    *o = (opts){.w = {.every = 10, .progress = 1}};
    cli_init(&o->c, "gfd-flow", USAGE, argv);
    cli_field_init(&o->f);
    cli_optset_init(&set, own, CLI_FIELDS);
    gfd_flow_opts_default(&o->flow, &(gfd_bw_rule){GFD_BW_SCOTT, 0});
    int opt;
    while ((opt = cli_getopt(&o->c, argc, argv, "T:" CLI_STEP_SHORT CLI_FIELD_SHORT CLI_COMMON_SHORT,
                             set.longs)) != -1)
        if (!cli_common_option(&o->c, opt, optarg, help) && !flow_option(o, opt, optarg) &&
            !cli_field_option(&o->c, &set, &o->f, opt, optarg))
            cli_step_option(&o->c, &o->s, opt, optarg);
    parse_bandwidths(o);
    if (argc - optind > 1)
        cli_usage_error(&o->c, "one input file expected, got %d", argc - optind);
    if (o->resume && argc - optind > 0)
        cli_usage_error(&o->c, "--resume reads the particles from the checkpoint: no input file");
    if (o->resume && o->f.step)
        cli_usage_error(&o->c, "--resume and --step both set where the run starts: give one");
    o->input = optind < argc ? argv[optind] : NULL;
    if (!!o->f.field == !!o->mix)
        cli_usage_error(&o->c, "give one of -f FIELD and --mix-schedule SPEC");
    gfd_err err;
    if (o->w.metrics && gfd_metric_names_check(o->w.metrics, &err) < 0)
        cli_usage_error(&o->c, "--metrics: %s", err.msg);
    if (o->w.metrics && !o->w.log)
        cli_usage_error(&o->c, "--metrics needs --log FILE: the metrics are columns of the log");
    if (o->w.metrics && o->f.shard)
        cli_usage_error(&o->c, "--shard-targets: --metrics need every target on every rank");
    o->w.progress = o->w.progress && cli_terminal(&o->c);
    cli_apply(&o->c);
}

/* Where the run starts: --step K (then -T more steps), or --resume's checkpoint, whose run
 * must be this one (same T, seed and field). */
static void set_start(opts *o)
{
    o->flow.start = (int)o->f.step;
    o->flow.steps += o->flow.start;
    if (o->f.step > 100000000)
        cli_usage_error(&o->c, "--step %llu: too large", (unsigned long long)o->f.step);
    o->w.run = (cli_checkpoint){.steps = o->flow.steps, .seed = o->c.seed};
    snprintf(o->w.run.field, sizeof o->w.run.field, "%s", o->f.field);
    if (!o->resume)
        return;
    cli_checkpoint ck;
    cli_checkpoint_header(&o->c, o->resume, &ck);
    if (!o->steps_given)
        o->flow.steps = o->w.run.steps = ck.steps;
    if (ck.steps != o->flow.steps || ck.seed != o->c.seed || strcmp(ck.field, o->f.field))
        cli_usage_error(&o->c, "--resume: %s is of a run with -T %d -s %llu -f %s, not -T %d -s "
                        "%llu -f %s", o->resume, ck.steps, (unsigned long long)ck.seed, ck.field,
                        o->flow.steps, (unsigned long long)o->c.seed, o->f.field);
    o->flow.start = ck.step, o->flow.start_time = ck.time;
}

int main(int argc, char **argv)
{
    opts o;
    parse(argc, argv, &o);
    gfd_cloud Y, X;
    gfd_format fmt = GFD_FMT_NONE;
    gfd_err err;
    if (o.mix && gfd_flow_parse_mix(o.mix, &o.f.spec, &o.flow, &err) < 0)
        cli_die(&o.c, &err);
    if (o.mix)
        o.f.field = o.mix;
    set_start(&o);
    cli_field_targets(&o.c, &o.f, &Y);
    cli_field_particles(&o.c, &o.f, o.resume ? o.resume : o.input, &Y, &X, &fmt);
    o.flow.step = o.s.s;
    o.flow.eta_given = o.s.eta_given;
    o.flow.max_move_given = o.s.max_move_given;
    o.flow.step.seed = o.c.seed;
    o.flow.engine = &o.f.engine;
    o.w.steps = o.flow.steps;
    if (o.resume)
        fmt = GFD_FMT_NONE;  /* the output format follows -o or -F, not the checkpoint's CSV */
    o.w.geometry = o.f.geom;
    gfd_writer *out = cli_open_output(&o.c, fmt);  /* a bad -o fails now, not after the run */
    cli_watch ob;
    cli_watch_open(&ob, &o.c, &o.w, &Y, fmt);
    cli_stop_gracefully();
    gfd_flow_defaults(o.f.run, &o.flow);
    cli_info(&o.c, "flow: %d steps of %s", o.flow.steps, o.f.field);
    if (o.flow.eta_decay != 1)
        cli_info(&o.c, "flow: eta decay %.6g per step (the last step %.3g times the first)",
                 o.flow.eta_decay, pow(o.flow.eta_decay, o.flow.steps - 1));
    report_batches(&o.c, o.f.run, X.n, Y.n);
    int rc = gfd_flow(o.f.run, &o.flow, &X, &Y, cli_watch_step, &ob, &err);
    rc = cli_watch_close(&ob, rc, &err);
    cli_rtol_report(&o.c, &o.f.engine);
    int partial = o.keep_partial && (err.code == GFD_ENUMERIC || err.code == GFD_ESTOPPED);
    if (rc < 0 && !partial)
        gfd_writer_abort(out);  /* -o stays as it was */
    else
        cli_write_to(&o.c, out, &X);
    if (rc < 0 && err.code == GFD_ESTOPPED)
        cli_fail(&o.c, &err, 128 + cli_stop_signal());
    if (rc < 0)
        cli_die(&o.c, &err);
    cli_field_free(&o.f);
    gfd_cloud_free(&X), gfd_cloud_free(&Y);
    cli_exit(&o.c);
}
