#!/bin/bash
# Every shell script of the project (tests, harness, demo, guest init and
# suites) is clean under shellcheck at the warning level.  Files are found
# by name (*.sh) or by their shell shebang, so a new script is linted
# without being listed here.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"
command -v shellcheck >/dev/null || bail "shellcheck is not installed (Debian package shellcheck; run make deps)"
cd "$top" || bail "cannot enter $top"
files=()
while IFS= read -r -d '' f; do
	[ -f "$f" ] || continue
	case $f in
	*.sh) files+=("$f") ;;
	*) head -n 1 "$f" | grep -qE '^#!(/usr)?/bin/(env )?(ba)?sh' && files+=("$f") ;;
	esac
done < <(git ls-files -z -c -o --exclude-standard -- ':!tools/ima-test/fuzz/corpus*')
[ ${#files[@]} -gt 40 ] && ok "found ${#files[@]} shell scripts" || not_ok "found shell scripts (only ${#files[@]})"
for f in "${files[@]}"; do
	if out=$(shellcheck -S warning -x -f gcc "$f" 2>&1); then
		ok "shellcheck -S warning $f"
	else
		not_ok "shellcheck -S warning $f"
		diag "$out"
	fi
done
finish
