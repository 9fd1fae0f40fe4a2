#!/bin/bash
# Secrets stay out of core dumps: before a private key, a passphrase or
# PIN file, an EVM HMAC key or its master key is read, the process has
# made itself non-dumpable (PR_SET_DUMPABLE 0, which also bars ptrace and
# /proc/PID/mem to other processes of the user) and set RLIMIT_CORE to 0.
. "$(dirname "$0")/lib.sh"

[ -x "$IMA_TEST" ] || skip_all "$IMA_TEST not built"
command -v strace >/dev/null || skip_all "strace not installed"
strace -o /dev/null true 2>/dev/null || skip_all "strace cannot trace here"
setup_work
make_keys
T=$IMA_TEST
plan 9

f=$WORK/f
echo data >"$f"
echo secret >"$WORK/pass"
head -c 32 /dev/urandom | od -An -tx1 -v | tr -d ' \n' >"$WORK/evm.key"

# guarded_before FILE COMMAND...: the trace shows both calls, and both
# before FILE is first opened.
guarded_before() {
	local file=$1 trace=$WORK/trace
	shift
	# LSan cannot run under ptrace
	ASAN_OPTIONS=detect_leaks=0 strace -f -o "$trace" -e trace=prctl,prlimit64,setrlimit,openat,open "$@" \
		>/dev/null 2>&1
	awk -v f="\"$file\"" '
		/PR_SET_DUMPABLE, (0|SUID_DUMP_DISABLE)\) = 0/ { if (!seen_open) dump = 1 }
		/RLIMIT_CORE, \{rlim_cur=0, rlim_max=0\}/ && / = 0/ { if (!seen_open) core = 1 }
		index($0, f) && /open/ { seen_open = 1 }
		END { exit !(dump && core && seen_open) }' "$trace"
}

guarded_before "$KEYS/rsa2048.key" "$T" sign $XU --key "$KEYS/rsa2048.key" "$f"
check_rc $? "sign: guarded before the key file is read"
guarded_before "$KEYS/enc.key" env IMA_TEST_KEY_PASS=secret "$T" sign $XU --key "$KEYS/enc.key" "$f"
check_rc $? "sign: guarded before an encrypted key is read"
guarded_before "$WORK/pass" "$T" sign $XU --key "$KEYS/enc.key" --pass-file "$WORK/pass" "$f"
check_rc $? "sign: guarded before the passphrase file is read"
sum=$(sha256sum "$f")
guarded_before "$KEYS/rsa2048.key" sh -c "echo '$sum' | \"\$0\" sign-hash --key \"\$1\"" "$T" "$KEYS/rsa2048.key"
check_rc $? "sign-hash: guarded before the key file is read"
guarded_before "$WORK/pass" sh -c "echo '$sum' | \"\$0\" sign-hash --key \"\$1\" --pass-file \"\$2\"" "$T" "$KEYS/enc.key" "$WORK/pass"
check_rc $? "sign-hash: guarded before the passphrase file is read"
guarded_before "$WORK/evm.key" "$T" verify $XU --evm --evm-key "$WORK/evm.key" "$f"
check_rc $? "verify --evm-key: guarded before the HMAC key is read"
head -c 32 /dev/urandom >"$WORK/kmk"
printf 'default user:kmk 64 %0226d' 0 >"$WORK/evm.blob"
guarded_before "$WORK/kmk" "$T" verify $XU --evm --evm-key "$WORK/evm.blob" --kmk "$WORK/kmk" "$f"
check_rc $? "verify --evm-key BLOB --kmk: guarded before the master key is read"
! guarded_before "$f" "$T" hash $XU "$f"
check_rc $? "hash, which holds no secret, stays dumpable (the check can tell)"

# The process itself: its core limit seen from outside while a
# signing run is under way on a tree big enough to last a moment.
tree=$WORK/tree
mkdir -p "$tree"
for n in $(seq 1 400); do head -c 20000 /dev/urandom >"$tree/f$n"; done
(ulimit -c unlimited 2>/dev/null || ulimit -c 1000000 2>/dev/null; exec "$T" sign $XU -r -j 1 --key "$KEYS/rsa4096.key" "$tree") &
pid=$!
lim=
for _ in $(seq 1 100); do
	lim=$(awk '/^Max core file size/ { print $5 }' "/proc/$pid/limits" 2>/dev/null)
	[ -n "$lim" ] && grep -q '^0$' <<<"$lim" && break
	sleep 0.02
done
wait $pid
if [ "$(ulimit -Hc)" = 0 ]; then
	skip "core dumps are off here already (hard limit 0)" "core dumps are off here already (hard limit 0)"
else
	[ "$lim" = 0 ]
	check_rc $? "a running sign started with core dumps on: core file size limit 0 (${lim:-not seen})"
fi

finish
