#!/bin/bash
exec "$(dirname "$0")/run-suite.sh" --kernel none --suite negctl --name negctl-write-none \
	--cmdline "ima_appraise=fix ima_policy=appraise_tcb imafput.negctl=write" --expect negctl
