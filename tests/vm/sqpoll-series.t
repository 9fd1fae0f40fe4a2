#!/bin/bash
exec "$(dirname "$0")/run-suite.sh" --kernel series --suite sqpoll --name sqpoll-series \
	--cmdline "ima_appraise=fix ima_policy=appraise_tcb"
