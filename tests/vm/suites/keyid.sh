#!/bin/sh
# Key lookup (ima_appraise=enforce ima_policy=tcb, then our rule): three
# certificates in _ima, one per shape (SKI = hash of the key, a custom SKI,
# no SKI), each with its own key.  For a program signed with each key, with
# and without its certificate, the kernel's `keyctl search _ima asymmetric
# id:KEYID`, the exec under
#   appraise func=BPRM_CHECK fsuuid=DISK appraise_type=imasig
# and `ima-test verify` given the same three certificates all agree.
. /suites/lib.sh
uuid=$(cmdline_arg fsuuid)
pol=/sys/kernel/security/ima/policy
[ -n "$uuid" ] || { echo "Bail out! imafput.fsuuid= not given"; exit 2; }
[ -d /sys/kernel/security/ima ] || { echo "Bail out! IMA is not active"; exit 2; }

certs="/mnt/keys/hash.der /mnt/keys/custom.der /mnt/keys/noski.der"
# shellcheck disable=SC2086
out=$(ima-test keys add $certs 2>&1)
rc=$?
diag "$out"
check "ima-test keys add loaded the three certificates into _ima" [ $rc = 0 ]
echo "appraise func=BPRM_CHECK fsuuid=$uuid appraise_type=imasig" > /tmp/policy
check "the text policy was accepted" sh -c "cat /tmp/policy > $pol"
check "the policy now appraises executables by signature" grep -q 'func=BPRM_CHECK.*imasig' $pol

vargs=
for c in $certs; do vargs="$vargs --cert $c"; done
for s in hash custom noski; do
	for how in bare cert; do
		f=/mnt/sig/$s-$how
		kid=$(xattr-hex "$f" | cut -c7-14)
		keyid-search _ima "$kid" > /dev/null 2>&1
		krc=$?
		# shellcheck disable=SC2086
		v=$(ima-test verify $vargs "$f" 2>&1)
		vrc=$?
		out=$("$f" 2>&1)
		if [ "$out" = "enforce-hello ran" ]; then run=0; else run=1; fi
		case $s-$how in
		custom-bare|noski-bare) want=1 ;;
		*) want=0 ;;
		esac
		if [ $krc = $run ] && [ $vrc = $run ]; then
			ok "$s SKI, signed $how (keyid $kid): keyctl search, exec and ima-test verify agree (search $krc, exec $run, verify $vrc)"
		else
			not_ok "$s SKI, signed $how (keyid $kid): keyctl search, exec and ima-test verify agree (search $krc, exec $run, verify $vrc)"
			diag "verify: $v"
			diag "exec: $out"
		fi
		check "$s SKI, signed $how: the kernel $([ $want = 0 ] && echo runs || echo denies) it" [ $run = $want ]
	done
done
finish
