#!/bin/bash
# Output that cannot lie: a failed write to stdout is exit 2 for every
# command; names and quoted policy text cannot hide or forge anything on a
# terminal (C1 controls, line separators, bidi controls are escaped) and a
# name holding ": " cannot forge a "PATH: STATUS" record.
. "$(dirname "$0")/lib.sh"

[ -x "$IMA_TEST" ] || skip_all "$IMA_TEST not built"
[ -w /dev/full ] || skip_all "no /dev/full"
setup_work
make_keys
T=$IMA_TEST
plan 17

d=$WORK/tree
mkdir -p "$d"
echo one >"$d/one"
"$T" hash $XU "$d/one"
P=$T_TMP/policy
echo "appraise func=FILE_CHECK" >"$P"

# full COMMAND...: stdout to /dev/full must give 2 and say why on stderr.
full() {
	local err rc
	err=$("$T" "$@" 2>&1 >/dev/full)
	rc=$?
	[ $rc = 2 ] && grep -q 'error writing standard output' <<<"$err" &&
		! grep -Eq 'AddressSanitizer|runtime error:' <<<"$err"
	check_rc $? "$1 > /dev/full: exit 2 (got $rc)" || diag "$err"
}
full --help
full hash $XU -v "$d/one"
full sign $XU -v --key "$KEYS/p256.key" --cert "$KEYS/p256.pem" "$d/one"
full verify $XU -v --cert "$KEYS/p256.pem" "$d/one"
full audit $XU -r "$d"
full audit $XU -r --format keylime "$d"
full ready $XU --policy "$P" "$d"
full keys --help
full close-check --help
"$T" hash $XU "$d/one"
"$T" audit $XU -r "$d" >/dev/null
check_rc $? "the same audit to a working stdout: exit 0"

# A name that reads as a record: "x: ok (y)" has no label, so it is missing.
forged="$d/x: ok (y)"
echo forged >"$forged"
out=$("$T" audit $XU -r "$d" 2>&1)
! grep -q "^$d/x: ok" <<<"$out" && grep -qF "$d/x\\x3a ok (y): missing" <<<"$out"
check_rc $? "a name holding ': ' cannot forge an ok record" || diag "$out"
# the first ": " of every record ends a name that exists
bad=0
while IFS= read -r line; do
	[ "${line#summary: }" != "$line" ] && continue
	name=${line%%: *}
	[ -e "$(printf '%b' "${name//\\x3a/:}")" ] || bad=1
done < <("$T" audit $XU -r "$d" 2>/dev/null)
[ $bad = 0 ]
check_rc $? "splitting each record at its first ': ' gives the file's name"
rm -f "$forged"

# hidden code points in names: C1 (as UTF-8 and as a raw byte), U+2028, RLO
hidden=$(printf 'h\xc2\x9b[2J\x9b\xe2\x80\xa8\xe2\x80\xaeexe.txt')
echo h >"$d/$hidden"
out=$("$T" audit $XU -r "$d" 2>&1)
grep -qF 'h\u009b[2J\x9b\u2028\u202eexe.txt: missing' <<<"$out"
check_rc $? "C1, U+2028 and bidi overrides in a name are escaped" || diag "$out"
! LC_ALL=C grep -q $'\xc2\x9b\|\xe2\x80\xa8\|\xe2\x80\xae\|\x9b' <<<"$out"
check_rc $? "none of them reaches the output raw"
rm -f "$d/$hidden"

# policy text quoted by ready: in a note line, and in an error
printf 'appraise obj_user=\xe2\x80\xaeX\xc2\x85 func=FILE_CHECK\n' >"$P.note"
out=$("$T" ready $XU --policy "$P.note" "$d" 2>&1)
grep -qF 'note: line 1: appraise obj_user=\u202eX\u0085 func=FILE_CHECK: cannot evaluate obj_user=\u202eX\u0085' <<<"$out" &&
	! LC_ALL=C grep -q $'\xe2\x80\xae\|\xc2\x85' <<<"$out"
check_rc $? "ready: policy text in note lines is escaped" || diag "$out"
printf 'appraise bog\xe2\x80\xa9us=1\n' >"$P.bad"
out=$("$T" ready $XU --policy "$P.bad" "$d" 2>&1)
rc=$?
[ $rc = 2 ] && grep -qF "unknown keyword 'bog\\u2029us'" <<<"$out" &&
	! LC_ALL=C grep -q $'\xe2\x80\xa9' <<<"$out"
check_rc $? "ready: policy text in errors is escaped" || diag "$out"
printf 'appraise bogus\x1b[2J=1\n' >"$P.esc"
out=$("$T" ready $XU --policy "$P.esc" "$d" 2>&1)
grep -qF 'bogus\x1b[2J' <<<"$out" && ! grep -q $'\x1b' <<<"$out"
check_rc $? "ready: a C0 escape in policy text is escaped too" || diag "$out"
finish
