#!/bin/bash
# make demo's story, as a test: the whole demo exits 0, and without the
# certificate in the _ima keyring it must fail, and at the signed-program
# step, not earlier.
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/build/test-results/demo-test
mkdir -p "$out"
. "$top/tests/lib/tap.sh"

if "$top/demo/run.sh" > "$out/demo.log" 2>&1; then
	ok "demo: every step behaved as described (exit 0)"
else
	not_ok "demo: every step behaved as described (see $out/demo.log)"
	grep -E '^demo:|\[FAIL' "$out/demo.log" | head -n 5 | sed 's/^/#   /'
fi
grep -q '^demo: every step behaved as described' "$out/demo.log" &&
	ok "demo says so in its last line" || not_ok "demo says so in its last line"

if DEMO_SKIP_KEYS=1 "$top/demo/run.sh" > "$out/demo-nokeys.log" 2>&1; then
	not_ok "demo without the certificate fails"
else
	ok "demo without the certificate fails"
fi
if grep -q '^demo: FAILED at step: .*the signed program runs' "$out/demo-nokeys.log"; then
	ok "and it names the signed-program step"
else
	not_ok "and it names the signed-program step"
	grep -E '^demo:' "$out/demo-nokeys.log" | sed 's/^/#   /'
fi
finish
