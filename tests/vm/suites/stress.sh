#!/bin/sh
# Stress: imafput.procs processes (default 8) each run random final-close
# scenarios of ima-test close-check on their own file until, together,
# imafput.closes final closes (default 100000) have had their new
# security.ima checked.  Any stale hash fails its process; the host judge
# fails the boot on any lockdep, WARNING or BUG report.
. /suites/lib.sh
closes=$(cmdline_arg closes); closes=${closes:-100000}
procs=$(cmdline_arg procs); procs=${procs:-8}
seed=$(cmdline_arg seed); seed=${seed:-1}
per=$(( (closes + procs - 1) / procs ))
diag "kernel $(kernel_variant): $procs processes x $per random scenario runs, seed $seed"

uptime_s() { cut -d' ' -f1 /proc/uptime; }
start=$(uptime_s)
i=0
while [ $i -lt $procs ]; do
	mkdir -p /mnt/stress/$i
	ima-test close-check --random --no-trace --json --timeout-ms 30000 \
		--seed $((seed * 1000 + i)) --iterations $per /mnt/stress/$i \
		> /tmp/stress.$i.json 2> /tmp/stress.$i.err &
	eval pid$i=$!
	i=$((i + 1))
done
total=0 bad=0 failed=0
i=0
while [ $i -lt $procs ]; do
	eval wait \$pid$i
	rc=$?
	sum=$(grep '"summary"' /tmp/stress.$i.json)
	n=$(echo "$sum" | sed -n 's/.*"final_closes":\([0-9]*\).*/\1/p')
	f=$(echo "$sum" | sed -n 's/.*"failed":\([0-9]*\).*/\1/p')
	total=$((total + ${n:-0}))
	if [ "$rc" != 0 ] || [ -z "$n" ]; then
		bad=$((bad + 1))
		failed=$((failed + ${f:-1}))
		diag "process $i: exit $rc"
		grep -v '"status":"pass"' /tmp/stress.$i.json | sed 's/^/#   /'
		sed 's/^/#   stderr: /' /tmp/stress.$i.err
	fi
	i=$((i + 1))
done
end=$(uptime_s)
secs=$(awk "BEGIN { printf \"%.1f\", $end - $start }")
rate=$(awk "BEGIN { printf \"%.0f\", $total / ($end - $start) }")
diag "stress: $total final closes checked in ${secs}s ($rate per second), $procs processes"
echo "$total $secs" > /mnt/stress/result
check "all $procs processes passed every scenario run ($bad failed)" [ $bad = 0 ]
check "at least $closes final closes checked ($total)" [ $total -ge $closes ]
# every draw of every scenario, summed over the processes
for name in $(ima-test close-check --list | cut -d' ' -f1); do
	runs=$(cat /tmp/stress.*.json | grep "\"scenario\":\"$name\"" |
		sed -n 's/.*"runs":\([0-9]*\).*/\1/p' | awk '{ s += $1 } END { print s + 0 }')
	diag "  $name: $runs runs"
done
left=$(find /mnt/stress -name 'cc-*' | wc -l)
check "no scenario files left behind ($left)" [ "$left" = 0 ]
finish
