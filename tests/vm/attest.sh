#!/bin/bash
# attest.sh KERNEL: the attestation suite (suites/attest.sh) in one boot
# with a fresh swtpm, then on the host: the lists and PCRs it left on the
# disk are copied to build/attest-lists/KERNEL/ and checked here with
# ima-test log and evmctl ima_measurement.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
k=$1
name=attest-$k
disk=$top/build/vm/disks/$name.img
lists=$top/build/attest-lists/$k
tool=$top/tools/ima-test/ima-test
. "$top/tests/lib/tap.sh"
[ -x "$tool" ] || make -s -C "$top/tools/ima-test" ima-test >&2
rm -f "$disk"
TAP_START=$(tap_count) "$top/vm/run-suite.sh" --tpm --kernel "$k" --name "$name" --suite attest \
	--disk "$disk" --no-plan --cmdline "ima_appraise=fix ima_policy=tcb" || tap_fail
tap_set_count "$(cat "$top/build/test-results/$name/count")"

rm -rf "$lists"
mkdir -p "$lists"
for f in bin_sha1 bin_sha256 ascii_sha1 ascii_sha256 pcrs_sha1 pcrs_sha256; do
	debugfs -R "dump /attest-out/$f $lists/$f" "$disk" >/dev/null 2>&1
done
if [ -s "$lists/bin_sha1" ] && [ -s "$lists/pcrs_sha256" ]; then
	ok "$name: lists and PCRs copied out of the VM ($(stat -c %s "$lists/bin_sha1") bytes sha1 list)"
else
	not_ok "$name: lists and PCRs copied out of the VM"
	finish
fi
P=(--pcrs "sha1,$lists/pcrs_sha1" --pcrs "sha256,$lists/pcrs_sha256")
for l in bin_sha1 bin_sha256 ascii_sha1 ascii_sha256; do
	out=$("$tool" log --ignore-violations --list "$lists/$l" "${P[@]}" 2>&1)
	rc=$?
	[ $rc = 0 ] && [ "$(grep -c 'consistent (' <<<"$out")" -ge 2 ]
	if [ $? = 0 ]; then ok "$name: host ima-test log on the VM's $l (--ignore-violations)"
	else not_ok "$name: host ima-test log on the VM's $l (exit $rc)"; sed 's/^/# /' <<<"$out" | tail; fi
done
out=$("$tool" log --list "$lists/bin_sha1" "${P[@]}" 2>&1)
[ $? = 1 ] && grep -q ': violation (' <<<"$out"
if [ $? = 0 ]; then ok "$name: host ima-test log names the violation"
else not_ok "$name: host ima-test log names the violation"; fi
if command -v evmctl >/dev/null; then
	out=$(evmctl ima_measurement --ignore-violations --pcrs "sha256,$lists/pcrs_sha256" \
		--pcrs "sha1,$lists/pcrs_sha1" "$lists/bin_sha1" 2>&1)
	if [ $? = 0 ]; then ok "$name: evmctl ima_measurement agrees on the VM's sha1 list"
	else not_ok "$name: evmctl ima_measurement agrees on the VM's sha1 list"; sed 's/^/# /' <<<"$out" | tail -5; fi
fi
finish
