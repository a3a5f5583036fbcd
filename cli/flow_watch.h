/* What gfd-flow writes while a flow runs (the observer of lib/flow.h): trajectory frames,
 * --log rows with --metrics computed against Y, and the progress bar. */
#ifndef GFD_CLI_FLOW_WATCH_H
#define GFD_CLI_FLOW_WATCH_H

#include <stdio.h>
#include <time.h>

#include "checkpoint.h"
#include "cli.h"

typedef struct {
    const char *trajectory, *log;   /* files, or NULL */
    const char *metrics;            /* --metrics LIST for the log, or NULL */
    const char *modes, *dataset;    /* centres for coverage: a file, a built-in name */
    int every, steps, progress;
    const gfd_geometry *geometry;   /* the flow's: the metrics are its (geodesic on the sphere) */
    const char *checkpoint;         /* --checkpoint FILE, or NULL */
    cli_checkpoint run;             /* what a checkpoint records of the run (steps, seed, field) */
} cli_watch_opts;

typedef struct {
    const cli_common *c;
    const cli_watch_opts *w;
    const gfd_cloud *Y;
    gfd_writer *traj;
    FILE *log;
    gfd_metrics *metrics;           /* prepared against Y once, or NULL */
    const char **names;             /* its columns */
    gfd_cloud modes;
    double *values;
    struct timespec start, last_bar;
} cli_watch;

/* Opens the trajectory (format from its name, else input_fmt) and the log, writing the
 * log's header; the metrics are prepared against Y once. Dies on failure. */
void cli_watch_open(cli_watch *ob, const cli_common *c, const cli_watch_opts *w,
                    const gfd_cloud *Y, gfd_format input_fmt);
/* The gfd_flow observer: ctx is a cli_watch. */
int cli_watch_step(void *ctx, const gfd_cloud *X, const gfd_flow_state *st, gfd_err *err);
/* Closes the log and commits the trajectory if rc == 0 (else drops it); returns rc, or
 * -1 with err set on a write error. Frees what cli_watch_open took. */
int cli_watch_close(cli_watch *ob, int rc, gfd_err *err);

#endif
