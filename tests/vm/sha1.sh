#!/bin/bash
# sha1.sh series|none: SHA-1 labels that the kernel reads as MD5.  Two
# boots on one disk with ima_hash=sha1: fix mode writes a file whose SHA-1
# ends in four zero bytes (suites/sha1-label.sh), then enforce opens it
# (suites/sha1-open.sh).  The baseline labels it 01 <sha1>, which
# ima_get_hash_algo() reads as MD5, and refuses it under enforce; the
# series writes 04 02 <sha1> and opens it.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
k=${1:?usage: sha1.sh series|none}
. "$top/tests/lib/tap.sh"
disk=$top/build/vm/disks/sha1-$k.img
rm -f "$disk"
mkdir -p "$(dirname "$disk")"
empty=$(mktemp -d)
mke2fs -q -F -t ext4 -I 256 -E root_owner=0:0 -d "$empty" "$disk" 128M >&2
rmdir "$empty"
boot() { # boot NAME SUITE CMDLINE
	TAP_START=$(tap_count) "$top/vm/run-suite.sh" --kernel "$k" --name "$1" --suite "$2" \
		--disk "$disk" --no-plan --cmdline "$3" || tap_fail
	tap_set_count "$(cat "$top/build/test-results/$1/count")"
}
boot "sha1-label-$k" sha1-label "ima_hash=sha1 ima_appraise=fix ima_policy=appraise_tcb"
boot "sha1-open-$k" sha1-open "ima_hash=sha1 ima_appraise=enforce ima_policy=appraise_tcb"
finish
