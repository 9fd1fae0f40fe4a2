#!/bin/sh
# Fix mode: final closes that the kernel makes itself, of root-owned files
# on the appraised ext4 disk.  For each: what happens to security.ima, and
# (series kernel) the context the ima:ima_update_xattr tracepoint reports.
# The host judge checks the console for assertion and lockdep reports.
#   acct      close_work() worker, __fput_sync(), the waiter holds acct->lock
#   core      do_coredump() filp_close() in the dying task
#   swap      swapoff filp_close() after swapon_mutex is dropped
#   loop      __loop_clr_fd() fput() from lo_release(), under open_mutex
#   handle    open_by_handle_at(2), then close(2)
. /suites/lib.sh
d=/mnt/kclose
mkdir -p $d

require_appraisal "nothing here could fail"

. /suites/trace.sh
trace_setup

# --- process accounting: close_work() closes the file in a worker --------
: > $d/acct
labelled "acct: empty accounting file labelled at creation" $d/acct
trace_reset
check "acct: accounting on" acct-ctl $d/acct
i=0
while [ $i -lt 200 ]; do /bin/true; i=$((i + 1)); done
check "acct: accounting off" acct-ctl off
size=$(stat -c %s $d/acct)
check "acct: 200 processes were accounted ($size bytes)" [ "$size" -ge 12800 ]
labelled "acct: security.ima = hash of the file after close_work's __fput_sync" $d/acct
traced "acct" $d/acct "0/kthread"

# switching straight to another file closes the first in close_work too
: > $d/acct2
check "acct: on to the first file" acct-ctl $d/acct
/bin/true; /bin/true
trace_reset
check "acct: on to a second file while the first is active" acct-ctl $d/acct2
labelled "acct: first file labelled when replaced" $d/acct
traced "acct replaced" $d/acct "0/kthread"
/bin/true
check "acct: off" acct-ctl off
labelled "acct: second file labelled after off" $d/acct2

# on/off under load: four loops of short processes while accounting flips
stop=$d/acct.stop
rm -f $stop
for _ in 1 2 3 4; do
	(while [ ! -e $stop ]; do /bin/true; done) &
done
bad=0 rounds=0
while [ $rounds -lt 20 ]; do
	acct-ctl $d/acct || bad=$((bad + 100))
	usleep 100000
	acct-ctl off || bad=$((bad + 100))
	[ "$(ima_hex $d/acct)" = "$(want_hex $d/acct)" ] || bad=$((bad + 1))
	rounds=$((rounds + 1))
done
touch $stop
wait
check "acct under load: 20 on/off rounds, hash right after every off ($bad wrong)" [ $bad = 0 ]
labelled "acct under load: final hash" $d/acct

# --- core dump: the dying task closes the core file ----------------------
echo "$d/core.%p" > /proc/sys/kernel/core_pattern
rm -f $d/core.*
trace_reset
core-crash 512
rc=$?
check "core: the program died of SIGSEGV (status $rc)" [ $rc = 139 ]
core=$(find $d -name "core.*" | head -n 1)
check "core: a core file was written on the appraised disk ($core)" [ -s "${core:-/none}" ]
check "core: owned by root" [ "$(stat -c %u "$core")" = 0 ]
labelled "core: security.ima = hash of the core after the kernel's final close" "$core"
traced "core" "$core" "0/task"

# --- swap file: written below the page cache, closed by swapoff ----------
dd if=/dev/zero of=$d/swap bs=1M count=48 2>/dev/null
chmod 600 $d/swap
mkswap $d/swap > /dev/null
labelled "swap: labelled after mkswap (an ordinary write and close)" $d/swap
before=$(ima_hex $d/swap)
trace_reset
check "swap: swapon" swapon $d/swap
avail=$(sed -n 's/^MemAvailable: *\([0-9]*\) kB/\1/p' /proc/meminfo)
check "swap: a program larger than free memory runs intact" mem-hog $((avail / 1024 + 24))
used=$(awk -v f=$d/swap '$1 == f { print $4 }' /proc/swaps)
check "swap: pages went out to the swap file (${used:-0} KiB)" [ "${used:-0}" -gt 0 ]
check "swap: swapoff" swapoff $d/swap
# Swap I/O goes to the file's blocks, below the page cache and without
# touching the inode; IMA still rehashes on swapoff's close (its change
# cookie differs from the one recorded when the file was last hashed), so
# the hash covers what was swapped out.  Read again from the disk to be sure.
after=$(ima_hex $d/swap)
sync
echo 3 > /proc/sys/vm/drop_caches
labelled "swap: security.ima = hash of the content on disk after swapoff" $d/swap
check "swap: the content changed while it was swap (the check above can fail)" \
	[ "$after" != "$before" ]
traced "swap" $d/swap "0/task"

# --- loop device: writes through the loop worker, detach drops the file --
dd if=/dev/zero of=$d/loopback bs=1M count=4 2>/dev/null
labelled "loop: backing file labelled at creation" $d/loopback
before=$(ima_hex $d/loopback)
trace_reset
dev=$(losetup -f)
check "loop: attach $dev to the backing file" losetup "$dev" $d/loopback
dd if=/dev/urandom of="$dev" bs=64k count=32 conv=fsync 2>/dev/null
check "loop: 2 MiB written through $dev" [ $? = 0 ]
check "loop: detach" losetup -d "$dev"
check "loop: detached" sh -c "! losetup \"$dev\" 2>/dev/null | grep -q loopback"
labelled "loop: security.ima = hash of the new content after the loop's final fput" $d/loopback
check "loop: the content changed" [ "$(ima_hex $d/loopback)" != "$before" ]
traced "loop" $d/loopback "0/task"

# --- open_by_handle_at: a handle-opened writer, closed by close(2) -------
echo "handle content" > $d/handle
labelled "handle: labelled at creation" $d/handle
trace_reset
check "handle: appended through open_by_handle_at" handle-write /mnt $d/handle "through a handle"
check "handle: the text is there" grep -q "through a handle" $d/handle
labelled "handle: security.ima = hash after close" $d/handle
traced "handle" $d/handle "0/task"
finish
