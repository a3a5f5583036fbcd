/* libFuzzer target for the point-cloud readers (make fuzz): any bytes, as a file, go through
 * gzip sniffing, .npy and CSV parsing, frame reading and the rows of a shard. The reader
 * must return a cloud or an error, never crash, leak or read out of bounds (ASan/UBSan
 * watch). */
#include <stdlib.h>

#include "fuzz_file.h"
#include "gfd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(data, size);
    gfd_err err;
    gfd_reader *r = gfd_reader_open(path, &err);
    if (!r)
        return 0;
    gfd_cloud c;
    for (int frames = 0; frames < 64 && gfd_reader_next(r, &c, &err) == 1; frames++) {
        if (c.n == 0 || c.d == 0)
            abort();  /* a cloud the reader returns is never empty */
        gfd_cloud_free(&c);
    }
    gfd_reader_close(r);
    if (gfd_read_cloud_rows(path, 3, 1, &c, NULL, &err) == 0)  /* a shard: may have no rows */
        gfd_cloud_free(&c);
    return 0;
}
