/* iocat: a test-only program for tests/io.bats (not installed, not a unit test). It
 * copies point clouds through lib/io exactly as the gfd programs do: one cloud with
 * cli_read + cli_write, or with --frames every frame of a trajectory, each preceded by
 * the comment of --comment. Output follows the shared -o/-F/-z rules of CLI.md. */
#include <stdio.h>

#include "../cli/cli.h"

static const char usage[] = "iocat [-o FILE] [-F csv|npy|npy:f4] [-z] [--frames] [--comment TEXT] [IN]";
static void help(void)
{
    fputs("Usage: iocat [-o FILE] [-F csv|npy|npy:f4] [-z] [--frames] [--comment TEXT] [IN]\n"
          "Copies the point cloud IN (default: standard input) to FILE (default: standard output).\n",
          stdout);
}

static void copy_frames(const cli_common *c, const char *path, const char *comment)
{
    gfd_err err;
    gfd_reader *r = gfd_reader_open(path, &err);
    if (!r)
        cli_die(c, &err);
    gfd_writer *w = cli_open_output(c, gfd_reader_format(r));
    gfd_cloud cloud;
    int rc;
    while ((rc = gfd_reader_next(r, &cloud, &err)) > 0) {
        rc = comment ? gfd_writer_comment(w, comment, &err) : 0;
        if (rc == 0)
            rc = gfd_writer_put(w, &cloud, &err);
        gfd_cloud_free(&cloud);
        if (rc < 0)
            break;
    }
    gfd_reader_close(r);
    if (rc < 0) {
        gfd_writer_abort(w);
        cli_die(c, &err);
    }
    if (gfd_writer_commit(w, &err) < 0)
        cli_die(c, &err);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"frames", no_argument, 0, 'f'}, {"comment", required_argument, 0, 'c'},
        CLI_COMMON_LONG, {0, 0, 0, 0}};
    cli_common c;
    cli_init(&c, "iocat", usage, argv);
    int frames = 0, opt;
    const char *comment = NULL;
    while ((opt = getopt_long(argc, argv, "c:" CLI_COMMON_SHORT, opts, NULL)) != -1) {
        if (opt == 'f')
            frames = 1;
        else if (opt == 'c')
            comment = optarg;
        else if (!cli_common_option(&c, opt, optarg, help))
            cli_usage_error(&c, "bad option");
    }
    if (argc - optind > 1)
        cli_usage_error(&c, "one input at most");
    const char *path = optind < argc ? argv[optind] : NULL;
    if (frames) {
        copy_frames(&c, path, comment);
        return 0;
    }
    gfd_cloud cloud;
    gfd_format fmt;
    cli_read(&c, path, &cloud, &fmt);
    cli_write(&c, fmt, &cloud);
    gfd_cloud_free(&cloud);
    return 0;
}
