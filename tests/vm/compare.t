#!/bin/bash
# Compare the two kernels' close-check results (build/test-results/
# closecheck-{series,none}/guest.tap; the suites are run first when their
# results are missing or older than the guest tool, and a run in progress is
# waited for, so that prove -j is safe): every scenario must
# behave the same on the patched and the baseline kernel.  Only what is
# about the tracepoint may differ.  Prints a table of both.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
res=$top/build/test-results
. "$top/tests/lib/tap.sh"
# Under prove -j the suites may be running now: hold each result
# directory's lock (run-suite.sh takes it too) from the freshness check to
# the end, so the results read are whole and of one run.
mkdir -p "$res"
exec 8>"$res/closecheck-series.lock" 9>"$res/closecheck-none.lock"
flock 8 && flock 9
for k in series none; do
	tap=$res/closecheck-$k/guest.tap
	if [ ! -s "$tap" ] || [ "$top/tools/ima-test/ima-test.static" -nt "$tap" ]; then
		echo "# running closecheck-$k.t first"
		"$here/gen-suites.sh" &&
			RUN_SUITE_LOCKED=closecheck-$k "$top/build/vm-tests/closecheck-$k.t" > /dev/null
	fi
done
# scenario lines: "NAME STATUS"
results() {
	sed -n -e 's/^ok [0-9]* - close-check \([^:]*\):.*# SKIP.*/\1 skip/p' \
		-e 's/^ok [0-9]* - close-check \([^:]*\):.*/\1 pass/p' \
		-e 's/^not ok [0-9]* - close-check \([^:]*\):.*/\1 fail/p' "$1" | sort -u
}
context() { sed -n "s/^#   $2: rewritten in \([a-z]*\) context.*/\1/p" "$1"; }
latency() { sed -n "s/^#   $2: asynchronous rewrite after \([0-9.]*\) ms on average.*/\1 ms/p" "$1"; }
s=$res/closecheck-series/guest.tap b=$res/closecheck-none/guest.tap
rs=$(results "$s") rb=$(results "$b")
printf '# %-16s %-8s %-8s %-9s %s\n' scenario series none context "async latency (series / none)"
for name in $(echo "$rs" "$rb" | awk '{ print $1 }' | sort -u); do
	printf '# %-16s %-8s %-8s %-9s %s\n' "$name" \
		"$(echo "$rs" | awk -v n="$name" '$1 == n { print $2 }')" \
		"$(echo "$rb" | awk -v n="$name" '$1 == n { print $2 }')" \
		"$(context "$s" "$name")" \
		"$(latency "$s" "$name")${s:+ / }$(latency "$b" "$name")"
done | sed 's| / $||'
count=$(echo "$rs" | grep -c .)
if [ "$count" -ge 20 ]; then ok "the series ran $count close-check scenarios"
else not_ok "the series ran $count close-check scenarios (want at least 20)"; fi
if [ "$rs" = "$rb" ]; then
	ok "both kernels give every scenario the same result"
else
	not_ok "both kernels give every scenario the same result"
	diff <(echo "$rs") <(echo "$rb") | sed 's/^/#   /'
fi
bad=$(echo "$rs" "$rb" | grep -cv ' pass$')
if [ "$bad" = 0 ]; then ok "and that result is pass everywhere"
else not_ok "and that result is pass everywhere ($bad are not)"; fi
if grep -q 'rewritten in kthread context' "$s" && ! grep -q 'rewritten in' "$b"; then
	ok "only the series shows the rewrite context (tracepoint), the baseline says it has none"
else
	not_ok "only the series shows the rewrite context (tracepoint), the baseline says it has none"
fi
finish
