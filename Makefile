# gfd: `make` builds the programs (bin/) and the library (build/libgfd.a, build/libgfd.so);
# `make test` runs every test; `make demo` runs the main job; `make deps` installs the
# Debian packages (as root); `make install` / `make uninstall` under PREFIX.
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR     ?= $(PREFIX)/share/man
CC         ?= cc
# The default build runs on any x86-64: the hot kernels carry per-ISA clones chosen at run
# time (lib/engine/clones.h). NATIVE=1 compiles everything for this machine's CPU instead.
NATIVE     ?= 0
OPT        ?= -O3 $(if $(filter 1,$(NATIVE)),-march=native -DGFD_NO_CLONES)
CFLAGS     ?= $(OPT) -g
WARN        = -Wall -Wextra -Wshadow -Wmissing-prototypes -Wstrict-prototypes -Wcast-qual \
              -Wvla -Wpedantic
override CFLAGS += -std=c11 -D_GNU_SOURCE $(WARN) -fno-math-errno -fno-trapping-math -ffp-contract=fast -fopenmp
override CPPFLAGS += -Ilib $(BLAS_CFLAGS) -MMD -MP
BUILD      ?= build
BIN        ?= bin

VERSION := $(shell sed -n 's/^\#define GFD_VERSION_STRING "\(.*\)"/\1/p' lib/gfd.h)
SOMAJOR := $(firstword $(subst ., ,$(VERSION)))

# OpenBLAS through pkg-config. Debian's OpenMP build is preferred: gfd threads with OpenMP,
# and that build runs BLAS calls made inside gfd's parallel regions on one thread by
# itself. The rpath makes the programs load it whichever variant the system's
# alternatives select.
comma       := ,
MULTIARCH   := $(shell $(CC) -print-multiarch 2>/dev/null)
BLAS_PCPATH ?= $(wildcard /usr/lib/$(MULTIARCH)/openblas-openmp/pkgconfig)
BLAS_PC      = PKG_CONFIG_PATH=$(BLAS_PCPATH)$${PKG_CONFIG_PATH:+:$$PKG_CONFIG_PATH} pkg-config
BLAS_CFLAGS := $(shell $(BLAS_PC) --cflags openblas 2>/dev/null)
BLAS_LIBDIR := $(shell $(BLAS_PC) --variable=libdir openblas 2>/dev/null)
BLAS_LIBS   := $(shell $(BLAS_PC) --libs openblas 2>/dev/null) $(if $(BLAS_LIBDIR),-Wl$(comma)-rpath$(comma)$(BLAS_LIBDIR))
LIBS         = $(BLAS_LIBS) -lz -lm

LIB_SRC  = $(wildcard lib/*/*.c)
CLI_SRC  = $(filter-out cli/mpi.c,$(wildcard cli/*.c))
CMD_SRC  = $(wildcard cmd/*.c)
TEST_SRC = $(wildcard tests/test_*.c)
LIB_OBJ  = $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ  = $(CLI_SRC:%.c=$(BUILD)/%.o)
PROGS    = $(CMD_SRC:cmd/%.c=$(BIN)/%)
TESTS    = $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
TEST_PROGS = $(BUILD)/tests/iocat $(BUILD)/tests/tables $(BUILD)/tests/locale_check
TEST_SHIM  = $(BUILD)/tests/blas_shim.so
LIB_A    = $(BUILD)/libgfd.a
LIB_SO   = $(BUILD)/libgfd.so.$(VERSION)
LIB_TEST = $(BUILD)/libgfd-internal.a
PUBLIC_HEADERS = $(wildcard lib/gfd/*.h)

DEB_PKGS = build-essential clang libclang-rt-14-dev pkg-config binutils locales zlib1g-dev libopenblas-openmp-dev \
           gnuplot-nox bats man-db time python3-numpy python3-scipy python3-pot python3-mpmath \
           libopenmpi-dev openmpi-bin

all: check-deps $(PROGS) $(TESTS) $(TEST_PROGS) $(TEST_SHIM) $(LIB_A) $(LIB_SO)

# A missing dependency stops the build with a message: no feature is silently disabled.
check-deps:
	@$(BLAS_PC) --exists openblas || \
	  { echo "gfd: OpenBLAS not found by pkg-config (Debian: libopenblas-openmp-dev); run 'make deps' as root" >&2; exit 1; }
	@echo "#include <zlib.h>" | $(CC) -E -x c - >/dev/null 2>&1 || \
	  { echo "gfd: missing zlib.h (Debian: zlib1g-dev); run 'make deps' as root" >&2; exit 1; }

deps:
	@missing=$$(for p in $(DEB_PKGS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" != 0 ]; then echo "gfd: missing packages: $$missing (run 'make deps' as root)" >&2; exit 1; fi; \
	  echo "gfd: installing $$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

# Library objects are position-independent and hide every symbol but the API, which the
# public headers mark visible (GFD_BEGIN_DECLS in lib/gfd/defs.h).
$(BUILD)/lib/%.o: lib/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -fPIC -fvisibility=hidden -c $< -o $@

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

# The installed archive is one relocatable object whose hidden symbols are made local, so
# that only gfd_ names are exported (tests/install.bats checks with nm). The unit tests
# link the plain objects, internals included.
$(LIB_A): $(LIB_OBJ)
	$(CC) -r -nostdlib -o $(BUILD)/libgfd-all.o $^
	objcopy --localize-hidden $(BUILD)/libgfd-all.o $(BUILD)/libgfd-local.o
	@rm -f $@
	ar rcs $@ $(BUILD)/libgfd-local.o

$(LIB_TEST): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(LIB_SO): $(LIB_OBJ)
	$(CC) $(CFLAGS) -shared -Wl,-soname,libgfd.so.$(SOMAJOR) $^ $(LDFLAGS) $(LIBS) -o $@

# The programs use the library as its users do: through the API only.
$(BIN)/%: $(BUILD)/cmd/%.o $(CLI_OBJ) $(LIB_A)
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS) $^ $(LDFLAGS) $(LIBS) -o $@

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(LIB_TEST)
	$(CC) $(CFLAGS) $^ $(LDFLAGS) $(LIBS) -o $@

# Test-only programs for the bats files (not unit tests: tests/run runs test_* only).
$(TEST_PROGS): $(BUILD)/tests/%: $(BUILD)/tests/%.o $(CLI_OBJ) $(LIB_A)
	$(CC) $(CFLAGS) $^ $(LDFLAGS) $(LIBS) -o $@

# A preloaded stand-in for openblas_get_corename (tests/blas.bats); no sanitizer: ASan
# must come first in a process.
$(TEST_SHIM): tests/blas_shim.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -shared -fPIC $< -o $@ -ldl

JOBS ?= $(shell nproc)

test: deps
	@$(MAKE) -s -j$(JOBS) all $(if $(shell command -v $(MPICC)),mpi)
	@GFD_BIN=$(CURDIR)/$(BIN) GFD_TESTBIN=$(CURDIR)/$(BUILD)/tests GFD_SRC=$(CURDIR) tests/run

# The MPI variants (gfd(7) "Running under MPI") of the programs whose cost is kernel sums
# over whole clouds: the same sources built with mpicc and -DGFD_MPI, with cli/mpi.c, over
# the same library. The plain programs never link MPI.
MPICC     ?= mpicc
MPI_NAMES  = gfd-flow gfd-velocity gfd-eval gfd-train
MPI_PROGS  = $(MPI_NAMES:%=$(BIN)/%-mpi)
MPI_OBJ    = $(CLI_SRC:%.c=$(BUILD)/mpi/%.o) $(BUILD)/mpi/cli/mpi.o

mpi: check-deps $(LIB_A)
	@command -v $(MPICC) >/dev/null || \
	  { echo "gfd: $(MPICC) not found (Debian: libopenmpi-dev openmpi-bin); run 'make deps' as root" >&2; exit 1; }
	@$(MAKE) -s $(MPI_PROGS)

$(BUILD)/mpi/%.o: %.c
	@mkdir -p $(dir $@)
	$(MPICC) $(CPPFLAGS) $(CFLAGS) -DGFD_MPI -c $< -o $@

$(BIN)/%-mpi: $(BUILD)/mpi/cmd/%.o $(MPI_OBJ) $(LIB_A)
	@mkdir -p $(BIN)
	$(MPICC) $(CFLAGS) $^ $(LDFLAGS) $(LIBS) -o $@

# Address and undefined-behaviour sanitizers over the whole test suite.
sanitize: deps
	$(MAKE) -j$(JOBS) BUILD=build-san BIN=build-san/bin OPT="-O1 -fno-omit-frame-pointer" \
	  CFLAGS='$$(OPT) -g -fsanitize=address,undefined -fno-sanitize-recover=all' \
	  LDFLAGS=-fsanitize=address,undefined test-san
test-san: $(PROGS) $(TESTS) $(TEST_PROGS) $(TEST_SHIM)
	@ASAN_OPTIONS=detect_leaks=1 GFD_BIN=$(CURDIR)/$(BIN) GFD_TESTBIN=$(CURDIR)/$(BUILD)/tests \
	  GFD_SKIP_INSTALL=1 GFD_SKIP_STUDY=1 tests/run

# libFuzzer over the point-cloud readers (tests/fuzz_read.c), the model loader
# (tests/fuzz_model.c) and the spec, schedule, metric-list and option parsers
# (tests/fuzz_spec.c), seeded with valid files of every format, for FUZZ_SECONDS (default
# 60) each under ASan/UBSan; a crash keeps its input in build-fuzz/.
FUZZ_SECONDS ?= 60
FUZZ_FLAGS = -O1 -g -fsanitize=address,undefined -std=c11 -D_GNU_SOURCE -Wno-unknown-pragmas \
	     -Ilib $(BLAS_CFLAGS)
FUZZ_OBJ = $(LIB_SRC:%.c=build-fuzz/%.o)
FUZZERS = build-fuzz/fuzz_read build-fuzz/fuzz_model build-fuzz/fuzz_spec

build-fuzz/%.o: %.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

build-fuzz/fuzz_%: tests/fuzz_%.c $(FUZZ_OBJ)
	clang $(FUZZ_FLAGS) -fsanitize=fuzzer $^ -o $@ $(LIBS) -lgomp

fuzz: deps
	@$(MAKE) -s -j$(JOBS) all $(FUZZERS)
	@mkdir -p build-fuzz/corpus build-fuzz/models
	tests/fuzz_corpus.sh build-fuzz/corpus build-fuzz/models build-fuzz/specs
	cd build-fuzz && ./fuzz_read -max_total_time=$(FUZZ_SECONDS) -max_len=4096 corpus
	cd build-fuzz && ./fuzz_model -max_total_time=$(FUZZ_SECONDS) -max_len=4096 models
	cd build-fuzz && ./fuzz_spec -max_total_time=$(FUZZ_SECONDS) -max_len=1024 specs

demo: deps
	@$(MAKE) -s all
	examples/demo.sh
	N=$${N:-1000} examples/experiment.sh
	examples/sphere.sh

# The study of the papers' claims (examples/study/): docs/results/*.md and PNGs, under 20
# minutes on 2 cores. STUDY_JOBS programs run side by side (default 2).
study: deps
	@$(MAKE) -s all
	examples/study/run

# The bench's reference for gfd-train (bench/train_torch.py) needs PyTorch: installed here
# only, not with DEB_PKGS, so that tests and CI stay light.
BENCH_PKGS = python3-torch

bench-deps:
	@missing=$$(for p in $(BENCH_PKGS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" != 0 ]; then echo "gfd: missing packages: $$missing (run 'make bench-deps' as root)" >&2; exit 1; fi; \
	  echo "gfd: installing $$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

bench: deps bench-deps
	@$(MAKE) -s all
	bench/run
	bench/train.sh

# gfd.pc is written for the PREFIX of each install.
install: check-deps $(PROGS) $(LIB_A) $(LIB_SO)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR)/gfd \
	  $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7
	install -m 755 $(PROGS) $(DESTDIR)$(BINDIR)
	$(if $(wildcard $(MPI_PROGS)),install -m 755 $(wildcard $(MPI_PROGS)) $(DESTDIR)$(BINDIR))
	install -m 644 $(LIB_A) $(DESTDIR)$(LIBDIR)
	install -m 755 $(LIB_SO) $(DESTDIR)$(LIBDIR)
	ln -sf libgfd.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libgfd.so.$(SOMAJOR)
	ln -sf libgfd.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libgfd.so
	sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(LIBDIR)|; s|@INCLUDEDIR@|$(INCLUDEDIR)|' \
	    -e 's|@VERSION@|$(VERSION)|; s|@LIBS_PRIVATE@|$(LIBS) -lgomp|' gfd.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/gfd.pc
	chmod 644 $(DESTDIR)$(LIBDIR)/pkgconfig/gfd.pc
	install -m 644 lib/gfd.h $(DESTDIR)$(INCLUDEDIR)
	install -m 644 $(PUBLIC_HEADERS) $(DESTDIR)$(INCLUDEDIR)/gfd
	install -m 644 man/*.1 $(DESTDIR)$(MANDIR)/man1
	install -m 644 man/*.7 $(DESTDIR)$(MANDIR)/man7

uninstall:
	rm -f $(addprefix $(DESTDIR)$(BINDIR)/,$(notdir $(PROGS) $(MPI_PROGS)))
	rm -f $(DESTDIR)$(LIBDIR)/libgfd.a $(DESTDIR)$(LIBDIR)/libgfd.so $(DESTDIR)$(LIBDIR)/libgfd.so.$(SOMAJOR) \
	  $(DESTDIR)$(LIBDIR)/libgfd.so.$(VERSION) $(DESTDIR)$(LIBDIR)/pkgconfig/gfd.pc $(DESTDIR)$(INCLUDEDIR)/gfd.h
	rm -f $(addprefix $(DESTDIR)$(INCLUDEDIR)/gfd/,$(notdir $(PUBLIC_HEADERS)))
	-rmdir $(DESTDIR)$(INCLUDEDIR)/gfd 2>/dev/null
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(wildcard man/*.1)))
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man7/,$(notdir $(wildcard man/*.7)))

print-blas-pcpath:
	@echo $(BLAS_PCPATH)

clean:
	rm -rf build build-san build-fuzz bin

.PHONY: print-blas-pcpath all check-deps deps test sanitize test-san fuzz demo study bench bench-deps install uninstall clean mpi
.SECONDARY:

-include $(wildcard $(BUILD)/*/*.d $(BUILD)/lib/*/*.d $(BUILD)/mpi/*/*.d build-fuzz/lib/*/*.d)
