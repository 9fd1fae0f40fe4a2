#!/bin/bash
# broken-demo.sh: build the series with kernel/broken/series (the series
# plus a patch that drops the security.ima update when the final __fput
# runs in a kernel thread), boot it with the close-check suite, and show
# which scenarios went red.  Passes when exactly the scenarios whose final
# close happens in a kernel thread failed and every other one passed: the
# check can fail, and fails where the breakage is.  Not part of make check.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
name=broken-closecheck
expected="io_uring-fixed scm-gc"

echo "# building the broken variant (SERIES=kernel/broken/series) and booting it"
SERIES=$top/kernel/broken/series "$here/run-suite.sh" --kernel series --suite closecheck \
	--name "$name" --no-plan \
	--cmdline "ima_appraise=fix ima_policy=appraise_tcb imafput.cciter=3 imafput.cctimeout=2000" |
	sed 's/^/# /'
tap=$top/build/test-results/$name/guest.tap
[ -s "$tap" ] || { echo "not ok 1 - the broken kernel ran close-check (no $tap)"; echo "1..1"; exit 1; }

red=$(sed -n 's/^not ok [0-9]* - close-check \([^:]*\):.*/\1/p' "$tap" | sort | tr '\n' ' ' | sed 's/ $//')
green=$(sed -n 's/^ok [0-9]* - close-check \([^:]*\):.*/\1/p' "$tap" | wc -l)
echo "# red scenarios on the broken kernel: ${red:-none}"
echo "# green scenarios: $green"
grep -A1 '^not ok [0-9]* - close-check' "$tap" | grep '^#' | sed 's/^/# /'
status=0
if [ "$red" = "$expected" ]; then
	echo "ok 1 - exactly the kernel-thread final closes went red ($expected)"
else
	echo "not ok 1 - exactly the kernel-thread final closes went red (want '$expected', got '${red:-none}')"
	status=1
fi
if [ "$green" -ge 18 ]; then
	echo "ok 2 - every other scenario stayed green ($green)"
else
	echo "not ok 2 - every other scenario stayed green ($green)"
	status=1
fi
echo "1..2"
exit $status
