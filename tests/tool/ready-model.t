#!/bin/bash
# ima-test ready models every access the kernel appraises: executable
# mappings of files without an execute bit (a copy of this system's shared
# libraries), noexec mounts, EVM's state, and the processes the policy's
# uid/gid conditions name.  Over-report, never under-report (ima-test.8).
. "$(dirname "$0")/lib.sh"

[ -x "$IMA_TEST" ] || skip_all "$IMA_TEST not built"
[ "$(id -u)" = 0 ] || skip_all "needs root: copies of system libraries owned by root, a noexec mount"
LIBDIR=${IMA_TEST_LIBDIR:-/lib/x86_64-linux-gnu}
[ -d "$LIBDIR" ] || skip_all "no $LIBDIR to copy libraries from"
setup_work
T=$IMA_TEST
EVMNAME=${XNAME%.ima}.evm
NOEVM="--evm-state $T_TMP/no-evm"
# EVM's xattr list where the running kernel's cannot be found (the last source)
EVMX="--evm-xattrs security.ima,security.capability"
plan 29

# --- a copy of a real library tree, hash-labelled ---
L=$WORK/lib
mkdir -p "$L"
find "$LIBDIR" -maxdepth 1 -type f -name '*.so*' | sort | head -n 40 | xargs cp -p -t "$L"
n=$(find "$L" -type f | wc -l)
nx=$(find "$L" -type f ! -perm /111 | wc -l)
[ "$n" -ge 10 ] && [ "$nx" -ge 1 ]
check_rc $? "the sample: $n libraries from $LIBDIR, $nx of them without an execute bit"
"$T" hash $XU -r "$L" >/dev/null
labelled=$(getfattr -R --absolute-names -n "$XNAME" "$L" 2>/dev/null | grep -c "^$XNAME=")
[ "$labelled" = "$n" ]
check_rc $? "every library is hash-labelled ($labelled of $n)"

printf '%s\n' "appraise func=MMAP_CHECK mask=MAY_EXEC appraise_type=imasig" >"$T_TMP/mmap"
out=$("$T" ready $XU $NOEVM --policy "$T_TMP/mmap" "$L" 2>&1)
rc=$?
[ $rc = 1 ]
check_rc $? "MMAP_CHECK imasig over hash-labelled libraries: exit 1 (got $rc)"
grep -q "^summary: $n files: $n appraised, 0 not appraised; enforce would deny $n (0 missing, 0 stale, 0 bad-signature, 0 unknown-key, $n signature-required, 0 write-refused, 0 other)$" <<<"$out"
check_rc $? "all $n libraries are signature-required denials, the 0644 ones too" ||
	diag "$(tail -3 <<<"$out")"
f=$(find "$L" -type f ! -perm /111 | sort | head -n 1)
grep -qx "$f: signature-required (sha256 digest where a signature is required; appraised on mmap by line 1: appraise func=MMAP_CHECK mask=MAY_EXEC appraise_type=imasig)" <<<"$out"
check_rc $? "a 0644 library is denied on mmap, naming the rule"
for pol in "appraise func=MMAP_CHECK_REQPROT mask=MAY_EXEC appraise_type=imasig" \
	   "appraise mask=^MAY_EXEC appraise_type=imasig"; do
	printf '%s\n' "$pol" >"$T_TMP/p"
	expect 1 " enforce would deny $n .*$n signature-required" "$pol: all $n denied" -- \
		"$T" ready $XU $NOEVM --policy "$T_TMP/p" "$L"
done
printf '%s\n' "appraise func=BPRM_CHECK mask=MAY_EXEC appraise_type=imasig" >"$T_TMP/p"
expect 1 "^summary: $n files: $((n - nx)) appraised" "BPRM_CHECK: only the $((n - nx)) with an execute bit" -- \
	"$T" ready $XU $NOEVM --policy "$T_TMP/p" "$L"

# --- noexec: nothing there can be mapped executable ---
M=$T_TMP/noexec
mkdir -p "$M"
if mount -t tmpfs -o noexec,size=64m ima-test-noexec "$M" 2>/dev/null; then
	T_UMOUNT=$M
	trap 'umount "$T_UMOUNT" 2>/dev/null; cleanup' EXIT
	cp -p "$f" "$M/"
	"$T" hash $XU "$M/${f##*/}" >/dev/null
	expect 0 " 0 appraised, 1 not appraised" "on a noexec mount MMAP_CHECK applies to nothing" -- \
		"$T" ready $XU $NOEVM --policy "$T_TMP/mmap" "$M"
	mount -o remount,exec "$M"
	expect 1 " 1 appraised, 0 not appraised.* 1 signature-required" "the same file once the mount allows exec" -- \
		"$T" ready $XU $NOEVM --policy "$T_TMP/mmap" "$M"
	umount "$M"
else
	ok "# SKIP cannot mount a tmpfs here"
	ok "# SKIP cannot mount a tmpfs here"
fi

# --- EVM ---
E=$WORK/evm
mkdir -p "$E"
echo plain >"$E/plain"
echo hmac >"$E/hmac"
echo short >"$E/short"
echo sig >"$E/sig"
echo odd >"$E/odd"
"$T" hash $XU -r "$E" >/dev/null
hmac=02$(printf '%040x' 7)
setfattr -n "$EVMNAME" -v "0x$hmac" "$E/hmac"
setfattr -n "$EVMNAME" -v "0x02abcdef" "$E/short"
# a well-formed v2 signature header: sha256, keyid, 4 bytes of signature
setfattr -n "$EVMNAME" -v "0x03020411223344000401020304" "$E/sig"
setfattr -n "$EVMNAME" -v "0x07$(printf '%040x' 7)" "$E/odd"
echo "appraise" >"$T_TMP/all"
state() { printf '%s\n' "$1" >"$T_TMP/evm"; }
# shellcheck disable=SC2120 # extra options, where a test gives any
ev() { "$T" ready $XU --evm-state "$T_TMP/evm" $EVMX --policy "$T_TMP/all" "$@" "$E" 2>&1; }

state 0
expect 0 "^evm: not initialised \($T_TMP/evm = 0\)$" "evm 0: not initialised, nothing more required" -- ev
state 4
expect 0 "^evm: not initialised" "evm 4 (EVM_ALLOW_METADATA_WRITES alone): no key, not initialised" -- ev
state 1
out=$(ev)
rc=$?
[ $rc = 1 ] && grep -q "^evm: initialised ($T_TMP/evm = 1): $EVMNAME is required" <<<"$out"
check_rc $? "evm 1 (EVM_INIT_HMAC): initialised, exit 1 (got $rc)"
grep -qx "$E/plain: evm-missing (no $EVMNAME (the kernel's missing-HMAC); appraised on open by line 1: appraise)" <<<"$out"
check_rc $? "evm 1: a file without $EVMNAME is denied"
grep -qx "$E/short: evm-invalid ($EVMNAME HMAC of 4 bytes (the kernel wants 21); appraised on open by line 1: appraise)" <<<"$out" &&
	grep -qx "$E/odd: evm-invalid ($EVMNAME of unknown type 7; appraised on open by line 1: appraise)" <<<"$out"
check_rc $? "evm 1: a short HMAC and an unknown type are invalid"
grep -q "; enforce would deny 5 (0 missing, 0 stale, 0 bad-signature, 0 unknown-key, 0 signature-required, 0 write-refused, 1 evm-missing, 4 evm-invalid, 0 other)$" <<<"$out"
check_rc $? "evm 1: the summary counts 1 evm-missing, 4 evm-invalid" || diag "$(tail -1 <<<"$out")"
# Well-formed is not verified: an HMAC without --evm-key, a signature whose
# key no --cert has, are denials (the kernel checks them; ready must not pass them).
grep -qx "$E/hmac: evm-invalid (HMAC not verified: no --evm-key to check it with, and the kernel will; appraised on open by line 1: appraise)" <<<"$out" &&
	grep -qx "$E/sig: evm-invalid (unknown-key: EVM signature by keyid 11223344: no certificate given (--cert); appraised on open by line 1: appraise)" <<<"$out"
check_rc $? "evm 1: a well-formed HMAC or signature that cannot be verified is denied, never passed"
# An HMAC checked with a key it was not made with is invalid.
printf '%064x' 5 >"$T_TMP/evm.hex"
expect 1 "$E/hmac: evm-invalid \(invalid-hmac: " "evm 1 with --evm-key: an HMAC made with another key is invalid-hmac" -- \
	ev --evm-key "$T_TMP/evm.hex"
# A portable signature that verifies with --cert passes; with another
# certificate it is denied.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T_TMP/evm.key" -out "$T_TMP/evm.pem" -days 2 \
	-subj /CN=evm -addext subjectKeyIdentifier=hash 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T_TMP/other.key" -out "$T_TMP/other.pem" -days 2 \
	-subj /CN=other -addext subjectKeyIdentifier=hash 2>/dev/null
P=$WORK/evm-portable
mkdir -p "$P"
echo portable >"$P/f"
"$T" sign $XU --evm --key "$T_TMP/evm.key" --cert "$T_TMP/evm.pem" "$P/f" >/dev/null 2>&1
expect 0 "" "evm 1: a portable EVM signature that verifies with --cert passes read, exec and mmap" -- \
	"$T" ready $XU --access read,exec,mmap --evm-state "$T_TMP/evm" $EVMX --policy "$T_TMP/all" --cert "$T_TMP/evm.pem" "$P"
expect 1 "$P/f: write-refused \(signed: " "evm 1: ... but the kernel refuses to open it for write (immutable)" -- \
	"$T" ready $XU --evm-state "$T_TMP/evm" $EVMX --policy "$T_TMP/all" --cert "$T_TMP/evm.pem" "$P"
expect 1 "$P/f: (evm-invalid \()?unknown-key" "evm 1: the same signatures with another --cert are denied" -- \
	"$T" ready $XU --evm-state "$T_TMP/evm" $EVMX --policy "$T_TMP/all" --cert "$T_TMP/other.pem" "$P"
state 2
expect 1 "$E/hmac: evm-invalid \($EVMNAME is an HMAC, but no EVM HMAC key is loaded" \
	"evm 2 (EVM_INIT_X509 only): an HMAC cannot be checked, so it is denied" -- ev
state 3
expect 1 "enforce would deny 5 " "evm 3: the same five denials as evm 1" -- ev
state "x"
expect 2 "$T_TMP/evm: not an EVM state" "an EVM state that is not a number: exit 2" -- ev
expect 1 "^evm: assumed initialised \(cannot read $T_TMP: .*\): $EVMNAME is required" \
	"an EVM state that cannot be read is assumed initialised" -- \
	"$T" ready $XU --evm-state "$T_TMP" $EVMX --policy "$T_TMP/all" "$E"
expect 0 "^evm: not modelled \($T_TMP/no-evm does not exist\)" "no EVM state file: EVM not modelled" -- \
	"$T" ready $XU $NOEVM --policy "$T_TMP/all" "$E"

# --- the processes modelled come from the policy ---
echo unlabelled >"$E/unlabelled"
printf '%s\n' "dont_appraise gid<500" "appraise" >"$T_TMP/p"
expect 1 "^accesses: .* by uid 0 gid 0,499,500,501$" "gid<500: gids sampled either side of 500" -- \
	"$T" ready $XU $NOEVM --policy "$T_TMP/p" "$E"
expect 1 "$E/unlabelled: missing \(no $XNAME; appraised on open for uid 0 gid 500 by line 2: appraise\)" \
	"gid<500: a process in group 500 is not exempt, so an unlabelled file is denied" -- \
	"$T" ready $XU $NOEVM --policy "$T_TMP/p" "$E"
printf '%s\n' "appraise uid=5 euid=5" >"$T_TMP/p"
expect 2 "line 1: bad or second euid=5 \(decimal id; one of uid/euid" "uid= and euid= in one rule: refused, as the kernel does" -- \
	"$T" ready $XU $NOEVM --policy "$T_TMP/p" "$E"
finish
