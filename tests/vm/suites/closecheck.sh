#!/bin/sh
# Fix mode: ima-test close-check runs every final-close scenario on the
# ext4 disk; each is one test here.  Then what the tool must say about
# this kernel: the series has the ima:ima_update_xattr tracepoint and
# shows the asynchronous paths rewriting from a kernel thread; the
# baseline has no tracepoint, which the tool reports without failing.
. /suites/lib.sh
variant=$(kernel_variant)
iterations=$(cmdline_arg cciter)
timeout=$(cmdline_arg cctimeout)
d=/mnt/closecheck
mkdir -p $d

# imafput.ccbin=asan: the sanitizer build, with its shared libraries, from
# the disk (closecheck-asan-*.t puts them there)
tool=ima-test
if [ "$(cmdline_arg ccbin)" = asan ]; then
	cp -a /mnt/asan/root/. / || { echo "Bail out! no sanitizer build on the disk"; exit 2; }
	tool=/mnt/asan/ima-test-asan
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1
	diag "running the ASan/UBSan build of ima-test"
fi
$tool close-check --iterations "${iterations:-3}" --timeout-ms "${timeout:-10000}" $d > /tmp/cc.tap 2> /tmp/cc.err
rc=$?
sed 's/^/# stderr: /' /tmp/cc.err
relay_tap "close-check " /tmp/cc.tap
check "close-check exit status 0 (was $rc)" [ "$rc" = 0 ]
check "no sanitizer or crash report from close-check" \
	sh -c "! grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error:|Segmentation' /tmp/cc.err"
skips=$(grep -c '# SKIP' /tmp/cc.tap)
check "no scenario skipped ($skips skipped)" [ "$skips" = 0 ]
planned=$(sed -n 's/^1\.\.//p' /tmp/cc.tap)
check "close-check ran at least 20 scenarios (plan $planned)" [ "${planned:-0}" -ge 20 ]

ctx() { sed -n "s/^#   $1: rewritten in \([a-z]*\) context.*/\1/p" /tmp/cc.tap; }
# the task that ran the rewrite, without its pid: iou-sqp, iou-wrk, ...
by() { sed -n "s/^#   $1: rewritten in [a-z]* context by \(.*\)-[0-9]*-[0-9]*, rc=.*/\1/p" /tmp/cc.tap; }
case $variant in
series)
	check "tracepoint ima:ima_update_xattr present" \
		[ -e /sys/kernel/tracing/events/ima/ima_update_xattr ]
	check "scm-gc: rewrite traced in a kernel thread (got '$(ctx scm-gc)')" [ "$(ctx scm-gc)" = kthread ]
	check "close: rewrite traced in the closing task (got '$(ctx close)')" [ "$(ctx close)" = task ]
	check "munmap: rewrite traced in the unmapping task (got '$(ctx munmap)')" [ "$(ctx munmap)" = task ]
	check "io_uring-sqpoll: rewrite traced in the SQPOLL thread (got '$(ctx io_uring-sqpoll)' by '$(by io_uring-sqpoll)')" \
		[ "$(ctx io_uring-sqpoll)/$(by io_uring-sqpoll)" = task/iou-sqp ]
	check "io_uring-sqpoll-exit: rewrite traced in the SQPOLL thread as it cancels (got '$(ctx io_uring-sqpoll-exit)' by '$(by io_uring-sqpoll-exit)')" \
		[ "$(ctx io_uring-sqpoll-exit)/$(by io_uring-sqpoll-exit)" = task/iou-sqp ]
	check "io_uring-async: rewrite traced in an io-wq worker (got '$(ctx io_uring-async)' by '$(by io_uring-async)')" \
		[ "$(ctx io_uring-async)/$(by io_uring-async)" = task/iou-wrk ]
	check "aio: rewrite traced in a kernel thread (got '$(ctx aio)')" [ "$(ctx aio)" = kthread ]
	;;
none)
	check "baseline: no ima:ima_update_xattr tracepoint" \
		[ ! -e /sys/kernel/tracing/events/ima/ima_update_xattr ]
	check "baseline: close-check says the tracepoint is absent" \
		grep -q 'no ima:ima_update_xattr tracepoint' /tmp/cc.tap
	;;
*) not_ok "kernel variant known (imafput.kernel=series|none)" ;;
esac
finish
