#!/bin/bash
# keyid.sh series|none: the tool finds keys exactly as the kernel does.
# Three RSA keys, each with a certificate of one shape (SKI = hash of the
# key, a custom SKI, no SKI); a static program signed by each key with and
# without --cert; then one boot under ima_appraise=enforce ima_policy=tcb
# with our imasig rule, where suites/keyid.sh compares keyctl search, exec
# and ima-test verify for each of the six.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
tool=$top/tools/ima-test/ima-test
k=${1:?usage: keyid.sh series|none}
. "$top/tests/lib/tap.sh"

[ -x "$tool" ] || make -s -C "$top/tools/ima-test" ima-test >&2
work=$top/build/vm/keyid-$k
stage=$work/stage
disk=$top/build/vm/disks/keyid-$k.img
rm -rf "$work" "$disk"
mkdir -p "$stage/sig" "$stage/keys" "$(dirname "$disk")"
gcc -std=c11 -O2 -static -o "$work/hello" "$here/helpers/enforce-hello.c"
made=0 signed=0
for s in hash custom noski; do
	case $s in
	hash) ext=(-addext subjectKeyIdentifier=hash) ;;
	custom) ext=(-addext subjectKeyIdentifier=0102030405060708) ;;
	noski) ext=(-addext subjectKeyIdentifier=none -addext authorityKeyIdentifier=none) ;;
	esac
	openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 7 -subj "/CN=ima-fput keyid $s" "${ext[@]}" \
		-keyout "$work/$s.key" -out "$work/$s.pem" 2>/dev/null &&
		openssl x509 -in "$work/$s.pem" -outform der -out "$stage/keys/$s.der" && made=$((made + 1))
	cp "$work/hello" "$stage/sig/$s-bare"
	cp "$work/hello" "$stage/sig/$s-cert"
	"$tool" sign --key "$work/$s.key" "$stage/sig/$s-bare" >&2 && signed=$((signed + 1))
	"$tool" sign --key "$work/$s.key" --cert "$work/$s.pem" "$stage/sig/$s-cert" >&2 && signed=$((signed + 1))
done
if [ $made = 3 ]; then ok "$k: three certificate shapes made with openssl"
else not_ok "$k: three certificate shapes made with openssl ($made)"; fi
if [ $signed = 6 ]; then ok "$k: ima-test sign signed the six programs"
else not_ok "$k: ima-test sign signed the six programs ($signed)"; fi
uuid=$(cat /proc/sys/kernel/random/uuid)
mke2fs -q -F -t ext4 -I 256 -U "$uuid" -E root_owner=0:0 -d "$stage" "$disk" 64M >&2
TAP_START=$(tap_count) "$top/vm/run-suite.sh" --kernel "$k" --name "keyid-$k" --suite keyid \
	--disk "$disk" --no-plan --cmdline "ima_appraise=enforce ima_policy=tcb imafput.fsuuid=$uuid" || tap_fail
tap_set_count "$(cat "$top/build/test-results/keyid-$k/count")"
finish
