#!/bin/bash
# Offline tampering, shown both ways (suites/evm-tamper.sh), per kernel:
#  1. fix mode with EVM initialised labels /tamper/data: security.ima and
#     an HMAC in security.evm;
#  2. the host changes its content and writes the matching security.ima
#     offline with debugfs (the HMAC is left as it was);
#  3. enforce without EVM: the kernel opens the tampered file;
#  4. enforce with EVM initialised: the kernel refuses it, cause=invalid-HMAC.
# The disk also carries files with portable EVM signatures made on the host
# by ima-test sign --evm: in boot 4, with the certificate loaded into _evm
# by ima-test keys add, the one by that key opens and is immutable (chmod
# is refused); the one by another key is refused.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/lib/tap.sh"
boot() { # boot KERNEL NAME PHASE CMDLINE
	TAP_START=$(tap_count) "$top/vm/run-suite.sh" --kernel "$1" --name "$2" --suite evm-tamper \
		--disk "$disk" --no-plan --cmdline "imafput.phase=$3 $4" || tap_fail
	tap_set_count "$(cat "$top/build/test-results/$2/count")"
}

for k in ${EVM_KERNELS:-series none}; do
	disk=$top/build/vm/disks/evm-tamper-$k.img
	work=$top/build/vm/evm-tamper-$k
	rm -rf "$disk" "$work"
	mkdir -p "$work" "$(dirname "$disk")"
	# portable EVM signatures made here: one by the key whose certificate
	# the evm boot loads into _evm, one by a key it never sees
	stage=$work/stage
	mkdir -p "$stage/signed" "$stage/keys"
	for who in evm other; do
		openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 7 -subj "/CN=ima-fput EVM $who" \
			-addext subjectKeyIdentifier=hash -addext keyUsage=critical,digitalSignature \
			-keyout "$work/$who.key" -out "$work/$who.pem" 2>/dev/null
		echo "signed by the $who key" > "$stage/signed/$who"
		"$top/tools/ima-test/ima-test" sign --evm --ima-hash --key "$work/$who.key" \
			--cert "$work/$who.pem" "$stage/signed/$who" 2>/dev/null
	done
	openssl x509 -in "$work/evm.pem" -outform der -out "$stage/keys/evm.der"
	# enforce appraises the certificate file too
	"$top/tools/ima-test/ima-test" hash "$stage/keys/evm.der"
	mke2fs -q -F -t ext4 -I 256 -E root_owner=0:0 -d "$stage" "$disk" 128M >&2
	if debugfs -R "ea_get -x /signed/evm security.evm" "$disk" 2>/dev/null | grep -q '= 05 02'; then
		ok "$k: ima-test sign --evm: portable EVM signatures on the disk image (mke2fs -d)"
	else
		not_ok "$k: ima-test sign --evm: portable EVM signatures on the disk image (mke2fs -d)"
	fi

	boot "$k" "evm-tamper-label-$k" label "ima_appraise=fix ima_policy=appraise_tcb"

	f=/tamper/data
	evm_before=$(debugfs -R "ea_get -x $f security.evm" "$disk" 2>/dev/null)
	debugfs -w -R "zap_block -f $f -p 0x5a 0" "$disk" >/dev/null 2>&1
	new=$(debugfs -R "cat $f" "$disk" 2>/dev/null | sha256sum | cut -c1-64)
	printf '0404%s' "$new" | xxd -r -p > "$work/ima"
	debugfs -w -R "ea_set -f $work/ima $f security.ima" "$disk" >/dev/null 2>&1
	got=$(debugfs -R "ea_get -x $f security.ima" "$disk" 2>/dev/null | tr -d ' \n')
	if [ "$(debugfs -R "cat $f" "$disk" 2>/dev/null | head -c 4)" = ZZZZ ] &&
		[ "${got#*=}" = "0404$new" ] &&
		[ "$(debugfs -R "ea_get -x $f security.evm" "$disk" 2>/dev/null)" = "$evm_before" ]; then
		ok "$k: $f changed offline with a matching security.ima, security.evm left as it was"
	else
		not_ok "$k: $f changed offline with a matching security.ima, security.evm left as it was"
	fi

	boot "$k" "evm-tamper-noevm-$k" noevm "ima_appraise=enforce ima_policy=appraise_tcb"
	boot "$k" "evm-tamper-evm-$k" evm "ima_appraise=enforce ima_policy=appraise_tcb"
done
finish
