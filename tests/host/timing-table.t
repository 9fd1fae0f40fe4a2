#!/bin/bash
# tests/timing-table.pl, the filter `make check` puts after prove: it passes
# prove's output through, prints a per-test wall-time table slowest first,
# and keeps prove's closing lines (CI reads "Result:") last.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
cat > "$t/state.yml" <<'YML'
---
generation: 1
tests:
  tests/host/fast.t:
    elapsed: 0.5
    last_result: 0
  tests/vm/slow.t:
    elapsed: 120.25
    last_result: 0
  tests/tool/broken.t:
    elapsed: 7
    last_result: 1
version: 1
...
YML
cat > "$t/in" <<'OUT'
tests/host/fast.t ..
1..1
# a test that prints prove-like lines of its own:
All tests successful.
ok 1 - x
ok
tests/tool/broken.t ..
not ok 1 - y
# why y failed
#   in detail
ok 2 - w
# not about y
Failed 1/2 subtests
tests/vm/slow.t ..
ok 1 - z
ok

Test Summary Report
-------------------
tests/tool/broken.t (Wstat: 0 Tests: 1 Failed: 1)
Files=3, Tests=3, 128 wallclock secs
Result: FAIL
OUT
"$top/tests/timing-table.pl" "$t/state.yml" < "$t/in" > "$t/out"
check "exit 0" [ $? = 0 ]
check "the last line is prove's Result line" [ "$(tail -n 1 "$t/out")" = "Result: FAIL" ]
check "every input line is passed through, in order" \
	bash -c "diff <(grep -v '^\$' '$t/in') <(sed '/^Failed tests (/,/^\$/d' '$t/out' | grep -vE '^( +[0-9.]+ s  |Wall time per test|\$)')"
order=$(sed -n 's/^ *[0-9.]* s  \([^ ]*\) .*/\1/p' "$t/out" | tr '\n' ' ')
check "the table lists the tests slowest first ($order)" \
	[ "$order" = "tests/vm/slow.t tests/tool/broken.t tests/host/fast.t " ]
check "a failed test is marked FAILED" grep -qE '^ +7\.0 s  tests/tool/broken.t +FAILED$' "$t/out"
tl=$(grep -n 'Wall time per test' "$t/out" | cut -d: -f1)
sr=$(grep -n '^Test Summary Report' "$t/out" | cut -d: -f1)
first=$(grep -n '^ok 1 - z' "$t/out" | cut -d: -f1)
table_placed() { [ -n "$tl" ] && [ -n "$sr" ] && [ "$tl" -lt "$sr" ] && [ "$tl" -gt "$first" ]; }
check "the table comes before prove's summary, after the tests' output" table_placed
recap=$(sed -n '/^Failed tests (/,/^$/p' "$t/out")
expect='Failed tests (1), each with up to 15 comment lines after it:
  tests/tool/broken.t: not ok 1 - y
    # why y failed
    #   in detail'
recap_placed() { [ "$recap" = "$expect" ] && [ "$(grep -n '^Failed tests (' "$t/out" | cut -d: -f1)" -lt "$sr" ]; }
check "failed tests are repeated with their comments, before prove's summary" recap_placed
"$top/tests/timing-table.pl" "$t/missing.yml" < "$t/in" > "$t/out2"
check "without a state file: says so, Result line still last" \
	bash -c "grep -q 'no per-test timings' '$t/out2' && [ \"\$(tail -n 1 '$t/out2')\" = 'Result: FAIL' ]"
finish
