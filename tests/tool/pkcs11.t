#!/bin/bash
# Keys on a PKCS#11 token (SoftHSM 2, made here): sign with a pkcs11: URI,
# byte-identical to the same key as a file (RSA), verified by us and by
# evmctl; PIN sources; clear errors with nothing written; the worker pool
# signing through the token; the token vanishing mid-run.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/softhsm.sh"

command -v softhsm2-util >/dev/null || skip_all "softhsm2-util not installed (Debian package softhsm2)"
command -v pkcs11-tool >/dev/null || skip_all "pkcs11-tool not installed (Debian package opensc)"
[ -e /usr/lib/x86_64-linux-gnu/engines-3/pkcs11.so ] || [ -n "$(find /usr/lib -path '*engines-3/pkcs11.so' 2>/dev/null)" ] ||
	skip_all "OpenSSL pkcs11 engine not installed (Debian package libengine-pkcs11-openssl)"
command -v evmctl >/dev/null || skip_all "evmctl not installed (Debian package ima-evm-utils)"
[ -x "$IMA_TEST" ] || skip_all "$IMA_TEST not built"
# libp11's engine loses its method tables when OpenSSL unloads it; see the file.
export ASAN_OPTIONS=$ASAN_OPTIONS:fast_unwind_on_malloc=0
export LSAN_OPTIONS=suppressions=$TOOL_ROOT/tests/tool/lsan-pkcs11.supp:print_suppressions=0
setup_work
make_keys
XE=()
[ -n "$XU" ] && XE=(--xattr-user)
plan 52

softhsm_setup "$T_TMP/hsm"
softhsm_token ima-test
softhsm_import ima-test rsa2048 "$KEYS/rsa2048.key" 01
softhsm_import ima-test rsa4096 "$KEYS/rsa4096.key" 02
softhsm_keygen_ec ima-test p256 03
URI='pkcs11:token=ima-test;object'
# A PIN on ima-test's command line is refused: the tests give it in a file.
printf '%s\n' "$SOFTHSM_PIN" >"$T_TMP/pin"
echo 0000 >"$T_TMP/wrongpin"
PIN="pin-source=$T_TMP/pin"
openssl req -new -x509 -engine pkcs11 -keyform engine -key "$URI=p256;type=private?pin-value=$SOFTHSM_PIN" \
	-subj "/CN=token p256" -addext subjectKeyIdentifier=hash -days 3 -out "$KEYS/tok-p256.pem" 2>/dev/null
openssl x509 -in "$KEYS/tok-p256.pem" -outform der -out "$KEYS/tok-p256.der"

f=$WORK/data
head -c 70000 /dev/urandom >"$f"

for k in rsa2048 rsa4096; do
	"$IMA_TEST" sign $XU --key "$KEYS/$k.key" "$f" >/dev/null 2>&1
	file_sig=$(xhex "$f")
	xset "$f" 00
	expect 0 '' "$k: sign through the token, no --keyid" -- "$IMA_TEST" sign $XU --key "$URI=$k?$PIN" "$f"
	tok_sig=$(xhex "$f")
	[ -n "$file_sig" ] && [ "$tok_sig" = "$file_sig" ]
	check_rc $? "$k: token signature byte-identical to the PEM file's" || diag "token $tok_sig" "file $file_sig"
	expect 0 ': ok$' "$k: ima-test verify accepts it" -- "$IMA_TEST" verify $XU --cert "$KEYS/$k.pem" "$f"
	expect 0 'verification is OK' "$k: evmctl ima_verify accepts it" -- evmctl ima_verify "${XE[@]}" --key "$KEYS/$k.der" "$f"
done

xset "$f" 00
expect 0 '' "p256 made on the token: sign" -- "$IMA_TEST" sign $XU --key "$URI=p256?$PIN" "$f"
skid=$(openssl x509 -in "$KEYS/tok-p256.pem" -noout -ext subjectKeyIdentifier | tail -1 | tr -d ' :\n' | tr A-F a-f)
[[ $(xhex "$f") == 030204${skid: -8}* ]]
check_rc $? "p256: keyid from the token's public key (${skid: -8})" || diag "$(xhex "$f")"
expect 0 ': ok$' "p256: ima-test verify accepts it" -- "$IMA_TEST" verify $XU --cert "$KEYS/tok-p256.pem" "$f"
expect 0 'verification is OK' "p256: evmctl ima_verify accepts it" -- evmctl ima_verify "${XE[@]}" --key "$KEYS/tok-p256.der" "$f"
attrs=$(pkcs11-tool --module "$SOFTHSM_MODULE" --token-label ima-test --login --pin "$SOFTHSM_PIN" \
	--list-objects --type privkey 2>/dev/null)
grep -q 'never extractable' <<<"$attrs" && ! grep -q 'extractable$' <<<"${attrs//never extractable/}"
check_rc $? "p256: the private key on the token is never extractable"

# The PIN: pin-source file, --pass-file, IMA_TEST_KEY_PASS; the URI's own wins.
cp "$T_TMP/pin" "$T_TMP/pinfile"
want=$("$IMA_TEST" sign $XU --key "$KEYS/rsa2048.key" "$f" >/dev/null 2>&1; xhex "$f")
for how in "pin-source=file:$T_TMP/pin" "pin-source=$T_TMP/pin" --pass-file IMA_TEST_KEY_PASS uri-wins; do
	xset "$f" 00
	case $how in
	--pass-file) "$IMA_TEST" sign $XU --key "$URI=rsa2048" --pass-file "$T_TMP/pinfile" "$f" 2>&1 ;;
	IMA_TEST_KEY_PASS) IMA_TEST_KEY_PASS=$SOFTHSM_PIN "$IMA_TEST" sign $XU --key "$URI=rsa2048" "$f" 2>&1 ;;
	uri-wins) "$IMA_TEST" sign $XU --key "$URI=rsa2048?$PIN" --pass-file "$T_TMP/wrongpin" "$f" 2>&1 ;;
	*) "$IMA_TEST" sign $XU --key "$URI=rsa2048?$how" "$f" 2>&1 ;;
	esac
	[ "$(xhex "$f")" = "$want" ]
	check_rc $? "PIN from $how"
done
xset "$f" 00
expect 0 '' "module-path names SoftHSM directly" -- \
	"$IMA_TEST" sign $XU --key "$URI=rsa2048?module-path=${SOFTHSM_MODULE//\//%2F}&$PIN" "$f"
[ "$(xhex "$f")" = "$want" ]
check_rc $? "module-path (percent-encoded): same signature"

# sign-hash through the token: the same lines as evmctl sign_hash with the key file.
for n in 1 2 3; do head -c $((n * 333)) /dev/urandom >"$WORK/s$n"; done
(cd "$WORK" && sha256sum s1 s2 s3) >"$WORK/m"
evmctl sign_hash --key "$KEYS/rsa4096.key" <"$WORK/m" >"$WORK/m.theirs" 2>/dev/null
"$IMA_TEST" sign-hash --key "$URI=rsa4096?$PIN" <"$WORK/m" >"$WORK/m.ours"
[ -s "$WORK/m.ours" ] && cmp -s "$WORK/m.ours" "$WORK/m.theirs"
check_rc $? "sign-hash through the token: byte-identical to evmctl sign_hash with the key file"
expect 2 'wrong PIN' "sign-hash, wrong PIN: exit 2" -- "$IMA_TEST" sign-hash --key "$URI=rsa4096?pin-source=$T_TMP/wrongpin" <"$WORK/m"

# Errors: exit 2, a reason, and the file keeps its old value.
bad() {	# bad REGEX DESCRIPTION KEY [ARGS...]
	local re=$1 desc=$2 key=$3
	shift 3
	xset "$f" 00
	expect 2 "$re" "$desc: exit 2" -- "$IMA_TEST" sign $XU --key "$key" "$@" "$f"
	[ "$(xhex "$f")" = 00 ]
	check_rc $? "$desc: nothing written"
}
bad 'wrong PIN' "wrong PIN" "$URI=rsa2048?pin-source=$T_TMP/wrongpin"
bad 'no such token or object' "missing object" "$URI=nosuch?$PIN"
bad 'no such token or object' "missing token" "pkcs11:token=nosuch;object=rsa2048?$PIN"
bad 'needs a PIN' "no PIN at all" "$URI=rsa2048"
bad 'module /nonexistent/x.so: No such file' "missing module" "$URI=rsa2048?module-path=/nonexistent/x.so&$PIN"
bad 'cannot load PKCS#11 module /etc/hostname' "not a module" "$URI=rsa2048?module-path=/etc/hostname&$PIN"
bad "unsupported query attribute 'module-name'" "module-name" "$URI=rsa2048?module-name=softhsm2&$PIN"
bad 'pin-source /nonexistent: No such file' "pin-source missing" "$URI=rsa2048?pin-source=file:/nonexistent"

# The PIN never leaves the process: a pin-value on the command line is
# refused (any user reads /proc/PID/cmdline), in the query or among the
# path attributes (libp11 takes it there too), and never printed.
for key in "$URI=rsa2048?pin-value=$SOFTHSM_PIN" "$URI=rsa2048;pin-value=$SOFTHSM_PIN" \
	"$URI=rsa2048?module-path=$SOFTHSM_MODULE&pin%2Dvalue=$SOFTHSM_PIN"; do
	xset "$f" 00
	out=$("$IMA_TEST" sign $XU --key "$key" "$f" 2>&1)
	rc=$?
	[ $rc = 2 ] && grep -q 'pin-value in the URI is visible to other users.*pin-source=FILE.*--pass-file' <<<"$out" &&
		! grep -q "$SOFTHSM_PIN" <<<"$out" && grep -q REDACTED <<<"$out" && [ "$(xhex "$f")" = 00 ]
	check_rc $? "pin-value in '${key#"$URI"}': refused, exit 2, the PIN not printed (exit $rc)" || diag "$out"
done
out=$("$IMA_TEST" sign-hash --key "$URI=rsa4096?pin-value=$SOFTHSM_PIN" <"$WORK/m" 2>&1)
rc=$?
[ $rc = 2 ] && ! grep -q "$SOFTHSM_PIN" <<<"$out"
check_rc $? "sign-hash: pin-value refused the same way (exit $rc)"
out=$("$IMA_TEST" sign $XU --key "$URI=rsa2048" --pass-file "$T_TMP/pin" --cert "$KEYS/p256.pem" "$f" 2>&1)
grep -q "p256.pem does not match key $URI=rsa2048\$" <<<"$out" && ! grep -q "$SOFTHSM_PIN" <<<"$out"
check_rc $? "certificate mismatch: the URI named, no PIN" || diag "$out"
out=$("$IMA_TEST" sign $XU --key "$URI=rsa2048" "$f" 2>&1)
grep -q 'pin-source=FILE in the URI, --pass-file FILE or IMA_TEST_KEY_PASS' <<<"$out" && ! grep -q -- '--pass$\|--pass[^-]' <<<"$out"
check_rc $? "the no-PIN hint offers only what is accepted" || diag "$out"

# A module-path that is a FIFO would hang dlopen() for ever.
mkfifo "$T_TMP/fifo.so"
xset "$f" 00
expect 2 'PKCS#11 module .*fifo.so: not a regular file' "module-path naming a FIFO: refused, no hang" -- \
	timeout 30 "$IMA_TEST" sign $XU --key "$URI=rsa2048?module-path=$T_TMP/fifo.so&$PIN" "$f"

# The keyid of a token key comes from the token or a matching --cert, never
# from a file in the working directory named like the URI.
cwd=$T_TMP/cwd
mkdir -p "$cwd"
openssl req -new -x509 -engine pkcs11 -keyform engine -key "$URI=p256;type=private?pin-value=$SOFTHSM_PIN" \
	-subj "/CN=token p256, other skid" -addext subjectKeyIdentifier=00112233445566778899aabbccddeeff01020304 \
	-days 3 -out "$KEYS/tok-p256-skid.pem" 2>/dev/null
cp "$KEYS/tok-p256-skid.pem" "$cwd/$URI=p256"
xset "$f" 00
(cd "$cwd" && "$IMA_TEST" sign $XU --key "$URI=p256" --pass-file "$T_TMP/pin" "$f")
[[ $(xhex "$f") == 030204${skid: -8}* ]]
check_rc $? "a file named like the URI in the working directory does not choose the keyid (${skid: -8})" || diag "$(xhex "$f")"
xset "$f" 00
out=$("$IMA_TEST" sign $XU --key "$URI=p256?$PIN" --cert "$KEYS/tok-p256-skid.pem" "$f" 2>&1)
rc=$?
[ $rc = 0 ] && [[ $(xhex "$f") == 03020401020304* ]] &&
	grep -q "warning: keyid 01020304 of .*tok-p256-skid.pem differs from ${skid: -8}, the hash of the token's public key" <<<"$out"
check_rc $? "--cert matching the token key: its keyid is written, with a warning where it differs (exit $rc)" || diag "$out"

static=$TOOL_ROOT/tools/ima-test/ima-test.static
if [ -x "$static" ]; then
	expect 2 'linked statically' "the static build refuses pkcs11: keys with a reason" -- \
		"$static" sign $XU --key "$URI=rsa2048?$PIN" "$f"
else
	ok "the static build refuses pkcs11: keys # SKIP $static not built"
fi

# The worker pool: many threads sign through the token at once; every
# signature must equal the one made from the key file.
tree=$WORK/tree
ref=$WORK/ref
mkdir -p "$tree" "$ref"
for n in $(seq 1 300); do head -c $((n * 7)) /dev/urandom >"$tree/f$n"; cp "$tree/f$n" "$ref/f$n"; done
"$IMA_TEST" sign $XU -r --key "$KEYS/rsa2048.key" "$ref"
expect 0 '' "sign -r -j 8 through the token" -- "$IMA_TEST" sign $XU -r -j 8 --key "$URI=rsa2048?$PIN" "$tree"
same=0
for n in $(seq 1 300); do [ "$(xhex "$tree/f$n")" = "$(xhex "$ref/f$n")" ] && same=$((same + 1)); done
[ $same = 300 ]
check_rc $? "-j 8: all 300 signatures equal the key file's ($same)"

# The token disappears mid-run (its store and SoftHSM's configuration
# deleted): the files not yet signed get an error, none a bad value.
big=$WORK/big
bigref=$WORK/bigref
mkdir -p "$big" "$bigref"
for n in $(seq 1 3000); do echo "$n" >"$big/f$n"; echo "$n" >"$bigref/f$n"; done
"$IMA_TEST" sign $XU -r --key "$KEYS/rsa2048.key" "$bigref"
cp -a "$T_TMP/hsm" "$T_TMP/hsm.keep"
"$IMA_TEST" sign $XU -r -j 2 --key "$URI=rsa2048?$PIN" "$big" >"$T_TMP/mid.out" 2>&1 &
pid=$!
for _ in $(seq 1 400); do
	getfattr -d -m ima -R "$big" 2>/dev/null | grep -q ima && break
	sleep 0.05
done
rm -rf "$T_TMP/hsm"
wait $pid
rc=$?
dump() { (cd "$1" && getfattr -d -e hex -m ima -R . 2>/dev/null); }
signed=$(dump "$big" | grep -c ima=)
# Every value written must be one of the reference values, file for file.
wrong=$(diff <(dump "$big" | grep -v '^$' | paste - - | sort) \
	<(dump "$bigref" | grep -v '^$' | paste - - | sort) | grep -c '^<')
[ $rc = 2 ] && [ "$signed" -lt 3000 ] && grep -q 'signing failed' "$T_TMP/mid.out"
check_rc $? "token removed mid-run: exit 2 ($rc), an error per unsigned file ($signed of 3000 signed)" ||
	diag "$(tail -3 "$T_TMP/mid.out"; grep -A20 -m 2 'leak of' "$T_TMP/mid.out")"
[ "$signed" -gt 0 ] && [ "$wrong" = 0 ]
check_rc $? "token removed mid-run: every value written is the right signature ($wrong wrong)"
rm -rf "$T_TMP/hsm"
mv "$T_TMP/hsm.keep" "$T_TMP/hsm"

finish
