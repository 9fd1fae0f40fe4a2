#!/bin/sh
# The install side of the build pipeline (tests/vm/pkcs11.sh), under
# ima_appraise=enforce: apply a sign-hash manifest made with a token key on
# the host, then require signatures for executables and run them.
. /suites/lib.sh
uuid=$(cmdline_arg fsuuid)
pol=/sys/kernel/security/ima/policy
[ -n "$uuid" ] || { echo "Bail out! imafput.fsuuid= not given"; exit 2; }
[ -d /sys/kernel/security/ima ] || { echo "Bail out! IMA is not active"; exit 2; }
p=/mnt/prog

ima-test apply -v --cert /mnt/keys/ima.der --manifest /mnt/manifest.sig --root /mnt >/tmp/apply.out 2>&1
rc=$?
diag "$(cat /tmp/apply.out)"
check "apply: exit 1, one finding (rc $rc)" [ $rc = 1 ]
check "apply: the changed program is reported with its manifest line" \
	grep -q 'changed-hello: content differs (manifest line 2)' /tmp/apply.out
v=$(ima_hex $p/hello)
check "apply: the signed program got its signature (${v%"${v#??????????????}"}...)" \
	[ "${v#030204}" != "$v" ]
v=$(ima_hex $p/changed-hello)
check "apply: the changed program got nothing ($v)" [ "$v" = absent ]

out=$(ima-test keys add /mnt/keys/ima.der 2>&1)
rc=$?
diag "$out"
check "the token's certificate is in _ima" [ $rc = 0 ]
printf 'appraise func=BPRM_CHECK fsuuid=%s appraise_type=imasig\n' "$uuid" > /tmp/policy
check "the imasig policy was accepted" sh -c "cat /tmp/policy > $pol"

out=$($p/hello 2>&1)
check "enforce: the token-signed program runs ($out)" [ "$out" = "enforce-hello ran" ]
denied() {
	err=$("$2" 2>&1); rc=$?
	case $err in
	*'Permission denied'*) ok "$1 (rc $rc)" ;;
	*) not_ok "$1"; diag "it said: $err (rc $rc)" ;;
	esac
}
denied "enforce: the program changed after signing is denied" $p/changed-hello
denied "enforce: the program not in the manifest is denied" $p/unsigned-hello
finish
