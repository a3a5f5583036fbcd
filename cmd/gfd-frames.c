/* gfd-frames: the frames of a trajectory (gfd-flow --trajectory, or any .npy records back
 * to back or CSV blocks after two blank lines): list them, extract one, or stack them
 * into one (F, N, d) array for numpy.load. Options and files only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cli/cli.h"

#define USAGE "gfd-frames (list | extract (-k K | --step S) | stack) [options] [TRAJ]"

static const char HELP[] =
    "Usage: " USAGE "\n"
    "Reads the trajectory TRAJ (standard input by default) frame by frame.\n"
    "  list                    one line per frame: frame,step,n,d (step: as gfd-flow noted\n"
    "                          it, -1 when the file does not say)\n"
    "  extract                 one frame, as a point cloud:\n"
    "    -k, --frame K         the K-th frame, from 0 (negative: from the end, -1 the last)\n"
    "        --step S          the frame of step S\n"
    "  stack                   every frame (all N x d) as one .npy array of shape (F, N, d)\n"
    "\n"
    "  -o, --output FILE       output (.csv or .npy, optionally .gz), atomically; stack\n"
    "                          writes .npy only\n"
    "  -F, --format FMT        csv|npy|npy:f4 for extract, when -o does not say (default:\n"
    "                          the trajectory's)\n"
    "  -z, --gzip              gzip the output\n"
    "  -q, --quiet             no messages but errors\n"
    "  -h, --help              this help\n"
    "      --no-sync           no fsync of outputs before they replace a file\n"
    "      --version           version\n";

static void help(void) { fputs(HELP, stdout); }

enum { OPT_STEP = 0x4000 };
enum { LIST, EXTRACT, STACK };

typedef struct {
    cli_common c;
    int cmd, by_step;
    long frame, step;
    const char *input;
} opts;

static int command(const cli_common *c, const char *word)
{
    static const char *const names[] = {"list", "extract", "stack"};
    for (int k = 0; k < 3; k++)
        if (!strcmp(word, names[k]))
            return k;
    cli_usage_error(c, "unknown command '%s' (list, extract or stack)", word);
}

static void parse(int argc, char **argv, opts *o)
{
    static const struct option longs[] = {
        {"frame", required_argument, 0, 'k'}, {"step", required_argument, 0, OPT_STEP},
        CLI_COMMON_LONG, {0, 0, 0, 0}};
    *o = (opts){.frame = 0};
    cli_init(&o->c, "gfd-frames", USAGE, argv);
    int opt, chosen = 0;
    while ((opt = cli_getopt(&o->c, argc, argv, "k:" CLI_COMMON_SHORT, longs)) != -1) {
        if (cli_common_option(&o->c, opt, optarg, help))
            continue;
        switch (opt) {
        case 'k': o->frame = cli_long(&o->c, "-k", optarg, -1000000000, 1000000000); chosen++; break;
        case OPT_STEP: o->step = cli_long(&o->c, "--step", optarg, 0, 1000000000); o->by_step = 1;
                       chosen++; break;
        default: cli_usage_error(&o->c, "unexpected option");
        }
    }
    if (optind >= argc)
        cli_usage_error(&o->c, "a command is required: list, extract or stack");
    o->cmd = command(&o->c, argv[optind++]);
    if (argc - optind > 1)
        cli_usage_error(&o->c, "one trajectory expected, got %d", argc - optind);
    o->input = optind < argc ? argv[optind] : NULL;
    if (o->cmd == EXTRACT && chosen != 1)
        cli_usage_error(&o->c, "extract takes one of -k K and --step S");
    if (o->cmd != EXTRACT && chosen)
        cli_usage_error(&o->c, "-k and --step are for extract");
    cli_apply(&o->c);
}

/* Every frame of the trajectory, and their steps (grows as they come). */
typedef struct {
    gfd_cloud *f;
    long *step;
    size_t n, cap;
    gfd_format fmt;
    const char *name;
} frames;

static void read_all(const opts *o, frames *fs)
{
    gfd_err err;
    gfd_reader *r = gfd_reader_open(o->input, &err);
    if (!r)
        cli_die(&o->c, &err);
    fs->fmt = gfd_reader_format(r);
    gfd_cloud c;
    int rc;
    while ((rc = gfd_reader_next(r, &c, &err)) > 0) {
        if (fs->n == fs->cap) {
            fs->cap = fs->cap ? 2 * fs->cap : 16;
            gfd_cloud *f = realloc(fs->f, fs->cap * sizeof *f);
            long *s = realloc(fs->step, fs->cap * sizeof *s);
            if (!f || !s)
                cli_die(&o->c, &(gfd_err){GFD_ENOMEM, "out of memory for the frames"});
            fs->f = f, fs->step = s;
        }
        fs->step[fs->n] = gfd_reader_step(r);
        fs->f[fs->n++] = c;
    }
    if (rc < 0)
        cli_die(&o->c, &err);
    if (fs->n == 0) {
        gfd_fail(&err, GFD_EDATA, "%s: no frames", gfd_reader_name(r));
        cli_die(&o->c, &err);
    }
    gfd_reader_close(r);
}

/* The frame extract asks for. */
static size_t chosen_frame(const opts *o, const frames *fs)
{
    gfd_err err;
    const char *name = o->input ? o->input : "stdin";
    for (size_t k = 0; o->by_step && k < fs->n; k++)
        if (fs->step[k] == o->step)
            return k;
    if (o->by_step)
        gfd_fail(&err, GFD_EDATA, "%s: no frame of step %ld (gfd-frames list shows them)", name,
                 o->step);
    long k = o->frame < 0 ? (long)fs->n + o->frame : o->frame;
    if (!o->by_step && k >= 0 && (size_t)k < fs->n)
        return (size_t)k;
    if (!o->by_step)
        gfd_fail(&err, GFD_EDATA, "%s: frame %ld of %zu (frames count from 0)", name, o->frame, fs->n);
    cli_die(&o->c, &err);
}

int main(int argc, char **argv)
{
    opts o;
    parse(argc, argv, &o);
    if (o.cmd == STACK && o.c.out && gfd_format_from_name(o.c.out, NULL) != GFD_FMT_NPY)
        cli_usage_error(&o.c, "stack writes one .npy array: name the output NAME.npy[.gz]");
    frames fs = {0};
    read_all(&o, &fs);
    gfd_err err;
    if (o.cmd == LIST) {
        printf("frame,step,n,d\n");
        for (size_t k = 0; k < fs.n; k++)
            printf("%zu,%ld,%zu,%zu\n", k, fs.step[k], fs.f[k].n, fs.f[k].d);
    } else if (o.cmd == EXTRACT) {
        cli_write(&o.c, fs.fmt, &fs.f[chosen_frame(&o, &fs)]);
    } else if (gfd_write_stack(o.c.out, fs.f, fs.n, &err) < 0) {
        cli_die(&o.c, &err);
    }
    for (size_t k = 0; k < fs.n; k++)
        gfd_cloud_free(&fs.f[k]);
    free(fs.f), free(fs.step);
    cli_exit(&o.c);
}
