#!/bin/bash
# ima-test ready verifies an EVM HMAC over the xattrs the kernel was built
# to cover (evm_config_default_xattrnames: an LSM's label when the LSM is
# compiled in, active or not), learnt from the kernel's own list, else its
# config, else --evm-xattrs; the output names the source.
. "$(dirname "$0")/lib.sh"

[ -x "$IMA_TEST" ] || skip_all "$IMA_TEST not built"
command -v python3 >/dev/null || skip_all "python3 not installed"
setup_work
T=$IMA_TEST
PFX=${XNAME%.ima}
plan 13

f=$WORK/daemon
echo "a confined daemon" >"$f"
"$T" hash $XU "$f"
setfattr -n "$PFX.apparmor" -v "usr.sbin.daemon" "$f" ||
	{ echo "Bail out! cannot set $PFX.apparmor"; exit 1; }
uuid=0123456789abcdef0123456789abcdef
key=$(head -c 32 /dev/urandom | od -An -tx1 -v | tr -d ' \n')
echo "$key" >"$T_TMP/evm.hex"
echo 1 >"$T_TMP/evm-state"

# hmac FILE NAME...: the kernel's HMAC over the named xattrs (short names,
# in the kernel's order), h_misc and the UUID.
hmac() {
	python3 - "$key" "$uuid" "$PFX" "$@" <<'PY'
import fcntl, hashlib, hmac, os, struct, sys
key, uuid, pfx, path = sys.argv[1:5]
fd = os.open(path, os.O_RDONLY)
msg = b""
for name in sys.argv[5:]:
    try:
        msg += os.getxattr(path, pfx + "." + name)
    except OSError:
        pass
st = os.fstat(fd)
gen = bytearray(4)
try:
    fcntl.ioctl(fd, 0x80087601, gen)
except OSError:
    gen = bytearray(4)
msg += struct.pack("<QIIIH2x", st.st_ino, struct.unpack("<I", gen)[0],
                   st.st_uid, st.st_gid, st.st_mode & 0xffff)
msg += bytes.fromhex(uuid)
print("02" + hmac.new(bytes.fromhex(key).ljust(128, b"\0"), msg, hashlib.sha1).hexdigest())
PY
}
evmset() { setfattr -n "$PFX.evm" -v "0x$1" "$f"; }
P=$T_TMP/policy
echo "appraise func=FILE_CHECK" >"$P"
ready() { "$T" ready $XU --evm-state "$T_TMP/evm-state" --evm-key "$T_TMP/evm.hex" --uuid "$uuid" \
	--evm-xattrs-file "$T_TMP/no-sfs" --policy "$P" "$@"; }

# Debian's kernels (copies of their config's lines): SELinux, AppArmor and
# TOMOYO built in, IMA appraisal, no CONFIG_EVM_ADD_XATTRS and so no
# evm_xattrs file in securityfs ($T_TMP/no-sfs).
DEB=$(cd "$(dirname "$0")/data/debian" && pwd)
cp "$DEB/config-6.12.118+deb12-amd64" "$T_TMP/config"
gzip -c "$T_TMP/config" >"$T_TMP/config.gz"


evmset "$(hmac "$f" selinux apparmor ima capability)"
expect 0 "^evm: .*EVM covers ${PFX}.selinux,${PFX/security/security}.apparmor,${PFX}.ima,${PFX}.capability \\(from $T_TMP/config\\)" \
	"an HMAC over the label of a built-in LSM verifies, and the header names the config" -- \
	ready --kernel-config "$T_TMP/config" "$f"
expect 0 "\\(from $T_TMP/config.gz\\)" "a gzip config (as /proc/config.gz) is read too" -- \
	ready --kernel-config "$T_TMP/config.gz" "$f"
expect 0 "EVM covers ${PFX}.selinux,${PFX/security/security}.apparmor,${PFX}.ima,${PFX}.capability \\(from $DEB/config-6.1.0-57-amd64\\)" \
	"Debian's default 6.1 kernel covers the same xattrs" -- \
	ready --kernel-config "$DEB/config-6.1.0-57-amd64" "$f"
setfattr -n "$PFX.apparmor" -v "unconfined" "$f"
expect 1 "daemon: evm-invalid \\(invalid-hmac" "the AppArmor label changed offline: evm-invalid" -- \
	ready --kernel-config "$T_TMP/config" "$f"
setfattr -n "$PFX.apparmor" -v "usr.sbin.daemon" "$f"
evmset "$(hmac "$f" ima capability)"
expect 1 "daemon: evm-invalid \\(invalid-hmac" "an HMAC that leaves the AppArmor label out is what the kernel rejects" -- \
	ready --kernel-config "$T_TMP/config" "$f"

# The kernel's own list comes first.
printf '%s\n' "$PFX.ima" "$PFX.capability" | sed "s/^user\\./security./" >"$T_TMP/sfs"
expect 0 "EVM covers .*ima,.*capability \\(from $T_TMP/sfs; --evm-xattrs not used: that source comes first\\)" \
	"the kernel's list of xattrs is used before the config and --evm-xattrs" -- \
	ready --evm-xattrs-file "$T_TMP/sfs" --kernel-config "$T_TMP/config" --evm-xattrs security.selinux "$f"
printf '%s\n' security.ima security.ima_extra >"$T_TMP/sfs"
expect 2 "'security.ima_extra', whose value is not part of the digest computed here" \
	"an xattr in the kernel's list this tool cannot compute: exit 2" -- \
	ready --evm-xattrs-file "$T_TMP/sfs" "$f"
expect 2 "$T_TMP/missing: cannot read: No such file" "a --kernel-config that does not exist: exit 2" -- \
	ready --kernel-config "$T_TMP/missing" "$f"
expect 2 "$T_TMP/sfs: not a kernel config" "a --kernel-config that is not one: exit 2" -- \
	ready --kernel-config "$T_TMP/sfs" "$f"
expect 0 "^evm: not modelled" "EVM not modelled: no list needed" -- \
	"$T" ready $XU --evm-state "$T_TMP/no-evm" --kernel-config "$T_TMP/missing" --policy "$P" "$f"

# Without the kernel's list or a config, --evm-xattrs; without it, exit 2.
if [ "$(id -u)" = 0 ] && [ ! -e /proc/config.gz ] && command -v unshare >/dev/null; then
	nocfg() { unshare -m sh -c 'mount -t tmpfs none /boot && exec "$@"' sh "$@"; }
	evmset "$(hmac "$f" ima apparmor)"
	expect 0 "\\(from --evm-xattrs\\)" "--evm-xattrs when there is no other source" -- \
		nocfg "$T" ready $XU --evm-state "$T_TMP/evm-state" --evm-key "$T_TMP/evm.hex" --uuid "$uuid" \
		--evm-xattrs-file "$T_TMP/no-sfs" --policy "$P" --evm-xattrs security.ima,security.apparmor "$f"
	expect 2 "cannot tell which xattrs EVM covers" "no source at all: exit 2" -- \
		nocfg "$T" ready $XU --evm-state "$T_TMP/evm-state" --evm-key "$T_TMP/evm.hex" --uuid "$uuid" \
		--evm-xattrs-file "$T_TMP/no-sfs" --policy "$P" "$f"
else
	ok "# SKIP the running kernel's config cannot be hidden here"
	ok "# SKIP the running kernel's config cannot be hidden here"
fi
evmset "$(hmac "$f" ima capability)"
expect 2 "--evm-xattrs: EVM covers 'security.foo'" "--evm-xattrs with an unknown name: exit 2" -- \
	ready --evm-xattrs security.foo "$f"
finish
