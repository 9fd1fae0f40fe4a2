#!/bin/bash
# Build the test kernel: Debian's linux-source-6.12 + kernel/series (or no
# patches with PATCHES=none) + kernel/ima-fput.config merged onto tinyconfig.
# FRAGMENT=FILE merges another config fragment instead of kernel/ima-fput.config.
# SERIES=FILE applies another series file instead of kernel/series (names
# relative to FILE's directory), e.g. kernel/broken/series.
#
# The tree is built in a cache outside the clone, keyed by source version,
# patch contents and config, so a second run with the same inputs is a no-op.
# Prints the build directory on stdout; everything else goes to stderr.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
variant=${PATCHES:-series}
pinned_pkg=6.12.118-1~deb12u1
tarball=/usr/src/linux-source-6.12.tar.xz
fragment=$(realpath -m "${FRAGMENT:-$top/kernel/ima-fput.config}")
cache=${XDG_CACHE_HOME:-$HOME/.cache}/ima-fput

say() { printf 'build-kernel: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 2; }

pkg=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null) ||
	die "linux-source-6.12 is not installed; run 'make deps'"
[ -r "$tarball" ] || die "$tarball is missing; reinstall linux-source-6.12"
[ "$pkg" = "$pinned_pkg" ] ||
	say "warning: linux-source-6.12 is $pkg, the series is pinned to $pinned_pkg; trying anyway"

series_file=$(realpath -m "${SERIES:-$top/kernel/series}")
series_dir=$(dirname "$series_file")
patches=()
case $variant in
series)
	[ -f "$series_file" ] || die "no series file $series_file"
	while read -r p; do
		case $p in ''|'#'*) continue ;; esac
		[ -f "$series_dir/$p" ] || die "$series_file names $p, which does not exist"
		patches+=("$series_dir/$p")
	done < "$series_file"
	[ -n "${SERIES:-}" ] && variant=series-$(basename "$series_dir")
	;;
none) ;;
*) die "PATCHES must be 'series' or 'none', not '$variant'" ;;
esac

# code_of PATCH: the parts of PATCH that change what is built: its diffs of
# files outside Documentation/ and MAINTAINERS (a document edit must not
# cost a kernel build; tests/host/rst.t checks the document in a tree of
# its own).
code_of() {
	awk '/^diff --git /{ skip = ($3 ~ "^a/Documentation/" || $3 == "a/MAINTAINERS") }
		/^diff --git /,0 { if (!skip) print }' "$1"
}
# RECIPE names the build steps below: change it when they change what is
# built (not for comments or messages).
recipe=2
key=$( {
	echo "$pkg"
	sha256sum "$tarball" | cut -d' ' -f1
	cat "$fragment"
	for p in "${patches[@]}"; do code_of "$p" | sha256sum; done
	echo "recipe $recipe"
} | sha256sum | cut -c1-16)
dir=$cache/linux-$pkg-$variant-$key
dir=${dir//\~/_}
mkdir -p "$cache"

exec 9>"$dir.lock"
flock 9

# Each tree is ~2 GB: keep the KEEP_TREES (default 4) most recently used of
# this variant and drop older ones, skipping any another build holds.
prune() {
	local old lock
	ls -1td "$cache/linux-${pkg//\~/_}-$variant-"???????????????? 2>/dev/null |
		tail -n +$((${KEEP_TREES:-4} + 1)) | while read -r old; do
		[ "$old" = "$dir" ] && continue
		lock=$old.lock
		(flock -n 8 || exit 0; rm -rf "$old"; say "pruned $old") 8>"$lock"
		rm -f "$lock"
	done
}

if [ -f "$dir/.ima-fput-built" ]; then
	touch "$dir"
	say "cached: $dir"
	prune
	echo "$dir"
	exit 0
fi

say "extracting $tarball ($pkg) into $dir"
rm -rf "$dir"
mkdir -p "$dir"
tar -xf "$tarball" -C "$dir" --strip-components=1

for p in "${patches[@]}"; do
	say "applying $(basename "$p")"
	if ! patch -d "$dir" -p1 --forward --batch --quiet < "$p" >&2; then
		die "patch $(basename "$p") does not apply to linux-source-6.12 $pkg"
	fi
done

cd "$dir"
make -s tinyconfig >&2
scripts/kconfig/merge_config.sh -m -O . .config "$fragment" >/dev/null
make -s olddefconfig >&2

# A dropped option (unmet dependency, renamed symbol) would silently change
# what we test, so each line of the fragment must be in the final config.
missing=0
while read -r line; do
	case $line in
	CONFIG_*=*) grep -qxF "$line" .config || { say "config: '$line' did not survive olddefconfig"; missing=1; } ;;
	'# CONFIG_'*' is not set')
		opt=${line#'# '}; opt=${opt%% *}
		grep -q "^$opt=" .config && { say "config: $opt is set but the fragment unsets it"; missing=1; } ;;
	esac
done < "$fragment"
[ "$missing" = 0 ] || die "$fragment does not apply cleanly; see above"

export CCACHE_BASEDIR=$dir CCACHE_NOHASHDIR=1
cc=gcc
command -v ccache >/dev/null && cc="ccache gcc"
say "building bzImage and modules in $dir (this takes a few minutes cold)"
make -s -j"$(nproc)" CC="$cc" KBUILD_BUILD_TIMESTAMP='2024-01-01' \
	KBUILD_BUILD_USER=ima-fput KBUILD_BUILD_HOST=ima-fput bzImage modules >&2

touch .ima-fput-built "$dir"
say "built $dir/arch/x86/boot/bzImage"
prune
echo "$dir"
