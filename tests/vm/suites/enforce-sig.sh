#!/bin/sh
# Enforce, boot 3 of 3 (ima_appraise=enforce ima_policy=tcb, then our own
# rules): with the test certificate in _ima and
#   appraise func=BPRM_CHECK fsuuid=DISK appraise_type=imasig
#   appraise fowner=0 fsuuid=DISK
# a signed executable runs, an unsigned one, a tampered signed one and one
# labelled only with a hash are denied, labelled data stays readable, and
# files edited now are rewritten on the final close.
. /suites/lib.sh
uuid=$(cmdline_arg fsuuid)
pol=/sys/kernel/security/ima/policy
[ -n "$uuid" ] || { echo "Bail out! imafput.fsuuid= not given"; exit 2; }
[ -d /sys/kernel/security/ima ] || { echo "Bail out! IMA is not active"; exit 2; }
check "boot policy (tcb) has no appraise rule yet" sh -c "! grep -q '^appraise' $pol"

out=$(ima-test keys add /mnt/keys/ima.der 2>&1)
rc=$?
diag "$out"
check "ima-test keys add loaded the test certificate into _ima" [ $rc = 0 ]
cat > /tmp/policy <<POLICY
appraise func=BPRM_CHECK fsuuid=$uuid appraise_type=imasig
appraise fowner=0 fsuuid=$uuid
POLICY
check "the text policy was accepted" sh -c "cat /tmp/policy > $pol"
check "the policy now appraises executables by signature" grep -q 'func=BPRM_CHECK.*imasig' $pol

s=/mnt/sig
out=$($s/signed-hello 2>&1)
check "imasig: a signed executable runs ($out)" [ "$out" = "enforce-hello ran" ]
# denied DESC CAUSE FILE: ok when FILE does not run, with Permission denied,
# and IMA audited the denial with CAUSE
denied() {
	err=$("$3" 2>&1); rc=$?
	case $err in
	*'Permission denied'*)
		if dmesg | grep "cause=$2 .*name=\"$3\"" | grep -q .; then
			ok "$1 (rc $rc, audit cause=$2)"
		else
			not_ok "$1: denied, but IMA audited no cause=$2 for it"
		fi ;;
	*) not_ok "$1"; diag "it said: $err (rc $rc)" ;;
	esac
}
denied "imasig: an unsigned executable is denied" missing-hash $s/unsigned-hello
denied "imasig: a signed executable changed after signing is denied" invalid-signature $s/tampered-hello
denied "imasig: an executable with only a hash label is denied" IMA-signature-required /mnt/enf/exe-hello

denied=0 n=0
for f in /mnt/enf/data-*; do
	n=$((n + 1))
	cat $f > /dev/null 2>/tmp/err || { denied=$((denied + 1)); diag "$(cat /tmp/err)"; }
done
check "imasig policy: $n hash-labelled data files open ($denied false denials)" [ $denied = 0 ]
echo "edited under the imasig policy" >> /mnt/enf/data-5
labelled "imasig policy: append rewrites security.ima on the final close" /mnt/enf/data-5
check "imasig policy: the edited file stays readable" sh -c "cat /mnt/enf/data-5 > /dev/null"
finish
