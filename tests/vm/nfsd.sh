#!/bin/bash
# nfsd.sh series|none: the nfsd suite on a disk holding the Debian NFS tree
# (nfsd-root.sh), made fresh for each run; TAP on stdout.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"
kernel=$1
if ! root=$("$top/tests/vm/nfsd-root.sh"); then
	not_ok "nfsd-$kernel: build the Debian NFS tree"
	finish
fi
disk=$top/build/vm/disks/nfsd-$kernel.img
mkdir -p "$(dirname "$disk")"
rm -f "$disk"
mke2fs -q -F -t ext4 -I 256 -E root_owner=0:0 -d "$root" "$disk" 512M >&2
exec "$top/vm/run-suite.sh" --kernel "$kernel" --suite nfsd --disk "$disk" \
	--name "nfsd-$kernel" --cmdline "ima_appraise=fix ima_policy=appraise_tcb"
