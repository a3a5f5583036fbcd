build-native/lib/core/rng.o: lib/core/rng.c lib/gfd/rng.h lib/gfd/defs.h
lib/gfd/rng.h:
lib/gfd/defs.h:
