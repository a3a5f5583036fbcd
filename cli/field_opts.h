/* The options of velocity fields and steps, shared by gfd-velocity, gfd-step and gfd-flow:
 * -t Y, -f FIELD, weights files, every parameter of lib/field.h as a long option, and the
 * step options -e, --max-move, --noise. Parsing, reading the targets, the bandwidth, and
 * the -v report live here once; programs append the macros to their getopt tables. */
#ifndef GFD_CLI_FIELD_OPTS_H
#define GFD_CLI_FIELD_OPTS_H

#include "cli.h"

enum {
    CLI_OPT_RATIO_CLIP = 0x3000, CLI_OPT_MC, CLI_OPT_TEMPS, CLI_OPT_FLOOR, CLI_OPT_KERNEL,
    CLI_OPT_NORMALIZE, CLI_OPT_NO_MASK, CLI_OPT_NO_RMS, CLI_OPT_NO_SCALE, CLI_OPT_NOISE_INJECT,
    CLI_OPT_EPS, CLI_OPT_ITERS, CLI_OPT_TOL, CLI_OPT_NO_CROSS_WEIGHT, CLI_OPT_PROJECTIONS,
    CLI_OPT_EXCLUDE_SELF, CLI_OPT_STEP, CLI_OPT_WEIGHTS, CLI_OPT_TARGET_WEIGHTS,
    CLI_OPT_LIST_FIELDS, CLI_OPT_MAX_MOVE, CLI_OPT_NOISE, CLI_OPT_SPHERE, CLI_OPT_PROJECT,
};

#define CLI_FIELD_SHORT "t:f:"
#define CLI_FIELD_LONG                                                                      \
    {"targets", required_argument, 0, 't'}, {"field", required_argument, 0, 'f'},          \
    {"ratio-clip", required_argument, 0, CLI_OPT_RATIO_CLIP},                               \
    {"mc", required_argument, 0, CLI_OPT_MC}, {"temps", required_argument, 0, CLI_OPT_TEMPS}, \
    {"floor", required_argument, 0, CLI_OPT_FLOOR},                                         \
    {"kernel", required_argument, 0, CLI_OPT_KERNEL},                                       \
    {"normalize", required_argument, 0, CLI_OPT_NORMALIZE},                                 \
    {"no-mask", no_argument, 0, CLI_OPT_NO_MASK}, {"no-rms", no_argument, 0, CLI_OPT_NO_RMS}, \
    {"no-scale", no_argument, 0, CLI_OPT_NO_SCALE},                                         \
    {"noise-inject", required_argument, 0, CLI_OPT_NOISE_INJECT},                           \
    {"eps", required_argument, 0, CLI_OPT_EPS}, {"iters", required_argument, 0, CLI_OPT_ITERS}, \
    {"tol", required_argument, 0, CLI_OPT_TOL},                                             \
    {"no-cross-weight", no_argument, 0, CLI_OPT_NO_CROSS_WEIGHT},                           \
    {"projections", required_argument, 0, CLI_OPT_PROJECTIONS},                             \
    {"exclude-self", no_argument, 0, CLI_OPT_EXCLUDE_SELF},                                 \
    {"step", required_argument, 0, CLI_OPT_STEP},                                           \
    {"weights", required_argument, 0, CLI_OPT_WEIGHTS},                                     \
    {"target-weights", required_argument, 0, CLI_OPT_TARGET_WEIGHTS},                       \
    {"list-fields", no_argument, 0, CLI_OPT_LIST_FIELDS},                                   \
    {"sphere", no_argument, 0, CLI_OPT_SPHERE}, {"project", no_argument, 0, CLI_OPT_PROJECT}

#define CLI_STEP_SHORT "e:"
#define CLI_STEP_LONG                                                                       \
    {"eta", required_argument, 0, 'e'}, {"max-move", required_argument, 0, CLI_OPT_MAX_MOVE}, \
    {"noise", required_argument, 0, CLI_OPT_NOISE}

#define CLI_FIELD_HELP                                                                      \
    "  -t, --targets FILE      the target points Y (the data)\n"                           \
    "  -f, --field FIELD       NAME[:PARAM][:WEIGHT],... a weighted mixture of fields:\n"  \
    "                          kl, rkl, chi2, alpha:A, js, kl-smoothed, mmd, drift,\n"     \
    "                          sinkhorn, sinkhorn-proxy, sliced (--list-fields)\n"         \
    "  -b, --bandwidth BW      scott (default), silverman, median or a positive number\n"  \
    "      --weights FILE      one column of weights >= 0 for the particles X\n"           \
    "      --target-weights FILE  the same for the targets Y\n"                            \
    "      --exclude-self      q_h at a particle leaves the particle out\n"                \
    "      --ratio-clip R      r = q_h/p_h clipped to [1/R, R] (1e6)\n"                    \
    "      --mc S              kl-smoothed: Monte Carlo draws per particle (16)\n"         \
    "      --noise-inject B    mmd: evaluate at x + B xi (0)\n"                            \
    "      --temps T,...       drift: temperatures (0.02,0.05,0.2)\n"                      \
    "      --floor F           drift: floor under the softmax product (1e-6)\n"            \
    "      --kernel K          drift: laplace (default) or gauss\n"                        \
    "      --normalize N       drift: both (default) or sep\n"                             \
    "      --no-mask, --no-rms, --no-scale   drift: switch off its parts\n"                \
    "      --eps E             sinkhorn: entropic eps (default h^2)\n"                     \
    "      --iters N           sinkhorn: iterations (50)\n"                                \
    "      --tol T             sinkhorn: stop at this marginal error (0: never)\n"         \
    "      --no-cross-weight   sinkhorn-proxy: T+ - T- without m+ m-\n"                    \
    "      --projections L     sliced: directions per step (64)\n"                         \
    "      --step K            the step whose random streams are used (0)\n"               \
    "      --list-fields       print each field with one line of description\n"         \
    "      --sphere            points on the unit sphere: vMF kernel, tangent v, exp-map\n" \
    "                          steps (all fields but kl-smoothed and sliced; man page)\n" \
    "      --project           with --sphere: normalise the input rows instead of failing\n"

#define CLI_STEP_HELP                                                                       \
    "  -e, --eta ETA           step size (default 0.5 h^2 for score fields, 0.5 for\n"     \
    "                          displacement fields)\n"                                     \
    "      --max-move D        cap |eta v| at D per particle (default 0.5 h; 0: no cap)\n" \
    "      --noise S           add sqrt(eta) S N(0, I) per particle (0)\n"

typedef struct {
    const char *targets, *field;           /* -t, -f (the text) */
    const char *weights, *target_weights;  /* files, or NULL */
    int project;                           /* --project: normalise rows (with --sphere) */
    gfd_field_spec spec;
    gfd_field_opts o;
} cli_field;

typedef struct {
    gfd_step_opts s;
    int eta_given, max_move_given;
} cli_step;

void cli_field_init(cli_field *f);
/* Handles a field option: 1 if opt was one, else 0; exits 2 on a bad value. */
int cli_field_option(const cli_common *c, cli_field *f, int opt, const char *arg);
int cli_step_option(const cli_common *c, cli_step *s, int opt, const char *arg);

/* With --sphere: rows of X (n x d at stride ld) read from `name` must have unit norm (exit 1
 * naming the file and row) or, with --project, are normalised. --project alone exits 2. */
void cli_field_sphere_rows(const cli_common *c, const cli_field *f, double *X, size_t n,
                           size_t d, size_t ld, const char *name);
/* Reads Y (and its weights) and chooses h from it (f->o.h); -v prints it. */
void cli_field_targets(const cli_common *c, cli_field *f, gfd_cloud *Y);
/* Reads the particles (path NULL: stdin) and their weights; their dimension must be Y's. */
void cli_field_particles(const cli_common *c, const cli_field *f, const char *path,
                         const gfd_cloud *Y, gfd_cloud *X, gfd_format *fmt);
/* V (N x d) = the field at X; dies on failure; -v prints the field and its report. */
void cli_field_velocity(const cli_common *c, const cli_field *f, const gfd_cloud *X,
                        const gfd_cloud *Y, double *V);
/* The step in force: the options given over MATH §1's defaults for f's field and bandwidth
 * (with_field 0, when v is read rather than computed: -e is required and there is no cap
 * unless --max-move), with -s and --step for the noise; -v prints eta and the cap. */
void cli_step_resolve(const cli_common *c, cli_step *s, const cli_field *f, int with_field);

#endif
