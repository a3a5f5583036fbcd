build-native/lib/metrics/metric.o: lib/metrics/metric.c lib/core/names.h \
 lib/metrics/metric_impl.h lib/geometry/geometry.h lib/geometry/slices.h \
 lib/gfd/cloud.h lib/gfd/defs.h lib/gfd/err.h lib/gfd/rng.h \
 lib/gfd/geometry.h lib/gfd/bandwidth.h lib/gfd/cloud.h lib/gfd/ksum.h \
 lib/gfd/metric.h lib/gfd/geometry.h lib/gfd/options.h
lib/core/names.h:
lib/metrics/metric_impl.h:
lib/geometry/geometry.h:
lib/geometry/slices.h:
lib/gfd/cloud.h:
lib/gfd/defs.h:
lib/gfd/err.h:
lib/gfd/rng.h:
lib/gfd/geometry.h:
lib/gfd/bandwidth.h:
lib/gfd/cloud.h:
lib/gfd/ksum.h:
lib/gfd/metric.h:
lib/gfd/geometry.h:
lib/gfd/options.h:
