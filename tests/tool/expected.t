#!/bin/bash
# The output of every command, byte for byte: each case runs ima-test on a
# fixture tree built here (fixed contents, fixed RSA keys, labels written by
# hash and sign) and compares exit status, stdout and stderr with
# tests/expected/COMMAND/CASE, so that a change of wording is a visible diff.
# IMA_TEST_UPDATE_EXPECTED=1 rewrites the expected files instead (then read
# the git diff).  The format and the normalisation: tests/expected/README.
. "$(dirname "$0")/lib.sh"

[ -x "$IMA_TEST" ] || skip_all "$IMA_TEST not built"
command -v python3 >/dev/null || skip_all "no python3 (tests/tool/loggen.py)"
EXP=$TOOL_ROOT/tests/expected
UPDATE=${IMA_TEST_UPDATE_EXPECTED:-0}
setup_work
# The expected files name security.ima; where only user.ima can be set the
# messages differ, and rewriting them here would hide a real difference.
[ -z "$XU" ] || skip_all "security.ima cannot be set in $T_TMP or /dev/shm"
T=$IMA_TEST
# messages of getopt and strerror in English whatever the locale
export LC_ALL=C

# --- normalisation (documented in tests/expected/README) ---
re_lit() { printf '%s' "$1" | sed 's/[][\.*^$|/]/\\&/g'; }
SED_WORK=$(re_lit "$WORK")
SED_TMP=$(re_lit "$T_TMP")
normalise() {
	sed -E -e "s/$SED_WORK/@WORK@/g" -e "s/$SED_TMP/@TMP@/g" \
		-e 's/"timestamp":"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z"/"timestamp":"@TIMESTAMP@"/g'
}

# emit FILE: FILE normalised; one not ending in a newline gets one and the
# line '\ no newline at end', so the sections stay apart.
emit() {
	normalise <"$1"
	if [ -s "$1" ] && [ "$(tail -c 1 "$1" | od -An -tx1 | tr -d ' ')" != 0a ]; then
		printf '\n\\ no newline at end\n'
	fi
}

# case COMMAND/CASE [< INPUT] -- ARGS...: runs "ima-test ARGS" in $WORK with
# stdin from INPUT (default /dev/null) and compares with tests/expected.
case_() {
	local name=$1 in=/dev/null rc got=$T_TMP/got want=$EXP/$1
	shift
	if [ "$1" = "<" ]; then
		in=$2
		shift 2
	fi
	shift	# --
	(cd "$WORK" && exec "$T" "$@" <"$in" >"$T_TMP/out" 2>"$T_TMP/err")
	rc=$?
	{
		printf 'exit %d\n--- stdout\n' "$rc"
		emit "$T_TMP/out"
		printf -- '--- stderr\n'
		emit "$T_TMP/err"
	} >"$got"
	if grep -Eq 'ERROR: AddressSanitizer|runtime error:|LeakSanitizer' "$T_TMP/err"; then
		not_ok "$name: sanitizer report"
		diag "$(cat "$T_TMP/err")"
	elif [ "$UPDATE" = 1 ]; then
		mkdir -p "$(dirname "$want")"
		cp "$got" "$want"
		ok "$name (rewritten)"
	elif cmp -s "$want" "$got"; then
		ok "$name (exit $rc)"
	else
		not_ok "$name (exit $rc)"
		diag "$(diff -u --label "tests/expected/$name" --label "output" "$want" "$got" 2>&1)"
	fi
}

# --- the fixture: all names relative to $WORK ---
cd "$WORK" || bail "cannot enter $WORK"
mkdir keys tree tree/sub root root/bin lists
for k in a b; do
	cp "$EXP/fixture/test-$k.key" "$EXP/fixture/test-$k.pem" keys/
	chmod 600 "keys/test-$k.key"
done
printf 'hashed\n' >tree/hashed
printf 'signed\n' >tree/signed
printf 'missing\n' >tree/missing
printf 'stale\n' >tree/stale
printf 'bad signature\n' >tree/badsig
printf 'unknown key\n' >tree/unknown
printf 'malformed\n' >tree/malformed
printf 'with a space\n' >"tree/with space"
printf 'nested\n' >tree/sub/nested
ln -s hashed tree/link
printf 'not a certificate\n' >keys/junk.pem
cat keys/test-a.pem keys/test-b.pem >keys/two.pem
printf 'CONFIG_INTEGRITY_SIGNATURE=y\n# CONFIG_INTEGRITY_TRUSTED_KEYRING is not set\n' >kernel-config
printf '0\n' >evm-state
cat >policy <<'EOF'
# a small fixed policy for ready
dont_appraise func=FILE_CHECK uid=1000
appraise func=FILE_CHECK mask=MAY_READ
appraise func=BPRM_CHECK appraise_type=imasig
EOF
printf 'appraise func=FILE_CHECK bogus=1\n' >policy-bad
FILES=(tree/badsig tree/hashed tree/malformed tree/missing tree/signed tree/stale tree/unknown "tree/with space")
C=(--cert keys/test-a.pem)

# The labels: written by the cases of hash and sign, then spoiled.
case_ hash/verbose -- hash -j 1 -v tree/hashed tree/stale "tree/with space"
case_ hash/sha1 -- hash -j 1 -v -a sha1 tree/sub/nested
case_ sign/verbose -- sign -j 1 -v --key keys/test-a.key "${C[@]}" tree/signed tree/badsig
case_ sign/quiet -- sign -j 1 --key keys/test-b.key --cert keys/test-b.pem tree/unknown
echo changed >>tree/stale
echo changed >>tree/badsig
setfattr -n security.ima -v 0x0302 tree/malformed
case_ sign/cert-mismatch -- sign -j 1 --key keys/test-b.key "${C[@]}" tree/missing
case_ sign/no-key -- sign tree/missing
case_ sign/pass-refused -- sign --pass secret --key keys/test-a.key tree/missing
case_ sign/bad-option -- sign --bogus
case_ hash/no-path -- hash
case_ hash/bad-algo -- hash -a md5 tree/missing

# verify
case_ verify/files -- verify -j 1 "${C[@]}" "${FILES[@]}"
case_ verify/json -- verify -j 1 --format json "${C[@]}" "${FILES[@]}"
case_ verify/recursive -- verify -j 1 -r "${C[@]}" tree
case_ verify/symlink -- verify -j 1 "${C[@]}" tree/link
case_ verify/follow -- verify -j 1 --follow "${C[@]}" tree/link
case_ verify/no-cert -- verify -j 1 tree/signed tree/hashed
case_ verify/no-path -- verify
case_ verify/bad-option -- verify --bogus

# audit
case_ audit/text -- audit -j 1 -r "${C[@]}" tree
case_ audit/verbose -- audit -j 1 -v -r "${C[@]}" tree
case_ audit/json -- audit -j 1 -r --format json "${C[@]}" tree
case_ audit/bad-format -- audit --format xml tree
case_ audit/bad-option -- audit --bogus

# log: lists and PCR files from loggen (fixed seed)
python3 "$TOOL_ROOT/tests/tool/loggen.py" make lists --entries 4 --seed 7 >/dev/null ||
	bail "loggen.py make failed"
cp lists/bin_sha256 lists/bad_sha256
python3 "$TOOL_ROOT/tests/tool/loggen.py" mutate lists/bin_sha256 lists/bad_sha256 32 digest 3 >/dev/null ||
	bail "loggen.py mutate failed"
case_ log/binary -- log --list lists/bin_sha256 --pcrs sha256,lists/pcrs_sha256
case_ log/ascii -- log --list lists/ascii_sha1 --pcrs sha1,lists/pcrs_sha1 --pcrs sha256,lists/pcrs_sha256
case_ log/sha1-only -- log --list lists/ascii_sha1 --pcrs sha1,lists/pcrs_sha1
case_ log/json -- log --format json --list lists/bin_sha256 --pcrs sha256,lists/pcrs_sha256
case_ log/mismatch -- log --list lists/bad_sha256 --pcrs sha256,lists/pcrs_sha256
case_ log/mismatch-json -- log --format json --list lists/bad_sha256 --pcrs sha256,lists/pcrs_sha256
case_ log/no-list -- log --list lists/absent --pcrs sha256,lists/pcrs_sha256
case_ log/bad-option -- log --bogus

# audit --format keylime: the boot aggregate from loggen's list
case_ audit/keylime -- audit -j 1 -r --format keylime --ima-measurement-list lists/ascii_sha1 "${C[@]}" tree
case_ audit/keylime-aggregate -- audit -j 1 --format keylime --hash-algo sha1 \
	--boot-aggregate 0123456789abcdef0123456789abcdef01234567 tree/hashed

# ready
case_ ready/text -- ready -j 1 --policy policy --evm-state evm-state "${C[@]}" tree
case_ ready/json -- ready -j 1 --format json --policy policy --evm-state evm-state "${C[@]}" tree
case_ ready/read-only -- ready -j 1 --access read --policy policy --evm-state evm-state "${C[@]}" tree
case_ ready/bad-policy -- ready --policy policy-bad --evm-state evm-state tree
case_ ready/bad-option -- ready --bogus

# keys: only what is refused before any keyring is looked up
case_ keys/not-a-cert -- keys add --kernel-config kernel-config keys/junk.pem
case_ keys/two-certs -- keys add --kernel-config kernel-config keys/two.pem
case_ keys/no-config -- keys add --kernel-config absent-config keys/test-a.pem
case_ keys/no-subcommand -- keys
case_ keys/unknown-subcommand -- keys remove
case_ keys/add-no-cert -- keys add
case_ keys/bad-option -- keys --bogus

# sign-hash and apply --dry-run on its manifest
printf 'root bin\n' >root/bin/prog
printf 'root lib\n' >root/bin/lib
printf 'with a space\n' >"root/bin/sp ace"
(cd root && sha256sum bin/lib bin/prog "bin/sp ace") >sums
case_ sign-hash/manifest "<" sums -- sign-hash -j 1 --key keys/test-a.key
(cd root && sha256sum bin/lib bin/prog) >sums-short
"$T" sign-hash -j 1 --key keys/test-a.key <sums-short >manifest 2>/dev/null
printf 'changed\n' >>root/bin/lib
case_ sign-hash/empty -- sign-hash --key keys/test-a.key
case_ sign-hash/bad-line "<" policy -- sign-hash --key keys/test-a.key
case_ sign-hash/bad-option -- sign-hash --bogus
case_ apply/dry-run -- apply --dry-run -v "${C[@]}" --manifest manifest --root root
case_ apply/unknown-key -- apply --dry-run -v --cert keys/test-b.pem --manifest manifest --root root
case_ apply/no-cert -- apply --manifest manifest --root root
case_ apply/bad-option -- apply --bogus

finish
