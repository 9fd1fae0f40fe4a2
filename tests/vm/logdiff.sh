#!/bin/bash
# logdiff.sh KERNEL [TEMPLATE]: ima-test log against what the kernel really
# logs.  The disk holds one file per built-in template (owned by 1001-1007,
# which the guest's rules map to templates), signed where the template
# carries a signature, a file under a path of more than 1020 bytes, one to
# read through a detached mount, and the test certificate.  The guest
# (suites/logdiff.sh, booted with --tpm and ima_template=TEMPLATE) checks the
# entries and log on them, and leaves the lists and PCRs on the disk.  Here
# the lists are read again, then forged, one class of forgery per copy:
# every copy must exit 1, naming the entry (or, where a forger recomputed
# the template digest, the PCR that no longer replays).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
tool=$top/tools/ima-test/ima-test
gen="python3 $top/tests/tool/loggen.py"
. "$top/tests/lib/tap.sh"
# The boot template (entry 1, violations, the files of the uid=0 rule):
# Debian's default ima-sig on the series kernel, ima-ngv2 on the other.
k=$1
case $k in series) tmpl=${2:-ima-sig} ;; *) tmpl=${2:-ima-ngv2} ;; esac
name=logdiff-$k
work=$top/build/vm/$name
disk=$top/build/vm/disks/$name.img
out=$work/out
[ -x "$tool" ] || make -s -C "$top/tools/ima-test" ima-test >&2
rm -rf "$work" "$disk"
stage=$work/stage
mkdir -p "$stage/keys" "$stage/ld/det" "$out" "$(dirname "$disk")"

openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 7 -subj "/CN=ima-fput logdiff test" \
	-addext subjectKeyIdentifier=hash -addext basicConstraints=critical,CA:FALSE \
	-addext keyUsage=critical,digitalSignature \
	-keyout "$work/ima.key" -out "$stage/keys/ima.pem" 2>/dev/null &&
	openssl x509 -in "$stage/keys/ima.pem" -outform der -out "$stage/keys/ima.der"
u=1001
for t in ima ima-ng ima-sig ima-sigv2 ima-ngv2 ima-modsig evm-sig; do
	mkdir -p "$stage/ld/$t"
	echo "logged with template $t" > "$stage/ld/$t/file"
	chown "$u:$u" "$stage/ld/$t/file"
	u=$((u + 1))
done
mkdir -p "$stage/ld/evm-in-sig"
echo "an EVM signature in the sig field" > "$stage/ld/evm-in-sig/file"
chown 1003:1003 "$stage/ld/evm-in-sig/file"
# Five 230-byte directory names: /mnt/ld/long/... is over 1150 bytes.
seg=$(printf 'd%.0s' $(seq 230))
deep=$seg/$seg/$seg/$seg/$seg
mkdir -p "$stage/ld/long/$deep" "$stage/ld/ima/$deep"
echo "a long name" > "$stage/ld/long/$deep/file"
echo "a long name under template ima" > "$stage/ld/ima/$deep/longfile"
chown 1001:1001 "$stage/ld/ima/$deep/longfile"
echo "read through a detached mount" > "$stage/ld/det/boot_aggregate"
echo "read while open for write" > "$stage/ld/writers"
K=(--key "$work/ima.key" --cert "$stage/keys/ima.pem")
"$tool" sign "${K[@]}" "$stage/ld/ima-sig/file" "$stage/ld/ima-sigv2/file" \
	"$stage/ld/ima-modsig/file" >&2 &&
	"$tool" sign "${K[@]}" --evm "$stage/ld/evm-sig/file" >&2 &&
	"$tool" sign "${K[@]}" --evm --ima-hash "$stage/ld/evm-in-sig/file" >&2
check_rc $? "$name: the files signed on the host (ima-sig, ima-sigv2, ima-modsig; EVM: evm-sig, evm-in-sig)"
mke2fs -q -F -t ext4 -I 256 -E root_owner=0:0 -d "$stage" "$disk" 128M >&2
TAP_START=$(tap_count) "$top/vm/run-suite.sh" --tpm --kernel "$k" --name "$name" --suite logdiff \
	--disk "$disk" --no-plan --cmdline "ima_template=$tmpl imafput.template=$tmpl" || tap_fail
tap_set_count "$(cat "$top/build/test-results/$name/count")"

for f in bin_sha1 bin_sha256 ascii_sha1 ascii_sha256 pcrs_sha1 pcrs_sha256 ref.json ima.pem; do
	debugfs -R "dump /logdiff-out/$f $out/$f" "$disk" >/dev/null 2>&1
done
if [ -s "$out/bin_sha256" ] && [ -s "$out/pcrs_sha256" ] && [ -s "$out/ref.json" ]; then
	ok "$name: lists, PCRs and reference copied out of the VM"
else
	not_ok "$name: lists, PCRs and reference copied out of the VM"
	finish
fi
P=(--pcrs "sha1,$out/pcrs_sha1" --pcrs "sha256,$out/pcrs_sha256")
for l in bin_sha1 bin_sha256 ascii_sha1 ascii_sha256; do
	o=$("$tool" log --ignore-violations --list "$out/$l" "${P[@]}" 2>&1)
	rc=$?
	[ $rc = 0 ] && [ "$(grep -c 'consistent (' <<<"$o")" = 2 ]
	check_rc $? "$name: host: every entry of the kernel's $l parsed, both banks replay (exit $rc)" ||
		sed 's/^/# /' <<<"$o" | tail -n 5
done

# Entry numbers, from the ascii list: entry N is line N.
A=$out/ascii_sha256
entry() { awk -v t="$1" -v n="$2" '$3 == t && $5 == n { print NR; exit }' "$A"; }
L=$out/bin_sha256
# forged DESC OP ENTRY PATTERN [LOG ARGS]: a copy of the sha256 list with
# loggen.py's OP applied to ENTRY; log must exit 1 and print PATTERN.
n=0
forged() {
	local desc=$1 op=$2 e=$3 pat=$4 o rc
	shift 4
	n=$((n + 1))
	if [ -z "$e" ]; then
		not_ok "$name: forged ($desc): the entry is not in the list"
		return
	fi
	$gen mutate "$L" "$work/forged.$n" 32 "$op" "$e"
	o=$("$tool" log --ignore-violations --list "$work/forged.$n" "${P[@]}" "$@" 2>&1)
	rc=$?
	if [ $rc = 1 ] && grep -qE -- "$pat" <<<"$o"; then
		ok "$name: forged ($desc): exit 1, $(grep -E -- "$pat" <<<"$o" | head -n 1 | cut -c1-150)"
	else
		not_ok "$name: forged ($desc): exit 1 and /$pat/ (exit $rc)"
		grep -v pcr-values-read <<<"$o" | sed 's/^/# /' | tail -n 8
	fi
}
d=/mnt/ld
for t in ima ima-ng ima-sig ima-sigv2 ima-ngv2 ima-modsig evm-sig; do
	e=$(entry "$t" "$d/$t/file")
	forged "$t: file digest changed" digest "$e" ": entry $e $d/$t/file: template-digest"
done
e=$(entry ima-buf _ima)
forged "ima-buf: the key's digest changed" digest "$e" ": entry $e _ima: template-digest"
forged "every entry moved to PCR 23" pcr=23 0 "PCR 10, the IMA PCR: the TPM holds measurements"
e=$(entry ima-ng "$d/ima-ng/file")
forged "one entry moved to PCR 11" pcr=11 "$e" "replay-mismatch \(sha256 PCR 11"
forged "boot_aggregate removed" remove 1 ": entry 1 .*: no-boot-aggregate"
forged "the same, beside a reference" pcr=11 "$e" ": entry $e $d/ima-ng/file: not-ima-pcr" \
	--reference "$out/ref.json" --allow-unverified
e=$(entry ima-sig "$d/ima-sig/file")
forged "template renamed to one log does not know, with --cert" "template=ima-sig-x" "$e" \
	": entry $e .*: unchecked-template" --cert "$out/ima.pem"
forged "template renamed, beside a reference" "template=ima-sig-x" "$e" \
	": entry $e .*: unchecked-template" --reference "$out/ref.json"
long=$(awk '$3 != "ima" && $5 ~ /\/long\// { print NR; exit }' "$A")
forged "the long name cut to 1020 bytes, the digest recomputed" cutname=1020 "$long" \
	"replay-mismatch \(sha256 PCR 10"
forged "the long name cut to 1020 bytes, the digest as logged" cutname-asis=1020 "$long" \
	": entry $long .*: template-digest"
e=$(awk '$2 ~ /^0+$/ { print NR; exit }' "$A")
forged "a violation turned into a measurement" unviolate "$e" "replay-mismatch \(sha256 PCR 10"
forged "entries swapped" swap 2 "replay-mismatch \(sha256 PCR 10"
e=$(awk 'NR > 1 && $5 == "boot_aggregate" { print NR; exit }' "$A")
o=$("$tool" log --ignore-violations --list "$L" "${P[@]}" --reference "$out/ref.json" 2>&1)
grep -qE ": entry $e boot_aggregate: digest-not-allowed" <<<"$o"
check_rc $? "$name: the real entry $e logged as boot_aggregate (a detached mount) is a finding against the reference"
finish
