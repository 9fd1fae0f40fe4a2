#!/bin/bash
# mkinitramfs.sh KDIR OUT: a busybox initramfs with the guest init, the
# suites, static test binaries and the negative-control module built
# against KDIR.  Everything is rebuilt from the clone each time (seconds).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
kdir=$1 out=$(realpath -m "$2")
work=$(dirname "$out")
root=$work/root
die() { echo "mkinitramfs: error: $*" >&2; exit 2; }
# Several test runs may rebuild the same initramfs at once: one at a time.
mkdir -p "$work"
exec 9>"$out.lock"
flock 9

bb=$(command -v busybox || true)
[ -n "$bb" ] && file -L "$bb" 2>/dev/null | grep -q 'statically linked' ||
	bb=/bin/busybox
[ -x "$bb" ] || die "busybox-static is not installed; run 'make deps'"

rm -rf "$root"
mkdir -p "$root"/{bin,dev,proc,sys,mnt,tmp,suites,lib/ima-fput,etc}
cp "$bb" "$root/bin/busybox"
for a in $("$bb" --list); do
	[ -e "$root/bin/$a" ] || ln -s busybox "$root/bin/$a"
done
install -m 0755 "$top/tests/vm/init" "$root/init"
install -m 0755 "$top"/tests/vm/suites/*.sh "$root/suites/"
install -m 0644 "$top/tests/lib/tap.sh" "$root/suites/tap.sh"

# static helpers for the guest
for src in "$top"/tests/vm/helpers/*.c; do
	name=$(basename "$src" .c)
	gcc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -static \
		-o "$root/bin/$name" "$src" -lpthread
done
if [ -x "$top/tools/ima-test/ima-test.static" ]; then
	cp "$top/tools/ima-test/ima-test.static" "$root/bin/ima-test"
fi
[ -d "$top/build/vm/keys" ] && cp -r "$top/build/vm/keys" "$root/lib/ima-fput/keys"

# the negative-control module, built against this kernel
kmod=$work/kmod
rm -rf "$kmod"
mkdir -p "$kmod"
cp "$top"/tests/kmod/Kbuild "$top"/tests/kmod/*.c "$kmod/"
make -s -C "$kdir" M="$kmod" modules >&2
cp "$kmod"/*.ko "$root/lib/ima-fput/"

(cd "$root" && find . | cpio --quiet -o -H newc | gzip -1) > "$out.tmp"
mv "$out.tmp" "$out"
