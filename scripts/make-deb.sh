#!/bin/bash
# Build the ima-test Debian package from the files of this checkout (tracked
# and new, not ignored ones), in OUTDIR (default build/deb/; emptied first),
# and print the .deb's path.  Tests that run side by side under prove -j each
# pass a directory of their own.
# lintian runs on the result; its errors and warnings fail the build.
# A build is cached (${XDG_CACHE_HOME:-~/.cache}/ima-fput/deb-KEY/, keyed by
# the names and contents of those files), so the tests that install the
# package share one build; MAKE_DEB_FRESH=1 builds afresh.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=$(realpath -m "${1:-$top/build/deb}")
version=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)
src=$out/ima-fput-$version
rm -rf "$out"
mkdir -p "$src"
files() {
	(cd "$top" && git ls-files -z -c -o --exclude-standard) |
		(cd "$top" && xargs -0 -r sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh)
}
cache=${XDG_CACHE_HOME:-$HOME/.cache}/ima-fput/deb-$( { cat "$0"; files | sort -z |
	(cd "$top" && xargs -0 -r sha256sum); } | sha256sum | cut -c1-16)
mkdir -p "${cache%/*}"
exec 9>"$cache.lock"
flock 9
if [ -z "${MAKE_DEB_FRESH:-}" ] && [ -s "$cache/ok" ]; then
	cp -a "$cache/." "$out/"
	rm -f "$out/ok"
	ls "$out"/ima-test_"$version"_*.deb
	exit 0
fi
files | (cd "$top" && cpio -0 -pdm --quiet "$src")
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
rm -rf "$cache"
mkdir -p "$cache"
cp -a "$out"/*.deb "$out"/*.changes "$out"/*.buildinfo "$out"/lintian.log "$out"/build.log "$cache/"
echo "$deb" > "$cache/ok"
echo "$deb"
