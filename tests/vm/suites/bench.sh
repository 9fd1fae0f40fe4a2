#!/bin/sh
# Kernel benchmark (bench/run.sh boots this on the patched and the baseline
# kernel, with ima_appraise=fix ima_policy=appraise_tcb): the latency of the
# final close of appraised files on ext4.  Timings go out as diagnostics
#   # bench MODE n=N median_ns=M ...
# which the host collects; the tests only check that each measurement ran
# and measured what it says (the rewrite really happened inside close()).
# imafput.bench_iters=N sets the iterations per measurement (default 300).
. /suites/lib.sh

iters=$(cmdline_arg bench_iters)
iters=${iters:-300}

require_appraisal "the benchmark would measure nothing"
diag "bench kernel=$(kernel_variant) iters=$iters clocksource=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null)"

d=/mnt/bench
mkdir -p $d

# measure DESC MODE FILE [SIZE]: run bench-close, pass its line on as a diagnostic
measure() {
	_desc=$1; shift
	if line=$(bench-close "$1" "$2" "$iters" $3); then
		ok "$_desc ($iters iterations)"
		diag "bench $line"
	else
		not_ok "$_desc ($iters iterations)"
		line=
	fi
}
field() { printf '%s\n' "$line" | sed -n "s/.* $1=\([0-9]*\).*/\1/p"; }

measure "close() after writing 64 KiB (re-hash and rewrite)" write-close $d/written 65536
rw=$(field rewrites)
if [ -n "$line" ] && [ "$rw" = "$iters" ]; then
	ok "every timed close rewrote security.ima ($rw of $iters)"
else
	not_ok "every timed close rewrote security.ima (${rw:-none} of $iters)"
fi
labelled "after the last close security.ima is the hash of the content" $d/written

measure "close() of a writable open with no write" wopen-close $d/written
rw=$(field rewrites)
if [ "$rw" = 0 ]; then
	ok "no rewrite when nothing was written"
else
	not_ok "no rewrite when nothing was written (${rw:-none} rewrites)"
fi

dd if=/dev/urandom of=$d/readonly bs=64k count=1 2>/dev/null
labelled "the read-only file is appraised (hash written on its creation)" $d/readonly
measure "open(O_RDONLY) + close() of an appraised file" open-close $d/readonly
measure "close() alone of a read-only open of an appraised file" ro-close $d/readonly
labelled "read-only opens leave security.ima alone" $d/readonly
finish
