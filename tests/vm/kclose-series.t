#!/bin/bash
# Fix mode: the kernel's own final closes (acct, core dump, swap file, loop
# device, open_by_handle_at); 256 MiB of guest memory so swap is used.
exec "$(dirname "$0")/run-suite.sh" --kernel series --suite kclose \
	--cmdline "ima_appraise=fix ima_policy=appraise_tcb mem=256M"
