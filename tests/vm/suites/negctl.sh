#!/bin/sh
# Negative control: a module drops the last reference to a written,
# appraised file with __fput_sync() under mmap_read_lock().  With the
# series, IMA's release hook must report it; the baseline has no check.
. /suites/lib.sh
variant=$(kernel_variant)
diag "kernel variant: ${variant:-unknown}"

d=/mnt/negctl
mkdir -p $d
echo "victim" > $d/victim
labelled "victim labelled before the control" $d/victim

expect_begin negctl
insmod /lib/ima-fput/ima_fput_negctl.ko path=$d/victim
rc=$?
expect_end negctl
check "module ran (insmod rc=$rc)" [ "$rc" = 0 ]

log=$(dmesg)
warn=no; echo "$log" | grep -q 'WARNING:.*ima_file_free' && warn=yes
cycle=no; echo "$log" | grep -q 'possible circular locking dependency' && cycle=yes
diag "assertion warning at ima_file_free: $warn; lockdep circular dependency: $cycle"
case $variant in
series)
	check "lock-free assertion reported the final __fput under mmap_lock" [ $warn = yes ]
	check "lockdep reported the mmap_lock -> i_rwsem inversion" [ $cycle = yes ]
	;;
none)
	check "baseline: no assertion exists, none reported" [ $warn = no ]
	diag "baseline: lockdep circular dependency report: $cycle (recorded, not required)"
	;;
*)
	not_ok "kernel variant known (imafput.kernel=series|none)"
	;;
esac
check "the module's write reached the file" grep -q 'negative control' $d/victim
labelled "the hash is still rewritten" $d/victim
finish
