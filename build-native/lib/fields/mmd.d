build-native/lib/fields/mmd.o: lib/fields/mmd.c lib/fields/field_impl.h \
 lib/geometry/geometry.h lib/geometry/slices.h lib/gfd/cloud.h \
 lib/gfd/defs.h lib/gfd/err.h lib/gfd/rng.h lib/gfd/geometry.h \
 lib/gfd/bandwidth.h lib/gfd/cloud.h lib/gfd/ksum.h lib/gfd/field.h \
 lib/gfd/geometry.h lib/gfd/options.h lib/gfd/rng.h
lib/fields/field_impl.h:
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
