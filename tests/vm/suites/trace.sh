# shellcheck shell=sh
# Helpers for suites that read the ima:ima_update_xattr tracepoint
# (busybox sh).  Sourced after lib.sh, not run.
variant=$(kernel_variant)
T=/sys/kernel/tracing
tp=0

# trace_setup: enable the tracepoint; one test that the series kernel has
# it and the baseline has not
trace_setup() {
	if [ -e $T/events/ima/ima_update_xattr/enable ]; then
		echo 1 > $T/events/ima/ima_update_xattr/enable && tp=1
	fi
	case $variant in
	series) check "tracepoint ima:ima_update_xattr enabled" [ $tp = 1 ] ;;
	none) check "baseline: no ima:ima_update_xattr tracepoint" [ $tp = 0 ] ;;
	*) not_ok "kernel variant known (imafput.kernel=series|none)" ;;
	esac
}

trace_reset() { [ $tp = 0 ] || echo > $T/trace; }
# contexts FILE: the distinct "rc/context" pairs of the rewrites of FILE
# traced since trace_reset, or "none"; "untraced" without the tracepoint
contexts() {
	[ $tp = 1 ] || { echo untraced; return; }
	_dev=$(stat -c %d "$1") _ino=$(stat -c %i "$1")
	_mm="$(( (_dev >> 8) & 0xfff )):$(( (_dev & 0xff) | ((_dev >> 12) & 0xfff00) ))"
	_c=$(sed -n "s/.*ima_update_xattr: dev=$_mm ino=$_ino rc=\([-0-9]*\) context=\([a-z]*\).*/\1\/\2/p" \
		$T/trace | sort -u | tr '\n' ' ')
	echo "${_c:-none}" | sed 's/ $//'
}
# traced DESC FILE WANT: the series kernel traced exactly WANT ("0/kthread",
# "none", ...) for FILE since trace_reset; the baseline has nothing to say
traced() {
	_got=$(contexts "$2")
	case $variant in
	series) check "$1: traced rewrite '$3' (got '$_got')" [ "$_got" = "$3" ] ;;
	*) diag "$1: no tracepoint on this kernel" ;;
	esac
}

