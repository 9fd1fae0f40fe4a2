#!/bin/bash
exec "$(dirname "$0")/run-suite.sh" --kernel series --suite negctl --name negctl-unprimed-series \
	--cmdline "ima_appraise=fix ima_policy=appraise_tcb imafput.negctl=unprimed" --expect negctl
