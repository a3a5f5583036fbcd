build-native/lib/metrics/nll.o: lib/metrics/nll.c lib/gfd/kde.h \
 lib/gfd/defs.h lib/gfd/cloud.h lib/gfd/err.h lib/gfd/ksum.h \
 lib/metrics/metric_impl.h lib/geometry/geometry.h lib/geometry/slices.h \
 lib/gfd/cloud.h lib/gfd/rng.h lib/gfd/geometry.h lib/gfd/bandwidth.h \
 lib/gfd/ksum.h lib/gfd/metric.h lib/gfd/geometry.h lib/gfd/options.h
lib/gfd/kde.h:
lib/gfd/defs.h:
lib/gfd/cloud.h:
lib/gfd/err.h:
lib/gfd/ksum.h:
lib/metrics/metric_impl.h:
lib/geometry/geometry.h:
lib/geometry/slices.h:
lib/gfd/cloud.h:
lib/gfd/rng.h:
lib/gfd/geometry.h:
lib/gfd/bandwidth.h:
lib/gfd/ksum.h:
lib/gfd/metric.h:
lib/gfd/geometry.h:
lib/gfd/options.h:
