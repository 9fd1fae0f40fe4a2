#!/bin/bash
# Offline tampering, shown both ways (suites/evm-tamper.sh), per kernel:
#  1. fix mode with EVM initialised labels /tamper/data: security.ima and
#     an HMAC in security.evm;
#  2. the host changes its content and writes the matching security.ima
#     offline with debugfs (the HMAC is left as it was);
#  3. enforce without EVM: the kernel opens the tampered file;
#  4. enforce with EVM initialised: the kernel refuses it, cause=invalid-HMAC.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
n=0 status=0
emit() {
	n=$((n + 1))
	if [ "$1" = ok ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; status=1; fi
}
boot() { # boot KERNEL NAME PHASE CMDLINE
	TAP_START=$n "$here/run-suite.sh" --kernel "$1" --name "$2" --suite evm-tamper \
		--disk "$disk" --no-plan --cmdline "imafput.phase=$3 $4" || status=1
	n=$(cat "$top/build/test-results/$2/count")
}

for k in ${EVM_KERNELS:-series none}; do
	disk=$top/build/vm/disks/evm-tamper-$k.img
	work=$top/build/vm/evm-tamper-$k
	rm -rf "$disk" "$work"
	mkdir -p "$work" "$(dirname "$disk")"
	mke2fs -q -F -t ext4 -I 256 -E root_owner=0:0 "$disk" 128M >&2

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
		emit ok "$k: $f changed offline with a matching security.ima, security.evm left as it was"
	else
		emit not_ok "$k: $f changed offline with a matching security.ima, security.evm left as it was"
	fi

	boot "$k" "evm-tamper-noevm-$k" noevm "ima_appraise=enforce ima_policy=appraise_tcb"
	boot "$k" "evm-tamper-evm-$k" evm "ima_appraise=enforce ima_policy=appraise_tcb"
done
echo "1..$n"
exit $status
