#!/bin/bash
# The attestation reference after a package upgrade: audit --format keylime
# --manifest puts into a Keylime policy only the digests whose signatures
# verify with --cert, under "/NAME"; log takes several --reference and
# allows a digest any of them allows.  A measurement list of the upgraded
# files is checked against the old reference alone (they are findings),
# then with the manifests' reference beside it (they are not), while a file
# neither lists stays a finding.
. "$(dirname "$0")/lib.sh"

[ -x "$IMA_TEST" ] || skip_all "$IMA_TEST not built"
python3 -c 'import json' 2>/dev/null || skip_all "no python3"
setup_work
make_keys
T=$IMA_TEST
C=(--cert "$KEYS/rsa2048.pem")
plan 12
sha() { sha256sum <"$1" | cut -d' ' -f1; }

printf 'old program\n' >"$WORK/old"
printf 'new program\n' >"$WORK/new"
printf 'planted\n' >"$WORK/planted"
BA=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
# the reference before the upgrade: the old program only
printf '{"meta":{"version":1,"generator":3},"release":0,"digests":{"boot_aggregate":["%s"],"/usr/bin/prog":["%s"]},"excludes":[],"keyrings":{},"ima":{"ignored_keyrings":[],"log_hash_alg":"sha1","dm_policy":null},"ima-buf":{},"verification-keys":""}\n' \
	"$BA" "$(sha "$WORK/old")" >"$WORK/ref-old.json"
# the manifest of the new version, signed where the key is
{ echo "$(sha "$WORK/new")  usr/bin/prog"; echo "$(sha "$WORK/new")  usr/bin/prog two"; } |
	"$T" sign-hash --key "$KEYS/rsa2048.key" >"$WORK/m" 2>/dev/null
expect 0 '' "audit --format keylime --manifest: a policy of the manifest's signed digests" -- \
	"$T" audit --format keylime "${C[@]}" --boot-aggregate "$BA" --manifest "$WORK/m"
"$T" audit --format keylime "${C[@]}" --boot-aggregate "$BA" --manifest "$WORK/m" >"$WORK/ref-new.json" 2>/dev/null
is "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["digests"]; print(d["/usr/bin/prog"][0], d["/usr/bin/prog_two"][0], len(d))' "$WORK/ref-new.json")" \
	"$(sha "$WORK/new") $(sha "$WORK/new") 3" "its entries are /NAME (spaces as _) with the signed digests, and the boot_aggregate"

# refusals: another key's certificate, no certificate, a broken line
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/o.key" -out "$WORK/o.pem" -subj /CN=other -days 1 2>/dev/null
expect 2 'does not verify with --cert: not taken' "a manifest signed by another key is refused" -- \
	"$T" audit --format keylime --cert "$WORK/o.pem" --boot-aggregate "$BA" --manifest "$WORK/m"
expect 2 '--manifest needs --cert' "--manifest without --cert is a usage error" -- \
	"$T" audit --format keylime --boot-aggregate "$BA" --manifest "$WORK/m"
head -n 1 "$WORK/m" | sed -E 's/ [0-9a-f]+$/ 0302/' >"$WORK/bad"
expect 2 "$WORK/bad:1:" "a malformed manifest line is an error naming it" -- \
	"$T" audit --format keylime "${C[@]}" --boot-aggregate "$BA" --manifest "$WORK/bad"
expect 2 'is for --format keylime' "--manifest is for --format keylime" -- \
	"$T" audit "${C[@]}" --manifest "$WORK/m" "$WORK"

# a measurement list of the upgraded machine: boot_aggregate, the new
# program, and a file planted outside the package manager
d=$WORK/list
cat >"$WORK/spec" <<EOF
ima-ng /usr/bin/prog sha256:$(sha "$WORK/new")
ima-ng /usr/local/bin/planted sha256:$(sha "$WORK/planted")
EOF
python3 "$TOOL_ROOT/tests/tool/loggen.py" make "$d" --entries 0 --spec "$WORK/spec" >/dev/null
RP=(--list "$d/bin_sha256" --pcrs "sha256,$d/pcrs_sha256" --allow-unverified)
# the list's own boot_aggregate goes into both references
ba=$("$T" log "${RP[@]}" --print-boot-aggregate 2>/dev/null)
for r in ref-old ref-new; do
	python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); p["digests"]["boot_aggregate"]=[sys.argv[2]]; json.dump(p, open(sys.argv[1],"w"))' \
		"$WORK/$r.json" "$ba"
done
out=$("$T" log "${RP[@]}" --reference "$WORK/ref-old.json" 2>&1)
check "control: with the old reference alone the upgraded program is a finding" \
	grep -q '/usr/bin/prog: digest-not-allowed' <<<"$out"
out=$("$T" log "${RP[@]}" --reference "$WORK/ref-old.json" --reference "$WORK/ref-new.json" 2>&1)
rc=$?
# (the list was read through to its summary, and no sanitizer spoke)
prog_not_named() {
	grep -q '^summary: ' <<<"$out" && ! grep -Eq '/usr/bin/prog:|runtime error|Sanitizer' <<<"$out"
}
check "with the manifests' reference too, it is not" prog_not_named
check "the planted file still is (not-in-reference)" grep -q '/usr/local/bin/planted: not-in-reference' <<<"$out" || diag "$out"
is "$rc" 1 "log exits 1 for the planted file"
out=$("$T" log "${RP[@]}" --reference "$WORK/ref-new.json" --reference "$WORK/ref-old.json" 2>&1)
check "the order of the references does not matter" prog_not_named
expect 2 'not a Keylime runtime policy' "a second reference that is not a policy is an error" -- \
	"$T" log "${RP[@]}" --reference "$WORK/ref-old.json" --reference "$WORK/m"
finish
