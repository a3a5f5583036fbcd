/* Byte streams under the point-cloud files (lib/io_stream.h): buffered input through
 * zlib, which reads plain and gzip (concatenated members too) from the bytes, and
 * atomic output through stdio or a gzFile. Knows nothing of CSV or .npy. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "io/stream.h"

enum { IN_CHUNK = 1 << 16, IN_ZBUF = 1 << 17 };

struct gfd_in {
    gzFile gz;
    char *name;           /* the path as given, or "stdin" */
    unsigned char *buf;   /* cap + 1 bytes: room for the NUL after a last line */
    size_t cap, pos, len; /* unread bytes are buf[pos, len) */
    int eof;
};

struct gfd_output {
    FILE *fp;             /* plain output, or NULL */
    gzFile gz;            /* gzip output, or NULL */
    char *name;           /* the path as given, or "stdout" */
    char *dest;           /* where the file goes: name, or the file a symlink name points to */
    char *tmp;            /* the temporary file beside dest; NULL for stdout */
    int fd;               /* tmp's descriptor (fsync before the rename), or -1 */
    int discard;          /* gfd_output_set_discard: writes go nowhere */
};

static int sync_outputs = 1, discard_outputs;

void gfd_output_set_sync(int on) { sync_outputs = on; }

void gfd_output_set_discard(int on) { discard_outputs = on; }

/* zlib prefixes its messages with its own name of the stream, "<fd:3>: ". */
static const char *zlib_reason(const char *msg)
{
    const char *colon = msg && msg[0] == '<' ? strstr(msg, ": ") : NULL;
    return colon ? colon + 2 : msg ? msg : "unknown zlib error";
}

void io_excerpt(char *dst, const char *p, size_t len)
{
    size_t i;
    for (i = 0; i < len && i < IO_SHOWN && p[i]; i++)
        dst[i] = (unsigned char)p[i] < 0x20 || p[i] == 0x7f ? '?' : p[i];
    dst[i] = '\0';
}

gfd_in *in_open(const char *path, gfd_err *err)
{
    int std = !path || !strcmp(path, "-");
    const char *name = std ? "stdin" : path;
    /* gzclose closes its descriptor: standard input is read through a copy. */
    int fd = std ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        gfd_fail(err, GFD_EIO, "%s: cannot open: %s", name, strerror(errno));
        return NULL;
    }
    gfd_in *in = calloc(1, sizeof *in);
    if (in) {
        in->name = strdup(name);
        in->buf = malloc(IN_CHUNK + 1);
        in->cap = IN_CHUNK;
    }
    if (!in || !in->name || !in->buf || !(in->gz = gzdopen(fd, "rb"))) {
        close(fd);
        in_close(in);
        gfd_fail(err, GFD_ENOMEM, "%s: out of memory opening the file", name);
        return NULL;
    }
    gzbuffer(in->gz, IN_ZBUF);
    return in;
}

const char *in_name(const gfd_in *in)
{
    return in->name;
}

void in_close(gfd_in *in)
{
    if (!in)
        return;
    if (in->gz)
        gzclose(in->gz);
    free(in->name);
    free(in->buf);
    free(in);
}

/* A failed gzread. Truncation shows only here: gzread returns 0 at the end of a
 * cut gzip member and leaves Z_BUF_ERROR ("unexpected end of file") behind. */
static int in_error(const gfd_in *in, int code, const char *msg, gfd_err *err)
{
    if (code == Z_BUF_ERROR)
        return gfd_fail(err, GFD_EDATA, "%s: truncated gzip data (unexpected end of file)", in->name);
    if (code == Z_ERRNO)
        return gfd_fail(err, GFD_EIO, "%s: read error: %s", in->name, zlib_reason(msg));
    if (code == Z_MEM_ERROR)
        return gfd_fail(err, GFD_ENOMEM, "%s: out of memory in zlib", in->name);
    return gfd_fail(err, GFD_EDATA, "%s: corrupt gzip data: %s", in->name, zlib_reason(msg));
}

/* Appends input after buf[len]. Returns the count added, 0 at the end, -1 on error. */
static ssize_t in_fill(gfd_in *in, gfd_err *err)
{
    size_t room = in->cap - in->len;
    if (in->eof || room == 0)
        return 0;
    int got = gzread(in->gz, in->buf + in->len, room > INT_MAX ? INT_MAX : (unsigned)room);
    if (got > 0) {
        in->len += (size_t)got;
        return got;
    }
    int code;
    const char *msg = gzerror(in->gz, &code);
    if (got == 0 && code == Z_OK) {
        in->eof = 1;
        return 0;
    }
    return in_error(in, code, msg, err);
}

/* Moves the unread bytes to the front of buf. */
static void in_compact(gfd_in *in)
{
    memmove(in->buf, in->buf + in->pos, in->len - in->pos);
    in->len -= in->pos;
    in->pos = 0;
}

ssize_t in_peek(gfd_in *in, size_t n, const unsigned char **p, gfd_err *err)
{
    if (in->len - in->pos < n && in->pos > 0)
        in_compact(in);
    while (in->len - in->pos < n) {
        ssize_t got = in_fill(in, err);
        if (got < 0)
            return -1;
        if (got == 0)
            break;
    }
    *p = in->buf + in->pos;
    size_t have = in->len - in->pos;
    return (ssize_t)(have < n ? have : n);
}

ssize_t in_read(gfd_in *in, void *dst, size_t n, gfd_err *err)
{
    size_t done = 0;
    while (done < n) {
        if (in->pos == in->len) {
            in->pos = in->len = 0;
            ssize_t got = in_fill(in, err);
            if (got < 0)
                return -1;
            if (got == 0)
                break;
        }
        size_t k = in->len - in->pos < n - done ? in->len - in->pos : n - done;
        memcpy((unsigned char *)dst + done, in->buf + in->pos, k);
        in->pos += k;
        done += k;
    }
    return (ssize_t)done;
}

/* Makes room after buf[len] for a line that does not fit: compacts, else doubles. */
static int in_make_room(gfd_in *in, gfd_err *err)
{
    if (in->len < in->cap && in->pos < in->cap / 2)
        return 0;
    if (in->pos > 0) {
        in_compact(in);
        return 0;
    }
    unsigned char *grown = in->cap < SIZE_MAX / 2 - 1 ? realloc(in->buf, 2 * in->cap + 1) : NULL;
    if (!grown)
        return gfd_fail(err, GFD_ENOMEM, "%s: a line longer than %zu bytes does not fit in memory",
                        in->name, in->cap);
    in->buf = grown;
    in->cap *= 2;
    return 0;
}

/* Hands out the n bytes at pos as a line and consumes them (and the newline). */
static int in_take_line(gfd_in *in, size_t n, int newline, char **line, size_t *len)
{
    char *s = (char *)in->buf + in->pos;
    in->pos += n + (size_t)newline;
    if (n > 0 && s[n - 1] == '\r')
        n--;
    s[n] = '\0';
    *line = s;
    *len = n;
    return 1;
}

/* Text lines are at most this long: a 1 MB gzip of NUL bytes (1 GB unpacked, no newline)
 * fails at once instead of filling memory. */
#define LINE_MAX_BYTES ((size_t)64 << 20)
#define LINE_CHECK_BYTES ((size_t)1 << 20)  /* past it, NUL bytes are looked for as they come */

int in_line(gfd_in *in, char **line, size_t *len, gfd_err *err)
{
    size_t scanned = 0;  /* unread bytes already known to hold no newline */
    for (;;) {
        unsigned char *start = in->buf + in->pos;
        unsigned char *nl = memchr(start + scanned, '\n', in->len - in->pos - scanned);
        if (nl)
            return in_take_line(in, (size_t)(nl - start), 1, line, len);
        if (in->len - in->pos > LINE_CHECK_BYTES &&  /* short lines: csv.c names the line */
            memchr(start + scanned, '\0', in->len - in->pos - scanned))
            return gfd_fail(err, GFD_EDATA, "%s: NUL byte in a text line (not a CSV file?)", in->name);
        scanned = in->len - in->pos;
        if (scanned > LINE_MAX_BYTES)
            return gfd_fail(err, GFD_EDATA, "%s: a line longer than %zu MB (not a CSV file?)",
                            in->name, LINE_MAX_BYTES >> 20);
        if (in_make_room(in, err) < 0)
            return -1;
        ssize_t got = in_fill(in, err);
        if (got < 0)
            return -1;
        if (got == 0)
            return scanned ? in_take_line(in, scanned, 0, line, len) : 0;
    }
}

/* The temporary files of outputs not yet committed or aborted, for gfd_output_remove_temps
 * (a signal handler's: it only reads these pointers and calls unlink). */
#define MAX_TEMPS 64
static char *volatile temps[MAX_TEMPS];

static void temp_track(char *path)
{
    for (size_t i = 0; i < MAX_TEMPS; i++)
        if (!temps[i]) {
            temps[i] = path;
            return;
        }
}

static void temp_forget(const char *path)
{
    for (size_t i = 0; path && i < MAX_TEMPS; i++)
        if (temps[i] == path)
            temps[i] = NULL;
}

void gfd_output_remove_temps(void)
{
    for (size_t i = 0; i < MAX_TEMPS; i++)
        if (temps[i])
            unlink(temps[i]);
}

/* Creates NAME.XXXXXX beside the output, exclusively, with the mode a plain creat()
 * would give (0666 less the umask, applied by the kernel). */
static int out_temp(gfd_output *o, gfd_err *err)
{
    static const char letters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    size_t n = strlen(o->dest);
    if (!(o->tmp = malloc(n + sizeof ".XXXXXX")))
        return gfd_fail(err, GFD_ENOMEM, "%s: out of memory", o->name);
    memcpy(o->tmp, o->dest, n);
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    uint64_t x = (uint64_t)t.tv_nsec ^ ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)o;
    for (int attempt = 0; attempt < 100; attempt++) {
        o->tmp[n] = '.';
        for (int k = 1; k <= 6; k++, x /= 62)
            o->tmp[n + (size_t)k] = letters[x % 62];
        o->tmp[n + 7] = '\0';
        x = x * 6364136223846793005ULL + 1442695040888963407ULL + (uint64_t)attempt;
        int fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0) {
            temp_track(o->tmp);
            return fd;
        }
        if (errno != EEXIST)
            break;
    }
    gfd_fail(err, GFD_EIO, "%s: cannot create: %s", o->name, strerror(errno));
    free(o->tmp);
    o->tmp = NULL;
    return -1;
}

/* An existing output that is not a regular file (/dev/null, a FIFO) is written in
 * place: renaming a temporary over it would replace the device. -2: not such a file. */
static int out_special(const char *path, gfd_err *err)
{
    struct stat st;
    if (stat(path, &st) < 0 || S_ISREG(st.st_mode))
        return -2;
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return gfd_fail(err, GFD_EIO, "%s: cannot open: %s", path, strerror(errno));
    return fd;
}

/* A symlink is replaced through: the file it points to is written (as cp and editors do),
 * the link kept. */
static char *destination(const char *path)
{
    struct stat st;
    char *real = lstat(path, &st) == 0 && S_ISLNK(st.st_mode) ? realpath(path, NULL) : NULL;
    return real ? real : strdup(path);
}

gfd_output *gfd_output_open(const char *path, int gz, gfd_err *err)
{
    int std = !path || !strcmp(path, "-");
    if (!std && !*path) {
        gfd_fail(err, GFD_EUSAGE, "an empty output file name");
        return NULL;
    }
    gfd_output *o = calloc(1, sizeof *o);
    if (!o || !(o->name = strdup(std ? "stdout" : path)) || !(o->dest = destination(o->name))) {
        if (o)
            free(o->name);
        free(o);
        gfd_fail(err, GFD_ENOMEM, "%s: out of memory", std ? "stdout" : path);
        return NULL;
    }
    o->fd = -1;
    if ((o->discard = discard_outputs))
        return o;
    if (std && !gz) {
        o->fp = stdout;
        return o;
    }
    /* gzclose closes its descriptor: standard output is written through a copy,
     * after whatever the program has already printed there. */
    if (std)
        fflush(stdout);
    int fd = std ? dup(STDOUT_FILENO) : out_special(o->dest, err);
    if (fd == -2)
        o->fd = fd = out_temp(o, err);
    if (fd < 0) {
        if (std)
            gfd_fail(err, GFD_EIO, "stdout: %s", strerror(errno));
        gfd_output_abort(o);
        return NULL;
    }
    if (gz)
        o->gz = gzdopen(fd, "wb");
    else
        o->fp = fdopen(fd, "wb");
    if (!o->gz && !o->fp) {
        close(fd);
        gfd_fail(err, GFD_ENOMEM, "%s: out of memory opening the file", o->name);
        gfd_output_abort(o);
        return NULL;
    }
    return o;
}

int gfd_output_write(gfd_output *o, const void *p, size_t n, gfd_err *err)
{
    if (o->discard)
        return 0;
    if (o->fp) {
        if (fwrite(p, 1, n, o->fp) == n)
            return 0;
        return gfd_fail(err, GFD_EIO, "%s: write error: %s", o->name, strerror(errno));
    }
    const unsigned char *b = p;
    while (n > 0) {
        unsigned k = n > (1u << 30) ? 1u << 30 : (unsigned)n;
        if (gzwrite(o->gz, b, k) != (int)k) {
            int code;
            const char *msg = gzerror(o->gz, &code);
            return gfd_fail(err, GFD_EIO, "%s: write error: %s", o->name, zlib_reason(msg));
        }
        b += k;
        n -= k;
    }
    return 0;
}

/* Flushes and closes the stream (standard output is only flushed); a temporary file
 * reaches the disk first (fsync) unless gfd_output_set_sync(0). */
static int out_close(gfd_output *o, gfd_err *err)
{
    int rc = 0;
    if (err && o->fd >= 0 && sync_outputs) {
        int bad = o->gz ? gzflush(o->gz, Z_FINISH) != Z_OK : fflush(o->fp) != 0;
        if (bad || fsync(o->fd) != 0)
            rc = gfd_fail(err, GFD_EIO, "%s: write error: %s", o->name, strerror(errno));
    }
    if (o->gz) {
        int z = gzclose(o->gz);
        if (z != Z_OK)
            rc = gfd_fail(err, GFD_EIO, "%s: write error: %s", o->name,
                          z == Z_ERRNO ? strerror(errno) : "zlib could not finish the stream");
    } else if (o->fp == stdout) {
        if (fflush(stdout) != 0 || ferror(stdout))
            rc = gfd_fail(err, GFD_EIO, "%s: write error: %s", o->name, strerror(errno));
    } else if (o->fp) {
        int bad = ferror(o->fp);
        if (fclose(o->fp) != 0 || bad)
            rc = gfd_fail(err, GFD_EIO, "%s: write error: %s", o->name, strerror(errno));
    }
    o->gz = NULL;
    o->fp = NULL;
    o->fd = -1;
    return rc;
}

static void out_free(gfd_output *o)
{
    temp_forget(o->tmp);
    if (o->tmp)
        unlink(o->tmp);
    free(o->tmp);
    free(o->name);
    free(o->dest);
    free(o);
}

int gfd_output_commit(gfd_output *o, gfd_err *err)
{
    int rc = out_close(o, err);
    struct stat old;
    if (rc == 0 && o->tmp && stat(o->dest, &old) == 0 && S_ISREG(old.st_mode) &&
        chmod(o->tmp, old.st_mode & 07777) < 0)  /* a replaced file keeps its mode */
        rc = gfd_fail(err, GFD_EIO, "%s: cannot keep the mode of the file replaced: %s", o->name,
                      strerror(errno));
    if (rc == 0 && o->tmp) {
        if (rename(o->tmp, o->dest) < 0)
            rc = gfd_fail(err, GFD_EIO, "%s: cannot rename the finished file into place: %s",
                          o->name, strerror(errno));
        else {
            temp_forget(o->tmp);
            free(o->tmp);
            o->tmp = NULL;
        }
    }
    out_free(o);
    return rc;
}

void gfd_output_abort(gfd_output *o)
{
    if (!o)
        return;
    out_close(o, NULL);
    out_free(o);
}
