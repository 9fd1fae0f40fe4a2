#!/bin/sh
# overlayfs, which is how containers write their files: the lower, upper
# and work directories are on the appraised ext4 disk.  A new file written
# through the overlay, a lower file copied up by a write, and every
# close-check scenario run through the overlay: after each final close the
# upper (real) file's security.ima must be the hash of the new content,
# and a copied-up lower file must keep its own.
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

# every final-close path, through the overlay
mkdir -p $b/merged/cc
ima-test close-check --iterations 2 $b/merged/cc > /tmp/cc.tap 2> /tmp/cc.err
rc=$?
sed 's/^/# stderr: /' /tmp/cc.err
relay_tap "overlay: close-check " /tmp/cc.tap
check "overlay: close-check exit status 0 (was $rc)" [ "$rc" = 0 ]
# close-check reads the label through the overlay; the files it leaves
# behind must carry the same label in the upper layer
n=0 bad=0
for f in $b/upper/cc/*; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	[ "$(ima_hex "$f")" = "$(want_hex "$f")" ] || { bad=$((bad + 1)); diag "stale: $f"; }
done
check "overlay: close-check's files are labelled in the upper layer ($n files, $bad stale)" [ "$n" -gt 0 -a "$bad" = 0 ]
if [ "$variant" = series ]; then
	ctx=$(sed -n "s/^#   close: rewritten in \([a-z]*\) context.*/\1/p" /tmp/cc.tap)
	is "$ctx" task "overlay: the close(2) rewrite is traced in the closing task"
fi
umount $b/merged
finish
