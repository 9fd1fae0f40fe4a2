# shellcheck shell=bash
# tests/lib/guest.sh: what every harness that boots a guest does once QEMU
# has ended (tests/vm/run-suite.sh, tests/system/*.t).  Sourced after
# tests/lib/tap.sh.
#
# guest_relay TAPFILE PREFIX: the guest's TAP (CRs stripped), renumbered into
#   ours with PREFIX before each description; other lines become comments.
#   Sets guest_plan (the guest's plan, empty if none), guest_count (tests
#   seen) and guest_bail (its "Bail out!" line, if any).
# shellcheck disable=SC2034 # read by the caller
guest_plan="" guest_count=0 guest_bail=""
# shellcheck disable=SC2034 # guest_plan and guest_bail are read by the caller
guest_relay() {
	local line desc
	guest_plan='' guest_count=0 guest_bail=''
	while IFS= read -r line; do
		case $line in
		'ok '*|'not ok '*)
			guest_count=$((guest_count + 1))
			desc=$(printf '%s\n' "$line" | sed -E 's/^(not )?ok [0-9]+ ?-? ?//')
			case $line in
			'ok '*) ok "$2$desc" ;;
			*) not_ok "$2$desc" ;;
			esac ;;
		1..*) guest_plan=${line#1..} ;;
		'Bail out!'*) guest_bail=$line ;;
		*) printf '# %s\n' "$line" ;;
		esac
	done < <(tr -d '\r' < "$1" 2>/dev/null)
}

# guest_judge CONSOLE DESC: the judge's verdict on the console log
# (tests/vm/judge.sh: no unexpected WARNING, BUG or lockdep report)
guest_judge() {
	local reports
	if reports=$("$(dirname "${BASH_SOURCE[0]}")/../vm/judge.sh" "$1"); then
		ok "$2"
	else
		not_ok "$2"
		printf '%s\n' "$reports" | head -n 20 | sed 's/^/#   /'
	fi
}
