build-native/lib/geometry/flat.o: lib/geometry/flat.c \
 lib/geometry/geometry.h lib/geometry/slices.h lib/gfd/cloud.h \
 lib/gfd/defs.h lib/gfd/err.h lib/gfd/rng.h lib/gfd/geometry.h \
 lib/gfd/bandwidth.h lib/gfd/cloud.h lib/gfd/ksum.h
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
