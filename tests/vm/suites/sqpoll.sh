#!/bin/sh
# The closes io_uring does for a process, alone: close-check's
# io_uring-sqpoll and io_uring-async scenarios, a few runs each.  With
# imafput.expect=NAME the runs are a region whose kernel reports the judge
# expects (negctl-sqpoll.t: the series without its SQPOLL fix).
. /suites/lib.sh
d=/mnt/sqpoll
mkdir -p $d
region=$(cmdline_arg expect)
[ -n "$region" ] && expect_begin "$region"
ima-test close-check --iterations 3 --scenario io_uring-sqpoll,io_uring-async $d > /tmp/cc.tap 2> /tmp/cc.err
rc=$?
[ -n "$region" ] && expect_end "$region"
sed 's/^/# stderr: /' /tmp/cc.err
relay_tap "close-check " /tmp/cc.tap
check "close-check exit status 0 (was $rc)" [ "$rc" = 0 ]
check "the SQPOLL scenario ran (not skipped)" sh -c "grep -q '^ok .* io_uring-sqpoll: ' /tmp/cc.tap && ! grep -q 'io_uring-sqpoll: .*# SKIP' /tmp/cc.tap"
finish
