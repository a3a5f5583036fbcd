build-native/lib/sample/modes.o: lib/sample/modes.c \
 lib/geometry/geometry.h lib/geometry/slices.h lib/gfd/cloud.h \
 lib/gfd/defs.h lib/gfd/err.h lib/gfd/rng.h lib/gfd/geometry.h \
 lib/gfd/bandwidth.h lib/gfd/cloud.h lib/gfd/ksum.h lib/gfd/modes.h \
 lib/gfd/geometry.h lib/gfd/sample.h lib/gfd/rng.h
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
lib/gfd/modes.h:
lib/gfd/geometry.h:
lib/gfd/sample.h:
lib/gfd/rng.h:
