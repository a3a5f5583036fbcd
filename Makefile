# gfd: make builds every program and lib/libgfd.a; `make test` runs every test;
# `make demo` runs the main job; `make deps` installs Debian packages (as root).
PREFIX  ?= /usr/local
CC      ?= cc
OPT     ?= -O3 -march=native
CFLAGS  ?= $(OPT) -g
CPPFLAGS += -I/usr/include/x86_64-linux-gnu/openblas-pthread
override CFLAGS += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wshadow -fno-math-errno -ffp-contract=fast -fopenmp
LDLIBS  = -lopenblas -lz -lm
BUILD   ?= build
BIN     ?= bin

LIB_SRC  = $(wildcard lib/*.c)
CLI_SRC  = $(wildcard cli/*.c)
CMD_SRC  = $(wildcard cmd/*.c)
TEST_SRC = $(wildcard tests/test_*.c)
PROGS    = $(CMD_SRC:cmd/%.c=$(BIN)/%)
TESTS    = $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
TEST_PROGS = $(BUILD)/tests/iocat
LIB      = $(BUILD)/libgfd.a
CLI_OBJ  = $(CLI_SRC:%.c=$(BUILD)/%.o)
PRIVATE_HEADERS = lib/io_stream.h lib/vexp.h lib/field_impl.h
PUBLIC_HEADERS  = $(filter-out $(PRIVATE_HEADERS),$(wildcard lib/*.h))

DEB_PKGS = build-essential clang libclang-rt-14-dev zlib1g-dev libopenblas-dev gnuplot-nox bats man-db \
           python3-numpy python3-scipy python3-pot python3-mpmath

all: check-deps $(PROGS) $(TESTS) $(TEST_PROGS) lib/libgfd.a

# A missing dependency stops the build with a message: no feature is silently disabled.
check-deps:
	@for h in zlib.h cblas.h; do \
	  echo "#include <$$h>" | $(CC) $(CPPFLAGS) -E -x c - >/dev/null 2>&1 || \
	  { echo "gfd: missing $$h (Debian: zlib1g-dev, libopenblas-dev); run 'make deps' as root" >&2; exit 1; }; \
	done

deps:
	@missing=$$(for p in $(DEB_PKGS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" != 0 ]; then echo "gfd: missing packages: $$missing (run 'make deps' as root)" >&2; exit 1; fi; \
	  echo "gfd: installing $$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

$(BUILD)/%.o: %.c $(wildcard lib/*.h cli/*.h tests/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(LIB): $(LIB_SRC:%.c=$(BUILD)/%.o)
	@rm -f $@
	ar rcs $@ $^

lib/libgfd.a: $(LIB)
	cp $< $@

$(BIN)/%: $(BUILD)/cmd/%.o $(CLI_OBJ) $(LIB)
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS) $^ $(LDFLAGS) $(LDLIBS) -o $@

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(LIB)
	$(CC) $(CFLAGS) $^ $(LDFLAGS) $(LDLIBS) -o $@

# A test-only program for tests/io.bats (not a unit test: tests/run runs test_* only).
$(BUILD)/tests/iocat: $(BUILD)/tests/iocat.o $(CLI_OBJ) $(LIB)
	$(CC) $(CFLAGS) $^ $(LDFLAGS) $(LDLIBS) -o $@

test: deps
	@$(MAKE) -s all
	@GFD_BIN=$(CURDIR)/$(BIN) GFD_TESTBIN=$(CURDIR)/$(BUILD)/tests tests/run

# Address and undefined-behaviour sanitizers over the whole test suite.
sanitize: deps
	$(MAKE) BUILD=build-san BIN=build-san/bin OPT="-O1 -fno-omit-frame-pointer" \
	  CFLAGS='$$(OPT) -g -fsanitize=address,undefined -fno-sanitize-recover=all' \
	  LDFLAGS=-fsanitize=address,undefined test-san
test-san: $(PROGS) $(TESTS) $(TEST_PROGS)
	@ASAN_OPTIONS=detect_leaks=1 GFD_BIN=$(CURDIR)/$(BIN) GFD_TESTBIN=$(CURDIR)/$(BUILD)/tests tests/run

# libFuzzer over the point-cloud readers (tests/fuzz_read.c), seeded with valid files of every
# format, for FUZZ_SECONDS (default 60) under ASan/UBSan; a crash keeps its input in build-fuzz/.
FUZZ_SECONDS ?= 60
fuzz: deps
	@$(MAKE) -s all
	@mkdir -p build-fuzz/corpus
	clang -O1 -g -fsanitize=fuzzer,address,undefined -std=c11 -D_GNU_SOURCE -Wno-unknown-pragmas \
	  $(CPPFLAGS) $(LIB_SRC) tests/fuzz_read.c -o build-fuzz/fuzz_read $(LDLIBS)
	tests/fuzz_corpus.sh build-fuzz/corpus
	cd build-fuzz && ./fuzz_read -max_total_time=$(FUZZ_SECONDS) -max_len=4096 corpus

demo: deps
	@$(MAKE) -s all
	examples/demo.sh
	N=$${N:-1000} examples/experiment.sh
	examples/sphere.sh

bench: deps
	@$(MAKE) -s all
	bench/run

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include/gfd \
	  $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man7
	install -m 755 $(PROGS) $(DESTDIR)$(PREFIX)/bin
	install -m 644 $(LIB) $(DESTDIR)$(PREFIX)/lib
	install -m 644 $(PUBLIC_HEADERS) $(DESTDIR)$(PREFIX)/include/gfd
	install -m 644 man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 644 man/*.7 $(DESTDIR)$(PREFIX)/share/man/man7

clean:
	rm -rf build build-san build-fuzz bin lib/libgfd.a

.PHONY: all check-deps deps test sanitize test-san fuzz demo bench install clean
.SECONDARY:
