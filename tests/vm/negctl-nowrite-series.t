#!/bin/bash
exec "$(dirname "$0")/run-suite.sh" --kernel series --suite negctl --name negctl-nowrite-series \
	--cmdline "ima_appraise=fix ima_policy=appraise_tcb imafput.negctl=nowrite" --expect negctl
