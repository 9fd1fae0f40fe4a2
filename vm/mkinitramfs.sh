#!/bin/bash
# mkinitramfs.sh KDIR OUT: a busybox initramfs with the guest init, the
# suites, static test binaries and the negative-control module built
# against KDIR.  Everything is rebuilt from the clone each time (seconds).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
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
install -m 0755 "$top/vm/init" "$root/init"
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
# tpm2-tools for the quote suite.  It is dynamically linked: the multi-call
# binary (named by a link per command), every library ldd names, the
# loader, and the device TCTI, which libtss2-tctildr opens by name
# (TPM2TOOLS_TCTI=device:/dev/tpmrm0), with its own libraries.
if tpm2=$(command -v tpm2); then
	tcti=$(/sbin/ldconfig -p | sed -n 's/^[[:space:]]*libtss2-tcti-device.so.0 (libc6,x86-64) => //p' | head -n 1)
	[ -n "$tcti" ] || die "libtss2-tcti-device.so.0 is missing (Debian package libtss2-tcti-device0)"
	cp "$tpm2" "$root/bin/tpm2"
	for c in createek createak readpublic quote pcrread; do ln -s tpm2 "$root/bin/tpm2_$c"; done
	for f in "$tcti" $(ldd "$tpm2" "$tcti" |
		awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// && $2 ~ /^\(/ { print $1 }' | sort -u); do
		mkdir -p "$root$(dirname "$f")"
		cp -L "$f" "$root$f"
	done
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
