#!/bin/bash
# nfsd-root.sh: a small Debian 12 tree with the NFS server and client
# userland (rpc.nfsd, rpc.mountd, exportfs, mount.nfs), made with mmdebstrap
# and cached outside the clone, keyed by the package list and this script.
# The nfsd suite runs it chrooted from the busybox guest.  Prints the path
# of the extracted tree.
set -euo pipefail
packages=nfs-kernel-server,attr
cache=${XDG_CACHE_HOME:-$HOME/.cache}/ima-fput
key=$( { echo "$packages"; cat "$0"; } | sha256sum | cut -c1-16)
dir=$cache/nfsd-root-$key
mkdir -p "$cache"
exec 9>"$dir.lock"
flock 9
if [ ! -e "$dir/.done" ]; then
	command -v mmdebstrap >/dev/null ||
		{ echo "nfsd-root: mmdebstrap is not installed; run 'make deps'" >&2; exit 2; }
	echo "nfsd-root: mmdebstrap bookworm ($packages) -> $dir" >&2
	rm -rf "$dir" "$dir.tar"
	mmdebstrap --quiet --variant=minbase --include="$packages" \
		--dpkgopt='path-exclude=/usr/share/{doc,man,locale,info}/*' \
		bookworm "$dir.tar" >&2
	mkdir -p "$dir"
	tar -C "$dir" --numeric-owner -xpf "$dir.tar"
	rm -f "$dir.tar"
	touch "$dir/.done"
fi
echo "$dir"
