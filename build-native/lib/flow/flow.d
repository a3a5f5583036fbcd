build-native/lib/flow/flow.o: lib/flow/flow.c lib/core/numfmt.h \
 lib/gfd/flow.h lib/gfd/bandwidth.h lib/gfd/defs.h lib/gfd/cloud.h \
 lib/gfd/err.h lib/gfd/field.h lib/gfd/geometry.h lib/gfd/options.h \
 lib/gfd/rng.h lib/gfd/step.h
lib/core/numfmt.h:
lib/gfd/flow.h:
lib/gfd/bandwidth.h:
lib/gfd/defs.h:
lib/gfd/cloud.h:
lib/gfd/err.h:
lib/gfd/field.h:
lib/gfd/geometry.h:
lib/gfd/options.h:
lib/gfd/rng.h:
lib/gfd/step.h:
