# shellcheck shell=sh
# Helpers for the guest suites (busybox sh).  Sourced, not run.
# TAP comes from the project's one library (tests/lib/tap.sh, installed as
# /suites/tap.sh): ok, not_ok, check, is, skip, diag, bail, finish.
. /suites/tap.sh

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

# require_appraisal WHY: the first test of a suite; bail out (exit 2) when
# the live policy has no appraise rule, since then WHY.
require_appraisal() {
	if grep -q '^appraise' /sys/kernel/security/ima/policy 2>/dev/null; then
		ok "IMA policy appraises ($(grep -c '^appraise' /sys/kernel/security/ima/policy) appraise rules)"
	else
		not_ok "IMA policy appraises"
		echo "Bail out! IMA appraisal is not active: $1"
		exit 2
	fi
}

# relay_tap PREFIX FILE: re-emit the tests of a nested TAP stream (e.g.
# ima-test close-check's) as ours, each description prefixed; pass its
# diagnostics through.  A nested "Bail out!" is passed on and ends the suite.
relay_tap() {
	if grep -q '^Bail out!' "$2"; then
		cat "$2"
		exit 2
	fi
	while IFS= read -r _line; do
		case $_line in
		'ok '*) ok "$1$(echo "$_line" | sed -E 's/^ok [0-9]+ - //')" ;;
		'not ok '*) not_ok "$1$(echo "$_line" | sed -E 's/^not ok [0-9]+ - //')" ;;
		'#'*) echo "$_line" ;;
		esac
	done < "$2"
}
