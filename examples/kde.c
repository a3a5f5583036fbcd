/* The KDE log-density of a data set at query points, through libgfd (MATH §2.1):
 *     cc kde.c $(pkg-config --cflags --libs gfd) -o kde && ./kde data.csv queries.csv
 * prints log p_h(q) for every query row, h by Scott's rule: what `gfd-kde -t data.csv
 * queries.csv` prints. tests/install.bats builds and runs it against the installed library. */
#include <stdio.h>
#include <stdlib.h>

#include <gfd.h>

int main(int argc, char **argv)
{
    gfd_cloud Y, Q;
    gfd_bw_rule rule = {GFD_BW_SCOTT, 0};
    gfd_err err;
    double h, *logp = NULL;
    if (argc != 3) {
        fprintf(stderr, "usage: kde DATA QUERIES\n");
        return 2;
    }
    int rc = gfd_read_cloud(argv[1], &Y, NULL, &err) < 0 || gfd_read_cloud(argv[2], &Q, NULL, &err) < 0 ||
             gfd_bw_select(&rule, &Y, 0, &h, &err) < 0 ? -1 : 0;
    if (rc == 0 && Q.d != Y.d)
        rc = gfd_fail(&err, GFD_EDATA, "%s: %zu columns, but %s has %zu", argv[2], Q.d, argv[1], Y.d);
    if (rc == 0 && !(logp = gfd_alloc(Q.n, sizeof *logp, "densities", &err)))
        rc = -1;
    if (rc == 0)
        rc = gfd_kde(&Y, Q.x, Q.n, GFD_KERNEL_GAUSS, h, 0, NULL, logp, NULL, &err);
    if (rc < 0) {
        fprintf(stderr, "kde: %s\n", err.msg);
        return 1;
    }
    char num[32];
    for (size_t i = 0; i < Q.n; i++) {
        gfd_format_double(num, sizeof num, logp[i]);  /* the shortest text that reads back */
        puts(num);
    }
    free(logp);
    gfd_cloud_free(&Y), gfd_cloud_free(&Q);
    return fflush(stdout) ? 1 : 0;
}
