#!/bin/sh
# SHA-1 labels, boot 1 of 2 (ima_hash=sha1 ima_appraise=fix
# ima_policy=appraise_tcb): write a file whose SHA-1 ends in four zero
# bytes, and an ordinary one, and see the labels their final close writes.
# A type 01 value of 21 bytes ending in four zero bytes is read by the
# kernel (ima_get_hash_algo()) as an MD5 digest, so the baseline, which
# writes SHA-1 as 01, labels the first file with a value that enforce
# refuses (sha1-open.sh); the series writes 04 02 <sha1> for both.
. /suites/lib.sh
variant=$(kernel_variant)
d=/mnt/sha1
require_appraisal "no label to look at"
mkdir -p $d
# found by trying counters; its SHA-1 is 5daee114...41db00000000
printf 'ima-fput: content whose SHA-1 ends in four zero bytes, counter: 0000000095218a15\n' > $d/zero-tail
echo "an ordinary file" > $d/ordinary
zsum=$(sha1sum $d/zero-tail | cut -d' ' -f1)
osum=$(sha1sum $d/ordinary | cut -d' ' -f1)
check "the content's SHA-1 ends in four zero bytes ($zsum)" \
	sh -c "echo $zsum | grep -q '00000000\$'"
case $variant in
series) form=0402 ;;
none) form=01 ;;
*) not_ok "kernel variant known (imafput.kernel=series|none)"; finish ;;
esac
is "$(ima_hex $d/ordinary)" "$form$osum" \
	"$variant: an ordinary file is labelled $form <sha1> on its final close"
is "$(ima_hex $d/zero-tail)" "$form$zsum" \
	"$variant: the zero-tailed file is labelled $form <sha1> on its final close"
# ima-test models the kernel's reading of the value it finds
out=$(ima-test verify $d/zero-tail 2>&1)
rc=$?
diag "ima-test verify: $out (exit $rc)"
case $variant in
series) check "series: ima-test verify accepts the 04 02 label (exit $rc)" [ "$rc" = 0 ] ;;
none) check "baseline: ima-test verify reports the label the kernel reads as MD5 (exit $rc)" \
	sh -c "[ $rc = 1 ] && echo '$out' | grep -q 'the kernel reads it as MD5'" ;;
esac
# close-check expects the form this kernel writes: 01 on the baseline,
# 04 02 with the series
mkdir -p $d/cc
ima-test close-check --scenario close,munmap,scm-gc,io_uring-async $d/cc > /tmp/cc.tap 2> /tmp/cc.err
rc=$?
sed 's/^/# stderr: /' /tmp/cc.err
relay_tap "sha1 close-check " /tmp/cc.tap
check "close-check under ima_hash=sha1: exit status 0 (was $rc)" [ "$rc" = 0 ]
case $variant in
series) check "series: close-check expected 04 02 sha1 labels" \
	sh -c "grep -q 'close-check in $d/cc: sha1 labels,' /tmp/cc.tap" ;;
none) check "baseline: close-check expected the legacy type 01 sha1 labels" \
	grep -q 'sha1 labels (legacy type 01)' /tmp/cc.tap ;;
esac
sync
finish
