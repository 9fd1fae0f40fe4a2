#!/bin/bash
# The in-guest probe of the real-system test, run by ima-fput-probe.service
# once multi-user.target is reached.  Stage N comes from imafput.stage=N on
# the kernel command line:
#   1  ima_appraise=fix, the policy to be enforced: pre-flight (ready, audit)
#   2  ima_appraise=enforce: the system works; dpkg, mmap and the planted
#      faults
#   3  ima_appraise=enforce: what boot 2 wrote still opens; audit finds only
#      the planted files
# TAP goes to the second serial port (the first is the console, where a
# getty runs); the system is then rebooted, which ends QEMU (-no-reboot).
exec > /dev/ttyS1 2>&1
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
stage=$(sed -n 's/.*imafput\.stage=\([0-9]*\).*/\1/p' /proc/cmdline)
cert=/etc/ima-fput/ima.pem
state=/var/lib/ima-fput
lib=/usr/local/lib/ima-fput
tampered_prog=/usr/local/bin/ima-fput-tampered
tampered_conf=/etc/ima-fput/tampered.conf
planted_lib=$lib/planted/libplanted.so
# The project's one TAP library, installed beside the probe by mkimage.sh.
. /usr/local/lib/ima-fput/tap.sh
. /usr/local/lib/ima-fput/probe-lib.sh

kmsg "probe-begin stage=$stage"
mode=$(sed -n 's/.*ima_appraise=\([a-z]*\).*/\1/p' /proc/cmdline)
diag "stage $stage, ima_appraise=$mode, kernel $(uname -r), up $(cut -d' ' -f1 /proc/uptime)s"
probe_settle

# --- every boot: systemd and the policy ---
probe_systemd "$stage"
pol=/sys/kernel/security/ima/policy
check "stage $stage: the live policy requires signatures for exec and executable mappings" \
	sh -c "grep -q 'func=BPRM_CHECK.*appraise_type=imasig' $pol && grep -q 'func=MMAP_CHECK.*appraise_type=imasig' $pol"
keys=$(ima-test keys list 2>&1)
want_keyid=$(cat /etc/ima-fput/keyid)
check "stage $stage: the test certificate ($want_keyid) is in _ima" grep -qi "$want_keyid" <<<"$keys"
# ima-test came in with dpkg -i of its package; the initramfs has its own
# static copy, this one is the package's
tool=$(command -v ima-test)
check "stage $stage: the probe runs the packaged ima-test ($tool), which dpkg -L ima-test lists" \
	sh -c "[ '$tool' = /usr/bin/ima-test ] && dpkg -L ima-test | grep -qx /usr/bin/ima-test"
if [ "$stage" != 1 ]; then
	d=$(denials)
	if [ -z "$d" ]; then ok "stage $stage: no integrity denial while the system booted"
	else not_ok "stage $stage: no integrity denial while the system booted"; diag "$d"; fi
fi

# --- the journal is kept on the root file system ---
# While journald writes its journal, security.ima holds the hash of the
# content at the file's last close, and an appraised open for read is
# refused (invalid-hash).  Have journald close its files on the root first
# (it goes on in /run for the rest of the boot): the final close relabels
# them, and the reads and scans below see files at rest.
mid=$(cat /etc/machine-id)
jdir=/var/log/journal/$mid
journalctl --relinquish-var
check "stage $stage: journald wrote its journal under /var/log/journal and closed it on request" \
	sh -c "test -s $jdir/system.journal && ! ls -l /proc/$(pidof systemd-journald)/fd | grep -q $jdir"
boots=$(journalctl --list-boots 2>&1 | grep -cE '^ *-?[0-9]+ [0-9a-f]{32} ')
check "stage $stage: the journal holds this boot and the $((stage - 1)) before it ($boots boots)" \
	[ "$boots" -ge "$stage" ]
if [ "$stage" = 3 ]; then
	check "stage 3: boot 2's kernel messages are read back from its journal" \
		sh -c "journalctl -q -k -b -1 --no-pager | grep -q 'IMA-FPUT: probe-begin stage=2'"
fi

case $stage in
1)
	# The system never opens its signed files for write, which enforce
	# refuses: --access leaves write opens out of the model.
	out=$(ima-test ready --access read,exec,mmap --cert "$cert" / 2>&1); rc=$?
	diag "$(grep -v 'symlink not followed' <<<"$out" | tail -n 12)"
	# Object code (ELF, whatever its mode, and files with an execute bit) is
	# judged for executable mappings: the 0644 libraries are signed, so
	# nothing may be left; data files, labelled with a hash, are not mapped.
	if [ $rc = 0 ]; then
		ok "stage 1: ima-test ready says enforce would deny nothing"
	else
		not_ok "stage 1: ima-test ready says enforce would deny nothing (exit $rc)"
		diag "$(grep -E '^/[^:]*: ' <<<"$out" | head -n 20)"
	fi
	out=$(ima-test audit -r -x --cert "$cert" / 2>&1); rc=$?
	diag "$(tail -n 12 <<<"$out")"
	check "stage 1: ima-test audit finds every file on the root labelled (exit $rc)" [ $rc = 0 ]
	;;
2)
	# dpkg under enforce: the package's files get their label on the final close
	deb=/var/cache/ima-fput/ima-fput-data_1.0_all.deb
	out=$(dpkg -i "$deb" 2>&1); rc=$?
	check "stage 2: dpkg -i installs the local package (exit $rc)" [ $rc = 0 ]
	[ $rc = 0 ] || diag "$out"
	mapfile -t files < <(dpkg -L ima-fput-data | while read -r f; do [ -f "$f" ] && [ ! -L "$f" ] && echo "$f"; done)
	out=$(ima-test verify "${files[@]}" 2>&1); rc=$?
	diag "$out"
	check "stage 2: the files dpkg installed carry their hash in security.ima (${#files[@]} files)" \
		[ $rc = 0 -a "${#files[@]}" -ge 3 ]

	# a file written through a shared mapping, final close in munmap
	f=$state/mmap.dat
	echo "written with write(2)" > "$f"
	mmap-write "$f" "written through a shared mapping, closed by munmap"
	out=$(ima-test verify "$f" 2>&1); rc=$?
	diag "$out"
	check "stage 2: a file written through mmap is relabelled when munmap closes it" \
		sh -c "[ $rc = 0 ] && grep -q 'closed by munmap' '$f'"

	# libraries: signed maps, hash-only is refused when mapped executable
	out=$(LD_LIBRARY_PATH=$lib/signed use-planted 2>&1)
	check "stage 2: a program maps a signed library ($out)" [ "$out" = "libplanted mapped" ]
	out=$(LD_LIBRARY_PATH=$lib/planted use-planted 2>&1); rc=$?
	diag "$out"
	check "stage 2: a planted library with a valid hash but no signature is readable" \
		cmp -s "$planted_lib" "$lib/signed/libplanted.so"
	check "stage 2: the planted unsigned library is refused when mapped executable (exit $rc)" \
		sh -c "[ $rc != 0 ] && dmesg | grep 'type=1800' | grep 'res=0' | grep -q 'name=\"$planted_lib\"'"

	out=$("$tampered_prog" 2>&1); rc=$?
	check "stage 2: the planted tampered program is refused ($out)" \
		sh -c "[ $rc = 126 ] && dmesg | grep 'cause=invalid-signature' | grep -q 'name=\"$tampered_prog\"'"
	out=$(cat "$tampered_conf" 2>&1); rc=$?
	check "stage 2: the planted tampered config file is refused on open ($out)" \
		sh -c "[ $rc != 0 ] && dmesg | grep 'cause=invalid-hash' | grep -q 'name=\"$tampered_conf\"'"

	others=$(denied_names | grep -vxF -e "$planted_lib" -e "$tampered_prog" -e "$tampered_conf")
	check "stage 2: no integrity denial other than the planted files" [ -z "$others" ]
	diag "$others"

	# what this boot wrote on the root, for boot 3 to open
	since=$(( $(date +%s) - $(cut -d. -f1 /proc/uptime) - 5 ))
	# (by ctime: dpkg gives the files it installs the package's mtime)
	find / -xdev -type f -newerct "@$since" ! -path "$state/written-in-boot2" > "$state/written-in-boot2" 2>/dev/null
	diag "boot 2 wrote $(wc -l < "$state/written-in-boot2") files on the root"

	# Attestation: boot 2 runs under a software TPM; ima-test log replays
	# the measurement list to it and checks every measured file against the
	# Keylime reference exported inside the root after labelling.  A read
	# of a file another process holds open for write (journald's journal)
	# is an open-writers violation, a matter of timing on any running
	# system, not of integrity: --ignore-violations.
	ref=/etc/ima-fput/reference.json
	tpm=/sys/class/tpm/tpm0
	check "stage 2: a TPM with sha1 and sha256 PCR banks" \
		test -r $tpm/pcr-sha1/10 -a -r $tpm/pcr-sha256/10
	log=$state/log.txt
	ima-test log --reference "$ref" --ignore-violations > "$log" 2>&1; rc=$?
	diag "$(grep -E '^summary|consistent' "$log")"
	check "stage 2: ima-test log: the list replays to the TPM in both banks (PCR 10, sha1 and sha256)" \
		test "$(grep -cE 'consistent \(sha(1|256) PCR 10 matches the TPM' "$log")" = 2
	# the findings: one line per list and entry; their number must be the
	# summary's, so that no kind of finding goes unread here
	lines=$(grep -E ': entry [0-9]+ .*: (not-in-reference|digest-not-allowed|violation|template-digest|boot-aggregate|boot-aggregate-not-in-reference|no-boot-aggregate|not-ima-pcr|no-tpm-value|malformed|bad-signature|unknown-key|unsupported-algorithm|unchecked-signature|unchecked-template|verity-digest|not-evaluated|lists-differ|list-continues) \(' "$log")
	nfind=$(sed -n 's/^summary: [0-9]* entries, \([0-9]*\) findings.*/\1/p' "$log")
	named=$(sed -n -E 's/^.*: entry [0-9]+ (.*): [a-z-]+ \(.*$/\1/p' <<<"$lines" | sort -u)
	diag "ima-test log (exit $rc): $nfind findings naming $(grep -c . <<<"$named") files:"
	diag "$(grep -oE ': entry [0-9]+ .*: [a-z-]+ ' <<<"$lines" | sed -E 's/^: entry [0-9]+ //' | sort -u)"
	# Written since the reference was exported, in boot 1 (fix) or this
	# boot (journal, machine-id, dpkg's database, ...): a ctime after the
	# reference's mtime, or, for a file gone since (dpkg's temporary
	# files), a path the reference never knew and no other finding.
	unexpected=
	refmtime=$(stat -c %Y "$ref")
	while IFS= read -r f; do
		[ -n "$f" ] || continue
		case $f in "$planted_lib"|"$tampered_prog"|"$tampered_conf") continue ;; esac
		# the reference was exported before this boot: it cannot hold this
		# boot's boot_aggregate, and Keylime says so (checked below)
		[ "$f" = boot_aggregate ] && grep -q ': entry 1 boot_aggregate: boot-aggregate-not-in-reference (' <<<"$lines" && continue
		if [ -e "$f" ]; then
			[ "$(stat -c %Z "$f")" -gt "$refmtime" ] && continue
		elif ! grep -F ": entry " <<<"$lines" | grep -F " $f: " | grep -qv ": not-in-reference ("; then
			continue
		fi
		unexpected+="$f "
	done <<<"$named"
	whole=no
	[ -n "$nfind" ] && [ "$(grep -c . <<<"$lines")" = "$nfind" ] && whole=yes
	check "stage 2: ima-test log --ignore-violations (a read of a file open for write, as journald's journal, is no finding): every finding names a planted file or one written since the reference was exported (exit $rc, all $nfind read)" \
		test "$rc" = 1 -a -z "$unexpected" -a "$whole" = yes
	diag "not planted, not written since the reference: ${unexpected:-none}"
	missing=
	for f in "$planted_lib" "$tampered_prog" "$tampered_conf"; do
		grep -qxF "$f" <<<"$named" || missing+="$f "
	done
	check "stage 2: ima-test log names the three planted files" [ -z "$missing" ]
	check "stage 2: ima-test log: the reference exported in boot 1 lacks boot 2's boot_aggregate, as Keylime would report" \
		grep -q ': entry 1 boot_aggregate: boot-aggregate-not-in-reference (' <<<"$lines"
	diag "${missing:+missing: $missing}"
	;;
3)
	list=$state/written-in-boot2
	total=0 refused=()
	while read -r f; do
		total=$((total + 1))
		[ -e "$f" ] || continue
		cat "$f" > /dev/null 2>&1 || refused+=("$f")
	done < "$list"
	check "stage 3: the files written in boot 2 still open ($total files: journal, dpkg, mmap)" \
		[ "$total" -gt 3 -a ${#refused[@]} = 0 ]
	diag "${refused[@]}"
	check "stage 3: boot 2's files include the journal and the package's files" \
		sh -c "grep -q '^/var/log/journal/' '$list' && grep -q '^/usr/share/ima-fput-data/' '$list'"
	cat "$state/mmap.dat" > /dev/null 2>&1
	check "stage 3: the file written through mmap in boot 2 opens" [ $? = 0 ]

	out=$(ima-test audit -r -x --cert "$cert" / 2>&1); rc=$?
	diag "$(tail -n 12 <<<"$out")"
	found=$(sed -n 's/^\(\/[^:]*\): .*/\1/p' <<<"$out" | sort -u)
	want=$(printf '%s\n' "$tampered_prog" "$tampered_conf" | sort)
	check "stage 3: ima-test audit over the root reports only the planted files (exit $rc)" \
		[ $rc = 1 -a "$found" = "$want" ]
	# ready judges the policy, not only the labels: the hash-only library is
	# a finding for it, since the MMAP_CHECK rule wants a signature
	# (of /etc/ima-fput only the tampered file: the certificate and key id
	# are data files, findings for ready under MMAP_CHECK, see stage 1)
	out=$(ima-test ready --access read,exec,mmap --cert "$cert" /usr/local "$tampered_conf" 2>&1); rc=$?
	diag "$(grep -v '^note:' <<<"$out" | tail -n 6)"
	found=$(sed -n 's/^\(\/[^:]*\): .*/\1/p' <<<"$out" | sort -u)
	want=$(printf '%s\n' "$planted_lib" "$tampered_prog" "$tampered_conf" | sort)
	check "stage 3: ima-test ready names exactly the three planted files (exit $rc)" \
		[ $rc = 1 -a "$found" = "$want" ]
	diag "$found"
	others=$(denied_names | grep -vxF -e "$planted_lib" -e "$tampered_prog" -e "$tampered_conf")
	check "stage 3: no integrity denial other than the planted files" [ -z "$others" ]
	diag "$others"
	;;
*)
	not_ok "imafput.stage= names a stage (1, 2 or 3), not '$stage'"
	;;
esac
echo "1..$(tap_count)"
kmsg "probe-end stage=$stage failed=$(tap_failed && echo 1 || echo 0)"
systemctl --no-block reboot
