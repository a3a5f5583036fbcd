/* Program-side helpers: shared options, one-line messages, exit statuses, output. */
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "cli.h"
#include "ranks.h"

/* OpenBLAS reads OPENBLAS_CORETYPE once, when it loads: to change its kernel the program
 * starts again with the variable set (a marker variable names the kernel it replaced).
 * Returns how the kernel in use was chosen. */
static const char *blas_choose(char **argv)
{
    static char note[160];
    const char *core = gfd_blas_core(), *replaced = getenv("GFD_BLAS_REPLACED");
    if (replaced) {
        snprintf(note, sizeof note, "chosen by gfd: OpenBLAS picked %s, older than this CPU", replaced);
        unsetenv("GFD_BLAS_REPLACED");
        return note;
    }
    const char *better = gfd_blas_better_core(core);
    if (getenv("OPENBLAS_CORETYPE")) {
        snprintf(note, sizeof note, "chosen by OPENBLAS_CORETYPE%s%s", better ? "; this CPU can run " : "",
                 better ? better : "");
        return note;
    }
    if (!better)
        return "OpenBLAS's choice";
    if (setenv("GFD_BLAS_REPLACED", core, 1) == 0 && setenv("OPENBLAS_CORETYPE", better, 1) == 0)
        execv("/proc/self/exe", argv);
    unsetenv("GFD_BLAS_REPLACED");  /* no restart: go on with the slow kernel, and say so */
    unsetenv("OPENBLAS_CORETYPE");
    snprintf(note, sizeof note, "OpenBLAS's choice, older than this CPU (%s); could not restart with it", better);
    return note;
}

static volatile sig_atomic_t stop_signal, graceful;

static void on_signal(int sig)
{
    if (graceful && !stop_signal) {
        stop_signal = sig;
        return;
    }
    gfd_output_remove_temps();
    signal(sig, SIG_DFL);
    raise(sig);
}

void cli_stop_gracefully(void) { graceful = 1; }

int cli_stop_signal(void) { return stop_signal; }

int cli_stop_agree(void)
{
    int sig = cli_ranks_max(stop_signal);
    if (sig && !stop_signal)
        stop_signal = sig;
    return sig;
}

void cli_init(cli_common *c, const char *prog, const char *usage, char **argv)
{
    const char *blas_note = blas_choose(argv);
    memset(c, 0, sizeof *c);
    c->blas_note = blas_note;
    c->prog = prog;
#ifdef GFD_MPI
    static char name[64];  /* "gfd-flow-mpi" */
    snprintf(name, sizeof name, "%s-mpi", prog);
    c->prog = name;
#endif
    cli_ranks_init();
    c->usage = usage;
    c->bw = "scott";
    signal(SIGPIPE, SIG_DFL);  /* a closed pipe ends the program quietly */
    const int stops[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t k = 0; k < sizeof stops / sizeof *stops; k++) {
        struct sigaction sa = {.sa_handler = on_signal}, old;
        sigemptyset(&sa.sa_mask);
        if (sigaction(stops[k], NULL, &old) == 0 && old.sa_handler != SIG_IGN)  /* nohup's */
            sigaction(stops[k], &sa, NULL);
    }
    setlocale(LC_NUMERIC, "C");
}

int cli_exit_status(enum gfd_code code)
{
    return code == GFD_OK ? 0 : code == GFD_EUSAGE ? 2 : 1;
}

static cli_progress *progress_shown;  /* the progress line on the terminal, or NULL */

/* One message line into line: "prog: ", the rank when this one speaks alone (MPI),
 * KIND, the text with its control characters escaped (\n, \t, \xNN: a file name or
 * header bytes echoed in a message never make it two lines), then tail. */
static void format_line(char *line, size_t cap, const cli_common *c, const char *kind,
                        const char *text, const char *tail)
{
    char rank[64];
    cli_ranks_name(rank, sizeof rank);
    size_t n = (size_t)snprintf(line, cap, "%s: %s%s", c->prog, cli_rank() ? rank : "", kind);
    for (const unsigned char *p = (const unsigned char *)text; *p && n + 8 < cap; p++) {
        if (*p == '\n')
            n += (size_t)snprintf(line + n, cap - n, "\\n");
        else if (*p == '\t')
            n += (size_t)snprintf(line + n, cap - n, "\\t");
        else if (*p < 0x20 || *p == 0x7f)
            n += (size_t)snprintf(line + n, cap - n, "\\x%02x", *p);
        else
            line[n++] = (char)*p, line[n] = '\0';
    }
    snprintf(line + n, cap - n, "%s", tail);
}

/* A message line on standard error (the first rank's only, under MPI). */
static void message(const cli_common *c, const char *kind, const char *tail, const char *fmt,
                    va_list ap)
{
    if (cli_rank() != 0)
        return;
    char msg[1024], line[2048];
    vsnprintf(msg, sizeof msg, fmt, ap);
    format_line(line, sizeof line, c, kind, msg, tail);
    fputs(line, stderr);
}

/* The end after an error: the message, no temporary file left, the status. */
static _Noreturn void fail(const char *line, int status)
{
    if (progress_shown)
        cli_progress_end(progress_shown);
    gfd_output_remove_temps();
    cli_ranks_exit(status, 1, line);
}

_Noreturn void cli_fail(const cli_common *c, const gfd_err *err, int status)
{
    char line[2048];
    format_line(line, sizeof line, c, "", err->msg, "\n");
    fail(line, status);
}

_Noreturn void cli_die(const cli_common *c, const gfd_err *err)
{
    cli_fail(c, err, cli_exit_status(err->code));
}

_Noreturn void cli_exit(const cli_common *c)
{
    if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
        char msg[512], line[2048];
        snprintf(msg, sizeof msg, "stdout: write error: %s", strerror(errno));
        format_line(line, sizeof line, c, "", msg, "\n");
        fail(line, 1);
    }
    cli_ranks_exit(0, 0, NULL);
}

_Noreturn void cli_usage_error(const cli_common *c, const char *fmt, ...)
{
    va_list ap;
    char tail[128], msg[1024], line[2048];
    snprintf(tail, sizeof tail, " (try '%s --help')\n", c->prog);
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    format_line(line, sizeof line, c, "", msg, tail);
    fail(line, 2);
}

void cli_warn(const cli_common *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (!c->quiet)
        message(c, "warning: ", "\n", fmt, ap);
    va_end(ap);
}

void cli_info(const cli_common *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (c->verbose)
        message(c, "", "\n", fmt, ap);
    va_end(ap);
}

void cli_report(const cli_common *c, const char *text)
{
    static const char warning[] = "warning: ";
    for (const char *p = text; *p;) {
        int len = (int)strcspn(p, "\n");
        if (!strncmp(p, warning, sizeof warning - 1))
            cli_warn(c, "%.*s", len - (int)(sizeof warning - 1), p + sizeof warning - 1);
        else
            cli_info(c, "%.*s", len, p);
        p += len + (p[len] == '\n');
    }
}

double cli_double(const cli_common *c, const char *opt, const char *arg, double lo, double hi)
{
    char *end;
    errno = 0;
    double v = strtod(arg, &end);
    if (end == arg || *end || errno || !isfinite(v))
        cli_usage_error(c, "%s: '%s' is not a number", opt, arg);
    if (v < lo || v > hi)
        cli_usage_error(c, "%s: %s is out of range [%g, %g]", opt, arg, lo, hi);
    return v;
}

long cli_long(const cli_common *c, const char *opt, const char *arg, long lo, long hi)
{
    char *end;
    errno = 0;
    long v = strtol(arg, &end, 10);
    if (end == arg || *end || errno)
        cli_usage_error(c, "%s: '%s' is not a whole number", opt, arg);
    if (v < lo || v > hi)
        cli_usage_error(c, "%s: %s is out of range [%ld, %ld]", opt, arg, lo, hi);
    return v;
}

static gfd_format parse_format(const cli_common *c, const char *arg)
{
    if (!strcmp(arg, "csv"))
        return GFD_FMT_CSV;
    if (!strcmp(arg, "npy") || !strcmp(arg, "npy:f8"))
        return GFD_FMT_NPY;
    if (!strcmp(arg, "npy:f4"))
        return GFD_FMT_NPY_F4;
    cli_usage_error(c, "-F: unknown format '%s' (csv, npy, npy:f8 or npy:f4)", arg);
}

static uint64_t parse_seed(const cli_common *c, const char *arg)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(arg, &end, 10);
    if (end == arg || *end || errno || *arg == '-')
        cli_usage_error(c, "-s: '%s' is not a seed (a whole number from 0 to 2^64-1)", arg);
    return v;
}

int cli_common_option(cli_common *c, int opt, const char *arg, void (*help)(void))
{
    switch (opt) {
    case 'o':
        if (!*arg)
            cli_usage_error(c, "-o: an empty file name");
        c->out = strcmp(arg, "-") ? arg : NULL;
        return 1;
    case 'F': c->fmt = parse_format(c, arg); return 1;
    case 'z': c->gz = 1; return 1;
    case 's': c->seed = parse_seed(c, arg); return 1;
    case 'j': c->threads = (int)cli_long(c, "-j", arg, 1, 4096); return 1;
    case 'b': c->bw = arg; return 1;
    case 'q': c->quiet = 1; c->verbose = 0; return 1;
    case 'v': c->verbose = 1; c->quiet = 0; return 1;
    case 'h': help(); cli_exit(c);
    case CLI_OPT_NO_SYNC: gfd_output_set_sync(0); return 1;
    case CLI_OPT_VERSION: printf("%s (gfd) %s\n", c->prog, gfd_version_string()); cli_exit(c);
    default: return 0;
    }
}

int cli_getopt(cli_common *c, int argc, char **argv, const char *shorts,
               const struct option *longs)
{
    char spec[128];
    snprintf(spec, sizeof spec, ":%s", shorts);  /* ':' first: we word the errors */
    opterr = 0;
    int opt = getopt_long(argc, argv, spec, longs, NULL);
    const char *word = argv[optind - 1];
    if (opt == '?' && optopt)
        cli_usage_error(c, "unknown option '-%c'", optopt);
    if (opt == '?')
        cli_usage_error(c, "unknown option '%s'", word);
    if (opt == ':')
        cli_usage_error(c, "option '%s' needs a value", optopt ? (char[]){'-', (char)optopt, 0} : word);
    return opt;
}

void cli_apply(const cli_common *c)
{
#ifdef _OPENMP
    if (c->threads > 0)
        omp_set_num_threads(c->threads);
#endif
    cli_info(c, "OpenBLAS kernel %s (%s)", gfd_blas_core(), c->blas_note);
}

int cli_check_weights(const char *path, const gfd_cloud *w, size_t n, size_t stride,
                      size_t offset, const char *whose, gfd_err *err)
{
    if ((w->d != 1 || w->n != n) && stride == 1)
        return gfd_fail(err, GFD_EDATA, "%s: %zu rows of %zu columns, expected one column of "
                        "%zu weights for the %s", path, w->n, w->d, n, whose);
    if (w->d != 1 || w->n != n)
        return gfd_fail(err, GFD_EDATA, "%s: %zu columns%s, expected one column with a row "
                        "for each of the %s", path, w->d, w->n != n ? " and another row count" : "", whose);
    for (size_t i = 0; i < n; i++)
        if (w->x[i] < 0)
            return gfd_fail(err, GFD_EDATA, "%s: row %zu: weight %g is negative", path,
                            i * stride + offset + 1, w->x[i]);
    return 0;
}

double *cli_read_weights(const cli_common *c, const char *path, size_t n, const char *whose)
{
    gfd_cloud w;
    gfd_err err;
    cli_read(c, path, &w, NULL);
    if (cli_check_weights(path, &w, n, 1, 0, whose, &err) < 0)
        cli_die(c, &err);
    double total = 0;
    for (size_t i = 0; i < n; i++)
        total += w.x[i];
    if (!(total > 0)) {
        gfd_fail(&err, GFD_EDATA, "%s: the weights sum to zero", path);
        cli_die(c, &err);
    }
    return w.x;
}

void cli_read(const cli_common *c, const char *path, gfd_cloud *out, gfd_format *fmt)
{
    gfd_err err;
    int rc = cli_rank() == 0 ? gfd_read_cloud(path, out, fmt, &err) : 0;  /* MPI: sent */
    if (cli_ranks_share_cloud(rc, out, fmt, &err) < 0)
        cli_die(c, &err);
}

const gfd_cloud *cli_read_modes(const cli_common *c, const char *path, const char *dataset,
                                gfd_cloud *modes)
{
    gfd_err err;
    if (path)
        cli_read(c, path, modes, NULL);
    else if (dataset && gfd_modes_builtin(dataset, modes, &err) < 0)
        cli_usage_error(c, "--dataset: %s", err.msg);
    return path || dataset ? modes : NULL;
}

void cli_progress_init(cli_progress *p, const cli_common *c, const char *task)
{
    *p = (cli_progress){.c = c, .task = task, .on = cli_terminal(c)};
}

void cli_progress_iter(void *ctx, const char *what, int iter, double error)
{
    cli_progress *p = ctx;
    if (!p->on || (p->shown && cli_seconds_since(&p->last) < 0.25))
        return;  /* the first iteration at once, then 4 lines a second */
    clock_gettime(CLOCK_MONOTONIC, &p->last);
    fprintf(stderr, "\r%s: %s %s: iteration %d, marginal error %.2g\033[K", p->c->prog, p->task,
            what, iter, error);
    p->shown = 1;
    progress_shown = p;
}

void cli_progress_end(cli_progress *p)
{
    if (p->shown)
        fputs("\r\033[K", stderr);
    p->shown = 0;
    progress_shown = NULL;
}

static ssize_t write_nowhere(void *cookie, const char *buf, size_t n)
{
    (void)cookie, (void)buf;
    return (ssize_t)n;
}

FILE *cli_open_log(const char *path)
{
    FILE *f = cli_rank() == 0 ? fopen(path, "w")
            : fopencookie(NULL, "w", (cookie_io_functions_t){.write = write_nowhere});
    if (f)
        setvbuf(f, NULL, _IOLBF, 0);
    return f;
}

int cli_terminal(const cli_common *c)
{
    return !c->quiet && cli_rank() == 0 && isatty(STDERR_FILENO);
}

double cli_seconds_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + 1e-9 * (double)(t.tv_nsec - t0->tv_nsec);
}

void cli_put_double(FILE *f, const char *sep, double x)
{
    char num[32];
    gfd_format_double(num, sizeof num, x);
    fputs(sep, f);
    fputs(num, f);
}

double cli_rtol(const cli_common *c, const char *arg)
{
    return cli_double(c, "--rtol", arg, 0, 0.5);
}

int cli_precision_f32(const cli_common *c, const char *arg)
{
    if (strcmp(arg, "f64") && strcmp(arg, "f32"))
        cli_usage_error(c, "--precision: '%s' is not f64 or f32", arg);
    return !strcmp(arg, "f32");
}

void cli_rtol_report(const cli_common *c, const gfd_engine *e)
{
    const gfd_ksum_stats *s = e->stats;
    if (!(e->rtol > 0) || !s || !(s->pairs > 0))
        return;
    cli_info(c, "--rtol %g: %.3g%% of %.4g kernel pairs computed, %.3g%% pruned; largest bound "
             "reached %.3g of a row's mass", e->rtol, 100 * s->kept / s->pairs, s->pairs,
             100 * (1 - s->kept / s->pairs), s->bound);
}

gfd_writer *cli_open_output(const cli_common *c, gfd_format input_fmt)
{
    int gz = c->gz;
    gfd_format fmt = GFD_FMT_NONE;
    if (c->out) {  /* "-" was made NULL by -o */
        int name_gz = 0;
        struct stat st;
        fmt = gfd_format_from_name(c->out, &name_gz);
        gz |= name_gz;
        int special = stat(c->out, &st) == 0 && !S_ISREG(st.st_mode);  /* a FIFO, a device */
        if (!fmt && !c->fmt && !special)
            cli_usage_error(c, "%s: the output format is not in the name: end it in .csv or .npy "
                            "(.gz to compress), or give -F", c->out);
    }
    if (!fmt)
        fmt = c->fmt ? c->fmt : input_fmt ? input_fmt : GFD_FMT_CSV;
    if (fmt == GFD_FMT_NPY && c->fmt == GFD_FMT_NPY_F4)  /* -o NAME.npy -F npy:f4 */
        fmt = GFD_FMT_NPY_F4;
    gfd_err err;
    gfd_writer *w = gfd_writer_open(c->out, fmt, gz, &err);
    if (!w)
        cli_die(c, &err);
    return w;
}

void cli_write(const cli_common *c, gfd_format input_fmt, const gfd_cloud *cloud)
{
    cli_write_to(c, cli_open_output(c, input_fmt), cloud);
}

void cli_write_to(const cli_common *c, gfd_writer *w, const gfd_cloud *cloud)
{
    gfd_err err;
    if (gfd_writer_put(w, cloud, &err) < 0) {
        gfd_writer_abort(w);
        cli_die(c, &err);
    }
    if (gfd_writer_commit(w, &err) < 0)
        cli_die(c, &err);
}
