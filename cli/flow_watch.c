/* gfd-flow's observer (flow_watch.h): frames, log rows with metrics, progress bar. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "flow_watch.h"
#include "ranks.h"

static void progress_bar(cli_watch *ob, int step)
{
    int steps = ob->w->steps;
    if (step < steps && cli_seconds_since(&ob->last_bar) < 0.1)
        return;
    clock_gettime(CLOCK_MONOTONIC, &ob->last_bar);
    double el = cli_seconds_since(&ob->start), rate = step / (el > 0 ? el : 1e-9);
    int w = 30, fill = steps ? (int)((double)w * step / steps) : w;
    fprintf(stderr, "\r%s: [%.*s%*s] %d/%d  %.1f steps/s  ETA %.0fs ", ob->c->prog, fill,
            "##############################", w - fill, "", step, steps, rate,
            rate > 0 ? (steps - step) / rate : 0);
    if (step == steps)
        fputc('\n', stderr);
}

static int write_log_row(cli_watch *ob, const gfd_cloud *X, const gfd_flow_state *st, gfd_err *err)
{
    fprintf(ob->log, "%d", st->step);
    const double cols[] = {st->time, st->mean_v, st->max_v, st->h, st->eta};
    for (size_t k = 0; k < sizeof cols / sizeof *cols; k++)
        cli_put_double(ob->log, ",", cols[k]);
    if (ob->metrics) {
        if (gfd_metrics_eval(ob->metrics, X, ob->values, err) < 0)
            return -1;
        for (size_t k = 0; k < gfd_metrics_columns(ob->metrics, NULL); k++)
            cli_put_double(ob->log, ",", ob->values[k]);
    }
    fputc('\n', ob->log);
    if (ferror(ob->log))
        return gfd_fail(err, GFD_EIO, "%s: write error", ob->w->log);
    return 0;
}

int cli_watch_step(void *ctx, const gfd_cloud *X, const gfd_flow_state *st, gfd_err *err)
{
    cli_watch *ob = ctx;
    int due = st->step % ob->w->every == 0 || st->step == ob->w->steps;
    if (ob->w->progress)
        progress_bar(ob, st->step);
    char report[1024];
    if (st->step > 1 && due && ob->c->verbose) {  /* -v: what the field says of each row's step */
        gfd_field_report(st->field, report, sizeof report);
        cli_report(ob->c, report);
    }
    if (st->step == 1) {  /* what the field said of its first velocity: -v, and warnings */
        gfd_field_report(st->field, report, sizeof report);
        cli_report(ob->c, report);
        cli_info(ob->c, "step 1: eta %g, max-move %g (the cap on |eta v|%s)", st->eta, st->max_move,
                 st->max_move > 0 ? "" : ": none");
    }
    int rc = due && ob->traj ? gfd_writer_put_frame(ob->traj, X, st->step, err) : 0;
    if (rc == 0 && due && ob->log)
        rc = write_log_row(ob, X, st, err);
    if (rc == 0 && due && ob->w->checkpoint && st->step > 0) {
        cli_checkpoint ck = ob->w->run;
        ck.step = st->step, ck.time = st->time;
        rc = cli_checkpoint_write(ob->w->checkpoint, X, &ck, err);
    }
    if (cli_ranks_agree(rc, err) < 0)  /* MPI: the first rank's write error stops them all */
        return -1;
    int sig = cli_stop_agree();  /* under MPI every rank stops at the same step */
    if (sig)
        return gfd_fail(err, GFD_ESTOPPED, "stopped by %s after step %d of %d",
                        sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "SIGHUP", st->step,
                        ob->w->steps);
    return 0;
}

/* The metrics of --metrics, prepared against Y once (geodesic with --sphere, as
 * gfd-eval --sphere); their names extend the header. */
static void prepare_metrics(cli_watch *ob)
{
    gfd_err err;
    gfd_metric_setup setup = {.geometry = ob->w->geometry, .bw = {GFD_BW_SCOTT, 0},
                              .seed = ob->c->seed,
                              .modes = cli_read_modes(ob->c, ob->w->modes, ob->w->dataset, &ob->modes)};
    if (!(ob->metrics = gfd_metrics_new(ob->w->metrics, &setup, ob->Y, &err)))
        cli_die(ob->c, &err);
    size_t ncol = gfd_metrics_columns(ob->metrics, NULL);
    const char **names = malloc(ncol * sizeof *names);
    ob->values = malloc(ncol * sizeof *ob->values);
    if (!names || !ob->values)
        cli_die(ob->c, &(gfd_err){GFD_ENOMEM, "out of memory for the metrics"});
    gfd_metrics_columns(ob->metrics, names);
    ob->names = names;
}

/* Opens --log, line-buffered so that `tail -f` follows it, and writes its header line;
 * the metrics (and their modes file) are read first, so that an error leaves no log. */
static void open_log(cli_watch *ob)
{
    gfd_err err;
    if (ob->w->metrics)
        prepare_metrics(ob);
    if (!(ob->log = cli_open_log(ob->w->log))) {
        gfd_fail(&err, GFD_EIO, "%s: cannot create: %s", ob->w->log, strerror(errno));
        cli_die(ob->c, &err);
    }
    fputs("step,time,mean_v,max_v,bandwidth,eta", ob->log);
    for (size_t k = 0; ob->metrics && k < gfd_metrics_columns(ob->metrics, NULL); k++)
        fprintf(ob->log, ",%s", ob->names[k]);
    fputc('\n', ob->log);
}

void cli_watch_open(cli_watch *ob, const cli_common *c, const cli_watch_opts *w,
                    const gfd_cloud *Y, gfd_format input_fmt)
{
    *ob = (cli_watch){.c = c, .w = w, .Y = Y};
    clock_gettime(CLOCK_MONOTONIC, &ob->start);
    if (w->trajectory) {
        gfd_err err;
        int gz = 0;
        gfd_format fmt = gfd_format_from_name(w->trajectory, &gz);
        if (!(ob->traj = gfd_writer_open(w->trajectory, fmt ? fmt : input_fmt, gz, &err)))
            cli_die(c, &err);
    }
    if (w->checkpoint) {  /* a path that cannot be written fails now, not at step K */
        gfd_err err;
        gfd_writer *probe = gfd_writer_open(w->checkpoint, GFD_FMT_CSV, 0, &err);
        if (!probe)
            cli_die(c, &err);
        gfd_writer_abort(probe);
    }
    if (w->log)
        open_log(ob);
}

int cli_watch_close(cli_watch *ob, int rc, gfd_err *err)
{
    if (ob->log && fclose(ob->log) != 0 && rc == 0)
        rc = gfd_fail(err, GFD_EIO, "%s: write error", ob->w->log);
    if (ob->traj && rc == 0)
        rc = gfd_writer_commit(ob->traj, err);
    else if (ob->traj)
        gfd_writer_abort(ob->traj);
    gfd_metrics_free(ob->metrics);
    free((void *)ob->names);
    gfd_cloud_free(&ob->modes);
    free(ob->values);
    return rc;
}
