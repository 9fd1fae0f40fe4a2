#!/bin/bash
# kernel.sh SAMPLES: boot the patched (series) and the baseline (none) kernel
# BENCH_BOOTS times each, run the guest suite tests/vm/suites/bench.sh and
# append each boot's medians to SAMPLES (see bench/host.py).  Boots go in
# pairs, one of each kernel: BENCH_PAIRING=sequential (the default)
# alternates A B, B A, ... so a drift of the machine's speed hits both alike;
# concurrent runs both of a pair at once (on a loaded 2-core host that was
# no steadier, as the two guests then compete).  Lines:
#   kwrite-close       patched|baseline  BOOT  MEDIAN_NS  ns  ok|why
#   kwrite-close-p10   patched|baseline  BOOT  P10_NS     ns  ok|why
# (P10: the fastest tenth of the closes, those the host's load did not
# stretch: under TCG on a busy machine the median moves with the load).
# BENCH_PROD=0 skips the second pair of kernels, built from the fragment
# without lock debugging (rows pk*: the cost a distribution would see),
# and the placement control beside them (rows ck*, BENCH_CONTROL=0 skips
# it); BENCH_DEBUG=0 boots only those.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
samples=$1
boots=${BENCH_BOOTS:-6}
pairing=${BENCH_PAIRING:-sequential}
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

# The variant being booted: "" the test config (lock debugging built in),
# "p" the production config (BENCH_PROD, below); its samples are named
# p<row>, its boots bench-prod-*.
prefix="" vname=""

# boot KERNEL SUBJECT RUN
boot() {
	local kernel=$1 subject=$2 run=$3 name=bench$vname-$1-$3 status tap line mode median p10 attempt
	# A second attempt covers a boot lost to the shared checkout (another
	# run remaking the same initramfs); a second failure is reported.
	for attempt in 1 2; do
		log "kernel: boot $run/$boots, $subject ($kernel), attempt $attempt"
		status=ok
		"$top/vm/run-suite.sh" --kernel "$kernel" --suite bench --name "$name" \
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
		printf '%sk%s\t%s\t%d\t%s\tns\t%s\t0\t0\n' "$prefix" "$mode" "$subject" "$run" "$median" "$status" >> "$samples"
		p10=$(printf '%s\n' "$line" | sed -n 's/.* p10_ns=\([0-9]*\).*/\1/p')
		[ -n "$p10" ] && printf '%sk%s-p10\t%s\t%d\t%s\tns\t%s\t0\t0\n' "$prefix" "$mode" "$subject" "$run" \
			"$p10" "$status" >> "$samples"
	done < <(sed -n 's/^# bench \([a-z-]*-close .*\)/\1/p' "$tap" 2>/dev/null)
	if ! grep -q '^# bench write-close' "$tap" 2>/dev/null; then
		printf '%skwrite-close\t%s\t%d\t0\tns\tno-measurement\t0\t0\n' "$prefix" "$subject" "$run" >> "$samples"
	fi
}

# What the series' assertions cost depends on lockdep being built in.
kdir=$(PATCHES=series "$top/vm/build-kernel.sh" 2>/dev/null) &&
	echo "VM kernels' lock debugging (same config for both): $(grep -E '^CONFIG_(PROVE_LOCKING|DEBUG_LOCK_ALLOC|LOCKDEP)=' "$kdir/.config" | tr '\n' ' ')" \
	> "${BENCH_OUT:-$top/build/bench}/kernel-config.txt"

# boots_of [SUBJECT]: BENCH_BOOTS pairs of the series kernel (named SUBJECT,
# default patched) and the baseline
boots_of() {
	local a=${1:-patched}
	for run in $(seq 1 "$boots"); do
		if [ "$pairing" = concurrent ]; then
			boot series "$a" "$run" & boot none baseline "$run" & wait
		elif [ $((run % 2)) = 1 ]; then
			boot series "$a" "$run"; boot none baseline "$run"
		else
			boot none baseline "$run"; boot series "$a" "$run"
		fi
	done
}
[ "${BENCH_DEBUG:-1}" = 0 ] || boots_of

# The production variant: the same fragment without lock debugging (what a
# distribution ships), generated here, built and cached like the others.
if [ "${BENCH_PROD:-1}" != 0 ]; then
	prod=${BENCH_OUT:-$top/build/bench}/ima-fput-prod.config
	sed -e '/^CONFIG_DEBUG_KERNEL=y$/d' \
		-e 's/^CONFIG_PROVE_LOCKING=y$/# CONFIG_PROVE_LOCKING is not set/' \
		-e 's/^CONFIG_DEBUG_ATOMIC_SLEEP=y$/# CONFIG_DEBUG_ATOMIC_SLEEP is not set/' \
		"$top/kernel/ima-fput.config" > "$prod"
	export FRAGMENT=$prod
	for k in series none; do
		log "kernel: building (or reusing) the production-config $k kernel"
		PATCHES=$k nice -n 19 "$top/vm/build-kernel.sh" > /dev/null 2>&1 ||
			log "kernel: the production-config $k kernel did not build"
	done
	kdir=$(PATCHES=series "$top/vm/build-kernel.sh" 2>/dev/null) &&
		echo "production-config kernels (fragment without lock debugging, rows 'prod'): $(grep -E '^(# )?CONFIG_(PROVE_LOCKING|DEBUG_LOCK_ALLOC|LOCKDEP|DEBUG_ATOMIC_SLEEP)[= ]' "$kdir/.config" | tr '\n' ' ')" \
		>> "${BENCH_OUT:-$top/build/bench}/kernel-config.txt"
	# Where the two production kernels differ on the timed paths: the
	# machine code of each function, compared (bench/kernel-code.sh).
	ka=$(PATCHES=series "$top/vm/build-kernel.sh" 2>/dev/null)
	kb=$(PATCHES=none "$top/vm/build-kernel.sh" 2>/dev/null)
	code=${BENCH_OUT:-$top/build/bench}/kernel-code-prod.txt
	if [ -n "$ka" ] && [ -n "$kb" ] && "$top/bench/kernel-code.sh" "$ka" "$kb" > "$code"; then
		echo "production-config kernels, machine code of the $(grep -c '^[^ ]' "$code") functions on the timed close and open paths: $(grep -c '^[^ ]* *same ' "$code") the same in both; differing: $(awk '$2 == "differs" { printf "%s%s (%s vs %s instructions)", n++ ? ", " : "", $1, $3, $7 }' "$code" | sed 's/^$/none/') (bench/kernel-code.sh; ${code#"$top"/})" \
			>> "${BENCH_OUT:-$top/build/bench}/kernel-config.txt"
		echo "production-config kernels, every function of the image: $("$top/bench/kernel-code.sh" --all "$ka" "$kb")" \
			>> "${BENCH_OUT:-$top/build/bench}/kernel-config.txt"
	fi
	# The contract's assertions (the lockdep, fs-state and ima-assert
	# patches) in a production build: the series without them must give
	# the same bytes.
	noassert=${BENCH_OUT:-$top/build/bench}/no-assert
	mkdir -p "$noassert"
	grep -v -e '^[0-9]*-lockdep-name-the-held-locks' -e '^[0-9]*-fs-state-and-check' \
		-e '^[0-9]*-ima-assert-that-the-last-writer' -e '^#' "$top/kernel/series" |
		sed "s|^|$(realpath --relative-to="$noassert" "$top/kernel")/|" > "$noassert/series"
	kn=$(SERIES=$noassert/series PATCHES=series nice -n 19 "$top/vm/build-kernel.sh" 2>/dev/null)
	if [ -n "$ka" ] && [ -n "$kn" ]; then
		same=() differ=()
		for sec in .text .rodata .data .data..percpu .init.text; do
			objcopy -O binary --only-section="$sec" "$ka/vmlinux" "$noassert/a.bin" &&
				objcopy -O binary --only-section="$sec" "$kn/vmlinux" "$noassert/b.bin" || continue
			if cmp -s "$noassert/a.bin" "$noassert/b.bin"; then same+=("$sec"); else differ+=("$sec"); fi
		done
		rm -f "$noassert/a.bin" "$noassert/b.bin"
		echo "production-config kernel with and without the assertion patches 0005, 0007 and 0008: ${same[*]:-no section} byte for byte the same${differ[*]:+; ${differ[*]} differ}" \
			>> "${BENCH_OUT:-$top/build/bench}/kernel-config.txt"
	else
		log "kernel: the production-config kernel without 0005, 0007 and 0008 did not build"
	fi
	prefix=p vname=-prod
	boots_of

	# The placement control (BENCH_CONTROL=0 skips it): the production
	# baseline plus the two nfsd patches alone (bench/placement.series).
	# The timed paths never run nfsd code, yet IMA's functions move to the
	# addresses they have in the patched kernel: what this pair measures
	# is what moving the code costs under TCG (rows c*).
	if [ "${BENCH_CONTROL:-1}" != 0 ]; then
		export SERIES=$top/bench/placement.series
		log "kernel: building (or reusing) the placement-control kernel"
		PATCHES=series nice -n 19 "$top/vm/build-kernel.sh" > /dev/null 2>&1 ||
			log "kernel: the placement-control kernel did not build"
		ka=$(PATCHES=series "$top/vm/build-kernel.sh" 2>/dev/null)
		if [ -n "$ka" ] && [ -n "$kb" ]; then
			code=$("$top/bench/kernel-code.sh" "$ka" "$kb")
			echo "placement control (baseline + bench/placement.series, the nfsd patches alone; rows 'control'): IMA's entry points at $(nm "$ka/vmlinux" | awk '$3 == "ima_file_check" { print $1 }') against $(nm "$kb/vmlinux" | awk '$3 == "ima_file_check" { print $1 }') in the baseline; machine code of the timed paths: $(grep -c '^[^ ]* *same ' <<<"$code") of $(grep -c '^[^ ]' <<<"$code") functions the same" \
				>> "${BENCH_OUT:-$top/build/bench}/kernel-config.txt"
		fi
		prefix=c vname=-ctl
		boots_of nfsd-only
		unset SERIES
	fi
fi
