#!/bin/bash
# security.evm: HMACs computed independently here (python's hmac over the
# kernel's layout) must be what ima-test accepts, and every hostile or
# wrong value is a named finding, never a crash (the ASan/UBSan build).
. "$(dirname "$0")/lib.sh"

[ -x "$IMA_TEST" ] || skip_all "$IMA_TEST not built"
command -v python3 >/dev/null || skip_all "python3 not installed"
setup_work
make_keys
T=$IMA_TEST
EVMX=${XNAME%.ima}.evm
plan 43

f=$WORK/file
echo "some content" >"$f"
xset "$f" 0404"$(sha256sum "$f" | cut -c1-64)"
uuid=0123456789abcdef0123456789abcdef
# The raw key ends in a newline byte: it is key material, not a line end.
key=$(head -c 63 /dev/urandom | od -An -tx1 -v | tr -d ' \n')0a
echo "$key" >"$WORK/evm.hex"
printf '%s' "$key" | xxd -r -p >"$WORK/evm.raw" 2>/dev/null ||
	python3 -c "import sys; sys.stdout.buffer.write(bytes.fromhex('$key'))" >"$WORK/evm.raw"
head -c 64 /dev/urandom >"$WORK/other.raw"
evmset() { setfattr -n "$EVMX" -v "0x$2" "$1"; }

# hmac FILE [UUID]: the kernel's HMAC of FILE (tests/lib/evm-hmac.py)
hmac() { "$TOOL_ROOT/tests/lib/evm-hmac.py" "$1" "$WORK/evm.raw" "${2-$uuid}" "$XNAME"; }
V=(verify ${XU:+"$XU"} --evm --uuid "$uuid")

# --- missing, HMAC right and wrong ---
expect 1 "file: evm-missing \\(no $EVMX\\)" "no security.evm: evm-missing" -- "$T" "${V[@]}" --evm-key "$WORK/evm.hex" "$f"
evmset "$f" "$(hmac "$f")"
expect 0 "file: ok$" "independently computed HMAC verifies (hex key file)" -- "$T" "${V[@]}" --evm-key "$WORK/evm.hex" "$f"
expect 0 "file: ok$" "the same key as raw bytes" -- "$T" "${V[@]}" --evm-key "$WORK/evm.raw" "$f"
expect 1 "evm-invalid-hmac \\(EVM HMAC does not match" "another key: evm-invalid-hmac" -- "$T" "${V[@]}" --evm-key "$WORK/other.raw" "$f"
expect 1 "evm-invalid-hmac" "another file system UUID: evm-invalid-hmac" -- "$T" verify $XU --evm --uuid ffffffffffffffffffffffffffffffff --evm-key "$WORK/evm.hex" "$f"
expect 1 "evm-invalid-hmac" "without the UUID (--no-fsuuid): evm-invalid-hmac" -- "$T" verify $XU --evm --no-fsuuid --evm-key "$WORK/evm.hex" "$f"
evmset "$f" "$(hmac "$f" "")"
expect 0 "file: ok$" "an HMAC made without the UUID verifies with --no-fsuuid" -- "$T" verify $XU --evm --no-fsuuid --evm-key "$WORK/evm.hex" "$f"
evmset "$f" "$(hmac "$f")"
expect 1 "file: evm-no-hmac-key \\(EVM HMAC present; give --evm-key" "HMAC without a key: evm-no-hmac-key" -- "$T" "${V[@]}" "$f"
chmod 600 "$f"
expect 1 "evm-invalid-hmac" "mode changed after the HMAC: evm-invalid-hmac" -- "$T" "${V[@]}" --evm-key "$WORK/evm.hex" "$f"
chmod 644 "$f"
xset "$f" 0404"$(printf '%064d' 0)"
expect 1 "file: stale .*
.*file: evm-invalid-hmac" "security.ima changed: stale and evm-invalid-hmac" -- "$T" "${V[@]}" --evm-key "$WORK/evm.hex" "$f"
xset "$f" 0404"$(sha256sum "$f" | cut -c1-64)"
expect 0 "file: ok$" "security.ima back: ok again" -- "$T" "${V[@]}" --evm-key "$WORK/evm.hex" "$f"
out=$("$T" audit $XU --evm --uuid "$uuid" --evm-key "$WORK/evm.hex" --format json "$f" 2>&1)
grep -q '"evm":"ok","evm_type":2' <<<"$out" && grep -q '"evm":{"ok":1,"missing":0' <<<"$out"
check_rc $? "audit --format json: evm class, type and counts" || diag "$out"
expect 1 "^evm: 0 ok, 1 missing, 0 invalid-hmac" "audit text: an evm summary line" -- "$T" audit $XU --evm "$WORK/evm.hex"

# --- hostile security.evm values: named findings ---
hostile() {	# hostile HEX CLASS REGEX DESCRIPTION
	evmset "$f" "$1"
	expect 1 "file: evm-$2 \\($3\\)\$" "$4" -- "$T" "${V[@]}" --evm-key "$WORK/evm.hex" --cert "$KEYS/rsa2048.pem" "$f"
}
hostile 02"$(printf '%038d' 0)" malformed "security.evm: HMAC of 19 bytes, expected 20" "HMAC one byte short"
hostile 02"$(printf '%042d' 0)" malformed "security.evm: HMAC of 21 bytes, expected 20" "HMAC one byte long"
hostile 02 malformed "security.evm: HMAC of 0 bytes, expected 20" "HMAC type byte only"
hostile 05 malformed "security.evm: portable signature truncated \\(1 bytes\\)" "portable signature type byte only"
hostile 050204aabbcc malformed "security.evm: portable signature header truncated \\(6 of 9 bytes\\)" "portable signature header truncated"
hostile 050204aabbccdd0000 malformed "security.evm: empty portable signature" "portable signature header and nothing else"
hostile 050204aabbccdd0010"$(printf '%030d' 0)" malformed "security.evm: sig_size 16 does not match the 15 signature bytes present" "portable signature: size larger than the bytes"
hostile 030204aabbccddffff00 malformed "security.evm: sig_size 65535 does not match the 1 signature bytes present" "signature: size 65535, one byte"
hostile 050104aabbccdd000100 unsupported "security.evm: unsupported portable signature version 1" "portable signature version 1"
hostile 050263aabbccdd000100 malformed "security.evm: unknown hash algorithm 99" "portable signature, unknown algorithm"
hostile 0404"$(printf '%064d' 0)" malformed "security.evm: IMA digest type 0x04 does not belong in security.evm" "an IMA digest in security.evm"
hostile ff malformed "security.evm: unknown type 0xff" "unknown type 0xff"
hostile 050204aabbccdd000400000000 unknown-key "EVM portable signature by keyid aabbccdd: no given certificate has it" "portable signature by an unknown key"
setfattr -n "$EVMX" "$f"
expect 1 "file: evm-malformed \\(security.evm: empty value\\)" "empty security.evm" -- "$T" "${V[@]}" --evm-key "$WORK/evm.hex" "$f"

# --- portable signatures written by sign --evm ---
g=$WORK/signed
echo "signed content" >"$g"
expect 0 "immutable under EVM" "sign --evm writes and says the file is immutable" -- "$T" sign $XU --evm --key "$KEYS/rsa2048.key" "$g"
[ "$(getfattr --absolute-names --only-values -n "$EVMX" "$g" 2>/dev/null | head -c1 | od -An -tx1 | tr -d ' ')" = 05 ]
check_rc $? "sign --evm: security.evm is type 05"
expect 0 "signed: ok$" "verify --evm --cert: the portable signature verifies" -- "$T" verify $XU --evm --cert "$KEYS/rsa2048.pem" "$g"
out=$("$T" verify $XU --evm --cert "$KEYS/rsa2048.pem" --format json "$g" 2>&1)
grep -q '"evm":"ok","evm_type":5,"evm_immutable":true' <<<"$out"
check_rc $? "verify json: evm_type 5, evm_immutable" || diag "$out"
expect 1 "signed: unknown-key .*
.*signed: evm-unknown-key \\(EVM portable signature by keyid [0-9a-f]{8}: no given certificate has it\\)" \
	"verify --evm with another certificate: unknown-key" -- "$T" verify $XU --evm --cert "$KEYS/rsa3072.pem" "$g"
expect 1 "evm-unknown-key .*no certificate given \\(--cert\\)" "verify --evm without --cert: unknown-key, says why" -- "$T" verify $XU --evm "$g"
chmod 600 "$g"
expect 1 "signed: evm-bad-signature \\(EVM portable signature does not verify with" "mode changed: evm-bad-signature" -- "$T" verify $XU --evm --cert "$KEYS/rsa2048.pem" "$g"
chmod 644 "$g"
cp -p "$g" "$WORK/copy"
getfattr --absolute-names --only-values -n "$EVMX" "$g" >"$WORK/evm.val"
setfattr -n "$EVMX" -v "0x$(od -An -tx1 -v "$WORK/evm.val" | tr -d ' \n')" "$WORK/copy"
xset "$WORK/copy" "$(xhex "$g")"
expect 0 "copy: ok$" "portable: the same xattrs on another inode verify (no ino, generation, UUID)" -- "$T" verify $XU --evm --cert "$KEYS/rsa2048.pem" "$WORK/copy"
expect 0 "" "sign --evm --ima-hash: security.ima a digest" -- "$T" sign $XU --evm --ima-hash --key "$KEYS/p256.key" "$g"
[ "$(xhex "$g" | cut -c1-4)" = 0404 ]
check_rc $? "sign --evm --ima-hash: security.ima is 0404 + sha256"
expect 0 "signed: ok$" "and verify --evm accepts the EC portable signature over it" -- "$T" verify $XU --evm --cert "$KEYS/p256.pem" "$g"

# --- bad options ---
expect 2 "--ima-hash goes with --evm" "sign --ima-hash without --evm: usage error" -- "$T" sign $XU --ima-hash --key "$KEYS/rsa2048.key" "$g"
: >"$WORK/empty.key"
expect 2 "empty.key: an EVM key is 1 to 128 bytes" "empty key file: usage error" -- "$T" verify --evm-key "$WORK/empty.key" "$f"
head -c 129 /dev/zero >"$WORK/long.key"
expect 2 "long.key: an EVM key is 1 to 128 bytes" "129-byte key file: usage error" -- "$T" verify --evm-key "$WORK/long.key" "$f"
expect 2 "cannot read the EVM key" "missing key file: usage error" -- "$T" verify --evm-key "$WORK/nope" "$f"
expect 2 "--uuid wants 32 hex digits" "bad --uuid: usage error" -- "$T" verify --evm --uuid 1234 "$f"
finish
