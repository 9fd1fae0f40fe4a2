#!/bin/bash
# The console judge: reports outside declared regions fail a run, reports
# inside them do not, and -e lists what a region held.
judge=$(cd "$(dirname "$0")/../../vm" && pwd)/judge.sh
. "$(dirname "$0")/../lib/tap.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
t() { # t DESC WANT_RC ARGS...
	local desc=$1 want=$2; shift 2
	"$judge" "$@" > "$tmp/out"; local rc=$?
	if [ "$rc" = "$want" ]; then ok "$desc"; else
		not_ok "$desc (exit $rc, wanted $want)"; diag "$(cat "$tmp/out")"; fi
}
printf '%s\n' 'Linux version 6.12' 'IMA-FPUT: suite-begin fix' 'IMA-FPUT: suite-end fix rc=0' > "$tmp/clean"
t "a clean log passes" 0 "$tmp/clean"
for rep in 'WARNING: CPU: 0 PID: 1 at fs/file_table.c:1 x' 'BUG: kernel NULL pointer dereference' \
	'WARNING: possible circular locking dependency detected' 'Call Trace:' \
	'Kernel panic - not syncing: x' 'INFO: task sh:1 blocked for more than 120 seconds.' \
	'UBSAN: shift-out-of-bounds in x' 'WARNING: suspicious RCU usage'; do
	{ cat "$tmp/clean"; echo "[   1.0] $rep"; } > "$tmp/bad"
	t "fails on: $rep" 1 "$tmp/bad"
done
printf '%s\n' 'IMA-FPUT: expect-begin negctl' 'WARNING: CPU: 0 at ima_main.c:1 ima_file_free' \
	'Call Trace:' 'IMA-FPUT: expect-end negctl' > "$tmp/region"
t "a report inside a declared region passes" 0 "$tmp/region"
t "-e lists the region's reports" 1 -e negctl "$tmp/region"
check "-e output names the report" grep -q 'ima_file_free' "$tmp/out"
{ cat "$tmp/region"; echo 'WARNING: CPU: 1 after the region'; } > "$tmp/after"
t "a report after the region ends fails" 1 "$tmp/after"
printf '%s\n' 'IMA-FPUT: expect-begin other' 'BUG: x' 'IMA-FPUT: expect-end other' > "$tmp/other"
t "-e of another region does not list it" 0 -e negctl "$tmp/other"
finish
