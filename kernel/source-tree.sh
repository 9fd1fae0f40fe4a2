#!/bin/bash
# kernel/source-tree.sh: print the path of linux-source-6.12 with every patch
# of kernel/series applied (sources only, never built), made once per
# version of the patches and cached outside the clone.  Used by the checks
# that read the patched sources: the document build (tests/host/rst.t) and
# the cover letter's get_maintainer.pl output (tests/host/kernel-review.t).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${XDG_CACHE_HOME:-$HOME/.cache}/ima-fput
tarball=/usr/src/linux-source-6.12.tar.xz
mapfile -t patches < <(grep -v '^#' "$top/kernel/series" | grep .)
key=$(cd "$top/kernel" && cat "${patches[@]}" | sha256sum | cut -c1-16)
dir=$cache/src-tree-$key
mkdir -p "$cache"
exec 9>"$cache/src-tree.lock"
flock 9
if [ ! -f "$dir/.ima-fput-ready" ]; then
	rm -rf "$cache"/src-tree-????????????????
	mkdir -p "$dir"
	tar -xf "$tarball" -C "$dir" --strip-components=1
	for p in "${patches[@]}"; do
		patch -d "$dir" -p1 --forward --batch --quiet <"$top/kernel/$p" >&2 ||
			{ echo "source-tree: $p does not apply to $tarball" >&2; exit 2; }
	done
	touch "$dir/.ima-fput-ready"
fi
echo "$dir"
