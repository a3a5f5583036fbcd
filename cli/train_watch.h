/* What gfd-train writes while it trains: the --log rows (every step; the metrics of gfd-eval
 * against the held-out rows every --eval-every steps), checkpoints every --every steps,
 * and the progress bar. */
#ifndef GFD_CLI_TRAIN_WATCH_H
#define GFD_CLI_TRAIN_WATCH_H

#include <stdio.h>
#include <time.h>

#include "cli.h"

typedef struct {
    const char *log;               /* --log FILE, or NULL */
    const char *metrics;           /* --eval-metrics LIST, or NULL for w2,sw2,mmd(,coverage) */
    const char *modes, *dataset;   /* centres for coverage */
    long eval_every;               /* 0: no metrics */
    const char *checkpoint;        /* --checkpoint FILE, or NULL */
    long every;                    /* checkpoint period */
    uint64_t options_hash;         /* what a checkpoint is resumed against */
    int progress;
    long steps;
    const gfd_geometry *geometry;
} cli_train_watch_opts;

typedef struct {
    const cli_common *c;
    const cli_train_watch_opts *w;
    gfd_net *net;
    gfd_trainer *trainer;
    FILE *log;
    gfd_metrics *metrics;          /* against the held-out rows */
    gfd_cloud modes, sample;       /* sample: generated from the fixed evaluation noise */
    double *Z, *values;
    size_t ncol;
    struct timespec start, last_bar;
} cli_train_watch;

/* Rows of Y (in their order) split at random into the held-out `eval` (n rows, from the
 * stream of seed; unweighted, as the metrics take them) and the rest `train` (with Y's
 * weights). Dies when n leaves fewer than 2 rows to train on. */
void cli_holdout(const cli_common *c, const gfd_cloud *Y, size_t n, gfd_cloud *train,
                 gfd_cloud *eval);
/* Opens the log (on a resumed run, keeping the rows of the log file up to the checkpoint's
 * step)
 * and prepares the metrics against `eval` (NULL: none). Dies on failure. */
void cli_train_watch_open(cli_train_watch *tw, const cli_common *c, const cli_train_watch_opts *w,
                          gfd_net *net, gfd_trainer *t, const gfd_cloud *eval);
/* After each step: the log row, the metrics when due, the checkpoint when due, the bar. */
int cli_train_watch_step(cli_train_watch *tw, const gfd_train_report *rep, gfd_err *err);
/* Writes a checkpoint of the net and the trainer's state now. */
int cli_train_checkpoint(const cli_train_watch *tw, gfd_err *err);
/* Closes the log; returns rc, or -1 with err set on a write error. */
int cli_train_watch_close(cli_train_watch *tw, int rc, gfd_err *err);

#endif
