# shellcheck shell=sh
# tests/lib/tap.sh: the one TAP vocabulary for every shell test of the
# project: host tests, tool tests, the harness's own output and the guest
# suites (so it is POSIX sh; busybox ash runs it).  Sourced, not run.
#
#   ok DESC                 a passing test
#   not_ok DESC             a failing test
#   check DESC CMD...       ok when CMD exits 0, not_ok otherwise
#   check_rc RC DESC        ok when RC is 0 (an exit status already taken)
#                           (not_ok, check and check_rc return 1 on failure)
#   is GOT WANT DESC        ok when the strings are equal; prints both if not
#   skip DESC WHY           a skipped test
#   skip_all WHY            the whole file is skipped (plan 1..0)
#   diag TEXT...            a diagnostic line per line of TEXT
#   bail WHY                "Bail out!" and exit 2
#   plan N                  a leading plan (else finish prints a trailing one)
#   finish                  trailing plan (unless planned, or TAP_NO_PLAN=1);
#                           exits 0 iff all passed
#   tap_count               how many tests so far
#   tap_set_count N         continue numbering after N tests run elsewhere
#                           (a boot's guest and judge, with TAP_START)
#   tap_fail                mark the file failed without a test of its own
#
# TAP_START=N numbers the tests from N+1 (several boots in one .t file).
_tap_n=${TAP_START:-0}
_tap_failed=0
_tap_planned=0

ok() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $*"; }
not_ok() { _tap_n=$((_tap_n + 1)); _tap_failed=$((_tap_failed + 1)); echo "not ok $_tap_n - $*"; return 1; }
diag() { printf '%s\n' "$*" | sed 's/^/# /'; }
check() {
	_tap_desc=$1
	shift
	if "$@"; then ok "$_tap_desc"; else not_ok "$_tap_desc"; fi
}
check_rc() { if [ "$1" -eq 0 ]; then ok "$2"; else not_ok "$2"; fi; }
is() {
	if [ "$1" = "$2" ]; then
		ok "$3"
	else
		not_ok "$3"
		diag "got:  $1"
		diag "want: $2"
	fi
}
skip() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $1 # SKIP $2"; }
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
bail() { echo "Bail out! $*"; exit 2; }
plan() { _tap_planned=1; echo "1..$1"; }
tap_count() { echo "$_tap_n"; }
tap_set_count() { _tap_n=$1; }
tap_fail() { _tap_failed=$((_tap_failed + 1)); }
tap_failed() { [ "$_tap_failed" -ne 0 ]; }
finish() {
	[ "$_tap_planned" = 1 ] || [ "${TAP_NO_PLAN:-0}" = 1 ] || echo "1..$_tap_n"
	[ "$_tap_failed" = 0 ]
	exit $?
}
