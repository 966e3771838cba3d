# ipcplay — an educational IPC playground.
#
#   make            build ./ipcplay (and build/libipccore.a)
#   make check      build, run every test (normal and ASan+UBSan builds)
#   make run        start the playground
#   make deps       install the Debian packages the build and tests need
#   make install    PREFIX=/usr/local DESTDIR=
#   make bench      the performance figures
#   make fuzz       run the fuzzers for FUZZ_SECONDS (60) each

.DEFAULT_GOAL := all

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
MANDIR	?= $(PREFIX)/share/man
SHAREDIR ?= $(PREFIX)/share/ipcplay
BUILD	?= build

# make's built-in CC is "cc", so "CC ?= gcc" would never apply.
ifeq ($(origin CC),default)
CC	 = gcc
endif
CFLAGS	?= -O2 -g
WARN	 = -std=c11 -Wall -Wextra -Wshadow -Wpointer-arith -Wstrict-prototypes \
	   -Wmissing-prototypes -Wno-unused-parameter \
	   -Werror=implicit-function-declaration -Werror=implicit-int \
	   -Werror=incompatible-pointer-types
ifdef CI
WARN	+= -Werror
endif
ifdef WERROR
WARN	+= -Werror
endif

VERSION	 = 0.1.0
DEFS	 = -D_GNU_SOURCE -DIPCPLAY_VERSION='"$(VERSION)"' \
	   -DIPCPLAY_LESSONS='"$(SHAREDIR)/lessons"'

# What the goals need from the system is checked (and, as root or with
# sudo, installed) before the flags below are read and anything is
# compiled: a missing library is one line naming its package, never a
# wall of compiler errors.  See mk/deps.sh.
# A dry run (-n, -q, shell completion's -npq) installs nothing and writes
# nothing: it only looks.
NODEPS_GOALS = clean deps uninstall
DRY_RUN := $(findstring n,$(firstword -$(MAKEFLAGS)))$(findstring \
	   q,$(firstword -$(MAKEFLAGS)))
ifneq ($(filter-out $(NODEPS_GOALS),$(or $(MAKECMDGOALS),all)),)
ifeq ($(IPCPLAY_DEPS_OK),)
DEPS_GROUPS = build $(if $(filter check,$(MAKECMDGOALS)),test) \
	      $(if $(filter fuzz,$(MAKECMDGOALS)),fuzz)
DEPS_SAYS := $(shell CC='$(CC)' sh mk/deps.sh $(if $(DRY_RUN),--check) \
	     $(DEPS_GROUPS))
ifneq ($(DEPS_SAYS),)
$(error $(DEPS_SAYS))
endif
export IPCPLAY_DEPS_OK = 1
endif

PKGS		 = libbsd-overlay readline ncursesw libpcre2-8
PKG_CFLAGS	:= $(shell pkg-config --cflags $(PKGS))
PKG_LIBS	:= $(shell pkg-config --libs $(PKGS)) -lm
CORE_PKG_CFLAGS	:= $(shell pkg-config --cflags libbsd-overlay libpcre2-8)
CORE_PKG_LIBS	:= $(shell pkg-config --libs libbsd-overlay libpcre2-8) -pthread

# Everything built depends on the flags it was built with ($(BUILD)/flags
# changes only when they do): "make CFLAGS=-O0" after "make" rebuilds it
# all, instead of linking objects of two different builds.
FLAGS_NOW = $(CC) $(WARN) $(CFLAGS) $(DEFS) $(PKG_CFLAGS) | $(LDFLAGS) $(PKG_LIBS)
ifeq ($(DRY_RUN),)
ifneq ($(file <$(BUILD)/flags),$(FLAGS_NOW))
$(shell mkdir -p $(BUILD))$(file >$(BUILD)/flags,$(FLAGS_NOW))
endif
endif
endif

# After "make clean" in the same run, the stamp is made again (not in a
# dry run, which writes nothing).
$(BUILD)/flags:
	$(if $(DRY_RUN),,$(shell mkdir -p $(@D))$(file >$@,$(FLAGS_NOW)))@:

CORE_SRCS = $(wildcard core/*.c)
CLI_SRCS  = $(wildcard cli/*.c)
CORE_OBJS = $(CORE_SRCS:%.c=$(BUILD)/%.o)
CLI_OBJS  = $(CLI_SRCS:%.c=$(BUILD)/%.o)

ASAN	 = -fsanitize=address,undefined -fno-sanitize-recover=all \
	   -fno-omit-frame-pointer

# One short line per step; V=1 shows the whole commands, -s nothing.
ifeq ($(V),1)
Q	 =
say	 = @:
else ifneq ($(findstring s,$(firstword -$(MAKEFLAGS))),)
Q	 = @
say	 = @:
else
Q	 = @
say	 = @printf '  %-6s %s\n'
endif

all: ipcplay

# A new file renamed into place: a running ipcplay keeps its own.
ipcplay: $(BUILD)/ipcplay
	$(Q)cp $(BUILD)/ipcplay $@.tmp && mv -f $@.tmp $@

$(BUILD)/ipcplay: $(CLI_OBJS) $(BUILD)/libipccore.a $(BUILD)/flags
	$(say) LINK $@
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJS) $(BUILD)/libipccore.a \
	    $(PKG_LIBS)

$(BUILD)/libipccore.a: $(CORE_OBJS)
	$(say) AR $@
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(BUILD)/core/%.o: core/%.c $(BUILD)/flags
	$(say) CC $<
	@mkdir -p $(@D)
	$(Q)$(CC) $(WARN) $(CFLAGS) $(DEFS) $(CORE_PKG_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/cli/%.o: cli/%.c $(BUILD)/flags
	$(say) CC $<
	@mkdir -p $(@D)
	$(Q)$(CC) $(WARN) $(CFLAGS) $(DEFS) -Icore $(PKG_CFLAGS) \
	    -MMD -MP -c -o $@ $<

-include $(CORE_OBJS:.o=.d) $(CLI_OBJS:.o=.d)

# The sanitizer build lives in its own tree and is tested by make check.
asan:
	$(Q)$(MAKE) --no-print-directory BUILD=build-asan CFLAGS="-O1 -g $(ASAN)" \
	    LDFLAGS="$(ASAN)" build-asan/ipcplay

# The fuzzers (clang's libFuzzer, with ASan and UBSan): a whole script
# in a fresh playground, and the lexer alone.  "make fuzz" builds them in
# their own tree and runs each for FUZZ_SECONDS; see tests/fuzz/run.sh.
FUZZ_SECONDS ?= 60
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_OBJS = $(filter-out $(BUILD)/cli/main.o,$(CLI_OBJS))

fuzz:
	$(Q)$(MAKE) --no-print-directory BUILD=build-fuzz CC=clang \
	    CFLAGS="-g -O1 -fsanitize=fuzzer-no-link $(FUZZ_SAN)" \
	    build-fuzz/fuzz-script build-fuzz/fuzz-lex build-fuzz/fuzz-serve
	@bash tests/fuzz/run.sh $(FUZZ_SECONDS) build-fuzz

$(BUILD)/fuzz-%: tests/fuzz/fuzz-%.c $(FUZZ_OBJS) $(BUILD)/libipccore.a \
    $(BUILD)/flags
	$(say) LINK $@
	$(Q)$(CC) $(WARN) $(CFLAGS) $(DEFS) -Icore -Icli $(PKG_CFLAGS) \
	    -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJS) $(BUILD)/libipccore.a \
	    $(PKG_LIBS)

# Unit tests of core/ alone: no readline, no curses.
$(BUILD)/unit: tests/unit/core-unit.c $(BUILD)/libipccore.a $(BUILD)/flags
	$(say) CC $<
	$(Q)$(CC) $(WARN) $(CFLAGS) $(DEFS) -Icore $(CORE_PKG_CFLAGS) -o $@ $< \
	    $(BUILD)/libipccore.a $(CORE_PKG_LIBS)

check: ipcplay asan $(if $(wildcard tests/unit/core-unit.c),$(BUILD)/unit)
	@bash tests/run-all.sh

run: ipcplay
	@if [ -t 0 ] && [ -t 1 ]; then ./ipcplay; \
	else ./ipcplay tests/demo.ipc; fi

bench: ipcplay
	@sh tests/bench/bench.sh

deps:
	@sh mk/deps.sh --install build test fuzz

install: $(BUILD)/ipcplay
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(SHAREDIR)/lessons
	install -m 755 $(BUILD)/ipcplay $(DESTDIR)$(BINDIR)/ipcplay
	install -m 644 man/ipcplay.1 $(DESTDIR)$(MANDIR)/man1/ipcplay.1
	if [ -f man/ipcplay-lessons.7 ]; then install -m 644 \
	    man/ipcplay-lessons.7 $(DESTDIR)$(MANDIR)/man7/; fi
	for f in lessons/*.ipc; do [ -f "$$f" ] && install -m 644 "$$f" \
	    $(DESTDIR)$(SHAREDIR)/lessons/ || true; done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/ipcplay $(DESTDIR)$(MANDIR)/man1/ipcplay.1 \
	    $(DESTDIR)$(MANDIR)/man7/ipcplay-lessons.7
	rm -rf $(DESTDIR)$(SHAREDIR)

clean:
	rm -rf build build-asan build-fuzz ipcplay ipcplay.tmp

.PHONY: all asan check run bench deps fuzz install uninstall clean
