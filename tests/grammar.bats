#!/usr/bin/env bats
# The command table carries each command's grammar: this walks it
# (ipcplay --grammar) and asks the completer (--complete) what it offers
# at every position of every command, so completion cannot drift from
# the table, and checks that the man page names every argument kind.

load test_helper/common

SETUP='spawn A B; channel c unbounded from A to B; channel d rendezvous'

# A value that fits a kind, to fill the positions before the one asked.
sample() {
	case $1 in
	PROC) echo B ;; CHAN|SEND-CHAN) echo c ;; RECV-CHAN) echo d ;;
	SIGNAL) echo USR1 ;; N) echo 2 ;; BUFFERING) echo unbounded ;;
	COMMAND) echo ps ;; LESSON) echo 1 ;; WHAT) echo A ;; *) echo x ;;
	esac
}

# What the completer must offer for a kind (a grep -x pattern), or "".
expected() {
	case $1 in
	PROC) echo 'B' ;; CHAN) echo 'd' ;; SEND-CHAN) echo '@B' ;;
	RECV-CHAN) echo '@A' ;; SIGNAL) echo 'USR1' ;;
	BUFFERING) echo 'bounded' ;; COMMAND) echo 'spawn' ;;
	LESSON) echo 'deadlock' ;; WHAT) echo 'deadlock' ;;
	WORD) echo '.*' ;; *) echo '' ;;
	esac
}

@test "every position of every command in the table completes what the table says" {
	run -0 "$IPCPLAY" --grammar
	grammar=$output
	checked=0
	while read -r first rest; do
		if [ "$first" = PROC ]; then
			set -- $rest
			prefix="A $1"
			shift
		else
			set -- $rest
			prefix=$first
		fi
		for kind; do
			case $kind in \[*) continue ;; esac
			kind=${kind%...}
			want=$(expected "$kind")
			run -0 "$IPCPLAY" -c "$SETUP" --complete "$prefix "
			if [ -n "$want" ] && ! grep -qx -- "$want" <<<"$output"; then
				echo "'$prefix ' offers: $output (want $want for $kind)"
				false
			fi
			# A receive offers only what the process may receive from.
			if [ "$kind" = RECV-CHAN ]; then
				never grep -qx -- '@B' <<<"$output"
				never grep -qx -- 'c' <<<"$output"
			fi
			checked=$((checked + 1))
			[ "$kind" = WORD ] && v=$(head -1 <<<"$output") || v=$(sample "$kind")
			prefix="$prefix $v"
		done
	done <<<"$grammar"
	[ "$checked" -gt 30 ]
}

@test "every option in the table completes after a dash" {
	run -0 "$IPCPLAY" --grammar
	while read -r line; do
		opts=$(grep -o '\[-[^]]*\]' <<<"$line" | tr -d '[]') || continue
		set -- $line
		prefix="$1 $2"
		[ "$1" = PROC ] && prefix="A $2"
		for o in $opts; do
			run -0 "$IPCPLAY" -c "$SETUP" --complete "$prefix -"
			grep -qx -- "$o" <<<"$output" || { echo "$prefix: no $o"; false; }
		done
	done <<<"$output"
}

@test "the man page names every argument kind of the table" {
	run -0 "$IPCPLAY" --grammar
	kinds=$(tr ' ' '\n' <<<"$output" | sed 's/\.\.\.$//' | grep -x '[A-Z][A-Z-]*' |
	    grep -vx PROC | sort -u)
	kinds="$kinds PROC"
	for k in $kinds; do
		grep -q "^\.It Ar $k\$" "$BATS_TEST_DIRNAME/../man/ipcplay.1" ||
		    { echo "ipcplay(1) has no .It Ar $k"; false; }
	done
}
