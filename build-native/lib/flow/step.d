build-native/lib/flow/step.o: lib/flow/step.c lib/gfd/sphere.h \
 lib/gfd/defs.h lib/gfd/err.h lib/gfd/step.h lib/gfd/field.h \
 lib/gfd/cloud.h lib/gfd/geometry.h lib/gfd/bandwidth.h lib/gfd/options.h \
 lib/gfd/rng.h
lib/gfd/sphere.h:
lib/gfd/defs.h:
lib/gfd/err.h:
lib/gfd/step.h:
lib/gfd/field.h:
lib/gfd/cloud.h:
lib/gfd/geometry.h:
lib/gfd/bandwidth.h:
lib/gfd/options.h:
lib/gfd/rng.h:
