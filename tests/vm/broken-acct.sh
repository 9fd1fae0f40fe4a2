#!/bin/bash
# broken-acct.sh: the negative control for process accounting.  The kernel
# is the series plus kernel/broken/0003, which makes acct_pin_kill() run
# close_work() itself, under acct->lock, instead of handing it to a worker
# and waiting.  The kclose suite is booted on it; TAP: the judge must find
# the lock-free assertion at ima_file_free() with acct_pin_kill() in its
# trace, the suite's two acct context checks must fail (the rewrite runs
# in the waiting task), and every other test must pass.  Not part of make check: it needs a
# kernel build of its own.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
broken=0003-BROKEN-acct-close-the-accounting-file-under-acct-loc.patch
dir=$top/build/broken/acct
rm -rf "$dir"
mkdir -p "$dir"
: > "$dir/series"
while read -r p; do
	case $p in ''|'#'*) continue ;; esac
	cp "$top/kernel/$p" "$dir/" && echo "$p" >> "$dir/series"
done < "$top/kernel/series"
cp "$top/kernel/broken/$broken" "$dir/" && echo "$broken" >> "$dir/series"

name="broken-acct"
SERIES=$dir/series "$top/vm/run-suite.sh" --kernel series --suite kclose --name "$name" \
	--no-plan --cmdline "ima_appraise=fix ima_policy=appraise_tcb mem=256M" > "$dir/run.tap"
sed 's/^/#   /' "$dir/run.tap"
console=$top/build/test-results/$name/console.log
. "$top/tests/lib/tap.sh"
reports=$("$top/vm/judge.sh" "$console")
if grep -q 'WARNING: .* at security/integrity/ima/ima_main.c:[0-9]* ima_file_free' <<< "$reports"; then
	ok "the judge reports the lock-free assertion at ima_file_free"
else
	not_ok "the judge reports the lock-free assertion at ima_file_free"
fi
if awk '/WARNING: .*ima_file_free/ { w = 1 } w && /acct_pin_kill/ { f = 1 } /end trace/ { w = 0 } END { exit !f }' "$console"; then
	ok "the warning's trace goes through acct_pin_kill"
else
	not_ok "the warning's trace goes through acct_pin_kill"
fi
# The suite itself sees it too: the accounting file is rewritten in the
# waiting task instead of a worker.  The hashes stay right (the assertion
# warns, it does not change what IMA does), so nothing else goes red.
red=$(sed -n 's/^not ok [0-9]* - \(.*\) (got.*/\1/p' "$top/build/test-results/$name/guest.tap" |
	sort | tr '\n' ';')
want="acct replaced: traced rewrite '0/kthread';acct: traced rewrite '0/kthread';"
if [ "$red" = "$want" ]; then
	ok "exactly the two acct context checks failed: the rewrite left the worker"
else
	not_ok "exactly the two acct context checks failed (failed: ${red:-none})"
fi
failed=$(grep -c '^not ok' "$top/build/test-results/$name/guest.tap")
if [ "$failed" = 2 ]; then
	ok "no other guest test failed: every hash is still right"
else
	not_ok "no other guest test failed: every hash is still right"
fi
finish
