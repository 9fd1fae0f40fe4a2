#!/bin/bash
# Install every Debian package the project needs.  Idempotent: does nothing
# (and needs no network) when all of them are already installed.
set -euo pipefail
pkgs=(
	build-essential bc bison flex libelf-dev libssl-dev zlib1g-dev ccache cpio
	xz-utils kmod rsync file perl python3 groff-base linux-source-6.12
	qemu-system-x86 busybox-static e2fsprogs
	openssl libkeyutils-dev keyutils attr liburing-dev ima-evm-utils libfsverity-dev fsverity
	clang libclang-rt-14-dev
	python3-docutils python3-sphinx python3-yaml gnuplot-nox hyperfine
	swtpm swtpm-tools tpm2-tools libtss2-tcti-swtpm0 libtss2-tcti-device0 mmdebstrap
	softhsm2 libengine-pkcs11-openssl libp11-dev p11-kit p11-kit-modules opensc gnutls-bin
	debhelper devscripts lintian fakeroot dpkg-dev man-db bash-completion
	shellcheck sparse python3-jsonschema strace xxd
)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "deps: installing ${missing[*]}" >&2
sudo=
[ "$(id -u)" = 0 ] || sudo=sudo
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
