build-native/lib/geometry/sphere.o: lib/geometry/sphere.c \
 lib/gfd/sphere.h lib/gfd/defs.h lib/gfd/err.h
lib/gfd/sphere.h:
lib/gfd/defs.h:
lib/gfd/err.h:
