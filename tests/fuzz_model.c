/* libFuzzer target for the model loader (make fuzz): any bytes, as a file, go through
 * gfd_model_load with and without a checkpoint's state. It must return a network or an
 * error, never crash, leak, allocate from unchecked sizes or read out of bounds. */
#include <stdlib.h>

#include "fuzz_file.h"
#include "gfd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(data, size);
    gfd_err err;
    gfd_model_state st;
    gfd_net *net = gfd_model_load(path, NULL, &err);
    if (net && gfd_net_nparams(net) == 0)
        abort();  /* every network has an output layer */
    gfd_net_free(net);
    if ((net = gfd_model_load(path, &st, &err))) {
        free(st.m), free(st.v);
        gfd_net_free(net);
    }
    return 0;
}
