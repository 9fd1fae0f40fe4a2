#!/bin/bash
# ima-test on Debian's own kernels (6.12 and the default 6.1), from copies
# of their config (tests/tool/data/debian): the policy file is write-once
# and unreadable (no CONFIG_IMA_READ_POLICY or CONFIG_IMA_WRITE_POLICY), so
# ready falls back to the file systemd loads; the default template is
# ima-sig; _ima is a plain keyring (no CONFIG_INTEGRITY_TRUSTED_KEYRING).
# The EVM xattr list from the same configs is tested in ready-evm-xattrs.t.
. "$(dirname "$0")/lib.sh"

[ -x "$IMA_TEST" ] || skip_all "$IMA_TEST not built"
command -v python3 >/dev/null || skip_all "python3 not installed"
setup_work
T=$IMA_TEST
DATA=$(cd "$(dirname "$0")/data/debian" && pwd)
C612=$DATA/config-6.12.118+deb12-amd64
C61=$DATA/config-6.1.0-57-amd64
GEN="python3 $(dirname "$0")/loggen.py"
plan 22

# --- the facts the tests below rely on, as the copies state them ---
for c in "$C612" "$C61"; do
	grep -qx 'CONFIG_IMA_DEFAULT_TEMPLATE="ima-sig"' "$c" &&
		grep -qx '# CONFIG_IMA_READ_POLICY is not set' "$c" &&
		grep -qx '# CONFIG_IMA_WRITE_POLICY is not set' "$c" &&
		grep -qx '# CONFIG_INTEGRITY_TRUSTED_KEYRING is not set' "$c" &&
		grep -qx '# CONFIG_EVM_ADD_XATTRS is not set' "$c"
	check_rc $? "${c##*/}: ima-sig, policy neither readable nor rewritable, no trusted keyring, no evm_xattrs"
done

# --- keys: _ima is a plain keyring ---
for c in "$C612" "$C61"; do
	out=$("$T" keys list --kernel-config "$c" 2>&1 >/dev/null)
	grep -q "^ima-test keys: note: _ima is a plain keyring ($c: CONFIG_INTEGRITY_TRUSTED_KEYRING is not set)" <<<"$out" &&
		! grep -q "warning" <<<"$out"
	check_rc $? "keys on ${c##*/}: _ima reported a plain keyring, no warning" || diag "$out"
done
out=$("$T" keys list --keyring _evm --kernel-config "$C612" 2>&1 >/dev/null)
grep -q "note: _evm is a plain keyring" <<<"$out"
check_rc $? "keys --keyring _evm: also a plain keyring" || diag "$out"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$T_TMP/k.key" 2>/dev/null
out=$("$T" keys add --kernel-config "$C612" "$T_TMP/k.key" 2>&1)
[ $? = 2 ] && [ "$(grep -c "note: _ima is a plain keyring\|k.key: not an X.509 certificate" <<<"$out")" = 2 ]
check_rc $? "keys add reports the kind before it adds (a key file instead of a certificate: refused)" || diag "$out"
# negative control: a kernel that verifies with .ima
sed 's/^# CONFIG_INTEGRITY_TRUSTED_KEYRING is not set/CONFIG_INTEGRITY_TRUSTED_KEYRING=y/' "$C612" >"$T_TMP/trusted"
out=$("$T" keys list --kernel-config "$T_TMP/trusted" 2>&1 >/dev/null)
grep -q "warning: .*CONFIG_INTEGRITY_TRUSTED_KEYRING=y: the kernel verifies with its own .ima keyring.*_ima is not used" <<<"$out" &&
	! grep -q "plain keyring" <<<"$out"
check_rc $? "keys with CONFIG_INTEGRITY_TRUSTED_KEYRING=y: a warning that _ima is not used" || diag "$out"
expect 2 "$T_TMP/none: cannot read: No such file" "keys --kernel-config FILE that does not exist: exit 2" -- \
	"$T" keys list --kernel-config "$T_TMP/none"

# --- log: ima-sig is the template of every entry ---
K=$T_TMP/k
openssl req -x509 -new -key "$K.key" -out "$K.pem" -days 30 -subj "/CN=debian" \
	-addext subjectKeyIdentifier=hash 2>/dev/null
echo "signed program" >"$WORK/prog"
echo "unsigned config" >"$WORK/conf"
"$T" sign $XU --key "$K.key" --cert "$K.pem" "$WORK/prog" >/dev/null
sha() { sha256sum "$1" | cut -d' ' -f1; }
cat >"$T_TMP/spec" <<EOF
ima-sig $WORK/prog sha256:$(sha "$WORK/prog") $(xhex "$WORK/prog")
ima-sig $WORK/conf sha256:$(sha "$WORK/conf")
violation $WORK/conf
EOF
D=$T_TMP/lists
$GEN make "$D" --template ima-sig --entries 12 --spec "$T_TMP/spec"
[ "$(cut -d' ' -f3 "$D/ascii_sha256" | sort -u)" = ima-sig ]
check_rc $? "the generated lists are ima-sig throughout (boot_aggregate and violation included)"
PCRS=(--pcrs "sha1,$D/pcrs_sha1" --pcrs "sha256,$D/pcrs_sha256")
for l in bin_sha1 bin_sha256 ascii_sha1 ascii_sha256; do
	expect 0 '1 violations; 2 of 2 PCR replays consistent' \
		"$l: an ima-sig list replays in both banks, its violation counted" -- \
		"$T" log --ignore-violations --list "$D/$l" "${PCRS[@]}"
done
expect 0 'entry 1 boot_aggregate: boot-aggregate-ok' "the ima-sig boot_aggregate (empty sig field) is checked" -- \
	"$T" log --ignore-violations --list "$D/bin_sha256" "${PCRS[@]}"
expect 0 '0 findings' "--cert: the signed ima-sig entry verifies; entries with an empty sig field are no finding" -- \
	"$T" log --ignore-violations --list "$D/bin_sha256" "${PCRS[@]}" --cert "$K.pem"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$T_TMP/o.key" 2>/dev/null
openssl req -x509 -new -key "$T_TMP/o.key" -out "$T_TMP/o.pem" -days 30 -subj "/CN=other" \
	-addext subjectKeyIdentifier=hash 2>/dev/null
out=$("$T" log --ignore-violations --list "$D/ascii_sha256" "${PCRS[@]}" --cert "$T_TMP/o.pem" 2>&1)
[ $? = 1 ] && grep -q "entry 2 $WORK/prog: unknown-key" <<<"$out" && [ "$(grep -c "unknown-key" <<<"$out")" = 1 ]
check_rc $? "--cert of another key: only the signed entry is a finding (its sig field is read)" || diag "$out"
$GEN mutate "$D/bin_sha256" "$T_TMP/bad" 32 digest 2
expect 1 'entry 2 .*prog' "negative control: an ima-sig entry whose file digest was changed is a finding" -- \
	"$T" log --ignore-violations --list "$T_TMP/bad" "${PCRS[@]}" --cert "$K.pem"

# --- ready: the policy systemd loaded, where the live one cannot be read ---
if ! unshare -rm true 2>/dev/null; then
	for _ in 1 2 3 4 5; do skip "unshare -rm not permitted here: no private mounts for /etc and securityfs"; done
	exit 0
fi
echo "appraise func=BPRM_CHECK appraise_type=imasig" >"$T_TMP/etc-policy"
echo "dont_appraise fsmagic=0x1021994" >"$T_TMP/live-policy"
chmod 755 "$WORK/prog" "$WORK/conf"
mkdir -p "$T_TMP/ovl/u" "$T_TMP/ovl/w"
# in_debian LIVE ETC CMD...: run CMD with securityfs holding ima/ (and
# ima/policy from LIVE unless "-"), and /etc/ima/ima-policy from ETC unless
# "-": the state of a Debian system after systemd loaded a policy.
in_debian() {
	local live=$1 etc=$2
	shift 2
	rm -rf "$T_TMP/ovl/u" "$T_TMP/ovl/w"
	mkdir -p "$T_TMP/ovl/u" "$T_TMP/ovl/w"
	# shellcheck disable=SC2016 # expanded by the inner shell
	unshare -rm sh -c '
		live=$1 etc=$2 ovl=$3
		shift 3
		mount -t tmpfs none /sys/kernel/security && mkdir /sys/kernel/security/ima || exit 99
		[ "$live" = - ] || cp "$live" /sys/kernel/security/ima/policy || exit 99
		mount -t overlay overlay -o "lowerdir=/etc,upperdir=$ovl/u,workdir=$ovl/w" /etc || exit 99
		rm -rf /etc/ima
		if [ "$etc" != - ]; then mkdir /etc/ima && cp "$etc" /etc/ima/ima-policy || exit 99; fi
		exec "$@"' sh "$live" "$etc" "$T_TMP/ovl" "$@"
}
out=$(in_debian - "$T_TMP/etc-policy" "$T" ready $XU --cert "$K.pem" "$WORK" 2>&1)
rc=$?
if [ $rc = 99 ]; then
	for _ in 1 2 3 4 5; do skip "cannot mount tmpfs and overlayfs in a user namespace here"; done
	exit 0
fi
[ $rc = 1 ] && grep -q "^policy: /etc/ima/ima-policy: 1 rules, 1 about appraisal" <<<"$out" &&
	grep -q "^note: policy: the live policy /sys/kernel/security/ima/policy cannot be read (No such file or directory: the kernel removes it once a policy is written" <<<"$out" &&
	grep -q "conf: missing" <<<"$out" && ! grep -q "prog: " <<<"$out"
check_rc $? "live policy removed after systemd wrote it: /etc/ima/ima-policy is used, and the header says so" || diag "rc $rc: $out"
expect 0 "^policy: /sys/kernel/security/ima/policy: 1 rules" "a readable live policy comes first, the truth" -- \
	in_debian "$T_TMP/live-policy" "$T_TMP/etc-policy" "$T" ready $XU "$WORK"
out=$(in_debian "$T_TMP/live-policy" "$T_TMP/etc-policy" "$T" ready $XU --policy "$T_TMP/etc-policy" --cert "$K.pem" "$WORK" 2>&1)
grep -q "^policy: $T_TMP/etc-policy: " <<<"$out" && ! grep -q "^note: policy:" <<<"$out"
check_rc $? "--policy FILE comes before both" || diag "$out"
expect 2 "cannot read the live policy .*and there is no /etc/ima/ima-policy: name the policy the kernel enforces, the file systemd loaded at boot: --policy FILE" \
	"neither: exit 2, telling the user to pass the file systemd loaded" -- \
	in_debian - - "$T" ready $XU "$WORK"
out=$(in_debian - "$T_TMP/etc-policy" "$T" ready $XU --format json --cert "$K.pem" "$WORK" 2>&1 | head -1)
python3 -c 'import json,sys; h=json.loads(sys.argv[1]); assert h["policy"]=="/etc/ima/ima-policy" and "cannot be read" in h["policy_note"]' "$out"
check_rc $? "JSON: the header names the file and carries the note" || diag "$out"
