/* gfd-train: trains a one-step generator along a field (lib/train/), with its log,
 * held-out metrics, checkpoints and progress (cli/train_watch.c). Options and files only. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../cli/field_opts.h"
#include "../cli/train_watch.h"

#define USAGE "gfd-train -t Y -f FIELD [options] -o MODEL"

static const char HELP_HEAD[] =
    "Usage: " USAGE "\n"
    "Trains a generator x = f(z) so that each batch of its outputs moves along the field\n"
    "toward fresh data: loss = mean |f(z) - stopgrad(f(z) + eta V(f(z)))|^2, Adam steps.\n"
    "Writes the model (man gfd-train, MODEL FILE) for gfd-generate.\n"
    "\n"
    "Network:\n"
    "      --net KIND          mlp (default) or resmlp (arXiv:2603.12366's residual MLP)\n"
    "      --hidden W,W,...    mlp: hidden widths, SiLU between (default 256,256,256)\n"
    "      --width H           resmlp: width (default 256; blocks widen to 2H inside)\n"
    "      --blocks K          resmlp: residual blocks (default 6)\n"
    "      --res-scale S       resmlp: x + S g(x) (default 1)\n"
    "      --zdim Z            noise dimension (default 32)\n"
    "      --out-std S         output layer weights N(0, S^2), bias 0: a collapsed start\n"
    "                          (default 0: PyTorch's uniform init)\n"
    "Training:\n"
    "  -T, --steps N           steps (default 1000)\n"
    "      --gen-batch G       generated samples per step (default 2048)\n"
    "      --data-batch D      fresh data rows per step (default 2048)\n"
    "  -e, --eta ETA           target f(z) + ETA V (default 1 for displacement fields,\n"
    "                          0.5 h^2 for score fields: a flow's first step)\n"
    "      --optimizer OPT     adam (default) or adamw\n"
    "      --lr RATE           learning rate (default 1e-3)\n"
    "      --betas B1,B2       Adam's betas (default 0.9,0.999)\n"
    "      --wd W              weight decay (default 0 for adam, 0.01 for adamw)\n"
    "      --lr-schedule S     constant (default), cosine or linear, to --min-lr at the end\n"
    "      --min-lr RATE       (default 0)\n"
    "Logs and checkpoints:\n"
    "      --log FILE          CSV, a row per step: step,time,loss,v_rms,lr[,metrics]\n"
    "      --eval-every K      every K steps the metrics of generated samples against\n"
    "                          held-out data (default 0: none)\n"
    "      --holdout N         rows of Y held out for them (default min(1000, M/5))\n"
    "      --eval-metrics LIST gfd-eval metrics (default w2,sw2,mmd and coverage with modes)\n"
    "      --modes FILE        mixture centres for coverage\n"
    "      --dataset NAME      built-in mixture whose centres coverage uses\n"
    "      --checkpoint FILE   model and optimizer state, every --every steps and at the end\n"
    "      --every K           (default 100)\n"
    "      --resume            continue from --checkpoint: the same bytes as one run\n"
    "      --no-progress       no progress line (it shows only when stderr is a terminal)\n"
    "\n";

static const char HELP_TAIL[] =
    "Other options:\n"
    "  -o, --output FILE       the model (required; written atomically)\n"
    "  -s, --seed SEED         seed of the weights, noise and batches (default 0)\n"
    "  -j, --threads N         threads (default: all cores); results do not depend on it\n"
    "  -v, --verbose           print the network, the batches and the field's reports\n"
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

enum { OPT_NET = 0x4000, OPT_HIDDEN, OPT_WIDTH, OPT_BLOCKS, OPT_RES_SCALE, OPT_ZDIM, OPT_OUT_STD,
       OPT_GEN_BATCH, OPT_DATA_BATCH, OPT_OPTIMIZER, OPT_LR, OPT_BETAS, OPT_WD, OPT_SCHEDULE,
       OPT_MIN_LR, OPT_LOG, OPT_EVAL_EVERY, OPT_HOLDOUT, OPT_METRICS, OPT_MODES, OPT_DATASET,
       OPT_CHECKPOINT, OPT_EVERY, OPT_RESUME, OPT_NO_PROGRESS };

typedef struct {
    cli_common c;
    cli_field f;
    gfd_net_arch arch;
    gfd_train_opts t;
    cli_train_watch_opts w;
    double out_std;
    long holdout;       /* -1: the default */
    int eta_given, wd_given, resume, out_given;
} opts;

/* "W,W,..." into the MLP's hidden widths. */
static void parse_hidden(opts *o, const char *arg)
{
    char *end;
    const char *p = arg;
    o->arch.nhidden = 0;
    while (*p) {
        long w = strtol(p, &end, 10);
        if (end == p || w < 1 || w > GFD_NET_MAX_WIDTH || (*end && *end != ',') ||
            o->arch.nhidden == GFD_NET_MAX_HIDDEN)
            cli_usage_error(&o->c, "--hidden: '%s' is not up to %d widths in [1, %d]", arg,
                            GFD_NET_MAX_HIDDEN, GFD_NET_MAX_WIDTH);
        o->arch.hidden[o->arch.nhidden++] = (int)w;
        p = *end ? end + 1 : end;
    }
}

static void parse_betas(opts *o, const char *arg)
{
    char b1[64], b2[64];
    if (sscanf(arg, "%63[^,],%63s", b1, b2) != 2)
        cli_usage_error(&o->c, "--betas: '%s' is not B1,B2", arg);
    o->t.beta1 = cli_double(&o->c, "--betas", b1, 0, 0.999999);
    o->t.beta2 = cli_double(&o->c, "--betas", b2, 0, 0.999999);
}

static int choice(const opts *o, const char *opt, const char *arg, const char *const *words)
{
    for (int i = 0; words[i]; i++)
        if (!strcmp(arg, words[i]))
            return i;
    cli_usage_error(&o->c, "%s: unknown value '%s'", opt, arg);
}

static int net_option(opts *o, int opt, const char *arg)
{
    const cli_common *c = &o->c;
    switch (opt) {
    case OPT_NET:
        o->arch.kind = choice(o, "--net", arg, (const char *[]){"mlp", "resmlp", NULL}) ? GFD_NET_RESMLP
                                                                                     : GFD_NET_MLP;
        return 1;
    case OPT_HIDDEN: parse_hidden(o, arg); return 1;
    case OPT_WIDTH: o->arch.width = (int)cli_long(c, "--width", arg, 1, GFD_NET_MAX_WIDTH / 2); return 1;
    case OPT_BLOCKS: o->arch.blocks = (int)cli_long(c, "--blocks", arg, 0, GFD_NET_MAX_BLOCKS); return 1;
    case OPT_RES_SCALE: o->arch.res_scale = cli_double(c, "--res-scale", arg, -1e6, 1e6); return 1;
    case OPT_ZDIM: o->arch.zdim = (int)cli_long(c, "--zdim", arg, 1, GFD_NET_MAX_WIDTH); return 1;
    case OPT_OUT_STD: o->out_std = cli_double(c, "--out-std", arg, 0, 1e6); return 1;
    }
    return 0;
}

static int train_option(opts *o, int opt, const char *arg)
{
    const cli_common *c = &o->c;
    gfd_train_opts *t = &o->t;
    switch (opt) {
    case 'T': t->steps = cli_long(c, "-T", arg, 1, 1000000000); return 1;
    case OPT_GEN_BATCH: t->gen_batch = (size_t)cli_long(c, "--gen-batch", arg, 2, 100000000); return 1;
    case OPT_DATA_BATCH: t->data_batch = (size_t)cli_long(c, "--data-batch", arg, 1, 100000000); return 1;
    case 'e': t->eta = cli_double(c, "-e", arg, 1e-300, HUGE_VAL), o->eta_given = 1; return 1;
    case OPT_OPTIMIZER:
        t->optimizer = choice(o, "--optimizer", arg, (const char *[]){"adam", "adamw", NULL})
                           ? GFD_ADAMW : GFD_ADAM;
        return 1;
    case OPT_LR: t->lr = cli_double(c, "--lr", arg, 1e-300, 1e6); return 1;
    case OPT_BETAS: parse_betas(o, arg); return 1;
    case OPT_WD: t->wd = cli_double(c, "--wd", arg, 0, 1e6), o->wd_given = 1; return 1;
    case OPT_SCHEDULE:
        t->schedule = (gfd_lr_schedule)choice(o, "--lr-schedule", arg,
                                              (const char *[]){"constant", "cosine", "linear", NULL});
        return 1;
    case OPT_MIN_LR: t->min_lr = cli_double(c, "--min-lr", arg, 0, 1e6); return 1;
    }
    return 0;
}

static int watch_option(opts *o, int opt, const char *arg)
{
    const cli_common *c = &o->c;
    cli_train_watch_opts *w = &o->w;
    switch (opt) {
    case OPT_LOG: w->log = arg; return 1;
    case OPT_EVAL_EVERY: w->eval_every = cli_long(c, "--eval-every", arg, 0, 1000000000); return 1;
    case OPT_HOLDOUT: o->holdout = cli_long(c, "--holdout", arg, 0, GFD_W2_MAX); return 1;
    case OPT_METRICS: w->metrics = arg; return 1;
    case OPT_MODES: w->modes = arg; return 1;
    case OPT_DATASET: w->dataset = arg; return 1;
    case OPT_CHECKPOINT: w->checkpoint = arg; return 1;
    case OPT_EVERY: w->every = cli_long(c, "--every", arg, 1, 1000000000); return 1;
    case OPT_RESUME: o->resume = 1; return 1;
    case OPT_NO_PROGRESS: w->progress = 0; return 1;
    }
    return 0;
}

static void check(opts *o)
{
    gfd_err err;
    if (!o->f.targets || !o->f.field)
        cli_usage_error(&o->c, "-t Y and -f FIELD are required");
    if (!o->out_given)
        cli_usage_error(&o->c, "-o MODEL is required");
    if (o->f.weights || o->f.step)
        cli_usage_error(&o->c, "--weights and --step do not apply: the particles are the generator's");
    if (o->f.shard)
        cli_usage_error(&o->c, "--shard-targets does not apply: each step draws its data batch "
                        "from every target");
    if (o->w.eval_every && o->holdout >= 0 && o->holdout < 2)
        cli_usage_error(&o->c, "--holdout %ld: the metrics need at least 2 held-out rows", o->holdout);
    if (o->c.fmt || o->c.gz)
        cli_usage_error(&o->c, "-F and -z do not apply: a model has one format");
    if (o->resume && !o->w.checkpoint)
        cli_usage_error(&o->c, "--resume needs --checkpoint FILE");
    if (o->w.metrics && gfd_metric_names_check(o->w.metrics, &err) < 0)
        cli_usage_error(&o->c, "--eval-metrics: %s", err.msg);
    if (o->t.optimizer == GFD_ADAMW && !o->wd_given)
        o->t.wd = 0.01;  /* torch.optim.AdamW's default */
}

static void parse(int argc, char **argv, opts *o)
{
    static const struct option own[] = {
        {"net", required_argument, 0, OPT_NET}, {"hidden", required_argument, 0, OPT_HIDDEN},
        {"width", required_argument, 0, OPT_WIDTH}, {"blocks", required_argument, 0, OPT_BLOCKS},
        {"res-scale", required_argument, 0, OPT_RES_SCALE}, {"zdim", required_argument, 0, OPT_ZDIM},
        {"out-std", required_argument, 0, OPT_OUT_STD}, {"steps", required_argument, 0, 'T'},
        {"gen-batch", required_argument, 0, OPT_GEN_BATCH},
        {"data-batch", required_argument, 0, OPT_DATA_BATCH}, {"eta", required_argument, 0, 'e'},
        {"optimizer", required_argument, 0, OPT_OPTIMIZER}, {"lr", required_argument, 0, OPT_LR},
        {"betas", required_argument, 0, OPT_BETAS}, {"wd", required_argument, 0, OPT_WD},
        {"lr-schedule", required_argument, 0, OPT_SCHEDULE},
        {"min-lr", required_argument, 0, OPT_MIN_LR}, {"log", required_argument, 0, OPT_LOG},
        {"eval-every", required_argument, 0, OPT_EVAL_EVERY},
        {"holdout", required_argument, 0, OPT_HOLDOUT},
        {"eval-metrics", required_argument, 0, OPT_METRICS},
        {"modes", required_argument, 0, OPT_MODES}, {"dataset", required_argument, 0, OPT_DATASET},
        {"checkpoint", required_argument, 0, OPT_CHECKPOINT},
        {"every", required_argument, 0, OPT_EVERY}, {"resume", no_argument, 0, OPT_RESUME},
        {"no-progress", no_argument, 0, OPT_NO_PROGRESS}, CLI_FIELD_LONG, {0, 0, 0, 0}};
    cli_optset set;
    *o = (opts){.arch = {.kind = GFD_NET_MLP, .zdim = 32, .nhidden = 3, .hidden = {256, 256, 256},
                         .width = 256, .blocks = 6, .res_scale = 1},
                .w = {.every = 100, .progress = 1}, .holdout = -1};
    gfd_train_opts_default(&o->t);
    cli_init(&o->c, "gfd-train", USAGE, argv);
    cli_field_init(&o->f);
    cli_optset_init(&set, own, CLI_FIELDS);
    int opt;
    while ((opt = cli_getopt(&o->c, argc, argv, "T:e:" CLI_FIELD_SHORT CLI_COMMON_SHORT,
                             set.longs)) != -1) {
        o->out_given |= opt == 'o';
        if (!cli_common_option(&o->c, opt, optarg, help) && !net_option(o, opt, optarg) &&
            !train_option(o, opt, optarg) && !watch_option(o, opt, optarg) &&
            !cli_field_option(&o->c, &set, &o->f, opt, optarg))
            cli_usage_error(&o->c, "unexpected option");
    }
    if (optind < argc)
        cli_usage_error(&o->c, "no operands expected, got '%s'", argv[optind]);
    check(o);
    o->w.progress = o->w.progress && cli_terminal(&o->c);
    cli_apply(&o->c);
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ ((const unsigned char *)p)[i]) * 0x100000001b3u;
    return h;
}

/* FNV-1a of everything that shapes the run (options, field settings, the data), so that
 * --resume refuses a checkpoint of another run. */
static uint64_t options_hash(const opts *o, const gfd_cloud *Y)
{
    char text[1024];
    const gfd_train_opts *t = &o->t;
    int n = snprintf(text, sizeof text, "%s|%.17g|%zu|%zu|%d|%.17g|%.17g|%.17g|%.17g|%d|%.17g|"
                     "%ld|%.17g|%llu|%d|%.17g", o->f.field, t->eta, t->gen_batch, t->data_batch,
                     (int)t->optimizer, t->lr, t->beta1, t->beta2, t->wd, (int)t->schedule,
                     t->min_lr, t->schedule == GFD_LR_CONSTANT ? 0 : t->steps, t->h,
                     (unsigned long long)t->seed, o->f.sphere, o->out_std);
    uint64_t h = fnv(0xcbf29ce484222325u, text, (size_t)n);
    for (int k = 0; k < o->f.set.n; k++) {
        const gfd_setting *st = &o->f.set.s[k];
        h = fnv(h, st->name, strlen(st->name) + 1);
        h = fnv(h, st->v, (size_t)st->n * sizeof *st->v);
    }
    h = fnv(h, Y->x, Y->n * Y->d * sizeof *Y->x);
    return Y->w ? fnv(h, Y->w, Y->n * sizeof *Y->w) : h;
}

/* -e: the flow's first step for the field's units (MATH §1) unless given. */
static void choose_eta(opts *o)
{
    if (o->eta_given)
        return;
    double h = o->f.h;
    o->t.eta = gfd_field_units(o->f.run) == GFD_UNITS_SCORE && isfinite(h) ? 0.5 * h * h : 1;
}

/* The network: from the checkpoint with --resume (its architecture must be the options'),
 * else new from the seed. */
static gfd_net *make_net(opts *o, gfd_model_state *st)
{
    gfd_err err;
    gfd_net *net;
    if (o->resume) {
        if (!(net = gfd_model_load(o->w.checkpoint, st, &err)))
            cli_die(&o->c, &err);
        if (!gfd_net_arch_equal(gfd_net_get_arch(net), &o->arch) ||
            st->options_hash != o->w.options_hash)
            cli_die(&o->c, &(gfd_err){GFD_EUSAGE, "--resume: the checkpoint was written by a run "
                                                 "with other options or data"});
        return net;
    }
    if (!(net = gfd_net_new(&o->arch, &err)))
        cli_die(&o->c, &err);
    gfd_net_init(net, o->c.seed, o->out_std);
    return net;
}

static void report_setup(const opts *o, const gfd_net *net, size_t m)
{
    char what[256];
    gfd_net_describe(net, what, sizeof what);
    cli_info(&o->c, "network: %s", what);
    cli_info(&o->c, "training: %ld steps of %zu generated and %zu of %zu data rows, eta %.6g, "
             "lr %.6g", o->t.steps, o->t.gen_batch, o->t.data_batch, m, o->t.eta, o->t.lr);
}

static int train(opts *o, gfd_net *net, gfd_trainer *t, const gfd_cloud *eval, gfd_err *err)
{
    cli_train_watch tw;
    cli_train_watch_open(&tw, &o->c, &o->w, net, t, eval);
    int rc = 0;
    gfd_train_report rep;
    while (rc == 0 && gfd_trainer_done(t) < o->t.steps) {
        rc = gfd_trainer_step(t, &rep, err);
        if (rc == 0)
            rc = cli_train_watch_step(&tw, &rep, err);
        if (rc == 0 && rep.step == 1) {
            char report[1024];
            gfd_field_report(o->f.run, report, sizeof report);
            cli_report(&o->c, report);
        }
    }
    return cli_train_watch_close(&tw, rc, err);
}

int main(int argc, char **argv)
{
    opts o;
    parse(argc, argv, &o);
    gfd_cloud Y, Ytrain = {0}, eval = {0};
    gfd_err err;
    cli_field_targets(&o.c, &o.f, &Y);
    o.arch.dout = (int)Y.d, o.arch.sphere = o.f.sphere;
    o.t.seed = o.c.seed, o.t.h = isfinite(o.f.h) ? o.f.h : 0;
    choose_eta(&o);
    if (o.w.eval_every) {
        size_t n = o.holdout >= 0 ? (size_t)o.holdout : Y.n / 5 < 1000 ? Y.n / 5 : 1000;
        cli_holdout(&o.c, &Y, n, &Ytrain, &eval);
    }
    const gfd_cloud *data = o.w.eval_every ? &Ytrain : &Y;
    o.w.steps = o.t.steps, o.w.geometry = o.f.geom, o.w.options_hash = options_hash(&o, data);
    gfd_model_state st = {0};
    gfd_net *net = make_net(&o, &st);
    gfd_trainer *t = gfd_trainer_new(net, o.f.run, data, &o.t, &err);
    if (!t)
        cli_die(&o.c, &err);
    if (o.resume) {
        long *done;
        double *m, *v;
        gfd_trainer_state(t, &done, &m, &v);
        *done = st.done;
        memcpy(m, st.m, gfd_net_nparams(net) * sizeof *m), memcpy(v, st.v, gfd_net_nparams(net) * sizeof *v);
        free(st.m), free(st.v);
        if (st.done > o.t.steps)
            cli_usage_error(&o.c, "--resume: the checkpoint is at step %ld, past -T %ld", st.done,
                            o.t.steps);
        cli_info(&o.c, "resumed at step %ld of %s", st.done, o.w.checkpoint);
    }
    report_setup(&o, net, data->n);
    if (train(&o, net, t, o.w.eval_every ? &eval : NULL, &err) < 0)
        cli_die(&o.c, &err);
    if (gfd_model_save(o.c.out, net, NULL, &err) < 0)
        cli_die(&o.c, &err);
    gfd_trainer_free(t), gfd_net_free(net), cli_field_free(&o.f);
    gfd_cloud_free(&Y), gfd_cloud_free(&Ytrain), gfd_cloud_free(&eval);
    cli_exit(&o.c);
}
