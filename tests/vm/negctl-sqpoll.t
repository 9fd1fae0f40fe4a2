#!/bin/bash
# Negative control for 0003-io_uring-sqpoll: the series without that patch
# must report the SQPOLL thread's final closes, from the assertions of the
# fs and IMA patches, and name sqd->lock among the held locks: the close
# through the ring, and the cancellation of a request in flight when the
# process exits (one boot each: the assertions fire once per boot).  The
# same suite on the full series (sqpoll-series.t) must be clean.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"
dir=$top/build/negctl-sqpoll
rm -rf "$dir"
mkdir -p "$dir"
while read -r p; do
	case $p in ''|'#'*|0003-io_uring-sqpoll*) continue ;; esac
	cp "$top/kernel/$p" "$dir/" && echo "$p" >> "$dir/series"
done < "$top/kernel/series"
grep -q '^0003-io_uring-sqpoll' "$top/kernel/series" || bail "kernel/series has no 0003-io_uring-sqpoll"

# control NAME SCENARIO WHAT: boot the series without 0003 running one
# close-check scenario in the control region; its kernel reports must be
# the assertions', naming sqd->lock, and nothing else
control() {
	local name=$1 scen=$2 what=$3 console reports
	SERIES=$dir/series "$top/vm/run-suite.sh" --kernel series --suite sqpoll --name "$name" \
		--no-plan --expect sqpoll \
		--cmdline "ima_appraise=fix ima_policy=appraise_tcb imafput.expect=sqpoll imafput.ccscen=$scen" |
		sed 's/^/#   /'
	console=$top/build/test-results/$name/console.log
	if [ ! -s "$console" ]; then
		not_ok "$what: no console log at $console"
		return
	fi
	reports=$("$top/vm/judge.sh" -e sqpoll "$console")
	diag "$(printf '%s\n' "$reports" | head -n 6)"
	check "without 0003 $what is reported by the fs assertion in ____fput()" \
		grep -Eq 'WARNING: .* at fs/file_table.c:[0-9]+ ____fput' <<<"$reports"
	check "without 0003 $what is reported by the IMA assertion in ima_file_free()" \
		grep -Eq 'WARNING: .* at security/integrity/ima/ima_main.c:[0-9]+ ima_file_free' <<<"$reports"
	diag "$(grep -A2 'held by iou-sqp-' "$console" | head -n 6)"
	check "$what: the report names sqd->lock as held by the SQPOLL thread" \
		sh -c "grep -A3 'held by iou-sqp-' '$console' | grep -q '(&sqd->lock)'"
	check "$what: nothing outside the control region was reported" "$top/vm/judge.sh" "$console"
}

control negctl-sqpoll io_uring-sqpoll "the SQPOLL close"
control negctl-sqpoll-exit io_uring-sqpoll-exit "the SQPOLL thread's cancellation on exit"
check "the cancellation's report comes from io_uring_cancel_generic()" \
	sh -c "grep -A30 'WARNING: .* ____fput' '$top/build/test-results/negctl-sqpoll-exit/console.log' | grep -q 'io_uring_cancel_generic'"
finish
