# Shared set-up for every bats file.  IPCPLAY names the binary under test
# (the normal build by default; run-all.sh also runs the suite against the
# ASan+UBSan build).
bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

: "${IPCPLAY:=$BATS_TEST_DIRNAME/../ipcplay}"
[ -x "$IPCPLAY" ] || IPCPLAY="$BATS_TEST_DIRNAME/../../ipcplay"
IPCPLAY=$(cd "$(dirname "$IPCPLAY")" && pwd)/$(basename "$IPCPLAY")
export IPCPLAY
export NO_COLOR=1
# The expected lines are written with the UTF-8 glyphs (arrows, dashes);
# the glyphs follow the locale, so fix it here.  One test checks the
# ASCII forms under LC_ALL=C.
export LC_ALL=C.UTF-8
: "${BATS_TEST_TIMEOUT:=30}"
export BATS_TEST_TIMEOUT

# ipc SCRIPT...: run ipcplay on a -c script.
ipc() {
	"$IPCPLAY" "$@"
}

# no_children PID: true when no process has PID as its parent.
no_children() {
	! pgrep -P "$1" >/dev/null 2>&1
}

# never CMD...: fail the test if CMD succeeds.  A line "! CMD" can never
# fail a bats test (errexit ignores a negated command), so write
# "never CMD" instead.
never() {
	if "$@"; then
		echo "this should not have held: $*" >&2
		return 1
	fi
}

# screen_has GREP-ARGS...: the terminal (tmux tests) matches.
screen_has() {
	screen | grep -q "$@"
}
