/* Program-side helpers shared by cmd/: the shared options of CLI.md, messages and exit
 * statuses, output selection. Only cmd/ and cli/ print or exit; lib/ never does. */
#ifndef GFD_CLI_H
#define GFD_CLI_H

#include <getopt.h>
#include <stdint.h>
#include <time.h>

#include "gfd.h"

typedef struct {
    const char *prog;       /* "gfd-kde": the prefix of every message */
    const char *usage;      /* the synopsis line(s) of --help */
    const char *out;        /* -o FILE, NULL for stdout */
    gfd_format fmt;         /* -F csv|npy, GFD_FMT_NONE when not given */
    int gz;                 /* -z */
    uint64_t seed;          /* -s SEED (default 0) */
    int threads;            /* -j N, 0 for all cores */
    const char *bw;         /* -b scott|silverman|median|NUMBER */
    int verbose, quiet;     /* -v, -q */
    const char *blas_note;  /* how the OpenBLAS kernel was chosen, for -v */
} cli_common;

/* getopt_long entries and short letters of the shared options; append to a program's own. */
#define CLI_COMMON_SHORT "o:F:zs:j:b:qvh"
#define CLI_OPT_VERSION 0x1000
#define CLI_OPT_NO_SYNC 0x1003
#define CLI_COMMON_LONG                                                              \
    {"output", required_argument, 0, 'o'}, {"format", required_argument, 0, 'F'},   \
    {"gzip", no_argument, 0, 'z'}, {"seed", required_argument, 0, 's'},             \
    {"threads", required_argument, 0, 'j'}, {"bandwidth", required_argument, 0, 'b'}, \
    {"quiet", no_argument, 0, 'q'}, {"verbose", no_argument, 0, 'v'},               \
    {"help", no_argument, 0, 'h'}, {"version", no_argument, 0, CLI_OPT_VERSION},   \
    {"no-sync", no_argument, 0, CLI_OPT_NO_SYNC}

/* Sets up a program; first of all, when OpenBLAS loaded a kernel below the CPU's and the
 * user has not chosen one (OPENBLAS_CORETYPE), starts the program again (argv) with the
 * right one (gfd/blas.h). */
void cli_init(cli_common *c, const char *prog, const char *usage, char **argv);
/* Signals. By default SIGINT, SIGTERM and SIGHUP remove the temporary files of unfinished
 * outputs and end the program as the signal would. After cli_stop_gracefully the first
 * one is only recorded (cli_stop_signal returns it, 0 before) for the program to stop at
 * a clean point; a second ends it at once as above. */
void cli_stop_gracefully(void);
int cli_stop_signal(void);
/* The signal recorded by any rank (the one process's without MPI): every rank calls it at
 * the same point, and from then on cli_stop_signal returns it. */
int cli_stop_agree(void);
/* Handles a shared option: returns 1 if opt was one, 0 if not; exits 2 on a bad value
 * and 0 after --help/--version. `help` prints the full help text on standard output. */
int cli_common_option(cli_common *c, int opt, const char *arg, void (*help)(void));
/* Flushes and closes standard output and exits 0, or 1 naming the write error: the end of
 * every program, --help and --list-* included, so that a full disk is never a success. */
_Noreturn void cli_exit(const cli_common *c);
/* Exit status for an error code: 2 for usage, 1 otherwise (CLI.md). */
int cli_exit_status(enum gfd_code code);
/* getopt_long with one-line errors (exit 2) for unknown options and missing values. */
int cli_getopt(cli_common *c, int argc, char **argv, const char *shorts,
               const struct option *longs);
/* Applies -j (the OpenMP thread count) once options are parsed; with -v, names the
 * OpenBLAS kernel and how it was chosen. */
void cli_apply(const cli_common *c);
/* Warns on standard error (not with -q): "prog: warning: ...". */
void cli_warn(const cli_common *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "prog: message" and the exit status of err's code (cli_exit_status), no temporary file
 * left; cli_fail with a status of the caller's. */
_Noreturn void cli_die(const cli_common *c, const gfd_err *err);
_Noreturn void cli_fail(const cli_common *c, const gfd_err *err, int status);
/* One line: "prog: message (try 'prog --help')", exit 2. */
_Noreturn void cli_usage_error(const cli_common *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void cli_info(const cli_common *c, const char *fmt, ...)  /* stderr, only with -v */
    __attribute__((format(printf, 2, 3)));
/* A library report: lines "warning: ..." through cli_warn, the others through cli_info. */
void cli_report(const cli_common *c, const char *text);

/* --rtol TOL and --precision f64|f32 (gfd-kde and the field programs): the engine's modes. */
#define CLI_OPT_RTOL 0x1001
#define CLI_OPT_PRECISION 0x1002
#define CLI_RTOL_LONG {"rtol", required_argument, 0, CLI_OPT_RTOL}, \
    {"precision", required_argument, 0, CLI_OPT_PRECISION}
#define CLI_RTOL_HELP \
    "      --rtol TOL        certified fast mode for d <= 3: skip kernel pairs whose mass is\n" \
    "                        provably below TOL of a row's (each log p within TOL; 0: exact)\n" \
    "      --precision P     f64 (default) or f32: float32 tiles for d >= 4 (man page)\n"
/* The value of --rtol: from 0 to 0.5. */
double cli_rtol(const cli_common *c, const char *arg);
/* --precision: 1 for f32, 0 for f64. */
int cli_precision_f32(const cli_common *c, const char *arg);
/* With -v: the share of kernel pairs the fast mode computed, and the bound it reached. */
void cli_rtol_report(const cli_common *c, const gfd_engine *e);

/* Progress of a long computation on standard error, only when it is a terminal and not -q:
 * one line rewritten in place at most 4 times a second, erased by cli_progress_end. */
typedef struct {
    const cli_common *c;
    const char *task;   /* "sinkhorn" */
    int on, shown;
    struct timespec last;
} cli_progress;
void cli_progress_init(cli_progress *p, const cli_common *c, const char *task);
/* The callback of gfd_metric_setup.progress (ctx: a cli_progress). */
void cli_progress_iter(void *ctx, const char *what, int iter, double error);
void cli_progress_end(cli_progress *p);

/* Number parsing for option values: exits 2 naming the option on bad text/range. */
double cli_double(const cli_common *c, const char *opt, const char *arg, double lo, double hi);
long cli_long(const cli_common *c, const char *opt, const char *arg, long lo, long hi);

/* Reads one cloud or dies with the library's message. */
void cli_read(const cli_common *c, const char *path, gfd_cloud *out, gfd_format *fmt);
/* The n weights of path (one column, >= 0, not all 0) for the rows of `whose`; dies
 * naming the file and the row otherwise. */
double *cli_read_weights(const cli_common *c, const char *path, size_t n, const char *whose);
/* 0 if w is one column of n weights >= 0 for the rows i * stride + offset of the `whose`
 * (a shard; 1, 0: all), else -1 with err naming path and the row. */
int cli_check_weights(const char *path, const gfd_cloud *w, size_t n, size_t stride,
                      size_t offset, const char *whose, gfd_err *err);
/* The mixture centres of --modes FILE, else of the built-in --dataset NAME, into modes:
 * returns modes, or NULL when neither is given. Dies on failure (a bad name: exit 2). */
const gfd_cloud *cli_read_modes(const cli_common *c, const char *path, const char *dataset,
                                gfd_cloud *modes);
/* Seconds since t0 (CLOCK_MONOTONIC). */
double cli_seconds_since(const struct timespec *t0);
/* Whether progress lines may be drawn: standard error a terminal, no -q, the first rank. */
int cli_terminal(const cli_common *c);
/* A log file for writing, line-buffered (`tail -f` follows it); under MPI the ranks but the
 * first get a stream that writes nowhere. NULL with errno on failure. */
FILE *cli_open_log(const char *path);
/* sep, then x as the shortest text that reads back as x (gfd_format_double), to f. */
void cli_put_double(FILE *f, const char *sep, double x);
/* Output format per CLI.md: from -o's name, else -F, else `input_fmt`, else CSV. */
gfd_writer *cli_open_output(const cli_common *c, gfd_format input_fmt);
/* Opens, writes one cloud, commits; dies (leaving no file) on failure. */
void cli_write(const cli_common *c, gfd_format input_fmt, const gfd_cloud *cloud);
/* The same through a writer cli_open_output gave earlier (a long run opens its output
 * first, so that a bad path fails before any work). */
void cli_write_to(const cli_common *c, gfd_writer *w, const gfd_cloud *cloud);

#endif
