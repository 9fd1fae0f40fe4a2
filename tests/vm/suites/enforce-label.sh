#!/bin/sh
# Enforce, boot 1 of 3 (fix mode, appraise_tcb): create and label the files
# the enforce boots will read and execute.  The host then tampers with
# enf/tamper-* offline (debugfs) before the next boot.
. /suites/lib.sh
if ! grep -q '^appraise' /sys/kernel/security/ima/policy 2>/dev/null; then
	echo "Bail out! IMA appraisal is not active: nothing here could fail"
	exit 2
fi
d=/mnt/enf
mkdir -p $d
i=0
while [ $i -lt 40 ]; do
	dd if=/dev/urandom of=$d/data-$i bs=$((i * 211 + 1)) count=1 2>/dev/null
	i=$((i + 1))
done
dd if=/dev/urandom of=$d/data-big bs=64k count=16 2>/dev/null
cp /bin/enforce-hello $d/exe-hello
cp /bin/xattr-hex $d/exe-xattr-hex
dd if=/dev/urandom of=$d/tamper-data bs=4096 count=2 2>/dev/null
cp /bin/enforce-hello $d/tamper-exe
chmod 0755 $d/exe-* $d/tamper-exe

bad=0 n=0
for f in $d/*; do
	n=$((n + 1))
	[ "$(ima_hex $f)" = "$(want_hex $f)" ] || { bad=$((bad + 1)); diag "not labelled: $f"; }
done
check "fix mode labelled all $n files with their sha256 ($bad not)" [ $bad = 0 ]
check "the signed executables from the host kept their signatures" \
	sh -c '[ "$(xattr-hex /mnt/sig/signed-hello | cut -c1-4)" = 0302 ]'
sync
finish
