#!/bin/bash
# bench/kernel-code.sh, which the bench cites for where two kernels differ:
# on the test kernels (lockdep built in) the series adds lockdep calls to
# ima_check_last_writer() and ____fput(), and changes nothing in
# path_openat() or filp_flush(), which only moved.  (__fput() differs here:
# its might_sleep() passes a line number of fs/file_table.c, where 0001
# adds comments.)
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"
command -v objdump >/dev/null || skip_all "objdump not installed (binutils)"
ka=$(PATCHES=series "$top/vm/build-kernel.sh" 2>/dev/null)
kb=$(PATCHES=none "$top/vm/build-kernel.sh" 2>/dev/null)
[ -n "$ka" ] && [ -n "$kb" ] || bail "the kernels do not build (run: make kernels)"
plan 9

code=$top/bench/kernel-code.sh
out=$("$code" "$ka" "$kb" path_openat filp_flush ima_check_last_writer ____fput no_such_function_here)
check_rc $? "kernel-code.sh compares the two kernels (exit 0)"
diag "$out"
status() { awk -v f="$1" '$1 == f { print $2 }' <<<"$out"; }
is "$(status path_openat)" same "path_openat: the same instructions at other addresses"
is "$(status filp_flush)" same "filp_flush: the same instructions"
is "$(status ima_check_last_writer)" differs "ima_check_last_writer: differs (might_lock() under lockdep)"
grep -q '^    patched only: .*lock' <<<"$out"
check_rc $? "the patched side's own instructions are listed, a lockdep call among them"
is "$(status no_such_function_here)" missing "a function in neither kernel is reported missing"

all=$("$code" --all "$ka" "$kb")
diag "$(cut -c1-300 <<<"$all")"
differing=$(sed -n 's/.*; differing: \([^;]*\);.*/\1/p' <<<"$all")
grep -qw ima_check_last_writer <<<"$differing"
check_rc $? "--all: ima_check_last_writer is among the differing functions"
! grep -qw path_openat <<<"$differing" && [ "$(wc -w <<<"$differing")" -lt 200 ]
check_rc $? "--all: path_openat is not, and fewer than 200 of the image's functions differ ($(wc -w <<<"$differing"))"

"$code" "$ka" 2>/dev/null; rc=$?
is "$rc" 2 "one kernel only: usage error, exit 2"
finish
