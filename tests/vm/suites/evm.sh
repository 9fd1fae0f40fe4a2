#!/bin/sh
# EVM initialised with a known HMAC key (imafput.evmmode= says whether the
# boot is fix or enforce): every final close that rewrites security.ima
# also rewrites security.evm, and ima-test computes the same HMAC in
# userspace, from the key's bytes and from the blob keyctl pipe gives for
# the encrypted evm-key with its user master key.  Then close-check
# --evm-key runs every final-close scenario and checks both xattrs after
# each final close; the files it leaves are opened again, which under
# enforce is appraisal with EVM.
. /suites/lib.sh
mode=$(cmdline_arg evmmode)
iterations=$(cmdline_arg cciter)
key=00112233445566778899aabbccddeeff0123456789abcdeffedcba9876543210
key=$key$key
echo $key > /tmp/evm.key
echo ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100 > /tmp/wrong.key
d=/mnt/evm
has() { case $1 in *"$2"*) return 0 ;; esac; return 1; }

require_appraisal "no security.ima rewrite to follow"
check "EVM starts uninitialised (evm reads $(cat /sys/kernel/security/evm))" \
	[ "$(cat /sys/kernel/security/evm)" = 0 ]
check "EVM HMAC key loaded (user kmk, encrypted evm-key with user data) and EVM on" \
	evm-key-load $key /tmp/evm.blob /tmp/kmk
check "keyctl pipe of the evm-key: its blob 'default user:kmk 64 HEX'" \
	grep -Eq '^default user:kmk 64 [0-9a-f]{226}$' /tmp/evm.blob
check "keyctl pipe of the kmk: its 32 bytes" [ "$(wc -c < /tmp/kmk)" -eq 32 ]
printf 0123456789abcdef0123456789abcdef > /tmp/wrong.kmk
check "securityfs evm reads 1 (HMAC initialised)" [ "$(cat /sys/kernel/security/evm)" = 1 ]
check "console: evm: key initialized" sh -c "dmesg | grep -q 'evm: key initialized'"

mkdir -p $d
echo hello > $d/f
labelled "new file: security.ima = sha256 of content" $d/f
evm=$(xattr-hex $d/f security.evm)
check "new file: security.evm is an HMAC (type 02, 21 bytes: ${evm%${evm#????????}}...)" \
	sh -c "echo $evm | grep -Eq '^02[0-9a-f]{40}$'"
check "ima-test verify --evm --evm-key: the kernel's HMAC is the one ima-test computes" \
	ima-test verify --evm --evm-key /tmp/evm.key $d/f
check "ima-test verify --evm --evm-key BLOB --kmk KMK: the key decrypted from the kernel's blob gives its HMAC" \
	ima-test verify --evm --evm-key /tmp/evm.blob --kmk /tmp/kmk $d/f
out=$(ima-test verify --evm --evm-key /tmp/evm.blob --kmk /tmp/wrong.kmk $d/f 2>&1)
rc=$?
check "control: the blob with another master key is refused (exit $rc)" [ "$rc" = 2 ]
check "control: and the error names the blob's HMAC" has "$out" "HMAC does not match: wrong master key"
out=$(ima-test verify --evm --evm-key /tmp/wrong.key $d/f 2>&1)
check "control: with another key ima-test says evm-invalid-hmac" has "$out" "f: evm-invalid-hmac"
out=$(ima-test verify --evm --no-fsuuid --evm-key /tmp/evm.key $d/f 2>&1)
check "control: leaving the file system UUID out gives evm-invalid-hmac" has "$out" "f: evm-invalid-hmac"

before=$evm
echo world >> $d/f
labelled "append: security.ima rewritten on the final close" $d/f
evm=$(xattr-hex $d/f security.evm)
check "append: security.evm rewritten on the final close" [ "$evm" != "$before" ]
check "append: ima-test verify --evm agrees with the new HMAC" \
	ima-test verify --evm --evm-key /tmp/evm.key $d/f

mkdir -p $d/cc
ima-test close-check --iterations "${iterations:-2}" --evm-key /tmp/evm.key $d/cc \
	> /tmp/cc.tap 2> /tmp/cc.err
rc=$?
sed 's/^/# stderr: /' /tmp/cc.err
relay_tap "close-check --evm-key " /tmp/cc.tap
check "close-check --evm-key exit status 0 (was $rc)" [ "$rc" = 0 ]
check "close-check checked EVM HMACs" grep -q 'and EVM HMACs' /tmp/cc.tap
ima-test close-check --scenario close,munmap --evm-key /tmp/wrong.key $d/cc > /tmp/cc.tap 2>&1
rc=$?
check "control: close-check --evm-key with another key fails (exit $rc)" [ "$rc" = 1 ]
check "control: and says security.evm is invalid-hmac" \
	grep -q 'security.ima is right but security.evm is invalid-hmac' /tmp/cc.tap
ima-test close-check --scenario close,munmap --evm-key /tmp/evm.blob --kmk /tmp/kmk $d/cc \
	> /tmp/cc.tap 2>&1
rc=$?
check "close-check --evm-key BLOB --kmk KMK agrees with the kernel (exit $rc)" [ "$rc" = 0 ]

# close-check reads security.evm without opening the file (an open could
# repair it in fix mode), but re-opens every file to check its content;
# under enforce that open is appraisal of both xattrs.  Here, after the
# cache of the boot is gone: a new file.
echo "written under $mode" > $d/g
sync
echo 3 > /proc/sys/vm/drop_caches
check "$mode: a file written in this boot opens and reads again" cat $d/g
check "$mode: ima-test verify --evm: every file here has a valid HMAC" \
	ima-test verify -r --evm --evm-key /tmp/evm.key $d
finish
