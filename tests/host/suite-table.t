#!/bin/bash
# The VM suite table (tests/vm/suites.list): gen-suites.sh makes one test
# file per line and kernel, each running a script that exists, and refuses
# a malformed line, a name given twice and a script that is not there.
top=$(cd "$(dirname "$0")/../.." && pwd)
gen=$top/tests/vm/gen-suites.sh
. "$top/tests/lib/tap.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
plan 7

"$gen" > "$tmp/out" 2>&1
check_rc $? "gen-suites.sh makes the test files" || diag "$(cat "$tmp/out")"
mapfile -t files < <("$gen" --list)
made=$(cd "$top" && ls build/vm-tests/*.t)
[ ${#files[@]} -gt 30 ] && [ "$made" = "$(printf '%s\n' "${files[@]}" | sort)" ]
check_rc $? "build/vm-tests holds exactly the ${#files[@]} files of the table"
bad=
for f in "${files[@]}"; do
	s=$(sed -n 's#^.*exec "$top/\(tests/vm/[^"]*\|vm/[^"]*\)".*#\1#p' "$top/$f")
	[ -x "$top/$f" ] && [ -n "$s" ] && [ -x "$top/$s" ] || bad+=" $f"
	for g in $(grep -o -- '--suite [a-z0-9-]*' "$top/$f" | cut -d' ' -f2); do
		[ -x "$top/tests/vm/suites/$g.sh" ] || bad+=" $f($g)"
	done
done
[ -z "$bad" ]
check_rc $? "every file runs a script of tests/vm/ or vm/, and every --suite has its guest script${bad:+ (not:$bad)}"

# want_refused DESC PATTERN LINE: a table with LINE added is refused, exit 2
want_refused() {
	{ cat "$top/tests/vm/suites.list"; echo "$3"; } > "$tmp/list"
	SUITES_LIST=$tmp/list "$gen" --list > /dev/null 2> "$tmp/err"
	local rc=$?
	[ $rc = 2 ] && grep -q -- "$2" "$tmp/err"
	check_rc $? "refused: $1 (exit $rc: $(head -c 120 "$tmp/err"))"
}
want_refused "a line without a command" "want NAME KERNELS COMMAND" "fix series,none"
want_refused "an unknown kernel" "want NAME KERNELS COMMAND" "fix2 series,mine run-suite.sh --suite fix"
want_refused "a name and kernel given twice" "fix-series.t again" "fix series run-suite.sh --suite fix"
want_refused "a script that is not in tests/vm or vm" "is not an executable script" "gone series nosuch.sh {k}"
finish
