#!/bin/sh
# Remote attestation, the attested machine's side (boot with run-suite.sh
# --tpm, ima_policy=tcb, imafput.nonces=N1,N2,N3 from the host verifier).
# An attestation key is made under the TPM's endorsement key; then three
# rounds, each quoting PCR 10 (and sha256 PCRs 0-9) over the host's nonce
# and copying the binary lists right after the quote:
#   r1  the staged files app and conf have been read;
#   r2  data too (a later round: r1 is then an old quote);
#   r3  after conf was edited and read again.
# Everything is written to /tmp (tmpfs, which the policy does not measure:
# a file written and read back on the disk would add entries after the
# quote) and copied to /quote-out on the disk at the end, for
# tests/vm/quote.sh, which is the verifier.  The guest checks nothing about the quotes itself: only
# that the tools ran, and that each list was copied as it was quoted.
. /suites/lib.sh

tpm=/sys/class/tpm/tpm0
ima=/sys/kernel/security/ima
d=/mnt/quote o=/tmp/quote-out
export TPM2TOOLS_TCTI=device:/dev/tpmrm0
if [ -c /dev/tpmrm0 ] && [ -r $tpm/pcr-sha256/10 ]; then
	ok "a TPM 2.0 with its resource manager (/dev/tpmrm0)"
else
	not_ok "a TPM 2.0 with its resource manager (/dev/tpmrm0)"
	bail "no /dev/tpmrm0 (boot with run-suite.sh --tpm)"
fi
command -v tpm2_quote > /dev/null || bail "tpm2-tools is not in the initramfs (vm/mkinitramfs.sh)"
nonces=$(cmdline_arg nonces)
# shellcheck disable=SC2046 # split on the commas, hex only (checked below)
set -- $(echo "$nonces" | tr ',' ' ')
[ $# = 3 ] || bail "want imafput.nonces=N1,N2,N3 on the command line, got '$nonces'"
check "the host's three nonces are hex" \
	sh -c "echo '$nonces' | grep -qxE '[0-9a-f]{16,128}(,[0-9a-f]{16,128}){2}'"
[ -f $d/app ] && [ -f $d/conf ] && [ -f $d/data ] || bail "the host did not stage $d/app, conf and data"

# Measure what root reads and executes on the ext4 disk only, so that the
# tools run from the initramfs and the copies below add no entry.
printf '%s\n' \
	"measure func=FILE_CHECK mask=^MAY_READ uid=0 fsmagic=0xef53" \
	"measure func=BPRM_CHECK fsmagic=0xef53" > $ima/policy
sed 's/^/# policy: /' $ima/policy

mkdir -p $o
# run LABEL CMD...: a tpm2-tools command; its output in /tmp/LABEL.log
run() {
	_l=$1
	shift
	if "$@" > /tmp/$_l.log 2>&1; then
		ok "$*"
	else
		not_ok "$*"
		sed 's/^/# /' /tmp/$_l.log | tail -n 10
	fi
}
# The attestation key, once: a restricted RSA signing key under the EK.
# ak.pub (TPM2B_PUBLIC, with the attributes the verifier checks), ak.pem.
run ek tpm2_createek -c /tmp/ek.ctx -G rsa -u $o/ek.pub
run ak tpm2_createak -C /tmp/ek.ctx -c /tmp/ak.ctx -G rsa -g sha256 -s rsassa \
	-u $o/ak.pub -n $o/ak.name
run pem tpm2_readpublic -c /tmp/ak.ctx -f pem -o $o/ak.pem

# round NAME NONCE: quote over NONCE, the lists copied right after the
# quote; a list that grew meanwhile would not be the one quoted, so the
# lists are read before and after, and the round is redone when they differ.
round() {
	_r=$o/$1
	mkdir -p $_r
	for _try in 1 2 3; do
		cp $ima/binary_runtime_measurements_sha256 /tmp/before
		tpm2_quote -c /tmp/ak.ctx -l sha1:10+sha256:0,1,2,3,4,5,6,7,8,9,10 \
			-q "$2" -g sha256 -m $_r/quote.msg -s $_r/quote.sig -o $_r/quote.pcrs \
			> /tmp/quote.log 2>&1 || break
		cp $ima/binary_runtime_measurements_sha1 $_r/bin_sha1
		cp $ima/binary_runtime_measurements_sha256 $_r/bin_sha256
		cmp -s /tmp/before $_r/bin_sha256 && { _ok=1; break; }
		_ok=0
	done
	if [ "${_ok:-0}" = 1 ]; then
		ok "$1: tpm2_quote over the nonce, the lists copied as quoted ($(wc -c < $_r/bin_sha256) bytes sha256 list)"
	else
		not_ok "$1: tpm2_quote over the nonce, the lists copied as quoted"
		sed 's/^/# /' /tmp/quote.log | tail -n 10
	fi
	_ok=0
}
cat $d/app $d/conf > /dev/null
round r1 "$1"
cat $d/data > /dev/null
round r2 "$2"
echo "edited on the attested machine" >> $d/conf
cat $d/conf > /dev/null
round r3 "$3"
check "the edit added an entry for conf" test "$(grep -c "$d/conf" $ima/ascii_runtime_measurements_sha256)" = 2
rm -rf /mnt/quote-out
check "the evidence copied to the disk" cp -r $o /mnt/quote-out
sync
finish
