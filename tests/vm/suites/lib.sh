# TAP helpers for the guest suites (busybox sh).  Sourced, not run.
_n=0
_failed=0
ok() { _n=$((_n + 1)); echo "ok $_n - $*"; }
not_ok() { _n=$((_n + 1)); _failed=$((_failed + 1)); echo "not ok $_n - $*"; }
diag() { echo "# $*"; }
skip() { _n=$((_n + 1)); echo "ok $_n - $1 # SKIP $2"; }
# check DESC CMD...: ok when CMD succeeds
check() { _desc=$1; shift; if "$@"; then ok "$_desc"; else not_ok "$_desc"; fi; }
# finish: print the plan (trailing, so suites need not count) and the status
finish() { echo "1..$_n"; [ "$_failed" = 0 ]; }

# Kernel reports between these markers are declared as expected.
expect_begin() { echo "IMA-FPUT: expect-begin $1" > /dev/kmsg; }
expect_end() { echo "IMA-FPUT: expect-end $1" > /dev/kmsg; }

# cmdline_arg NAME: value of imafput.NAME= on the kernel command line
cmdline_arg() { sed -n "s/.*imafput.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
kernel_variant() { cmdline_arg kernel; }

# ima_hex FILE: security.ima in hex, or "absent"
ima_hex() { xattr-hex "$1" security.ima; }
# want_hex FILE: what fix mode must write for FILE's content (sha256)
want_hex() { echo "0404$(sha256sum "$1" | cut -d' ' -f1)"; }
# labelled DESC FILE: ok when security.ima matches FILE's content
labelled() {
	got=$(ima_hex "$2") want=$(want_hex "$2")
	if [ "$got" = "$want" ]; then ok "$1"; else not_ok "$1"; diag "  got  $got"; diag "  want $want"; fi
}
