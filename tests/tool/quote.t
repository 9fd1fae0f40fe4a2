#!/bin/bash
# ima-test log --quote against a software TPM (swtpm) driven by tpm2-tools:
# the list's template digests are extended into PCR 10, tpm2_quote quotes
# it, and ima-test verifies the quote and replays the list against the
# quoted values.  Then hostile quotes: an old quote, a wrong nonce, PCR
# values edited after the quote, bad signatures, a selection without PCR
# 10, truncated and garbage structures, and a key that is not an AK.
. "$(dirname "$0")/lib.sh"

[ -x "$IMA_TEST" ] || skip_all "$IMA_TEST not built"
for t in swtpm swtpm_setup tpm2_quote tpm2_createak python3; do
	command -v $t >/dev/null || skip_all "$t not installed (scripts/install-deps.sh)"
done
GEN="python3 $(dirname "$0")/loggen.py"
setup_work
plan 38

# A TPM on a unix socket in T_TMP: the swtpm TCTI wants PATH and PATH.ctrl.
Q=$T_TMP/q
mkdir -p "$Q/state"
swtpm_setup --tpm2 --tpmstate "$Q/state" --pcr-banks sha1,sha256 >"$Q/setup.log" 2>&1 ||
	bail "swtpm_setup failed: $(cat "$Q/setup.log")"
swtpm socket --tpm2 --tpmstate dir="$Q/state" --flags startup-clear \
	--server type=unixio,path="$Q/tpm" --ctrl type=unixio,path="$Q/tpm.ctrl" >"$Q/swtpm.log" 2>&1 &
tpmpid=$!
trap 'kill $tpmpid 2>/dev/null; wait $tpmpid 2>/dev/null; cleanup' EXIT
for _ in $(seq 50); do [ -S "$Q/tpm" ] && [ -S "$Q/tpm.ctrl" ] && break; sleep 0.1; done
export TPM2TOOLS_TCTI="swtpm:path=$Q/tpm"
tpm() {		# tpm2_* quietly, then flush transient objects (no resource manager)
	"$@" >"$Q/last.log" 2>&1 || bail "$* failed: $(cat "$Q/last.log")"
	tpm2_flushcontext -t >/dev/null 2>&1
}
tpm tpm2_pcrread sha256:10

# A list of 20 entries; its first 15 and then the rest are extended.
L=$T_TMP/list
$GEN make "$L" --entries 19 >/dev/null
paste -d' ' <(cut -d' ' -f1,2 "$L/ascii_sha1") <(cut -d' ' -f2 "$L/ascii_sha256") >"$Q/extend"
extend() {	# extend FIRST LAST (1-based entries of the list)
	sed -n "$1,$2p" "$Q/extend" | while read -r pcr d1 d256; do
		tpm2_pcrextend "$pcr:sha1=$d1,sha256=$d256" || exit 1
	done
}
extend 1 15 || bail "tpm2_pcrextend failed"

tpm tpm2_createek -c "$Q/ek.ctx" -G rsa -u "$Q/ek.pub"
mkak() {	# mkak NAME ALG SCHEME HASH: NAME.ctx, NAME.tss (TPM2B_PUBLIC), NAME.pem
	tpm tpm2_createak -C "$Q/ek.ctx" -c "$Q/$1.ctx" -G "$2" -s "$3" -g "$4" -u "$Q/$1.tss"
	tpm tpm2_readpublic -c "$Q/$1.ctx" -f pem -o "$Q/$1.pem"
}
mkak rsa rsa rsassa sha256
quote() {	# quote AK NAME NONCE PCRS [tpm2_quote options]
	local ak=$1 n=$2 nonce=$3 pcrs=$4
	shift 4
	tpm tpm2_quote -c "$Q/$ak.ctx" -l "$pcrs" -q "$nonce" -m "$Q/$n.msg" -s "$Q/$n.sig" \
		-o "$Q/$n.pcrs" "$@"
}
OLD=$(openssl rand -hex 20)
quote rsa old "$OLD" sha1:10+sha256:10 -g sha256
extend 16 20 || bail "tpm2_pcrextend failed"
NONCE=$(openssl rand -hex 20)
quote rsa q "$NONCE" sha1:10+sha256:10 -g sha256

# qexpect STATUS DESC REGEX... -- COMMAND: expect() with every REGEX matching a line.
qexpect() {
	local want=$1 desc=$2 out rc re miss=
	local res=()
	shift 2
	while [ "$1" != -- ]; do res+=("$1"); shift; done
	shift
	out=$("$@" 2>&1)
	rc=$?
	for re in "${res[@]}"; do grep -Eq -- "$re" <<<"$out" || miss+=" /$re/"; done
	grep -Eq 'ERROR: AddressSanitizer|runtime error:|LeakSanitizer' <<<"$out" && miss+=" (sanitizer)"
	if [ "$rc" -eq "$want" ] && [ -z "$miss" ]; then
		ok "$desc"
	else
		not_ok "$desc"
		diag "exit $rc (want $want), missing:$miss; output:"
		diag "$out"
	fi
}
# The swtpm here has no firmware measurements in PCRs 0-9 and the quotes
# cover PCR 10 only, so boot_aggregate cannot be checked: a finding unless
# --allow-unverified accepts it (log-failclosed.t tests that part).
log() {		# log QUOTE NONCE AK [options]: ima-test log of the whole list
	local n=$1 nonce=$2 ak=$3
	shift 3
	"$IMA_TEST" log --list "$L/bin_sha256" --quote "$Q/$n.msg" --quote-sig "$Q/$n.sig" \
		--ak "$ak" --nonce "$nonce" --quote-pcrs "$Q/$n.pcrs" --allow-unverified "$@"
}
qexpect 0 "RSASSA quote, AK as PEM: verified, both banks replay" \
	'pcr-values-quoted \(quote of sha1 PCR 10; sha256 PCR 10; signed by the attestation key;' \
	'2 of 2 PCR replays consistent' -- log q "$NONCE" "$Q/rsa.pem"
qexpect 0 "the same AK as TPM2B_PUBLIC: its attributes checked too" \
	'signed by the attestation key \(a restricted signing key\)' '2 of 2 PCR replays consistent' -- \
	log q "$NONCE" "$Q/rsa.tss"
out=$(log q "$NONCE" "$Q/rsa.pem" --format json)
python3 -c 'import json,sys
l=[json.loads(x) for x in sys.stdin]
assert l[0]["status"]=="pcr-values-quoted" and l[-1]["summary"]["consistent"]==2' <<<"$out"
check_rc $? "JSON: the first line says the values were quoted, the summary follows"
expect 0 'pcr-values-read \(not quoted' "--pcrs: the output says the values were merely read" -- \
	"$IMA_TEST" log --list "$L/bin_sha256" --pcrs "sha256,$L/pcrs_sha256"

mkak ecc ecc ecdsa sha256
N2=$(openssl rand -hex 8)
quote ecc e "$N2" sha256:10 -g sha256 -F values
qexpect 0 "ECDSA P-256 quote, -F values PCR file" 'pcr-values-quoted' \
	'1 of 1 PCR replays consistent' -- log e "$N2" "$Q/ecc.tss"
mkak p384 ecc384 ecdsa sha384
quote p384 e384 "$N2" sha256:10 -g sha384
qexpect 0 "ECDSA P-384 quote over sha384" 'pcr-values-quoted.*sha384 pcrDigest' \
	'1 of 1 PCR replays consistent' -- log e384 "$N2" "$Q/p384.pem"
mkak pss rsa rsapss sha256
quote pss p "$N2" sha1:10 -g sha256 --scheme rsapss
qexpect 0 "RSAPSS quote" 'pcr-values-quoted' '1 of 1 PCR replays consistent' -- log p "$N2" "$Q/pss.tss"

# Replays and nonces.
expect 1 'quote-nonce \(the quote.s extraData is not the --nonce given' \
	"an old quote replayed for a new nonce: quote-nonce" -- log old "$NONCE" "$Q/rsa.pem"
expect 1 'list-continues' "the old quote with its own nonce: the list goes past the quoted PCR" -- \
	log old "$OLD" "$Q/rsa.pem"
expect 1 'quote-nonce' "a nonce one bit off: quote-nonce" -- \
	log q "${NONCE:0:39}$(printf '%x' $(( 0x${NONCE:39:1} ^ 1 )))" "$Q/rsa.pem"
expect 1 'quote-nonce' "a nonce that is a prefix of the quoted one: quote-nonce" -- \
	log q "${NONCE:0:32}" "$Q/rsa.pem"

# Edits.  ed FILE OFFSET: flip one byte (negative: from the end); cut
# FILE N: drop the last N bytes; app FILE HEX: append bytes.
ed() { python3 -c 'import sys
p,o=sys.argv[1],int(sys.argv[2],0); b=bytearray(open(p,"rb").read()); b[o]^=1; open(p,"wb").write(b)' "$@"; }
cut_() { python3 -c 'import sys
p,n=sys.argv[1],int(sys.argv[2]); b=open(p,"rb").read(); open(p,"wb").write(b[:len(b)-n])' "$@"; }
cp_q() { for f in msg sig pcrs; do cp "$Q/$1.$f" "$Q/$2.$f"; done; }
# The nonce sits after magic, type and the 34-byte qualifiedSigner.
cp_q q x; python3 -c 'import sys
p=sys.argv[1]; b=bytearray(open(p,"rb").read()); assert b[42:44]==bytes([0,20]); b[44:64]=bytes.fromhex(sys.argv[2]); open(p,"wb").write(b)' \
	"$Q/x.msg" "$OLD"
expect 1 'quote-signature' "the old quote with the new nonce written into it: quote-signature" -- \
	log x "$OLD" "$Q/rsa.pem"
cp_q q x; python3 -c 'import sys,struct
p=sys.argv[1]; b=open(p,"rb").read(); open(p,"wb").write(struct.pack(">H",len(b))+b)' "$Q/x.msg"
expect 0 '2 of 2 PCR replays consistent' "the quote as a TPM2B_ATTEST (its size first) verifies too" -- \
	log x "$NONCE" "$Q/rsa.pem"
cp_q q x; ed "$Q/x.pcrs" 0x8e
expect 1 'quote-pcr-digest \(the PCR values given are not the ones quoted' \
	"a sha1 PCR value edited after the quote: quote-pcr-digest" -- log x "$NONCE" "$Q/rsa.pem"
cp_q q x; cp "$Q/old.pcrs" "$Q/x.pcrs"
expect 1 'quote-pcr-digest' "the PCR file of the old quote with the new quote: quote-pcr-digest" -- \
	log x "$NONCE" "$Q/rsa.pem"
cp_q e x; ed "$Q/x.pcrs" -1
expect 1 'quote-pcr-digest' "a value edited in a -F values PCR file: quote-pcr-digest" -- \
	log x "$N2" "$Q/ecc.pem"
cp_q q x; ed "$Q/x.msg" -1
expect 1 'quote-signature \(the RSASSA/sha256 signature does not verify' \
	"the quote's pcrDigest edited: quote-signature" -- log x "$NONCE" "$Q/rsa.pem"
cp_q q x; ed "$Q/x.sig" -1
expect 1 'quote-signature' "one bit of the RSA signature flipped: quote-signature" -- \
	log x "$NONCE" "$Q/rsa.pem"
cp_q e x; ed "$Q/x.sig" 10
expect 1 'quote-signature' "one bit of ECDSA r flipped: quote-signature" -- log x "$N2" "$Q/ecc.pem"
mkak rsa2 rsa rsassa sha256
expect 1 'quote-signature' "another AK of the same TPM: quote-signature" -- log q "$NONCE" "$Q/rsa2.pem"
expect 1 'quote-signature \(a ECDSA signature cannot come from this RSA key' \
	"an ECDSA quote checked with an RSA AK: quote-signature" -- log e "$N2" "$Q/rsa.pem"
cp_q q x; cp "$Q/e.sig" "$Q/x.sig"
expect 1 'quote-signature' "another quote's signature: quote-signature" -- log x "$NONCE" "$Q/ecc.pem"

# Selections.
quote rsa s11 "$NONCE" sha1:11+sha256:0,11 -g sha256
expect 1 'quote-pcr-selection \(the list extends PCR 10, which the quote does not select in any bank \(it selects sha1 PCR 11; sha256 PCRs 0,11\)' \
	"a quote without PCR 10: quote-pcr-selection" -- log s11 "$NONCE" "$Q/rsa.pem"
quote rsa s23 "$NONCE" sha256:0,1,2,3,4,5,6,7,8,9,10,23 -g sha256
qexpect 1 "a quote of sha256 PCRs 0-10: boot_aggregate is checked against the quoted PCRs 0-9" \
	'boot-aggregate \(does not match sha256 PCRs 0-9\)' '1 of 1 PCR replays consistent' -- \
	log s23 "$NONCE" "$Q/rsa.pem"
cp_q s23 x; ed "$Q/x.pcrs" 0x88
expect 1 'quote-pcr-digest \(PCR values \(serialized\): a list of 9 digests \(at most 8\)' \
	"the serialized file's value count edited: quote-pcr-digest" -- log x "$NONCE" "$Q/rsa.pem"

# Truncated, padded and garbage structures.
cp_q q x; cut_ "$Q/x.msg" 1
expect 1 'quote-malformed \(TPMS_ATTEST: pcrDigest is truncated' "quote cut by a byte: quote-malformed" -- \
	log x "$NONCE" "$Q/rsa.pem"
cp_q q x; printf '\0' >>"$Q/x.msg"
expect 1 'quote-malformed \(TPMS_ATTEST: 1 bytes after the end' "a byte after the quote: quote-malformed" -- \
	log x "$NONCE" "$Q/rsa.pem"
cp_q q x; head -c 135 /dev/urandom >"$Q/x.msg"
expect 1 'quote-malformed \(TPMS_ATTEST: magic' "random bytes as the quote: quote-malformed" -- \
	log x "$NONCE" "$Q/rsa.pem"
cp_q q x; : >"$Q/x.msg"
expect 1 'quote-malformed' "an empty quote: quote-malformed" -- log x "$NONCE" "$Q/rsa.pem"
cp_q q x; cut_ "$Q/x.sig" 1
expect 1 'quote-malformed \(TPMT_SIGNATURE: RSA signature is truncated' "signature cut by a byte: quote-malformed" -- \
	log x "$NONCE" "$Q/rsa.pem"
cp_q q x; printf '\x00\x05\x00\x0b\x00\x00' >"$Q/x.sig"
expect 1 'quote-malformed \(TPMT_SIGNATURE: scheme 0x0005' "an HMAC signature: quote-malformed" -- \
	log x "$NONCE" "$Q/rsa.pem"
cp_q q x; cut_ "$Q/x.pcrs" 100
expect 1 'quote-pcr-digest \(PCR values: 568 bytes' "PCR file cut short: quote-pcr-digest" -- \
	log x "$NONCE" "$Q/rsa.pem"

# The command line and the AK.
expect 2 'go together' "--quote without --nonce is a usage error" -- \
	"$IMA_TEST" log --list "$L/bin_sha256" --quote "$Q/q.msg" --quote-sig "$Q/q.sig" \
	--ak "$Q/rsa.pem" --quote-pcrs "$Q/q.pcrs"
expect 2 'not both' "--quote with --pcrs is a usage error" -- \
	log q "$NONCE" "$Q/rsa.pem" --pcrs "sha256,$L/pcrs_sha256"
expect 2 'nonce wants 8 to 64 bytes' "a 4-byte nonce is a usage error" -- log q 00112233 "$Q/rsa.pem"
expect 2 'not a PEM or DER public key' "an AK file that is no key: exit 2" -- log q "$NONCE" "$Q/q.sig"
# A signing key that is not restricted signs anything, a forged
# TPMS_ATTEST too: as TPM2B_PUBLIC it is refused.
tpm tpm2_createprimary -C o -c "$Q/prim.ctx"
tpm tpm2_create -C "$Q/prim.ctx" -G rsa -u "$Q/sign.tss" -r "$Q/sign.priv" \
	-a 'fixedtpm|fixedparent|sensitivedataorigin|userwithauth|sign'
expect 2 'not a restricted signing key' "TPM2B_PUBLIC of an unrestricted signing key: exit 2" -- \
	log q "$NONCE" "$Q/sign.tss"
expect 0 '2 of 2 PCR replays consistent' "the quote still verifies after all that" -- log q "$NONCE" "$Q/rsa.tss"
