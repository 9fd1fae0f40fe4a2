#!/bin/bash
# Signatures outside xattrs: sign --sigfile, sign-hash and apply, against
# evmctl in both directions, and apply's checks (missing, changed and
# escaping files, malformed lines, bad signatures) with nothing wrong written.
. "$(dirname "$0")/lib.sh"

command -v evmctl >/dev/null || skip_all "evmctl not installed (Debian package ima-evm-utils)"
[ -x "$IMA_TEST" ] || skip_all "$IMA_TEST not built"
setup_work
make_keys
XE=()
[ -n "$XU" ] && XE=(--xattr-user)
plan 39

# --sigfile: FILE.sig is the xattr value, byte for byte evmctl's.
f=$WORK/prog
head -c 50000 /dev/urandom >"$f"
for h in sha1 sha256 sha512; do
	xset "$f" 00
	"$IMA_TEST" sign --sigfile --key "$KEYS/rsa2048.key" --hash $h "$f"
	[ "$(xhex "$f")" = 00 ] || nox=1
	mv "$f.sig" "$WORK/ours.sig"
	evmctl ima_sign --sigfile --key "$KEYS/rsa2048.key" -a $h "$f" >/dev/null 2>&1
	cmp -s "$f.sig" "$WORK/ours.sig"
	check_rc $? "sign --sigfile $h: FILE.sig byte-identical to evmctl's"
done
[ -z "${nox:-}" ]
check_rc $? "sign --sigfile writes no xattr"
"$IMA_TEST" sign --sigfile --key "$KEYS/p256.key" "$f"
expect 0 '' "evmctl ima_setxattr --sigfile takes our FILE.sig" -- evmctl ima_setxattr "${XE[@]}" --sigfile "$f.sig" "$f"
expect 0 ': ok$' "... and the xattr verifies" -- "$IMA_TEST" verify $XU --cert "$KEYS/p256.pem" "$f"
xset "$f" 00
evmctl ima_sign --sigfile --key "$KEYS/rsa4096.key" "$f" >/dev/null 2>&1
expect 0 '' "apply takes evmctl's FILE.sig" -- "$IMA_TEST" apply $XU --cert "$KEYS/rsa4096.pem" "$f"
expect 0 'verification is OK' "... and evmctl verifies the xattr" -- evmctl ima_verify "${XE[@]}" --key "$KEYS/rsa4096.der" "$f"
echo more >>"$f"
xset "$f" 00
expect 1 'content differs' "apply: FILE changed since FILE.sig was made: a finding" -- "$IMA_TEST" apply $XU --cert "$KEYS/rsa4096.pem" "$f"
[ "$(xhex "$f")" = 00 ]
check_rc $? "... and the xattr is left alone"
expect 2 'cert is needed' "apply FILE without --cert: usage error" -- "$IMA_TEST" apply $XU "$f"
expect 2 'no certificate for keyid' "apply with the wrong certificate: error" -- "$IMA_TEST" apply $XU --cert "$KEYS/p256.pem" "$f"

# sign-hash: byte-identical to evmctl sign_hash (RSA), every algorithm.
stage=$WORK/stage
mkdir -p "$stage/usr/bin" "$stage/etc" "$stage/usr/lib"
for n in 1 2 3; do head -c $((n * 999)) /dev/urandom >"$stage/usr/bin/p$n"; done
echo conf >"$stage/etc/conf"
echo spaced >"$stage/usr/lib/a b"
for h in sha1 sha224 sha256 sha384 sha512; do
	(cd "$stage" && find . -type f | sort | xargs -d '\n' ${h}sum) >"$WORK/m.$h"
	evmctl sign_hash --key "$KEYS/rsa2048.key" -a $h <"$WORK/m.$h" >"$WORK/theirs.$h" 2>/dev/null
	"$IMA_TEST" sign-hash --key "$KEYS/rsa2048.key" <"$WORK/m.$h" >"$WORK/ours.$h"
	[ -s "$WORK/ours.$h" ] && cmp -s "$WORK/ours.$h" "$WORK/theirs.$h"
	check_rc $? "sign-hash $h: output byte-identical to evmctl sign_hash"
done
"$IMA_TEST" sign-hash --key "$KEYS/p256.key" <"$WORK/m.sha256" >"$WORK/ec.sig"
[ "$(sed 's/ 030204[0-9a-f]*$//' "$WORK/ec.sig")" = "$(cat "$WORK/m.sha256")" ]
check_rc $? "sign-hash p256: each line is the input line and a signature"
printf 'zz  x\n%s\n' "$(head -1 "$WORK/m.sha256")" >"$WORK/badin"
expect 2 'line 1: not a sha\*sum line' "sign-hash: malformed line named, exit 2" -- \
	"$IMA_TEST" sign-hash --key "$KEYS/rsa2048.key" <"$WORK/badin"
# The same identity checks as sign: a keyid the kernel would not find the
# certificate by is refused, not written into every signature.
expect 2 'refused: the kernel will not find .* by keyid 01020304' \
	"sign-hash --cert with a --keyid the kernel would not find it by: refused, exit 2" -- \
	"$IMA_TEST" sign-hash --key "$KEYS/rsa2048.key" --cert "$KEYS/rsa2048.pem" --keyid 01020304 <"$WORK/m.sha256"
[ "$("$IMA_TEST" sign-hash --key "$KEYS/rsa2048.key" <"$WORK/badin" 2>/dev/null | wc -l)" = 1 ]
check_rc $? "sign-hash: the malformed line is not printed, the good one is"
expect 2 'sha256 wants 64' "sign-hash --hash sha256 on sha1 lines: error" -- \
	"$IMA_TEST" sign-hash --key "$KEYS/rsa2048.key" --hash sha256 <"$WORK/m.sha1"

# apply a manifest onto an installed copy: evmctl's and ours.
inst=$WORK/inst
cp -a "$stage" "$inst"
expect 0 '' "apply evmctl's sign_hash manifest under --root" -- \
	"$IMA_TEST" apply $XU --cert "$KEYS/rsa2048.pem" --manifest "$WORK/theirs.sha256" --root "$inst"
out=$(evmctl ima_verify "${XE[@]}" --key "$KEYS/rsa2048.der" "$inst/usr/bin/p1" "$inst/usr/bin/p2" \
	"$inst/usr/bin/p3" "$inst/etc/conf" "$inst/usr/lib/a b" 2>&1)
[ "$(grep -c 'verification is OK' <<<"$out")" = 5 ]
check_rc $? "evmctl verifies all five applied files (a name with a space among them)"
expect 0 '' "apply our p256 manifest, checked with --cert" -- \
	"$IMA_TEST" apply $XU --cert "$KEYS/p256.pem" --manifest "$WORK/ec.sig" --root "$inst"
expect 0 ': ok' "ima-test verify accepts the tree" -- "$IMA_TEST" verify $XU -r --cert "$KEYS/p256.pem" "$inst"

# Findings and errors name the line; nothing wrong is written.
snap() { for g in "$inst"/usr/bin/* "$inst"/etc/* "$inst"/usr/lib/*; do printf '%s %s\n' "$g" "$(xhex "$g")"; done; }
reset() { for g in "$inst"/usr/bin/* "$inst"/etc/* "$inst"/usr/lib/*; do xset "$g" 00; done; }
reset
echo changed >>"$inst/usr/bin/p2"
line=$(grep -n 'p2$' "$WORK/m.sha256" | cut -d: -f1)
expect 1 "p2: content differs \\(manifest line $line\\)" "changed file: a finding naming line $line" -- \
	"$IMA_TEST" apply $XU --cert "$KEYS/rsa2048.pem" --manifest "$WORK/ours.sha256" --root "$inst"
[ "$(xhex "$inst/usr/bin/p2")" = 00 ] && [ "$(xhex "$inst/usr/bin/p1")" != 00 ]
check_rc $? "... the changed file keeps its value, the others are applied"
reset
rm "$inst/usr/bin/p3"
line=$(grep -n 'p3$' "$WORK/m.sha256" | cut -d: -f1)
expect 2 "p3: not applied \\(manifest line $line\\): No such file" "missing file: error naming line $line" -- \
	"$IMA_TEST" apply $XU --cert "$KEYS/rsa2048.pem" --manifest "$WORK/ours.sha256" --root "$inst"
cp -a "$stage/usr/bin/p2" "$stage/usr/bin/p3" "$inst/usr/bin/"
reset
before=$(snap)
{ head -2 "$WORK/ours.sha256"; echo 'garbage'; tail -n +3 "$WORK/ours.sha256"; } >"$WORK/bad1"
expect 2 'bad1:3: not a sha\*sum line' "malformed line: error naming line 3" -- \
	"$IMA_TEST" apply $XU --cert "$KEYS/rsa2048.pem" --manifest "$WORK/bad1" --root "$inst"
[ "$(snap)" = "$before" ]
check_rc $? "... and nothing at all is written"
l1=$(head -1 "$WORK/ours.sha256")
[ "${l1: -2:1}" = 0 ] && d=1 || d=0
{ printf '%s%s%s\n' "${l1:0:${#l1}-2}" "$d" "${l1: -1}"; tail -n +2 "$WORK/ours.sha256"; } >"$WORK/bad2"
cmp -s "$WORK/bad2" "$WORK/ours.sha256" && diag "bad2 not altered"
expect 1 'bad signature \(manifest line 1\)' "signature altered in line 1, --cert given: a finding" -- \
	"$IMA_TEST" apply $XU --cert "$KEYS/rsa2048.pem" --manifest "$WORK/bad2" --root "$inst"
[ "$(xhex "$inst/etc/conf")" = 00 ] && [ "$(xhex "$inst/usr/bin/p1")" != 00 ]
check_rc $? "... line 1's file keeps its value, the good lines are applied"
reset
sed '1s/.$//' "$WORK/ours.sha256" >"$WORK/bad3"
expect 2 'bad3:1: the signature is not hex' "an odd-length signature: line 1 rejected" -- \
	"$IMA_TEST" apply $XU --cert "$KEYS/rsa2048.pem" --manifest "$WORK/bad3" --root "$inst"
[ "$(snap)" = "$before" ]
check_rc $? "... and nothing at all is written"
# A name escaping the root resolves inside it (or nowhere), never outside.
cp "$inst/etc/conf" "$WORK/outside"
sum=$(sha256sum <"$WORK/outside" | cut -d' ' -f1)
echo "$sum  ../../outside" | "$IMA_TEST" sign-hash --key "$KEYS/rsa2048.key" >"$WORK/esc"
expect 2 'manifest line 1' "'../../outside': not found under the root" -- \
	"$IMA_TEST" apply $XU --cert "$KEYS/rsa2048.pem" --manifest "$WORK/esc" --root "$inst"
[ -z "$(xhex "$WORK/outside")" ]
check_rc $? "... and the file outside the root is untouched"
expect 0 '' "--dry-run: checks pass" -- "$IMA_TEST" apply $XU --cert "$KEYS/p256.pem" -n --manifest "$WORK/ec.sig" --root "$stage"
[ -z "$(xhex "$stage/etc/conf")" ]
check_rc $? "--dry-run writes nothing"

finish
