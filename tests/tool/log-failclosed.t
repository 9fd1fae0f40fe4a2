#!/bin/bash
# ima-test log fails closed (issue 22): each forgery that passed before is
# a finding now, and a check that cannot evaluate an entry is one too.
# The lists come from tests/tool/loggen.py.
. "$(dirname "$0")/lib.sh"

[ -x "$IMA_TEST" ] || skip_all "$IMA_TEST not built"
command -v python3 >/dev/null || skip_all "python3 not installed"
GEN="python3 $(dirname "$0")/loggen.py"
setup_work
plan 44

sha() { sha256sum "$1" | cut -d' ' -f1; }
hexof() { od -An -v -tx1 "$1" | tr -d ' \n'; }
for i in 1 2 3; do echo "content $i" >"$WORK/f$i"; done
D=$T_TMP/l
# lg DIR ARGS...: ima-test log ARGS with DIR's PCR files for both banks.
lg() {
	local d=$1
	shift
	"$IMA_TEST" log "$@" --pcrs "sha1,$d/pcrs_sha1" --pcrs "sha256,$d/pcrs_sha256"
}
pcr_of() { sed -n "s/^PCR-$(printf %02d "$2"): //p" "$1"; }
agg_of() { sed -n '1s/.*sha256:\([0-9a-f]*\) boot_aggregate$/\1/p' "$1/ascii_sha256"; }

# mkref OUT [python assignments to p]: a Keylime runtime policy whose
# digests allow f1-f3 and the boot_aggregate of list $1.
mkref() {
	local out=$1 list=$2
	shift 2
	python3 - "$out" "$(agg_of "$list")" "$WORK" "$@" <<'PY'
import hashlib, json, sys
out, ba, work = sys.argv[1:4]
p = {"meta": {"version": 1, "generator": 3}, "release": 0, "digests": {"boot_aggregate": [ba]},
     "excludes": [], "keyrings": {}, "ima": {"ignored_keyrings": [], "log_hash_alg": "sha1",
     "dm_policy": None}, "ima-buf": {}, "verification-keys": ""}
for i in (1, 2, 3):
    f = "%s/f%d" % (work, i)
    p["digests"][f] = [hashlib.sha256(open(f, "rb").read()).hexdigest()]
for a in sys.argv[4:]:
    exec(a)
json.dump(p, open(out, "w"))
PY
}

# 1. The IMA PCR is required.
$GEN make "$D.honest" --entries 0
$GEN make "$D.23" --entries 3 --pcr 23
for b in sha1 sha256; do
	$GEN pcr "$D.23/pcrs_$b" 10 "$(pcr_of "$D.honest/pcrs_$b" 10)"
done
expect 1 'no-boot-aggregate \(the list must start with a boot_aggregate entry in the IMA PCR 10; entry 1 is in PCR 23' \
	"every entry in PCR 23: entry 1 is not boot_aggregate in the IMA PCR" -- \
	lg "$D.23" --list "$D.23/bin_sha256"
expect 1 'replay-mismatch \(sha256 PCR 10, the IMA PCR: the TPM holds measurements the list has no entry for' \
	"every entry in PCR 23: the TPM's PCR 10 is not what the list replays to" -- \
	lg "$D.23" --list "$D.23/bin_sha256"
$GEN make "$D.noagg" --entries 3 --no-boot-aggregate
expect 1 'entry 1 /usr/lib/file-0: no-boot-aggregate' "a list without boot_aggregate" -- \
	lg "$D.noagg" --list "$D.noagg/ascii_sha1"
$GEN make "$D.11" --entries 3 --pcr 11
expect 0 '2 of 2 PCR replays consistent' "--ima-pcr 11: a kernel measuring into PCR 11" -- \
	lg "$D.11" --ima-pcr 11 --list "$D.11/bin_sha1"
expect 1 'no-boot-aggregate' "... which is a finding with the default IMA PCR 10" -- \
	lg "$D.11" --list "$D.11/bin_sha1"
expect 2 '--ima-pcr wants 8-14' "--ima-pcr 15 is refused" -- \
	lg "$D.11" --ima-pcr 15 --list "$D.11/bin_sha1"
printf 'pcr 11 ima-ng /other/pcr sha256:%s\n' "$(sha "$WORK/f1")" >"$T_TMP/spec.11"
$GEN make "$D.p11" --entries 2 --spec "$T_TMP/spec.11"
cp -r "$D.p11" "$D.no10"
$GEN drop "$D.no10/pcrs_sha1" 10
$GEN drop "$D.no10/pcrs_sha256" 10
expect 1 'no-tpm-value \(PCR 10 has no TPM value in any bank: 3 entries from this one are not checked against the TPM \(the IMA PCR must have one\)' \
	"the IMA PCR without a TPM value, even with --allow-unverified" -- \
	lg "$D.no10" --allow-unverified --list "$D.no10/bin_sha256"

# 6. Exit 0 means every entry was checked against the TPM.
cp -r "$D.p11" "$D.no11"
$GEN drop "$D.no11/pcrs_sha1" 11
$GEN drop "$D.no11/pcrs_sha256" 11
expect 1 'entry 2 /other/pcr: no-tpm-value \(PCR 11 has no TPM value in any bank' \
	"an entry in a PCR without a TPM value is a finding" -- \
	lg "$D.no11" --list "$D.no11/bin_sha256"
expect 1 '"cannot_check":1,' "... counted as cannot-check in the JSON summary" -- \
	lg "$D.no11" --format json --list "$D.no11/bin_sha256"
expect 0 'entry 2 /other/pcr: unverified \(PCR 11 .* accepted by --allow-unverified\)' \
	"--allow-unverified accepts it, and says so" -- \
	lg "$D.no11" --allow-unverified --list "$D.no11/bin_sha256"
expect 0 '1 accepted' "... and counts it as accepted, not ok" -- \
	lg "$D.no11" --allow-unverified --list "$D.no11/bin_sha256"
cp -r "$D.honest" "$D.no3"
$GEN drop "$D.no3/pcrs_sha256" 3
expect 1 'entry 1 boot_aggregate: boot-aggregate-unverified \(no sha256 PCRs 0-9' \
	"a boot_aggregate that cannot be checked is a finding" -- \
	lg "$D.no3" --list "$D.no3/bin_sha256"
expect 0 'entry 1 boot_aggregate: unverified \(.*accepted by --allow-unverified' \
	"... accepted by --allow-unverified, which says so" -- \
	lg "$D.no3" --allow-unverified --list "$D.no3/bin_sha256"

# 2. boot_aggregate: entry 1 only, and as Keylime judges it.
mkref "$T_TMP/noba.json" "$D.honest" 'del p["digests"]["boot_aggregate"]'
expect 1 'entry 1 boot_aggregate: boot-aggregate-not-in-reference' \
	"a reference without digests[boot_aggregate]: Keylime's finding" -- \
	lg "$D.honest" --list "$D.honest/bin_sha256" --reference "$T_TMP/noba.json"
ba=$(lg "$D.honest" --print-boot-aggregate --list "$D.honest/bin_sha1")
[ -n "$ba" ] && [ "$ba" = "$(agg_of "$D.honest")" ]
check_rc $? "--print-boot-aggregate prints entry 1's digest"
cp -r "$D.honest" "$D.bad3"
$GEN pcr "$D.bad3/pcrs_sha256" 3 "$(printf '%064d' 1)"
expect 1 'no boot_aggregate printed' "--print-boot-aggregate refuses a list that does not check out" -- \
	lg "$D.bad3" --print-boot-aggregate --list "$D.bad3/bin_sha1"
printf 'ima-ng %s sha256:%s\nima-ng boot_aggregate sha256:%s\n' "$WORK/f1" "$(sha "$WORK/f1")" \
	"$(sha "$WORK/f3")" >"$T_TMP/spec.ba"
$GEN make "$D.ba" --entries 0 --spec "$T_TMP/spec.ba"
mkref "$T_TMP/ba.json" "$D.ba"
out=$(lg "$D.ba" --list "$D.ba/bin_sha256" --reference "$T_TMP/ba.json" 2>&1)
check_rc "$([ $? -eq 1 ] && echo 0 || echo 1)" "a later entry named boot_aggregate is a file the reference must allow" ||
	diag "$out"
grep -q 'entry 3 boot_aggregate: digest-not-allowed' <<<"$out"
check_rc $? "... named as Keylime names it (digest-not-allowed)"
! grep -q 'entry 1 boot_aggregate: .*reference' <<<"$out"
check_rc $? "... while entry 1 is allowed"

# 3. Every template the kernel logs is checked, or is a finding.
K=$T_TMP/k
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$K.key" 2>/dev/null
openssl req -x509 -new -key "$K.key" -out "$K.pem" -days 30 -subj "/CN=log" \
	-addext subjectKeyIdentifier=hash 2>/dev/null
"$IMA_TEST" sign $XU --key "$K.key" --cert "$K.pem" "$WORK/f1" >/dev/null
sig=$(xhex "$WORK/f1")
bad=${sig:0:-2}$(printf '%02x' $(( (0x${sig: -2} + 1) % 256 )))
cat >"$T_TMP/spec.t" <<EOF
ima-ngv2 $WORK/f2 ima:sha256:$(sha "$WORK/f2")
ima-sigv2 $WORK/f1 ima:sha256:$(sha "$WORK/f1") $sig
evm-sig $WORK/f3 sha256:$(sha "$WORK/f3") - security.ima|security.evm 0200000003000000 aabbccddeeff 0 0 33188
EOF
$GEN make "$D.t" --entries 0 --spec "$T_TMP/spec.t"
for l in bin_sha1 ascii_sha256; do
	expect 0 '2 of 2 PCR replays consistent' "$l: ima-ngv2, ima-sigv2 and evm-sig entries parse and replay" -- \
		lg "$D.t" --list "$D.t/$l"
done
mkref "$T_TMP/t.json" "$D.t"
expect 0 '0 findings' "--reference and --cert: each of them checked and allowed" -- \
	lg "$D.t" --list "$D.t/ascii_sha1" --reference "$T_TMP/t.json" --cert "$K.pem"
echo changed >"$WORK/other"
cat >"$T_TMP/spec.t2" <<EOF
ima-ngv2 $WORK/other ima:sha256:$(sha "$WORK/other")
ima-sigv2 $WORK/f1 ima:sha256:$(sha "$WORK/f1") $bad
ima-ngv2 $WORK/f2 verity:sha256:$(sha "$WORK/f2")
evm-sig $WORK/f3 sha256:$(sha "$WORK/f3") 050204aabbccdd0002beef - - - 0 0 33188
ima-sigv2 $WORK/f1 ima:sha256:$(sha "$WORK/f1") 030302aabbccdd0002beef
my-template $WORK/f2 sha256:$(sha "$WORK/f2")
ima-sig $WORK/f3 sha256:$(sha "$WORK/f3") 050204aabbccdd0002beef
EOF
$GEN make "$D.t2" --entries 0 --spec "$T_TMP/spec.t2"
mkref "$T_TMP/t2.json" "$D.t2"
out=$(lg "$D.t2" --list "$D.t2/bin_sha256" --reference "$T_TMP/t2.json" --cert "$K.pem" 2>&1)
check_rc "$([ $? -eq 1 ] && echo 0 || echo 1)" "forged entries of the newer templates: exit 1" || diag "$out"
for want in "entry 2 $WORK/other: not-in-reference" "entry 3 $WORK/f1: bad-signature" \
	"entry 4 $WORK/f2: verity-digest" "entry 5 $WORK/f3: unchecked-signature \(the EVM portable" \
	"entry 6 $WORK/f1: bad-signature \(signature field: unsupported signature version 3" \
	"entry 7 \(no name\): unchecked-template \(template my-template: no name or digest" \
	"entry 7 \(no name\): unchecked-template \(template my-template: its fields are not known" \
	"entry 8 $WORK/f3: unchecked-signature \(the sig field holds the file's EVM portable"; do
	grep -Eq "$want" <<<"$out"
	check_rc $? "${want#entry }" || diag "$out"
done

# 4. Every list given counts.
printf 'ima-ng %s sha256:%s\nviolation /tmp/written-while-read\n' "$WORK/f1" "$(sha "$WORK/f1")" >"$T_TMP/spec.v"
$GEN make "$D.v" --entries 2 --spec "$T_TMP/spec.v"
$GEN mutate "$D.v/bin_sha1" "$T_TMP/v1" 20 unviolate 3
expect 1 'entry 3 /tmp/written-while-read: lists-differ \(entry 3 of .*v/bin_sha256 is /tmp/written-while-read, and only one of them is a violation' \
	"an edited sha1 list that hides a violation: lists-differ" -- \
	"$IMA_TEST" log --list "$T_TMP/v1" --list "$D.v/bin_sha256" --pcrs "sha256,$D.v/pcrs_sha256"
expect 1 'bin_sha256: entry 3 /tmp/written-while-read: violation' \
	"... and the violation the second list shows is a finding" -- \
	"$IMA_TEST" log --list "$T_TMP/v1" --list "$D.v/bin_sha256" --pcrs "sha256,$D.v/pcrs_sha256"
expect 1 'lists-differ' "... also with --ignore-violations" -- \
	"$IMA_TEST" log --ignore-violations --list "$T_TMP/v1" --list "$D.v/bin_sha256" \
	--pcrs "sha256,$D.v/pcrs_sha256"

# 5. Names are never cut.
long=$WORK/$(printf 'd%.0s' $(seq 1100))/evil
printf 'ima-ng %s sha256:%s\n' "$long" "$(sha "$WORK/f1")" >"$T_TMP/spec.n"
$GEN make "$D.n" --entries 0 --spec "$T_TMP/spec.n"
mkref "$T_TMP/n.json" "$D.n" "p['excludes'] = ['$WORK/d+\$']"
expect 1 "entry 2 $long: not-in-reference" \
	"a 1100-byte name: the exclude ending in \$ does not match it, and the whole name is shown" -- \
	lg "$D.n" --list "$D.n/bin_sha256" --reference "$T_TMP/n.json"
expect 1 "\"path\":\"$long\"" "... also in JSON" -- \
	lg "$D.n" --format json --list "$D.n/ascii_sha256" --reference "$T_TMP/n.json"
printf 'ima-ng /%s sha256:%s\n' "$(printf 'x%.0s' $(seq 4100))" "$(sha "$WORK/f1")" >"$T_TMP/spec.n2"
$GEN make "$D.n2" --entries 0 --spec "$T_TMP/spec.n2"
expect 1 'malformed \(entry 2: name of 4101 bytes is longer than PATH_MAX' \
	"a name longer than PATH_MAX is malformed" -- \
	lg "$D.n2" --list "$D.n2/bin_sha256"

# boot\0aggregate, the only entry; the sha256 PCR 10 made to agree with it
$GEN mutate "$D.honest/bin_sha256" "$T_TMP/nul" 32 nulname 1
cp "$D.honest/pcrs_sha256" "$T_TMP/nulpcrs"
$GEN pcr "$T_TMP/nulpcrs" 10 "$(python3 -c 'import hashlib, sys
d = open(sys.argv[1], "rb").read()[4:36]
print(hashlib.sha256(bytes(32) + d).hexdigest())' "$T_TMP/nul")"
expect 1 'malformed \(entry 1: name field is not one NUL-terminated string' \
	"a NUL inside a name: malformed, not a name cut short" -- \
	"$IMA_TEST" log --list "$T_TMP/nul" --pcrs "sha256,$T_TMP/nulpcrs"

# 7. Key loads and buffers, as Keylime checks them.
openssl x509 -in "$K.pem" -outform DER -out "$T_TMP/k.der"
kd=$(sha "$T_TMP/k.der")
printf 'kexec' >"$T_TMP/cmd"
cat >"$T_TMP/spec.k" <<EOF
ima-buf _ima sha256:$kd $(hexof "$T_TMP/k.der")
ima-buf kexec-cmdline sha256:$(sha "$T_TMP/cmd") $(hexof "$T_TMP/cmd")
EOF
$GEN make "$D.k" --entries 0 --spec "$T_TMP/spec.k"
mkref "$T_TMP/k.json" "$D.k" "p['keyrings']['_ima'] = ['$kd']" \
	"p['ima-buf']['kexec-cmdline'] = ['$(sha "$T_TMP/cmd")']"
expect 0 '0 findings' "a key in keyrings and a buffer in ima-buf: allowed" -- \
	lg "$D.k" --list "$D.k/bin_sha256" --reference "$T_TMP/k.json"
mkref "$T_TMP/k2.json" "$D.k" "p['ima-buf']['_ima'] = ['$kd']"
out=$(lg "$D.k" --list "$D.k/bin_sha256" --reference "$T_TMP/k2.json" 2>&1)
grep -q 'entry 2 _ima: not-in-reference (sha256:[0-9a-f]*; the reference has no such keyring in "keyrings")' <<<"$out"
check_rc $? "a key load is checked against keyrings, not ima-buf" || diag "$out"
grep -q 'entry 3 kexec-cmdline: not-in-reference (sha256:[0-9a-f]*; the reference has no such buffer name in "ima-buf")' <<<"$out"
check_rc $? "another buffer is checked against ima-buf" || diag "$out"
mkref "$T_TMP/k3.json" "$D.k" "p['ima']['ignored_keyrings'] = ['_ima']" \
	"p['ima-buf']['kexec-cmdline'] = ['$(sha "$T_TMP/cmd")']"
expect 0 '0 findings' "ignored_keyrings: the key load is not checked, as in Keylime" -- \
	lg "$D.k" --list "$D.k/ascii_sha256" --reference "$T_TMP/k3.json"
mkref "$T_TMP/k4.json" "$D.k" "p['keyrings']['_ima'] = ['00']" \
	"p['ima-buf']['kexec-cmdline'] = ['$(sha "$T_TMP/cmd")']"
expect 1 'entry 2 _ima: digest-not-allowed' "a key the reference's keyring does not list" -- \
	lg "$D.k" --list "$D.k/bin_sha1" --reference "$T_TMP/k4.json"

# Keylime rejects entries outside the IMA PCR.
mkref "$T_TMP/p11.json" "$D.p11"
expect 1 'entry 2 /other/pcr: not-ima-pcr' "--reference: an entry in PCR 11 is Keylime's finding" -- \
	lg "$D.p11" --list "$D.p11/bin_sha1" --reference "$T_TMP/p11.json"
finish
