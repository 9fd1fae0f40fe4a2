#!/bin/sh
# Demo, boot 2 of 2, ima_appraise=enforce ima_policy=tcb: the same policy
# enforced.  The signed program runs, a tampered copy is refused, an edited
# data file gets its new hash on its final close, and audit sums it up.
# imafput.skipkeys=1 leaves the certificate out: the signed program must
# then be refused, and the demo fails at that step.
. /suites/demo-lib.sh

chapter "boot 2: ima_appraise=enforce ($(uname -r))"
# IMA's audit records reach the console through printk_ratelimit(); the
# policy load alone would use up its burst.
echo 100 > /proc/sys/kernel/printk_ratelimit_burst 2>/dev/null
step "enforce mode: load the demo policy" sh -c "$LOAD_POLICY"
if [ "$(cmdline_arg skipkeys)" = 1 ]; then
	say "DEMO_SKIP_KEYS=1: the certificate is NOT loaded into the _ima keyring."
else
	say "The kernel checks signatures with the keys in the _ima keyring:"
	step "load the certificate into _ima" ima-test keys add $KEYS/ima.pem
	run ima-test keys list
fi

chapter "a signed program"
step "the signed program runs" $D/bin/hello

chapter "signed files are immutable"
say "A signature cannot be recomputed on close, so enforce refuses to open a signed"
say "file for writing at all:"
step_fails "appending to the signed bin/hello is refused" \
	sh -c "echo 'echo more' >> $D/bin/hello"

chapter "a program tampered with offline"
say "Between the boots, bin/tampered was rewritten on the host with its old signature."
step_fails "the tampered copy is refused" $D/bin/tampered
grep -q "Permission denied" /tmp/demo.out
check "refused with EACCES (Permission denied)" [ $? = 0 ]
say "The kernel's integrity audit record of the refusal:"
run sh -c "dmesg | grep 'type=1800' | grep tampered | tail -n 1 | sed 's/.*audit: //'"

chapter "an edited data file"
echo 1 > /sys/kernel/tracing/events/ima/ima_update_xattr/enable 2>/dev/null &&
	echo > /sys/kernel/tracing/trace
say "Before:"
run xattr-hex $D/etc/motd
before=$(ima_hex $D/etc/motd)
step "append a line to etc/motd (the last writer's close rewrites security.ima)" \
	sh -c "echo 'edited under enforce' >> $D/etc/motd"
say "After:"
run xattr-hex $D/etc/motd
labelled "security.ima now holds the hash of the new content" $D/etc/motd
check "and differs from before" [ "$(ima_hex $D/etc/motd)" != "$before" ]
if [ -r /sys/kernel/tracing/trace ]; then
	say "The rewrite as the tracepoint ima:ima_update_xattr saw it:"
	run sh -c "grep -o 'ima_update_xattr: .*' /sys/kernel/tracing/trace"
fi
step "the edited file still opens under enforce" cat $D/etc/motd

chapter "audit"
step_status "ima-test audit: every file ok but the tampered program (exit 1)" 1 \
	ima-test audit -r --cert $KEYS/ima.pem /mnt
grep -q "^summary: 6 files: 5 ok, .* 1 unreadable" /tmp/demo.out &&
	grep -q "bin/tampered: unreadable (Permission denied)" /tmp/demo.out
check "audit: the one file enforce will not even open is the tampered program" [ $? = 0 ]
chapter "EVM: an HMAC over security.ima"
say "IMA alone trusts security.ima as it finds it on the disk.  EVM keeps an HMAC of"
say "it (and of the inode's owner, mode and file system) in security.evm, keyed by"
say "a secret only the running kernel holds."
evm_on
step "write etc/evm-data: its final close writes security.ima, and EVM the HMAC" \
	sh -c "echo 'data protected by EVM' > $D/etc/evm-data"
run xattr-hex $D/etc/evm-data security.ima
run xattr-hex $D/etc/evm-data security.evm
step "ima-test verify --evm: the HMAC is the one the key gives" \
	ima-test verify --evm --evm-key /tmp/evm.key $D/etc/evm-data
finish
