#!/bin/bash
# --evm-key BLOB --kmk KMK: the EVM key as the kernel's encrypted key blob
# and its user master key.  Blobs are built here independently (python's
# hashlib and hmac, the openssl command for AES-256-CBC) in the kernel's
# layout around a known key, and ima-test must recover exactly that key: a
# security.evm HMAC made with the raw key verifies with the blob.  When the
# host kernel allows encrypted keys, a blob the kernel made itself must
# decrypt with a valid HMAC.  Every bad blob or master key: a named error,
# exit 2, no key bytes printed.
. "$(dirname "$0")/lib.sh"

[ -x "$IMA_TEST" ] || skip_all "$IMA_TEST not built"
command -v python3 >/dev/null || skip_all "python3 not installed"
command -v openssl >/dev/null || skip_all "openssl not installed"
setup_work
T=$IMA_TEST
EVMX=${XNAME%.ima}.evm
plan 30

f=$WORK/file
echo "some content" >"$f"
xset "$f" 0404"$(sha256sum "$f" | cut -c1-64)"
uuid=0123456789abcdef0123456789abcdef
head -c 64 /dev/urandom >"$WORK/evm.raw"
head -c 64 /dev/urandom >"$WORK/other.raw"
# The master key: 32 bytes, as keyctl pipe prints a user key.
head -c 32 /dev/urandom >"$WORK/kmk"
head -c 32 /dev/urandom >"$WORK/wrong.kmk"

# blob KEYFILE KMKFILE [FORMAT [MASTER [LEN]]]: the text keyctl pipe prints
# for an encrypted key holding KEYFILE's bytes under the user key KMKFILE.
# FORMAT "-" writes none (the older layout); LEN overrides the length field.
blob() {
	python3 - "$1" "$2" "${3-default}" "${4-user:kmk}" "${5-}" <<'PY'
import hashlib, hmac, os, subprocess, sys
keyf, kmkf, fmt, master, datalen = sys.argv[1:6]
data = open(keyf, "rb").read()
mk = open(kmkf, "rb").read()
datalen = datalen or str(len(data))
def derived(label, extra):
    buf = label + b"\0" + mk + extra
    return hashlib.sha256(buf.ljust(32, b"\0")).digest()
auth = derived(b"AUTH_KEY", b"")
enc = derived(b"ENC_KEY", b"\0")
iv = os.urandom(16)
padded = data + b"\0" * (-len(data) % 16)
ct = subprocess.run(["openssl", "enc", "-aes-256-cbc", "-nopad", "-K", enc.hex(),
                     "-iv", iv.hex()], input=padded, stdout=subprocess.PIPE,
                    check=True).stdout
assert len(ct) == len(padded)
head = b"" if fmt == "-" else fmt.encode() + b"\0"
signed = head + master.encode() + b"\0" + datalen.encode() + b"\0" + iv + b"\0" + ct
mac = hmac.new(auth, signed, hashlib.sha256).digest()
text = ("" if fmt == "-" else fmt + " ") + master + " " + datalen + " "
sys.stdout.write(text + (iv + b"\0" + ct + mac).hex())
PY
}

# hmac FILE: the kernel's HMAC of FILE with the key in evm.raw
hmac() { "$TOOL_ROOT/tests/lib/evm-hmac.py" "$1" "$WORK/evm.raw" "$uuid" "$XNAME"; }
setfattr -n "$EVMX" -v "0x$(hmac "$f")" "$f"
V=(verify ${XU:+"$XU"} --evm --uuid "$uuid")
B=$WORK/evm.blob
blob "$WORK/evm.raw" "$WORK/kmk" >"$B"

# --- the known key comes back ---
expect 0 "file: ok$" "control: the raw key verifies the HMAC" -- "$T" "${V[@]}" --evm-key "$WORK/evm.raw" "$f"
expect 0 "file: ok$" "verify: blob + kmk give the same key" -- "$T" "${V[@]}" --evm-key "$B" --kmk "$WORK/kmk" "$f"
expect 0 "file: ok$" "the options in the other order" -- "$T" "${V[@]}" --kmk "$WORK/kmk" --evm-key "$B" "$f"
out=$("$T" audit $XU --evm --uuid "$uuid" --evm-key "$B" --kmk "$WORK/kmk" --format json "$f" 2>&1)
grep -q '"evm":"ok","evm_type":2' <<<"$out"
check_rc $? "audit: blob + kmk, evm ok" || diag "$out"
blob "$WORK/other.raw" "$WORK/kmk" >"$WORK/other.blob"
expect 1 "evm-invalid-hmac" "a valid blob of another key: evm-invalid-hmac (the decrypted key is used)" -- \
	"$T" "${V[@]}" --evm-key "$WORK/other.blob" --kmk "$WORK/kmk" "$f"
printf '%s\n' "$(cat "$B")" >"$WORK/nl.blob"
expect 0 "file: ok$" "a final newline after the blob is allowed" -- "$T" "${V[@]}" --evm-key "$WORK/nl.blob" --kmk "$WORK/kmk" "$f"
blob "$WORK/evm.raw" "$WORK/kmk" - >"$WORK/old.blob"
expect 0 "file: ok$" "the older layout without a format (HMAC from the master key on)" -- \
	"$T" "${V[@]}" --evm-key "$WORK/old.blob" --kmk "$WORK/kmk" "$f"
head -c 20 "$WORK/evm.raw" >"$WORK/short.raw"
blob "$WORK/short.raw" "$WORK/kmk" >"$WORK/short.blob"
expect 1 "evm-invalid-hmac" "a 20-byte key (padding inside the last block) decrypts; not the 64-byte one" -- \
	"$T" "${V[@]}" --evm-key "$WORK/short.blob" --kmk "$WORK/kmk" "$f"
# A master key loaded with "$(cat FILE)" lost FILE's final newline.
printf 'a passphrase-like master key' >"$WORK/text.kmk"
blob "$WORK/evm.raw" "$WORK/text.kmk" >"$WORK/text.blob"
printf 'a passphrase-like master key\n' >"$WORK/textnl.kmk"
expect 0 "file: ok$" "kmk file with a final newline the loaded user key lacks" -- \
	"$T" "${V[@]}" --evm-key "$WORK/text.blob" --kmk "$WORK/textnl.kmk" "$f"
echo "appraise func=FILE_CHECK" >"$WORK/policy"
printf 'security.ima\nsecurity.capability\n' >"$WORK/evm_xattrs"
R=(ready ${XU:+"$XU"} --evm --uuid "$uuid" --evm-xattrs-file "$WORK/evm_xattrs" --policy "$WORK/policy")
expect 0 "enforce would deny 0 .*0 evm-invalid" "ready --evm-key BLOB --kmk: the HMAC verifies" -- \
	"$T" "${R[@]}" --evm-key "$B" --kmk "$WORK/kmk" "$f"
expect 1 "/file: evm-invalid \\(invalid-hmac" "ready: a blob of another key: evm-invalid" -- \
	"$T" "${R[@]}" --evm-key "$WORK/other.blob" --kmk "$WORK/kmk" "$f"

# --- bad blobs and master keys: named errors, exit 2, no key bytes ---
kmkhex=$(od -An -v -tx1 "$WORK/kmk" | tr -d ' \n')
keyhex=$(od -An -v -tx1 "$WORK/evm.raw" | tr -d ' \n')
bad() {	# bad DESCRIPTION REGEX BLOBFILE [KMKFILE]
	local out rc
	out=$("$T" "${V[@]}" --evm-key "$3" --kmk "${4-$WORK/kmk}" "$f" 2>&1)
	rc=$?
	if [ $rc -eq 2 ] && grep -Eq -- "$2" <<<"$out" && ! grep -qi -- "$kmkhex\|$keyhex" <<<"$out" &&
	   ! grep -Eq 'ERROR: AddressSanitizer|runtime error:|LeakSanitizer' <<<"$out"; then
		ok "$1"
	else
		not_ok "$1"
		diag "exit $rc (want 2): $out"
	fi
}
bad "wrong master key: HMAC mismatch" "HMAC does not match: wrong master key or damaged blob" "$B" "$WORK/wrong.kmk"
# flip one bit of the ciphertext (100 characters from the end: before the HMAC)
python3 - "$B" "$WORK/flip.blob" <<'PY'
import sys
t = open(sys.argv[1]).read()
i = len(t) - 100
t = t[:i] + "%x" % (int(t[i], 16) ^ 1) + t[i + 1:]
open(sys.argv[2], "w").write(t)
PY
bad "one flipped bit in the ciphertext: HMAC mismatch" "HMAC does not match" "$WORK/flip.blob"
sed 's/ 64 / 064 /' "$B" >"$WORK/len.blob"
bad "the length field rewritten (064: same value, other HMAC input): HMAC mismatch" "HMAC does not match" "$WORK/len.blob"
head -c $(( $(wc -c <"$B") - 2 )) "$B" >"$WORK/trunc.blob"
bad "truncated blob (one byte less)" "hex digits where a 64-byte key has 226: truncated or damaged" "$WORK/trunc.blob"
head -c $(( $(wc -c <"$B") - 1 )) "$B" >"$WORK/odd.blob"
bad "hex with an odd number of digits" "odd number of digits \\(225\\)" "$WORK/odd.blob"
sed 's/[0-9a-f]$/g/' "$B" >"$WORK/nothex.blob"
bad "a character that is not a hex digit" "not a hex digit \\(at digit 225\\)" "$WORK/nothex.blob"
blob "$WORK/evm.raw" "$WORK/kmk" default trusted:kmk >"$WORK/trusted.blob"
bad "trusted: master key: cannot be used outside the kernel" \
	"master key 'trusted:kmk' is a trusted key: sealed by a TPM" "$WORK/trusted.blob"
blob "$WORK/evm.raw" "$WORK/kmk" ecryptfs >"$WORK/ecryptfs.blob"
bad "format ecryptfs refused" "format 'ecryptfs': only format 'default'" "$WORK/ecryptfs.blob"
blob "$WORK/evm.raw" "$WORK/kmk" enc32 >"$WORK/enc32.blob"
bad "format enc32 refused" "format 'enc32': only format 'default'" "$WORK/enc32.blob"
blob "$WORK/evm.raw" "$WORK/kmk" default system:kmk >"$WORK/master.blob"
bad "master key neither user: nor trusted:" "master key 'system:kmk' is neither user:NAME nor trusted:NAME" "$WORK/master.blob"
printf 'load %s' "$(cat "$B")" >"$WORK/load.blob"
bad "the keyctl command word left in" "starts with the keyctl command 'load'" "$WORK/load.blob"
head -c 200 /dev/urandom >"$WORK/big.raw"
blob "$WORK/big.raw" "$WORK/kmk" >"$WORK/big.blob"
bad "a 200-byte key: more than EVM's 128" "a 200-byte key: EVM takes at most 128" "$WORK/big.blob"
blob "$WORK/evm.raw" "$WORK/kmk" default user:kmk 19 >"$WORK/min.blob"
bad "length below the kernel's 20" "decrypted length is not a number from 20 to 4096" "$WORK/min.blob"
: >"$WORK/empty.kmk"
bad "empty master key file" "the master key is empty" "$B" "$WORK/empty.kmk"
bad "master key file missing" "cannot read the master key" "$B" "$WORK/none.kmk"
expect 2 "an encrypted key blob: give its master key with --kmk" "a blob without --kmk: told to give --kmk" -- \
	"$T" "${V[@]}" --evm-key "$B" "$f"
expect 2 "--kmk is the master key of an encrypted --evm-key" "--kmk without --evm-key: usage error" -- \
	"$T" "${V[@]}" --kmk "$WORK/kmk" "$f"

# --- a blob the kernel made (needs keyctl and encrypted keys on the host) ---
if ! command -v keyctl >/dev/null; then
	skip "keyctl not installed" 2
elif ! out=$(keyctl session - bash -c '
	k=$(keyctl add user kmk "$(head -c 32 /dev/urandom | tr -d "\000\n")" @s) &&
	e=$(keyctl add encrypted evm-key "new default user:kmk 64" @s) &&
	keyctl pipe "$k" >"$1/kernel.kmk" && keyctl pipe "$e" >"$1/kernel.blob"' - "$WORK" 2>&1); then
	skip "this kernel makes no encrypted keys here (${out//$'\n'/ })" 2
else
	out=$("$T" "${V[@]}" --evm-key "$WORK/kernel.blob" --kmk "$WORK/kernel.kmk" "$f" 2>&1)
	rc=$?
	# Its key is random, so the HMAC of f cannot match; the key loaded.
	[ $rc -eq 1 ] && grep -q "evm-invalid-hmac" <<<"$out"
	check_rc $? "a kernel-made blob decrypts with a valid HMAC (exit $rc)" || diag "$out"
	bad "the kernel-made blob with another master key: HMAC mismatch" \
		"HMAC does not match" "$WORK/kernel.blob" "$WORK/wrong.kmk"
fi
finish
