#!/bin/bash
# judge.sh CONSOLE_LOG: print every kernel report (WARNING, BUG, lockdep,
# Call Trace, panic, ...) found outside the regions a suite declared as
# expected ("IMA-FPUT: expect-begin NAME" .. "expect-end NAME"), one per
# line with its line number.  Exit 0 when there are none, 1 otherwise.
# With -e NAME, instead print the reports inside region NAME.
set -euo pipefail
region=
[ "${1:-}" = -e ] && { region=$2; shift 2; }
log=$1
awk -v want="$region" '
{ sub(/\r$/, "") }	# the serial console ends lines with CR LF
/IMA-FPUT: expect-begin / { inside = $NF; next }
/IMA-FPUT: expect-end /   { inside = ""; next }
/WARNING:|BUG:|Oops|Kernel panic|Call Trace:|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|lock held when returning|hung_task|blocked for more than|UBSAN:|general protection fault|held lock freed|DEBUG_LOCKS_WARN_ON/ {
	if ((want == "" && inside == "") || (want != "" && inside == want)) {
		printf "%d: %s\n", NR, $0; found = 1
	}
}
END { exit found ? 1 : 0 }
' "$log"
