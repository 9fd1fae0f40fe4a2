#!/bin/bash
# kernel.sh SAMPLES: boot the patched (series) and the baseline (none) kernel
# alternately, BENCH_BOOTS times each (order A B, then B A, ... so a drift of
# the machine's speed hits both alike), run the guest suite tests/vm/suites/
# bench.sh and append each boot's medians to SAMPLES (see bench/host.py):
#   kwrite-close       patched|baseline  BOOT  MEDIAN_NS  ns  ok|why
#   kwrite-close-norm  patched|baseline  BOOT  NORM       x   ok|why
# (NORM: the median close time in units of a reference workload timed right
# after each close in the same guest; see tests/vm/helpers/bench-close.c).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
samples=$1
boots=${BENCH_BOOTS:-6}
iters=${BENCH_ITERS:-1000}
log() { echo "bench: $*" >&2; }

# The tinyconfig kernel finds no reference to calibrate the TSC against under
# TCG and falls back to jiffies (4 ms resolution).  QEMU's TCG guest TSC runs
# at the host's TSC rate, so hand the guest that rate.
tsc_mhz=$(dmesg 2>/dev/null | sed -n 's/.*tsc: Detected \([0-9.]*\) MHz.*/\1/p' | head -n 1)
[ -n "$tsc_mhz" ] || tsc_mhz=$(awk -F': *' '/^cpu MHz/ { print $2; exit }' /proc/cpuinfo)
tsc_khz=$(awk -v m="${tsc_mhz:-0}" 'BEGIN { printf "%d", m * 1000 }')
cmdline="ima_appraise=fix ima_policy=appraise_tcb imafput.bench_iters=$iters"
if [ "$tsc_khz" -gt 0 ]; then
	cmdline="$cmdline tsc_early_khz=$tsc_khz tsc=reliable"
else
	log "warning: host TSC rate unknown; the guest clock will be jiffies (coarse)"
fi
echo "$cmdline" > "${BENCH_OUT:-$top/build/bench}/kernel-cmdline.txt"
retries=${BENCH_OUT:-$top/build/bench}/kernel-retries.txt
: > "$retries"

# boot KERNEL SUBJECT RUN
boot() {
	local kernel=$1 subject=$2 run=$3 name=bench-$1-$3 status tap line mode median norm attempt
	# A second attempt covers a boot lost to the shared checkout (another
	# run remaking the same initramfs); a second failure is reported.
	for attempt in 1 2; do
		log "kernel: boot $run/$boots, $subject ($kernel), attempt $attempt"
		status=ok
		"$top/tests/vm/run-suite.sh" --kernel "$kernel" --suite bench --name "$name" \
			--timeout 600 --cmdline "$cmdline" > "${BENCH_OUT:-$top/build/bench}/$name.tap" 2>&1 && break
		status=suite-failed
		log "kernel: $name failed; see build/test-results/$name/ and build/bench/$name.tap"
		grep '^not ok' "${BENCH_OUT:-$top/build/bench}/$name.tap" | head -n 3 | sed 's/^/bench:   /' >&2
		[ $attempt = 1 ] && echo "$name: first attempt failed ($(grep -m1 '^not ok' \
			"${BENCH_OUT:-$top/build/bench}/$name.tap" | cut -c1-120)); retried" >> "$retries"
		sleep 5
	done
	tap=$top/build/test-results/$name/guest.tap
	grep -q 'clocksource=tsc' "$tap" 2>/dev/null || [ "$status" != ok ] || status=coarse-clock
	while read -r line; do
		mode=${line%% *}
		median=$(printf '%s\n' "$line" | sed -n 's/.* median_ns=\([0-9]*\).*/\1/p')
		[ -n "$median" ] || continue
		printf 'k%s\t%s\t%d\t%s\tns\t%s\t0\t0\n' "$mode" "$subject" "$run" "$median" "$status" >> "$samples"
		norm=$(printf '%s\n' "$line" | sed -n 's/.* norm_ppm=\([0-9]*\).*/\1/p')
		[ -n "$norm" ] && printf 'k%s-norm\t%s\t%d\t%s\tx\t%s\t0\t0\n' "$mode" "$subject" "$run" \
			"$(awk -v p="$norm" 'BEGIN { printf "%.6f", p / 1e6 }')" "$status" >> "$samples"
	done < <(sed -n 's/^# bench \([a-z-]*-close .*\)/\1/p' "$tap" 2>/dev/null)
	if ! grep -q '^# bench write-close' "$tap" 2>/dev/null; then
		printf 'kwrite-close\t%s\t%d\t0\tns\tno-measurement\t0\t0\n' "$subject" "$run" >> "$samples"
	fi
}

# What the series' assertions cost depends on lockdep being built in.
kdir=$(PATCHES=series "$top/tests/vm/build-kernel.sh" 2>/dev/null) &&
	echo "VM kernels' lock debugging (same config for both): $(grep -E '^CONFIG_(PROVE_LOCKING|DEBUG_LOCK_ALLOC|LOCKDEP)=' "$kdir/.config" | tr '\n' ' ')" \
	> "${BENCH_OUT:-$top/build/bench}/kernel-config.txt"

for run in $(seq 1 "$boots"); do
	if [ $((run % 2)) = 1 ]; then
		boot series patched "$run"; boot none baseline "$run"
	else
		boot none baseline "$run"; boot series patched "$run"
	fi
done
