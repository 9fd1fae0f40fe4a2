#!/bin/bash
# Keys the kernel cannot check IMA signatures with: RSA other than 1024,
# 2048, 3072 or 4096 bits, EC off the NIST curves P-192/P-256/P-384/P-521,
# other key types.  sign refuses them (exit 2, nothing written); verify
# and audit never call a signature by such a key ok.
. "$(dirname "$0")/lib.sh"

[ -x "$IMA_TEST" ] || skip_all "$IMA_TEST not built"
command -v evmctl >/dev/null || skip_all "evmctl not installed (Debian package ima-evm-utils)"
setup_work
T=$IMA_TEST
XE=()
[ -n "$XU" ] && XE=(--xattr-user)
K=$T_TMP/keys; mkdir -p "$K"
gen() {	# NAME ALGO OPTS
	openssl genpkey -algorithm "$2" -pkeyopt "$3" -out "$K/$1.key" 2>/dev/null &&
	openssl req -x509 -new -key "$K/$1.key" -out "$K/$1.pem" -days 3 -subj "/CN=ima-test $1" \
		-addext subjectKeyIdentifier=hash 2>/dev/null
}
BAD="rsa1536:RSA:rsa_keygen_bits:1536 rsa2056:RSA:rsa_keygen_bits:2056 rsa512:RSA:rsa_keygen_bits:512
     k256:EC:ec_paramgen_curve:secp256k1 bp256:EC:ec_paramgen_curve:brainpoolP256r1"
GOOD="rsa1024:RSA:rsa_keygen_bits:1024 p192:EC:ec_paramgen_curve:P-192 p521:EC:ec_paramgen_curve:P-521"
for s in $BAD $GOOD; do
	IFS=: read -r n a o v <<<"$s"
	gen "$n" "$a" "$o:$v" || skip_all "openssl cannot make a $n key"
done
plan $((5 * 3 + 3 * 2 + 2))

f=$WORK/prog; echo 'payload' >"$f"
for s in $BAD; do
	n=${s%%:*}
	setfattr -x "$XNAME" "$f" 2>/dev/null
	expect 2 "$n.key: (RSA key of [0-9]+ bits|EC key on curve [a-zA-Z0-9]+): the kernel takes" "sign refuses a $n key" -- \
		"$T" sign $XU --key "$K/$n.key" "$f"
	[ -z "$(xhex "$f")" ]
	check_rc $? "$n: nothing written"
	# a signature made elsewhere (evmctl) with that key
	evmctl ima_sign "${XE[@]}" --key "$K/$n.key" -a sha256 "$f" >/dev/null 2>&1
	expect 1 "unsupported-algorithm \\(.*$n.pem: .*the kernel takes" "verify: a $n signature is a finding, not ok" -- \
		"$T" verify $XU --cert "$K/$n.pem" "$f"
done
for s in $GOOD; do
	n=${s%%:*}
	setfattr -x "$XNAME" "$f" 2>/dev/null
	expect 0 "" "sign takes a $n key" -- "$T" sign $XU --key "$K/$n.key" "$f"
	expect 0 ": ok$" "verify: a $n signature is ok" -- "$T" verify $XU --cert "$K/$n.pem" "$f"
done
# Linux 6.12's X.509 parser refuses a subject key identifier of 128 bytes or
# more (it wants a short-form length): such a certificate never loads.
openssl req -x509 -new -key "$K/rsa1024.key" -out "$K/bigski.pem" -days 3 -subj "/CN=ima-test bigski" \
	-addext subjectKeyIdentifier="$(printf 'ab%.0s' $(seq 1 128))" 2>/dev/null
expect 2 "refused: subject key identifier of 128 bytes: the kernel refuses the certificate" \
	"sign --cert with a 128-byte SKI: refused" -- "$T" sign $XU --key "$K/rsa1024.key" --cert "$K/bigski.pem" "$f"
"$T" sign $XU --key "$K/rsa1024.key" --keyid abababab "$f" >/dev/null 2>&1
expect 1 "unsupported-algorithm \\(.*bigski.pem: subject key identifier of 128 bytes" \
	"verify: a certificate with a 128-byte SKI is a finding" -- "$T" verify $XU --cert "$K/bigski.pem" "$f"
finish
