# shellcheck shell=sh
# Helpers for the demo suites (busybox sh), on top of lib.sh.  Sourced.
# Lines starting with "# " are the narrative the host prints; each step
# is one TAP test named after what it shows.
. /suites/lib.sh

say() { echo "# $*"; }
# run CMD...: show the command and its output; returns its exit status
run() {
	# "sh -c STRING" is shown as the STRING typed at a shell, quotes kept
	if [ "$1" = sh ] && [ "$2" = -c ] && [ $# = 3 ]; then
		echo "# \$ $3"
	else
		echo "# \$ $*"
	fi
	"$@" > /tmp/demo.out 2>&1
	_rc=$?
	sed 's/^/#   /' /tmp/demo.out
	[ "$_rc" = 0 ] || echo "#   (exit status $_rc)"
	return $_rc
}
# step DESC CMD...: run CMD, ok when it succeeds
step() { _d=$1; shift; if run "$@"; then ok "$_d"; else not_ok "$_d"; fi; }
# step_fails DESC CMD...: run CMD, ok when it fails
step_fails() { _d=$1; shift; if run "$@"; then not_ok "$_d"; else ok "$_d"; fi; }
# step_status DESC STATUS CMD...: ok when CMD exits with STATUS
step_status() {
	_d=$1 _want=$2; shift 2
	run "$@"
	if [ "$_rc" = "$_want" ]; then ok "$_d"; else not_ok "$_d (exit $_rc, expected $_want)"; fi
}
chapter() { echo "#"; echo "# == $* =="; }

D=/mnt/demo
# shellcheck disable=SC2034 # used by the suites that source this
KEYS=/mnt/keys
# LOAD_POLICY: write the demo policy, one rule per line, to IMA
# shellcheck disable=SC2034
LOAD_POLICY="cat $D/ima-policy > /sys/kernel/security/ima/policy"
# The EVM HMAC key of the demo's EVM steps (64 bytes, as hex), and turning
# EVM on with it.
EVM_KEY=0f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff00f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff0
evm_on() {
	echo $EVM_KEY > /tmp/evm.key
	step "load the EVM HMAC key (user kmk, encrypted evm-key) and turn EVM on" evm-key-load $EVM_KEY
	run sh -c "cat /sys/kernel/security/evm; echo"
}
