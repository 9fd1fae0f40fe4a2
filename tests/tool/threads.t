#!/bin/bash
# The worker pool under ThreadSanitizer: hash, sign, verify and audit of a
# tree with many threads, and no data race reported.
. "$(dirname "$0")/lib.sh"

TSAN=${IMA_TEST_TSAN:-$TOOL_ROOT/tools/ima-test/ima-test-tsan}
[ -x "$TSAN" ] || skip_all "$TSAN not built (make -C tools/ima-test check-build)"
setup_work
make_keys
export TSAN_OPTIONS="halt_on_error=1 exitcode=66"
plan 6

tree=$WORK/tree
for d in a b c; do
	mkdir -p "$tree/$d"
	for n in $(seq 1 100); do head -c $((n * 53)) /dev/urandom >"$tree/$d/f$n"; done
done
run() {	# run DESCRIPTION WANT_STATUS ARGS...
	local desc=$1 want=$2 out rc
	shift 2
	out=$("$TSAN" "$@" 2>&1)
	rc=$?
	[ $rc = "$want" ] && ! grep -q 'ThreadSanitizer' <<<"$out"
	check_rc $? "$desc" || { diag "exit $rc (want $want)"; diag "$(head -40 <<<"$out")"; }
}
run "hash -j 8: no data race" 0 hash $XU -r -j 8 "$tree"
run "sign -j 8: no data race" 0 sign $XU -r -j 8 --key "$KEYS/p256.key" "$tree"
run "verify -j 8: no data race" 0 verify $XU -r -j 8 --cert "$KEYS/p256.pem" "$tree"
echo x >>"$tree/a/f1"
run "audit --format json -j 8: no data race" 1 audit $XU -r -j 8 --cert "$KEYS/p256.pem" --format json "$tree"
run "audit --format keylime -j 8: no data race" 1 audit $XU -r -j 8 --format keylime "$tree"
run "audit -j 8 with notes and errors: no data race" 2 audit $XU -r -j 8 "$tree" "$WORK/none"
finish
