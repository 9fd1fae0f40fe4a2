#!/bin/bash
exec "$(dirname "$0")/run-suite.sh" --kernel none --suite negctl --name negctl-nowrite-none \
	--cmdline "ima_appraise=fix ima_policy=appraise_tcb imafput.negctl=nowrite" --expect negctl
