#!/bin/bash
# broken-demo.sh [VARIANT...]: break the kernel on purpose and show that
# the matching close-check scenario goes red.  Each variant is the series
# (kernel/series) plus one patch from kernel/broken/:
#
#   kthread     0001: the security.ima update is skipped when the final
#               __fput runs in a kernel thread (unix GC, io_uring teardown)
#   writecount  0002: every writer's close counts as the last writer's, so
#               the label moves under a live writer
#   ioworker    0004: the update is skipped when the final __fput runs in
#               an io_uring worker (SQPOLL thread, io-wq)
#   evm         0005: the final close leaves security.evm stale (the
#               value from before the rewrite is put back behind EVM's
#               back); an open after it would repair the HMAC in fix mode
#               (ima_fix_xattr), so close-check --evm-key must read it
#               without one.  Every scenario goes red.
#
# For each, the series file is composed in build/broken/VARIANT/, the
# kernel built with SERIES= (cached like the others), and the closecheck
# suite booted (the evm suite, which runs close-check --evm-key, for evm).
# TAP: a variant passes when exactly its expected scenarios failed and
# every other scenario passed.  Not part of make check.
# BROKEN_DEMO_KEEP_TOOL=1 boots tools/ima-test/ima-test.static as it is,
# without rebuilding it: an older build, to show what it misses.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
declare -A patch=(
	[kthread]=0001-BROKEN-ima-skip-the-update-in-a-kernel-thread.patch
	[writecount]=0002-BROKEN-ima-treat-every-writer-s-close-as-the-last.patch
	[ioworker]=0004-BROKEN-ima-skip-the-update-in-an-io_uring-worker.patch
	[evm]=0005-BROKEN-ima-leave-security.evm-stale-after-the-rewrit.patch
)
[ -n "${BROKEN_DEMO_KEEP_TOOL:-}" ] || make -s -C "$top/tools/ima-test" ima-test static >&2
nscen=$("$top/tools/ima-test/ima-test" close-check --list | wc -l)
all=$("$top/tools/ima-test/ima-test" close-check --list | awk '{ print $1 }' | sort | tr '\n' ' ' | sed 's/ $//')
declare -A expect=(
	[kthread]="aio io_uring-fixed scm-gc"
	[writecount]="two-writers"
	[ioworker]="io_uring-async io_uring-sqpoll io_uring-sqpoll-exit"
	[evm]=$all
)
cc="ima_appraise=fix ima_policy=appraise_tcb imafput.cciter=3 imafput.cctimeout=2000"
declare -A suite=([evm]=evm)
declare -A cmdline=([evm]="ima_appraise=fix ima_policy=appraise_tcb imafput.evmmode=fix imafput.cciter=2")
declare -A prefix=([evm]="close-check --evm-key ")
variants=${*:-kthread writecount ioworker evm}
. "$top/tests/lib/tap.sh"
for v in $variants; do
	[ -n "${patch[$v]:-}" ] || { echo "broken-demo: no variant '$v' (kthread, writecount, ioworker, evm)" >&2; exit 2; }
	dir=$top/build/broken/$v
	rm -rf "$dir"
	mkdir -p "$dir"
	: > "$dir/series"
	while read -r p; do
		case $p in ''|'#'*) continue ;; esac
		cp "$top/kernel/$p" "$dir/" && echo "$p" >> "$dir/series"
	done < "$top/kernel/series"
	cp "$top/kernel/broken/${patch[$v]}" "$dir/" && echo "${patch[$v]}" >> "$dir/series"

	name=broken-$v
	echo "# $v: the series plus ${patch[$v]}"
	SERIES=$dir/series "$top/vm/run-suite.sh" --kernel series --suite "${suite[$v]:-closecheck}" \
		--name "$name" --no-plan --cmdline "${cmdline[$v]:-$cc}" |
		sed 's/^/#   /'
	tap=$top/build/test-results/$name/guest.tap
	if [ ! -s "$tap" ]; then
		not_ok "$v: the broken kernel ran close-check (no $tap)"
		continue
	fi
	pre=${prefix[$v]:-close-check }
	red=$(sed -n "s/^not ok [0-9]* - $pre\([^:]*\):.*/\1/p" "$tap" | sort | tr '\n' ' ' | sed 's/ $//')
	green=$(grep -Ec "^ok [0-9]+ - ${pre}[a-z0-9_-]+: " "$tap")
	echo "# $v: red: ${red:-none}; green: $green"
	grep -A1 "^not ok [0-9]* - $pre" "$tap" | grep '^#' | sed "s/^#/# $v:/"
	if [ "$red" = "${expect[$v]}" ]; then
		ok "$v: exactly the expected scenarios went red (${expect[$v]})"
	else
		not_ok "$v: exactly the expected scenarios went red (want '${expect[$v]}', got '${red:-none}')"
	fi
	nred=$(echo $red | wc -w)
	if [ $((green + nred)) = "$nscen" ]; then
		ok "$v: every other scenario stayed green ($green of $nscen)"
	else
		not_ok "$v: every other scenario stayed green ($green green, $nred red, of $nscen)"
	fi
done
finish
