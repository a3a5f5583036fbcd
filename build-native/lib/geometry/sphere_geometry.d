build-native/lib/geometry/sphere_geometry.o: \
 lib/geometry/sphere_geometry.c lib/geometry/geometry.h \
 lib/geometry/slices.h lib/gfd/cloud.h lib/gfd/defs.h lib/gfd/err.h \
 lib/gfd/rng.h lib/gfd/geometry.h lib/gfd/bandwidth.h lib/gfd/cloud.h \
 lib/gfd/ksum.h lib/gfd/field.h lib/gfd/geometry.h lib/gfd/options.h \
 lib/gfd/rng.h lib/gfd/metric.h lib/gfd/sphere.h
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
lib/gfd/field.h:
lib/gfd/geometry.h:
lib/gfd/options.h:
lib/gfd/rng.h:
lib/gfd/metric.h:
lib/gfd/sphere.h:
