build-native/lib/metrics/w2.o: lib/metrics/w2.c lib/metrics/metric_impl.h \
 lib/geometry/geometry.h lib/geometry/slices.h lib/gfd/cloud.h \
 lib/gfd/defs.h lib/gfd/err.h lib/gfd/rng.h lib/gfd/geometry.h \
 lib/gfd/bandwidth.h lib/gfd/cloud.h lib/gfd/ksum.h lib/gfd/metric.h \
 lib/gfd/geometry.h lib/gfd/options.h lib/ot/ot.h
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
lib/ot/ot.h:
