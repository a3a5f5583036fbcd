/* The library's version, as built (gfd.h has the headers' own). */
#include "gfd.h"

unsigned gfd_version_number(void) { return GFD_VERSION_NUMBER; }

const char *gfd_version_string(void) { return GFD_VERSION_STRING; }
