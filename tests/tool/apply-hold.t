#!/bin/bash
# apply --hold labels a file at its first open, before the opener goes on,
# and only with the signature of the digest the file's content has: on a
# tmpfs of its own (a fanotify mark covers a whole file system), with the
# manifests of ima-test-apt and a script that is executed, a library-like
# file that is read, and a file whose content was not signed.  A manifest
# whose signature does not verify starts nothing.
. "$(dirname "$0")/lib.sh"

[ -x "$IMA_TEST" ] || skip_all "$IMA_TEST not built"
[ "$(id -u)" = 0 ] || skip_all "needs root (fanotify permission events, mount)"
setup_work
make_keys
T=$IMA_TEST
C=(--cert "$KEYS/rsa2048.pem")
fs=$WORK/fs
mkdir -p "$fs"
mount -t tmpfs -o size=16m tmpfs "$fs" 2>/dev/null || skip_all "cannot mount a tmpfs"
trap 'umount -l "$fs" 2>/dev/null; cleanup' EXIT
setfattr -n security.ima -v 0x01 "$fs" 2>/dev/null ||
	skip_all "this tmpfs takes no security.ima (an old kernel)"
"$T" apply --hold "${C[@]}" -m /dev/null --root "$fs" </dev/null >/dev/null 2>"$WORK/probe.err" &
sleep 0.5
kill $! 2>/dev/null
wait $! 2>/dev/null
grep -q 'fanotify_init\|file system of' "$WORK/probe.err" &&
	skip_all "no fanotify permission events here: $(head -n 1 "$WORK/probe.err")"
plan 14

# the content, signed where the key is; the files do not exist yet
# the script prints the label it has while it runs
cat >"$WORK/script" <<'EOF'
#!/bin/sh
getfattr -e hex -n security.ima "$0" 2>/dev/null | sed -n 's/^security.ima=0x//p'
EOF
printf 'a library, read\n' >"$WORK/lib"
printf 'nobody signed this\n' >"$WORK/other"
for f in script lib; do echo "$(sha256sum <"$WORK/$f" | cut -d' ' -f1)  usr/$f"; done |
	"$T" sign-hash --key "$KEYS/rsa2048.key" >"$WORK/m" 2>/dev/null
check "sign-hash made the manifest" test "$(wc -l <"$WORK/m")" = 2

"$T" apply --hold "${C[@]}" -m "$WORK/m" --root "$fs" -v </dev/null >"$WORK/out" 2>"$WORK/err" &
hold=$!
for _ in $(seq 50); do grep -qx ready "$WORK/out" 2>/dev/null && break; sleep 0.1; done
check "apply --hold says ready once it holds the opens" grep -qx ready "$WORK/out"
# written after the holder started, as dpkg writes them, under other names
cp "$WORK/script" "$fs/s.dpkg-new" && chmod 0755 "$fs/s.dpkg-new" && mv "$fs/s.dpkg-new" "$fs/s"
cp "$WORK/lib" "$fs/l"
cp "$WORK/other" "$fs/o"
x=$("$fs/s")
check "the script runs" test $? = 0
check "it had its signature when it ran (${x:0:8}...)" grep -q "  usr/script ${x:-none}$" "$WORK/m"
cat "$fs/l" >/dev/null
expect 0 ': ok|signed' "the file read got its signature, which verifies" -- "$T" verify "${C[@]}" "$fs/l"
cat "$fs/o" >/dev/null
# an open for writing is never the one that labels: IMA would refuse it
cp "$WORK/lib" "$fs/w"
if exec 4>>"$fs/w"; then
	x=$(getfattr -e hex -n security.ima "$fs/w" 2>/dev/null | sed -n 's/^security.ima=0x//p')
	exec 4>&-
	is "$x" "" "a file with signed content opened for writing is not labelled"
else
	not_ok "a file with signed content opened for writing is not labelled (the open failed)"
fi
cat "$fs/w" >/dev/null
x=$(getfattr -e hex -n security.ima "$fs/w" 2>/dev/null | sed -n 's/^security.ima=0x//p')
check "it is labelled at its next open for reading" test "${x:0:4}" = 0302
x=$(getfattr -e hex -n security.ima "$fs/o" 2>/dev/null | sed -n 's/^security.ima=0x//p')
is "$x" "" "a file whose content was not signed gets nothing"
kill "$hold"
wait "$hold"
rc=$?
is "$rc" 0 "SIGTERM ends it with status 0"
check "it says what it labelled" grep -Eq 'labelled 3 files' "$WORK/err"
check "no sanitizer report" sh -c "! grep -Eq 'AddressSanitizer|runtime error:|LeakSanitizer' '$WORK/err'"

# refusals before anything is held: the second line's signature on the
# first line's digest
bad=$(paste -d' ' <(sed -n 1p "$WORK/m" | cut -d' ' -f1-3) <(sed -n 2p "$WORK/m" | awk '{ print $NF }'))
echo "$bad" >"$WORK/bad"
expect 2 'does not verify with --cert: nothing held' \
	"a manifest line whose signature signs another digest starts nothing" -- \
	"$T" apply --hold "${C[@]}" -m "$WORK/bad" --root "$fs"
expect 2 'needs the manifests' "--hold without a manifest is a usage error" -- \
	"$T" apply --hold "${C[@]}" --root "$fs"
expect 2 'one --manifest at a time' "several manifests without --hold are refused" -- \
	"$T" apply "${C[@]}" -m "$WORK/m" -m "$WORK/m" --root "$fs"
finish
