/* libgfd: Gradient Flow Drifting. The one header a program includes. */
#ifndef GFD_H
#define GFD_H

#define GFD_VERSION "0.1.0"

#include "err.h"
#include "cloud.h"
#include "io.h"
#include "rng.h"
#include "sample.h"
#include "sphere.h"
#include "vmf.h"
#include "ksum.h"
#include "bandwidth.h"
#include "kde.h"
#include "field.h"
#include "step.h"
#include "flow.h"
#include "metric.h"

#endif
