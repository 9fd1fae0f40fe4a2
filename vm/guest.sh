# shellcheck shell=bash
# vm/guest.sh: how every harness boots a guest (vm/run-suite.sh,
# tests/system/*.t) and what it does once QEMU has ended.  Sourced after
# tests/lib/tap.sh (and vm/swtpm.sh for a TPM).
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
# (vm/judge.sh: no unexpected WARNING, BUG or lockdep report)
guest_judge() {
	local reports
	if reports=$("$(dirname "${BASH_SOURCE[0]}")/judge.sh" "$1"); then
		ok "$2"
	else
		not_ok "$2"
		printf '%s\n' "$reports" | head -n 20 | sed 's/^/#   /'
	fi
}

# guest_boot CONSOLE TAP QEMULOG TIMEOUT QEMU-ARGS...: the one way every
#   harness boots a guest: QEMU (TCG, 2 CPUs, no display, no reboot) with
#   the kernel console on the first serial port (CONSOLE) and the guest's
#   TAP on the second (TAP), the TPM of swtpm_start (vm/swtpm.sh) if
#   one runs, and QEMU-ARGS (-m, -kernel, -initrd, -append, drives, ...).
#   QEMU's own output goes to QEMULOG; after TIMEOUT seconds QEMU is
#   killed.  The TPM is stopped afterwards.  Sets guest_qrc (QEMU's exit
#   status; 124 or 137: timed out) and guest_secs.
# shellcheck disable=SC2034 # guest_qrc and guest_secs are read by the caller
guest_qrc=0 guest_secs=0
guest_boot() {
	local console=$1 tap=$2 qlog=$3 limit=$4 start
	shift 4
	rm -f "$console" "$tap"
	start=$(date +%s)
	# shellcheck disable=SC2154 # tpmargs: set by swtpm_start
	timeout --kill-after=10 "$limit" qemu-system-x86_64 \
		-nodefaults -display none -no-reboot -smp 2 \
		-serial "file:$console" -serial "file:$tap" ${tpmargs[@]+"${tpmargs[@]}"} "$@" \
		> "$qlog" 2>&1
	guest_qrc=$?
	guest_secs=$(( $(date +%s) - start ))
	if declare -F swtpm_stop > /dev/null; then swtpm_stop; fi
}

# guest_ended WHAT LIMIT MARKER CONSOLE: after guest_boot and guest_relay,
#   one test: WHAT ran to its end (QEMU ended within LIMIT seconds, the
#   guest ran its whole plan, and the line MARKER is in CONSOLE).  On
#   failure the last console lines follow.  Returns 1 on failure.
guest_ended() {
	if [ "$guest_qrc" = 124 ] || [ "$guest_qrc" = 137 ]; then
		not_ok "$1 ended within ${2}s (timed out; last console lines below)"
	elif [ -n "$guest_bail" ]; then
		not_ok "$1: the guest bailed out: ${guest_bail#Bail out! }"
	elif [ "$guest_count" = 0 ] || [ "$guest_plan" != "$guest_count" ] ||
		! grep -qF "$3" "$4"; then
		not_ok "$1 ran to its end (plan ${guest_plan:-none}, ran $guest_count${3:+, $3 $(grep -qF "$3" "$4" && echo seen || echo missing)})"
		grep -h 'IMA-FPUT: initramfs-fail' "$4" | sed 's/^/#   /'
	else
		ok "$1 ran to its end ($guest_count tests)"
		return 0
	fi
	tail -n 15 "$4" | sed 's/^/#   /'
	return 1
}
