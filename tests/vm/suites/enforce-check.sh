#!/bin/sh
# Enforce, boot 2 of 3 (ima_appraise=enforce ima_policy=appraise_tcb) on the
# disk labelled in boot 1: every labelled file opens and every labelled
# executable runs; the files tampered with offline are denied with EACCES;
# files edited now are rewritten on their final close and stay readable;
# and every close-check scenario passes under enforce.
. /suites/lib.sh
d=/mnt/enf
if ! grep -q '^appraise' /sys/kernel/security/ima/policy 2>/dev/null; then
	echo "Bail out! IMA appraisal is not active: nothing here could fail"
	exit 2
fi
[ -f $d/data-0 ] || { echo "Bail out! $d was not labelled by the first boot"; exit 2; }

denied=0 n=0
for f in $d/data-* $d/exe-*; do
	n=$((n + 1))
	cat $f > /dev/null 2>/tmp/err || { denied=$((denied + 1)); diag "$(cat /tmp/err)"; }
done
check "enforce: all $n files labelled in fix mode open ($denied false denials)" [ $denied = 0 ]
out=$($d/exe-hello 2>&1)
check "enforce: a labelled executable runs ($out)" [ "$out" = "enforce-hello ran" ]
out=$($d/exe-xattr-hex $d/data-0 2>&1)
check "enforce: a second labelled executable runs" [ "$out" = "$(ima_hex $d/data-0)" ]

err=$(cat $d/tamper-data 2>&1 >/dev/null)
case $err in
*'Permission denied'*) ok "enforce: a file tampered with offline is denied (EACCES)" ;;
*) not_ok "enforce: a file tampered with offline is denied (EACCES)"; diag "cat said: ${err:-nothing, it was read}" ;;
esac
audited() { dmesg | grep "cause=$1 .*name=\"$2\"" | grep -q .; }
check "enforce: the denial is IMA's (audit cause=invalid-hash for tamper-data)" \
	audited invalid-hash $d/tamper-data
err=$($d/tamper-exe 2>&1)
rc=$?
case $err in
*'Permission denied'*) ok "enforce: an executable tampered with offline does not run (rc $rc)" ;;
*) not_ok "enforce: an executable tampered with offline does not run"; diag "it said: $err (rc $rc)" ;;
esac
check "enforce: that denial is IMA's too (cause=invalid-hash)" audited invalid-hash $d/tamper-exe

echo "edited under enforce" >> $d/data-1
labelled "enforce: append rewrites security.ima on the final close" $d/data-1
check "enforce: the appended file stays readable" sh -c "cat $d/data-1 > /dev/null"
printf 'rewritten\n' > $d/data-2
labelled "enforce: O_TRUNC rewrite rewrites security.ima" $d/data-2
check "enforce: the rewritten file stays readable" grep -q rewritten $d/data-2
dd if=/dev/urandom of=$d/data-3 bs=1k count=3 seek=1 conv=notrunc 2>/dev/null
labelled "enforce: overwrite in place rewrites security.ima" $d/data-3

mkdir -p $d/cc
ima-test close-check --iterations 3 $d/cc > /tmp/cc.tap 2>/tmp/cc.err
rc=$?
relay_tap "enforce: close-check " /tmp/cc.tap
check "enforce: close-check exit status 0 (was $rc), no skips" \
	[ "$rc" = 0 -a "$(grep -c '# SKIP' /tmp/cc.tap)" = 0 ]
finish
