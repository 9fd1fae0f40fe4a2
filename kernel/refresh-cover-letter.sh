#!/bin/bash
# kernel/refresh-cover-letter.sh [-o FILE]: rewrite the generated end of
# kernel/0000-cover-letter.patch, from the line "Recipients, from" on: the
# get_maintainer.pl output for the series, read in the patched source tree
# (kernel/source-tree.sh), and the shortlog of kernel/series.  The text
# above that line is written by hand and kept as it is.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
letter=$top/kernel/0000-cover-letter.patch
out=$letter
[ "${1:-}" = -o ] && out=$2
mapfile -t patches < <(grep -v '^#' "$top/kernel/series" | grep . | sed "s|^|$top/kernel/|")
src=$("$top/kernel/source-tree.sh")
gm=$(cd "$src" && perl scripts/get_maintainer.pl --no-git --no-git-fallback --no-rolestats "${patches[@]}")
subject() { # the Subject of a format-patch file, unfolded, without [PATCH]
	awk '/^Subject: /{ s = $0; getline; while ($0 ~ /^ /) { s = s $0; getline } print s; exit }' "$1" |
		sed 's/^Subject: \[PATCH[^]]*\] //'
}
{
	sed '/^Recipients, from/,$d' "$letter"
	echo "Recipients, from scripts/get_maintainer.pl --no-git --no-git-fallback"
	echo "--no-rolestats over the ${#patches[@]} patches, in the patched tree:"
	echo
	printf '%s\n' "$gm" | sed 's/^/  /'
	echo
	echo "ima-fput (${#patches[@]}):"
	for p in "${patches[@]}"; do echo "  $(subject "$p")"; done
	echo
	echo "-- "
	echo "ima-fput"
} >"$out.tmp"
mv "$out.tmp" "$out"
