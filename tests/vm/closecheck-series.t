#!/bin/bash
# Fix mode: every final-close scenario of ima-test close-check, 20 runs each.
exec "$(dirname "$0")/run-suite.sh" --kernel series --suite closecheck \
	--cmdline "ima_appraise=fix ima_policy=appraise_tcb imafput.cciter=20"
