#!/bin/bash
# verity.sh KERNEL: fs-verity signatures (sigv3) under enforce, two boots on
# one ext4 disk made with the verity feature (suites/verity.sh):
#  1. sign: no appraisal; ima-test sign --verity enables fs-verity and
#     signs in the guest (a file, a tree with -r, --no-enable refused, a
#     tmpfs file refused); files signed here on the host (sign --verity
#     --sigfile, sign-hash --verity over `fsverity digest`, sha256 and
#     sha512) get fs-verity enabled there; a write open of a verity file is
#     refused.  The host then changes a data block of a signed verity file
#     offline (debugfs zap_block), keeping its Merkle tree.
#  2. enforce, with a TPM: rules with digest_type=verity appraise_type=sigv3
#     for executables (and reads of one owner's files), measured with
#     ima-sigv2/ima-ngv2: programs signed by sign --verity run, a v2-signed
#     one and one without fs-verity are refused, ima-test ready predicted
#     each outcome, the changed file opens but fails at read, and
#     ima-test log checks the list and its sigv3 signatures against the TPM.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
tool=$top/tools/ima-test/ima-test
k=$1
. "$top/tests/lib/tap.sh"
boot() { # boot NAME PHASE CMDLINE [run-suite options]
	local name=$1 phase=$2 cmdline=$3
	shift 3
	TAP_START=$(tap_count) "$top/vm/run-suite.sh" --kernel "$k" --name "$name" --suite verity \
		--disk "$disk" --no-plan "$@" --cmdline "imafput.phase=$phase $cmdline" || tap_fail
	tap_set_count "$(cat "$top/build/test-results/$name/count")"
}
sig_of() { od -An -tx1 -v "$1" | tr -d ' \n'; }

[ -x "$tool" ] || make -s -C "$top/tools/ima-test" ima-test >&2
command -v fsverity >/dev/null || skip_all "the fsverity tool is not installed (make deps)"
work=$top/build/vm/verity-$k
stage=$work/stage
disk=$top/build/vm/disks/verity-$k.img
rm -rf "$work" "$disk"
mkdir -p "$stage/v/tree" "$stage/keys" "$(dirname "$disk")"

openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 7 -subj "/CN=ima-fput verity test" \
	-addext subjectKeyIdentifier=hash -addext basicConstraints=critical,CA:FALSE \
	-addext keyUsage=critical,digitalSignature \
	-keyout "$stage/keys/ima.key" -out "$stage/keys/ima.pem" 2>/dev/null && chmod 600 "$stage/keys/ima.key" &&
	openssl x509 -in "$stage/keys/ima.pem" -outform der -out "$stage/keys/ima.der"
check_rc $? "$k: test key pair and certificate made with openssl"

v=$stage/v
gcc -std=c11 -O2 -static -o "$v/signed-hello" "$here/helpers/enforce-hello.c"
for f in hostsig-hello hostsig512-hello v2-hello noverity-hello unsigned-hello; do
	cp "$v/signed-hello" "$v/$f"
done
for f in a b c; do echo "tree file $f" > "$v/tree/$f"; done
echo "not to be enabled" > "$v/noenable"
# data read under the fowner rule: one to change offline, one left alone
head -c 65536 /dev/urandom > "$v/tamper-data"
head -c 65536 /dev/urandom > "$v/intact-data"
chown 4242 "$v/tamper-data" "$v/intact-data"

K=(--key "$stage/keys/ima.key" --cert "$stage/keys/ima.pem")
# Signed here, fs-verity enabled in the guest: the digest libfsverity
# computes must be the one the kernel gets.  --sigfile, then the value
# goes into security.ima (mke2fs -d copies it).
ok=1
"$tool" sign --verity --sigfile "${K[@]}" "$v/hostsig-hello" "$v/noverity-hello" || ok=0
for f in hostsig-hello noverity-hello; do
	setfattr -n security.ima -v "0x$(sig_of "$v/$f.sig")" "$v/$f" || ok=0
	rm -f "$v/$f.sig"
done
fsverity digest "$v/hostsig-hello" | cut -d' ' -f1 > "$v/hostsig-hello.digest"
line=$(fsverity digest --hash-alg=sha512 "$v/hostsig512-hello" |
	"$tool" sign-hash --verity "${K[@]}") || ok=0
setfattr -n security.ima -v "0x${line##* }" "$v/hostsig512-hello" || ok=0
"$tool" sign "${K[@]}" "$v/v2-hello" || ok=0
check_rc $((1 - ok)) "$k: sign --verity --sigfile, sign-hash --verity (sha512) and a v2 sign on the host"

uuid=$(cat /proc/sys/kernel/random/uuid)
# 4 KiB blocks: fs-verity's Merkle tree blocks (4096, as fsverity enable
# uses) must not be larger than the file system's, and a 128 MiB image
# gets 1 KiB blocks by default ("Unsupported log_blocksize: 12")
mke2fs -q -F -t ext4 -O verity -b 4096 -I 256 -U "$uuid" -E root_owner=0:0 -d "$stage" "$disk" 128M >&2
dumpe2fs -h "$disk" 2>/dev/null | grep -q 'features:.*verity'
check_rc $? "$k: the disk has the ext4 verity feature (mke2fs -O verity)"

boot "verity-sign-$k" sign ""

# The guest's timings (bench/NOTES.md): ratios to sign -r v2, the mean of
# its two runs.  Reported, never a test.
mkdir -p "$top/build/bench"
if debugfs -R "cat /verity-bench.txt" "$disk" 2>/dev/null > "$work/bench.txt" && [ -s "$work/bench.txt" ]; then
	awk -v k="$k" '{ t[$1] = $2 } END {
		v2 = (t["sign-r-v2"] + t["sign-r-v2-again"]) / 2
		if (v2 <= 0) exit
		printf "verity bench (%s kernel, TCG guest, 200 x 32 KiB + 8 MiB): time / sign -r v2\n", k
		printf "  sign --verity -r, fs-verity already enabled: %.2f\n", t["sign-r-verity-enabled"] / v2
		printf "  sign --verity -r, enabling fs-verity:        %.2f\n", t["sign-r-verity-enable"] / v2
		printf "  enabling fs-verity alone (the difference):   %.2f\n", (t["sign-r-verity-enable"] - t["sign-r-verity-enabled"]) / v2
	}' "$work/bench.txt" | tee "$top/build/bench/verity-$k.txt" | sed 's/^/# /'
fi

# Change the second data block of a signed fs-verity file in place: its
# inode, security.ima and Merkle tree stay as they were.
f=/v/tamper-data
before=$(debugfs -R "cat $f" "$disk" 2>/dev/null | sha256sum)
debugfs -w -R "zap_block -f $f -p 0x5a 1" "$disk" >/dev/null 2>&1
after=$(debugfs -R "cat $f" "$disk" 2>/dev/null | sha256sum)
[ "$before" != "$after" ] && debugfs -R "ea_get $f security.ima" "$disk" 2>/dev/null | grep -q '06 03'
check_rc $? "$k: $f changed offline (debugfs zap_block, data block 1), its fs-verity signature kept"

boot "verity-enforce-$k" enforce "ima_appraise=enforce ima_policy=tcb imafput.fsuuid=$uuid" --tpm
finish
