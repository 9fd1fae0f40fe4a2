#!/bin/sh
# Demo, extra boot: ima_appraise=enforce, EVM not initialised.  etc/evm-data
# was changed offline together with its security.ima: plain IMA opens it.
. /suites/demo-lib.sh

chapter "boot 3: enforce without EVM ($(uname -r))"
step "enforce mode: load the demo policy" sh -c "$LOAD_POLICY"
run sh -c "cat /sys/kernel/security/evm; echo"
say "Between the boots, etc/evm-data got new content and the matching security.ima."
step "IMA alone opens the file tampered with offline" sh -c "cat $D/etc/evm-data && echo"
labelled "its security.ima is the hash of the tampered content" $D/etc/evm-data
say "ima-test, given the EVM key, sees what this kernel does not check:"
echo $EVM_KEY > /tmp/evm.key
step_status "ima-test verify --evm: evm-invalid-hmac (exit 1)" 1 \
	ima-test verify --evm --evm-key /tmp/evm.key $D/etc/evm-data
grep -q 'evm-data: evm-invalid-hmac' /tmp/demo.out
check "the finding is evm-invalid-hmac" [ $? = 0 ]
finish
