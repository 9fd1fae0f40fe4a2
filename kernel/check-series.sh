#!/bin/bash
# kernel/check-series.sh: the series as linux-integrity would review it, as
# TAP on stdout.  In a tree of its own (cached outside the clone, keyed like
# vm/build-kernel.sh):
#  - the unpatched tree builds, then each patch applies and the tree builds
#    after it, incrementally (with ccache), so the series bisects;
#  - each of those trees boots and closes files through io_uring's SQPOLL
#    thread and an io-wq worker without a single kernel report, so no
#    prefix warns on a path that a later patch fixes;
#  - sparse (C=2) and W=1 add no warning on the C files the series touches;
#  - scripts/kernel-doc -none adds no warning on them.
# The results are kept with the tree; a second run with the same inputs
# prints them again without rebuilding.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/lib/tap.sh"
tarball=/usr/src/linux-source-6.12.tar.xz
fragment=$top/kernel/ima-fput.config
cache=${XDG_CACHE_HOME:-$HOME/.cache}/ima-fput

mapfile -t patches < <(grep -v '^#' "$top/kernel/series" | grep .)
pkg=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null) || bail "linux-source-6.12 is not installed; run 'make deps'"
# Keyed like vm/build-kernel.sh, on the code the patches change: a
# document edit does not change what is built or checked here.
code_of() {
	awk '/^diff --git /{ skip = ($3 ~ "^a/Documentation/" || $3 == "a/MAINTAINERS") }
		/^diff --git /,0 { if (!skip) print }' "$1"
}
key=$( {
	echo "$pkg"
	cat "$fragment"
	for p in "${patches[@]}"; do code_of "$top/kernel/$p" | sha256sum; done
	sha256sum < "$0"
	sparse --version
} | sha256sum | cut -c1-16)
dir=$cache/bisect-$key
results=$dir.tap
if [ -s "$results" ]; then
	cat "$results"
	grep -q '^not ok' "$results" && exit 1
	exit 0
fi
mkdir -p "$cache"
# Older result sets and trees of this check are replaced by this one.
for old in "$cache"/bisect-????????????????; do
	[ "$old" = "$dir" ] || rm -rf "$old" "$old.tap"
done

run() { # run LOG CMD...: quiet unless it fails
	local log=$1
	shift
	"$@" >"$log" 2>&1 || { diag "$(tail -n 25 "$log")"; return 1; }
}
export CCACHE_BASEDIR=$dir CCACHE_NOHASHDIR=1
cc=gcc
command -v ccache >/dev/null && cc="ccache gcc"
kmake() { make -s -C "$dir" -j"$(nproc)" CC="$cc" KBUILD_BUILD_TIMESTAMP='2024-01-01' \
	KBUILD_BUILD_USER=ima-fput KBUILD_BUILD_HOST=ima-fput "$@"; }

# C files the series touches, and the objects to check them through (a
# header is checked through the IMA files that include it).
mapfile -t cfiles < <(cd "$top/kernel" && grep -h '^+++ b/.*\.c$' "${patches[@]}" | sed 's|^+++ b/||' | sort -u)
objs=("${cfiles[@]/%.c/.o}")

# warnings SUFFIX: sparse + W=1 + kernel-doc on the touched files, normalised
# (no line numbers), into $dir.SUFFIX
warnings() {
	local f o
	for o in "${objs[@]}"; do rm -f "$dir/$o"; done
	kmake C=2 W=1 "${objs[@]}" 2>&1 | grep -E 'warning|error' |
		sed -E 's/:[0-9]+:[0-9]+:/:/; s/:[0-9]+:/:/' | sort -u >"$dir.$1"
	for f in "${cfiles[@]}"; do
		(cd "$dir" && perl scripts/kernel-doc -none -Wall "$f" 2>&1) |
			sed -E 's/:[0-9]+:/:/' | sort -u >>"$dir.$1"
	done
	sort -u -o "$dir.$1" "$dir.$1"
}

# boot_prefix PATCH: boot the tree as built after PATCH on the SQPOLL and
# io-wq closes (tests/vm/suites/sqpoll.sh) in fix mode: no prefix of the
# series may warn, since the fixes come before the assertions.
boot_prefix() {
	local n=${1%%-*}
	if "$top/vm/run-suite.sh" --kernel series --suite sqpoll --name "prefix-$n" \
		--bzimage "$dir/arch/x86/boot/bzImage" \
		--cmdline "ima_appraise=fix ima_policy=appraise_tcb" >"$dir.boot.log" 2>&1; then
		ok "the tree boots clean after $1 (SQPOLL and io-wq closes, fix mode)"
	else
		not_ok "the tree boots clean after $1 (SQPOLL and io-wq closes, fix mode)"
		diag "$(grep -E '^not ok|^#   ' "$dir.boot.log" | head -n 15)"
	fi
}

{
	rm -rf "$dir"
	mkdir -p "$dir"
	if ! tar -xf "$tarball" -C "$dir" --strip-components=1; then
		not_ok "extract $tarball"
		finish
	fi
	(cd "$dir" && make -s tinyconfig && scripts/kconfig/merge_config.sh -m -O . .config "$fragment" >/dev/null &&
		make -s olddefconfig) >"$dir.config.log" 2>&1
	if run "$dir.build.log" kmake bzImage; then
		ok "the unpatched tree builds"
	else
		not_ok "the unpatched tree builds"
	fi
	warnings base
	for p in "${patches[@]}"; do
		if ! patch -d "$dir" -p1 --forward --batch --quiet <"$top/kernel/$p" >"$dir.patch.log" 2>&1; then
			not_ok "$p applies"
			diag "$(cat "$dir.patch.log")"
			break
		fi
		if run "$dir.build.log" kmake bzImage; then
			ok "the tree builds after $p"
			boot_prefix "$p"
		else
			not_ok "the tree builds after $p"
		fi
	done
	warnings series
	new=$(comm -13 "$dir.base" "$dir.series")
	if [ -z "$new" ]; then
		ok "sparse (C=2), W=1 and kernel-doc add no warning on ${cfiles[*]}"
	else
		not_ok "sparse (C=2), W=1 and kernel-doc add no warning on ${cfiles[*]}"
		diag "$new"
	fi
	n=$(wc -l <"$dir.series")
	diag "warnings on those files before and after the series: $(wc -l <"$dir.base") and $n"
	finish
} | tee "$results.tmp"
mv "$results.tmp" "$results"
# The tree is only needed to make the results; keep the disk.
rm -rf "$dir"
grep -q '^not ok' "$results" && exit 1
exit 0
