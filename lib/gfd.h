/* libgfd: Gradient Flow Drifting (https://... see README.md). The one header a program
 * includes: `#include <gfd.h>`, and `pkg-config --cflags --libs gfd` to build.
 *
 * The library moves point clouds along Wasserstein gradient flows of divergences between
 * kernel density estimates, and measures how far apart two clouds are. It never prints
 * and never exits: every function that can fail fills a gfd_err and returns -1 or NULL.
 * Threads come from OpenMP; results never depend on their number. */
#ifndef GFD_H
#define GFD_H

#define GFD_VERSION_MAJOR 0
#define GFD_VERSION_MINOR 2
#define GFD_VERSION_RELEASE 0
#define GFD_VERSION_NUMBER (GFD_VERSION_MAJOR * 10000 + GFD_VERSION_MINOR * 100 + GFD_VERSION_RELEASE)
#define GFD_VERSION_STRING "0.2.0"

#include "gfd/defs.h"
#include "gfd/err.h"
#include "gfd/cloud.h"
#include "gfd/io.h"
#include "gfd/rng.h"
#include "gfd/options.h"
#include "gfd/geometry.h"
#include "gfd/sphere.h"
#include "gfd/sample.h"
#include "gfd/vmf.h"
#include "gfd/modes.h"
#include "gfd/ksum.h"
#include "gfd/ranks.h"
#include "gfd/bandwidth.h"
#include "gfd/kde.h"
#include "gfd/field.h"
#include "gfd/step.h"
#include "gfd/flow.h"
#include "gfd/metric.h"
#include "gfd/net.h"
#include "gfd/model.h"
#include "gfd/train.h"
#include "gfd/blas.h"

GFD_BEGIN_DECLS
GFD_VISIBLE_BEGIN

/* The library's own version (GFD_VERSION_NUMBER of the build linked), to compare with
 * the headers' at run time. */
unsigned gfd_version_number(void);
const char *gfd_version_string(void);

GFD_VISIBLE_END
GFD_END_DECLS

#endif
