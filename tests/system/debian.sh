#!/bin/bash
# debian.sh 6.12|6.1: IMA appraisal enabled on Debian 12 the way an
# administrator does it, on Debian's own kernel package and boot chain:
#   6.12  linux-image-6.12.118+deb12-amd64 (the series' upstream version)
#   6.1   linux-image-amd64, Debian 12's default kernel
# The mmdebstrap root holds the kernel and initramfs-tools; QEMU boots the
# root's own /boot/vmlinuz-* and /boot/initrd.img-* (read from the disk
# after every boot: the guest rebuilds its initrd), with the command line
# of the root's /etc/default/grub: "root=/dev/vda ro", then
# GRUB_CMDLINE_LINUX and GRUB_CMDLINE_LINUX_DEFAULT as grub's 10_linux puts
# them, then the harness's serial console (and no_timer_check: under a
# busy TCG host the kernel's IO-APIC timer check can fail and panic).  Four boots run the procedure
# of "Enabling appraisal on Debian 12" (ima-fput.rst) in the guest
# (guest/debian-probe.sh):
#   0  as installed: dpkg -i ima-test, the certificate in /etc/keys/ima/,
#      update-initramfs -u, /etc/ima/ima-policy, ima_appraise=fix
#   1  fix: label the running system (the signing key on a second disk
#      attached to this boot only), pre-flight, ima_appraise=enforce
#   -  the host tampers with a config file offline (debugfs)
#   2  enforce under a software TPM; 3 enforce again, then an EVM HMAC key
#   4  fix with EVM on: the kernel's HMACs; back to enforce
#   5  6.12: a package upgrade under a policy of hashes only; 6.1: a kernel
#      upgrade to Debian's 6.12 through apt, and 6 boots it under enforce
# A boot that does not run its probe to the end ends the test.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
kind=${1:?usage: debian.sh 6.12|6.1}
case $kind in
6.12) kpkg=linux-image-6.12.118+deb12-amd64 ;;
6.1) kpkg=linux-image-amd64 ;;
*) echo "debian.sh: unknown kernel '$kind' (6.12 or 6.1)" >&2; exit 2 ;;
esac
name=debian-$kind
work=$top/build/system/$name
results=$top/build/test-results/system/$name
. "$top/tests/lib/tap.sh"
. "$top/vm/swtpm.sh"
# shellcheck source=vm/guest.sh
. "$top/vm/guest.sh"
# debian-compare.t reads the results once this lock is free
mkdir -p "${results%/*}"
exec 8>"$results.lock"
flock 8
rm -rf "$work" "$results"
mkdir -p "$work" "$results"
root=$work/root img=$work/disk.img keyimg=$work/key.img

# --- the package, the root, the key ---
deb=$("$top/scripts/make-deb.sh" "$work/deb" 2> "$results/make-deb.log")
check "scripts/make-deb.sh built the ima-test package ($(basename "${deb:-none}"))" test -s "$deb" || finish
# the package's dependencies go into the root: the guest has no network
mapfile -t deps < <(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed -E 's/[|(].*//; s/ //g' | grep . | sort -u)
tar=$("$here/build-root.sh" "$kpkg" initramfs-tools kmod "${deps[@]}" 2> "$results/build-root.log")
check "mmdebstrap: a Debian 12 root with $kpkg and initramfs-tools ($(basename "${tar:-none}"))" test -s "$tar" || {
	sed 's/^/# /' "$results/build-root.log" | tail -n 20
	finish
}
mkdir -p "$root"
tar -C "$root" --numeric-owner -xpf "$tar"
ver=$(cd "$root/boot" && ls vmlinuz-* 2>/dev/null | sed 's/^vmlinuz-//' | head -n 1)
check "the root holds Debian's kernel $ver and its initrd" \
	test -n "$ver" -a -s "$root/boot/initrd.img-$ver" -a -s "$root/boot/config-$ver"

openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 7 -subj "/CN=ima-fput Debian system test" \
	-addext subjectKeyIdentifier=hash -addext basicConstraints=critical,CA:FALSE \
	-addext keyUsage=critical,digitalSignature \
	-keyout "$work/ima.key" -out "$work/ima.pem" 2>/dev/null &&
	openssl x509 -in "$work/ima.pem" -outform der -out "$work/ima.der"
check "a throwaway signing key and its certificate" test -s "$work/ima.der"
openssl x509 -in "$work/ima.pem" -noout -ext subjectKeyIdentifier | tail -n 1 |
	tr -d ' :\n' | tail -c 8 | tr 'A-F' 'a-f' > "$root/root/keyid"

# what the administrator brings: the package, the certificate, the policy
# (the signing key stays on its own disk, attached to boot 1 only)
cp "$deb" "$root/root/"
cp "$work/ima.der" "$root/root/ima.der"
cp "$here/guest/policy" "$root/root/ima-policy"
# the probe, its service, and grub's part: Debian's default
# /etc/default/grub, and update-grub as a stand-in that records its call
# (QEMU is the boot loader here, and reads /etc/default/grub itself)
install -D -m 0755 "$here/guest/debian-probe.sh" "$root/usr/local/sbin/ima-fput-probe"
install -D -m 0644 "$top/tests/lib/tap.sh" "$root/usr/local/lib/ima-fput/tap.sh"
install -D -m 0644 "$here/guest/probe-lib.sh" "$root/usr/local/lib/ima-fput/probe-lib.sh"
install -D -m 0644 "$here/guest/ima-fput-probe.service" "$root/etc/systemd/system/ima-fput-probe.service"
mkdir -p "$root/etc/systemd/system/multi-user.target.wants"
ln -sf ../ima-fput-probe.service "$root/etc/systemd/system/multi-user.target.wants/ima-fput-probe.service"
cat > "$root/etc/default/grub" <<'GRUB'
# If you change this file, run 'update-grub' afterwards to update
# /boot/grub/grub.cfg.
GRUB_DEFAULT=0
GRUB_TIMEOUT=5
GRUB_DISTRIBUTOR=`lsb_release -i -s 2> /dev/null || echo Debian`
GRUB_CMDLINE_LINUX_DEFAULT="quiet"
GRUB_CMDLINE_LINUX=""
GRUB
printf '#!/bin/sh\n# stand-in for update-grub: QEMU reads /etc/default/grub\ntouch /run/update-grub-ran\n' \
	> "$root/usr/local/sbin/update-grub"
chmod 0755 "$root/usr/local/sbin/update-grub"
echo '/dev/vda / ext4 errors=remount-ro 0 1' > "$root/etc/fstab"
# initramfs-tools with only the modules this machine needs: the default
# (MODULES=most) copies thousands, and takes minutes under TCG
sed -i 's/^MODULES=.*/MODULES=dep/' "$root/etc/initramfs-tools/initramfs.conf"
echo ima-fput-debian > "$root/etc/hostname"
# a data-only package for dpkg -i under enforce
pkg=$work/pkg/ima-fput-data
mkdir -p "$pkg/DEBIAN" "$pkg/usr/share/ima-fput-data"
printf 'Package: ima-fput-data\nVersion: 1.0\nArchitecture: all\nMaintainer: ima-fput <ima-fput@localhost>\nDescription: data files installed under ima_appraise=enforce\n' \
	> "$pkg/DEBIAN/control"
for i in 1 2 3; do head -c $((i * 4096 + 17)) /dev/urandom > "$pkg/usr/share/ima-fput-data/blob-$i"; done
dpkg-deb --root-owner-group --build "$pkg" "$root/root/ima-fput-data_1.0_all.deb" >/dev/null

# a local repository with three versions of a package, and the manifests
# of two, signed here: the key never enters the guest.  On 6.1 it also
# holds Debian's 6.12 kernel package, the kernel upgrade of boots 5 and 6.
kdebs=()
if [ "$kind" = 6.1 ]; then
	kcache=${XDG_CACHE_HOME:-$HOME/.cache}/ima-fput/debs
	mkdir -p "$kcache"
	(cd "$kcache" && flock 9 && { ls linux-image-6.12.118+deb12-amd64_*.deb > /dev/null 2>&1 ||
		apt-get download linux-image-6.12.118+deb12-amd64; }) 9> "$kcache.lock" > "$results/kernel-deb.log" 2>&1
	mapfile -t kdebs < <(ls "$kcache"/linux-image-6.12.118+deb12-amd64_*.deb 2>/dev/null)
	check "Debian's 6.12 kernel package for the kernel upgrade (${kdebs[0]##*/})" test ${#kdebs[@]} = 1
fi
"$here/upgrade-repo.sh" "$root/srv/ima-repo" "$work/ima.key" "$work/ima.der" "${kdebs[@]}" \
	> "$results/upgrade-repo.log" 2>&1
check "a local apt repository (ima-fput-hello 1.0, 2.0, 3.0${kdebs:+, the 6.12 kernel}) and the manifests of all but 3.0" \
	test -s "$root/srv/ima-repo/Packages" -a -s "$root/srv/ima-repo/manifests/ima-fput-hello_2.0_amd64.ima" \
	-a "$(ls "$root"/srv/ima-repo/manifests | wc -l)" = $((2 + ${#kdebs[@]}))
mke2fs -q -F -t ext4 -I 256 -E root_owner=0:0 -d "$root" "$img" 3G > /dev/null
check "mke2fs -d made the root disk" test $? = 0
mkdir -p "$work/keydisk"
cp "$work/ima.key" "$work/keydisk/ima.key"
mke2fs -q -F -t ext4 -d "$work/keydisk" "$keyimg" 8M > /dev/null
check "the signing key on a disk of its own" test $? = 0
rm -rf "$root" "$work/keydisk"

# cmdline: what grub would give the kernel, from the disk's /etc/default/grub
cmdline() {
	debugfs -R 'cat /etc/default/grub' "$img" 2>/dev/null > "$work/grub"
	# shellcheck disable=SC1091,SC2153 # the guest's file; grub's variables
	(. "$work/grub" && echo "root=/dev/vda ro $GRUB_CMDLINE_LINUX $GRUB_CMDLINE_LINUX_DEFAULT")
}

# boot STAGE [tpm] [key]: boot the disk's kernel and initrd, relay the
# probe's TAP, judge the console
boot() {
	local stage=$1 b=boot$1 console tap append extra=()
	console=$results/$b.console tap=$results/$b.tap
	tpmargs=()
	# the newest kernel, as grub's default entry would be
	ver=$(debugfs -R 'ls -p /boot' "$img" 2>/dev/null | awk -F/ '$6 ~ /^vmlinuz-/ { sub(/^vmlinuz-/, "", $6); print $6 }' |
		sort -V | tail -n 1)
	debugfs -R "dump /boot/vmlinuz-$ver $work/vmlinuz" "$img" 2>/dev/null
	debugfs -R "dump /boot/initrd.img-$ver $work/initrd" "$img" 2>/dev/null
	append="$(cmdline) console=ttyS0 loglevel=7 panic=-1 no_timer_check imafput.stage=$stage"
	echo "# boot $stage: $append"
	if [[ " $* " = *" tpm "* ]] && ! swtpm_start "$work/tpm-$b"; then
		not_ok "boot $stage: start swtpm (see $work/tpm-$b/)"
	fi
	[[ " $* " = *" key "* ]] && extra=(-drive "file=$keyimg,if=virtio,format=raw")
	# no SVM in the CPU: Debian's kernel would load kvm_amd, whose setup
	# under TCG once ended in a debug-exception warning and an oops
	guest_boot "$console" "$tap" "$results/$b.qemu.log" "${SYSTEM_BOOT_TIMEOUT:-1200}" \
		-m 2048 -cpu qemu64,-svm -kernel "$work/vmlinuz" -initrd "$work/initrd" \
		-drive "file=$img,if=virtio,format=raw" "${extra[@]}" -append "$append"
	echo "# boot $stage: boot, probe and power-off took ${guest_secs}s (qemu exit $guest_qrc)"
	guest_relay "$tap" "$kind: "
	local r=0
	guest_ended "$kind: boot $stage, the probe," "${SYSTEM_BOOT_TIMEOUT:-1200}" \
		"IMA-FPUT: probe-end stage=$stage" "$console" || r=1
	guest_judge "$console" "$kind: boot $stage: no WARNING, BUG or lockdep report on the console"
	return $r
}

boot 0 || finish
boot 1 key || finish
# the config file boot 2 must refuse, tampered with offline
f=/etc/ima-fput-tampered.conf
before=$(debugfs -R "cat $f" "$img" 2>/dev/null | md5sum)
debugfs -w -R "zap_block -f $f -o 2 -l 8 -p 0x5a 0" "$img" >/dev/null 2>&1
after=$(debugfs -R "cat $f" "$img" 2>/dev/null | md5sum)
check "$kind: $f tampered with offline" test "$before" != "$after"
boot 2 tpm || finish
boot 3 || finish
boot 4 || finish
# boot 5 upgrades under enforce: on 6.12 a package under a policy of
# hashes only; on 6.1 the kernel, and boot 6 is the new kernel's
if [ ${#kdebs[@]} = 0 ]; then
	boot 5
	finish
fi
boot 5 || finish
boot 6
check "boot 6 ran Debian's 6.12 kernel, installed in boot 5" test "$ver" = 6.12.118+deb12-amd64
finish
