#!/bin/bash
# The inventory of the kernel's final-fput paths (ima-fput.rst, "Every
# final-fput path of the kernel") is current: made again from the patched
# tree, every call site is annotated, every annotation has its call site,
# and the document's table is the generated one.  And every patch the
# document names by number is the patch of kernel/series with that number.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rst=$top/Documentation/security/ima-fput.rst

kdir=$(PATCHES=series "$top/vm/build-kernel.sh" 2>/dev/null) ||
	bail "the patched kernel tree does not build (run: make kernel)"

"$top/kernel/final-fput-inventory.py" --rst --annotations "$top/kernel/final-fput-paths.tsv" \
	"$kdir" >"$tmp/table" 2>"$tmp/stale"
rc=$?
check_rc $rc "every final-fput call site of the patched tree is annotated, and every annotation has its call site" ||
	diag "$(cat "$tmp/stale")"
sites=$(grep -c '^   \* - ``' "$tmp/table")
check "the inventory lists call sites ($sites)" [ "$sites" -ge 20 ]
check "the inventory lists io_uring's SQPOLL thread" grep -q 'io_sq_run_task_work' "$tmp/table"
sed -n '/^\.\. inventory-begin$/,/^\.\. inventory-end$/p' "$rst" | sed '1,2d;$d' | sed '$d' >"$tmp/doc"
if diff -u "$tmp/doc" "$tmp/table" >"$tmp/diff"; then
	ok "ima-fput.rst holds the generated inventory"
else
	not_ok "ima-fput.rst holds the generated inventory (regenerate it: kernel/final-fput-inventory.py --rst)"
	diag "$(head -n 30 "$tmp/diff")"
fi

# Patches are named NNNN-slug (the start of their file name), so that the
# number and the patch are checked together; broken/NNNN are the controls.
# (a file mode, as umask 0077 or UMASK=0077, is no patch)
bad=$(sed -E 's/(umask |UMASK=)0[0-7]{3}//g' "$rst" |
	grep -oE '(broken/)?\b00[0-9]{2}(-[A-Za-z0-9_.]+(-[A-Za-z0-9_.]+)*)?' | grep -v '^broken/' |
	while read -r ref; do
		case $ref in
		*-*) grep -q "^$ref" "$top/kernel/series" || echo "$ref (no such patch in kernel/series)" ;;
		*) echo "$ref (a bare number: name the patch as NNNN-slug)" ;;
		esac
	done)
is "$bad" "" "every patch ima-fput.rst names is in kernel/series under that number"
finish
