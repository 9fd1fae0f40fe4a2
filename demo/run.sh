#!/bin/bash
# demo/run.sh: IMA appraisal end to end on the patched kernel, in two boots
# of one ext4 disk.  Host: make a key pair and the disk.  Boot 1
# (ima_appraise=fix): label, sign, pre-flight with `ima-test ready`.
# Boot 2 (ima_appraise=enforce): the signed program runs, a tampered copy
# is refused, an edited file is re-hashed on close, audit sums up; EVM
# is turned on and a data file gets an HMAC.  Host: that file is changed
# offline with a matching security.ima.  Boot 3 (enforce): plain IMA opens
# it.  Boot 4 (enforce, EVM on): it is refused, cause=invalid-HMAC.
#
# Exit status 0 only when every step did what it says; otherwise the first
# step that did not is named.  DEMO_SKIP_KEYS=1 leaves the certificate out
# of the kernel keyring in boot 2, which must make the demo fail there.
# DEMO_KERNEL=none runs it on the baseline kernel.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
kernel=${DEMO_KERNEL:-series}
work=$top/build/demo
disk=$top/build/vm/disks/demo.img
first_failure=

say() { printf '%s\n' "$*"; }
title() { printf '\n=== %s ===\n' "$*"; }
# show CMD...: print a host command, run it, indent its output
show() {
	printf '$ %s\n' "$*"
	"$@" 2>&1 | sed 's/^/  /'
	return "${PIPESTATUS[0]}"
}
host_step() { # host_step DESC CMD...
	local desc=$1
	shift
	if show "$@"; then
		printf '  [ok] %s\n' "$desc"
	else
		printf '  [FAILED] %s\n' "$desc"
		first_failure=${first_failure:-"host: $desc"}
	fi
}

# Print run-suite.sh's TAP as a story: narrative lines, then [ok]/[FAILED].
narrate() { # narrate BOOT
	local boot=$1 line desc
	while IFS= read -r line; do
		# guest narrative arrives as "# # text" (run-suite.sh quotes it)
		case $line in
		'# # == '*) printf '\n%s\n' "${line#\# \# }" ;;
		'# #') ;;
		'# # '*) printf '  %s\n' "${line#\# \# }" ;;
		'# '*' boot took '*) printf '  (%s)\n' "${line#\# }" ;;
		'# '*) printf '  %s\n' "${line#\# }" ;;
		'ok '*)
			desc=$(sed -E 's/^ok [0-9]+ - [^:]*: //' <<<"$line")
			printf '  [ok] %s\n' "$desc" ;;
		'not ok '*)
			desc=$(sed -E 's/^not ok [0-9]+ - [^:]*: //' <<<"$line")
			printf '  [FAILED] %s\n' "$desc"
			first_failure=${first_failure:-"$boot: $desc"} ;;
		'1..'*) ;;
		*) printf '  %s\n' "$line" ;;
		esac
	done
}

boot() { # boot NAME CMDLINE: one boot of the demo disk; 0 when all went well
	local name=$1 cmdline=$2 out try rc
	out=$(mktemp)
	for try in 1 2; do
		"$top/vm/run-suite.sh" --kernel "$kernel" --suite "$name" --name "$name" \
			--disk "$disk" --timeout 300 --cmdline "$cmdline" > "$out"
		rc=$?
		# The initramfs is shared with concurrent test runs: if another run was
		# rebuilding it under us, the guest never ran; try once more.
		grep -q '^not ok [0-9]* - [^:]*: build the' "$out" && [ $try = 1 ] || break
		say "  (the kernel or initramfs build failed, maybe a concurrent rebuild; retrying)"
		sleep 5
	done
	narrate "$name" < "$out"
	rm -f "$out"
	say "  (console: build/test-results/$name/console.log, TAP: build/test-results/$name/tap.log)"
	return $rc
}

title "ima-fput demo: IMA appraisal from fix to enforce on Linux 6.12 + kernel/series"
# the guest's ima-test (make demo has built it already; this is for direct runs)
if ! make -s -C "$top/tools/ima-test" static >/dev/null 2>&1 &&
	[ ! -x "$top/tools/ima-test/ima-test.static" ]; then
	echo "demo: cannot build tools/ima-test/ima-test.static (try: make vm)" >&2
	exit 2
fi

title "host: a signing key and the disk"
rm -rf "$work"
mkdir -p "$work/disk/demo/bin" "$work/disk/demo/etc" "$work/disk/keys" "$(dirname "$disk")"
cd "$work" || exit 2	# host commands below name files relative to build/demo
keys=disk/keys
host_step "generate an RSA key pair with openssl" \
	openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$keys/ima.key"
host_step "make a self-signed X.509 certificate with a subject key identifier (the IMA keyid)" \
	openssl req -x509 -new -key "$keys/ima.key" -out "$keys/ima.pem" -days 30 \
	-subj "/CN=ima-fput demo signing key" -addext subjectKeyIdentifier=hash \
	-addext keyUsage=digitalSignature
show openssl x509 -in "$keys/ima.pem" -noout -subject -ext subjectKeyIdentifier
cat > "$work/disk/demo/bin/hello" <<'EOF'
#!/bin/sh
echo "hello from a signed program"
EOF
cp "$work/disk/demo/bin/hello" "$work/disk/demo/bin/tampered"
cat > "$work/disk/demo/bin/report" <<'EOF'
#!/bin/sh
echo "report: $(wc -l < /mnt/demo/etc/motd) lines in motd"
EOF
chmod 755 "$work/disk/demo/bin/"*
echo "Welcome to the ima-fput demo." > "$work/disk/demo/etc/motd"
cat > "$work/disk/demo/ima-policy" <<'EOF'
# The demo policy.  In-memory file systems are not appraised (the initramfs,
# /dev, /proc, /sys, securityfs, tracefs); programs need a signature;
# everything else root owns needs a valid hash or signature.
dont_appraise fsmagic=0x9fa0
dont_appraise fsmagic=0x62656572
dont_appraise fsmagic=0x64626720
dont_appraise fsmagic=0x1021994
dont_appraise fsmagic=0x858458f6
dont_appraise fsmagic=0x73636673
dont_appraise fsmagic=0x74726163
appraise func=BPRM_CHECK appraise_type=imasig
appraise fowner=0
EOF
rm -f "$disk"
host_step "make the ext4 disk from build/demo/disk (mke2fs -d)" \
	mke2fs -q -F -t ext4 -I 256 -E root_owner=0:0 -d disk "$disk" 64M
show find disk -type f
say "Policy to be enforced (demo/ima-policy on the disk):"
grep -v '^#' "$work/disk/demo/ima-policy" | sed 's/^/  /'

title "boot 1: ima_appraise=fix ima_policy=tcb"
if ! boot demo-fix "ima_appraise=fix ima_policy=tcb"; then
	title "result"
	say "demo: FAILED at step: $first_failure"
	say "(boot 2 needs what boot 1 prepares; not started)"
	exit 1
fi

title "host: the disk between the boots"
say "The labels are on the disk itself; debugfs reads them offline:"
show debugfs -R "ea_list /demo/bin/hello" "$disk"
show debugfs -R "ea_list /demo/etc/motd" "$disk"
say "Offline tampering, as someone with the disk in hand would do it: append a line to"
say "demo/bin/tampered and put its old security.ima (a valid signature) back on it."
t=tampered
debugfs -R "dump /demo/bin/tampered $t" "$disk" 2>/dev/null &&
	debugfs -R "ea_get -f $t.ima /demo/bin/tampered security.ima" "$disk" >/dev/null 2>&1
echo 'echo "...and a line the signer never saw"' >> "$t"
chmod 755 "$t"
printf '%s\n' "rm /demo/bin/tampered" "write $t /demo/bin/tampered" \
	"ea_set -f $t.ima /demo/bin/tampered security.ima" > tamper.cmds
host_step "debugfs: rewrite demo/bin/tampered offline, keeping its signature" \
	debugfs -w -f tamper.cmds "$disk"
show debugfs -R "cat /demo/bin/tampered" "$disk"

skip=
[ "${DEMO_SKIP_KEYS:-0}" = 1 ] && skip=" imafput.skipkeys=1"
title "boot 2: ima_appraise=enforce ima_policy=tcb${skip:+ (DEMO_SKIP_KEYS=1)}"
boot demo-enforce "ima_appraise=enforce ima_policy=tcb$skip"

title "host: offline tampering that IMA alone cannot see"
say "Change etc/evm-data (written in boot 2 with EVM on) and write the hash of the new"
say "content into its security.ima, offline; its security.evm stays as it was."
debugfs -w -R "zap_block -f /demo/etc/evm-data -p 0x5a 0" "$disk" >/dev/null 2>&1
printf '0404%s' "$(debugfs -R "cat /demo/etc/evm-data" "$disk" 2>/dev/null | sha256sum | cut -c1-64)" |
	xxd -r -p > evm-data.ima
host_step "debugfs: new content and a matching security.ima for demo/etc/evm-data" \
	debugfs -w -R "ea_set -f evm-data.ima /demo/etc/evm-data security.ima" "$disk"
show debugfs -R "ea_list /demo/etc/evm-data" "$disk"

title "boot 3: ima_appraise=enforce ima_policy=tcb, EVM not initialised"
boot demo-evm-off "ima_appraise=enforce ima_policy=tcb"
title "boot 4: ima_appraise=enforce ima_policy=tcb, EVM initialised"
boot demo-evm-on "ima_appraise=enforce ima_policy=tcb"

title "result"
if [ -n "$first_failure" ]; then
	say "demo: FAILED at step: $first_failure"
	exit 1
fi
say "demo: every step behaved as described."
exit 0
