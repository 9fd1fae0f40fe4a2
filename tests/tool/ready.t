#!/bin/bash
# ima-test ready: a tree with one file of each problem enforce mode would
# deny, judged under text policies and the built-in appraise_tcb rules; the
# exact report, the exit status, and malformed policies named by line.
. "$(dirname "$0")/lib.sh"

[ -x "$IMA_TEST" ] || skip_all "$IMA_TEST not built"
[ "$(id -u)" = 0 ] || skip_all "needs root: the planted tree has files owned by root and by uid 1000"
setup_work
T=$IMA_TEST
# EVM is modelled from this file: absent, so the host's EVM state does not count.
NOEVM="--evm-state $T_TMP/no-evm"
plan 41

# Two keys: "ima" is the one the kernel would hold, "other" is not.
K=$T_TMP/keys
mkdir -p "$K"
for n in ima other; do
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:prime256v1 -out "$K/$n.key" 2>/dev/null
	openssl req -x509 -new -key "$K/$n.key" -out "$K/$n.pem" -days 30 -subj "/CN=ready $n" \
		-addext subjectKeyIdentifier=hash 2>/dev/null
done
ima_keyid=$(openssl x509 -in "$K/ima.pem" -noout -ext subjectKeyIdentifier | tail -1 | tr -d ' :\n' | tr A-F a-f)
other_keyid=$(openssl x509 -in "$K/other.pem" -noout -ext subjectKeyIdentifier | tail -1 | tr -d ' :\n' | tr A-F a-f)
ima_keyid=${ima_keyid: -8} other_keyid=${other_keyid: -8}

# --- the planted tree: root owns everything but user/ ---
R=$WORK/root
mkdir -p "$R/bin" "$R/etc" "$R/user"
echo good >"$R/etc/good"
echo none >"$R/etc/missing"
echo old >"$R/etc/stale"
echo tampered >"$R/etc/badsig"
echo foreign >"$R/etc/unknownkey"
echo legacy >"$R/etc/sha1"
printf '#!/bin/sh\necho signed\n' >"$R/bin/signed"
printf '#!/bin/sh\necho hashed\n' >"$R/bin/hashed"
echo mine >"$R/user/notes"
chmod 755 "$R/bin/signed" "$R/bin/hashed"
chown 1000:1000 "$R/user/notes"
"$T" hash $XU "$R/etc/good" "$R/etc/stale" "$R/bin/hashed"
"$T" hash $XU -a sha1 "$R/etc/sha1"
echo new >>"$R/etc/stale"
"$T" sign $XU --key "$K/ima.key" --cert "$K/ima.pem" "$R/etc/badsig" "$R/bin/signed" >/dev/null
echo "changed after signing" >>"$R/etc/badsig"
"$T" sign $XU --key "$K/other.key" --cert "$K/other.pem" "$R/etc/unknownkey" >/dev/null

P=$T_TMP/policy
cat >"$P" <<'EOF'
# a policy for enforce: signatures for programs, hashes for root's files
dont_measure fsmagic=0x9fa0
appraise func=BPRM_CHECK appraise_type=imasig
appraise fowner=0 appraise_algos=sha256,sha512
EOF

run() { (cd "$R" && "$T" ready $XU $NOEVM "$@" 2>&1); }
out=$(run --policy "$P" --cert "$K/ima.pem" .)
rc=$?
want="policy: $P: 3 rules, 2 about appraisal
accesses: open for read; open for write unless mounted read-only or immutable; mmap for exec of ELF files and files with an execute bit unless mounted noexec; exec of files with an execute bit; by uid 0 gid 0
evm: not modelled ($T_TMP/no-evm does not exist)
./bin/hashed: signature-required (sha256 digest where a signature is required; appraised on exec by line 3: appraise func=BPRM_CHECK appraise_type=imasig)
./bin/signed: write-refused (signed: the kernel refuses to open it for write; appraised on open for write by line 4: appraise fowner=0 appraise_algos=sha256,sha512)
./etc/badsig: bad-signature (sha256 signature does not verify with $K/ima.pem (keyid $ima_keyid); appraised on open by line 4: appraise fowner=0 appraise_algos=sha256,sha512)
./etc/missing: missing (no ${XNAME}; appraised on open by line 4: appraise fowner=0 appraise_algos=sha256,sha512)
./etc/sha1: algorithm-not-allowed (sha1 not in appraise_algos; appraised on open by line 4: appraise fowner=0 appraise_algos=sha256,sha512)
./etc/stale: stale (sha256 digest does not match the content; appraised on open by line 4: appraise fowner=0 appraise_algos=sha256,sha512)
./etc/unknownkey: unknown-key (no certificate for keyid $other_keyid; appraised on open by line 4: appraise fowner=0 appraise_algos=sha256,sha512)
summary: 9 files: 8 appraised, 1 not appraised; enforce would deny 7 (1 missing, 1 stale, 1 bad-signature, 1 unknown-key, 1 signature-required, 1 write-refused, 1 other)"
[ "$out" = "$want" ]
check_rc $? "the exact report for the planted tree"
[ "$out" = "$want" ] || diff <(echo "$want") <(echo "$out") | sed 's/^/# /'
[ $rc = 1 ]
check_rc $? "exit 1 when enforce would deny a file (got $rc)"
! grep -Eq 'AddressSanitizer|runtime error' <<<"$out"
check_rc $? "no sanitizer report"

# -v lists the passing and the unappraised files too, with the deciding rule;
# without the write opens the signed program passes.
out=$(run -v --access read,exec,mmap --policy "$P" --cert "$K/ima.pem" .)
grep -qx './bin/signed: ok (signature; appraised on open by line 4: appraise fowner=0 appraise_algos=sha256,sha512)' <<<"$out"
check_rc $? "-v: the signed program passes"
grep -qx './user/notes: not-appraised (no appraise rule matches)' <<<"$out"
check_rc $? "-v: a file owned by uid 1000 is not appraised under fowner=0"

# JSON lines: header, one record per finding, summary.
out=$(run --format json --policy "$P" --cert "$K/ima.pem" .)
[ "$(head -n 1 <<<"$out")" = "{\"policy\":\"$P\",\"rules\":3,\"appraisal_rules\":2,\"uids\":[0],\"gids\":[0],\"evm\":false}" ]
check_rc $? "json: the policy header"
grep -qx '{"path":"./bin/hashed","status":"signature-required",.*"line":3,"access":"exec","signature_required":true}' <<<"$out"
check_rc $? "json: a finding names its rule line and access"
grep -q '^{"summary":{"files":9,"appraised":8,"not_appraised":1,"denied":7,"missing":1,"stale":1,"bad-signature":1,"unknown-key":1,' <<<"$out"
check_rc $? "json: the summary counts"

# Fixing every finding makes it pass.
fixed=$WORK/fixed
cp -a "$R" "$fixed"
rm "$fixed/etc/badsig" "$fixed/etc/unknownkey"
"$T" hash $XU "$fixed/etc/missing" "$fixed/etc/stale" "$fixed/etc/sha1"
"$T" sign $XU --key "$K/ima.key" --cert "$K/ima.pem" "$fixed/bin/hashed" >/dev/null
expect 0 'enforce would deny 0 \(' "a repaired tree, never opened for write: exit 0" -- "$T" ready $XU $NOEVM --access read,exec,mmap --policy "$P" --cert "$K/ima.pem" "$fixed"
# Without the certificate, every signature is from an unknown key.
expect 1 'bin/signed: unknown-key' "no --cert: signatures are unknown-key" -- "$T" ready $XU $NOEVM --policy "$P" "$fixed"

# --- conditions ---
pol() { printf '%s\n' "$@" >"$T_TMP/p"; }
pol "appraise fowner>999"
expect 1 '^summary: 9 files: 1 appraised, 8 not appraised; enforce would deny 1 \(1 missing' \
	"fowner>999: only the user's file" -- "$T" ready $XU $NOEVM --policy "$T_TMP/p" "$R"
pol "appraise fowner<1000 fowner=0"
expect 2 "line 1: bad or second fowner=0" "a condition given twice is an error" -- "$T" ready $XU $NOEVM --policy "$T_TMP/p" "$R"
pol "appraise uid=1000"
expect 0 ' 0 appraised, 9 not appraised' "uid=1000: no file appraised with --uid 0" -- "$T" ready $XU $NOEVM --uid 0 --policy "$T_TMP/p" "$R"
expect 1 ' 9 appraised, 0 not appraised' "uid=1000: all appraised with --uid 1000" -- "$T" ready $XU $NOEVM --uid 1000 --policy "$T_TMP/p" "$R"
expect 1 '^accesses: .* by uid 0,999,1000,1001 gid 0$' "uid=1000: by default the processes modelled come from the policy" -- \
	"$T" ready $XU $NOEVM --policy "$T_TMP/p" "$R"
expect 1 'etc/missing: missing \(no [a-z.]+ima; appraised on open for uid 1000 gid 0 by line 1: appraise uid=1000\)' \
	"uid=1000: appraised without --uid, and the report names the process" -- "$T" ready $XU $NOEVM --policy "$T_TMP/p" "$R"
pol "appraise func=BPRM_CHECK mask=MAY_EXEC"
expect 1 ' 2 appraised, 7 not appraised; enforce would deny 1 \(0 missing, 0 stale, 0 bad-signature, 1 unknown-key' \
	"func=BPRM_CHECK mask=MAY_EXEC: only the two programs (no --cert: the signed one is unknown-key)" -- \
	"$T" ready $XU $NOEVM --policy "$T_TMP/p" "$R"
pol "appraise mask=MAY_EXEC"
expect 1 ' 9 appraised, 0 not appraised; enforce would deny 6 ' \
	"mask=MAY_EXEC --mmap-any: every file, since any can be mapped executable" -- "$T" ready $XU $NOEVM --mmap-any --policy "$T_TMP/p" "$R"
expect 1 ' 2 appraised, 7 not appraised;' \
	"mask=MAY_EXEC: by default the object code (here the two programs), not data files" -- "$T" ready $XU $NOEVM --policy "$T_TMP/p" "$R"
pol "appraise func=FILE_CHECK mask=MAY_EXEC"
expect 1 ' 2 appraised, 7 not appraised;.*' "func=FILE_CHECK mask=MAY_EXEC: execve() opens the programs with MAY_EXEC" -- \
	"$T" ready $XU $NOEVM --policy "$T_TMP/p" "$R"
magic=$(stat -f -c %t "$R")
pol "dont_appraise fsmagic=0x$magic" "appraise"
expect 0 " 0 appraised, 9 not appraised" "dont_appraise fsmagic=0x$magic (this file system) comes first" -- \
	"$T" ready $XU $NOEVM --policy "$T_TMP/p" "$R"
pol "dont_appraise fsmagic=0x$(printf %x $((0x$magic ^ 1)))" "appraise"
expect 1 " 9 appraised, 0 not appraised" "another fsmagic does not match" -- "$T" ready $XU $NOEVM --policy "$T_TMP/p" "$R"

# fsuuid: compared when the file system reports its uuid, else assumed.
uuid=$(python3 - "$R/etc/good" <<'EOF' 2>/dev/null
import fcntl, struct, sys, uuid
fd = open(sys.argv[1], 'rb')
buf = fcntl.ioctl(fd, 0x80111500, bytes(17))
print(uuid.UUID(bytes=buf[1:17]))
EOF
)
if [ -n "$uuid" ]; then
	pol "dont_appraise fsuuid=$uuid" "appraise"
	expect 0 " 0 appraised, 9 not appraised" "fsuuid=$uuid of this file system matches" -- "$T" ready $XU $NOEVM --policy "$T_TMP/p" "$R"
else
	pol "dont_appraise fsuuid=01234567-89ab-cdef-0123-456789abcdef" "appraise"
	expect 1 "decided by assumption" "fsuuid unknown here: the dont_appraise rule is assumed not to match" -- \
		"$T" ready $XU $NOEVM --policy "$T_TMP/p" "$R"
fi
pol "dont_appraise fsuuid=01234567-89ab-cdef-0123-456789abcdef" "appraise"
expect 1 " 9 appraised" "another fsuuid does not exempt the tree" -- "$T" ready $XU $NOEVM --policy "$T_TMP/p" "$R"

# A condition ready cannot decide is named, never dropped.
pol "dont_appraise obj_type=tmp_t" "appraise fowner=0"
out=$("$T" ready $XU $NOEVM --policy "$T_TMP/p" "$R" 2>&1)
grep -qx 'note: line 1: dont_appraise obj_type=tmp_t: cannot evaluate obj_type=tmp_t: assumed to not match' <<<"$out"
check_rc $? "an LSM condition is reported in a note"
grep -q "etc/missing: missing (no $XNAME; appraised on open by line 2: appraise fowner=0; assumes line 1 does not match: obj_type=tmp_t)" <<<"$out" &&
	grep -q '; 9 decided by assumption$' <<<"$out"
check_rc $? "and on every file whose verdict rests on it"

# --- the built-in appraise_tcb rules ---
out=$("$T" ready $XU $NOEVM --policy builtin:appraise_tcb "$R" 2>&1)
grep -qx 'note: line 15: appraise func=POLICY_CHECK appraise_type=imasig: applies to no access checked here' <<<"$out"
check_rc $? "builtin:appraise_tcb: the POLICY_CHECK rule is named as out of scope"
if [ "$magic" = 1021994 ]; then
	grep -q '^summary: 9 files: 0 appraised, 9 not appraised' <<<"$out"
	check_rc $? "builtin:appraise_tcb: tmpfs is not appraised (line 4)"
else
	grep -q '^summary: 9 files: 8 appraised, 1 not appraised' <<<"$out"
	check_rc $? "builtin:appraise_tcb: root's files are appraised (fowner=0)"
fi

# --- malformed policies: an error naming the line, exit 2 ---
bad() { # bad DESC MESSAGE-REGEX RULE...
	local desc=$1 re=$2
	shift 2
	printf '%s\n' "# comment" "" "$@" >"$T_TMP/bad"
	expect 2 "^ima-test ready: $T_TMP/bad: line 3: $re" "malformed: $desc" -- "$T" ready --policy "$T_TMP/bad" "$R"
}
bad "unknown keyword" "unknown keyword 'fowners'" "appraise fowners=0"
bad "unknown func" "unknown func=EXEC_CHECK" "appraise func=EXEC_CHECK"
bad "no action" "rule has no action" "func=BPRM_CHECK"
bad "two actions" "second action 'dont_appraise'" "appraise dont_appraise"
bad "appraise_type on a measure rule" "appraise_type= needs the appraise action" "measure appraise_type=imasig"
bad "bad fsuuid" "bad or second fsuuid=1234" "appraise fsuuid=1234"
bad "unknown hash in appraise_algos" "bad appraise_algos=sha256,sha4" "appraise appraise_algos=sha256,sha4"
pol "appraise appraise_algos=sm3,sha3-256"
expect 1 "etc/good: algorithm-not-allowed \(sha256 not in appraise_algos" \
	"appraise_algos= takes every kernel hash name, computable here or not" -- "$T" ready $XU $NOEVM --policy "$T_TMP/p" "$R"
expect 2 "unknown built-in policy 'builtin:tcb'" "an unknown built-in policy" -- "$T" ready --policy builtin:tcb "$R"
expect 2 "$WORK/nonexistent: No such file" "a ROOT that does not exist: exit 2" -- "$T" ready --policy "$P" "$WORK/nonexistent"
if [ -r /sys/kernel/security/ima/policy ]; then
	expect 0 "^policy: /sys/kernel/security/ima/policy: " "the live policy is read by default" -- "$T" ready "$WORK/fixed"
elif [ -e /etc/ima/ima-policy ]; then
	expect 0 "^note: policy: the live policy /sys/kernel/security/ima/policy cannot be read" \
		"no live policy here: the file systemd loads, and the header says why" -- "$T" ready "$WORK/fixed"
else
	expect 2 "cannot read the live policy /sys/kernel/security/ima/policy: .*the file systemd loaded at boot: --policy FILE" \
		"no live policy here: exit 2 and a hint" -- "$T" ready "$R"
fi

# Hostile policies: token soup with over-long values, and random bytes.
# Each is rejected or evaluated; never a sanitizer report or a crash.
long=$(printf 'x%.0s' $(seq 1 300))
words="appraise dont_appraise measure func=BPRM_CHECK func= mask=^MAY_READ mask=MAY_EXEC fsmagic=0x
fsmagic=zz fowner<5 fowner>4 fowner= uid<-1 fsuuid=00000000-0000-0000-0000-000000000000 fsuuid=0-0
appraise_type=imasig appraise_type=sigv3 appraise_algos=sha1,sha256 appraise_algos=, obj_type=$long
subj_user=$long fsname=$long appraise_flag=check_blacklist permit_directio template=ima-ng # = < >"
read -r -a w <<<"$(tr '\n' ' ' <<<"$words")"
# Reproducible: policy i comes only from SEED+i; IMA_TEST_SEED=N reruns a failure.
SEED=${IMA_TEST_SEED:-$(( $(date +%s) % 100000 ))}
diag "hostile policies from seed $SEED (rerun with IMA_TEST_SEED=$SEED)"
hostile_policy() {	# I: write policy I to $T_TMP/hostile
	local line n
	RANDOM=$((SEED + $1))
	if [ "$1" -le 100 ]; then
		for _ in 1 2 3; do
			line=
			for _ in 1 2 3 4 5 6; do line+="${w[RANDOM % ${#w[@]}]} "; done
			echo "$line"
		done >"$T_TMP/hostile"
	else
		n=$((RANDOM % 800))	# not in the pipeline: a subshell reseeds RANDOM
		openssl enc -aes-128-ctr -nosalt -pbkdf2 -pass "pass:$SEED:$1" </dev/zero 2>/dev/null |
			head -c "$n" >"$T_TMP/hostile"
	fi
}
all_policies() { for i in $(seq 1 150); do hostile_policy "$i"; sha256sum <"$T_TMP/hostile"; done | sha256sum; }
a=$(all_policies); b=$(all_policies); SEED=$((SEED + 1)); c=$(all_policies); SEED=$((SEED - 1))
[ "$a" = "$b" ] && [ "$a" != "$c" ]
check_rc $? "hostile policies are a function of the seed"
bad=0
for i in $(seq 1 150); do
	hostile_policy "$i"
	out=$("$T" ready $XU $NOEVM --policy "$T_TMP/hostile" "$R/etc" 2>&1)
	rc=$?
	if [ $rc -gt 2 ] || grep -Eq 'Sanitizer|runtime error' <<<"$out"; then
		bad=$((bad + 1))
		[ $bad = 1 ] && { diag "exit $rc on policy $i of seed $SEED:"; diag "$(cat -v "$T_TMP/hostile")"; diag "$out"; }
	fi
done
[ $bad = 0 ]
check_rc $? "150 hostile policies: rejected or evaluated, no crash or sanitizer report ($bad bad, IMA_TEST_SEED=$SEED)"
finish
