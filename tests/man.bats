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

@test "every command's usage line, as the table makes it, is in ipcplay(1)" {
	# Rendered wide, blanks aside ("NAME ..." is "NAME...").
	page=$(mandoc -Tascii -Owidth=250 "$ROOT/man/ipcplay.1" | col -b | tr -d ' ')
	run -0 "$IPCPLAY" --grammar
	checked=0
	while IFS=$'\t' read -r usage rest; do
		grep -qF -- "$(tr -d ' ' <<<"$usage")" <<<"$page" ||
		    { echo "ipcplay(1) lacks: $usage"; false; }
		checked=$((checked + 1))
	done <<<"$(grep -v '^expect: ' <<<"$output")"
	[ "$checked" -ge 60 ]
}

@test "every long option of --help is in ipcplay(1)" {
	run -0 "$IPCPLAY" --help
	opts=$(printf '%s\n' "$output" | grep -o -- '--[a-z][a-z-]*' | sort -u)
	[ -n "$opts" ]
	for o in $opts; do
		grep -q -- "Fl \\\\-${o#--}" "$ROOT/man/ipcplay.1" || { echo "missing $o"; false; }
	done
}
