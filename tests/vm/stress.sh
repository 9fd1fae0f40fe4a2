#!/bin/bash
# stress.sh: STRESS_CLOSES (default 100000) final closes from 8 processes
# running random close-check scenarios in one boot of each kernel
# (STRESS_KERNELS, default "series none"); TAP on stdout, with the time
# each took.  `make stress` runs it; `make check` runs a small count
# through stress-small-*.t.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
closes=${STRESS_CLOSES:-100000}
procs=${STRESS_PROCS:-8}
kernels=${STRESS_KERNELS:-series none}
# ~3 ms per close under TCG on 2 cores, plus the boot; generous bound
timeout=$((120 + closes / 100))
status=0 n=0
for k in $kernels; do
	start=$(date +%s)
	TAP_START=$n "$top/vm/run-suite.sh" --kernel "$k" --suite stress --no-plan \
		--name "stress-$closes-$k" --timeout "$timeout" \
		--cmdline "ima_appraise=fix ima_policy=appraise_tcb imafput.closes=$closes imafput.procs=$procs" ||
		status=1
	n=$(cat "$top/build/test-results/stress-$closes-$k/count")
	echo "# stress-$closes-$k: $(( $(date +%s) - start ))s wall clock including boot"
done
echo "1..$n"
exit $status
