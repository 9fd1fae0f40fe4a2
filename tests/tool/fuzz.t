#!/bin/bash
# Bounded libFuzzer runs (tools/ima-test/fuzz): the security.ima decoder,
# the escaping of file names for JSON and text output, the measurement list
# parser, the Keylime policy reader, the IMA policy parser and decision, and
# the security.evm decoder and check, the TPM quote structures, and the
# kernel's encrypted key blobs (--evm-key with --kmk).
. "$(dirname "$0")/lib.sh"

dir=$TOOL_ROOT/tools/ima-test
secs=${IMA_TEST_FUZZ_SECONDS:-20}
command -v "${CLANG:-clang}" >/dev/null || skip_all "clang not installed"
plan 17
out=$(make -s -C "$dir" fuzz 2>&1)
check_rc $? "fuzzers build (make -C tools/ima-test fuzz)" || diag "$out"

fuzz() {	# fuzz TARGET CORPUS SECONDS
	local scratch out rc n
	scratch=$(mktemp -d); T_CLEAN+=("$scratch")
	# New inputs go to a scratch directory; the committed corpus is only read.
	out=$(cd "$scratch" && "$dir/fuzz/$1" -max_total_time="$3" -timeout=10 \
		-artifact_prefix="$scratch/" "$scratch" "$dir/fuzz/$2" 2>&1)
	rc=$?
	check_rc $rc "$1 survives ${3}s from fuzz/$2"
	if [ $rc -ne 0 ]; then
		diag "$(tail -40 <<<"$out")"
		for a in "$scratch"/crash-* "$scratch"/leak-*; do
			[ -e "$a" ] && diag "artifact: $(od -An -tx1 "$a" | tr -d '\n')"
		done
	fi
	n=$(grep -Eo 'Done [0-9]+ runs' <<<"$out" | grep -Eo '[0-9]+')
	[ "${n:-0}" -gt 1000 ]
	check_rc $? "$1 made progress (${n:-0} runs)"
}
fuzz fuzz-xattr corpus $(( (secs + 1) / 2 ))
fuzz fuzz-names corpus-names $(( (secs + 1) / 2 ))
fuzz fuzz-imalog corpus-imalog $(( (secs + 1) / 2 ))
fuzz fuzz-refpolicy corpus-refpolicy $(( (secs + 1) / 2 ))
fuzz fuzz-policy corpus-policy $(( (secs + 1) / 2 ))
fuzz fuzz-evm corpus-evm $(( (secs + 1) / 2 ))
fuzz fuzz-tpmquote corpus-tpmquote $(( (secs + 1) / 2 ))
fuzz fuzz-enckey corpus-enckey $(( (secs + 1) / 2 ))
finish
