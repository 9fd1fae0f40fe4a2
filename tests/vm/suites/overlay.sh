#!/bin/sh
# overlayfs, which is how containers write their files: the lower, upper
# and work directories are on the appraised ext4 disk.  A new file written
# through the overlay, a lower file copied up by a write, and the
# close-check scenarios run through the overlay: after each final close
# the upper (real) file's security.ima must be the hash of the new
# content, and a copied-up lower file must keep its own.  Shared mappings
# are the exception, asserted as they are below.
. /suites/lib.sh
variant=$(kernel_variant)
require_appraisal "nothing here could fail"
b=/mnt/ovl
rm -rf $b
mkdir -p $b/lower $b/upper $b/work $b/merged
# a lower file, labelled on the ext4 disk before the overlay exists
printf 'lower content\n' > $b/lower/base
labelled "lower file labelled on ext4" $b/lower/base
lower_before=$(ima_hex $b/lower/base)
if ! mount -t overlay overlay -o lowerdir=$b/lower,upperdir=$b/upper,workdir=$b/work $b/merged; then
	echo "Bail out! cannot mount overlayfs (CONFIG_OVERLAY_FS)"
	exit 2
fi
ok "overlayfs mounted over the appraised disk"

# a new file: created in the upper layer through the overlay
printf 'new file through the overlay\n' > $b/merged/new
labelled "new file: the upper file's security.ima is its hash" $b/upper/new
is "$(ima_hex $b/merged/new)" "$(ima_hex $b/upper/new)" "new file: the overlay shows the upper file's label"

# copy-up: appending to the lower file copies it up, then writes the copy
printf 'appended through the overlay\n' >> $b/merged/base
check "copy-up: the file is now in the upper layer" [ -f $b/upper/base ]
labelled "copy-up: the upper copy's security.ima is the hash of the new content" $b/upper/base
is "$(ima_hex $b/lower/base)" "$lower_before" "copy-up: the lower file keeps its own label"

# A shared writable mapping maps the upper file itself (ovl_mmap() puts
# the real file in the vma), so closing the overlay file's descriptor is
# the overlay file's final close even while the mapping can still write:
# IMA rewrites then, and the mapping's final fput, of the real file that
# IMA never saw opened, rewrites nothing.  What each kernel does is
# asserted exactly, so that a change is seen (ima-fput.rst, overlayfs).
printf 'mapped file, to be overwritten through a shared mapping\n' > $b/merged/mapped
mmap-write $b/merged/mapped "WRITTEN THROUGH THE MAPPING"
got=$(ima_hex $b/upper/mapped) want=$(want_hex $b/upper/mapped)
diag "mmap after close: upper label $got, content hash $want"
check "overlay: mmap, close, write through the mapping, munmap: the label is stale (known limitation)" \
	[ "$got" != "$want" ]

# every other final-close path, through the overlay
mkdir -p $b/merged/cc
scen=$(ima-test close-check --list | awk '$1 != "munmap" && $1 != "mmap-exit" { print $1 }' | paste -sd, -)
ima-test close-check --iterations 2 --scenario "$scen" $b/merged/cc > /tmp/cc.tap 2> /tmp/cc.err
rc=$?
sed 's/^/# stderr: /' /tmp/cc.err
relay_tap "overlay: close-check " /tmp/cc.tap
check "overlay: close-check exit status 0 (was $rc)" [ "$rc" = 0 ]
if [ "$variant" = series ]; then
	ctx=$(sed -n "s/^#   close: rewritten in \([a-z]*\) context.*/\1/p" /tmp/cc.tap)
	is "$ctx" task "overlay: the close(2) rewrite is traced in the closing task"
fi
umount $b/merged
finish
