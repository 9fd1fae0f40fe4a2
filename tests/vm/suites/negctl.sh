#!/bin/sh
# Negative control: a module drops the last reference to an appraised file
# open for write with __fput_sync() under mmap_read_lock(), the situation
# the 2012 "is mmap_sem held?" test in fput() tried to detect.
#
# imafput.negctl=write    the file is changed, so IMA rewrites security.ima
#                         and takes the inode lock under mmap_lock
# imafput.negctl=nowrite  the file is unchanged: no rewrite, no inode lock;
#                         only checks made on every writable close see it
# imafput.negctl=unprimed like write, but lockdep has not been shown the
#                         i_rwsem -> mmap_lock order in this boot, so only
#                         the assertion can see the bad caller
#
# With the series the assertion in IMA's release hook fires in every mode
# and lockdep reports the mmap_lock -> i_rwsem inversion when primed.  The baseline
# has no assertion; what lockdep says there is recorded.
. /suites/lib.sh
variant=$(kernel_variant)
mode=$(cmdline_arg negctl)
diag "kernel: ${variant:-unknown}, mode: ${mode:-unset}"

d=/mnt/negctl
mkdir -p $d
echo "victim" > $d/victim
labelled "victim labelled before the control" $d/victim
before=$(ima_hex $d/victim)

case $mode in
write) arg=1 primed=yes ;;
nowrite) arg=0 primed=yes ;;
unprimed) arg=1 primed=no ;;
*) not_ok "imafput.negctl=write|nowrite|unprimed given"; finish; exit ;;
esac
# Any O_DIRECT write shows lockdep the normal order i_rwsem -> mmap_lock.
[ $primed = yes ] &&
	check "O_DIRECT write taught lockdep i_rwsem -> mmap_lock" dio-prime $d/primer
expect_begin negctl
insmod /lib/ima-fput/ima_fput_negctl.ko path=$d/victim write=$arg
rc=$?
expect_end negctl
check "module ran (insmod rc=$rc)" [ "$rc" = 0 ]

log=$(dmesg)
warn=no; echo "$log" | grep -q 'WARNING:.*ima_file_free' && warn=yes
cycle=no; echo "$log" | grep -q 'possible circular locking dependency' && cycle=yes
diag "assertion warning at ima_file_free: $warn; lockdep circular dependency: $cycle"
case $variant in
series)
	check "the lock-free assertion in IMA reported the close under mmap_lock" [ $warn = yes ]
	[ $primed = yes ] &&
		check "lockdep reported the mmap_lock -> i_rwsem inversion" [ $cycle = yes ]
	;;
none)
	check "baseline: there is no assertion, so none reported" [ $warn = no ]
	diag "baseline, $mode: lockdep circular dependency reported: $cycle"
	;;
*)
	not_ok "kernel variant known (imafput.kernel=series|none)"
	;;
esac

if [ $arg = 1 ]; then
	check "the module's write reached the file" grep -q 'negative control' $d/victim
	labelled "the hash is still rewritten" $d/victim
else
	check "the file was left unchanged, so was security.ima" [ "$(ima_hex $d/victim)" = "$before" ]
fi
finish
