#!/bin/bash
# apply fails closed: it never opens what is not a regular file, notices a
# content change up to the xattr write, checks every signature it writes,
# refuses empty input, reads every sha*sum escape, and names the real
# reason of each refusal.
. "$(dirname "$0")/lib.sh"

[ -x "$IMA_TEST" ] || skip_all "$IMA_TEST not built"
setup_work
make_keys
T=$IMA_TEST
C=(--cert "$KEYS/rsa2048.pem")
plan 25

root=$WORK/root
mkdir -p "$root/bin"
echo prog >"$root/bin/prog"
mkfifo "$root/bin/fifo"
sum=$(sha256sum <"$root/bin/prog" | cut -d' ' -f1)
sign_line() { echo "$1" | "$T" sign-hash --key "$KEYS/rsa2048.key"; }

# --- 4: a FIFO (or device) named in a manifest or given as FILE is never opened ---
# A writer waiting on the FIFO is released by any open for reading.
fifo_opened() {	# fifo_opened FIFO COMMAND...: 0 when COMMAND opened FIFO
	local fifo=$1 w
	shift
	rm -f "$WORK/released"
	( : >"$fifo" && touch "$WORK/released" ) &
	w=$!
	sleep 0.2
	out=$("$@" 2>&1)
	rc=$?
	sleep 0.2
	[ -e "$WORK/released" ] && { wait $w; return 0; }
	exec 9<"$fifo"; exec 9<&-	# let the writer go
	wait $w
	return 1
}
sign_line "$sum  bin/fifo" >"$WORK/fifo.m"
fifo_opened "$root/bin/fifo" "$T" apply $XU "${C[@]}" --manifest "$WORK/fifo.m" --root "$root"
[ $? = 1 ] && [ $rc = 2 ] && grep -q 'fifo: not applied (manifest line 1): not a regular file (not opened)' <<<"$out"
check_rc $? "manifest naming a FIFO: refused without opening it (exit $rc)"
"$T" sign --sigfile --key "$KEYS/rsa2048.key" "$root/bin/prog"
cp "$root/bin/prog.sig" "$root/bin/fifo.sig"
fifo_opened "$root/bin/fifo" "$T" apply $XU "${C[@]}" "$root/bin/fifo"
[ $? = 1 ] && [ $rc = 2 ] && grep -q 'not a regular file (not opened)' <<<"$out"
check_rc $? "FILE naming a FIFO: refused without opening it (exit $rc)"
sign_line "$sum  dev/null" >"$WORK/dev.m"
expect 2 'null: not applied \(manifest line 1\): not a regular file \(not opened\)' \
	"a device under the root: refused" -- "$T" apply $XU "${C[@]}" --manifest "$WORK/dev.m" --root /
ln -s prog "$root/bin/link"
sign_line "$sum  bin/link" >"$WORK/link.m"
expect 2 'link: not applied \(manifest line 1\): not a regular file' \
	"a symlink as the last component: refused" -- "$T" apply $XU "${C[@]}" --manifest "$WORK/link.m" --root "$root"

# --- 5: a change up to the xattr write is reported, exit 1 ---
sign_line "$sum  bin/prog" >"$WORK/prog.m"
exec 8>>"$root/bin/prog"
xset "$root/bin/prog" 00
expect 1 'prog: changed \(manifest line 1: open for writing by another process\)' \
	"a file open for writing elsewhere: 'changed', exit 1" -- \
	"$T" apply $XU "${C[@]}" --manifest "$WORK/prog.m" --root "$root"
exec 8>&-
[ "$(xhex "$root/bin/prog")" = 00 ]
check_rc $? "... and its xattr is left alone"
expect 0 '' "the same file once the writer is gone: applied" -- \
	"$T" apply $XU "${C[@]}" --manifest "$WORK/prog.m" --root "$root"
if command -v strace >/dev/null && strace -o /dev/null true 2>/dev/null; then
	# Hold the xattr write for a second while another process appends (LSan
	# cannot run under ptrace).
	( sleep 0.4; echo appended >>"$root/bin/prog" ) &
	expect 1 'prog: changed \(manifest line 1: while its xattr was written' \
		"content changed between the digest check and fsetxattr: 'changed', exit 1" -- \
		env ASAN_OPTIONS=detect_leaks=0 strace -f -o /dev/null -e trace=fsetxattr -e inject=fsetxattr:delay_enter=1000000 \
		"$T" apply $XU "${C[@]}" --manifest "$WORK/prog.m" --root "$root"
	wait
else
	skip "strace cannot trace here" "strace cannot trace here"
fi
echo prog >"$root/bin/prog"

# --- 6: a manifest's signatures are checked before they are written ---
xset "$root/bin/prog" 00
expect 2 '--cert is needed' "--manifest without --cert: usage error" -- \
	"$T" apply $XU --manifest "$WORK/prog.m" --root "$root"
[ "$(xhex "$root/bin/prog")" = 00 ]
check_rc $? "... and nothing is written"

# --- 7: empty input is an error ---
: >"$WORK/empty.m"
expect 2 'empty manifest' "empty manifest: exit 2" -- "$T" apply $XU "${C[@]}" --manifest "$WORK/empty.m" --root "$root"
expect 2 'empty manifest' "empty manifest on stdin: exit 2" -- sh -c "\"$T\" apply $XU --cert \"$KEYS/rsa2048.pem\" --manifest - --root \"$root\" </dev/null"
out=$("$T" sign-hash --key "$KEYS/rsa2048.key" </dev/null 2>&1)
rc=$?
[ $rc = 2 ] && grep -q 'no lines on stdin' <<<"$out"
check_rc $? "sign-hash with empty input: exit 2 with a message (exit $rc)"

# --- 8: every escape sha256sum writes ---
cr=$(printf 'c\rr'); nl=$(printf 'n\nl'); bs='b\s'
for n in "$cr" "$nl" "$bs"; do echo "$n" >"$root/bin/$n"; done
(cd "$root" && sha256sum "bin/$cr" "bin/$nl" "bin/$bs") >"$WORK/esc.sum"
grep -q '\\r' "$WORK/esc.sum"
check_rc $? "sha256sum writes a carriage return as \\r"
"$T" sign-hash --key "$KEYS/rsa2048.key" <"$WORK/esc.sum" >"$WORK/esc.m"
check_rc $? "sign-hash takes names with \\r, \\n and \\\\"
[ "$(wc -l <"$WORK/esc.m")" = 3 ]
check_rc $? "... and signs all three"
expect 0 '' "apply takes them" -- "$T" apply $XU "${C[@]}" --manifest "$WORK/esc.m" --root "$root"
expect 0 ': ok$' "... and the right files get the signatures" -- \
	"$T" verify $XU "${C[@]}" "$root/bin/$cr" "$root/bin/$nl" "$root/bin/$bs"

# --- 14: the real reason ---
f=$root/bin/prog
"$T" sign --sigfile --key "$KEYS/rsa2048.key" "$f"
sig=$(od -An -v -tx1 "$f.sig" | tr -d ' \n')
printf '%s' "${sig:0:10}" | xxd -r -p >"$f.sig"
expect 2 'not applied \(FILE.sig\): bad value \(signature header truncated' \
	"a truncated FILE.sig: the decode error, not 'no usable hash algorithm'" -- "$T" apply $XU "${C[@]}" "$f"
printf '%s' "${sig:0:4}63${sig:6}" | xxd -r -p >"$f.sig"
expect 2 'bad value \(unknown hash algorithm 99\)' \
	"FILE.sig with an unknown algorithm: named" -- "$T" apply $XU "${C[@]}" "$f"
flip=$(printf '%02x' $((0x${sig: -2} ^ 1)))
printf '%s' "${sig:0:${#sig}-2}$flip" | xxd -r -p >"$f.sig"
expect 1 'prog: bad signature \(FILE.sig\)' \
	"FILE.sig with a corrupt signature over the unchanged content: 'bad signature'" -- "$T" apply $XU "${C[@]}" "$f"
printf '%s' "$sig" | xxd -r -p >"$f.sig"
echo more >>"$f"
expect 1 'prog: content differs \(FILE.sig\)' \
	"a good FILE.sig over other content: 'content differs'" -- "$T" apply $XU "${C[@]}" "$f"
echo prog >"$f"
l=$(sign_line "$sum  bin/prog")
printf '%s%s\n' "$l" "$(printf '%08200d' 0)" >"$WORK/long.m"
expect 2 'long.m:1: the signature is longer than 4096 bytes' \
	"an oversized signature: named as such, not 'not hex'" -- "$T" apply $XU "${C[@]}" --manifest "$WORK/long.m" --root "$root"
many=()
for i in 1 2 3 4 5 6 7 8 9; do
	openssl req -x509 -new -key "$KEYS/rsa2048.key" -out "$WORK/same$i.pem" -days 30 \
		-subj "/CN=same key $i" -addext subjectKeyIdentifier=hash 2>/dev/null
	many+=(--cert "$WORK/same$i.pem")
done
expect 2 'more than 8 certificates match keyid' \
	"nine certificates for the keyid: named as such, not 'no certificate'" -- \
	"$T" apply $XU "${many[@]}" --manifest "$WORK/prog.m" --root "$root"
expect 2 'no certificate for keyid' "no certificate for the keyid: still named" -- \
	"$T" apply $XU --cert "$KEYS/p256.pem" --manifest "$WORK/prog.m" --root "$root"

finish
