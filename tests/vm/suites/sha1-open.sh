#!/bin/sh
# SHA-1 labels, boot 2 of 2 (ima_hash=sha1 ima_appraise=enforce
# ima_policy=appraise_tcb) on the disk labelled by sha1-label.sh: the
# ordinary file opens on both kernels; the file whose SHA-1 ends in four
# zero bytes opens on the series, and is refused on the baseline, whose
# type 01 label the kernel reads as MD5 (the known baseline behaviour the
# series' ima_fix_xattr() patch removes).
. /suites/lib.sh
variant=$(kernel_variant)
d=/mnt/sha1
require_appraisal "nothing could be refused"
[ -f $d/ordinary ] || { echo "Bail out! $d was not labelled by the first boot"; exit 2; }
check "enforce: the ordinary file opens" sh -c "cat $d/ordinary > /dev/null"
err=$(cat $d/zero-tail 2>&1 >/dev/null)
rc=$?
diag "cat zero-tail: rc $rc ${err:+($err)}"
dmesg | grep 'zero-tail' | sed 's/^/# kernel: /'
case $variant in
series)
	check "series: the zero-tailed file opens under enforce (its label names sha1)" [ "$rc" = 0 ]
	check "series: and reads back what was written" grep -q 'counter: 0000000095218a15' $d/zero-tail
	;;
none)
	case $rc/$err in
	0/*) not_ok "baseline: the zero-tailed file is refused under enforce (it opened)" ;;
	*'Permission denied'*) ok "baseline: the zero-tailed file is refused under enforce (EACCES: its 01 label is read as MD5)" ;;
	*) not_ok "baseline: the zero-tailed file is refused under enforce with EACCES" ;;
	esac
	check "baseline: the refusal is IMA's appraisal (audit cause=invalid-hash names the file)" \
		sh -c "dmesg | grep 'cause=invalid-hash' | grep -q 'name=\"$d/zero-tail\"'"
	;;
*) not_ok "kernel variant known (imafput.kernel=series|none)" ;;
esac
finish
