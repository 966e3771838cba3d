#!/bin/sh
# What the build, the tests and the fuzzer need from the system, checked
# before anything is compiled, and installed when we can.
#
#   sh mk/deps.sh [--install|--check] GROUP...     GROUP: build test fuzz
#
# Each need is checked the way the build uses it (a pkg-config module, a
# command, a bats library, a compiler feature), never by package name, so
# a machine that has what we need from elsewhere is fine.  When something
# is missing: as root, apt-get update + install; otherwise sudo when there
# is a terminal to ask for a password; otherwise (or with --check, or
# IPCPLAY_DEPS=check) one line on stdout naming the packages and the
# command, and exit 1.  Installing says so on stderr (apt's own output
# only if it fails): make runs us inside $(shell) and prints what we say
# on stdout as its error.

mode=auto
groups=
for a; do
	case $a in
	--install) mode=install ;;
	--check) mode=check ;;
	build|test|fuzz) groups="$groups $a" ;;
	*) echo "mk/deps.sh: unknown argument '$a'" >&2; exit 2 ;;
	esac
done
[ "${IPCPLAY_DEPS:-}" = check ] && mode=check

# The compiler is CC's first word, past a wrapper such as ccache.
set -- ${CC:-gcc}
case $1 in ccache|distcc) [ $# -gt 1 ] && shift ;; esac
cc_cmd=$1
case ${cc_cmd##*/} in
clang*) cc_pkg=clang ;;
*) cc_pkg=gcc ;;
esac

have_cmd() { command -v "$1" >/dev/null 2>&1; }
have_pc() { have_cmd pkg-config && pkg-config --exists "$1"; }
have_bats_lib() {
	IFS=:
	for d in ${BATS_LIB_PATH:-/usr/lib/bats:/usr/local/lib/bats}; do
		[ -f "$d/$1/load.bash" ] && { unset IFS; return 0; }
	done
	unset IFS
	return 1
}
have_fuzzer() {
	have_cmd clang || return 1
	t=$(mktemp -d) || return 1
	printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n)\n{ return d == 0 && n == 0; }\n' >"$t/f.c"
	clang -fsanitize=fuzzer -o "$t/f" "$t/f.c" >/dev/null 2>&1
	r=$?
	rm -rf "$t"
	return $r
}

# need PACKAGE WHAT CHECK...: PACKAGE provides WHAT, which CHECK tests.
missing=
whats=
need() {
	pkg=$1 what=$2
	shift 2
	"$@" && return 0
	case " $missing " in *" $pkg "*) return 0 ;; esac
	missing="$missing $pkg"
	whats="$whats, $pkg ($what)"
}

check() {
	missing= whats=
	for g in $groups; do
		case $g in
		build)
			need "$cc_pkg" "$cc_cmd" have_cmd "$cc_cmd"
			need pkg-config pkg-config have_cmd pkg-config
			need libbsd-dev "pkg-config libbsd-overlay" \
			    have_pc libbsd-overlay
			need libreadline-dev "pkg-config readline" \
			    have_pc readline
			need libncurses-dev "pkg-config ncursesw" \
			    have_pc ncursesw
			need libpcre2-dev "pkg-config libpcre2-8" \
			    have_pc libpcre2-8
			;;
		test)
			need bats bats have_cmd bats
			need bats-support "bats library bats-support" \
			    have_bats_lib bats-support
			need bats-assert "bats library bats-assert" \
			    have_bats_lib bats-assert
			need tmux tmux have_cmd tmux
			need mandoc mandoc have_cmd mandoc
			need valgrind valgrind have_cmd valgrind
			need procps "pgrep, ps" have_cmd pgrep
			need python3 python3 have_cmd python3
			need strace strace have_cmd strace
			;;
		fuzz)
			need clang clang have_cmd clang
			need libclang-rt-dev "clang -fsanitize=fuzzer" \
			    have_fuzzer
			;;
		esac
	done
	[ -z "$missing" ]
}

check && exit 0
pkgs=${missing# }

if [ "$mode" != check ] && have_cmd apt-get; then
	if [ "$(id -u)" = 0 ]; then
		sudo=
	elif [ -t 0 ] && have_cmd sudo; then
		sudo="sudo "
	else
		sudo=no
	fi
	if [ "$sudo" != no ]; then
		# apt's chatter goes to a log, shown only when it fails.
		log=$(mktemp)
		echo "ipcplay: installing $pkgs (apt-get)" >&2
		if ${sudo}apt-get update -qq >"$log" 2>&1 &&
		    DEBIAN_FRONTEND=noninteractive ${sudo}apt-get install \
		    -y -qq --no-install-recommends $pkgs >>"$log" 2>&1 </dev/null
		then
			rm -f "$log"
			check && exit 0
		else
			cat "$log" >&2
			rm -f "$log"
		fi
	fi
fi

# Say what is missing in one line.  A package that is installed and still
# missing means the check looks elsewhere (PKG_CONFIG_LIBDIR, PATH, ...).
installed=
if have_cmd dpkg-query; then
	for p in $pkgs; do
		s=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)
		[ "$s" = "install ok installed" ] && installed="$installed $p"
	done
fi
if [ -n "$installed" ]; then
	echo "ipcplay: missing${whats#,}; installed but not found:${installed} (check PATH, PKG_CONFIG_PATH and PKG_CONFIG_LIBDIR)"
else
	echo "ipcplay: missing${whats#,}: run 'sudo apt-get update && sudo apt-get install $pkgs' (or 'sudo make deps')"
fi
exit 1
