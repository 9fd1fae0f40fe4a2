#!/bin/sh
# The closes io_uring does for a process, alone: close-check's
# io_uring-sqpoll, io_uring-async and io_uring-sqpoll-exit scenarios (or
# those of imafput.ccscen=A,B), a few runs each.  With imafput.expect=NAME
# the runs are a region whose kernel reports the judge expects
# (negctl-sqpoll.t: the series without its SQPOLL fix).
. /suites/lib.sh
d=/mnt/sqpoll
mkdir -p $d
region=$(cmdline_arg expect)
scenarios=$(cmdline_arg ccscen)
scenarios=${scenarios:-io_uring-sqpoll,io_uring-async,io_uring-sqpoll-exit}
[ -n "$region" ] && expect_begin "$region"
ima-test close-check --iterations 3 --scenario "$scenarios" $d > /tmp/cc.tap 2> /tmp/cc.err
rc=$?
[ -n "$region" ] && expect_end "$region"
sed 's/^/# stderr: /' /tmp/cc.err
relay_tap "close-check " /tmp/cc.tap
check "close-check exit status 0 (was $rc)" [ "$rc" = 0 ]
want=$(echo "$scenarios" | tr ',' '\n' | grep -c .)
ran=$(grep -c '^ok [0-9]* - io_uring-' /tmp/cc.tap)
check "the $want scenarios ($scenarios) ran and passed, none skipped ($ran)" \
	sh -c "[ $ran = $want ] && ! grep -q '# SKIP' /tmp/cc.tap"
finish
