#!/bin/bash
# Command line behaviour: help, trees, worker pool, audit classes and
# formats, files changing while hashed, contents never changed.
. "$(dirname "$0")/lib.sh"

[ -x "$IMA_TEST" ] || skip_all "$IMA_TEST not built"
setup_work
make_keys
T=$IMA_TEST
plan 38

# --- help and version: every COMMAND() entry of src/, by rank ---
src=$TOOL_ROOT/tools/ima-test/src
table=$(grep -rhoE --include='*.c' '^COMMAND\("[^"]+", [0-9]+,' "$src" |
	sed -E 's/^COMMAND\("([^"]+)", ([0-9]+),$/\2 \1/' | sort -n)
mapfile -t cmds < <(cut -d' ' -f2 <<<"$table")
[ ${#cmds[@]} -ge 10 ] && [ -z "$(cut -d' ' -f1 <<<"$table" | uniq -d)" ] &&
	[ -z "$(printf '%s\n' "${cmds[@]}" | sort | uniq -d)" ]
check_rc $? "src/ declares ${#cmds[@]} commands with COMMAND(), names and ranks unique" ||
	diag "$table"
# One error style: every message goes through common.c (cmd_warnx,
# usage_error), which alone spells the "ima-test COMMAND: " prefix.
spelled=$(grep -rnE --include='*.c' '(stderr, |fputs\()"ima-test[ :]' "$src" | grep -v '/common\.c:')
[ -z "$spelled" ]
check_rc $? "no source but common.c spells the message prefix" || diag "$spelled"
# lib/ returns 0 or -errno; the only -1s are OpenSSL's password callback
# and hex_digit()'s "not a hex digit".
minus1=$(grep -rn --include='*.c' 'return -1;' "$TOOL_ROOT/tools/ima-test/lib" |
	grep -v -e 'return -1;	/\* pem_password_cb: ' -e 'return -1;	/\* not a digit: ')
[ -z "$minus1" ]
check_rc $? "lib/ returns -errno, not -1" || diag "$minus1"
expect 0 "^Usage: ima-test COMMAND" "--help" -- "$T" --help
out=$("$T" --help)
listed=$(awk '/^Commands:$/ { f = 1; next } f && /^$/ { exit } f { print $1 }' <<<"$out")
[ ${#cmds[@]} -gt 0 ] && [ "$listed" = "$(printf '%s\n' "${cmds[@]}")" ]
check_rc $? "--help lists the ${#cmds[@]} commands of the command table, in its order" ||
	diag "table: ${cmds[*]}; --help: $(echo $listed)"
expect 0 "^ima-test [0-9]+\\.[0-9]+" "--version" -- "$T" --version
expect 2 "^Usage: ima-test COMMAND" "no command: usage, exit 2" -- "$T"
bad=
for c in "${cmds[@]}"; do
	u=$("$T" "$c" --help 2>/dev/null) && grep -q "^Usage: ima-test $c " <<<"${u%%$'\n'*}" || bad+=" $c"
done
[ ${#cmds[@]} -gt 0 ] && [ -z "$bad" ]
check_rc $? "every command of the table answers --help with its usage${bad:+ (not:$bad)}"

# --- a bad option: one message, with the command's prefix ---
# one_error CMD WANT ARGS...: "ima-test CMD ARGS" must exit 2 and say on
# stderr one line "ima-test CMD: ..." holding WANT, then only the pointer
# to --help (getopt's own message would come first, unprefixed); what it
# did otherwise is added to $bad.
one_error() {
	local c=$1 want=$2 err rc
	shift 2
	err=$("$T" "$c" "$@" 2>&1 >/dev/null)
	rc=$?
	[ $rc = 2 ] && [ "$(grep -c "^ima-test $c: " <<<"$err")" = 1 ] &&
		[[ $err == "ima-test $c: "*"$want"*$'\n'"Try 'ima-test $c --help'." ]] &&
		[ "$(wc -l <<<"$err")" = 2 ] && return 0
	bad+="$c $*: exit $rc: $err"$'\n'
}
bad=
for c in "${cmds[@]}"; do
	one_error "$c" "unrecognized option '--bogus'" --bogus
	one_error "$c" "invalid option -- 'Q'" -Q
done
[ ${#cmds[@]} -gt 0 ] && [ -z "$bad" ]
check_rc $? "every command: an unknown option is one line with the command's prefix" || diag "$bad"
bad=
one_error log "option '--list' requires an argument" --list
one_error hash "option requires an argument -- 'j'" -j
one_error log "option '--help' doesn't allow an argument" --help=x
one_error verify "option '--ev' is ambiguous" --ev
one_error keys "unrecognized option '--bogus'" list --bogus
[ -z "$bad" ]
check_rc $? "a missing or unwanted argument, an ambiguous option: named the same way" || diag "$bad"

# --- a tree through the worker pool ---
tree=$WORK/tree
for d in a a/b a/b/c d; do mkdir -p "$tree/$d"; done
i=0
for d in a a/b a/b/c d .; do
	for n in $(seq 1 60); do
		i=$((i + 1)); head -c $((i * 37)) /dev/urandom >"$tree/$d/f$n"
	done
done
find "$tree" -type f -exec sha256sum {} + | sort >"$WORK/before.sum"
find "$tree" -type f -print0 | sort -z | xargs -0 stat -c '%n %Y %s' >"$WORK/before.stat"
expect 0 "" "hash -r -j 4 over 300 files" -- "$T" hash $XU -r -j 4 "$tree"
n=$("$T" verify $XU -r -j 3 "$tree" | grep -c ': ok$')
[ "$n" = 300 ]
check_rc $? "verify -r: all 300 files ok ($n)"
good=1
for g in "$tree/f7" "$tree/a/b/c/f60"; do
	[ "$(xhex "$g")" = "0404$(sha256sum "$g" | cut -c1-64)" ] || good=0
done
[ $good = 1 ]
check_rc $? "hash -r wrote 04|04|sha256 of the content"
expect 0 "" "sign -r -j 2 over the tree" -- "$T" sign $XU -r -j 2 --key "$KEYS/p256.key" --hash sha384 "$tree"
a=$("$T" verify $XU -r -j 1 --cert "$KEYS/p256.pem" "$tree" | sort)
b=$("$T" verify $XU -r -j 8 --cert "$KEYS/p256.pem" "$tree" | sort)
[ "$a" = "$b" ] && [ "$(grep -c ': ok$' <<<"$a")" = 300 ]
check_rc $? "verify -j 1 and -j 8 give the same 300 ok lines"
find "$tree" -type f -exec sha256sum {} + | sort | cmp -s - "$WORK/before.sum"
check_rc $? "file contents unchanged by hash and sign"
find "$tree" -type f -print0 | sort -z | xargs -0 stat -c '%n %Y %s' | cmp -s - "$WORK/before.stat"
check_rc $? "file mtimes and sizes unchanged by hash and sign"
ln -s .. "$tree/a/up"
expect 0 "a/up/a: directory loop, not entered again" "--follow -r: a symlink loop is cut" -- timeout 60 "$T" hash $XU -r --follow "$tree/a"
expect 0 "a/up: symlink not followed" "-r without --follow: symlinks are not followed" -- "$T" hash $XU -r "$tree/a"

# --- other file systems below a tree ---
mnt=$WORK/mnt; mkdir -p "$mnt/sub" "$mnt/proc"; echo m >"$mnt/top"
if mount -t tmpfs none "$mnt/sub" 2>/dev/null; then
	echo s >"$mnt/sub/inner"
	out=$("$T" hash $XU -r -x -v "$mnt" 2>&1)
	rc=$?
	[ $rc = 0 ] && grep -q "mnt/sub: another file system, not entered (--one-file-system)" <<<"$out" &&
		grep -q "mnt/top: sha256" <<<"$out" && ! grep -q inner <<<"$out"
	check_rc $? "-x: a mount below the tree is not entered" || diag "$out"
	umount "$mnt/sub"
else
	skip "cannot mount tmpfs" "cannot mount tmpfs"
fi
if mount -t proc proc "$mnt/proc" 2>/dev/null; then
	expect 0 "mnt/proc: skipping pseudo file system \\(proc\\)" "-r: a proc mount below the tree is skipped with a note" -- timeout 60 "$T" hash $XU -r "$mnt"
	umount "$mnt/proc"
else
	skip "cannot mount proc" "cannot mount proc"
fi

# --- audit: one file per class ---
au=$WORK/audit; mkdir "$au"
for n in ok_digest ok_sig missing stale badsig unknownkey unsupported malformed; do echo "$n" >"$au/$n"; done
"$T" hash $XU "$au/ok_digest" "$au/stale"; echo x >>"$au/stale"
"$T" sign $XU --key "$KEYS/rsa2048.key" "$au/ok_sig" "$au/badsig"; echo x >>"$au/badsig"
"$T" sign $XU --key "$KEYS/rsa3072.key" "$au/unknownkey"
xset "$au/unsupported" 0411"$(printf '%064d' 0)"
xset "$au/malformed" 07
expect 1 "^summary: 8 files: 2 ok, 1 missing, 1 stale, 1 bad-signature, 1 unknown-key, 1 unsupported-algorithm, 1 malformed, 0 unreadable, 0 changed, 0 no-verity; 0 skipped, 0 errors$" \
	"audit text: summary counts every class" -- "$T" audit $XU -r --cert "$KEYS/rsa2048.pem" "$au"
out=$("$T" audit $XU -r --cert "$KEYS/rsa2048.pem" "$au")
! grep -q 'ok_' <<<"$out" && grep -q 'stale: stale' <<<"$out"
check_rc $? "audit text lists only files that are not ok"
expect 1 "ok_sig: ok" "audit -v lists ok files too" -- "$T" audit $XU -v -r --cert "$KEYS/rsa2048.pem" "$au"
"$T" audit $XU -r -j 4 --cert "$KEYS/rsa2048.pem" --format json "$au" >"$WORK/audit.json"
check_rc $(( $? != 1 )) "audit json exits 1 with findings"
python3 -c '
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
files = {r["path"].rsplit("/", 1)[1]: r for r in recs if "path" in r}
want = {"ok_digest": "ok", "ok_sig": "ok", "missing": "missing", "stale": "stale",
        "badsig": "bad-signature", "unknownkey": "unknown-key",
        "unsupported": "unsupported-algorithm", "malformed": "malformed"}
assert {k: v["status"] for k, v in files.items()} == want, files
assert files["ok_sig"]["kind"] == "signature" and files["ok_sig"]["algo"] == "sha256"
assert len(files["ok_sig"]["keyid"]) == 8
assert files["ok_digest"]["kind"] == "digest"
s = recs[-1]["summary"]
assert s["files"] == 8 and s["ok"] == 2 and s["malformed"] == 1, s
' "$WORK/audit.json"
check_rc $? "audit json: one object per file with status, kind, algo, keyid; summary object last"
rm "$au"/{missing,stale,badsig,unknownkey,unsupported,malformed}
expect 0 "summary: 2 files: 2 ok" "audit with nothing to report exits 0" -- "$T" audit $XU -r --cert "$KEYS/rsa2048.pem" "$au"

# --- verify JSON lines; user.ima is a separate attribute ---
"$T" verify $XU -j 1 --format json "$au/ok_digest" "$au/ok_sig" --cert "$KEYS/rsa2048.pem" >"$WORK/verify.json"
python3 -c '
import json, sys
a, b, s = [json.loads(l) for l in open(sys.argv[1])]
assert s["summary"]["files"] == 2 and s["summary"]["ok"] == 2, s
assert a["status"] == "ok" and a["kind"] == "digest" and a["algo"] == "sha256" and "keyid" not in a, a
assert b["status"] == "ok" and b["kind"] == "signature" and len(b["keyid"]) == 8, b
' "$WORK/verify.json"
check_rc $? "verify --format json: one object per file"
if [ -z "$XU" ]; then
	echo u >"$WORK/u"
	"$T" hash --xattr-user --hash sha1 "$WORK/u"
	[ "$(getfattr --absolute-names --only-values -n user.ima "$WORK/u" | od -An -tx1 | tr -d ' \n')" = "0402$(sha1sum "$WORK/u" | cut -c1-40)" ] &&
		! getfattr -n security.ima "$WORK/u" >/dev/null 2>&1
	check_rc $? "--xattr-user writes user.ima and leaves security.ima alone"
else
	skip "security.ima not settable here" "security.ima not settable here"
fi

# --- keylime runtime policy ---
echo k >"$au/plain"
(cd "$WORK" && "$T" audit $XU --cert "$KEYS/rsa2048.pem" --format keylime -r audit) >"$WORK/policy.json" 2>"$WORK/policy.err"
rc=$?
python3 -c '
import json, sys, hashlib, os
p = json.load(open(sys.argv[1]))
assert p["meta"]["version"] == 1 and "generator" in p["meta"], p["meta"]
for k in ("release", "digests", "excludes", "keyrings", "ima", "ima-buf", "verification-keys"):
    assert k in p, k
assert p["ima"]["log_hash_alg"] == "sha1" and p["ima"]["ignored_keyrings"] == []
want = {}
for n in ("ok_digest", "ok_sig", "plain"):
    path = os.path.join(sys.argv[2], n)
    want[path] = [hashlib.sha256(open(path, "rb").read()).hexdigest()]
p["digests"].pop("boot_aggregate", None)  # present when the host has an IMA log
assert p["digests"] == want, (p["digests"], want)
' "$WORK/policy.json" "$WORK/audit"
check_rc $? "audit --format keylime: a runtime policy with absolute paths and sha256 digests"
[ $rc = 1 ] && grep -q "summary: 3 files: 2 ok, 1 missing" "$WORK/policy.err"
check_rc $? "keylime: counts on stderr, exit 1 for the file without xattr"

# --- a file that changes while it is hashed ---
big=$WORK/big
head -c 300M /dev/zero >"$big" 2>/dev/null || dd if=/dev/zero of="$big" bs=1M count=300 2>/dev/null
changed() {	# run "$@" while $big is touched continuously; retry a few times
	local i out
	for i in 1 2 3; do
		( while :; do touch "$big"; sleep 0.002; done ) &
		local pid=$!
		out=$("$@" 2>&1)
		kill $pid; wait $pid 2>/dev/null
		grep -q "changed" <<<"$out" && { echo "$out"; return 0; }
	done
	echo "$out"; return 1
}
out=$(changed "$T" hash $XU "$big")
grep -q "big: changed while being hashed; not written" <<<"$out" && [ -z "$(xhex "$big")" ]
check_rc $? "hash: a file changed while hashed is reported, no xattr written" || diag "$out"
"$T" hash $XU "$big"
out=$(changed "$T" verify $XU "$big")
grep -q "big: changed (file changed while being hashed)" <<<"$out"
check_rc $? "verify: a file changed while hashed is 'changed', not 'stale'" || diag "$out"
rm -f "$big"

# --- progress on a terminal, none otherwise ---
pg=$WORK/progress; mkdir "$pg"
for n in $(seq 1 12); do head -c 1M /dev/zero >"$pg/f$n"; done
if command -v script >/dev/null; then
	IMA_TEST_PROGRESS_MS=0 script -qfec "$T hash $XU -r -j 2 $pg" /dev/null >"$WORK/tty.out" 2>&1
	grep -aqE $'\r[0-9]+ files' "$WORK/tty.out" && grep -aq $'\r\e\[K' "$WORK/tty.out"
	check_rc $? "a terminal sees a progress count on long runs, cleared at the end" || diag "$(od -c "$WORK/tty.out" | head)"
else
	skip "script(1) not installed" "script(1) not installed"
fi
IMA_TEST_PROGRESS_MS=0 "$T" hash $XU -r -j 2 "$pg" >"$WORK/notty.out" 2>&1
[ ! -s "$WORK/notty.out" ]
check_rc $? "no progress output when stderr is not a terminal"
rm -rf "$pg"

# --- static build for the initramfs ---
if [ -e /usr/lib/x86_64-linux-gnu/libcrypto.a ] || [ -e /usr/lib/libcrypto.a ]; then
	out=$(make -s -C "$TOOL_ROOT/tools/ima-test" static 2>&1)
	s=$TOOL_ROOT/tools/ima-test/ima-test.static
	file "$s" | grep -q 'statically linked' && "$s" --version | grep -q '^ima-test '
	check_rc $? "make static: a statically linked ima-test.static that runs" || diag "$out"
else
	skip "libcrypto.a not installed" "libcrypto.a not installed"
fi

# --- man page ---
man=$TOOL_ROOT/tools/ima-test/ima-test.8
out=$(LC_ALL=C groff -man -ww -z "$man" 2>&1)
[ -f "$man" ] && [ -z "$out" ]
check_rc $? "man page ima-test.8 renders without warnings" || diag "$out"
# A section per command under COMMANDS, in the table's order (a command's
# subsections, such as "log --quote", follow its own); SEE ALSO comes last.
mapfile -t documented < <(awk '/^\.SH / { sh = $0 } sh == ".SH COMMANDS" && /^\.SS / { n = $2; gsub(/\\-/, "-", n); print n }' "$man" | uniq)
[ ${#cmds[@]} -gt 0 ] && [ "${documented[*]}" = "${cmds[*]}" ] &&
	[ "$(grep '^\.SH ' "$man" | tail -1)" = ".SH SEE ALSO" ]
check_rc $? "man page documents the ${#cmds[@]} commands of the table in its order under COMMANDS, before SEE ALSO" ||
	diag "table: ${cmds[*]}; man page: ${documented[*]}; last section: $(grep '^\.SH ' "$man" | tail -1)"

finish
