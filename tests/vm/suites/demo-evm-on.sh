#!/bin/sh
# Demo, extra boot: ima_appraise=enforce with EVM initialised by the same
# key as in boot 2: the file tampered with offline is refused.
. /suites/demo-lib.sh

chapter "boot 4: enforce with EVM ($(uname -r))"
echo 100 > /proc/sys/kernel/printk_ratelimit_burst 2>/dev/null
step "enforce mode: load the demo policy" sh -c "$LOAD_POLICY"
evm_on
step_fails "with EVM the file tampered with offline is refused" cat $D/etc/evm-data
grep -q "Permission denied" /tmp/demo.out
check "refused with EACCES (Permission denied)" [ $? = 0 ]
say "The kernel's integrity audit record of the refusal:"
run sh -c "dmesg | grep 'type=1800' | grep evm-data | tail -n 1 | sed 's/.*audit: //'"
grep -q 'cause=invalid-HMAC' /tmp/demo.out
check "the cause is invalid-HMAC" [ $? = 0 ]
finish
