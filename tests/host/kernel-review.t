#!/bin/bash
# The series as linux-integrity would review it: it bisects, sparse, W=1
# and kernel-doc add no warning (kernel/check-series.sh, whose tests are
# relayed here), and the cover letter is complete and current.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$top/kernel/check-series.sh" >"$tmp/series.tap" 2>"$tmp/series.err"
while IFS= read -r line; do
	case $line in
	'ok '*) ok "$(echo "$line" | sed -E 's/^ok [0-9]+ - //')" ;;
	'not ok '*) not_ok "$(echo "$line" | sed -E 's/^not ok [0-9]+ - //')" ;;
	'#'*) echo "$line" ;;
	'Bail out!'*) not_ok "kernel/check-series.sh: ${line#Bail out! }" ;;
	esac
done <"$tmp/series.tap"
grep -q '^ok .* builds after' "$tmp/series.tap" ||
	{ not_ok "kernel/check-series.sh built the tree after each patch"; diag "$(tail -n 20 "$tmp/series.err")"; }

letter=$top/kernel/0000-cover-letter.patch
npatches=$(grep -v '^#' "$top/kernel/series" | grep -c .)
check "the cover letter is [PATCH 0/$npatches], one per patch of kernel/series" \
	grep -q "^Subject: \[PATCH 0/$npatches\] " "$letter"
check "the cover letter is not in kernel/series" sh -c "! grep -q 0000 '$top/kernel/series'"
check "the cover letter tells the 2012 history" grep -q 'April 2012' "$letter"
check "the cover letter says how the series was tested" grep -q '^Testing' "$letter"
if "$top/kernel/refresh-cover-letter.sh" -o "$tmp/letter" 2>"$tmp/refresh.err" &&
	cmp -s "$letter" "$tmp/letter"; then
	ok "its get_maintainer.pl recipients and shortlog are current (kernel/refresh-cover-letter.sh)"
else
	not_ok "its get_maintainer.pl recipients and shortlog are current (run kernel/refresh-cover-letter.sh)"
	diag "$( { cat "$tmp/refresh.err"; diff "$letter" "$tmp/letter"; } | head -n 20)"
fi
finish
