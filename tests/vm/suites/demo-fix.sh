#!/bin/sh
# Demo, boot 1 of 2, ima_appraise=fix ima_policy=tcb: load the policy that
# enforce mode will apply, label the disk, sign the programs, and ask
# `ima-test ready` what enforce would still deny.
. /suites/demo-lib.sh

chapter "boot 1: ima_appraise=fix ($(uname -r))"
say "The policy we are going to enforce, loaded now in fix mode so that opening a file"
say "labels it with its hash instead of being refused:"
step "fix mode: load the demo policy (text rules; ima_policy=tcb has no POLICY_CHECK rule)" sh -c "$LOAD_POLICY"
run grep appraise /sys/kernel/security/ima/policy

chapter "label the file system"
say "Before: the data file has no security.ima."
run xattr-hex $D/etc/motd
say "Every root-owned file on the disk is opened once; fix mode writes its hash."
step "label: open every file on /mnt once" sh -c 'find /mnt -xdev -type f -exec cat {} + > /dev/null'
labelled "after labelling, security.ima of etc/motd is 04 04 + sha256 of its content" $D/etc/motd
run xattr-hex $D/etc/motd

chapter "sign the programs"
say "The key pair was made on the host with openssl; the certificate is $KEYS/ima.pem."
step "sign bin/hello and bin/tampered with the demo key" \
	ima-test sign -v --key $KEYS/ima.key --cert $KEYS/ima.pem $D/bin/hello $D/bin/tampered
step "verify: the signatures check out against the certificate" \
	ima-test verify -v --cert $KEYS/ima.pem $D/bin/hello $D/bin/tampered

chapter "pre-flight: what would enforce deny?"
say "ready reads the live policy, decides which files it appraises and checks them."
say "Nothing here opens the programs for write, which enforce refuses for signed files:"
say "--access leaves write opens out of the model (without it, ready reports them as write-refused)."
step_status "ready finds the one program still unsigned (exit 1)" 1 \
	ima-test ready --access read,exec,mmap --cert $KEYS/ima.pem /mnt
grep -q "bin/report: signature-required" /tmp/demo.out
check "ready names bin/report: signature-required" [ $? = 0 ]
step "sign bin/report too" ima-test sign --key $KEYS/ima.key --cert $KEYS/ima.pem $D/bin/report
step_status "ready: nothing left that enforce would deny (exit 0)" 0 \
	ima-test ready --access read,exec,mmap --cert $KEYS/ima.pem /mnt
say "The private key does not stay on the machine that enforces:"
step "remove the private key from the disk" rm $KEYS/ima.key
finish
