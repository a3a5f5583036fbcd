/* gfd-flow's checkpoints: the particles after a step, with what a resumed run needs to
 * continue with the same bytes: the step number, the run's length, its flow time, seed and
 * field. The random streams of every field and of the step noise are functions of (seed,
 * step, particle), so nothing else is carried. */
#ifndef GFD_CLI_CHECKPOINT_H
#define GFD_CLI_CHECKPOINT_H

#include "cli.h"

typedef struct {
    int step, steps;     /* steps done, of the run's T */
    double time;         /* the flow time after them */
    uint64_t seed;
    char field[512];     /* -f's (or --mix-schedule's) text */
} cli_checkpoint;

/* Writes X and ck to path atomically: a CSV file whose first line is
 * "# gfd-flow checkpoint step=K steps=T time=TIME seed=S field=SPEC", then the rows in the
 * shortest text that reads back exactly. */
int cli_checkpoint_write(const char *path, const gfd_cloud *X, const cli_checkpoint *ck,
                         gfd_err *err);
/* Reads a checkpoint's header line into ck (its particles are a CSV file's rows: read them
 * as any input); dies naming the file and the problem. */
void cli_checkpoint_header(const cli_common *c, const char *path, cli_checkpoint *ck);

#endif
