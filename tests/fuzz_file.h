/* What the libFuzzer targets share: the input bytes as a file the readers open by name. */
#ifndef GFD_FUZZ_FILE_H
#define GFD_FUZZ_FILE_H

#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

/* The path of one temporary file (made on the first call, reused) now holding data. */
static const char *fuzz_file(const uint8_t *data, size_t size)
{
    static char path[] = "/tmp/gfd-fuzz-XXXXXX";
    static int fd = -1;
    if (fd < 0 && (fd = mkstemp(path)) < 0)
        abort();
    if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
        abort();
    return path;
}

#endif
