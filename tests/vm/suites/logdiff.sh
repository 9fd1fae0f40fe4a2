#!/bin/sh
# What the kernel really logs, read by ima-test log (boot with run-suite.sh
# --tpm and ima_template=T, no ima_policy; tests/vm/logdiff.sh stages the
# disk and checks forged copies of the lists on the host).  One rule per
# built-in template, chosen by the file's owner (1001-1007), so that one
# list holds an entry of each: ima, ima-ng, ima-sig, ima-sigv2, ima-ngv2,
# ima-modsig and evm-sig.  Beside them, in the boot template T: a file
# whose path is longer than 1020 bytes (and the same under template ima,
# which logs only its last component), a file read through a lazily
# unmounted bind mount (d_absolute_path() fails, so the kernel logs the bare
# name: the file is called boot_aggregate), an open-writers violation, and
# a certificate loaded into _ima (KEY_CHECK, template ima-buf).  The lists,
# the PCRs and a reference go to /logdiff-out on the disk for the host.
. /suites/lib.sh

tpm=/sys/class/tpm/tpm0
ima=/sys/kernel/security/ima
boot_tmpl=$(cmdline_arg template)
d=/mnt/ld
if [ -r $tpm/pcr-sha1/10 ] && [ -r $tpm/pcr-sha256/10 ]; then
	ok "a TPM with sha1 and sha256 PCR banks"
else
	not_ok "a TPM with sha1 and sha256 PCR banks"
	bail "no TPM PCRs in $tpm (boot with run-suite.sh --tpm)"
fi
[ -n "$boot_tmpl" ] && [ -d $d/long ] && [ -f /mnt/keys/ima.pem ] ||
	bail "want imafput.template=T and the disk tests/vm/logdiff.sh stages"
# Everything the checks read is copied to /tmp first: tmpfs is not
# measured, so nothing the suite does later adds an entry.
cp /mnt/keys/ima.der /mnt/keys/ima.pem /tmp/

m="func=FILE_CHECK mask=^MAY_READ fsmagic=0xef53"
{
	u=1001
	for t in ima ima-ng ima-sig ima-sigv2 ima-ngv2 ima-modsig evm-sig; do
		echo "measure $m fowner=$u template=$t"
		u=$((u + 1))
	done
	echo "measure $m uid=0"
	echo "measure func=KEY_CHECK template=ima-buf"
} > /tmp/policy
check "the policy of one rule per template was accepted" sh -c "cat /tmp/policy > $ima/policy"
sed 's/^/# policy: /' $ima/policy

# (not det: an inode is measured once, and its entry is the detached read)
for f in $(find $d -path $d/det -prune -o -type f -print | sort); do cat "$f" > /dev/null; done
# The bare name: read through a bind mount detached while this shell's
# working directory is inside it.
mkdir -p /tmp/det
mount --bind $d/det /tmp/det
( cd /tmp/det && umount -l /tmp/det && cat boot_aggregate > /dev/null )
# open-writers: read while another descriptor holds the file open for write
exec 4>> $d/writers
cat $d/writers > /dev/null
exec 4>&-
out=$(ima-test keys add /tmp/ima.der 2>&1)
check "ima-test keys add loaded the test certificate into _ima ($out)" [ $? = 0 ]

cp $ima/ascii_runtime_measurements_sha256 /tmp/ascii
sed 's/^/# list: /' /tmp/ascii | cut -c1-200
# logged TEMPLATE NAME: an entry of TEMPLATE whose name field is NAME
logged() {
	awk -v t="$1" -v n="$2" '$3 == t && $5 == n { f = 1 } END { exit !f }' /tmp/ascii
}
check "entry 1 is boot_aggregate in PCR 10 with the boot template $boot_tmpl" \
	awk -v t="$boot_tmpl" 'NR == 1 { exit !($1 == 10 && $3 == t && $5 == "boot_aggregate") }' /tmp/ascii
for t in ima ima-ng ima-sig ima-sigv2 ima-ngv2 ima-modsig evm-sig; do
	check "the kernel logged $d/$t/file with template $t" logged "$t" "$d/$t/file"
done
check "the kernel logged $d/evm-in-sig/file with template ima-sig" logged ima-sig "$d/evm-in-sig/file"
long=$(find $d/long -type f)
check "a name of ${#long} bytes is logged whole in the boot template" logged "$boot_tmpl" "$long"
check "template ima logs a name over 255 bytes as its last component" logged ima longfile
check "a file read through a detached mount is logged by its bare name, boot_aggregate" \
	awk 'NR > 1 && $5 == "boot_aggregate" { f = 1 } END { exit !f }' /tmp/ascii
check "the certificate load is logged as ima-buf for keyring _ima" logged ima-buf _ima
check "the open-writers violation is logged" \
	awk -v n="$d/writers" '$2 ~ /^0+$/ && $5 == n { f = 1 } END { exit !f }' /tmp/ascii

# For the host: the lists and PCRs as one snapshot (nothing is measured
# while they are read), then the reference, exported from the live list.
o=/mnt/logdiff-out
mkdir -p $o
for i in $(seq 0 23); do
	printf 'PCR-%02d: %s\n' "$i" "$(tr A-F a-f < $tpm/pcr-sha1/$i)"
done > /tmp/pcrs_sha1
for i in $(seq 0 23); do
	printf 'PCR-%02d: %s\n' "$i" "$(tr A-F a-f < $tpm/pcr-sha256/$i)"
done > /tmp/pcrs_sha256
for b in sha1 sha256; do
	cp $ima/binary_runtime_measurements_$b /tmp/bin_$b
	cp $ima/ascii_runtime_measurements_$b /tmp/ascii_$b
done
ima-test audit -r --format keylime --cert /tmp/ima.pem $d > /tmp/ref.json 2> /tmp/audit.err
check "audit --format keylime exported a reference with the boot_aggregate" \
	grep -q '"boot_aggregate"' /tmp/ref.json

# log LABEL WANT_RC ARGS...: ima-test log on the snapshot, output in /tmp/log.LABEL
log() {
	_l=$1 _w=$2
	shift 2
	ima-test log --list /tmp/bin_sha1 --list /tmp/bin_sha256 \
		--pcrs sha1,/tmp/pcrs_sha1 --pcrs sha256,/tmp/pcrs_sha256 "$@" > /tmp/log.$_l 2>&1
	_rc=$?
	if [ $_rc = "$_w" ]; then
		ok "ima-test log $* exits $_w ($_l)"
	else
		not_ok "ima-test log $* exits $_w ($_l): exit $_rc"
		grep -v ': ok' /tmp/log.$_l | sed 's/^/# /' | tail -n 20
	fi
}
# named LABEL STATUS: the entries log names with STATUS, as "N NAME" lines
named() { sed -n -E "s/^[^:]*: entry ([0-9]+) (.*): $2 .*/\1 \2/p" /tmp/log.$1 | sort -u; }
log parsed 0 --ignore-violations
check "every entry of both lists was parsed and both banks replay to the TPM" \
	test "$(grep -cE 'consistent \(sha(1|256) PCR 10 matches the TPM' /tmp/log.parsed)" = 2
grep '^summary' /tmp/log.parsed | sed 's/^/# /'
log violation 1
check "without --ignore-violations, the violation is named" \
	test "$(named violation violation | cut -d' ' -f2- | sort -u)" = "$d/writers"
log certs 1 --ignore-violations --cert /tmp/ima.pem
# findings LABEL: "NAME STATUS" of every entry line but entry 1's verdict
findings() {
	sed -n -E 's/^[^:]*: entry ([0-9]+) (.*): ([a-z-]+) \(.*/\1 \2 \3/p' /tmp/log.$1 |
		grep -v '^1 boot_aggregate boot-aggregate-ok$' | cut -d' ' -f2- | sort -u | tr '\n' ' '
}
check "with --cert, the signatures verify and only the EVM signatures are named, as unchecked" \
	test "$(findings certs)" = "$d/evm-in-sig/file unchecked-signature $d/evm-sig/file unchecked-signature "
diag "named: $(findings certs)"
log reference 1 --ignore-violations --reference /tmp/ref.json
check "against the reference, entry 1 boot_aggregate passes" \
	sh -c "! grep -qE '^[^:]*: entry 1 boot_aggregate: (digest-not-allowed|not-in-reference)' /tmp/log.reference"
check "against the reference, the file logged as boot_aggregate is a finding" \
	grep -qE '^[^:]*: entry [0-9]*[02-9] boot_aggregate: digest-not-allowed' /tmp/log.reference
for t in ima-ng ima-sig ima-sigv2 ima-ngv2 ima-modsig evm-sig; do
	check "against the reference, $d/$t/file passes" \
		sh -c "! grep -qE ': entry [0-9]+ $d/$t/file: (digest-not-allowed|not-in-reference)' /tmp/log.reference"
done
check "against the reference, the ${#long}-byte name is found whole" \
	sh -c "! grep -qF '$long: not-in-reference' /tmp/log.reference"
cp /tmp/pcrs_sha1 /tmp/pcrs_sha256 /tmp/bin_sha1 /tmp/bin_sha256 /tmp/ascii_sha1 /tmp/ascii_sha256 \
	/tmp/ref.json /tmp/ima.pem $o/
for l in parsed violation certs reference; do cp /tmp/log.$l $o/; done
sync
finish
