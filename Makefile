# jianbao — typesetter for the 简报 bulletin.
#   make         install missing Debian packages, build ./jianbao, typeset out/2019-03.pdf
#   make test    the same set-up, then every test (unit, integration, bad input)
#   make test-long  the slow cases (tests/long: a 10 MB paragraph …), run by CI
#   make asan    the test suite under AddressSanitizer + UBSan
#   make bench   wall, CPU, peak memory and stages: the default issue, 16x its text, a warm
#                rebuild, and a watch rebuild after a one-paragraph edit
#   make fuzz    libFuzzer targets for the readers (clang)
#   make fuzz-layout SEEDS=N  the layout fuzzer over N random issues (make test runs 200)
#   make issues  rebuild every issue under issues/
#   make install PREFIX=/usr/local  the program, its man page, the house style and
#                profile, bash completion (DESTDIR for staging)
# Everything compiles on all cores (make -j1 for one at a time), and the tests run in
# parallel too.

ISSUE   ?= issues/2019-03
BUILD   ?= build
CC      ?= cc
PC_LIBS := harfbuzz harfbuzz-subset fontconfig libunibreak md4c inih lcms2 libqpdf libxml-2.0 libpng libdeflate \
	icu-uc
# Debian packages the build, the default issue and the tests need.
DEB_PKGS := gcc g++ make pkg-config libhpdf-dev libharfbuzz-dev libfontconfig-dev \
	libunibreak-dev libmd4c-dev libinih-dev liblcms2-dev libqpdf-dev libxml2-dev libpng-dev \
	libdeflate-dev libicu-dev libjpeg-dev libcmocka-dev fonts-noto-cjk fonts-lxgw-wenkai fonts-dejavu-core man-db \
	poppler-utils qpdf mupdf-tools ghostscript imagemagick clang libclang-rt-14-dev python3 pandoc

.PHONY: all deps build test test-only test-long asan bench fuzz fuzz-layout issues install install-files clean

all: deps
	@$(MAKE) --no-print-directory $(SUBJOBS) build
	@$(MAKE) --no-print-directory out/$(notdir $(ISSUE)).pdf

# Installs only what is missing; apt-get update runs once, and only then.
deps:
	@missing=$$(dpkg-query -W -f='$${Package} $${db:Status-Abbrev}\n' $(DEB_PKGS) 2>/dev/null \
		| awk '$$2 == "ii" { ok[$$1] = 1 } END { n = split("$(DEB_PKGS)", p, " "); \
		for (i = 1; i <= n; i++) if (!(p[i] in ok)) printf "%s ", p[i] }'); \
	if [ -n "$$missing" ]; then \
		echo "jianbao: installing missing packages: $$missing"; \
		if [ "$$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi; \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends $$missing \
		|| { echo "jianbao: could not install: $$missing" >&2; exit 1; }; \
	fi

# The sub-makes compile on every core unless make was given -j itself (make -j1: one at
# a time); read at recipe time, when MAKEFLAGS holds the command line's -j.
JOBS    ?= $(shell nproc 2>/dev/null || echo 1)
SUBJOBS  = $(if $(findstring -j,$(MAKEFLAGS)),,-j$(JOBS))

# ---- everything below runs in a sub-make, after deps, so pkg-config sees the libraries ----
PC_CFLAGS := $(shell pkg-config --cflags $(PC_LIBS) 2>/dev/null)
PC_LDLIBS := $(shell pkg-config --libs $(PC_LIBS) 2>/dev/null)
OPT     ?= -O2
Q       ?= @
CFLAGS  += -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(OPT) -g -Wall -Wextra -Werror \
	-Wshadow -Wstrict-prototypes -Wmissing-prototypes -I. $(PC_CFLAGS) $(SAN)
# C++ only for small units behind a C header that use libqpdf's C++ API.
CXXFLAGS += -std=c++17 $(OPT) -g -Wall -Wextra -Werror -Wshadow -I. $(PC_CFLAGS) $(SAN)
LDLIBS  += $(PC_LDLIBS) -lhpdf -ljpeg -lm -lpthread -lstdc++
LDFLAGS += $(SAN)

LIB_SRC := $(filter-out layout/app/cli.c,$(wildcard fonts/*.c layout/*/*.c))
LIB_CXX := $(wildcard layout/*/*.cc)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o) $(LIB_CXX:%.cc=$(BUILD)/%.o) $(BUILD)/gen/style_house.o
TEST_SRC := $(wildcard tests/unit/test_*.c)
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)

BIN     ?= jianbao
# Preflight (libqpdf, the C++ runtime, GnuTLS...) is a plugin the program opens only for
# `jianbao preflight` (layout/app/plugin.h), beside it; so the program links only the
# libraries it uses (--as-needed).
PLUGIN  := $(dir $(BIN))jianbao-preflight.so
PF_SRC  := $(wildcard layout/preflight/*.c) layout/base/vec.c layout/base/strbuf.c \
	layout/base/utf8.c layout/base/fileio.c
PF_OBJ  := $(PF_SRC:%.c=$(BUILD)/pic/%.o) $(patsubst %.cc,$(BUILD)/pic/%.o,$(wildcard layout/preflight/*.cc))

build: $(BIN) $(PLUGIN)

$(BIN): $(BUILD)/layout/app/cli.o $(BUILD)/libjianbao.a
	@echo "  LINK    $@"
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) -Wl,--as-needed $(LDLIBS)

$(PLUGIN): $(PF_OBJ)
	@echo "  LINK    $@"
	$(Q)$(CC) $(CFLAGS) -shared -Wl,-Bsymbolic -o $@ $^ $(LDFLAGS) -Wl,--as-needed $(LDLIBS)

$(BUILD)/pic/%.o: %.c $(wildcard layout/*/*.h)
	@mkdir -p $(dir $@)
	@echo "  CC      $< (plugin)"
	$(Q)$(CC) $(CFLAGS) -fPIC -c -o $@ $<

$(BUILD)/pic/%.o: %.cc $(wildcard layout/*/*.h)
	@mkdir -p $(dir $@)
	@echo "  CXX     $< (plugin)"
	$(Q)$(CXX) $(CXXFLAGS) -fPIC -c -o $@ $<

$(BUILD)/libjianbao.a: $(LIB_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

# The house style is built into the program from styles/zasto.ini, its one copy. Written
# to a temporary and renamed, so an interrupted or concurrent make never leaves half a
# file that looks up to date.
.PRECIOUS: %/gen/style_house.c
%/gen/style_house.c: styles/zasto.ini
	@mkdir -p $(dir $@)
	@{ echo '/* Generated from styles/zasto.ini by the Makefile; do not edit. */'; \
	  echo '#include "layout/style/style_house.h"'; \
	  echo 'const char style_house[] = {'; \
	  od -An -v -tx1 $< | sed 's/\([0-9a-f][0-9a-f]\)/0x\1,/g'; \
	  echo '0 };'; \
	  echo 'const size_t style_house_len = sizeof style_house - 1;'; } > $@.tmp.$$$$ && \
	  mv -f $@.tmp.$$$$ $@

$(BUILD)/gen/%.o: $(BUILD)/gen/%.c layout/style/style_house.h
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/%.o: %.c $(wildcard fonts/*.h layout/*/*.h)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/%.o: %.cc $(wildcard layout/*/*.h)
	@mkdir -p $(dir $@)
	@echo "  CXX     $<"
	$(Q)$(CXX) $(CXXFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libjianbao.a $(wildcard tests/unit/*.h)
	@mkdir -p $(dir $@)
	@echo "  TEST    $<"
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(BUILD)/libjianbao.a $(LDFLAGS) $(LDLIBS) -lcmocka

out/%.pdf: jianbao FORCE
	./jianbao build issues/$* -o $@

FORCE:

test: deps
	@$(MAKE) --no-print-directory $(SUBJOBS) test-only

test-only: $(BIN) $(PLUGIN) $(TEST_BIN)
	@JIANBAO=./$(BIN) BUILD=$(BUILD) sh tests/run.sh

# The slow cases, apart so that make test stays short on a busy machine.
test-long: deps
	@$(MAKE) --no-print-directory $(SUBJOBS) build
	@JIANBAO=./$(BIN) sh tests/run.sh tests/long

# Under the sanitizers the layout fuzzer runs 50 seeds (it checks memory there, not
# makeup; make test runs 200).
asan: deps
	@JB_LAYOUT_SEEDS=50 $(MAKE) --no-print-directory $(SUBJOBS) BUILD=build-asan BIN=build-asan/jianbao OPT=-O1 \
		SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
		test-only

bench: deps
	@$(MAKE) --no-print-directory $(SUBJOBS) build
	@sh tests/bench.sh ./jianbao $(ISSUE)
	@sh tests/bench_watch.sh ./jianbao $(ISSUE)

SEEDS ?= 2000
fuzz-layout: deps
	@$(MAKE) --no-print-directory $(SUBJOBS) $(BUILD)/tests/test_layout_fuzz
	JB_LAYOUT_SEEDS=$(SEEDS) $(BUILD)/tests/test_layout_fuzz

issues: deps
	@$(MAKE) --no-print-directory $(SUBJOBS) build
	./jianbao build issues/*

# libFuzzer targets (tests/fuzz/fuzz_*.c) over every library source, each run for
# FUZZ_SECONDS. Seeds: tests/fuzz/corpus/<target>/ and the real inputs below; new inputs
# go to build-fuzz/corpus/ (the committed seeds stay as they are).
FUZZ_SECONDS ?= 120
FUZZ_BUILD   := build-fuzz
FUZZ_TARGETS := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SEEDS_reader := $(wildcard issues/*/)
FUZZ_SEEDS_style  := styles
FUZZ_CFLAGS   = $(CFLAGS) -O1 -fno-omit-frame-pointer \
	-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
# vptr and function checks need clang's C++ UBSan runtime, which the C link leaves out.
FUZZ_CXXFLAGS = $(CXXFLAGS) -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined \
	-fno-sanitize=vptr,function -fno-sanitize-recover=all
FUZZ_OBJ     := $(LIB_SRC:%.c=$(FUZZ_BUILD)/%.o) $(LIB_CXX:%.cc=$(FUZZ_BUILD)/%.o) \
	$(FUZZ_BUILD)/gen/style_house.o

.PHONY: fuzz-run
.SECONDARY: $(FUZZ_OBJ)
fuzz: deps
	@$(MAKE) --no-print-directory fuzz-run

fuzz-run: $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz_%)
	@$(foreach t,$(FUZZ_TARGETS),mkdir -p $(FUZZ_BUILD)/corpus/$(t) && \
		echo "fuzz_$(t): $(FUZZ_SECONDS) s" && \
		$(FUZZ_BUILD)/fuzz_$(t) -max_total_time=$(FUZZ_SECONDS) -timeout=10 -max_len=65536 \
			-dict=tests/fuzz/$(t).dict -artifact_prefix=$(FUZZ_BUILD)/ -print_final_stats=1 \
			$(FUZZ_BUILD)/corpus/$(t) tests/fuzz/corpus/$(t) $(FUZZ_SEEDS_$(t)) && ) true

$(FUZZ_BUILD)/gen/%.o: $(FUZZ_BUILD)/gen/%.c
	clang $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_BUILD)/%.o: %.c $(wildcard fonts/*.h layout/*/*.h)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_BUILD)/%.o: %.cc $(wildcard layout/*/*.h)
	@mkdir -p $(dir $@)
	clang++ $(FUZZ_CXXFLAGS) -c -o $@ $<

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJ)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(LDFLAGS) $(LDLIBS)

# make install PREFIX=… [DESTDIR=…]: the program finds its house style and profile in
# $(PREFIX)/share/jianbao wherever it runs.
PREFIX  ?= /usr/local
DATADIR := $(DESTDIR)$(PREFIX)/share/jianbao
install: deps
	@$(MAKE) --no-print-directory $(SUBJOBS) build
	@$(MAKE) --no-print-directory install-files

# The copying alone (the tests install the binary they test).
install-files:
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DATADIR)/styles/icc $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
		$(DESTDIR)$(PREFIX)/lib/jianbao
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/jianbao
	install -m 644 $(PLUGIN) $(DESTDIR)$(PREFIX)/lib/jianbao/
	install -m 644 jianbao.1 $(DESTDIR)$(PREFIX)/share/man/man1/jianbao.1
	install -m 644 styles/*.ini $(DATADIR)/styles/
	install -m 644 styles/icc/* $(DATADIR)/styles/icc/
	install -m 644 completion/jianbao.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/jianbao

clean:
	rm -rf build build-asan build-fuzz jianbao jianbao-preflight.so
