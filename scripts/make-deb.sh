#!/bin/bash
# Build the ima-test Debian package from the files of this checkout (tracked
# and new, not ignored ones), in OUTDIR (default build/deb/; emptied first),
# and print the .deb's path.  Tests that run side by side under prove -j each
# pass a directory of their own.
# lintian runs on the result; its errors and warnings fail the build.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=$(realpath -m "${1:-$top/build/deb}")
version=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)
src=$out/ima-fput-$version
rm -rf "$out"
mkdir -p "$src"
(cd "$top" && git ls-files -z -c -o --exclude-standard) |
	(cd "$top" && xargs -0 -r sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh) |
	(cd "$top" && cpio -0 -pdm --quiet "$src")
(cd "$src" && dpkg-buildpackage -b -us -uc >"$out/build.log" 2>&1) || {
	tail -n 30 "$out/build.log" >&2
	echo "make-deb: dpkg-buildpackage failed; see $out/build.log" >&2
	exit 2
}
deb=$(ls "$out"/ima-test_"$version"_*.deb)
lintian --fail-on error,warning --info "$out"/ima-fput_"$version"_*.changes >"$out/lintian.log" 2>&1 || {
	cat "$out/lintian.log" >&2
	echo "make-deb: lintian reported errors or warnings" >&2
	exit 2
}
echo "$deb"
