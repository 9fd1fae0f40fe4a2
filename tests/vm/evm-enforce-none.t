#!/bin/bash
# EVM initialised, ima_appraise=enforce: close-check --evm-key and the HMAC the
# kernel writes on every final close (suites/evm.sh).
exec "$(dirname "$0")/run-suite.sh" --kernel none --suite evm --name evm-enforce-none \
	--cmdline "ima_appraise=enforce ima_policy=appraise_tcb imafput.evmmode=enforce imafput.cciter=2"
