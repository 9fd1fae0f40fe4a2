#!/bin/bash
# build-kernel.sh refuses bad inputs before compiling anything: a patch that
# does not apply is named, and a config option that olddefconfig drops is a
# build error.  Runs in a throwaway cache (extracting the source takes ~10 s).
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
build() { XDG_CACHE_HOME=$tmp/cache "$top/vm/build-kernel.sh" > "$tmp/out" 2> "$tmp/err"; }

mkdir -p "$tmp/bad"
cp "$top"/kernel/0001-*.patch "$tmp/bad/"
cat > "$tmp/bad/0002-does-not-apply.patch" <<'P'
--- a/fs/file_table.c
+++ b/fs/file_table.c
@@ -1,3 +1,3 @@
-this line is not in file_table.c
+nor is this one
 at all
 anywhere
P
(cd "$tmp/bad" && printf '%s\n' 0001-*.patch 0002-does-not-apply.patch) > "$tmp/bad/series"
SERIES=$tmp/bad/series build; rc=$?
if [ $rc = 2 ] && grep -q 'patch 0002-does-not-apply.patch does not apply' "$tmp/err"; then
	ok "a patch that does not apply fails the build and is named"
else
	not_ok "a patch that does not apply fails the build and is named (exit $rc)"
	sed 's/^/#   /' "$tmp/err" | tail -n 5
fi
grep -q 'applying 0001-' "$tmp/err" && ok "the patches before it were applied" ||
	not_ok "the patches before it were applied"

{ cat "$top/kernel/ima-fput.config"; echo 'CONFIG_IMA_FPUT_NO_SUCH_OPTION=y'; } > "$tmp/frag"
PATCHES=none FRAGMENT=$tmp/frag build; rc=$?
if [ $rc = 2 ] && grep -q "CONFIG_IMA_FPUT_NO_SUCH_OPTION=y' did not survive olddefconfig" "$tmp/err"; then
	ok "a config option that olddefconfig drops fails the build and is named"
else
	not_ok "a config option that olddefconfig drops fails the build and is named (exit $rc)"
	sed 's/^/#   /' "$tmp/err" | tail -n 5
fi
if grep -q 'did not survive' "$tmp/err" && [ "$(grep -c 'did not survive' "$tmp/err")" = 1 ]; then
	ok "every option of the shipped fragment survives (only the planted one is reported)"
else
	not_ok "every option of the shipped fragment survives (only the planted one is reported)"
	grep 'config:' "$tmp/err" | sed 's/^/#   /'
fi
PATCHES=bogus build; rc=$?
[ $rc = 2 ] && grep -q "PATCHES must be 'series' or 'none'" "$tmp/err" &&
	ok "an unknown PATCHES value is refused" || not_ok "an unknown PATCHES value is refused (exit $rc)"
finish
