#!/bin/bash
# run-suite.sh --kernel series|none --suite NAME [options]: boot the test
# kernel in QEMU (TCG) with the suite, and print TAP on stdout: the guest's
# own tests, renumbered, then the judge's verdict on the console log.
#
# Options:
#   --cmdline "ARGS"   extra kernel command line (ima_appraise=..., ...)
#   --disk IMG         use (and keep) this ext4 image; made fresh if missing
#   --name NAME        results go to build/test-results/NAME/ (default: suite-kernel)
#   --timeout SEC      hard limit for the boot (default 600)
#   --expect NAME      the region NAME must exist in the log (a declared control)
#   --no-plan          leave the plan to the caller (several boots in one .t)
#   --tpm              a fresh swtpm (TPM 2.0, sha1+sha256 banks) for this boot
#   --bzimage FILE     boot this kernel image instead of the --kernel build
#                      (with that build's initramfs; kernel/check-series.sh
#                      boots each prefix of the series this way)
# Exit status: 0 when every test passed.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
kernel=series suite='' cmdline='' disk='' name='' timeout=600 expect='' plan=1 tpm=0 bzimage=''
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernel=$2; shift ;;
	--suite) suite=$2; shift ;;
	--cmdline) cmdline=$2; shift ;;
	--disk) disk=$2; shift ;;
	--name) name=$2; shift ;;
	--timeout) timeout=$2; shift ;;
	--expect) expect=$2; shift ;;
	--no-plan) plan=0 ;;
	--tpm) tpm=1 ;;
	--bzimage) bzimage=$2; shift ;;
	*) echo "run-suite: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
[ -n "$suite" ] || { echo "run-suite: --suite is required" >&2; exit 2; }
name=${name:-$suite-$kernel}
out=$top/build/test-results/$name
mkdir -p "$out" "$top/build/vm/disks"
# One run per result directory at a time (prove -j): a reader of the results
# (compare.t) takes the same lock, and passes RUN_SUITE_LOCKED=NAME when it
# runs the suite itself under it.
if [ "${RUN_SUITE_LOCKED:-}" != "$name" ]; then
	exec 7>"$out.lock" && flock 7
fi
# Numbered from TAP_START; the count is left for a caller that boots again.
. "$top/tests/lib/tap.sh"
. "$top/vm/swtpm.sh"
# shellcheck source=vm/guest.sh
. "$top/vm/guest.sh"
[ "$plan" = 1 ] || TAP_NO_PLAN=1
end_run() { tap_count > "$out/count"; finish; }

kdir=$(PATCHES=$kernel "$top/vm/build-kernel.sh" 2> "$out/build.log")
if [ -z "$kdir" ]; then
	not_ok "$name: build the $kernel kernel (see $out/build.log)"
	sed 's/^/# /' "$out/build.log" | tail -n 20
	end_run
fi
# One initramfs per kernel build (it carries a module built against it),
# remade whenever anything that goes into it is newer.
vmdir=$top/build/vm/$(basename "$kdir")
mkdir -p "$vmdir"
initrd=$vmdir/initramfs.cpio.gz
if [ ! -f "$initrd" ] || [ -n "$(find "$top/vm" "$top/tests/vm" "$top/tests/kmod" "$top/tests/lib" \
	"$top/tools/ima-test/ima-test.static" -newer "$initrd" 2>/dev/null | head -n 1)" ]; then
	if ! "$top/vm/mkinitramfs.sh" "$kdir" "$initrd" 2> "$out/initramfs.log"; then
		not_ok "$name: build the initramfs (see $out/initramfs.log)"
		end_run
	fi
fi
if [ -z "$disk" ]; then
	disk=$top/build/vm/disks/$name.img
	rm -f "$disk"
fi
if [ ! -f "$disk" ]; then
	empty=$(mktemp -d)
	mke2fs -q -F -t ext4 -I 256 -E root_owner=0:0 -d "$empty" "$disk" 128M >&2
	rmdir "$empty"
fi

console=$out/console.log tap=$out/tap.log
tpmargs=() tpmpid=
if [ "$tpm" = 1 ] && ! swtpm_start "$out/tpm"; then
	not_ok "$name: start swtpm (see $out/tpm/setup.log, $out/tpm/swtpm.log)"
	end_run
fi
guest_boot "$console" "$tap" "$out/qemu.log" "$timeout" -m 1024 \
	-kernel "${bzimage:-$kdir/arch/x86/boot/bzImage}" -initrd "$initrd" \
	-drive "file=$disk,if=virtio,format=raw" \
	-append "console=ttyS0 panic=-1 imafput.suite=$suite imafput.kernel=$kernel $cmdline"
echo "# $name: boot took ${guest_secs}s (qemu exit $guest_qrc)"

# the guest's tests, renumbered into ours
tr -d '\r' < "$tap" > "$out/guest.tap" 2>/dev/null || : > "$out/guest.tap"
guest_relay "$out/guest.tap" "$name: "
guest_ended "$name: the guest suite" "$timeout" "IMA-FPUT: suite-end $suite" "$console"

guest_judge "$console" "$name: no unexpected WARNING/BUG/lockdep report in the kernel log"
if [ -n "$expect" ]; then
	if grep -q "IMA-FPUT: expect-begin $expect" "$console"; then
		ok "$name: the declared control region '$expect' ran"
		"$top/vm/judge.sh" -e "$expect" "$console" | head -n 5 | sed 's/^/#   expected: /'
	else
		not_ok "$name: the declared control region '$expect' ran"
	fi
fi
end_run
