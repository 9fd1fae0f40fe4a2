#!/bin/bash
# ima-test ready models opens for write: FILE_CHECK gets the open's real
# mask (MAY_WRITE, MAY_READ|MAY_WRITE, with MAY_APPEND for O_APPEND), mask=
# matches it exactly, and the kernel refuses to open a signed, appraised
# file for write (write-refused).  --access narrows the model.
. "$(dirname "$0")/lib.sh"

[ -x "$IMA_TEST" ] || skip_all "$IMA_TEST not built"
setup_work
T=$IMA_TEST
NOEVM="--evm-state $T_TMP/no-evm"
plan 17

K=$T_TMP/ima
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:prime256v1 -out "$K.key" 2>/dev/null
openssl req -x509 -new -key "$K.key" -out "$K.pem" -days 30 -subj "/CN=write" \
	-addext subjectKeyIdentifier=hash 2>/dev/null

R=$WORK/etc
mkdir -p "$R"
echo "listen 80" >"$R/service.conf"
echo "state" >"$R/hashed"
"$T" sign $XU --key "$K.key" --cert "$K.pem" "$R/service.conf" >/dev/null
"$T" hash $XU "$R/hashed"
P=$T_TMP/policy
pol() { printf '%s\n' "$@" >"$P"; }
ready() { "$T" ready $XU $NOEVM --cert "$K.pem" --policy "$P" "$@"; }

# A service rewriting its signed configuration: the kernel refuses the open.
pol "appraise func=FILE_CHECK"
out=$(ready "$R" 2>&1)
rc=$?
is "$rc" 1 "FILE_CHECK with any mask: exit 1"
grep -qx "$R/service.conf: write-refused (signed: the kernel refuses to open it for write; appraised on open for write by line 1: appraise func=FILE_CHECK)" <<<"$out"
check_rc $? "the signed file is write-refused, naming the access and the rule" || diag "$out"
grep -q "^summary: 2 files: 2 appraised, 0 not appraised; enforce would deny 1 (.* 1 write-refused, 0 other)$" <<<"$out"
check_rc $? "the hashed file may be rewritten (its hash is updated on close): 1 denial" || diag "$(tail -1 <<<"$out")"
grep -q "^accesses: open for read; open for write unless mounted read-only or immutable;" <<<"$out"
check_rc $? "the header names the write opens"

# mask= is compared with the whole mask of the open, as ima_match_rules() does.
pol "appraise func=FILE_CHECK mask=MAY_READ"
expect 0 ' 0 write-refused' "mask=MAY_READ: no write open has exactly MAY_READ" -- ready "$R"
pol "appraise func=FILE_CHECK mask=MAY_WRITE"
expect 1 "service.conf: write-refused .*appraised on open for write by line 1" "mask=MAY_WRITE: an O_WRONLY open" -- ready "$R"
pol "appraise func=FILE_CHECK mask=^MAY_APPEND"
expect 1 "service.conf: write-refused .*appraised on open for append by line 1" "mask=^MAY_APPEND: an O_APPEND open" -- ready "$R"
pol "appraise func=FILE_CHECK mask=MAY_APPEND"
expect 0 ' 0 appraised, 2 not appraised' "mask=MAY_APPEND: no open has MAY_APPEND alone" -- ready "$R"
echo plain >"$R/unlabelled"
pol "appraise func=FILE_CHECK mask=MAY_WRITE"
expect 1 "unlabelled: missing .*appraised on open for write by line 1" \
	"a file appraised only when opened for write: its missing label is a denial" -- ready "$R/unlabelled"
rm "$R/unlabelled"

# --access narrows the model; the default covers every access.
pol "appraise func=FILE_CHECK"
expect 0 'enforce would deny 0 \(' "--access read,exec,mmap: the signed file passes" -- ready --access read,exec,mmap "$R"
expect 0 '^accesses: open for read; mmap for exec' "... and the header says what is modelled" -- ready --access read,mmap "$R"
expect 1 ' 1 write-refused' "--access write: only the write opens" -- ready --access write "$R"
expect 2 "--access wants a list of read, write, exec and mmap, not 'read,open'" "--access with an unknown name: usage error" -- \
	ready --access read,open "$R"
expect 2 "--access wants" "--access with an empty element: usage error" -- ready --access read, "$R"

# Where no open for write can succeed, none is modelled.
if [ "$(id -u)" = 0 ] && chattr +i "$R/service.conf" 2>/dev/null; then
	expect 0 ' 0 write-refused' "an immutable file (chattr +i) cannot be opened for write" -- ready "$R/service.conf"
	chattr -i "$R/service.conf"
else
	ok "# SKIP chattr +i is not possible here"
fi
M=$T_TMP/ro
mkdir -p "$M"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=8m ima-test-ro "$M" 2>/dev/null; then
	T_UMOUNT=$M
	trap 'umount "$T_UMOUNT" 2>/dev/null; cleanup' EXIT
	cp --preserve=xattr "$R/service.conf" "$M/"
	mount -o remount,ro "$M"
	expect 0 ' 0 write-refused' "on a read-only mount the signed file passes" -- ready "$M"
	mount -o remount,rw "$M"
	expect 1 ' 1 write-refused' "the same file once the mount is writable" -- ready "$M"
	umount "$M"
else
	ok "# SKIP cannot mount a tmpfs here"
	ok "# SKIP cannot mount a tmpfs here"
fi
finish
