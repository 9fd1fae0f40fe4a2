#!/bin/bash
# Hostile and broken input: every case checks the exit status and the message.
. "$(dirname "$0")/lib.sh"

[ -x "$IMA_TEST" ] || skip_all "$IMA_TEST not built"
setup_work
make_keys
T=$IMA_TEST
plan 86

f=$WORK/file
echo "some content" >"$f"
sha256=$(sha256sum "$f" | cut -c1-64)

# --- malformed and unsupported xattr values (verify: exit 1) ---
bad() {	# bad HEX CLASS REGEX DESCRIPTION
	if [ -n "$1" ]; then xset "$f" "$1"; else setfattr -n "$XNAME" "$f"; fi
	expect 1 "^.*file: $2 \\($3\\)\$" "$4" -- "$T" verify $XU --cert "$KEYS/rsa2048.pem" "$f"
}
bad "" malformed "empty value" "empty xattr"
bad 04 malformed "digest_ng truncated \\(no algorithm byte\\)" "1-byte xattr (digest_ng type only)"
bad 01 malformed "sha1 digest of 0 bytes, expected 20" "1-byte xattr (sha1 type only)"
bad 07"$(printf '%040d' 0)" malformed "unknown type 0x07" "unknown type 0x07"
bad ff malformed "unknown type 0xff" "unknown type 0xff"
bad 02"$(printf '%040d' 0)" malformed "EVM HMAC type 0x02 does not belong in security.ima" "EVM HMAC in the IMA xattr"
bad 06"$(printf '%040d' 0)" malformed "fs-verity signature \\(type 0x06\\) of version 0, not 3" "fs-verity signature type of version 0"
# hostile version 3 (fs-verity) values: the same header rules as version 2
bad 060204aabbccdd000400000000 malformed "fs-verity signature \\(type 0x06\\) of version 2, not 3" "fs-verity signature type of version 2"
bad 06ff04aabbccdd000400000000 malformed "fs-verity signature \\(type 0x06\\) of version 255, not 3" "fs-verity signature type of version 255"
bad 06 malformed "signature truncated \\(1 bytes\\)" "fs-verity signature: type byte only"
bad 060304aabbcc malformed "signature header truncated \\(6 of 9 bytes\\)" "fs-verity signature: header truncated"
bad 060304aabbccdd0000 malformed "empty signature \\(sig_size 0\\)" "fs-verity signature: zero-length"
bad 060304aabbccddffff malformed "sig_size 65535 does not match the 0 signature bytes present" "fs-verity signature: sig_size 65535 and nothing after"
bad 060304aabbccdd0010"$(printf '%030d' 0)" malformed "sig_size 16 does not match the 15 signature bytes present" "fs-verity signature: sig_size larger than the bytes present"
bad 060363aabbccdd000100 malformed "unknown hash algorithm 99" "fs-verity signature with unknown algorithm"
bad 060301aabbccdd000100 unsupported-algorithm "unsupported hash algorithm md5 \\(1\\)" "fs-verity signature with md5"
# a well-formed one on a file without fs-verity (or a file system without it)
bad 060304aabbccdd000400000000 no-verity "fs-verity signature, but (fs-verity is not enabled on the file|the file system has no fs-verity): the kernel has no fs-verity digest to check it against" "fs-verity signature on a file without fs-verity"
bad 047f"$(printf '%064d' 0)" malformed "unknown hash algorithm 127" "digest_ng with unknown algorithm"
bad 0411"$(printf '%064d' 0)" unsupported-algorithm "unsupported hash algorithm sm3 \\(17\\)" "digest_ng with a known but unsupported algorithm"
bad 0404${sha256:0:62} malformed "sha256 digest of 31 bytes, expected 32" "digest_ng sha256 one byte short"
bad 0404${sha256}00 malformed "sha256 digest of 33 bytes, expected 32" "digest_ng sha256 one byte long"
bad 01"$(printf '%042d' 0)" malformed "sha1 digest of 21 bytes, expected 20" "sha1 digest too long"
# ima_get_hash_algo() reads a 21-byte type 01 value ending in 4 zero bytes as MD5
bad 01${sha256:0:32}00000000 malformed "sha1 digest ending in 4 zero bytes .*the kernel reads it as MD5 and denies the file.*" "type 01 sha1 ending in 4 zero bytes: the kernel's MD5 reading is reported"
md5dir=$WORK/md5dir; mkdir -p "$md5dir"; cp "$f" "$md5dir/file"
xset "$md5dir/file" 01${sha256:0:32}00000000
printf 'appraise fowner=0\n' >"$WORK/md5.policy"; echo 0 >"$WORK/md5.evm"
expect 1 "md5dir/file: malformed \\(sha1 digest ending in 4 zero bytes .*the kernel reads it as MD5" \
	"ready: the same value is a denial under an appraise rule" -- \
	"$T" ready $XU --evm-state "$WORK/md5.evm" --policy "$WORK/md5.policy" "$md5dir"
bad 0406${sha256} malformed "sha512 digest of 32 bytes, expected 64" "digest_ng algorithm and length disagree"
bad 030204aabbccdd0010"$(printf '%030d' 0)" malformed "sig_size 16 does not match the 15 signature bytes present" "signature: sig_size larger than the bytes present"
bad 030204aabbccdd0002"$(printf '%030d' 0)" malformed "sig_size 2 does not match the 15 signature bytes present" "signature: sig_size smaller than the bytes present"
bad 030204aabbccdd0000 malformed "empty signature \\(sig_size 0\\)" "signature: zero-length"
bad 030204aabbccddffff malformed "sig_size 65535 does not match the 0 signature bytes present" "signature: sig_size 65535 and nothing after"
bad 030104aabbccdd000400000000 unsupported-algorithm "unsupported signature version 1" "signature version 1"
bad 030304aabbccdd000400000000 unsupported-algorithm "unsupported signature version 3" "signature version 3"
bad 030204aabbcc malformed "signature header truncated \\(6 of 9 bytes\\)" "signature header truncated"
bad 03 malformed "signature truncated \\(1 bytes\\)" "signature type byte only"
bad 030263aabbccdd000100 malformed "unknown hash algorithm 99" "signature with unknown algorithm"

big=03$(head -c 4200 /dev/zero | od -An -tx1 -v | tr -d ' \n')
g=$WORK/bigx; echo x >"$g"
if ! xset "$g" "$big" 2>/dev/null; then	# ext4 keeps xattrs in one block; tmpfs does not
	g=$(mktemp /dev/shm/ima-test-big.XXXXXX); T_CLEAN+=("$g")
	xset "$g" "$big" 2>/dev/null || g=
fi
if [ -n "$g" ]; then
	expect 1 "malformed \\($XNAME larger than 4096 bytes\\)" "xattr larger than any valid value" -- "$T" verify $XU "$g"
else
	skip "cannot store a 4201-byte xattr here" "cannot store a 4201-byte xattr here"
fi

# --- content and key findings ---
"$T" hash $XU "$f"
echo more >>"$f"
expect 1 "file: stale \\(sha256 digest does not match the content\\)" "stale digest after an append" -- "$T" verify $XU "$f"
"$T" sign $XU --key "$KEYS/rsa2048.key" "$f"
echo more >>"$f"
expect 1 "file: bad-signature \\(sha256 signature does not verify with .*rsa2048.pem" "signature over old content" -- "$T" verify $XU --cert "$KEYS/rsa2048.pem" "$f"
"$T" sign $XU --key "$KEYS/p256.key" "$f"
expect 1 "file: unknown-key \\(no certificate for keyid [0-9a-f]{8}\\)" "signature by a key no certificate was given for" -- "$T" verify $XU --cert "$KEYS/rsa2048.pem" "$f"
expect 1 "file: unknown-key" "signature and no certificates at all" -- "$T" verify $XU "$f"
rk=$(openssl x509 -in "$KEYS/rsa2048.pem" -noout -ext subjectKeyIdentifier | tail -1 | tr -d ' :\n')
"$T" sign $XU --key "$KEYS/p256.key" --keyid "${rk: -8}" "$f"
expect 1 "file: bad-signature" "ECDSA signature claiming an RSA certificate's keyid" -- "$T" verify $XU --cert "$KEYS/rsa2048.pem" "$f"
"$T" sign $XU --key "$KEYS/rsa2048.key" "$f"
v=$(xhex "$f"); xset "$f" "${v:0:40}$(printf '%02x' $(( (0x${v:40:2} + 1) % 256 )))${v:42}"
expect 1 "file: bad-signature" "one signature byte changed" -- "$T" verify $XU --cert "$KEYS/rsa2048.pem" "$f"
setfattr -x "$XNAME" "$f"
expect 1 "file: missing \\(no $XNAME\\)" "no xattr at all" -- "$T" verify $XU "$f"

# --- keys and certificates (exit 2) ---
expect 2 "enc.key: key is encrypted; give --pass-file or set IMA_TEST_KEY_PASS" "encrypted key without passphrase" -- env -u IMA_TEST_KEY_PASS "$T" sign $XU --key "$KEYS/enc.key" "$f"
echo hunter2 >"$WORK/wrong.pass"; echo secret >"$WORK/right.pass"
expect 2 "enc.key: cannot decrypt key \\(wrong passphrase\\?\\)" "encrypted key, wrong passphrase" -- "$T" sign $XU --key "$KEYS/enc.key" --pass-file "$WORK/wrong.pass" "$f"
out=$("$T" sign $XU --key "$KEYS/enc.key" --pass-file "$WORK/wrong.pass" "$f" 2>&1; IMA_TEST_KEY_PASS=hunter2 "$T" sign $XU --key "$KEYS/enc.key" "$f" 2>&1; "$T" sign $XU --key "$KEYS/rsa2048.key" --cert "$KEYS/p256.pem" "$f" 2>&1)
! grep -q -e hunter2 -e PRIVATE <<<"$out"
check_rc $? "no passphrase or key material in any message"
expect 0 "" "encrypted key with --pass-file" -- "$T" sign $XU --key "$KEYS/enc.key" --pass-file "$WORK/right.pass" "$f"
expect 0 "" "encrypted key with IMA_TEST_KEY_PASS" -- env IMA_TEST_KEY_PASS=secret "$T" sign $XU --key "$KEYS/enc.key" "$f"
expect 2 "ed25519.key: unsupported key type ED25519 \\(use RSA or EC\\)" "Ed25519 key" -- "$T" sign $XU --key "$KEYS/ed25519.key" "$f"
expect 2 "rsa2048.pem: is a certificate or public key, not a private key" "certificate given as the key" -- "$T" sign $XU --key "$KEYS/rsa2048.pem" "$f"
expect 2 "file: not a private key \\(PEM or DER\\)" "text file given as the key" -- "$T" sign $XU --key "$f" "$f"
expect 2 "nokey: cannot read key: No such file or directory" "missing key file" -- "$T" sign $XU --key "$WORK/nokey" "$f"
expect 2 "cannot read key: Is a directory" "directory as key" -- "$T" sign $XU --key "$WORK" "$f"
expect 2 "p256.pem does not match key .*rsa2048.key" "certificate of another key (refused)" -- "$T" sign $XU --key "$KEYS/rsa2048.key" --cert "$KEYS/p256.pem" "$f"
expect 2 "rsa3072.pem does not match key .*rsa2048.key" "certificate of another RSA key (refused)" -- "$T" sign $XU --key "$KEYS/rsa2048.key" --cert "$KEYS/rsa3072.pem" "$f"
cat "$KEYS/p256.key" "$KEYS/rsa2048.pem" >"$WORK/appended.pem"
expect 2 "appended.pem: the appended certificate does not match the key" "key file with someone else's certificate appended (refused)" -- "$T" sign $XU --key "$WORK/appended.pem" "$f"
expect 2 "file: not an X.509 certificate \\(PEM or DER\\)" "verify with a garbage certificate" -- "$T" verify $XU --cert "$f" "$f"
expect 2 "rsa2048.key: not an X.509 certificate" "verify with a private key as certificate" -- "$T" verify $XU --cert "$KEYS/rsa2048.key" "$f"
expect 2 "nocert: cannot read certificate: No such file" "verify with a missing certificate" -- "$T" verify $XU --cert "$WORK/nocert" "$f"

# --- usage (exit 2) ---
expect 2 "--keyid wants 8 hex digits, not 'xyz'" "bad --keyid" -- "$T" sign $XU --key "$KEYS/rsa2048.key" --keyid xyz "$f"
expect 2 "unsupported hash algorithm 'md5'" "--hash md5" -- "$T" hash $XU --hash md5 "$f"
expect 2 "--key is required" "sign without --key" -- "$T" sign $XU "$f"
expect 2 "no files given" "hash without files" -- "$T" hash $XU
expect 2 "unknown command 'frob'" "unknown command" -- "$T" frob
expect 2 "--jobs wants a number from 1 to 1024, not '0'" "--jobs 0" -- "$T" hash $XU -j 0 "$f"
expect 2 "unknown format 'xml'" "--format xml" -- "$T" audit --format xml "$f"
expect 2 "unknown format 'keylime'" "verify has no keylime format" -- "$T" verify --format keylime "$f"
expect 2 "^ima-test sign: unrecognized option '--frobnicate'$" "unknown option" -- "$T" sign --frobnicate "$f"

# --- paths that cannot be processed ---
expect 2 "nodir/file: No such file or directory" "hash: path in a nonexistent directory" -- "$T" hash $XU "$WORK/nodir/file"
expect 2 "nodir/file: No such file or directory" "verify: path in a nonexistent directory" -- "$T" verify $XU "$WORK/nodir/file"
mkdir "$WORK/dir"
expect 2 "dir: is a directory \\(use -r\\)" "hash: directory without -r" -- "$T" hash $XU "$WORK/dir"
mkfifo "$WORK/fifo"
expect 2 "fifo: skipping special file \\(fifo\\)" "hash: named FIFO (no hang)" -- timeout 20 "$T" hash $XU "$WORK/fifo"
mkfifo "$WORK/dir/fifo"; echo x >"$WORK/dir/a"
expect 0 "dir/fifo: skipping special file \\(fifo\\)" "hash -r: FIFO in the tree is skipped with a note" -- timeout 20 "$T" hash $XU -r "$WORK/dir"
ln -s "$f" "$WORK/link"
expect 2 "link: symlink not followed \\(use --follow\\)" "hash: named symlink" -- "$T" hash $XU "$WORK/link"
expect 0 "" "hash --follow: named symlink" -- "$T" hash $XU --follow "$WORK/link"
ln -s "$f" "$WORK/dir/link"
expect 0 "dir/link: symlink not followed" "hash -r: symlink in the tree is skipped with a note" -- "$T" hash $XU -r "$WORK/dir"

expect 2 "/proc: skipping pseudo file system \\(proc\\)" "audit -r /proc: pseudo file systems are not entered" -- timeout 20 "$T" audit -r /proc

# --- names that need escaping ---
nl="$WORK/dir/new
line"
bad_utf8=$WORK/dir/$'bad\xff\xfename'
echo x >"$nl"; echo y >"$bad_utf8"
"$T" audit $XU -j 1 --format json "$nl" "$bad_utf8" >"$WORK/out.json"
python3 -c '
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
assert len(recs) == 3, recs
assert recs[0]["path"].endswith("new\nline"), recs[0]
assert recs[1]["path"].endswith("bad\ufffd\ufffdname"), recs[1]
assert bytes.fromhex(recs[1]["path_hex"]).endswith(b"bad\xff\xfename"), recs[1]
assert recs[2]["summary"]["missing"] == 2, recs[2]
' "$WORK/out.json"
check_rc $? "json: newline and invalid UTF-8 in names give valid JSON lines with path_hex"
expect 1 '/new\\nline: missing' "text: a newline in a name is escaped, one line per file" -- "$T" verify $XU "$nl"
expect 1 '/bad\\xff\\xfename: missing' "text: invalid UTF-8 bytes are shown as \\xNN" -- "$T" verify $XU "$bad_utf8"

expect 2 "dir: is a directory \\(use -r\\)" "keylime policy with nothing to put in it" -- "$T" audit $XU --format keylime "$WORK/dir"
expect 1 "warning: 1 path\\(s\\) are not valid UTF-8; written with U\\+FFFD" "keylime policy: invalid UTF-8 name is warned about" -- "$T" audit $XU --format keylime "$bad_utf8"

# --- writing not permitted ---
if mkdir -p "$WORK/ramfs" && mount -t ramfs none "$WORK/ramfs" 2>/dev/null; then
	echo z >"$WORK/ramfs/f"
	expect 2 "f: cannot set security.ima: file system does not support it \\(try --xattr-user" "hash on a file system without security xattrs" -- "$T" hash "$WORK/ramfs/f"
	expect 2 "f: cannot set user.ima: file system does not support it$" "hash --xattr-user on a file system without user xattrs" -- "$T" hash --xattr-user "$WORK/ramfs/f"
	expect 1 "f: missing \\(file system does not support security.ima\\)" "verify on a file system without xattrs" -- "$T" verify "$WORK/ramfs/f"
	umount "$WORK/ramfs"
else
	for _ in 1 2 3; do skip "cannot mount ramfs" "cannot mount ramfs"; done
fi
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	chmod 755 "$WORK" "$(dirname "$WORK")"
	echo secret >"$WORK/private"; chmod 000 "$WORK/private"
	echo public >"$WORK/public"; chmod 644 "$WORK/public"
	nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }
	expect 1 "private: unreadable \\(Permission denied\\)" "verify as an unprivileged user: unreadable file" -- nobody "$T" verify $XU "$WORK/private"
	expect 2 "public: cannot set security.ima: Operation not permitted \\(security.\\* needs CAP_SYS_ADMIN; try --xattr-user\\)" "hash as an unprivileged user: security.ima not permitted" -- nobody "$T" hash "$WORK/public"
else
	for _ in 1 2; do skip "needs root and setpriv" "needs root and setpriv"; done
fi

finish
