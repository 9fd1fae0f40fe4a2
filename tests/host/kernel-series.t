#!/bin/bash
# The kernel series: every patch is checkpatch --strict clean, no added line
# tests lock state, and the contract is enforced where the issue says.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"

kdir=$(PATCHES=series "$top/vm/build-kernel.sh" 2>/dev/null)
if [ -z "$kdir" ]; then
	echo "Bail out! the patched kernel tree does not build (run: make kernel)"
	exit 1
fi

mapfile -t patches < <(grep -v '^#' "$top/kernel/series" | grep .)
[ ${#patches[@]} -gt 0 ] && ok "kernel/series lists ${#patches[@]} patches" || not_ok "kernel/series lists patches"

for p in "${patches[@]}"; do
	out=$(cd "$kdir" && perl scripts/checkpatch.pl --strict --terse "$top/kernel/$p" 2>&1)
	if printf '%s\n' "$out" | grep -qE 'ERROR|WARNING|CHECK'; then
		not_ok "checkpatch --strict: $p"
		printf '%s\n' "$out" | sed 's/^/#   /'
	else
		ok "checkpatch --strict: $p"
	fi
done

# Added lines only: a lock-state predicate in the series is the very thing
# the design forbids.
added=$(cd "$top/kernel" && cat "${patches[@]}" | grep '^+' | grep -v '^+++')
pred='rwsem_is_locked|mutex_is_locked|spin_is_locked|lockdep_is_held|lock_is_held|mmap_lock_is_contended|rwsem_is_contended|is_locked\('
if printf '%s\n' "$added" | grep -Eq "$pred"; then
	not_ok "no added line tests lock state"
	printf '%s\n' "$added" | grep -E "$pred" | sed 's/^/#   /'
else
	ok "no added line tests lock state"
fi
# Nor may the patched tree's file_table.c or IMA contain one.
if grep -rEn --include="*.[ch]" "$pred|mmap_lock" "$kdir/fs/file_table.c" "$kdir/security/integrity/ima" | grep -v '^\S*:[0-9]*:\s*\*' >/dev/null; then
	not_ok "patched fs/file_table.c and security/integrity/ima have no lock-state test"
	grep -rEn --include="*.[ch]" "$pred|mmap_lock" "$kdir/fs/file_table.c" "$kdir/security/integrity/ima" | grep -v '^\S*:[0-9]*:\s*\*' | sed 's/^/#   /'
else
	ok "patched fs/file_table.c and security/integrity/ima have no lock-state test"
fi

ima_main=$kdir/security/integrity/ima/ima_main.c
if awk '/^static void ima_file_free\(/,/^}/' "$ima_main" | grep -q 'lockdep_assert_none_held_once()'; then
	ok "ima_file_free() asserts that no locks are held"
else
	not_ok "ima_file_free() asserts that no locks are held"
fi
if awk '/^static void ima_check_last_writer\(/,/^}/' "$ima_main" | grep -q 'might_lock(&inode->i_rwsem)'; then
	ok "ima_check_last_writer() records iint->mutex -> i_rwsem with might_lock()"
else
	not_ok "ima_check_last_writer() records iint->mutex -> i_rwsem with might_lock()"
fi
ft=$kdir/fs/file_table.c
if awk '/^static void ____fput\(/,/^}/' "$ft" | grep -q 'lockdep_assert_none_held_once()'; then
	ok "____fput() checks the task_work path under lockdep"
else
	not_ok "____fput() checks the task_work path under lockdep"
fi
if grep -q 'trace_ima_update_xattr(' "$kdir/security/integrity/ima/ima_appraise.c"; then
	ok "the rewrite on final close is traced"
else
	not_ok "the rewrite on final close is traced"
fi
# Fixes first: no prefix of the series may carry an assertion that a later
# patch of the series is needed to satisfy.
first_assert=$(for i in "${!patches[@]}"; do
	grep -q '^+.*lockdep_assert_none_held_once();' "$top/kernel/${patches[$i]}" && echo "$i"
done | head -n 1)
last_fix=$(for i in "${!patches[@]}"; do
	grep -Eq '^\+\+\+ b/(fs/nfsd|io_uring)/' "$top/kernel/${patches[$i]}" && echo "$i"
done | tail -n 1)
check "the fixes (nfsd, io_uring) come before the first assertion (patch index ${last_fix:-?} < ${first_assert:-?})" \
	[ "${last_fix:-99}" -lt "${first_assert:--1}" ]
# The SQPOLL thread runs generic task_work only with sqd->lock dropped.
sq=$kdir/io_uring/sqpoll.c
if awk '/^static void io_sq_run_task_work\(/,/^}/' "$sq" | tr -d '\n' |
	grep -q 'mutex_unlock(&sqd->lock);[[:space:]]*task_work_run();[[:space:]]*mutex_lock(&sqd->lock);' &&
	! awk '/^static unsigned int io_sq_tw\(/,/^}/' "$sq" | grep -q 'task_work_run()'; then
	ok "io_uring's SQPOLL thread runs task_work_run() with sqd->lock dropped"
else
	not_ok "io_uring's SQPOLL thread runs task_work_run() with sqd->lock dropped"
fi
# Skipped rewrites are traced, with the reason.
for why in signed not-pass hash-failed no-xattr rewritten; do
	check "the tracepoint reports '$why'" grep -q "\"$why\"" "$kdir/security/integrity/ima/ima_appraise.c"
done
finish
