build-native/lib/ot/circle.o: lib/ot/circle.c lib/ot/circle.h
lib/ot/circle.h:
