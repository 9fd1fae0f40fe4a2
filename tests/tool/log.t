#!/bin/bash
# ima-test log on generated measurement lists (tests/tool/loggen.py): the
# five templates, both banks, binary and ascii, signatures, violations, the
# Keylime reference, padded SHA-1 banks, hostile lists and bad input.
. "$(dirname "$0")/lib.sh"

[ -x "$IMA_TEST" ] || skip_all "$IMA_TEST not built"
command -v python3 >/dev/null || skip_all "python3 not installed"
GEN="python3 $(dirname "$0")/loggen.py"
setup_work
plan 50

K=$T_TMP/k
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$K.key" 2>/dev/null
openssl req -x509 -new -key "$K.key" -out "$K.pem" -days 30 -subj "/CN=log" \
	-addext subjectKeyIdentifier=hash 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:prime256v1 -out "$K.other.key" 2>/dev/null
openssl req -x509 -new -key "$K.other.key" -out "$K.other.pem" -days 30 -subj "/CN=other" 2>/dev/null

# Real files: signed, and exported as a Keylime reference.
for i in 1 2 3; do echo "content $i" >"$WORK/f$i"; done
"$IMA_TEST" sign $XU --key "$K.key" --cert "$K.pem" "$WORK/f1" >/dev/null
"$IMA_TEST" audit $XU --format keylime "$WORK" -r >"$T_TMP/ref.json" 2>/dev/null
sha() { sha256sum "$1" | cut -d' ' -f1; }
sig=$(xhex "$WORK/f1")

D=$T_TMP/lists
cat >"$T_TMP/spec" <<EOF
ima-sig $WORK/f1 sha256:$(sha "$WORK/f1") $sig
ima-ng $WORK/f2 sha256:$(sha "$WORK/f2")
ima-sig $WORK/f3 sha256:$(sha "$WORK/f3")
ima /old/template sha1:$(sha1sum "$WORK/f2" | cut -d' ' -f1)
ima-buf kexec-cmdline sha256:$(printf 'root=/dev/vda' | sha256sum | cut -d' ' -f1) $(printf 'root=/dev/vda' | od -An -tx1 | tr -d ' \n')
ima-modsig $WORK/f2 sha256:$(sha "$WORK/f2")
pcr 11 ima-ng /other/pcr sha256:$(sha "$WORK/f3")
EOF
$GEN make "$D" --entries 30 --spec "$T_TMP/spec"
PCRS=(--pcrs "sha1,$D/pcrs_sha1" --pcrs "sha256,$D/pcrs_sha256")

for l in bin_sha1 bin_sha256 ascii_sha1 ascii_sha256; do
	expect 0 '4 of 4 PCR replays consistent' "$l: consistent in both banks, PCRs 10 and 11" -- \
		"$IMA_TEST" log --list "$D/$l" "${PCRS[@]}"
done
expect 0 'boot-aggregate-ok \(matches sha256 PCRs 0-9\)' "boot_aggregate checked against sha256 PCRs 0-9" -- \
	"$IMA_TEST" log --list "$D/bin_sha1" "${PCRS[@]}"
expect 0 '"entries":38,"findings":0' "all four lists together agree" -- \
	"$IMA_TEST" log --format json --list "$D/bin_sha1" --list "$D/bin_sha256" \
	--list "$D/ascii_sha1" --list "$D/ascii_sha256" "${PCRS[@]}"
out=$("$IMA_TEST" log --format json --list "$D/bin_sha256" "${PCRS[@]}")
python3 -c 'import json,sys
lines=[json.loads(l) for l in sys.stdin]
assert lines and "summary" in lines[-1] and all("summary" not in l for l in lines[:-1])' <<<"$out"
check_rc $? "JSON: every line an object, the last one the summary"
expect 0 'consistent' "sha1 PCRs only: the sha256 list replays into sha1 (its sha256 boot_aggregate accepted unverified)" -- \
	"$IMA_TEST" log --allow-unverified --list "$D/bin_sha256" --pcrs "$D/pcrs_sha1"

# Signatures, with the same key lookup as verify.
expect 0 '0 findings' "--cert: the ima-sig signature verifies" -- \
	"$IMA_TEST" log --list "$D/bin_sha256" "${PCRS[@]}" --cert "$K.pem"
expect 1 "entry 2 $WORK/f1: unknown-key" "--cert of another key: unknown-key names the entry" -- \
	"$IMA_TEST" log --list "$D/bin_sha256" "${PCRS[@]}" --cert "$K.other.pem"
bad=${sig:0:-2}$(printf '%02x' $(( (0x${sig: -2} + 1) % 256 )))
sed "s/$sig/$bad/" "$T_TMP/spec" >"$T_TMP/spec.badsig"
$GEN make "$D.badsig" --entries 3 --spec "$T_TMP/spec.badsig"
expect 1 "entry 2 $WORK/f1: bad-signature" "a changed signature byte: bad-signature names the entry" -- \
	"$IMA_TEST" log --list "$D.badsig/bin_sha1" --pcrs "$D.badsig/pcrs_sha1" --cert "$K.pem"

# Appended signatures (ima-modsig): PKCS#7 over the d-modsig digest, the
# signer found by issuer and serial, or by subject key identifier.
head -c 3000 /dev/urandom >"$T_TMP/mod.ko"
modsig() { # modsig OUT [openssl cms options]
	local o=$1
	shift
	openssl cms -sign -binary -noattr -md sha256 -outform DER -in "$T_TMP/mod.ko" \
		-signer "$K.pem" -inkey "$K.key" -out "$o" "$@" 2>/dev/null
}
modsig "$T_TMP/mod.p7"
modsig "$T_TMP/mod-skid.p7" -keyid
dm=$(sha "$T_TMP/mod.ko")
for v in mod mod-skid; do
	printf 'ima-modsig /lib/modules/%s.ko sha256:%s - sha256:%s %s\n' "$v" "$dm" "$dm" \
		"$(od -An -v -tx1 "$T_TMP/$v.p7" | tr -d ' \n')" >"$T_TMP/spec.$v"
	$GEN make "$D.$v" --entries 2 --spec "$T_TMP/spec.$v"
	expect 0 '0 findings' "$v: the appended signature verifies with --cert" -- \
		"$IMA_TEST" log --list "$D.$v/bin_sha256" --pcrs "sha256,$D.$v/pcrs_sha256" --cert "$K.pem"
done
expect 1 "entry 2 /lib/modules/mod.ko: unknown-key \(appended signature" "modsig with another certificate: unknown-key" -- \
	"$IMA_TEST" log --list "$D.mod/bin_sha256" --pcrs "sha256,$D.mod/pcrs_sha256" --cert "$K.other.pem"
sed "s/sha256:$dm \([0-9a-f]\)/sha256:$(sha "$WORK/f3") \1/" "$T_TMP/spec.mod" >"$T_TMP/spec.modbad"
$GEN make "$D.modbad" --entries 2 --spec "$T_TMP/spec.modbad"
expect 1 "entry 2 /lib/modules/mod.ko: bad-signature \(appended signature" "modsig over another digest: bad-signature" -- \
	"$IMA_TEST" log --list "$D.modbad/bin_sha256" --pcrs "sha256,$D.modbad/pcrs_sha256" --cert "$K.pem"

# The Keylime reference.
cat >"$T_TMP/spec.ref" <<EOF
ima-sig $WORK/f1 sha256:$(sha "$WORK/f1") $sig
ima-ng $WORK/f2 sha256:$(sha "$WORK/f2")
EOF
$GEN make "$D.ref" --entries 0 --spec "$T_TMP/spec.ref"
RP=(--list "$D.ref/bin_sha256" --pcrs "sha256,$D.ref/pcrs_sha256")
# Keylime wants entry 1 in digests["boot_aggregate"]: add it, as the man page says.
addba() {
	python3 - "$1" "$("$IMA_TEST" log --print-boot-aggregate "${RP[@]}")" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
p["digests"]["boot_aggregate"] = [sys.argv[2]]
json.dump(p, open(sys.argv[1], "w"))
PY
}
addba "$T_TMP/ref.json"
expect 0 '0 findings' "--reference: every measured file has an allowed digest" -- \
	"$IMA_TEST" log "${RP[@]}" --reference "$T_TMP/ref.json"
echo changed >>"$WORK/f2"
cat >>"$T_TMP/spec.ref" <<EOF
ima-ng $WORK/f2 sha256:$(sha "$WORK/f2")
ima-ng /not/in/reference sha256:$(sha "$WORK/f3")
EOF
$GEN make "$D.ref" --entries 0 --spec "$T_TMP/spec.ref"
out=$("$IMA_TEST" log "${RP[@]}" --reference "$T_TMP/ref.json" 2>&1)
check_rc "$([ $? -eq 1 ] && echo 0 || echo 1)" "--reference: an edited file is a finding (exit 1)"
grep -q "entry 4 $WORK/f2: digest-not-allowed" <<<"$out"
check_rc $? "--reference: the edited file's entry is named" || diag "$out"
grep -q "entry 5 /not/in/reference: not-in-reference" <<<"$out"
check_rc $? "--reference: a path the reference lacks is named"
[ "$(grep -c 'digest-not-allowed\|not-in-reference' <<<"$out")" -eq 2 ]
check_rc $? "--reference: exactly those two entries"
"$IMA_TEST" audit $XU --format keylime "$WORK" -r >"$T_TMP/ref2.json" 2>/dev/null
python3 - "$T_TMP/ref2.json" <<'EOF'
import json, sys
p = json.load(open(sys.argv[1]))
p["excludes"] = ["/not/in/.*"]
json.dump(p, open(sys.argv[1], "w"))
EOF
addba "$T_TMP/ref2.json"
out=$("$IMA_TEST" log "${RP[@]}" --reference "$T_TMP/ref2.json" 2>&1)
grep -q "entry 3 $WORK/f2: digest-not-allowed" <<<"$out"
check_rc $? "re-exported reference: the old digest of f2 is now the finding" || diag "$out"
! grep -q ": entry [45] " <<<"$out"
check_rc $? "re-exported reference: f2 new digest allowed, the excluded path not reported"

# Violations.
printf 'ima-ng %s sha256:%s\nviolation /tmp/written-while-read\n' "$WORK/f3" "$(sha "$WORK/f3")" >"$T_TMP/spec.v"
$GEN make "$D.v" --entries 2 --spec "$T_TMP/spec.v"
for l in bin_sha1 ascii_sha256; do
	expect 1 'entry 3 /tmp/written-while-read: violation' "$l: a violation is a finding naming the file" -- \
		"$IMA_TEST" log --list "$D.v/$l" --pcrs "sha1,$D.v/pcrs_sha1" --pcrs "sha256,$D.v/pcrs_sha256"
	expect 0 '1 violations; 2 of 2' "$l: --ignore-violations; the replay extends 0xff for it" -- \
		"$IMA_TEST" log --ignore-violations --list "$D.v/$l" --pcrs "sha1,$D.v/pcrs_sha1" --pcrs "sha256,$D.v/pcrs_sha256"
done

# A bank the kernel could not hash: the sha1 digest, zero-padded.
printf 'padded ima-ng /padded sha256:%s\n' "$(sha "$WORK/f3")" >"$T_TMP/spec.p"
$GEN make "$D.p" --entries 2 --spec "$T_TMP/spec.p"
expect 0 '"padded_sha1":1,"replayed":1,"consistent":1' "padded SHA-1 digest in the sha256 list is accepted and replayed" -- \
	"$IMA_TEST" log --format json --list "$D.p/bin_sha256" --pcrs "sha256,$D.p/pcrs_sha256"

# Hostile lists.
mut() { $GEN mutate "$D/bin_$1" "$T_TMP/m" "$2" "$3" "$4"; }
mut sha1 20 digest 3
expect 1 "entry 3 $WORK/f2: template-digest" "changed file digest: template-digest names the entry" -- \
	"$IMA_TEST" log --list "$T_TMP/m" "${PCRS[@]}"
mut sha256 32 digest-fixed 3
expect 1 'sha256 PCR 10: no entry brings the replay' "changed digest, template digest made to agree: the replay fails" -- \
	"$IMA_TEST" log --list "$T_TMP/m" "${PCRS[@]}"
expect 1 "m: entry 3 $WORK/f2: lists-differ" "... and the sha1 list names the entry it disagrees with" -- \
	"$IMA_TEST" log --list "$T_TMP/m" --list "$D/bin_sha1" "${PCRS[@]}"
for op in remove swap; do
	mut sha1 20 $op 4
	expect 1 'sha1 PCR 10: no entry brings the replay' "$op entry 4: the replay fails" -- \
		"$IMA_TEST" log --list "$T_TMP/m" "${PCRS[@]}"
	expect 1 "entry 4 $WORK/f3: lists-differ" "$op entry 4: the sha256 list names it" -- \
		"$IMA_TEST" log --list "$D/bin_sha256" --list "$T_TMP/m" "${PCRS[@]}"
done
mut sha1 20 truncate 38
expect 1 'malformed \(entry 38: ' "truncated tail: malformed names the entry" -- \
	"$IMA_TEST" log --list "$T_TMP/m" "${PCRS[@]}"
mut sha256 32 lie 7
expect 1 'malformed \(entry 7: template data length [0-9]+ exceeds the list\)' "a lying template data length names the entry" -- \
	"$IMA_TEST" log --list "$T_TMP/m" "${PCRS[@]}"
cp "$D/pcrs_sha256" "$T_TMP/p256"
$GEN pcr "$T_TMP/p256" 10 "$(printf '%064d' 1)"
expect 1 'replay-mismatch \(sha256 PCR 10' "a PCR file that disagrees: replay-mismatch" -- \
	"$IMA_TEST" log --list "$D/bin_sha1" --pcrs "sha256,$T_TMP/p256"
cp "$D/pcrs_sha256" "$T_TMP/p256"
$GEN pcr "$T_TMP/p256" 3 "$(printf '%064d' 1)"
expect 1 'entry 1 boot_aggregate: boot-aggregate \(does not match sha256 PCRs 0-9\)' "PCR 3 changed: boot_aggregate names itself" -- \
	"$IMA_TEST" log --list "$D/bin_sha1" --pcrs "sha256,$T_TMP/p256"
sed '5s/^10 ./10 0/' "$D/ascii_sha1" >"$T_TMP/m"
cmp -s "$T_TMP/m" "$D/ascii_sha1" && sed -i '5s/^10 ./10 1/' "$T_TMP/m"
expect 1 'entry 5 /old/template: template-digest' "ascii list with a changed template digest names the entry" -- \
	"$IMA_TEST" log --list "$T_TMP/m" "${PCRS[@]}"
head -c 150 "$D/bin_sha1" >"$T_TMP/m"
expect 1 'malformed \(entry 2: ' "a list cut inside its second entry" -- \
	"$IMA_TEST" log --list "$T_TMP/m" "${PCRS[@]}"

# PCRs read before the last entries were added: the replay meets the TPM
# early (the same seed gives the same first entries).
$GEN make "$D.short" --entries 5
$GEN make "$D.long" --entries 8
expect 1 'entry 6 /usr/lib/file-4: list-continues \(sha1 PCR 10 matches the TPM at this entry; the list goes on to entry 9\)' \
	"a TPM behind the list: list-continues names the entry where they meet" -- \
	"$IMA_TEST" log --list "$D.long/bin_sha1" --pcrs "$D.short/pcrs_sha1"

# Usage and environment errors: exit 2, nothing judged.
expect 2 'cannot read' "a missing list" -- "$IMA_TEST" log --list "$T_TMP/none" "${PCRS[@]}"
expect 2 'PCR-NN' "a PCR file in another format" -- "$IMA_TEST" log --list "$D/bin_sha1" --pcrs "$D/bin_sha1"
expect 2 '--pcrs wants' "an unknown bank name" -- "$IMA_TEST" log --list "$D/bin_sha1" --pcrs "md5,$D/pcrs_sha1"
echo '{"digests": {"/a": ["00"]' >"$T_TMP/bad.json"
expect 2 'not a Keylime runtime policy' "a truncated reference policy" -- \
	"$IMA_TEST" log --list "$D/bin_sha1" "${PCRS[@]}" --reference "$T_TMP/bad.json"
echo '{"digests": {}, "excludes": ["/x(a+++)"]}' >"$T_TMP/bad.json"
expect 2 'not a Keylime runtime policy: unusable item \(an excludes expression' "stacked quantifiers in excludes are refused" -- \
	"$IMA_TEST" log --list "$D/bin_sha1" "${PCRS[@]}" --reference "$T_TMP/bad.json"
printf '{"digests": {}, "a": \033[2Jtrue}' >"$T_TMP/bad.json"
out=$("$IMA_TEST" log --list "$D/bin_sha1" "${PCRS[@]}" --reference "$T_TMP/bad.json" 2>&1)
check_rc "$([ $? -eq 2 ] && echo 0 || echo 1)" "a reference with a raw escape byte: exit 2"
grep -q "not a Keylime runtime policy: invalid token near '?' at byte 22" <<<"$out" && ! grep -q $'\033' <<<"$out"
check_rc $? "... and the message names the byte without writing the escape" || diag "$(cat -v <<<"$out")"
if [ ! -d /sys/class/tpm/tpm0 ]; then
	expect 2 'no TPM values' "no --pcrs and no TPM: cannot judge" -- "$IMA_TEST" log --list "$D/bin_sha1"
else
	ok "# SKIP this host has a TPM"
fi
expect 0 'Usage: ima-test log' "--help" -- "$IMA_TEST" log --help
finish
