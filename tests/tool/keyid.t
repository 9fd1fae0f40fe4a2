#!/bin/bash
# Key lookup as the kernel does it: a signature's keyid finds a certificate
# only by the tail of its subject key identifier or of its serial+issuer id.
# For three certificate shapes (SKI = hash of the key, a custom SKI, no SKI)
# and two ways of signing (with and without the certificate), ima-test
# verify says ok exactly when this machine's kernel finds the key with
# `keyctl search RING asymmetric id:KEYID`.  Then: sign warns about, or
# with --cert refuses, a keyid that would not find the certificate.
. "$(dirname "$0")/lib.sh"

[ -x "$IMA_TEST" ] || skip_all "$IMA_TEST not built"
command -v keyctl >/dev/null || skip_all "keyctl not installed (Debian package keyutils)"
setup_work
T=$IMA_TEST
K=$T_TMP/keys; mkdir -p "$K"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$K/k.key" 2>/dev/null
mk() { openssl req -x509 -new -key "$K/k.key" -out "$K/$1.pem" -days 3 -subj "/CN=ima-test $1" "${@:2}" 2>/dev/null; }
mk hash -addext subjectKeyIdentifier=hash
mk custom -addext subjectKeyIdentifier=0102030405060708
mk noski -addext subjectKeyIdentifier=none -addext authorityKeyIdentifier=none
for s in hash custom noski; do openssl x509 -in "$K/$s.pem" -outform der -out "$K/$s.der"; done

ring=$(keyctl newring "ima-test-keyid-$$" @u 2>/dev/null) || skip_all "cannot create keyrings here"
trap 'keyctl unlink "$ring" @u >/dev/null 2>&1; cleanup' EXIT
for s in hash custom noski; do
	keyctl padd asymmetric "" "$ring" <"$K/$s.der" >/dev/null 2>&1 ||
		skip_all "kernel refuses asymmetric X.509 keys"
done

plan 16
f=$WORK/prog; echo 'payload' >"$f"
keyid_of() { xhex "$1" | cut -c7-14; }
# the kernel's verdict: only the one certificate $1 is in the ring we ask
kernel_finds() {
	local one
	one=$(keyctl newring "ima-test-one-$$" @u) || return 2
	keyctl padd asymmetric "" "$one" <"$K/$1.der" >/dev/null
	keyctl search "$one" asymmetric "id:$2" >/dev/null 2>&1
	local rc=$?
	keyctl unlink "$one" @u >/dev/null 2>&1
	return $rc
}
for s in hash custom noski; do
	for how in bare cert; do
		setfattr -x "$XNAME" "$f" 2>/dev/null
		if [ $how = bare ]; then
			"$T" sign $XU --key "$K/k.key" "$f" >/dev/null 2>&1
		else
			"$T" sign $XU --key "$K/k.key" --cert "$K/$s.pem" "$f" >/dev/null 2>&1
		fi
		id=$(keyid_of "$f")
		kernel_finds "$s" "$id"; kfound=$?
		"$T" verify $XU --cert "$K/$s.pem" "$f" >/dev/null 2>&1; vrc=$?
		[ -n "$id" ] && { { [ $kfound = 0 ] && [ $vrc = 0 ]; } || { [ $kfound = 1 ] && [ $vrc = 1 ]; }; }
		check_rc $? "$s SKI, signed $how: keyid $id, kernel search $([ $kfound = 0 ] && echo finds || echo misses), verify exit $vrc"
	done
done
# Signed with --cert, every shape must be found by the kernel.
for s in hash custom noski; do
	setfattr -x "$XNAME" "$f" 2>/dev/null
	"$T" sign $XU --key "$K/k.key" --cert "$K/$s.pem" "$f" >/dev/null 2>&1
	kernel_finds "$s" "$(keyid_of "$f")"
	check_rc $? "$s SKI: sign --cert writes a keyid the kernel finds"
done
# audit classifies by the same lookup
"$T" sign $XU --key "$K/k.key" "$f" >/dev/null 2>&1
expect 1 '"status":"unknown-key"' "audit: a public-key-hash keyid does not find a custom-SKI certificate" -- \
	"$T" audit $XU --format json --cert "$K/custom.pem" "$f"
# ready finds keys the same way
d=$WORK/tree; mkdir -p "$d"; printf '#!/bin/sh\necho hi\n' >"$d/prog"; chmod 755 "$d/prog"
echo "appraise func=BPRM_CHECK appraise_type=imasig" >"$T_TMP/policy"
"$T" sign $XU --key "$K/k.key" "$d/prog" >/dev/null 2>&1
expect 1 "prog: unknown-key" "ready: a public-key-hash keyid does not find a custom-SKI certificate" -- \
	"$T" ready $XU --policy "$T_TMP/policy" --cert "$K/custom.pem" "$d"
"$T" sign $XU --key "$K/k.key" --cert "$K/custom.pem" "$d/prog" >/dev/null 2>&1
expect 0 "would deny 0 " "ready: signed with --cert, the custom-SKI certificate is found" -- \
	"$T" ready $XU --policy "$T_TMP/policy" --cert "$K/custom.pem" "$d"

# sign: a keyid that would not find the certificate
expect 2 "refused: the kernel will not find .*custom.pem by keyid 11223344" "--cert with a --keyid that misses it: refused" -- \
	"$T" sign $XU --key "$K/k.key" --cert "$K/custom.pem" --keyid 11223344 "$f"
cat "$K/k.key" "$K/custom.pem" >"$K/combined.pem"; chmod 600 "$K/combined.pem"
expect 0 "warning: the kernel will not find .*combined.pem by keyid 11223344" "appended certificate with a --keyid that misses it: warning" -- \
	"$T" sign $XU --key "$K/combined.pem" --keyid 11223344 "$f"
expect 0 "^$" "--cert with a --keyid the kernel finds it by: no message" -- \
	"$T" sign $XU --key "$K/k.key" --cert "$K/custom.pem" --keyid 05060708 "$f"

# Two certificates with the same keyid tail, different keys: the kernel may
# pick either, so ok only if the signature verifies with both.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$K/k2.key" 2>/dev/null
openssl req -x509 -new -key "$K/k2.key" -out "$K/twin.pem" -days 3 -subj "/CN=ima-test twin" \
	-addext subjectKeyIdentifier=0a0b0c0d05060708 2>/dev/null
"$T" sign $XU --key "$K/k.key" --cert "$K/custom.pem" "$f" >/dev/null 2>&1
expect 1 "bad-signature .*twin.pem \\(one of 2 the kernel may pick\\)" "two certificates match the keyid: not ok" -- \
	"$T" verify $XU --cert "$K/custom.pem" --cert "$K/twin.pem" "$f"
finish
