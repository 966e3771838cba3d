#!/usr/bin/env bats
# The man pages: lint-clean, and complete with respect to the command
# table and the options (the binary itself says what they are).

load test_helper/common

ROOT="$BATS_TEST_DIRNAME/.."

@test "mandoc -Tlint -Wwarning finds nothing in the man pages" {
	run -0 mandoc -Tlint -Wwarning "$ROOT/man/ipcplay.1" "$ROOT/man/ipcplay-lessons.7"
	assert_output ''
}

@test "every command in the table is documented in ipcplay(1)" {
	run -0 "$IPCPLAY" -c help
	words=$(printf '%s\n' "$output" | awk '/^  /{ if ($1 == "PROC") print $2; else print $1 }')
	[ -n "$words" ]
	missing=
	for w in $words; do
		grep -Eq "^\.It .*Ic $w( |$)" "$ROOT/man/ipcplay.1" || missing="$missing $w"
	done
	[ -z "$missing" ] || { echo "not in man/ipcplay.1:$missing"; false; }
}

@test "every long option of --help is in ipcplay(1)" {
	run -0 "$IPCPLAY" --help
	opts=$(printf '%s\n' "$output" | grep -o -- '--[a-z][a-z-]*' | sort -u)
	[ -n "$opts" ]
	for o in $opts; do
		grep -q -- "Fl \\\\-${o#--}" "$ROOT/man/ipcplay.1" || { echo "missing $o"; false; }
	done
}
