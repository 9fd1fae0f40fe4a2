#!/bin/sh
# fs-verity signatures (sigv3), two boots on one disk (imafput.phase=); see
# tests/vm/verity.sh for the whole story.
#  sign     no appraisal: ima-test sign --verity enables fs-verity and
#           signs; the host-signed files get fs-verity; verify, audit.
#  enforce  digest_type=verity appraise_type=sigv3 rules with a TPM: what
#           runs, what is refused and why, what ready predicted, the
#           changed file failing at read, and the measurement list.
. /suites/lib.sh
phase=$(cmdline_arg phase)
v=/mnt/v
K="--key /mnt/keys/ima.key --cert /mnt/keys/ima.pem"
has() { case $1 in *"$2"*) return 0 ;; esac; return 1; }
# write_refused DESC FILE: a write open of FILE fails with EPERM
write_refused() {
	( echo more >> "$2" ) 2> /tmp/err
	_rc=$?
	check "$1 (exit $_rc: $(cat /tmp/err))" sh -c "[ $_rc != 0 ] && grep -q 'not permitted' /tmp/err"
}

case $phase in
sign)
	out=$(ima-test sign --verity $K $v/signed-hello $v/tamper-data $v/intact-data 2>&1)
	check "sign --verity: exit 0 ($out)" [ $? = 0 ]
	for f in signed-hello tamper-data intact-data; do
		check "$f: security.ima is a version 3 signature (06 03 04 ...)" \
			sh -c "xattr-hex $v/$f | grep -q '^060304'"
		check "$f: fs-verity enabled by it" verity measure $v/$f
	done
	check "sign --verity -r: a tree" ima-test sign --verity -r $K $v/tree
	out=$(ima-test verify -r --cert /mnt/keys/ima.der $v/tree 2>&1)
	rc=$?
	diag "$out"
	n=$(echo "$out" | grep -c ': ok$')
	check "verify -r: the tree's 3 fs-verity signatures verify (exit $rc, $n ok)" [ "$rc.$n" = 0.3 ]
	out=$(ima-test sign --verity --no-enable $K $v/noenable 2>&1)
	rc=$?
	check "sign --verity --no-enable on a file without fs-verity: exit 1 ($out)" \
		sh -c "[ $rc = 1 ] && [ \"\$(xattr-hex $v/noenable)\" = absent ]"
	echo on tmpfs > /tmp/tmpfs-file
	out=$(ima-test sign --verity $K /tmp/tmpfs-file 2>&1)
	rc=$?
	diag "$out"
	has "$out" "does not support fs-verity"
	check_rc $(( $? + (rc != 2) )) "sign --verity on tmpfs: exit 2 ($rc), the file system does not support fs-verity"

	# host-signed: fs-verity enabled here, the signature left as it was
	got=$(verity enable $v/hostsig-hello | cut -d' ' -f1)
	check "hostsig-hello: the kernel's fs-verity digest is the one libfsverity computed on the host" \
		[ "$got" = "$(cat $v/hostsig-hello.digest)" ]
	check "hostsig512-hello: fs-verity enabled with sha512" \
		sh -c "verity enable $v/hostsig512-hello sha512 | grep -q '^sha512:'"
	check "v2-hello: fs-verity enabled, its v2 signature kept" \
		sh -c "verity enable $v/v2-hello >/dev/null && xattr-hex $v/v2-hello | grep -q '^0302'"
	out=$(ima-test verify --cert /mnt/keys/ima.der $v/signed-hello $v/hostsig-hello \
		$v/hostsig512-hello $v/noverity-hello 2>&1)
	rc=$?
	diag "$out"
	check "verify: sign --verity's signature verifies against the live fs-verity digest" \
		has "$out" "signed-hello: ok"
	check "verify: the host's --sigfile signature too" has "$out" "hostsig-hello: ok"
	check "verify: the host's sign-hash --verity sha512 signature too" has "$out" "hostsig512-hello: ok"
	has "$out" "noverity-hello: no-verity"
	check_rc $(( $? + (rc != 1) )) "verify: a version 3 signature on a file without fs-verity is no-verity (exit $rc)"
	out=$(ima-test audit -r --cert /mnt/keys/ima.der $v 2>&1)
	diag "$(echo "$out" | tail -n 1)"
	check "audit: counts the no-verity file" has "$out" " 1 no-verity;"
	write_refused "a write open of a fs-verity file is refused" $v/signed-hello

	# Cost, for bench/NOTES.md: three copies of one tree (200 files of
	# 32 KiB and one of 8 MiB), page cache dropped before each run.
	# v2: sign -r; enable: sign --verity -r on a tree without fs-verity
	# (enabling reads every file and writes its Merkle tree); v3: sign
	# --verity -r again, fs-verity now enabled (the digest is read from the
	# kernel, no file is read).  Timings never decide a test.
	b=/mnt/bench
	mkdir -p $b/src
	i=0
	while [ $i -lt 200 ]; do head -c 32768 /dev/urandom > $b/src/f$i; i=$((i + 1)); done
	head -c 8388608 /dev/urandom > $b/src/big
	for t in v2 v3; do cp -r $b/src $b/$t; done
	sync
	up() { cut -d' ' -f1 /proc/uptime; }
	timed() { # timed NAME COMMAND...: seconds of COMMAND, page cache dropped first
		_n=$1; shift
		sync; echo 3 > /proc/sys/vm/drop_caches
		_s=$(up); "$@" > /dev/null 2>&1; _rc=$?; _e=$(up)
		echo "$_n $(awk "BEGIN { print $_e - $_s }") $_rc" >> /mnt/verity-bench.txt
	}
	rm -f /mnt/verity-bench.txt
	timed sign-r-v2 ima-test sign -r $K $b/v2
	timed sign-r-verity-enable ima-test sign --verity -r $K $b/v3
	timed sign-r-verity-enabled ima-test sign --verity -r $K $b/v3
	timed sign-r-v2-again ima-test sign -r $K $b/v2
	sed 's/^/# bench: /' /mnt/verity-bench.txt
	check "bench: every timed run exited 0" sh -c "! awk '\$3 != 0' /mnt/verity-bench.txt | grep -q ."
	rm -rf $b
	sync
	;;
enforce)
	uuid=$(cmdline_arg fsuuid)
	pol=/sys/kernel/security/ima/policy
	ima=/sys/kernel/security/ima
	echo 100 > /proc/sys/kernel/printk_ratelimit_burst
	check "ima-test keys add: the test certificate in _ima" ima-test keys add /mnt/keys/ima.der
	cat > /tmp/policy <<POLICY
measure func=BPRM_CHECK fsuuid=$uuid digest_type=verity template=ima-sigv2
measure func=FILE_CHECK mask=MAY_READ fsuuid=$uuid fowner=4242 digest_type=verity template=ima-ngv2
appraise func=BPRM_CHECK fsuuid=$uuid digest_type=verity appraise_type=sigv3
appraise func=FILE_CHECK mask=MAY_READ fsuuid=$uuid fowner=4242 digest_type=verity appraise_type=sigv3
POLICY
	check "the digest_type=verity appraise_type=sigv3 policy was accepted" sh -c "cat /tmp/policy > $pol"
	sed 's/^/# policy: /' $pol
	require_appraisal "nothing could be refused"

	ima-test ready -v --access exec --cert /mnt/keys/ima.der --policy $pol \
		$v/*-hello > /tmp/ready 2>&1
	sed 's/^/# ready: /' /tmp/ready
	# runs DESC FILE READY_CLASS: FILE runs, as ready predicted
	runs() {
		out=$("$2" 2>&1)
		check "$1 ($out)" [ "$out" = "enforce-hello ran" ]
		check "ready predicted it: $2: $3" grep -q "^$2: $3" /tmp/ready
	}
	# refused DESC FILE CAUSE READY_CLASS: FILE is refused, IMA audits CAUSE,
	# and ready predicted READY_CLASS
	refused() {
		err=$("$2" 2>&1)
		rc=$?
		check "$1 (exit $rc: $err)" has "$err" "Permission denied"
		# collect_data records name the file's last component only
		check "$1: audit cause=$3" sh -c "dmesg | grep 'cause=$3 ' | grep -q 'name=\"[^\"]*${2##*/}\"'"
		check "ready predicted it: $2: $4" grep -q "^$2: $4" /tmp/ready
	}
	runs "a program signed by ima-test sign --verity runs" $v/signed-hello ok
	runs "one signed on the host (--sigfile, libfsverity's digest) runs" $v/hostsig-hello ok
	runs "one signed by sign-hash --verity, sha512, runs" $v/hostsig512-hello ok
	check "an untouched signed fs-verity data file reads" sh -c "cat $v/intact-data > /dev/null"
	cat $v/tamper-data > /dev/null 2> /tmp/err
	rc=$?
	diag "$(cat /tmp/err)"
	check "the data file changed offline opens (its fs-verity digest still verifies) but fails at read (exit $rc)" \
		sh -c "[ $rc != 0 ] && grep -q 'Input/output error' /tmp/err && ! grep -q 'Permission denied' /tmp/err"

	l=$ima/ascii_runtime_measurements_sha256
	d=$(verity measure $v/signed-hello | cut -d' ' -f1)
	check "the list has an ima-sigv2 entry for signed-hello with its verity digest" \
		sh -c "grep ' ima-sigv2 verity:$d $v/signed-hello 060304' $l | grep -q ."
	d=$(verity measure $v/intact-data | cut -d' ' -f1)
	check "and an ima-ngv2 entry for the data file read" \
		grep -q " ima-ngv2 verity:$d $v/intact-data\$" $l
	grep -E ' ima-(ng|sig)v2 ' $l | cut -c1-160 | sed 's/^/# list: /'
	ima-test log --cert /mnt/keys/ima.der > /tmp/log 2>&1
	rc=$?
	sed 's/^/# log: /' /tmp/log | tail -n 20
	check "ima-test log --cert: exit 0 (list, signatures and TPM agree)" [ $rc = 0 ]
	check "ima-test log: sha1 and sha256 PCR 10 replay to the TPM" \
		test "$(grep -cE 'consistent \(sha(1|256) PCR 10 matches the TPM' /tmp/log)" = 2
	# every entry's signature was checked: nothing that could not be
	n=$(grep -c ' ima-sigv2 verity:' $l)
	check "ima-test log: no check it could not make, over $n ima-sigv2 entries" \
		sh -c "[ $n -ge 3 ] && grep -q ' 0 finding, 0 cannot-check' /tmp/log"

	refused "a v2-signed program with fs-verity is refused" $v/v2-hello \
		verity-signature-required sigv3-required
	refused "a program with a version 3 signature but no fs-verity is refused" $v/noverity-hello \
		no-verity-digest verity-required
	refused "an unsigned program without fs-verity is refused" $v/unsigned-hello \
		no-verity-digest verity-required
	dmesg | grep 'type=1800' | sed 's/.*audit: /# /'
	# the refused v2-signed program was measured (its fs-verity digest was
	# collected) with its v2 signature, which signs a content hash the list
	# does not hold: log says it cannot check that one, and only that one
	ima-test log --cert /mnt/keys/ima.der > /tmp/log2 2>&1
	rc=$?
	grep -E 'unchecked|finding' /tmp/log2 | sed 's/^/# log: /'
	check "ima-test log: after it, exit 1, the v2 signature beside an fs-verity digest unchecked" \
		sh -c "[ $rc = 1 ] && grep -q '$v/v2-hello: unchecked-signature (a v2 signature beside an fs-verity digest' /tmp/log2 &&
			grep -q ' 0 finding, [1-9][0-9]* cannot-check' /tmp/log2 &&
			! grep 'unchecked' /tmp/log2 | grep -vq '$v/v2-hello: '"
	write_refused "under enforce too, a write open of a fs-verity file is refused" $v/signed-hello
	;;
*)
	echo "Bail out! imafput.phase= must be sign or enforce, not '$phase'"
	exit 2
	;;
esac
finish
