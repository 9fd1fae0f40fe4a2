#!/bin/bash
# Bounded libFuzzer run of the security.ima decoder (tools/ima-test/fuzz).
. "$(dirname "$0")/lib.sh"

dir=$TOOL_ROOT/tools/ima-test
secs=${IMA_TEST_FUZZ_SECONDS:-20}
command -v "${CLANG:-clang}" >/dev/null || skip_all "clang not installed"
plan 3
out=$(make -s -C "$dir" fuzz 2>&1)
ok $? "fuzzer builds (make -C tools/ima-test fuzz)" || diag "$out"
T_TMP=$(mktemp -d); T_CLEAN+=("$T_TMP")
# New inputs go to a scratch directory; the committed corpus is only read.
out=$(cd "$T_TMP" && "$dir/fuzz/fuzz-xattr" -max_total_time="$secs" -timeout=10 \
	-artifact_prefix="$T_TMP/" "$T_TMP" "$dir/fuzz/corpus" 2>&1)
rc=$?
ok $rc "decoder survives ${secs}s of fuzzing from the committed corpus"
[ $rc -eq 0 ] || { diag "$(tail -40 <<<"$out")"; for a in "$T_TMP"/crash-* "$T_TMP"/leak-*; do [ -e "$a" ] && diag "artifact: $(od -An -tx1 "$a" | tr -d '\n')"; done; }
n=$(grep -Eo 'Done [0-9]+ runs' <<<"$out" | grep -Eo '[0-9]+')
[ "${n:-0}" -gt 1000 ]
ok $? "fuzzer made progress (${n:-0} runs)"
done_testing
