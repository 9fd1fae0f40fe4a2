#!/bin/bash
# refresh-doc-patch.sh: regenerate kernel/NNNN-Documentation-*.patch from
# Documentation/security/ima-fput.rst, the one copy of the document.
#
# The patch adds the file, lists it in Documentation/security/index.rst
# and in the IMA entry of MAINTAINERS.  It is made with git format-patch in
# a scratch repository holding those two files from linux-source-6.12 with
# the earlier patches of kernel/series applied, so it applies on top of
# them.  It is numbered after them.  The Date of an existing one is kept,
# so an unchanged document
# gives a byte-identical patch.  kernel/series ends with the patch.
#
# Usage: kernel/refresh-doc-patch.sh [-o DIR]   (default: kernel/)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/kernel
[ "${1:-}" = -o ] && { out=$(realpath -m "$2"); shift 2; }
tarball=/usr/src/linux-source-6.12.tar.xz
doc=$top/Documentation/security/ima-fput.rst
die() { echo "refresh-doc-patch: $*" >&2; exit 2; }

[ -r "$tarball" ] || die "$tarball is missing (Debian package linux-source-6.12)"
[ -r "$doc" ] || die "$doc is missing"
old=$(find "$top/kernel" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-Documentation-*.patch' | head -n 1)
date=$(date -R)
[ -n "$old" ] && date=$(sed -n 's/^Date: //p' "$old" | head -n 1)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/src"
tar -xJf "$tarball" -C "$tmp/src" --strip-components=1 --wildcards \
	'*/MAINTAINERS' '*/Documentation/security/index.rst'
cd "$tmp/src"
git init -q
git add -A
git -c user.name=base -c user.email=base@localhost commit -q -m base
# the earlier patches, as far as they touch these two files
while read -r p; do
	case $p in ''|'#'*|[0-9][0-9][0-9][0-9]-Documentation-*) continue ;; esac
	git apply --include=MAINTAINERS --include=Documentation/security/index.rst \
		"$top/kernel/$p" || die "$p does not apply to linux-source-6.12"
done < "$top/kernel/series"
git add -A
git -c user.name=base -c user.email=base@localhost commit -q --allow-empty -m series

cp "$doc" Documentation/security/ima-fput.rst
sed -i 's/^   IMA-templates$/&\n   ima-fput/' Documentation/security/index.rst
sed -i '/^INTEGRITY MEASUREMENT ARCHITECTURE (IMA)$/,/^$/ s|^F:\tinclude/linux/secure_boot.h$|F:\tDocumentation/security/ima-fput.rst\n&|' MAINTAINERS
grep -qx '   ima-fput' Documentation/security/index.rst || die "no IMA-templates entry in index.rst"
grep -q 'Documentation/security/ima-fput.rst' MAINTAINERS || die "no IMA entry in MAINTAINERS"
git add -A
GIT_AUTHOR_DATE=$date GIT_COMMITTER_DATE=$date \
	git -c user.name=ima-fput -c user.email=ima-fput@localhost commit -q -F - <<'EOF'
Documentation: security: describe IMA and the lock-free final __fput()

The preceding patches state in fs/file_table.c and in IMA that the final
__fput() runs with no locks held, check it under lockdep, and make nfsd
keep it.  The reasons are spread over code comments and a 2012 discussion
on linux-kernel: where __fput() can run and with which locks held, why
IMA may take the inode lock there and in which order, why a test of the
locks the caller holds cannot replace the rule, what the assertions
report when a caller breaks it, and which of the kernel's own callers
close files and how each is tested.

Collect them in one document, with how to turn appraisal on without
locking a system out of its own files: fix mode, labelling, signing,
loading the keys, a pre-flight check, then enforce.

Signed-off-by: ima-fput <ima-fput@localhost>
EOF
git format-patch -q -N --no-signature --zero-commit -1 -o "$tmp/out"
made=$(find "$tmp/out" -name '0001-*.patch')
n=$(grep -v '^#' "$top/kernel/series" | grep . | grep -vc -- '^[0-9]*-Documentation-')
name=$(printf '%04d' $((n + 1)))-${made##*/0001-}
mkdir -p "$out"
if [ "$out" = "$top/kernel" ]; then
	[ -n "$old" ] && [ "$old" != "$out/$name" ] && rm -f "$old"
	cp "$made" "$out/$name"
	grep -v -- '^[0-9]*-Documentation-' "$top/kernel/series" > "$tmp/series"
	echo "$name" >> "$tmp/series"
	cp "$tmp/series" "$top/kernel/series"
else
	cp "$made" "$out/$name"
fi
echo "$out/$name"
