#!/bin/bash
# EVM initialised, ima_appraise=fix: close-check --evm-key and the HMAC the
# kernel writes on every final close (suites/evm.sh).
exec "$(dirname "$0")/run-suite.sh" --kernel none --suite evm --name evm-fix-none \
	--cmdline "ima_appraise=fix ima_policy=appraise_tcb imafput.evmmode=fix imafput.cciter=2"
