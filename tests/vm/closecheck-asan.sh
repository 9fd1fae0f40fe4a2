#!/bin/bash
# closecheck-asan.sh KERNEL: close-check's own code under AddressSanitizer
# and UBSan, on the running kernel: the sanitizer build and its shared
# libraries go onto the disk image (the initramfs only carries static
# binaries); every scenario runs 5 times and any sanitizer report fails.
set -uo pipefail
kernel=$1
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
name=closecheck-asan-$kernel
stage=$top/build/vm/$name
disk=$top/build/vm/disks/$name.img
. "$top/tests/lib/tap.sh"
make -s -C "$top/tools/ima-test" ima-test-asan >&2 || { not_ok "build ima-test-asan"; finish; }
rm -rf "$stage" "$disk"
mkdir -p "$stage/asan/root" "$(dirname "$disk")"
cp "$top/tools/ima-test/ima-test-asan" "$stage/asan/"
for lib in $(ldd "$top/tools/ima-test/ima-test-asan" | grep -o '/[^ ]*'); do
	mkdir -p "$stage/asan/root$(dirname "$lib")"
	cp -L "$lib" "$stage/asan/root$lib"
done
mke2fs -q -F -t ext4 -I 256 -E root_owner=0:0 -d "$stage" "$disk" 256M >&2
exec "$top/vm/run-suite.sh" --kernel "$kernel" --suite closecheck --name "$name" --disk "$disk" \
	--cmdline "ima_appraise=fix ima_policy=appraise_tcb imafput.cciter=5 imafput.ccbin=asan"
