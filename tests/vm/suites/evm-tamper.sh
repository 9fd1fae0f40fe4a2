#!/bin/sh
# Offline tampering with and without EVM, three boots on one disk
# (imafput.phase=):
#  label   fix mode, EVM initialised with a known HMAC key: two data files
#          get security.ima and an HMAC in security.evm on their final
#          close.  The host then changes /tamper/data and writes the
#          matching hash into its security.ima, offline (debugfs).
#  noevm   enforce, EVM not initialised: the kernel opens the tampered
#          file, since its security.ima matches the new content.
#  evm     enforce, EVM initialised with the same key: the tampered file
#          is refused (the HMAC no longer covers its security.ima); the
#          untouched one opens.
. /suites/lib.sh
phase=$(cmdline_arg phase)
key=00112233445566778899aabbccddeeff0123456789abcdeffedcba9876543210
key=$key$key
d=/mnt/tamper
has() { case $1 in *"$2"*) return 0 ;; esac; return 1; }

require_appraisal "nothing could be refused"
evm_on() {
	check "EVM HMAC key loaded and EVM on" evm-key-load $key
	check "securityfs evm reads 1" [ "$(cat /sys/kernel/security/evm)" = 1 ]
}
case $phase in
label)
	evm_on
	mkdir -p $d
	echo "the data as written" > $d/data
	echo "left alone" > $d/untouched
	for f in data untouched; do
		labelled "$f: security.ima = sha256 of content" $d/$f
		check "$f: security.evm is an HMAC" \
			sh -c "xattr-hex $d/$f security.evm | grep -Eq '^02[0-9a-f]{40}$'"
	done
	echo $key > /tmp/evm.key
	check "ima-test verify --evm: both HMACs valid before the tampering" \
		ima-test verify --evm --evm-key /tmp/evm.key $d/data $d/untouched
	;;
noevm)
	check "EVM not initialised (evm reads $(cat /sys/kernel/security/evm))" \
		[ "$(cat /sys/kernel/security/evm)" = 0 ]
	labelled "tampered data: its security.ima matches its new content" $d/data
	content=$(cat $d/data 2>&1)
	rc=$?
	check "without EVM the kernel opens the tampered file (cat exit $rc)" [ "$rc" = 0 ]
	check "and hands out the tampered content" has "$content" ZZZZ
	echo $key > /tmp/evm.key
	out=$(ima-test verify --evm --evm-key /tmp/evm.key $d/data $d/untouched 2>&1)
	diag "$out"
	check "ima-test verify --evm with the key: evm-invalid-hmac on the tampered file" \
		has "$out" "data: evm-invalid-hmac"
	check "and the untouched one ok" has "$out" "untouched: ok"
	;;
evm)
	# IMA's audit records reach the console through printk_ratelimit()
	echo 100 > /proc/sys/kernel/printk_ratelimit_burst
	# EVM looks _evm up once, at its first signature: load it first
	check "ima-test keys add --keyring _evm: the EVM certificate" \
		ima-test keys add --keyring _evm /mnt/keys/evm.der
	evm_on
	cat $d/data > /tmp/out 2> /tmp/err
	rc=$?
	check "with EVM the kernel refuses the tampered file (cat exit $rc: $(cat /tmp/err))" \
		sh -c "[ $rc != 0 ] && grep -q 'Permission denied' /tmp/err"
	check "console: integrity audit record with cause=invalid-HMAC for it" \
		sh -c "dmesg | grep 'cause=invalid-HMAC' | grep -q 'tamper/data'"
	dmesg | grep 'type=1800' | sed 's/.*audit: /# /'
	check "the untouched file opens" cat $d/untouched
	check "portable signature by the _evm key: the file opens" cat /mnt/signed/evm
	check "ima-test verify --evm --cert: its portable signature verifies" \
		ima-test verify --evm --cert /mnt/keys/evm.der /mnt/signed/evm
	chmod 600 /mnt/signed/evm 2> /tmp/err
	rc=$?
	check "immutable under EVM: chmod refused (exit $rc: $(cat /tmp/err))" \
		sh -c "[ $rc != 0 ] && grep -q 'not permitted' /tmp/err"
	cat /mnt/signed/other > /dev/null 2> /tmp/err
	rc=$?
	check "control: portable signature by a key not in _evm: refused (exit $rc)" \
		sh -c "[ $rc != 0 ] && grep -q 'Permission denied' /tmp/err"
	dmesg | grep 'type=1800' | grep signed | sed 's/.*audit: /# /'
	;;
*) not_ok "phase known (imafput.phase=label|noevm|evm, got '$phase')" ;;
esac
finish
