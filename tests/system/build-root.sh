#!/bin/bash
# build-root.sh [PACKAGE...]: the Debian 12 root file system as a tarball,
# made with mmdebstrap from the machine's apt sources and cached outside the
# clone, keyed by the package list and this script.  The packages named are
# added to the base set (a Debian kernel, initramfs-tools, ...).  Prints the
# tarball's path.
set -euo pipefail
packages=systemd-sysv,udev,keyutils,attr
# (sorted, so that the same set is one cache entry)
for p in $(printf '%s\n' "$@" | sort -u); do packages+=,$p; done
cache=${XDG_CACHE_HOME:-$HOME/.cache}/ima-fput
key=$( { echo "$packages"; cat "$0"; } | sha256sum | cut -c1-16)
tar=$cache/rootfs-$key.tar
mkdir -p "$cache"
exec 9>"$tar.lock"
flock 9
if [ ! -s "$tar" ]; then
	command -v mmdebstrap >/dev/null ||
		{ echo "build-root: mmdebstrap is not installed; run 'make deps'" >&2; exit 2; }
	echo "build-root: mmdebstrap bookworm ($packages) -> $tar" >&2
	mmdebstrap --quiet --format=tar --variant=minbase --include="$packages" bookworm "$tar.tmp" >&2
	mv "$tar.tmp" "$tar"
fi
echo "$tar"
