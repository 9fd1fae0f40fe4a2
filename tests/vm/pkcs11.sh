#!/bin/bash
# pkcs11.sh KERNEL: the build-pipeline flow, end to end, on one kernel.
#  host:  a SoftHSM token holds an RSA-2048 key made on it; its certificate
#         is made through the token too.  A staged tree's sha256sum manifest
#         is signed with `ima-test sign-hash --key pkcs11:...`; no xattr is
#         written on the host.  One program is changed after signing.
#  guest: (ima_appraise=enforce, boot policy tcb) `ima-test apply` puts the
#         manifest's signatures on the installed files, refusing the changed
#         one; the certificate goes into _ima, an imasig policy for
#         executables is loaded, and the signed program runs while the
#         changed and the unsigned ones are denied (suites/pkcs11-apply.sh).
# TAP on stdout; the steps are told as "# " lines (make demo-pipeline).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
tool=$top/tools/ima-test/ima-test
k=${1:-series}
. "$top/tests/lib/tap.sh"
say() { echo "# $*"; }

for t in softhsm2-util pkcs11-tool openssl mke2fs debugfs; do
	command -v $t >/dev/null || { skip_all "$t not installed (make deps)"; }
done
[ -x "$tool" ] || make -s -C "$top/tools/ima-test" ima-test >&2
. "$top/tests/tool/softhsm.sh"
work=$top/build/vm/pkcs11-$k
stage=$work/stage
disk=$top/build/vm/disks/pkcs11-$k.img
rm -rf "$work" "$disk"
mkdir -p "$stage/prog" "$stage/keys" "$(dirname "$disk")"

say "host: a SoftHSM token with an RSA-2048 key made on it (the private key never leaves it)"
softhsm_setup "$work/hsm"
softhsm_token release
pkcs11-tool --module "$SOFTHSM_MODULE" --token-label release --login --pin "$SOFTHSM_PIN" \
	--keypairgen --key-type rsa:2048 --label ima --id 01 >/dev/null 2>&1
# the PIN from a file: ima-test refuses a pin-value on its command line,
# where any user can read it
printf '%s' "$SOFTHSM_PIN" >"$work/pin"
uri="pkcs11:token=release;object=ima?pin-source=$work/pin"
openssl req -new -x509 -engine pkcs11 -keyform engine -key "pkcs11:token=release;object=ima;type=private?pin-source=$work/pin" \
	-sha256 -days 7 -subj "/CN=ima-fput release key (SoftHSM)" -addext subjectKeyIdentifier=hash \
	-addext basicConstraints=critical,CA:FALSE -addext keyUsage=critical,digitalSignature \
	-outform der -out "$stage/keys/ima.der" >/dev/null 2>&1
check "$k: token key and its certificate made through the token" [ -s "$stage/keys/ima.der" ]

say "host: stage the tree and sign its manifest through the token"
gcc -std=c11 -O2 -static -o "$stage/prog/hello" "$here/helpers/enforce-hello.c"
cp "$stage/prog/hello" "$stage/prog/changed-hello"
cp "$stage/prog/hello" "$stage/prog/unsigned-hello"
(cd "$stage" && sha256sum ./prog/hello ./prog/changed-hello) >"$work/manifest"
"$tool" sign-hash --key "$uri" <"$work/manifest" >"$stage/manifest.sig"
check "$k: sign-hash signed both lines through the token" [ "$(wc -l <"$stage/manifest.sig")" = 2 ]
sed -E 's/ (030204[0-9a-f]{8})[0-9a-f]*$/ \1.../; s/^/#   /' "$stage/manifest.sig"
xa=$(getfattr -d -m - -R "$stage" 2>/dev/null | grep -c ima)
check "$k: no xattr written on the host ($xa)" [ "$xa" = 0 ]
printf 'changed after signing\n' >>"$stage/prog/changed-hello"
say "host: ./prog/changed-hello changed after signing; ./prog/unsigned-hello is not in the manifest"

uuid=$(cat /proc/sys/kernel/random/uuid)
mke2fs -q -F -t ext4 -I 256 -U "$uuid" -E root_owner=0:0 -d "$stage" "$disk" 128M >&2
say "guest: ima_appraise=enforce; apply the manifest, load the certificate and an imasig policy, run"
TAP_START=$(tap_count) "$top/vm/run-suite.sh" --kernel "$k" --name "pkcs11-$k" --suite pkcs11-apply \
	--disk "$disk" --no-plan --cmdline "ima_appraise=enforce ima_policy=tcb imafput.fsuuid=$uuid" || tap_fail
tap_set_count "$(cat "$top/build/test-results/pkcs11-$k/count" 2>/dev/null || tap_count)"
finish
