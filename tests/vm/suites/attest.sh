#!/bin/sh
# Attestation end to end (boot with run-suite.sh --tpm, ima_appraise=fix
# ima_policy=tcb): files are labelled and measured, a Keylime reference is
# exported, the files are edited through three final-close paths and read
# again; ima-test log replays the list to the TPM and, against the old
# reference, names exactly the edited files.  A file read while another
# process holds it open for write (open-writers), and one opened for write
# while open for read and measured (ToMToU), are violations log names.  The
# lists and PCRs are left in /attest-out on the disk for the host.
. /suites/lib.sh

tpm=/sys/class/tpm/tpm0
ima=/sys/kernel/security/ima
if [ -r $tpm/pcr-sha1/10 ] && [ -r $tpm/pcr-sha256/10 ]; then
	ok "a TPM with sha1 and sha256 PCR banks"
else
	not_ok "a TPM with sha1 and sha256 PCR banks"
	echo "Bail out! no TPM PCRs in $tpm (boot with run-suite.sh --tpm)"
	exit 2
fi
# The first rules written replace the built-in tcb policy: measure what
# root reads, executes or maps on the ext4 disk, and appraise root's files
# there (fix mode rewrites their security.ima on the final close).
printf '%s\n' \
	"measure func=FILE_CHECK mask=^MAY_READ uid=0 fsmagic=0xef53" \
	"measure func=BPRM_CHECK fsmagic=0xef53" \
	"measure func=MMAP_CHECK mask=MAY_EXEC fsmagic=0xef53" \
	"appraise fowner=0 fsmagic=0xef53" > $ima/policy
sed 's/^/# policy: /' $ima/policy
require_appraisal "no final close would rewrite security.ima"
check "the kernel exports sha1 and sha256 binary lists" \
	test -r $ima/binary_runtime_measurements_sha1 -a -r $ima/binary_runtime_measurements_sha256

d=/mnt/attest
mkdir -p $d
for f in close munmap exit keep1 keep2; do echo "original content of $f" > $d/$f; done
for f in close munmap exit keep1 keep2; do cat $d/$f > /dev/null; done
labelled "fix mode labelled the tree" $d/munmap

# log: LABEL WANT_RC ARGS...: run ima-test log, output in /tmp/log.LABEL
log() {
	_l=$1 _w=$2
	shift 2
	ima-test log "$@" > /tmp/log.$_l 2>&1
	_rc=$?
	if [ $_rc = "$_w" ]; then
		ok "ima-test log $* exits $_w ($_l)"
	else
		not_ok "ima-test log $* exits $_w ($_l): exit $_rc"
		sed 's/^/# /' /tmp/log.$_l | tail -n 20
	fi
}
consistent() { # consistent LABEL: both banks' PCR 10 replays matched
	check "$1: sha1 and sha256 PCR 10 replay to the TPM at the last entry" \
		test "$(grep -cE 'consistent \(sha(1|256) PCR 10 matches the TPM' /tmp/log.$1)" = 2
}
log before 0
consistent before
grep '^summary' /tmp/log.before | sed 's/^/# /'

ima-test audit -r --format keylime $d > /tmp/ref.json 2> /tmp/audit.err
check "audit --format keylime exported the reference" grep -q "\"$d/keep1\"" /tmp/ref.json
log reference 0 --reference /tmp/ref.json

# Three final-close paths: close(2), munmap, process exit.
echo "appended, then close" >> $d/close
mmap-write $d/munmap "REWRITTEN THROUGH A MAPPING"
sh -c "exec 3>>$d/exit; echo 'appended, then exit' >&3; exit 0"
for f in close munmap exit; do labelled "final close by $f rewrote security.ima" $d/$f; done
for f in close munmap exit keep1 keep2; do cat $d/$f > /dev/null; done

log edited 1 --reference /tmp/ref.json
named=$(sed -n -E 's/^.*: entry [0-9]+ (.*): (digest-not-allowed|not-in-reference) .*/\1/p' /tmp/log.edited |
	sort | tr '\n' ' ')
if [ "$named" = "$d/close $d/exit $d/munmap " ]; then
	ok "the old reference names exactly the edited files"
else
	not_ok "the old reference names exactly the edited files"
	diag "named: $named"
fi
consistent edited
log after 0
consistent after
ima-test audit -r --format keylime $d > /tmp/ref2.json 2> /tmp/audit.err
log reexported 1 --reference /tmp/ref2.json
named=$(sed -n -E 's/^.*: entry [0-9]+ (.*): (digest-not-allowed|not-in-reference) .*/\1/p' /tmp/log.reexported |
	sort | tr '\n' ' ')
check "a reference re-exported after the edit flags the old entries of the same files" \
	test "$named" = "$d/close $d/exit $d/munmap "

# open-writers: read while another process holds the file open for write.
echo "violation" > $d/writers
exec 4>> $d/writers
cat $d/writers > /dev/null
exec 4>&-
# ToMToU: opened for write while a reader holds the measured file open.
echo "tomtou" > $d/tomtou
exec 5< $d/tomtou
echo "written while measured" >> $d/tomtou
exec 5<&-
log violation 1
check "the open-writers violation names the file" grep -q ": entry [0-9]* $d/writers: violation" /tmp/log.violation
check "the ToMToU violation names the file" grep -q ": entry [0-9]* $d/tomtou: violation" /tmp/log.violation
consistent violation
log ignored 0 --ignore-violations

# For the host: the lists and the PCRs, read as one snapshot.
o=/mnt/attest-out
mkdir -p $o
pcrs() {
	for i in $(seq 0 23); do
		printf 'PCR-%02d: %s\n' "$i" "$(tr A-F a-f < $tpm/pcr-$1/$i)"
	done
}
for _ in 1 2 3; do
	pcrs sha1 > $o/pcrs_sha1
	pcrs sha256 > $o/pcrs_sha256
	for b in sha1 sha256; do
		cp $ima/binary_runtime_measurements_$b $o/bin_$b
		cp $ima/ascii_runtime_measurements_$b $o/ascii_$b
	done
	pcrs sha1 | cmp -s - $o/pcrs_sha1 && break
done
log copied 1 --list $o/bin_sha1 --list $o/bin_sha256 --pcrs sha1,$o/pcrs_sha1 --pcrs sha256,$o/pcrs_sha256
consistent copied
sync
finish
