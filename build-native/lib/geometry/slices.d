build-native/lib/geometry/slices.o: lib/geometry/slices.c \
 lib/geometry/slices.h lib/gfd/cloud.h lib/gfd/defs.h lib/gfd/err.h \
 lib/gfd/rng.h lib/ot/circle.h lib/ot/ot.h lib/gfd/geometry.h \
 lib/gfd/bandwidth.h lib/gfd/cloud.h
lib/geometry/slices.h:
lib/gfd/cloud.h:
lib/gfd/defs.h:
lib/gfd/err.h:
lib/gfd/rng.h:
lib/ot/circle.h:
lib/ot/ot.h:
lib/gfd/geometry.h:
lib/gfd/bandwidth.h:
lib/gfd/cloud.h:
