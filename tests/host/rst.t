#!/bin/bash
# Documentation/security/ima-fput.rst: builds without a single docutils
# warning, here and inside the patched kernel tree, and the kernel patch
# that adds it carries exactly this file (one source of truth).
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"
doc=Documentation/security/ima-fput.rst

rst2html=$(command -v rst2html || command -v rst2html.py)
if [ -z "$rst2html" ]; then
	skip_all "docutils is not installed (Debian package python3-docutils)"
fi
# build FILE: HTML with docutils, halting on any warning; messages on stdout
# stderr to the caller, stdout dropped
# shellcheck disable=SC2069
build() { "$rst2html" --halt=warning --report=warning "$1" 2>&1 >/dev/null; }

out=$(build "$top/$doc")
check "docutils builds $doc without warnings" [ $? = 0 ]
[ -n "$out" ] && sed 's/^/#   /' <<<"$out"

last=$(grep -v '^#' "$top/kernel/series" | grep . | tail -n 1)
check "kernel/series ends with the documentation patch ($last)" \
	test -f "$top/kernel/$last" -a "${last#[0-9][0-9][0-9][0-9]-Documentation-}" != "$last"
patch=$top/kernel/$last

# The file as the patch adds it: the '+' lines of its hunk.
added=$(mktemp)
trap 'rm -f "$added"' EXIT
awk -v f="b/$doc" '
	/^diff --git / { inside = ($4 == f); next }
	inside && /^@@ / { body = 1; next }
	inside && body && /^\+/ { print substr($0, 2) }
' "$patch" > "$added"
if cmp -s "$added" "$top/$doc"; then
	ok "the patch adds $doc byte-identical to the repository's copy"
else
	not_ok "the patch adds $doc byte-identical to the repository's copy (run kernel/refresh-doc-patch.sh)"
	diff "$added" "$top/$doc" | head -n 10 | sed 's/^/#   /'
fi
check "the patch lists ima-fput in Documentation/security/index.rst" \
	grep -qx '+   ima-fput' "$patch"

# Regenerating the patch from the repository's copy changes nothing.
regen=$(mktemp -d)
if made=$("$top/kernel/refresh-doc-patch.sh" -o "$regen" 2>&1) && cmp -s "$made" "$patch"; then
	ok "kernel/refresh-doc-patch.sh reproduces $last byte for byte"
else
	not_ok "kernel/refresh-doc-patch.sh reproduces $last byte for byte"
	{ [ -f "$made" ] && diff "$patch" "$made" | head -n 10; } | sed 's/^/#   /'
fi
rm -rf "$regen"

# Inside a patched kernel source tree: the same file, in the toctree, and
# it builds there too.  The tree is its own, not the build cache's: the
# kernel build is keyed on code only, so a document edit costs no rebuild.
kdir=$("$top/kernel/source-tree.sh" 2>/dev/null)
if [ -z "$kdir" ]; then
	not_ok "linux-source-6.12 with kernel/series applied (see the diagnostics above)"
else
	check "the patched tree has $doc, identical" cmp -s "$kdir/$doc" "$top/$doc"
	check "the patched tree's Documentation/security/index.rst lists it" \
		grep -qx '   ima-fput' "$kdir/Documentation/security/index.rst"
	out=$(cd "$kdir/Documentation/security" && build ima-fput.rst)
	check "docutils builds it inside the patched tree without warnings" [ $? = 0 ]
	[ -n "$out" ] && sed 's/^/#   /' <<<"$out"
	# The kernel's own documentation build, for this directory, when Sphinx
	# is installed (Debian package python3-sphinx).  Other documents of the
	# directory warn about links outside it; ours must not warn at all.
	if command -v sphinx-build >/dev/null; then
		sph=$(mktemp -d)
		make -s -C "$kdir" O="$sph" SPHINXDIRS=security htmldocs > "$sph/log" 2>&1
		rc=$?
		if [ $rc = 0 ] && [ -s "$sph/Documentation/output/security/ima-fput.html" ] &&
		   ! grep -q 'security/ima-fput.rst' "$sph/log"; then
			ok "make SPHINXDIRS=security htmldocs in the patched tree: ima-fput.html, no warning about it"
		else
			not_ok "make SPHINXDIRS=security htmldocs in the patched tree: ima-fput.html, no warning about it (exit $rc)"
			grep -E 'ima-fput|WARNING|ERROR' "$sph/log" | head -n 10 | sed 's/^/#   /'
		fi
		rm -rf "$sph"
	else
		ok "# SKIP Sphinx is not installed (python3-sphinx): the kernel's htmldocs build not run"
	fi
fi
finish
