#!/bin/bash
# ima-test keys: adding certificates to a kernel keyring and listing them.
. "$(dirname "$0")/lib.sh"

[ -x "$IMA_TEST" ] || skip_all "$IMA_TEST not built"
command -v keyctl >/dev/null || skip_all "keyctl not installed (Debian package keyutils)"
T=$IMA_TEST
T_TMP=$(mktemp -d); T_CLEAN+=("$T_TMP")
KEYS=$T_TMP/keys; mkdir -p "$KEYS"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$KEYS/k.key" 2>/dev/null
openssl req -x509 -new -key "$KEYS/k.key" -out "$KEYS/k.pem" -days 3 -subj "/CN=ima-test keys" -addext subjectKeyIdentifier=hash 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$KEYS/k2.key" 2>/dev/null
openssl req -x509 -new -key "$KEYS/k2.key" -out "$KEYS/k2.pem" -days 3 -subj "/CN=ima-test keys 2" -addext subjectKeyIdentifier=hash 2>/dev/null
openssl x509 -in "$KEYS/k2.pem" -outform der -out "$KEYS/k2.der"
# its own key: a keyid from the hash of k.key would find k.pem in the ring
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$KEYS/k3.key" 2>/dev/null
openssl req -x509 -new -key "$KEYS/k3.key" -out "$KEYS/noski.pem" -days 3 -subj "/CN=ima-test noski" \
	-addext subjectKeyIdentifier=none -addext authorityKeyIdentifier=none 2>/dev/null
skid() { openssl x509 -in "$1" -noout -ext subjectKeyIdentifier | tail -1 | tr -d ' :\n' | tr A-F a-f | tail -c 8; }

ring=ima-test-$$
# Probe: can this kernel take X.509 asymmetric keys at all?
probe=$(keyctl newring "$ring-probe" @u 2>/dev/null) || skip_all "cannot create keyrings here"
openssl x509 -in "$KEYS/k.pem" -outform der | keyctl padd asymmetric "" "$probe" >/dev/null 2>&1
rc=$?
keyctl unlink "$probe" @u >/dev/null 2>&1
[ $rc = 0 ] || skip_all "kernel refuses asymmetric X.509 keys"
cleanup_ring() { local k; k=$(keyctl search @u keyring "$ring" 2>/dev/null) && keyctl unlink "$k" @u >/dev/null; cleanup; }
trap cleanup_ring EXIT

plan 15
id1=$(skid "$KEYS/k.pem"); id2=$(skid "$KEYS/k2.pem")
expect 0 "^[0-9]+ keyid $id1 added to $ring" "add a PEM certificate (keyring created)" -- "$T" keys add --keyring "$ring" "$KEYS/k.pem"
keyctl search @u keyring "$ring" >/dev/null 2>&1
check_rc $? "the keyring was created in the user keyring"
expect 0 "^[0-9]+ keyid $id2 added" "add a DER certificate (options after the subcommand)" -- "$T" keys add "$KEYS/k2.der" --keyring "$ring"
out=$("$T" keys list --keyring "$ring")
grep -q "^[0-9]* asymmetric $id1 ima-test keys: .*$id1\$" <<<"$out" && grep -q "asymmetric $id2 " <<<"$out" && [ "$(wc -l <<<"$out")" = 2 ]
check_rc $? "list shows both keys with their IMA keyid and description" || diag "$out"
expect 2 "k.key: not an X.509 certificate" "add a private key instead of a certificate" -- "$T" keys add --keyring "$ring" "$KEYS/k.key"
expect 2 "nothere: cannot read certificate: No such file" "add a missing file" -- "$T" keys add --keyring "$ring" "$KEYS/nothere"
out=$("$T" keys add --keyring "$ring" "$KEYS/noski.pem" 2>&1)
kid=$(sed -n 's/^[0-9]* keyid \([0-9a-f]*\) added.*/\1/p' <<<"$out")
[ -n "$kid" ] && keyctl search "$(keyctl search @u keyring "$ring")" asymmetric "id:$kid" >/dev/null 2>&1
check_rc $? "add a certificate without SKI: the kernel finds it by the keyid shown (${kid:-none})" || diag "$out"
# A PEM bundle: adding only its first certificate would silently drop the others.
cat "$KEYS/k.pem" "$KEYS/k2.pem" >"$KEYS/bundle.pem"
before=$(keyctl rlist "$(keyctl search @u keyring "$ring")" | wc -w)
expect 2 "bundle.pem: holds 2 PEM certificates" "add a PEM bundle: refused with a message" -- "$T" keys add --keyring "$ring" "$KEYS/bundle.pem"
[ "$(keyctl rlist "$(keyctl search @u keyring "$ring")" | wc -w)" = "$before" ]
check_rc $? "... and nothing is added from it"
# Descriptions are chosen by whoever adds a key: escaped, as file names are.
keyctl add user "$(printf 'evil\033[2Jname\nnext')" data "$(keyctl search @u keyring "$ring")" >/dev/null
out=$("$T" keys list --keyring "$ring")
grep -qF 'user - evil\x1b[2Jname\nnext' <<<"$out" && ! grep -q "$(printf '\033')" <<<"$out" && ! grep -q '^next' <<<"$out"
check_rc $? "list escapes control characters in descriptions" || diag "$out"
expect 2 "no keyring ima-test-none-$$ in the user or session keyring" "list a keyring that does not exist" -- "$T" keys list --keyring "ima-test-none-$$"
"$T" keys add --keyring "ima-test-none-$$" "$KEYS/k.key" 2>/dev/null
! keyctl search @u keyring "ima-test-none-$$" >/dev/null 2>&1
check_rc $? "a failed add does not leave an empty keyring behind"
expect 2 "expected 'add' or 'list'" "keys without subcommand" -- "$T" keys
expect 2 "unknown subcommand 'drop'" "keys with an unknown subcommand" -- "$T" keys drop
# Default keyring _ima, found in a fresh session keyring (the user keyring is left alone).
if keyctl search @u keyring _ima >/dev/null 2>&1; then
	skip "the user keyring already has _ima" "the user keyring already has _ima"
else
	out=$(keyctl session - bash -c 'keyctl newring _ima @s >/dev/null && "$1" keys add "$2" && "$1" keys list' _ "$T" "$KEYS/k.pem" 2>&1)
	grep -q "added to _ima" <<<"$out" && grep -q "asymmetric $id1 " <<<"$out" && ! keyctl search @u keyring _ima >/dev/null 2>&1
	check_rc $? "default keyring _ima is found in the session keyring" || diag "$out"
fi
finish
