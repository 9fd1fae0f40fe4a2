#!/bin/bash
# Install every Debian package the project needs.  Idempotent: does nothing
# (and needs no network) when all of them are already installed.
#
# --check-tool installs nothing: it exits 1, naming them, if a package that
# building tools/ima-test needs is missing (plain `make`).
set -euo pipefail
tool_pkgs=(build-essential libssl-dev libkeyutils-dev zlib1g-dev libjansson-dev libfsverity-dev)
pkgs=(
	"${tool_pkgs[@]}" bc bison flex libelf-dev ccache cpio
	xz-utils kmod rsync file perl python3 groff-base linux-source-6.12
	qemu-system-x86 busybox-static e2fsprogs
	openssl keyutils attr liburing-dev ima-evm-utils fsverity
	clang libclang-rt-14-dev
	python3-docutils python3-sphinx python3-yaml gnuplot-nox hyperfine
	swtpm swtpm-tools tpm2-tools libtss2-tcti-swtpm0 libtss2-tcti-device0 mmdebstrap
	softhsm2 libengine-pkcs11-openssl libp11-dev p11-kit p11-kit-modules opensc gnutls-bin
	debhelper devscripts lintian fakeroot dpkg-dev man-db bash-completion
	shellcheck sparse python3-jsonschema strace xxd time
)
missing() {	# the packages among "$@" that are not installed
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			echo "$p"
	done
}
if [ "${1:-}" = --check-tool ]; then
	# Not Debian: the compiler will say what is missing.
	command -v dpkg-query >/dev/null || exit 0
	mapfile -t missing < <(missing "${tool_pkgs[@]}")
	[ ${#missing[@]} -eq 0 ] && exit 0
	echo "make: building ima-test needs ${missing[*]}; \`make deps' installs them" >&2
	exit 1
fi
[ $# -eq 0 ] || { echo "usage: $0 [--check-tool]" >&2; exit 2; }
mapfile -t missing < <(missing "${pkgs[@]}")
[ ${#missing[@]} -eq 0 ] && exit 0
echo "deps: installing ${missing[*]}" >&2
sudo=
[ "$(id -u)" = 0 ] || sudo=sudo
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
