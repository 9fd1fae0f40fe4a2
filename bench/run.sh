#!/bin/bash
# make bench: ima-test against evmctl and openssl on the host, and the
# patched against the baseline kernel in the VM.  Prints a Markdown table and
# leaves it, a PNG chart and every sample under build/bench/.
#
# Settings (environment):
#   BENCH_QUICK=1          tiny run: 50 files, 8 MiB, 1 run, no VM (for the smoke test)
#   BENCH_RUNS=N           interleaved runs per host comparison (default 5)
#   BENCH_FILES=N          small files for sign/hash/verify -r (default 2000)
#   BENCH_MANIFEST_LINES=N lines signed by sign-hash (default 20000)
#   BENCH_BIG_MB=N         size of the single large file (default 200)
#   BENCH_OPENSSL_SECONDS  duration of each openssl speed run (default 3)
#   BENCH_TREE_FILES=N     files of the Debian-root-shaped tree (default 8000)
#   BENCH_TREE_BIG_MB=N    the large file added to that tree (default 1024)
#   BENCH_VM=0             skip the kernel part
#   BENCH_BOOTS=N          boots of each kernel (default 6)
#   BENCH_ITERS=N          closes timed per measurement and boot (default 1000)
#   BENCH_PROFILE=0        skip the perf profiles of ima-test
#   BENCH_OUT=DIR          output directory (default build/bench)
#   IMA_TEST=PATH          the tool (default tools/ima-test/ima-test)
# Exit status: 0 table and chart written, 1 some comparison failed to run
# (a command exited non-zero: its row says FAILED), 2 could not run at all.
# Timings never decide the exit status.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
here=$top/bench
die() { echo "bench: error: $*" >&2; exit 2; }

export BENCH_OUT=${BENCH_OUT:-$top/build/bench}
export IMA_TEST=${IMA_TEST:-$top/tools/ima-test/ima-test}
if [ "${BENCH_QUICK:-0}" = 1 ]; then
	export BENCH_FILES=${BENCH_FILES:-50} BENCH_BIG_MB=${BENCH_BIG_MB:-8} BENCH_VM=0
	export BENCH_PROFILE=${BENCH_PROFILE:-0} BENCH_TREE_FILES=${BENCH_TREE_FILES:-60}
	export BENCH_TREE_BIG_MB=${BENCH_TREE_BIG_MB:-8}
	export BENCH_MANIFEST_LINES=${BENCH_MANIFEST_LINES:-200}
fi
export BENCH_MANIFEST_LINES=${BENCH_MANIFEST_LINES:-20000}
export BENCH_FILES=${BENCH_FILES:-2000} BENCH_BIG_MB=${BENCH_BIG_MB:-200}
export BENCH_TREE_FILES=${BENCH_TREE_FILES:-8000} BENCH_TREE_BIG_MB=${BENCH_TREE_BIG_MB:-1024}

[ -x "$IMA_TEST" ] || die "$IMA_TEST is not built (make tool)"
for t in evmctl openssl gnuplot python3; do
	command -v $t >/dev/null || die "$t is not installed (make deps)"
done
mkdir -p "$BENCH_OUT" || die "cannot create $BENCH_OUT"
export BENCH_FLOOR=$BENCH_OUT/floor
cc -O2 -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE -o "$BENCH_FLOOR" "$here/floor.c" ||
	die "cannot build bench/floor.c"
rm -f "$BENCH_OUT"/samples.tsv "$BENCH_OUT"/bench.md "$BENCH_OUT"/bench.png "$BENCH_OUT"/profile-*.txt

start=$(date +%s)
{
	echo "machine: $(nproc) CPUs, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1), $(uname -r); load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "versions: $("$IMA_TEST" --version 2>/dev/null | head -n 1 || echo '?'), $(evmctl --version 2>/dev/null | head -n 1), $(openssl version)"
	echo "ima-test runs with its default worker count (one per CPU); evmctl and openssl speed are single-threaded"
} > "$BENCH_OUT/context.txt"

python3 "$here/host.py" "$BENCH_OUT/samples.tsv" || die "the host benchmark did not run"
if [ "${BENCH_VM:-1}" != 0 ]; then
	"$here/kernel.sh" "$BENCH_OUT/samples.tsv"
	cat "$BENCH_OUT/kernel-config.txt" >> "$BENCH_OUT/context.txt" 2>/dev/null
	[ -s "$BENCH_OUT/kernel-retries.txt" ] &&
		sed 's/^/boot retried: /' "$BENCH_OUT/kernel-retries.txt" >> "$BENCH_OUT/context.txt"
	echo "VM: QEMU TCG, 2 vCPUs, ${BENCH_BOOTS:-6} boots per kernel alternating (A B, B A, ...), ${BENCH_ITERS:-1000} closes per measurement and boot; cmdline: $(cat "$BENCH_OUT/kernel-cmdline.txt" 2>/dev/null)" >> "$BENCH_OUT/context.txt"
fi
echo "took $(( $(date +%s) - start )) s; load average at end $(cut -d' ' -f1-3 /proc/loadavg)" >> "$BENCH_OUT/context.txt"
ls "$BENCH_OUT"/profile-*.txt >/dev/null 2>&1 &&
	echo "perf profiles of ima-test: $(cd "$top" && ls "${BENCH_OUT#"$top"/}"/profile-*.txt | tr '\n' ' ')" >> "$BENCH_OUT/context.txt"

python3 "$here/report.py" "$BENCH_OUT/samples.tsv" "$BENCH_OUT" || die "no table: see the messages above"
echo
echo "bench: table $BENCH_OUT/bench.md, chart $BENCH_OUT/bench.png, samples $BENCH_OUT/samples.tsv"
! grep -q 'FAILED' "$BENCH_OUT/bench.md"
