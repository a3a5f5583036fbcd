/* gfd-flow's checkpoints (checkpoint.h). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "checkpoint.h"
#include "ranks.h"

#define MAGIC "# gfd-flow checkpoint "

int cli_checkpoint_write(const char *path, const gfd_cloud *X, const cli_checkpoint *ck,
                         gfd_err *err)
{
    char head[768], time[32];
    gfd_format_double(time, sizeof time, ck->time);
    snprintf(head, sizeof head, "gfd-flow checkpoint step=%d steps=%d time=%s seed=%" PRIu64
             " field=%s", ck->step, ck->steps, time, ck->seed, ck->field);
    int gz = 0;
    gfd_format_from_name(path, &gz);
    gfd_writer *w = gfd_writer_open(path, GFD_FMT_CSV, gz, err);
    if (!w)
        return -1;
    if (gfd_writer_comment(w, head, err) < 0 || gfd_writer_put(w, X, err) < 0) {
        gfd_writer_abort(w);
        return -1;
    }
    return gfd_writer_commit(w, err);
}

/* The first line of path (gzip'd or not), without its newline; 0 when there is none. */
static int first_line(const char *path, char *line, int cap)
{
    gzFile f = gzopen(path, "rb");
    if (!f)
        return 0;
    int ok = gzgets(f, line, cap) != NULL;
    gzclose(f);
    line[strcspn(line, "\n")] = '\0';
    return ok;
}

void cli_checkpoint_header(const cli_common *c, const char *path, cli_checkpoint *ck)
{
    struct {
        char text[1024];
        int ok;
    } first = {.ok = 0};
    char *line = first.text;
    int end = 0;
    gfd_err err;
    if (cli_rank() == 0)  /* MPI: the first rank reads the checkpoint (ranks.h) */
        first.ok = first_line(path, line, sizeof first.text);
    cli_ranks_share(&first, sizeof first);
    if (!first.ok) {
        gfd_fail(&err, GFD_EIO, "%s: cannot read the checkpoint", path);
        cli_die(c, &err);
    }
    *ck = (cli_checkpoint){0};
    if (strncmp(line, MAGIC, strlen(MAGIC)) ||
        sscanf(line + strlen(MAGIC), "step=%d steps=%d time=%lf seed=%" SCNu64 " field=%n",
               &ck->step, &ck->steps, &ck->time, &ck->seed, &end) != 4 || !end ||
        ck->step < 0 || ck->step > ck->steps) {
        gfd_fail(&err, GFD_EDATA, "%s:1: not a gfd-flow checkpoint header", path);
        cli_die(c, &err);
    }
    snprintf(ck->field, sizeof ck->field, "%s", line + strlen(MAGIC) + end);
}
