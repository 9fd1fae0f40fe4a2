#!/bin/bash
# mkimage.sh WORK: the labelled Debian 12 image of the real-system test.
#   WORK/ima.key, ima.pem, ima.der   a throwaway RSA test key and certificate
#   WORK/root/                      the root tree, labelled on the host
#   WORK/base.img                   ext4 made from it with mke2fs -d
#   WORK/plant/                     files planted offline after boot 1
# Labelling: ima-test hash on every root-owned file, then ima-test sign on
# every ELF file, script and file with an execute bit (the policy wants a
# signature for exec and for executable mappings).  Prints TAP lines for
# the caller (no plan) and exits non-zero on any failure.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
work=$1
tool=$top/tools/ima-test/ima-test
root=$work/root
# Numbered from TAP_START; the count is left in $work/count for system.t.
. "$top/tests/lib/tap.sh"
end_image() { tap_count > "$work/count"; ! tap_failed; exit $?; }

rm -rf "$root" "$work/plant" "$work/base.img" "$work/pkg"
mkdir -p "$work/plant"
# the package first: its dependencies go into the root (dpkg -i has no network)
deb=$("$top/scripts/make-deb.sh" "$work/deb" 2> "$work/make-deb.log")
check "scripts/make-deb.sh built the ima-test package ($(basename "${deb:-none}"))" test -s "$deb"
deps=()
[ -s "$deb" ] && mapfile -t deps < <(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed -E 's/[|(].*//; s/ //g' | grep . | sort -u)
tar=$("$here/build-root.sh" "${deps[@]}") || { not_ok "mmdebstrap built the Debian 12 root"; end_image; }
check "Debian 12 root tarball ($(basename "$tar"), $(($(stat -c %s "$tar") >> 20)) MB)" test -s "$tar"

# the test key pair: the kernel reads the DER certificate
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 7 -subj "/CN=ima-fput real-system test" \
	-addext subjectKeyIdentifier=hash -addext basicConstraints=critical,CA:FALSE \
	-addext keyUsage=critical,digitalSignature \
	-keyout "$work/ima.key" -out "$work/ima.pem" 2>/dev/null &&
	openssl x509 -in "$work/ima.pem" -outform der -out "$work/ima.der"
check "a throwaway test key and certificate made with openssl" test -s "$work/ima.der"
keyid=$(openssl x509 -in "$work/ima.pem" -noout -ext subjectKeyIdentifier | tail -n 1 |
	tr -d ' :\n' | tail -c 8 | tr 'A-F' 'a-f')

mkdir -p "$root"
tar -C "$root" --numeric-owner -xpf "$tar"
check "the root extracted ($(find "$root" -xdev -type f | wc -l) files)" test -x "$root/usr/lib/systemd/systemd"

# --- what the test adds to the system ---
# ima-test, installed as an administrator would: dpkg -i of its package
# (scripts/make-deb.sh), run in the root before labelling, so that
# /usr/bin/ima-test is signed like every other program
if [ -s "$deb" ]; then
	cp "$deb" "$root/var/cache/ima-test.deb"
	chroot "$root" dpkg -i /var/cache/ima-test.deb > "$work/dpkg-ima-test.log" 2>&1
	rc=$?
	rm -f "$root/var/cache/ima-test.deb"
	st=$(dpkg-query --admindir="$root/var/lib/dpkg" -W -f '${db:Status-Abbrev}' ima-test 2>/dev/null)
	check "dpkg -i installed the package in the root (exit $rc, status '$st')" \
		test "$rc" = 0 -a "$st" = "ii " -a -x "$root/usr/bin/ima-test"
	sed 's/^/# /' "$work/dpkg-ima-test.log"
fi
# the probe, run once multi-user.target is reached
install -D -m 0755 "$here/guest/probe.sh" "$root/usr/local/sbin/ima-fput-probe"
install -D -m 0644 "$top/tests/lib/tap.sh" "$root/usr/local/lib/ima-fput/tap.sh"
install -D -m 0644 "$here/guest/probe-lib.sh" "$root/usr/local/lib/ima-fput/probe-lib.sh"
install -D -m 0644 "$here/guest/ima-fput-probe.service" "$root/etc/systemd/system/ima-fput-probe.service"
mkdir -p "$root/etc/systemd/system/multi-user.target.wants"
ln -sf ../ima-fput-probe.service "$root/etc/systemd/system/multi-user.target.wants/ima-fput-probe.service"
install -D -m 0644 "$work/ima.pem" "$root/etc/ima-fput/ima.pem"
echo "$keyid" > "$root/etc/ima-fput/keyid"
echo ima-fput > "$root/etc/hostname"
mkdir -p "$root/var/lib/ima-fput" "$root/usr/local/lib/ima-fput/planted" "$root/var/cache/ima-fput"
# journald keeps its journal on the root when this directory exists
install -d -m 2755 -g systemd-journal "$root/var/log/journal" 2>/dev/null ||
	install -d -m 2755 -g "$(sed -n 's/^systemd-journal:x:\([0-9]*\):.*/\1/p' "$root/etc/group")" "$root/var/log/journal"

cc=(gcc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror)
mkdir -p "$root/usr/local/lib/ima-fput/signed"
"${cc[@]}" -o "$root/usr/local/bin/mmap-write" "$here/helpers/mmap-write.c"
"${cc[@]}" -shared -fPIC -o "$root/usr/local/lib/ima-fput/signed/libplanted.so" "$here/helpers/planted.c"
"${cc[@]}" -o "$root/usr/local/bin/use-planted" "$here/helpers/use-planted.c" \
	-L"$root/usr/local/lib/ima-fput/signed" -lplanted
# mode 0644, as Debian installs its libraries: mapped executable all the same
chmod 0644 "$root/usr/local/lib/ima-fput/signed/libplanted.so"
cp "$root/usr/local/bin/mmap-write" "$root/usr/local/bin/ima-fput-tampered"
printf '# a configuration file tampered with offline after labelling\nsetting = 1\n' \
	> "$root/etc/ima-fput/tampered.conf"
check "the probe and its helpers are in the root" \
	test -x "$root/usr/local/bin/use-planted" -a -x "$root/usr/local/sbin/ima-fput-probe" -a -s "$root/usr/local/lib/ima-fput/probe-lib.sh"

# the local package for dpkg -i under enforce: data files only (a
# maintainer script would be an unsigned program run by dpkg)
pkg=$work/pkg/ima-fput-data
mkdir -p "$pkg/DEBIAN" "$pkg/usr/share/ima-fput-data" "$pkg/etc"
cat > "$pkg/DEBIAN/control" <<CONTROL
Package: ima-fput-data
Version: 1.0
Architecture: all
Maintainer: ima-fput <ima-fput@localhost>
Description: data files installed under ima_appraise=enforce
CONTROL
for i in 1 2 3; do head -c $((i * 4096 + 17)) /dev/urandom > "$pkg/usr/share/ima-fput-data/blob-$i"; done
echo "installed by dpkg under enforce" > "$pkg/usr/share/ima-fput-data/README"
echo "option = value" > "$pkg/etc/ima-fput-data.conf"
dpkg-deb --root-owner-group --build "$pkg" "$root/var/cache/ima-fput/ima-fput-data_1.0_all.deb" >/dev/null
check "a local package built with dpkg-deb --build" test -s "$root/var/cache/ima-fput/ima-fput-data_1.0_all.deb"

# --- labelling ---
python3 "$here/signables.py" --all "$root" | xargs -0 -r "$tool" hash >/dev/null
check "ima-test hash labelled every root-owned file" test $? = 0
python3 "$here/signables.py" "$root" > "$work/signed.list"
xargs -0 -r < "$work/signed.list" "$tool" sign --key "$work/ima.key" --cert "$work/ima.pem" >/dev/null
rc=$?
check "ima-test sign signed $(tr -cd '\0' < "$work/signed.list" | wc -c) ELF files, scripts and executables" test $rc = 0
out=$("$tool" audit -r --cert "$work/ima.pem" "$root" 2>&1)
check "ima-test audit on the host: every file of the labelled tree is ok" test $? = 0
printf '%s\n' "$out" | grep -v 'symlink not followed' | tail -n 5 | sed 's/^/# /'

# --- the Keylime reference for ima-test log in boot 2 ---
# Exported inside the labelled root (its own packaged ima-test, chroot),
# so the paths are the guest's; sha256 is the kernel's ima_hash.  The
# initramfs's files are measured too (rootfs is ramfs, which the built-in
# tcb policy measures): mkinitramfs.sh builds its tree here, its static
# ima-test exports them the same way, and the two are merged.  The
# reference cannot list its own digest: it excludes its own path.  It is
# hashed like every data file, or enforce would refuse to open it.
ref=/etc/ima-fput/reference.json
"$here/mkinitramfs.sh" "$work" 2> "$work/reference.log"
chroot "$root" /usr/bin/ima-test audit -r -x --cert /etc/ima-fput/ima.pem --format keylime \
	--hash-algo sha256 / > "$work/reference-root.json" 2>> "$work/reference.log"
chroot "$work/initramfs" /bin/ima-test audit -r --format keylime --hash-algo sha256 / \
	> "$work/reference-initramfs.json" 2>> "$work/reference.log"
python3 - "$work/reference-root.json" "$work/reference-initramfs.json" "$ref" \
	> "$work/reference.json" 2>> "$work/reference.log" <<'PY'
import json, sys
policy = json.load(open(sys.argv[1]))
for path, digests in json.load(open(sys.argv[2]))["digests"].items():
    if path != "boot_aggregate":
        policy["digests"].setdefault(path, []).extend(digests)
policy["excludes"].append("^" + sys.argv[3].replace(".", "\\.") + "$")
json.dump(policy, sys.stdout, separators=(",", ":"))
PY
install -m 0644 "$work/reference.json" "$root$ref"
"$tool" hash "$root$ref" >/dev/null
n=$(grep -o '"/[^"]*":\[' "$root$ref" | wc -l)
check "a Keylime reference of $n files (the root's and the initramfs's) exported, labelled ($ref)" \
	sh -c "[ $n -gt 1000 ] && grep -q '\"/usr/bin/ima-test\":\\[' '$root$ref' &&
		grep -q '\"/init\":\\[' '$root$ref' && '$tool' verify '$root$ref' >/dev/null"
grep '^summary' "$work/reference.log" | sed 's/^/# /'

# --- the planted faults, written into the image offline after boot 1 ---
# a library with a valid hash but no signature
cp "$root/usr/local/lib/ima-fput/signed/libplanted.so" "$work/plant/libplanted.so"
"$tool" hash "$work/plant/libplanted.so" >/dev/null
getfattr --absolute-names --only-values -n security.ima "$work/plant/libplanted.so" > "$work/plant/libplanted.ima"
# the program and config file to tamper with: labelled like the rest now

uuid=$(cat /proc/sys/kernel/random/uuid)
mke2fs -q -F -t ext4 -I 256 -U "$uuid" -E root_owner=0:0 -d "$root" "$work/base.img" 1536M >/dev/null
check "mke2fs -d made the ext4 image" test $? = 0
want=$(getfattr --absolute-names --only-values -n security.ima "$root/usr/lib/systemd/systemd" | od -An -tx1 | tr -d ' \n')
if [ -n "$want" ] && debugfs -R 'ea_get /usr/lib/systemd/systemd security.ima' "$work/base.img" 2>/dev/null |
	tr -d ' \n' | grep -qi "${want:0:16}"; then
	ok "mke2fs -d copied security.ima onto the image (/usr/lib/systemd/systemd)"
else
	not_ok "mke2fs -d copied security.ima onto the image (/usr/lib/systemd/systemd)"
	debugfs -R 'ea_get /usr/lib/systemd/systemd security.ima' "$work/base.img" 2>&1 | sed 's/^/# /'
fi
end_image
