#!/bin/bash
# Interoperability with evmctl (ima-evm-utils): signatures made here verify
# with evmctl and the reverse, RSA signatures and digests are byte-identical.
. "$(dirname "$0")/lib.sh"

command -v evmctl >/dev/null || skip_all "evmctl not installed (Debian package ima-evm-utils)"
[ -x "$IMA_TEST" ] || skip_all "$IMA_TEST not built"
setup_work
make_keys
XE=()
[ -n "$XU" ] && XE=(--xattr-user)

KEYS_ALL="rsa2048 rsa3072 rsa4096 p256 p384"
HASHES="sha1 sha224 sha256 sha384 sha512"
plan $((5 * 5 * 3 + 3 * 5 + 5 + 6))

f=$WORK/data
head -c 100000 /dev/urandom >"$f"

for k in $KEYS_ALL; do
	for h in $HASHES; do
		# a sign that fails must not pass on the previous signature
		setfattr -x "$XNAME" "$f" 2>/dev/null
		"$IMA_TEST" sign $XU --key "$KEYS/$k.key" --hash "$h" "$f" >/dev/null 2>&1
		rc=$?
		ours=$(xhex "$f")
		evmctl ima_verify "${XE[@]}" --key "$KEYS/$k.der" "$f" >/dev/null 2>&1 && [ $rc = 0 ]
		check_rc $? "$k $h: evmctl verifies our signature (sign exit $rc)"

		evmctl ima_sign "${XE[@]}" --key "$KEYS/$k.key" -a "$h" "$f" >/dev/null 2>&1
		theirs=$(xhex "$f")
		expect 0 ': ok$' "$k $h: we verify evmctl's signature" -- "$IMA_TEST" verify $XU --cert "$KEYS/$k.pem" "$f"

		if [[ $k == rsa* ]]; then
			[ -n "$ours" ] && [ "$ours" = "$theirs" ]
			check_rc $? "$k $h: signature byte-identical to evmctl's"
		else
			# ECDSA is randomised: the 9-byte header must agree
			[ -n "$ours" ] && [ "${ours:0:14}" = "${theirs:0:14}" ]
			check_rc $? "$k $h: signature header (type, version, algo, keyid) equals evmctl's"
		fi
	done
done

# The certificate form of the key: DER certificate works as well as PEM.
for h in $HASHES; do
	setfattr -x "$XNAME" "$f" 2>/dev/null
	"$IMA_TEST" sign $XU --key "$KEYS/rsa2048.key" --cert "$KEYS/rsa2048.der" --hash "$h" "$f" >/dev/null 2>&1
	rc=$?
	evmctl ima_verify "${XE[@]}" --key "$KEYS/rsa2048.der" "$f" >/dev/null 2>&1 && [ $rc = 0 ]
	check_rc $? "rsa2048 $h with --cert DER: evmctl verifies (sign exit $rc)"
	expect 0 ': ok$' "rsa2048 $h: verify with a DER certificate" -- "$IMA_TEST" verify $XU --cert "$KEYS/rsa2048.der" "$f"
	evmctl ima_hash "${XE[@]}" -a "$h" "$f" >/dev/null 2>&1
	theirs=$(xhex "$f")
	"$IMA_TEST" hash $XU --hash "$h" "$f"
	ours=$(xhex "$f")
	# evmctl writes sha1 in the legacy 01 form; we write 04 02 (the kernel
	# reads a 01 value ending in 4 zero bytes as MD5)
	[ "$h" = sha1 ] && theirs=0402${theirs#01}
	[ -n "$ours" ] && [ "$ours" = "$theirs" ]
	check_rc $? "$h: hash is the digest evmctl ima_hash writes ($ours)"
done

# Digests over sizes around the read buffer (1 MiB) and the empty file.
for size in 0 1 1048575 1048576 3145729; do
	g=$WORK/size$size
	head -c "$size" /dev/urandom >"$g"
	evmctl ima_hash "${XE[@]}" -a sha256 "$g" >/dev/null 2>&1
	theirs=$(xhex "$g")
	"$IMA_TEST" hash $XU "$g"
	[ -n "$theirs" ] && [ "$(xhex "$g")" = "$theirs" ]
	check_rc $? "file of $size bytes: sha256 digest equals evmctl's"
done

# A certificate without subject key identifier: the kernel finds its key only
# by the tail of serial+issuer, i.e. the last bytes of the issuer name
# ("oski" of CN=ima-test noski); evmctl's keyid (hash of the key) finds nothing.
setfattr -x "$XNAME" "$f" 2>/dev/null
"$IMA_TEST" sign $XU --key "$KEYS/noski.key" --cert "$KEYS/noski.pem" "$f" >/dev/null 2>&1
rc=$?
[ $rc = 0 ] && [[ $(xhex "$f") == 030204$(printf oski | od -An -tx1 | tr -d ' ')* ]]
check_rc $? "certificate without SKI: keyid from the issuer name's tail (sign exit $rc)"
expect 0 ': ok$' "certificate without SKI: verify" -- "$IMA_TEST" verify $XU --cert "$KEYS/noski.pem" "$f"
evmctl ima_sign "${XE[@]}" --key "$KEYS/noski.key" -a sha256 "$f" >/dev/null 2>&1
expect 1 ': unknown-key' "certificate without SKI: evmctl's public-key keyid is not found" -- "$IMA_TEST" verify $XU --cert "$KEYS/noski.pem" "$f"
"$IMA_TEST" sign $XU --key "$KEYS/p256.key" --keyid 0a0b0c0d "$f" >/dev/null 2>&1
[[ $(xhex "$f") == 0302040a0b0c0d* ]]
check_rc $? "--keyid overrides the keyid"
skid=$(openssl x509 -in "$KEYS/p256.pem" -noout -ext subjectKeyIdentifier | tail -1 | tr -d ' :\n' | tr A-F a-f)
"$IMA_TEST" sign $XU --key "$KEYS/p256.key" --cert "$KEYS/p256.pem" "$f" >/dev/null 2>&1
[[ $(xhex "$f") == 030204${skid: -8}* ]]
check_rc $? "--cert: keyid is the last 4 bytes of the subject key identifier (${skid: -8})"

# A certificate appended to the key file (custom SKI) names the keyid, as in evmctl.
openssl req -x509 -new -key "$KEYS/rsa2048.key" -out "$WORK/custom.pem" -days 3 -subj /CN=custom \
	-addext subjectKeyIdentifier=0102030405060708 2>/dev/null
cat "$KEYS/rsa2048.key" "$WORK/custom.pem" >"$WORK/combined.pem"
setfattr -x "$XNAME" "$f" 2>/dev/null
"$IMA_TEST" sign $XU --key "$WORK/combined.pem" "$f" >/dev/null 2>&1
ours=$(xhex "$f")
evmctl ima_sign "${XE[@]}" --key "$WORK/combined.pem" -a sha256 "$f" >/dev/null 2>&1
theirs=$(xhex "$f")
[[ $ours == 03020405060708* ]] && [ "$ours" = "$theirs" ]
check_rc $? "key file with an appended certificate: keyid from its SKI, same bytes as evmctl"

finish
