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

# The words that start a command of a usage line, as typed for process A.
prefix_of() {
	set -- $1
	if [ "$1" = PROC ]; then echo "A $2"; else echo "$1"; fi
}

@test "every position of every command in the table completes what the table says" {
	run -0 "$IPCPLAY" --grammar
	grammar=$(grep -v '^expect: ' <<<"$output")	# the next test's
	checked=0
	while IFS=$'\t' read -r usage kinds opts; do
		[ "$kinds" = - ] && kinds=; [ "$opts" = - ] && opts=
		prefix=$(prefix_of "$usage")
		for kind in $kinds; do
			kind=${kind#[}; kind=${kind%]}; kind=${kind%...}
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

@test "every option in the table completes after a dash, and a value of words after the option" {
	run -0 "$IPCPLAY" --grammar
	checked=0
	while IFS=$'\t' read -r usage kinds opts; do
		[ "$kinds" = - ] && kinds=; [ "$opts" = - ] && opts=
		prefix=$(prefix_of "$usage")
		for o in $opts; do
			run -0 "$IPCPLAY" -c "$SETUP" --complete "$prefix -"
			grep -qx -- "${o%%=*}" <<<"$output" || { echo "$prefix: no ${o%%=*}"; false; }
			if [ "${o#*=}" = WORD ]; then
				run -0 "$IPCPLAY" -c "$SETUP" --complete "$prefix ${o%%=*} "
				[ -n "$output" ] || { echo "$prefix ${o%%=*}: no words"; false; }
			fi
			checked=$((checked + 1))
		done
	done <<<"$(grep -v '^expect: ' <<<"$output")"
	[ "$checked" -ge 20 ]
}

# A command line that fills the positions a usage line must have.
filled() {
	local usage=$1 kinds=$2 line k
	line=$(prefix_of "$usage")
	for k in $kinds; do
		case $k in \[*) break ;; esac
		k=${k%...}
		case $k in
		WORD) v=$("$IPCPLAY" -c "$SETUP" --complete "$line " | head -1) ;;
		*) v=$(sample "$k") ;;
		esac
		line="$line $v"
	done
	echo "$line"
}

@test "one parser checks every option value and number the table declares, with one error each" {
	run -0 "$IPCPLAY" --grammar
	checked=0
	while IFS=$'\t' read -r usage kinds opts; do
		[ "$kinds" = - ] && kinds=; [ "$opts" = - ] && opts=
		base=$(filled "$usage" "$kinds")
		for o in $opts; do
			name=${o%%=*}
			case $o in
			*=N)	# a number out of its range, or none at all
				run -1 --separate-stderr "$IPCPLAY" -c "$SETUP; $base $name zz"
				[[ "$stderr" == *" 'zz' is invalid ("*" to "*")" ]] ||
				    { echo "$base $name zz: $stderr"; false; }
				run -1 --separate-stderr "$IPCPLAY" -c "$SETUP; $base $name"
				[[ "$stderr" == *"$name needs"* ]] ||
				    { echo "$base $name: $stderr"; false; }
				;;
			*=WORD)
				run -1 --separate-stderr "$IPCPLAY" -c "$SETUP; $base $name zz"
				[[ "$stderr" == *"$name: unexpected 'zz' (one of: "* ]] ||
				    { echo "$base $name zz: $stderr"; false; }
				;;
			*=*)	continue ;;
			*)	# a flag given twice
				run -1 --separate-stderr "$IPCPLAY" -c "$SETUP; $base $name $name"
				[[ "$stderr" == *"$name given twice"* ]] ||
				    { echo "$base $name $name: $stderr"; false; }
				;;
			esac
			checked=$((checked + 1))
		done
		# An option the command does not take.
		if [ -n "$opts" ]; then
			run -1 --separate-stderr "$IPCPLAY" -c "$SETUP; $base --nosuch"
			[[ "$stderr" == *"unknown option '--nosuch' for "* ]] ||
			    { echo "$base --nosuch: $stderr"; false; }
		fi
		# A number at a position, out of range.
		case " $kinds " in
		*" N "*|*" [N] "*|*" N... "*)
			line=$(prefix_of "$usage")
			for k in $kinds; do
				k=${k#[}; k=${k%]}; k=${k%...}
				if [ "$k" = N ]; then line="$line 99999999999999999999"; break; fi
				case $k in WORD) v=$("$IPCPLAY" -c "$SETUP" --complete "$line " | head -1) ;; *) v=$(sample "$k") ;; esac
				line="$line $v"
			done
			run -1 --separate-stderr "$IPCPLAY" -c "$SETUP; $line"
			[[ "$stderr" == *" '99999999999999999999' is "*"large ("*" to "*")" ]] ||
			    { echo "$line: $stderr"; false; }
			checked=$((checked + 1))
			;;
		esac
	done <<<"$(grep -v '^expect: ' <<<"$output")"
	[ "$checked" -ge 25 ]
}

@test "the man page names every argument kind of the table" {
	run -0 "$IPCPLAY" --grammar
	kinds=$(cut -f2,3 <<<"$output" | tr '\t =' '\n\n\n' | tr -d '[]' | sed 's/\.\.\.$//' | grep -x '[A-Z][A-Z-]*' |
	    grep -vx PROC | sort -u)
	kinds="$kinds PROC"
	for k in $kinds; do
		grep -q "^\.It Ar $k\$" "$BATS_TEST_DIRNAME/../man/ipcplay.1" ||
		    { echo "ipcplay(1) has no .It Ar $k"; false; }
	done
}

@test "every form of expect in its table completes, is in help expect and in the man page" {
	run -0 "$IPCPLAY" --grammar
	forms=$(sed -n 's/^expect: //p' <<<"$output")
	[ "$(wc -l <<<"$forms")" -ge 18 ]
	run -0 "$IPCPLAY" -c 'help expect'
	help=$output
	while IFS=$'\t' read -r usage kinds; do
		[ "$kinds" = - ] && kinds=
		set -- $usage
		case $1 in
		P) prefix='expect A'; shift ;;
		CH) prefix='expect c'; shift ;;
		*) prefix=expect ;;
		esac
		word=$1
		run -0 "$IPCPLAY" -c "$SETUP" --complete "$prefix "
		grep -qx -- "$word" <<<"$output" || { echo "'$prefix ' does not offer $word"; false; }
		# The form's words, one by one, as the table says.
		prefix="$prefix $word"
		for kind in $kinds; do
			kind=${kind%...}
			want=$(expected "$kind")
			run -0 "$IPCPLAY" -c "$SETUP" --complete "$prefix "
			if [ -n "$want" ] && ! grep -qx -- "$want" <<<"$output"; then
				echo "'$prefix ' offers: $output (want $want for $kind)"
				false
			fi
			[ "$kind" = WORD ] && v=$(head -1 <<<"$output") || v=$(sample "$kind")
			prefix="$prefix $v"
		done
		grep -qF -- "$word" <<<"$help" || { echo "help expect lacks $word"; false; }
		grep -q -- "Cm .*$word" "$BATS_TEST_DIRNAME/../man/ipcplay.1" ||
		    { echo "ipcplay(1) lacks expect $word"; false; }
	done <<<"$forms"
}

@test "expect: a form's word with the wrong number of words says the form's usage" {
	run -1 --separate-stderr "$IPCPLAY" -c 'spawn A; expect A ready now'
	assert_equal "$stderr" "ipcplay: -c:1: too many words for 'ready'; usage: expect P ready"
	run -1 --separate-stderr "$IPCPLAY" -c 'spawn A; channel c unbounded; expect c holds'
	assert_equal "$stderr" "ipcplay: -c:1: too few words for 'holds'; usage: expect CH holds N"
	run -1 --separate-stderr "$IPCPLAY" -c 'spawn A; expect A sleeps'
	assert_equal "$stderr" "ipcplay: -c:1: unknown expectation 'sleeps' for a process (blocked [send|recv|poll|call|wait] [CH]; ready; exited [CODE]; received MSG; caught N; wchan TEXT)"
	run -1 --separate-stderr "$IPCPLAY" -c 'expect no dice'
	assert_equal "$stderr" "ipcplay: -c:1: expect no deadlock: 'dice' is not 'deadlock'"
	# A process may be called saw or no: its own forms win, the rest
	# are expect's.
	run -0 "$IPCPLAY" -c 'spawn saw no; expect saw ready; say hi; expect saw hi; expect no ready; expect no deadlock'
}

@test "the channels of a list complete after each comma, as the first did" {
	run -0 "$IPCPLAY" -c "$SETUP" --complete 'A send @B,'
	assert_line c
	assert_line @B
	run -0 "$IPCPLAY" -c "$SETUP" --complete 'B poll c,'
	assert_line d
	never grep -qx '@A' <<<"$output"
	run -0 "$IPCPLAY" -c "$SETUP" --complete 'A send @B,c '
	assert_output ''
}

@test "a name that must exist is checked for every command alike: one error, the nearest name" {
	run -0 "$IPCPLAY" --grammar
	grammar=$(grep -v '^expect: ' <<<"$output")
	checked=0
	while IFS=$'\t' read -r usage kindlist opts; do
		[ "$kindlist" = - ] && kindlist=
		prefix=$(prefix_of "$usage")
		kinds=()
		for kind in $kindlist; do
			kind=${kind#[}; kind=${kind%]}; kinds+=("${kind%...}")
		done
		for j in "${!kinds[@]}"; do
			case ${kinds[$j]} in
			PROC) want='no such process: Bx; did you mean B?' ;;
			CHAN) want='no such channel: cx; did you mean c?' ;;
			*) continue ;;
			esac
			line=$prefix
			for i in "${!kinds[@]}"; do
				if [ "$i" = "$j" ]; then
					v=${want#no such * }; v=${v%%;*}
				elif [ "${kinds[$i]}" = WORD ]; then
					v='->'
				else
					v=$(sample "${kinds[$i]}")
				fi
				line="$line $v"
			done
			run -1 --separate-stderr "$IPCPLAY" -c "$SETUP; $line"
			[ "$stderr" = "ipcplay: -c:1: $want" ] ||
			    { echo "$line: $stderr"; false; }
			checked=$((checked + 1))
		done
	done <<<"$grammar"
	[ "$checked" -ge 8 ]
}

@test "after ';' and blanks a new command completes" {
	run -0 "$IPCPLAY" -c "$SETUP" --complete 'A send c x; sp'
	assert_output spawn
	run -0 "$IPCPLAY" -c "$SETUP" --complete 'ps;  A se'
	assert_output send
}

@test "completion: nothing after an option that takes a number, no repeat inside repeat, live processes for kill, both readings of a name that is a form's word" {
	S='spawn A B no; channel c1 unbounded; B exit 0'
	run -0 "$IPCPLAY" -c "$S" --complete 'A recv --max '
	assert_output ''
	run -0 "$IPCPLAY" -c "$S" --complete 'A recv --max 3 '
	assert_line c1
	run -0 "$IPCPLAY" -c "$S" --complete 'repeat 3 '
	assert_line spawn
	never grep -qx repeat <<<"$output"
	run -0 "$IPCPLAY" -c "$S" --complete 'kill '
	assert_line A
	never grep -qx B <<<"$output"
	run -0 "$IPCPLAY" -c "$S" --complete 'expect '
	assert_line B
	run -0 "$IPCPLAY" -c "$S" --complete 'expect no '
	assert_line deadlock
	assert_line ready
}

@test "--grammar marks the optional positions, as help's usage does" {
	run -0 "$IPCPLAY" --grammar
	assert_line $'kill PROC [SIGNAL]\tPROC [SIGNAL]\t-'
	assert_line $'PROC recv [CHAN] [-n | --timeout MS] [--max N]\t[RECV-CHAN]\t-n --timeout=N --max=N'
	assert_line $'spawn NAME...\tNAME...\t-'
	assert_line $'run [--random SEED] [--for MS | --steps N]\t-\t--random=N --for=N --steps=N'
	run -2 --separate-stderr "$IPCPLAY" --grammar extra
	# Its usage lines are help's, word for word.
	run -0 "$IPCPLAY" --grammar
	while IFS=$'\t' read -r usage kinds opts; do
		[ "$kinds" = - ] && kinds=; [ "$opts" = - ] && opts=
		run -0 "$IPCPLAY" -c "help $(prefix_of "$usage" | sed 's/^A //')"
		assert_line "usage: $usage"
	done <<<"$(grep -v '^expect: ' <<<"$output")"
}

@test "an operation takes exactly the options its table entry lists" {
	run -0 "$IPCPLAY" --grammar
	checked=0
	while IFS=$'\t' read -r usage kinds opts; do
		[ "$kinds" = - ] && kinds=; [ "$opts" = - ] && opts=
		set -- $usage
		[ "$1" = PROC ] || continue
		op=$2
		# One without options takes a word starting with '-' as a word.
		[ -n "$opts" ] || continue
		for o in -n --timeout --atomic --max -w; do
			case $o in --timeout|--max) v=" 5" ;; *) v= ;; esac
			run --separate-stderr "$IPCPLAY" -c "$SETUP; A $op $o$v c x"
			if [[ " $opts " == *" $o"[=\ ]* ]]; then
				never grep -qF "unknown option '$o'" <<<"$stderr"
			else
				grep -qF "unknown option '$o' for $op" <<<"$stderr" ||
				    { echo "A $op $o: $stderr"; false; }
			fi
			checked=$((checked + 1))
		done
	done <<<"$output"
	[ "$checked" -ge 20 ]
}

@test "no two cli files call each other's functions (nm on the objects)" {
	objs="$BATS_TEST_DIRNAME/../build/cli"
	[ -n "${IPCPLAY_ASAN:-}" ] && objs="$BATS_TEST_DIRNAME/../build-asan/cli"
	[ -f "$objs/cmd.o" ] || { echo "no objects in $objs (make first)"; false; }
	# "file T symbol" for each function defined, "file U symbol" for each
	# used.  Functions only: the table's entries (data) are the cmd-*.c
	# files' own, and a hook (ctx->event_take, struct serve's) is the
	# caller's choice, not a name it knows.
	for o in "$objs"/*.o; do
		f=$(basename "$o" .o)
		nm --defined-only "$o" | awk -v f="$f" '$2 == "T" { print f, "T", $3 }'
		nm -u "$o" | awk -v f="$f" '{ print f, "U", $2 }'
	done >"$BATS_TEST_TMPDIR/syms"
	# Who calls whom, file to file; then each pair that goes both ways.
	awk 'NR == FNR { if ($2 == "T") def[$3] = $1; next }
	    $2 == "U" && ($3 in def) && def[$3] != $1 { print $1, def[$3] }' \
	    "$BATS_TEST_TMPDIR/syms" "$BATS_TEST_TMPDIR/syms" | sort -u >"$BATS_TEST_TMPDIR/calls"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/calls")" -gt 50 ]
	run awk '{ e[$1 " " $2] = 1 } END { for (k in e) { split(k, p, " "); if ((p[2] " " p[1]) in e && p[1] < p[2]) print p[1] " <-> " p[2] } }' "$BATS_TEST_TMPDIR/calls"
	assert_output ''
}

@test "a channel's KEY= options: each one completion offers for a kind, its parser takes; the others it refuses" {
	all=
	for kind in unbounded "bounded 2" rendezvous pipe mq; do
		run -0 "$IPCPLAY" -c 'spawn A' --complete "channel c $kind "
		all="$all $(grep '=' <<<"$output" | tr '\n' ' ')"
	done
	for kind in unbounded "bounded 2" rendezvous pipe mq; do
		run -0 "$IPCPLAY" -c 'spawn A' --complete "channel c $kind "
		mine=$(grep '=' <<<"$output" | tr '\n' ' ')
		[ -n "$mine" ]
		tail=
		case $kind in pipe|mq) tail='from A to A' ;; esac
		for o in $(tr ' ' '\n' <<<"$all" | sort -u); do
			v=$o
			case $o in
			*fixed:) v=${o}8 ;;
			drop=|dup=|reorder=) v="${o}0.5 delivery=lossy" ;;
			format=stream) [ "$kind" = rendezvous ] && continue ;;	# no byte buffer
			delivery=*) [ "$kind" = rendezvous ] && [ "$o" != delivery=fifo ] && continue ;;
			*=) v=${o}64 ;;
			esac
			if [[ " $mine " == *" $o "* ]]; then
				run -0 "$IPCPLAY" -c "spawn A; channel c $kind $v $tail"
			else
				run -1 --separate-stderr "$IPCPLAY" -c "spawn A; channel c $kind $v $tail"
				[[ "$stderr" == *"${o%%=*}= is not for"* ]] || { echo "$kind $v: $stderr"; false; }
			fi
		done
	done
}

@test "found by a break-it pass: what the one parser refuses, and what completion no longer offers" {
	S='spawn A; channel c unbounded; channel d unbounded'
	e() { run -1 --separate-stderr "$IPCPLAY" -c "$S; $1"; [ "$stderr" = "ipcplay: -c:1: $2" ] || { echo "$1: $stderr"; false; }; }
	e 'A send c x -n --timeout 5' '-n and --timeout do not go together'
	e 'run --for 5 --steps 5' '--for and --steps do not go together'
	e 'explore --save --full' 'explore --save needs a value (FILE) before the option --full'
	e 'graph --svg --dot' "graph: a file name goes here, not '--dot'"
	e 'A send c, x' "a list of channels with an empty name in it: 'c,'"
	e 'shm r 1 between ,' 'shm: no process named to map r'
	e 'sleep " 5"' "sleep time ' 5' is invalid (0 to 600000)"
	e 'A exit +7' "exit code '+7' is invalid (0 to 255)"
	e 'run x' "run: unexpected 'x'; usage: run [--random SEED] [--for MS | --steps N]"
	e 'A recv c d' "recv: unexpected 'd'; usage: PROC recv [CHAN] [-n | --timeout MS] [--max N]"
	e 'channel w bounded 2 max=5' 'max= is not for bounded channels: they take only format=, delivery=, drop=, dup=, reorder='
	e 'channel w unbounded max=5 max=6' 'max= given twice'
	e 'dashboard ""' "dashboard: unexpected '' (one of: on, off)"
	e 'A' 'what should A do? (send, recv, poll, call, reply, reply-recv, pass, drop, store, load, add, wait, wake, run, stop, continue, signal, mask, unmask, exit)'
	# An option is offered once, and not beside one it excludes.
	run -0 "$IPCPLAY" -c "$S" --complete 'A add r[0] 5 --racy '
	never grep -qx -- --racy <<<"$output"
	run -0 "$IPCPLAY" -c "$S" --complete 'A send c x -n -'
	never grep -qx -- -n <<<"$output"
	never grep -qx -- --timeout <<<"$output"
	assert_line --atomic
	run -0 "$IPCPLAY" --complete 'run --for 5 -'
	assert_output --random
}
