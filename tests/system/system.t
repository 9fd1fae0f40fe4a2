#!/bin/bash
# A real Debian 12 system, labelled on the host with ima-test, boots and runs
# under ima_appraise=enforce: three boots per kernel (series, then none) on a
# copy of one labelled image (see mkimage.sh, guest/probe.sh):
#   1. ima_appraise=fix with the policy to enforce: pre-flight
#   -  the host plants three faults offline with debugfs
#   2. ima_appraise=enforce: systemd, journald, dpkg, mmap, the faults refused;
#      under a software TPM, ima-test log against the Keylime reference
#   3. ima_appraise=enforce: boot 2's files open; audit finds only the faults
# Each boot's console is judged (vm/judge.sh).  SYSTEM_KERNELS picks
# the kernels (default "series none").
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
work=$top/build/system
results=$top/build/test-results/system
. "$top/tests/lib/tap.sh"
. "$top/vm/swtpm.sh"
# shellcheck source=vm/guest.sh
. "$top/vm/guest.sh"
mkdir -p "$work" "$results"

make -s -C "$top/tools/ima-test" ima-test ima-test.static >&2 ||
	{ not_ok "build ima-test and its static build"; finish; }
TAP_START=$(tap_count) "$here/mkimage.sh" "$work" || tap_fail
tap_set_count "$(cat "$work/count")"
[ -s "$work/base.img" ] || finish
if "$here/mkinitramfs.sh" "$work" 2> "$results/initramfs.log"; then
	ok "initramfs with the certificate and the policy"
else
	not_ok "initramfs with the certificate and the policy (see $results/initramfs.log)"
	finish
fi

# boot KERNEL STAGE APPEND [tpm]: boot the image (with a software TPM when
# asked), relay the probe's TAP, judge
boot() {
	local k=$1 stage=$2 name=$1-boot$2 console tap
	local tpmargs=() tpmpid=
	console=$results/$name.console tap=$results/$name.tap
	if [ "${4:-}" = tpm ] && ! swtpm_start "$work/tpm-$name"; then
		not_ok "$k: boot $stage: start swtpm (see $work/tpm-$name/setup.log, swtpm.log)"
	fi
	guest_boot "$console" "$tap" "$results/$name.qemu.log" "${SYSTEM_BOOT_TIMEOUT:-600}" -m 1024 \
		-kernel "$kdir/arch/x86/boot/bzImage" -initrd "$work/initramfs.cpio.gz" \
		-drive "file=$img,if=virtio,format=raw" \
		-append "console=ttyS0 panic=-1 root=/dev/vda rw ima_policy=tcb $3 imafput.stage=$stage"
	echo "# $name: boot, probe and shutdown took ${guest_secs}s (qemu exit $guest_qrc)"
	guest_relay "$tap" "$k: "
	guest_ended "$k: boot $stage, the probe," "${SYSTEM_BOOT_TIMEOUT:-600}" \
		"IMA-FPUT: probe-end stage=$stage" "$console"
	guest_judge "$console" "$k: boot $stage: no WARNING, BUG or lockdep report on the console"
}

# plant IMG: the faults boot 2 must refuse, written offline
plant() {
	local img=$1 d=/usr/local/lib/ima-fput/planted
	debugfs -w -f - "$img" >/dev/null 2>&1 <<CMDS
cd $d
write $work/plant/libplanted.so libplanted.so
ea_set -f $work/plant/libplanted.ima libplanted.so security.ima
CMDS
	for f in /usr/local/bin/ima-fput-tampered /etc/ima-fput/tampered.conf; do
		debugfs -w -R "zap_block -f $f -o 64 -l 16 -p 0x5a 0" "$img" >/dev/null 2>&1
	done
	if debugfs -R "ea_get $d/libplanted.so security.ima" "$img" 2>/dev/null | grep -q . &&
		! debugfs -R "cat /usr/local/bin/ima-fput-tampered" "$img" 2>/dev/null |
			cmp -s - "$work/root/usr/local/bin/ima-fput-tampered" &&
		! debugfs -R "cat /etc/ima-fput/tampered.conf" "$img" 2>/dev/null |
			cmp -s - "$work/root/etc/ima-fput/tampered.conf"; then
		ok "$k: planted offline: a hash-only library, a tampered program and config file"
	else
		not_ok "$k: planted offline: a hash-only library, a tampered program and config file"
	fi
}

for k in ${SYSTEM_KERNELS:-series none}; do
	kdir=$(PATCHES=$k "$top/vm/build-kernel.sh" 2> "$results/build-$k.log")
	if [ -z "$kdir" ]; then
		not_ok "$k: build the kernel (see $results/build-$k.log)"
		continue
	fi
	img=$work/$k.img
	cp --sparse=always "$work/base.img" "$img"
	boot "$k" 1 "ima_appraise=fix"
	plant "$img"
	boot "$k" 2 "ima_appraise=enforce" tpm
	boot "$k" 3 "ima_appraise=enforce"
done

# the series must not change behaviour: the same results test by test
if [ "${SYSTEM_KERNELS:-series none}" = "series none" ]; then
	for stage in 1 2 3; do
		strip() { tr -d '\r' < "$1" | sed -n -E 's/^(not )?ok [0-9]+ - ([^(]*).*/\1ok \2/p'; }
		a=$results/series-boot$stage.tap b=$results/none-boot$stage.tap
		if [ -s "$a" ] && [ "$(strip "$a")" = "$(strip "$b")" ]; then
			ok "boot $stage: the series and the baseline give the same $(strip "$a" | wc -l) results"
		else
			not_ok "boot $stage: the series and the baseline give the same results"
			diff <(strip "$a") <(strip "$b") 2>&1 | sed 's/^/#   /'
		fi
	done
fi
finish
