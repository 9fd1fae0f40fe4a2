#!/bin/bash
# audit --format keylime: a runtime policy Keylime enforces.  The output is
# validated against the schema Keylime checks (keylime/ima/ima.py
# RUNTIME_POLICY_SCHEMA, written out in data/), its generator makes a
# verifier ask for the IMA log, it lists the boot_aggregate, its names are
# the kernel's measurement names (spaces as '_') and its digests are of the
# algorithm asked for; a measurement list made from the same files is then
# matched entry by entry the way Keylime's ima-ng validator matches it.
. "$(dirname "$0")/lib.sh"

[ -x "$IMA_TEST" ] || skip_all "$IMA_TEST not built"
python3 -c 'import jsonschema' 2>/dev/null || skip_all "python3-jsonschema not installed"
setup_work
make_keys
T=$IMA_TEST
DATA=$TOOL_ROOT/tests/tool/data
plan 15

tree=$WORK/tree
mkdir -p "$tree/with space/sub"
echo one >"$tree/plain"
echo two >"$tree/with space/a file"
printf 'three' >"$tree/with space/sub/x"
BA=0123456789ABCDEF0123456789abcdef0123456789ABCDEF0123456789abcdef
ba=$(tr A-F a-f <<<"$BA")

# check POLICY ALGO BOOT_AGGREGATE [PEM]: schema, generator, boot_aggregate,
# names and digests, and the simulated Keylime lookup; prints what is wrong.
check() {
	python3 - "$@" "$DATA" "$tree" <<'PY'
import hashlib, json, os, sys, base64, subprocess
import jsonschema
pol_file, algo, ba, pem = sys.argv[1:5]
data, tree = sys.argv[5:7]
pol = json.load(open(pol_file))
jsonschema.validate(pol, json.load(open(os.path.join(data, "keylime-runtime-policy.schema.json"))))
assert pol["meta"]["version"] == 1, pol["meta"]
assert pol["meta"]["generator"] == 3, "generator %r: a verifier asks for the IMA log only from 2 on" % pol["meta"]["generator"]
assert pol["ima"] == {"ignored_keyrings": [], "log_hash_alg": "sha1", "dm_policy": None}, pol["ima"]
dig = pol["digests"]
if ba:
    assert dig.get("boot_aggregate") == [ba], dig.get("boot_aggregate")
else:
    assert "boot_aggregate" not in dig
# the measurement list the kernel would write for these files (ima-ng)
log = [("boot_aggregate", ba)] if ba else []
for root, _, files in os.walk(tree):
    for f in files:
        p = os.path.join(root, f)
        log.append((p.replace(" ", "_"), hashlib.new(algo, open(p, "rb").read()).hexdigest()))
# Keylime's ima-ng check: the name is a key of digests, the hex is listed
for name, hx in log:
    assert name in dig, "%s not in the policy (have %s)" % (name, sorted(dig))
    assert hx in dig[name], "%s: %s not in %s" % (name, hx, dig[name])
assert len(dig) == len(log), "extra entries: %s" % sorted(set(dig) - {n for n, _ in log})
keys = pol["verification-keys"]
if pem == "-":
    assert keys == "", keys
else:
    ring = json.loads(keys)
    jsonschema.validate(ring, json.load(open(os.path.join(data, "keylime-keyring.schema.json"))))
    spki = subprocess.run(["openssl", "x509", "-in", pem, "-noout", "-pubkey"], capture_output=True, check=True).stdout
    der = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "DER"], input=spki, capture_output=True, check=True).stdout
    ski = subprocess.run(["openssl", "x509", "-in", pem, "-noout", "-ext", "subjectKeyIdentifier"], capture_output=True, check=True).stdout.decode().split("\n")[1].strip().replace(":", "")
    assert ring["pubkeys"] == [base64.b64encode(der).decode()], ring["pubkeys"]
    assert ring["keyids"] == [int(ski[-8:], 16)], (ring["keyids"], ski)
PY
}

out=$("$T" audit --format keylime --boot-aggregate "$BA" -r "$tree" 2>"$T_TMP/err")
rc=$?
[ $rc = 1 ]
check_rc $? "audit --format keylime of unlabelled files: exit 1 (got $rc)"
echo "$out" >"$T_TMP/p.json"
err=$(check "$T_TMP/p.json" sha256 "$ba" - 2>&1)
check_rc $? "default: valid against Keylime's schema, generator 3, boot_aggregate, kernel names, sha256" || diag "$err"

for a in sha1 sha384 sha512; do
	"$T" audit --format keylime --hash-algo $a --boot-aggregate "$BA" -r "$tree" >"$T_TMP/$a.json" 2>/dev/null
	err=$(check "$T_TMP/$a.json" $a "$ba" - 2>&1)
	check_rc $? "--hash-algo $a: every entry a $a digest Keylime finds" || diag "$err"
done

# the boot_aggregate from a measurement list (the live one by default)
L=$T_TMP/ascii_runtime_measurements
printf '10 %s ima-ng sha256:%s boot_aggregate\n10 %s ima-ng sha256:%s /usr/bin/true\n' \
	"$(printf %040d 7)" "$ba" "$(printf %040d 8)" "$(printf %064d 9)" >"$L"
"$T" audit --format keylime --ima-measurement-list "$L" -r "$tree" >"$T_TMP/list.json" 2>/dev/null
err=$(check "$T_TMP/list.json" sha256 "$ba" - 2>&1)
check_rc $? "boot_aggregate read from the measurement list (ima-ng record)" || diag "$err"
printf '10 %s ima %s boot_aggregate\n' "$(printf %040d 7)" "$(printf %040d 5)" >"$L.ima"
"$T" audit --format keylime --ima-measurement-list "$L.ima" -r "$tree" >"$T_TMP/ima.json" 2>/dev/null
err=$(check "$T_TMP/ima.json" sha256 "$(printf %040d 5)" - 2>&1)
check_rc $? "boot_aggregate read from an 'ima' template record" || diag "$err"
printf '10 %s ima-ngv2 ima:sha256:%s boot_aggregate\n' "$(printf %040d 7)" "$ba" >"$L.ngv2"
"$T" audit --format keylime --ima-measurement-list "$L.ngv2" -r "$tree" >"$T_TMP/ngv2.json" 2>/dev/null
err=$(check "$T_TMP/ngv2.json" sha256 "$ba" - 2>&1)
check_rc $? "boot_aggregate read from an ima-ngv2 record (ima:sha256:HEX)" || diag "$err"
if [ -r /sys/kernel/security/ima/ascii_runtime_measurements ]; then
	live=$(head -n 1 /sys/kernel/security/ima/ascii_runtime_measurements | cut -d' ' -f4)
	"$T" audit --format keylime -r "$tree" >"$T_TMP/live.json" 2>/dev/null
	err=$(check "$T_TMP/live.json" sha256 "${live#*:}" - 2>&1)
	check_rc $? "boot_aggregate read from the live measurement list" || diag "$err"
else
	"$T" audit --format keylime -r "$tree" >"$T_TMP/live.json" 2>"$T_TMP/live.err"
	err=$(check "$T_TMP/live.json" sha256 "" - 2>&1) &&
		grep -q 'warning: no boot_aggregate in the policy' "$T_TMP/live.err"
	check_rc $? "no measurement list: no boot_aggregate, and a warning that says so" || diag "$err"
fi

# --cert keys become the verification keys
"$T" audit --format keylime --cert "$KEYS/rsa2048.pem" --boot-aggregate "$BA" -r "$tree" >"$T_TMP/keys.json" 2>/dev/null
err=$(check "$T_TMP/keys.json" sha256 "$ba" "$KEYS/rsa2048.pem" 2>&1)
check_rc $? "--cert: verification-keys is a keyring JSON string with its key and keyid" || diag "$err"
"$T" audit --format keylime --cert "$KEYS/p256.pem" --boot-aggregate "$BA" -r "$tree" >"$T_TMP/ec.json" 2>/dev/null
err=$(check "$T_TMP/ec.json" sha256 "$ba" "$KEYS/p256.pem" 2>&1)
check_rc $? "--cert (EC): the same" || diag "$err"

# bad input: exit 2 and no policy
nothing() {	# nothing DESC REGEX ARGS...
	local desc=$1 re=$2 out rc
	shift 2
	out=$("$T" "$@" 2>"$T_TMP/bad.err")
	rc=$?
	[ $rc = 2 ] && [ -z "$out" ] && grep -Eq -- "$re" "$T_TMP/bad.err"
	check_rc $? "$desc" || diag "exit $rc: $(cat "$T_TMP/bad.err")"
}
nothing "a boot aggregate that is not a digest: exit 2, nothing written" "is not the hex digest" \
	audit --format keylime --boot-aggregate 12345 -r "$tree"
nothing "a measurement list that does not start with boot_aggregate: exit 2" "does not start with a boot_aggregate" \
	audit --format keylime --ima-measurement-list /dev/null -r "$tree"
nothing "--hash-algo without --format keylime: exit 2" "is for --format keylime" \
	audit --hash-algo sha1 -r "$tree"
nothing "an unknown --hash-algo: exit 2" "unsupported hash algorithm" \
	audit --format keylime --hash-algo md4 -r "$tree"
finish
