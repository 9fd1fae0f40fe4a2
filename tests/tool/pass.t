#!/bin/bash
# Key hygiene: a passphrase never sits in a running sign's /proc/PID/cmdline
# (-p/--pass are refused; --pass-file or IMA_TEST_KEY_PASS instead), and a
# private key file others can read draws a warning.
. "$(dirname "$0")/lib.sh"

[ -x "$IMA_TEST" ] || skip_all "$IMA_TEST not built"
setup_work
T=$IMA_TEST
K=$T_TMP/keys; mkdir -p "$K"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$K/k.key" 2>/dev/null
openssl pkey -in "$K/k.key" -aes256 -passout pass:s3cr3t-word -out "$K/enc.key" 2>/dev/null
chmod 600 "$K/k.key" "$K/enc.key"
plan 12

# A file big enough that sign runs for a while, so its cmdline can be read.
big=$WORK/big; truncate -s 768M "$big"
# run_watch CMD...: run CMD in the background and collect its cmdline
# while it is at work (has $big open): argv is visible from exec on, what
# matters is that it does not stay there.
run_watch() {
	local pid
	"$@" >"$WORK/out" 2>&1 &
	pid=$!
	seen=
	while kill -0 "$pid" 2>/dev/null; do
		for fd in "/proc/$pid/fd/"*; do
			[ "$(readlink "$fd" 2>/dev/null)" = "$big" ] || continue
			seen+=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)
		done
		sleep 0.05
	done
	wait "$pid"
}
run_watch "$T" sign $XU --key "$K/enc.key" -p s3cr3t-word "$big"
rc=$?
! grep -q s3cr3t-word <<<"$seen"
check_rc $? "a running sign given -p: the passphrase is not in /proc/PID/cmdline" || diag "seen: ${seen:0:200}"
[ $rc = 2 ] && grep -q "visible to other users; use --pass-file FILE or IMA_TEST_KEY_PASS" "$WORK/out"
check_rc $? "-p PASS is refused with exit 2 (exit $rc)"
[ -z "$(xhex "$big")" ]
check_rc $? "-p PASS: nothing written"
expect 2 "visible to other users" "--pass=PASS is refused" -- "$T" sign $XU --key "$K/enc.key" --pass=s3cr3t-word "$big"

printf 's3cr3t-word\n' >"$K/pass"; chmod 600 "$K/pass"
run_watch "$T" sign $XU --key "$K/enc.key" --pass-file "$K/pass" "$big"
rc=$?
grep -q -- "--pass-file" <<<"$seen" && ! grep -q s3cr3t-word <<<"$seen"
check_rc $? "a running sign with --pass-file: cmdline seen, no passphrase in it"
[ $rc = 0 ] && [ -n "$(xhex "$big")" ]
check_rc $? "--pass-file: the encrypted key signs (exit $rc)" || diag "$(cat "$WORK/out")"
rm -f "$big"
f=$WORK/f; echo data >"$f"
printf 's3cr3t-word' >"$K/pass-nonl"; printf 's3cr3t-word\r\nsecond line\n' >"$K/pass-crlf"
expect 0 "^$" "--pass-file without a final newline" -- "$T" sign $XU --key "$K/enc.key" --pass-file "$K/pass-nonl" "$f"
expect 0 "^$" "--pass-file with CRLF: only the first line counts" -- "$T" sign $XU --key "$K/enc.key" --pass-file "$K/pass-crlf" "$f"
expect 2 "nothere: cannot read passphrase file: No such file" "--pass-file that does not exist" -- "$T" sign $XU --key "$K/enc.key" --pass-file "$K/nothere" "$f"

# Key file permissions
chmod 640 "$K/k.key"
expect 0 "k.key: warning: private key readable by its group \\(mode 0640\\)" "group-readable key: warning" -- "$T" sign $XU --key "$K/k.key" "$f"
chmod 604 "$K/k.key"
expect 0 "k.key: warning: private key readable by every user \\(mode 0604\\)" "world-readable key: warning" -- "$T" sign $XU --key "$K/k.key" "$f"
chmod 600 "$K/k.key"
expect 0 "^$" "key readable by its owner only: no warning" -- "$T" sign $XU --key "$K/k.key" "$f"
finish
