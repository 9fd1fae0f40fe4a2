# shellcheck shell=bash
# What both system probes (probe.sh, debian-probe.sh) do the same way,
# installed beside tap.sh as /usr/local/lib/ima-fput/probe-lib.sh.

# kmsg TEXT: a marker in the kernel's log, which the host reads
kmsg() { echo "IMA-FPUT: $*" > /dev/kmsg; }
# denials: IMA's integrity audit records that refused an access (res=0)
denials() { dmesg | grep 'type=1800' | grep 'res=0' || true; }
denied_names() { denials | sed -n 's/.* name="\([^"]*\)".*/\1/p' | sort -u; }

# probe_settle: the probe starts with multi-user.target, beside the other
# units ordered after it (systemd-update-utmp-runlevel writes
# /var/log/wtmp); the scans judge files at rest, so wait (at most 120 s)
# until the probe's own job is the only one queued
others_queued() { systemctl list-jobs --no-legend --plain | grep -v ' ima-fput-probe\.service ' | grep -q .; }
probe_settle() {
	local i
	for i in $(seq 0 120); do
		others_queued || { [ "$i" = 0 ] || diag "waited ${i}s for the other jobs"; return 0; }
		sleep 1
	done
	diag "still queued after 120 s:"
	diag "$(systemctl list-jobs --no-legend --plain)"
}

# probe_systemd STAGE: two tests, multi-user.target active and no failed unit
probe_systemd() {
	local failed u
	check "stage $1: multi-user.target is active" systemctl -q is-active multi-user.target
	failed=$(systemctl list-units --failed --plain --no-legend | awk '{print $1}')
	if [ -z "$failed" ]; then
		ok "stage $1: no failed unit"
	else
		not_ok "stage $1: no failed unit (failed: ${failed//$'\n'/ })"
		for u in $failed; do diag "$(journalctl -b -q -n 8 -u "$u" --no-pager)"; done
	fi
}
