/* gfd-train's observer (train_watch.h): log rows, held-out metrics, checkpoints, the bar. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ranks.h"
#include "train_watch.h"

void cli_holdout(const cli_common *c, const gfd_cloud *Y, size_t n, gfd_cloud *train,
                 gfd_cloud *eval)
{
    gfd_err err;
    if (n + 2 > Y->n)
        cli_usage_error(c, "--holdout %zu leaves fewer than 2 of the %zu data rows to train on",
                        n, Y->n);
    unsigned char *out = calloc(Y->n, 1);
    if (!out || gfd_cloud_alloc(eval, n, Y->d, &err) < 0 ||
        gfd_cloud_alloc(train, Y->n - n, Y->d, &err) < 0)
        cli_die(c, &(gfd_err){GFD_ENOMEM, "out of memory for the held-out rows"});
    gfd_rng r;
    gfd_field_rng(&r, c->seed, 0, GFD_STREAM_HOLDOUT, 0);
    for (size_t k = 0; k < n;) {  /* n distinct rows, by rejection */
        size_t i = (size_t)(gfd_rng_uniform(&r) * (double)Y->n);
        if (!out[i])
            out[i] = 1, k++;
    }
    if (Y->w && !(train->w = malloc(train->n * sizeof *train->w)))
        cli_die(c, &(gfd_err){GFD_ENOMEM, "out of memory for the held-out rows"});
    for (size_t i = 0, a = 0, b = 0; i < Y->n; i++) {
        if (!out[i] && Y->w)
            train->w[b] = Y->w[i];
        memcpy(out[i] ? eval->x + a++ * Y->d : train->x + b++ * Y->d, Y->x + i * Y->d,
               Y->d * sizeof *Y->x);
    }
    free(out);
}

/* The rows of the log FILE up to step `done` (a resumed run keeps them), read before FILE
 * is written again; NULL when there is none. */
static char *old_rows(const char *path, long done)
{
    FILE *old = fopen(path, "r");
    char line[8192], *keep = NULL;
    size_t len = 0;
    FILE *mem = old ? open_memstream(&keep, &len) : NULL;
    if (mem && fgets(line, sizeof line, old))  /* the header: ours is written instead */
        while (fgets(line, sizeof line, old) && atol(line) <= done)
            fputs(line, mem);
    if (mem)
        fclose(mem);
    if (old)
        fclose(old);
    return keep;
}

static void prepare_metrics(cli_train_watch *tw, const gfd_cloud *eval)
{
    gfd_err err;
    const cli_train_watch_opts *w = tw->w;
    const gfd_cloud *modes = cli_read_modes(tw->c, w->modes, w->dataset, &tw->modes);
    const char *names = w->metrics ? w->metrics : modes ? "w2,sw2,mmd,coverage" : "w2,sw2,mmd";
    gfd_metric_setup setup = {.geometry = w->geometry, .bw = {GFD_BW_SCOTT, 0},
                              .seed = tw->c->seed, .modes = modes, .same_size = eval->n};
    if (!(tw->metrics = gfd_metrics_new(names, &setup, eval, &err)))
        cli_die(tw->c, &err);
    int zdim = gfd_net_get_arch(tw->net)->zdim;
    tw->ncol = gfd_metrics_columns(tw->metrics, NULL);
    tw->Z = malloc(eval->n * (size_t)zdim * sizeof *tw->Z);
    tw->values = malloc(tw->ncol * sizeof *tw->values);
    if (!tw->Z || !tw->values || gfd_cloud_alloc(&tw->sample, eval->n, eval->d, &err) < 0)
        cli_die(tw->c, &(gfd_err){GFD_ENOMEM, "out of memory for the evaluation"});
    gfd_net_noise(tw->c->seed, 0, GFD_STREAM_GEN_EVAL, eval->n, zdim, tw->Z);
}

static void write_header(cli_train_watch *tw)
{
    fputs("step,time,loss,v_rms,lr", tw->log);
    const char *names[GFD_METRIC_MAX_COLUMNS];
    if (tw->metrics)
        gfd_metrics_columns(tw->metrics, names);
    for (size_t k = 0; k < tw->ncol; k++)
        fprintf(tw->log, ",%s", names[k]);
    fputc('\n', tw->log);
}

void cli_train_watch_open(cli_train_watch *tw, const cli_common *c, const cli_train_watch_opts *w,
                          gfd_net *net, gfd_trainer *t, const gfd_cloud *eval)
{
    *tw = (cli_train_watch){.c = c, .w = w, .net = net, .trainer = t};
    clock_gettime(CLOCK_MONOTONIC, &tw->start);
    if (eval)
        prepare_metrics(tw, eval);
    if (!w->log)
        return;
    char *keep = gfd_trainer_done(t) ? old_rows(w->log, gfd_trainer_done(t)) : NULL;
    if (!(tw->log = cli_open_log(w->log))) {
        gfd_err err;
        gfd_fail(&err, GFD_EIO, "%s: cannot create", w->log);
        cli_die(c, &err);
    }
    write_header(tw);
    if (keep)
        fputs(keep, tw->log);
    free(keep);
}

static void progress_bar(cli_train_watch *tw, const gfd_train_report *rep)
{
    long steps = tw->w->steps;
    if (rep->step < steps && cli_seconds_since(&tw->last_bar) < 0.1)
        return;
    clock_gettime(CLOCK_MONOTONIC, &tw->last_bar);
    double el = cli_seconds_since(&tw->start);
    fprintf(stderr, "\r%s: step %ld/%ld  loss %.4g  %.1f s  ", tw->c->prog, rep->step, steps,
            rep->loss, el);
    if (rep->step == steps)
        fputc('\n', stderr);
}

static int eval_metrics(cli_train_watch *tw, gfd_err *err)
{
    if (gfd_net_sample(tw->net, tw->Z, tw->sample.n, tw->sample.x, err) < 0 ||
        gfd_metrics_eval(tw->metrics, &tw->sample, tw->values, err) < 0)
        return -1;
    return 0;
}

int cli_train_checkpoint(const cli_train_watch *tw, gfd_err *err)
{
    long *done;
    gfd_model_state st = {.options_hash = tw->w->options_hash};
    gfd_trainer_state(tw->trainer, &done, &st.m, &st.v);
    st.done = *done;
    return gfd_model_save(tw->w->checkpoint, tw->net, &st, err);
}

int cli_train_watch_step(cli_train_watch *tw, const gfd_train_report *rep, gfd_err *err)
{
    const cli_train_watch_opts *w = tw->w;
    int eval = tw->metrics && (rep->step % w->eval_every == 0 || rep->step == w->steps);
    if (eval && eval_metrics(tw, err) < 0)
        return gfd_err_prefix(err, "step %ld", rep->step);
    if (tw->log) {
        fprintf(tw->log, "%ld,%.6f", rep->step, cli_seconds_since(&tw->start));
        const double cols[] = {rep->loss, rep->v_rms, rep->lr};
        for (size_t k = 0; k < sizeof cols / sizeof *cols; k++)
            cli_put_double(tw->log, ",", cols[k]);
        for (size_t k = 0; k < tw->ncol; k++)
            cli_put_double(tw->log, ",", eval ? tw->values[k] : NAN);
        fputc('\n', tw->log);
    }
    if (w->checkpoint && (rep->step % w->every == 0 || rep->step == w->steps)) {
        if (cli_ranks_agree(cli_train_checkpoint(tw, err), err) < 0)  /* MPI: the first rank's */
            return -1;
        if (tw->log)  /* a run killed now resumes with the log up to here */
            fflush(tw->log);
    }
    if (w->progress)
        progress_bar(tw, rep);
    return 0;
}

int cli_train_watch_close(cli_train_watch *tw, int rc, gfd_err *err)
{
    if (tw->log && (ferror(tw->log) | fclose(tw->log)) && rc == 0)
        rc = gfd_fail(err, GFD_EIO, "%s: write error", tw->w->log);
    gfd_metrics_free(tw->metrics);
    gfd_cloud_free(&tw->modes), gfd_cloud_free(&tw->sample);
    free(tw->Z), free(tw->values);
    return rc;
}
