# ipcplay — an educational IPC playground.
#
#   make            build ./ipcplay (and build/libipccore.a)
#   make check      build, run every test (normal and ASan+UBSan builds)
#   make run        start the playground
#   make deps       install the Debian packages the build and tests need
#   make install    PREFIX=/usr/local DESTDIR=
#   make bench      the performance figures

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
MANDIR	?= $(PREFIX)/share/man
SHAREDIR ?= $(PREFIX)/share/ipcplay
BUILD	?= build

CC	?= gcc
CFLAGS	?= -O2 -g
WARN	 = -std=c11 -Wall -Wextra -Wshadow -Wpointer-arith -Wstrict-prototypes \
	   -Wmissing-prototypes -Wno-unused-parameter
ifdef CI
WARN	+= -Werror
endif
ifdef WERROR
WARN	+= -Werror
endif

BSD_CFLAGS	:= $(shell pkg-config --cflags libbsd-overlay 2>/dev/null)
BSD_LIBS	:= $(shell pkg-config --libs libbsd-overlay 2>/dev/null)
UI_CFLAGS	:= $(shell pkg-config --cflags readline ncursesw 2>/dev/null)
UI_LIBS		:= $(shell pkg-config --libs readline ncursesw 2>/dev/null)

VERSION	 = 0.1.0
DEFS	 = -D_GNU_SOURCE -DIPCPLAY_VERSION='"$(VERSION)"' \
	   -DIPCPLAY_LESSONS='"$(SHAREDIR)/lessons"'

CORE_SRCS = $(wildcard core/*.c)
CLI_SRCS  = $(wildcard cli/*.c)
CORE_OBJS = $(CORE_SRCS:%.c=$(BUILD)/%.o)
CLI_OBJS  = $(CLI_SRCS:%.c=$(BUILD)/%.o)

ASAN	 = -fsanitize=address,undefined -fno-sanitize-recover=all \
	   -fno-omit-frame-pointer

all: ipcplay

ipcplay: $(BUILD)/ipcplay
	cp $(BUILD)/ipcplay $@

$(BUILD)/ipcplay: $(CLI_OBJS) $(BUILD)/libipccore.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJS) $(BUILD)/libipccore.a \
	    $(UI_LIBS) $(BSD_LIBS)

$(BUILD)/libipccore.a: $(CORE_OBJS)
	$(AR) rcs $@ $^

$(BUILD)/core/%.o: core/%.c
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) $(DEFS) $(BSD_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/cli/%.o: cli/%.c
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) $(DEFS) -Icore $(UI_CFLAGS) $(BSD_CFLAGS) \
	    -MMD -MP -c -o $@ $<

-include $(CORE_OBJS:.o=.d) $(CLI_OBJS:.o=.d)

# The sanitizer build lives in its own tree and is tested by make check.
asan:
	$(MAKE) BUILD=build-asan CFLAGS="-O1 -g $(ASAN)" \
	    LDFLAGS="$(ASAN)" build-asan/ipcplay

# Unit tests of core/ alone: no readline, no curses.
$(BUILD)/unit: tests/unit/core-unit.c $(BUILD)/libipccore.a
	$(CC) $(WARN) $(CFLAGS) $(DEFS) -Icore $(BSD_CFLAGS) -o $@ $< \
	    $(BUILD)/libipccore.a $(BSD_LIBS)

check: ipcplay asan $(if $(wildcard tests/unit/core-unit.c),$(BUILD)/unit)
	@sh tests/run-all.sh

run: ipcplay
	@if [ -t 0 ] && [ -t 1 ]; then ./ipcplay; \
	else ./ipcplay tests/demo.ipc; fi

bench: ipcplay
	@sh tests/bench/bench.sh

deps:
	@if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	$$SUDO apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    build-essential pkg-config libreadline-dev libncurses-dev \
	    libbsd-dev bats bats-assert bats-support tmux mandoc valgrind \
	    util-linux procps python3 >/dev/null

install: ipcplay
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(SHAREDIR)/lessons
	install -m 755 ipcplay $(DESTDIR)$(BINDIR)/ipcplay
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
	rm -rf build build-asan ipcplay

.PHONY: all asan check run bench deps install uninstall clean
