#!/bin/bash
# ima-test ready on digest_type=verity appraise_type=sigv3 rules: a file
# without fs-verity is denied whatever its security.ima says, a v2
# signature is denied where sigv3 is required, and the rules the kernel
# refuses (sigv3 without digest_type=verity, ...) are refused.
. "$(dirname "$0")/lib.sh"

[ -x "$IMA_TEST" ] || skip_all "$IMA_TEST not built"
setup_work
T=$IMA_TEST
NOEVM="--evm-state $T_TMP/no-evm"
plan 12

K=$T_TMP/ima
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:prime256v1 -out "$K.key" 2>/dev/null
openssl req -x509 -new -key "$K.key" -out "$K.pem" -days 30 -subj "/CN=verity" \
	-addext subjectKeyIdentifier=hash 2>/dev/null

R=$WORK/root
mkdir -p "$R"
echo hashed >"$R/hashed"
echo signed >"$R/signed"
"$T" hash $XU "$R/hashed"
"$T" sign $XU --key "$K.key" --cert "$K.pem" "$R/signed" >/dev/null
P=$T_TMP/policy
pol() { printf '%s\n' "$@" >"$P"; }

# Without the rule's digest_type=verity the signed file passes ...
pol "appraise func=FILE_CHECK appraise_type=imasig"
expect 0 '' "imasig: the v2-signed file passes when read" -- "$T" ready $XU $NOEVM --access read --cert "$K.pem" --policy "$P" "$R/signed"
# ... with it, a file without fs-verity is denied: the kernel finds no
# verity digest to appraise (ima_collect_measurement: no-verity-digest).
pol "appraise func=FILE_CHECK digest_type=verity appraise_type=sigv3"
out=$("$T" ready $XU $NOEVM --cert "$K.pem" --policy "$P" "$R" 2>&1)
rc=$?
is "$rc" 1 "sigv3: files without fs-verity: exit 1"
grep -qx "$R/signed: verity-required (fs-verity is not enabled on the file; appraised on open by line 1: appraise func=FILE_CHECK digest_type=verity appraise_type=sigv3)" <<<"$out"
check_rc $? "the v2-signed file without fs-verity is a verity-required denial, naming the rule" || diag "$out"
grep -q "^$R/hashed: verity-required " <<<"$out"
check_rc $? "so is the hashed file"
grep -q "^summary: 2 files: 2 appraised, 0 not appraised; enforce would deny 2 (.* 2 verity-required, 0 sigv3-required, 0 other)$" <<<"$out"
check_rc $? "the summary counts them" || diag "$(tail -1 <<<"$out")"
grep -q "^note: line 1: .*: digest_type=verity appraise_type=sigv3: a file without fs-verity is denied" <<<"$out"
check_rc $? "the header says what the rule requires"
expect 1 '"verity-required":2' "json: the summary has the class" -- \
	"$T" ready $XU $NOEVM --format json --cert "$K.pem" --policy "$P" "$R"

# A v2 signature on an fs-verity file: where fs-verity can be enabled here.
V=$WORK/verity
if command -v fsverity >/dev/null && echo signed >"$V" && fsverity enable "$V" 2>/dev/null; then
	"$T" sign $XU --key "$K.key" --cert "$K.pem" "$V" >/dev/null
	expect 1 "verity: sigv3-required \\(v2 signature where an fs-verity signature \\(sigv3\\) is required" \
		"an fs-verity file with a v2 signature: sigv3-required" -- \
		"$T" ready $XU $NOEVM --cert "$K.pem" --policy "$P" "$V"
else
	ok "# SKIP fs-verity cannot be enabled on $WORK (no fsverity tool, or no kernel or file system support)"
fi

# The rules ima_parse_rule() and ima_validate_rule() refuse.
bad() {
	pol "$1"
	expect 2 "line 1: $2" "refused like the kernel: $1" -- "$T" ready $XU $NOEVM --policy "$P" "$R"
}
bad "appraise func=FILE_CHECK appraise_type=sigv3" "appraise_type=sigv3 needs digest_type=verity before it"
bad "appraise appraise_type=sigv3 digest_type=verity" "appraise_type=sigv3 needs digest_type=verity before it"
bad "appraise digest_type=verity" "an appraise rule with digest_type=verity needs appraise_type=sigv3"
bad "appraise digest_type=verity appraise_type=imasig" "appraise_type=imasig cannot go with digest_type=verity"
finish
