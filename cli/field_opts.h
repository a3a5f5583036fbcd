/* The options of velocity fields and steps, shared by gfd-velocity, gfd-step and gfd-flow:
 * -t Y, -f FIELD, weights files, --sphere, the field table's own options (cli/tables.c),
 * and the step options -e, --max-move, --noise. Parsing, reading the targets, the run's
 * field and its bandwidth, and the -v report live here once. */
#ifndef GFD_CLI_FIELD_OPTS_H
#define GFD_CLI_FIELD_OPTS_H

#include "tables.h"

enum {
    CLI_OPT_STEP = 0x3000, CLI_OPT_WEIGHTS, CLI_OPT_TARGET_WEIGHTS, CLI_OPT_LIST_FIELDS,
    CLI_OPT_MAX_MOVE, CLI_OPT_NOISE, CLI_OPT_SPHERE, CLI_OPT_PROJECT, CLI_OPT_SHARD_TARGETS,
};

#define CLI_FIELD_SHORT "t:f:"
#define CLI_FIELD_LONG                                                                      \
    {"targets", required_argument, 0, 't'}, {"field", required_argument, 0, 'f'},          \
    {"step", required_argument, 0, CLI_OPT_STEP},                                           \
    {"weights", required_argument, 0, CLI_OPT_WEIGHTS},                                     \
    {"target-weights", required_argument, 0, CLI_OPT_TARGET_WEIGHTS},                       \
    {"list-fields", no_argument, 0, CLI_OPT_LIST_FIELDS},                                   \
    {"sphere", no_argument, 0, CLI_OPT_SPHERE}, {"project", no_argument, 0, CLI_OPT_PROJECT}, \
    {"shard-targets", no_argument, 0, CLI_OPT_SHARD_TARGETS},                               \
    CLI_RTOL_LONG

#define CLI_STEP_SHORT "e:"
#define CLI_STEP_LONG                                                                       \
    {"eta", required_argument, 0, 'e'}, {"max-move", required_argument, 0, CLI_OPT_MAX_MOVE}, \
    {"noise", required_argument, 0, CLI_OPT_NOISE}

#define CLI_STEP_HELP                                                                       \
    "  -e, --eta ETA           step size (default 0.5 h^2 for score fields, 0.5 for\n"     \
    "                          displacement fields)\n"                                     \
    "      --max-move D        cap |eta v| at D per particle (default 0.5 h; 0: no cap)\n" \
    "      --noise S           add sqrt(eta) S N(0, I) per particle (0)\n"

typedef struct {
    const char *targets, *field;           /* -t, -f (the text) */
    const char *weights, *target_weights;  /* files, or NULL */
    int sphere, project;                   /* --sphere, --project (normalise the rows) */
    int shard;                             /* --shard-targets */
    uint64_t step;                         /* --step K: the step whose streams are used */
    gfd_field_spec spec;                   /* -f, parsed when seen */
    gfd_settings set;                      /* the field options given */
    const gfd_geometry *geom;              /* flat, or the sphere */
    gfd_field *run;                        /* made by cli_field_targets */
    double h;                              /* the bandwidth chosen from Y, or NAN */
    gfd_engine engine;                     /* --rtol; its stats point to `stats` */
    gfd_ksum_stats stats;
} cli_field;

typedef struct {
    gfd_step_opts s;
    int eta_given, max_move_given;
} cli_step;

void cli_field_init(cli_field *f);
/* Prints the field section of --help: -t, -f, the fields, every field option. */
void cli_field_help(void);
/* Handles a field option (table options through set, the rest here): 1 if opt was one,
 * else 0; exits 2 on a bad value, 0 after --list-fields. */
int cli_field_option(const cli_common *c, const cli_optset *s, cli_field *f, int opt,
                     const char *arg);
int cli_step_option(const cli_common *c, cli_step *s, int opt, const char *arg);

/* Points of X (n x d at stride ld) read from `name`, made points of the geometry (exit 1
 * naming the file and row; with --project, normalised). */
void cli_field_points(const cli_common *c, const cli_field *f, double *X, size_t n,
                      size_t d, size_t ld, const char *name);
/* Reads Y (and its weights), makes the run's field (f->run) and chooses h from Y when the
 * field uses one (f->h, NAN otherwise); -v prints it; warns of options no term takes.
 * With --shard-targets each rank reads its shard of Y (gfd/ranks.h). */
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
/* Frees the run's field. */
void cli_field_free(cli_field *f);

#endif
