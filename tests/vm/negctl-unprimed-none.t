#!/bin/bash
exec "$(dirname "$0")/run-suite.sh" --kernel none --suite negctl --name negctl-unprimed-none \
	--cmdline "ima_appraise=fix ima_policy=appraise_tcb imafput.negctl=unprimed" --expect negctl
