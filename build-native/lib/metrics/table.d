build-native/lib/metrics/table.o: lib/metrics/table.c lib/gfd/metric.h \
 lib/gfd/bandwidth.h lib/gfd/defs.h lib/gfd/cloud.h lib/gfd/err.h \
 lib/gfd/geometry.h lib/gfd/options.h
lib/gfd/metric.h:
lib/gfd/bandwidth.h:
lib/gfd/defs.h:
lib/gfd/cloud.h:
lib/gfd/err.h:
lib/gfd/geometry.h:
lib/gfd/options.h:
