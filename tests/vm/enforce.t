#!/bin/bash
# Enforce mode on one disk, three boots per kernel (series, then none):
#  1. fix mode labels files (suites/enforce-label.sh); the host then
#     tampers with two of them offline with debugfs;
#  2. ima_appraise=enforce ima_policy=appraise_tcb: labelled files open and
#     run, tampered ones are denied, edits are rewritten on final close,
#     close-check passes (suites/enforce-check.sh);
#  3. ima_appraise=enforce with our text policy requiring signatures for
#     executables, the test certificate loaded with ima-test keys add:
#     signed runs, unsigned and tampered-signed are denied
#     (suites/enforce-sig.sh).
# The key pair is made here with openssl; the signed executables and the
# certificate go onto the disk image, built with mke2fs -d (which copies
# the security.ima xattrs written by ima-test sign).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
tool=$top/tools/ima-test/ima-test
. "$top/tests/lib/tap.sh"
say() { echo "# $*"; }
boot() { # boot KERNEL NAME SUITE CMDLINE
	TAP_START=$(tap_count) "$top/vm/run-suite.sh" --kernel "$1" --name "$2" --suite "$3" \
		--disk "$disk" --no-plan --cmdline "$4" || tap_fail
	tap_set_count "$(cat "$top/build/test-results/$2/count")"
}

[ -x "$tool" ] || make -s -C "$top/tools/ima-test" ima-test >&2
for k in ${ENFORCE_KERNELS:-series none}; do
	work=$top/build/vm/enforce-$k
	stage=$work/stage
	disk=$top/build/vm/disks/enforce-$k.img
	rm -rf "$work" "$disk"
	mkdir -p "$stage/sig" "$stage/keys" "$stage/enf" "$(dirname "$disk")"

	# a fresh test key pair; the kernel reads the DER certificate
	openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 7 -subj "/CN=ima-fput enforce test" \
		-addext subjectKeyIdentifier=hash -addext basicConstraints=critical,CA:FALSE \
		-addext keyUsage=critical,digitalSignature \
		-keyout "$work/ima.key" -out "$work/ima.pem" 2>/dev/null &&
		openssl x509 -in "$work/ima.pem" -outform der -out "$stage/keys/ima.der"
	[ -s "$stage/keys/ima.der" ] && ok "$k: test key pair and certificate made with openssl" ||
		not_ok "$k: test key pair and certificate made with openssl"

	gcc -std=c11 -O2 -static -o "$stage/sig/signed-hello" "$here/helpers/enforce-hello.c"
	cp "$stage/sig/signed-hello" "$stage/sig/unsigned-hello"
	cp "$stage/sig/signed-hello" "$stage/sig/tampered-hello"
	if "$tool" sign --key "$work/ima.key" --cert "$work/ima.pem" \
		"$stage/sig/signed-hello" "$stage/sig/tampered-hello" >&2 &&
		"$tool" verify --cert "$work/ima.pem" "$stage/sig/signed-hello" >/dev/null; then
		ok "$k: ima-test sign signed the executables and verify accepts them on the host"
	else
		not_ok "$k: ima-test sign signed the executables and verify accepts them on the host"
	fi
	printf 'appended after signing\n' >> "$stage/sig/tampered-hello"
	uuid=$(cat /proc/sys/kernel/random/uuid)
	mke2fs -q -F -t ext4 -I 256 -U "$uuid" -E root_owner=0:0 -d "$stage" "$disk" 128M >&2
	if debugfs -R 'ea_get /sig/signed-hello security.ima' "$disk" 2>/dev/null | grep -q .; then
		ok "$k: mke2fs -d carried the signatures onto the disk image"
	else
		not_ok "$k: mke2fs -d carried the signatures onto the disk image"
	fi

	boot "$k" "enforce-label-$k" enforce-label "ima_appraise=fix ima_policy=appraise_tcb"

	# offline tampering: overwrite the first block of each file in place,
	# keeping inode and security.ima
	for f in /enf/tamper-data /enf/tamper-exe; do
		before=$(debugfs -R "cat $f" "$disk" 2>/dev/null | sha256sum)
		debugfs -w -R "zap_block -f $f -p 0x5a 0" "$disk" >/dev/null 2>&1
		after=$(debugfs -R "cat $f" "$disk" 2>/dev/null | sha256sum)
		if [ "$before" != "$after" ] &&
			debugfs -R "ea_get $f security.ima" "$disk" 2>/dev/null | grep -q .; then
			ok "$k: $f tampered with offline, its security.ima kept"
		else
			not_ok "$k: $f tampered with offline, its security.ima kept"
		fi
	done

	boot "$k" "enforce-check-$k" enforce-check "ima_appraise=enforce ima_policy=appraise_tcb"
	boot "$k" "enforce-sig-$k" enforce-sig "ima_appraise=enforce ima_policy=tcb imafput.fsuuid=$uuid"
done

# the same behaviour on both kernels, test by test
kernels=${ENFORCE_KERNELS:-series none}
if [ "$kernels" = "series none" ]; then
	for stage in label check sig; do
		a=$top/build/test-results/enforce-$stage-series/guest.tap
		b=$top/build/test-results/enforce-$stage-none/guest.tap
		strip() { sed -n -E 's/^(not )?ok [0-9]+ - /\1ok /p' "$1"; }
		if [ -s "$a" ] && [ "$(strip "$a")" = "$(strip "$b")" ]; then
			ok "enforce-$stage: the series and the baseline give the same $(strip "$a" | wc -l) results"
		else
			not_ok "enforce-$stage: the series and the baseline give the same results"
			diff <(strip "$a") <(strip "$b") | sed 's/^/#   /'
		fi
	done
fi
finish
