#!/bin/bash
# mkinitramfs.sh WORK: WORK/initramfs.cpio.gz, the early userspace of the
# real-system test: busybox, the static ima-test, the test certificate
# (WORK/ima.der) and the appraisal policy; its init loads both and
# switch_roots to /dev/vda.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
work=$(realpath "$1")
ir=$work/initramfs
bb=$(command -v busybox)
file -L "$bb" | grep -q 'statically linked' || { echo "mkinitramfs: busybox-static is needed" >&2; exit 2; }
rm -rf "$ir"
mkdir -p "$ir"/{bin,dev,proc,sys,newroot}
cp "$bb" "$ir/bin/busybox"
for a in $("$bb" --list); do [ -e "$ir/bin/$a" ] || ln -s busybox "$ir/bin/$a"; done
cp "$top/tools/ima-test/ima-test.static" "$ir/bin/ima-test"
install -m 0755 "$here/guest/init" "$ir/init"
cp "$here/guest/policy" "$ir/policy"
cp "$work/ima.der" "$ir/ima.der"
(cd "$ir" && find . | cpio --quiet -o -H newc | gzip -1) > "$work/initramfs.cpio.gz"
