#!/bin/bash
# Debian's two kernels, 6.12 and the default 6.1, give the same results
# test by test in every boot of the Debian system test (debian-6.12.t and
# debian-6.1.t run first: make check starts them before everything else;
# this test waits for each to finish, through the lock debian.sh holds).
# Values that differ by kernel (version strings, counts, what is in
# parentheses) are left out of the comparison, and so are the checks of
# what only 6.1 needs (named "on 6.1,": the BPF LSM left out for EVM).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"
r=$top/build/test-results/system
exec 8>"$r/debian-6.12.lock" 9>"$r/debian-6.1.lock" 2>/dev/null ||
	bail "cannot open the locks in $r: run tests/system/debian-6.12.t and debian-6.1.t first"
flock -s 8
flock -s 9
strip() {
	tr -d '\r' < "$1" | grep -v '^ok [0-9]* - stage [0-9]: on 6\.1, ' | sed -n -E 's/^(not )?ok [0-9]+ - ([^(]*).*/\1ok \2/p' |
		sed -E 's/[0-9]+\.[0-9]+\.[0-9]+[^ ]*-amd64/KVER/g; s/[0-9]+/N/g; s/ +$//'
}
for b in 0 1 2 3 4; do
	a=$r/debian-6.12/boot$b.tap c=$r/debian-6.1/boot$b.tap
	if [ ! -s "$a" ] || [ ! -s "$c" ]; then
		not_ok "boot $b: both kernels ran it (run debian-6.12.t and debian-6.1.t first)"
	elif [ "$(strip "$a")" = "$(strip "$c")" ]; then
		ok "boot $b: 6.12 and 6.1 give the same $(strip "$a" | wc -l) results"
	else
		not_ok "boot $b: 6.12 and 6.1 give the same results"
		diff <(strip "$a") <(strip "$c") | sed 's/^/#   /'
	fi
done
finish
