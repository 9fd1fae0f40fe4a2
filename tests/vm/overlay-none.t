#!/bin/bash
exec "$(dirname "$0")/run-suite.sh" --kernel none --suite overlay \
	--cmdline "ima_appraise=fix ima_policy=appraise_tcb"
