#!/bin/bash
# fs-verity signatures (security.ima type 06, version 3) on the host:
#  - the bytes sign --verity --sigfile and sign-hash --verity write, checked
#    against the format in the kernel source with openssl alone: the
#    signature is over H(struct ima_file_id) = H(06 | hash_algo | digest)
#    (integrity.h, calc_file_id_hash()), the digest the one `fsverity
#    digest` computes;
#  - verify, ready and log on such signatures: a file without fs-verity,
#    a list entry verified and one with its signature changed;
#  - sign --verity enabling fs-verity on an ext4 image made with -O verity
#    and loop-mounted, where this kernel has fs-verity (skipped otherwise;
#    the VM suites build/vm-tests/verity-*.t do it on the test kernels).
. "$(dirname "$0")/lib.sh"

[ -x "$IMA_TEST" ] || skip_all "$IMA_TEST not built"
command -v fsverity >/dev/null || skip_all "the fsverity tool is not installed (make deps)"
setup_work
T=$IMA_TEST
GEN="python3 $(dirname "$0")/loggen.py"
NOEVM="--evm-state $T_TMP/no-evm"
plan 32

K=$T_TMP/ima
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$K.key" 2>/dev/null
openssl req -x509 -new -key "$K.key" -out "$K.pem" -days 30 -subj "/CN=verity" \
	-addext subjectKeyIdentifier=hash 2>/dev/null
openssl pkey -in "$K.key" -pubout -out "$K.pub"
keyid=$(openssl x509 -in "$K.pem" -noout -ext subjectKeyIdentifier | tail -1 | tr -d ' :' |
	tr 'A-F' 'a-f' | tail -c 9)
hexof() { od -An -v -tx1 "$1" | tr -d ' \n'; }
unhex() { xxd -r -p; }

# byteform FILE.sig ALG ALGNUM VERITY_HEX DESC: the value's header, and its
# signature over ALG(06 | ALGNUM | digest), checked with openssl alone
byteform() {
	local v alg=$2 n=$3 d=$4 desc=$5 size
	v=$(hexof "$1")
	size=$(( ${#v} / 2 - 9 ))
	is "${v:0:18}" "0603${n}${keyid}$(printf '%04x' $size)" "$desc: header 06 03 $n keyid sig_size"
	printf '%s' "${v:18}" | unhex > "$T_TMP/sig.bin"
	printf '06%s%s' "$n" "$d" | unhex > "$T_TMP/fid.bin"
	out=$(openssl dgst -"$alg" -verify "$K.pub" -signature "$T_TMP/sig.bin" "$T_TMP/fid.bin" 2>&1)
	check_rc $? "$desc: openssl verifies the signature over $alg(06 | $n | fs-verity digest)" || diag "$out"
}

f=$WORK/file
head -c 20000 /dev/urandom > "$f"
cp "$f" "$WORK/copy"
d256=$(fsverity digest --compact "$f")
d512=$(fsverity digest --compact --hash-alg=sha512 "$f")

expect 0 '' "sign --verity --sigfile: a file without fs-verity is left as it is" -- \
	"$T" sign --verity --sigfile --key "$K.key" --cert "$K.pem" "$f"
byteform "$f.sig" sha256 04 "$d256" "--sigfile (sha256)"
cmp -s "$f" "$WORK/copy" && ! getfattr -n security.ima "$f" >/dev/null 2>&1
check_rc $? "--sigfile: the content unchanged and no security.ima written"
expect 0 '' "sign --verity --sigfile --verity-hash sha512" -- \
	"$T" sign --verity --sigfile --verity-hash sha512 --key "$K.key" --cert "$K.pem" "$f"
byteform "$f.sig" sha512 06 "$d512" "--verity-hash sha512"
expect 0 '' "sign --verity --sigfile -a sha512: the verity digest follows -a" -- \
	"$T" sign --verity --sigfile -a sha512 --key "$K.key" --cert "$K.pem" "$f"
byteform "$f.sig" sha512 06 "$d512" "-a sha512"
rm -f "$f.sig"

# The negative control of the byte check: a signature over the digest
# itself (v2 style), or over a file id of another type byte, is refused.
printf '%s' "$d256" | unhex > "$T_TMP/fid.bin"
openssl dgst -sha256 -verify "$K.pub" -signature "$T_TMP/sig.bin" "$T_TMP/fid.bin" >/dev/null 2>&1
is $? 1 "control: the same signature does not verify over the bare digest"

line=$(fsverity digest "$f" | "$T" sign-hash --verity --key "$K.key" --cert "$K.pem")
check_rc $? "sign-hash --verity reads fsverity digest's lines"
printf '%s' "${line##* }" | unhex > "$T_TMP/sh.sig"
byteform "$T_TMP/sh.sig" sha256 04 "$d256" "sign-hash --verity"
is "${line% *}" "$(fsverity digest "$f")" "sign-hash --verity: the line, a space, the value"
line=$(fsverity digest --hash-alg=sha512 "$f" | "$T" sign-hash --verity --key "$K.key" --cert "$K.pem")
printf '%s' "${line##* }" | unhex > "$T_TMP/sh.sig"
byteform "$T_TMP/sh.sig" sha512 06 "$d512" "sign-hash --verity, sha512 lines"
expect 2 'line 1: a sha512 digest where -a asks for sha256' "sign-hash --verity: -a and the line disagree: exit 2" -- \
	sh -c "fsverity digest --hash-alg=sha512 '$f' | '$T' sign-hash --verity -a sha256 --key '$K.key'"

# Usage: the signature's algorithm is the verity digest's.
expect 2 '-a sha512 cannot go with --verity-hash sha256' "-a and --verity-hash disagree: exit 2" -- \
	"$T" sign --verity -a sha512 --verity-hash sha256 --key "$K.key" "$f"
expect 2 '-a sha384 is no fs-verity algorithm' "-a sha384 with --verity: exit 2" -- \
	"$T" sign --verity -a sha384 --key "$K.key" "$f"
expect 2 'fs-verity has sha256 and sha512' "--verity-hash sha1: exit 2" -- \
	"$T" sign --verity --verity-hash sha1 --key "$K.key" "$f"
expect 2 'go with --verity' "--no-enable without --verity: exit 2" -- \
	"$T" sign --no-enable --key "$K.key" "$f"

# verify and ready: a version 3 signature on a file without fs-verity
R=$WORK/root; mkdir -p "$R"; cp "$WORK/copy" "$R/v3"
v=$(fsverity digest "$R/v3" | "$T" sign-hash --verity --key "$K.key" --cert "$K.pem")
setfattr -n security.ima -v "0x${v##* }" "$R/v3"
expect 1 "v3: no-verity \\(fs-verity signature, but (fs-verity is not enabled on the file|the file system has no fs-verity)" \
	"verify: a version 3 signature on a file without fs-verity: no-verity, exit 1" -- \
	"$T" verify --cert "$K.pem" "$R/v3"
P=$T_TMP/policy
printf 'appraise func=FILE_CHECK digest_type=verity appraise_type=sigv3\n' > "$P"
expect 1 "v3: verity-required \\(fs-verity is not enabled on the file" \
	"ready, digest_type=verity: the same file is denied, verity-required" -- \
	"$T" ready $NOEVM --cert "$K.pem" --policy "$P" "$R/v3"
printf 'appraise func=FILE_CHECK appraise_type=imasig\n' > "$P"
expect 1 "v3: signature-required \\(fs-verity signature where a v2 signature is required" \
	"ready, imasig without digest_type=verity: IMA-signature-required, as xattr_verify()" -- \
	"$T" ready $NOEVM --cert "$K.pem" --policy "$P" "$R/v3"
printf 'appraise func=FILE_CHECK\n' > "$P"
expect 1 "v3: bad-signature \\(fs-verity sha256 signature does not verify" \
	"ready, a rule without digest_type=verity: checked over the content hash's file id, which was not signed" -- \
	"$T" ready $NOEVM --cert "$K.pem" --policy "$P" "$R/v3"

# log: ima-sigv2 entries with an fs-verity digest and its signature
sig=${v##* }
bad=${sig:0:-2}$(printf '%02x' $(( (0x${sig: -2} + 1) % 256 )))
D=$T_TMP/l
printf 'ima-sigv2 %s verity:sha256:%s %s\n' "$R/v3" "$d256" "$sig" > "$T_TMP/spec"
$GEN make "$D" --entries 0 --spec "$T_TMP/spec"
lg() { local d=$1; shift; "$T" log "$@" --pcrs "sha1,$d/pcrs_sha1" --pcrs "sha256,$d/pcrs_sha256"; }
expect 0 '0 findings' "log: an ima-sigv2 entry's fs-verity signature verifies" -- \
	lg "$D" --list "$D/bin_sha256" --cert "$K.pem"
printf 'ima-sigv2 %s verity:sha256:%s %s\n' "$R/v3" "$d256" "$bad" > "$T_TMP/spec"
$GEN make "$D.bad" --entries 0 --spec "$T_TMP/spec"
expect 1 "entry 2 $R/v3: bad-signature \\(signature does not verify" "log: a changed one is bad-signature" -- \
	lg "$D.bad" --list "$D.bad/ascii_sha1" --cert "$K.pem"
printf 'ima-sigv2 %s verity:sha512:%s %s\n' "$R/v3" "$d512" "$sig" > "$T_TMP/spec"
$GEN make "$D.alg" --entries 0 --spec "$T_TMP/spec"
expect 1 "bad-signature \\(fs-verity signature over sha256, the list holds sha512" \
	"log: a sha256 signature beside a sha512 verity digest is bad-signature" -- \
	lg "$D.alg" --list "$D.alg/bin_sha1" --cert "$K.pem"

# sign --verity where fs-verity can be enabled: a loop-mounted ext4 image
img=$T_TMP/verity.img mnt=$T_TMP/mnt
mounted=
if [ "$(id -u)" = 0 ] && [ -e /sys/fs/ext4/features/verity ] &&
	truncate -s 32M "$img" && mke2fs -q -t ext4 -O verity "$img" && mkdir -p "$mnt" &&
	mount -o loop "$img" "$mnt" 2>/dev/null; then
	mounted=1
fi
if [ -n "$mounted" ]; then
	cp "$WORK/copy" "$mnt/f"
	expect 0 '' "sign --verity on ext4 -O verity enables fs-verity and signs" -- \
		"$T" sign --verity --key "$K.key" --cert "$K.pem" "$mnt/f"
	is "$(fsverity measure "$mnt/f" | cut -d' ' -f1)" "sha256:$d256" "the kernel's digest is libfsverity's"
	expect 0 "f: ok" "verify: the signature checks against the live fs-verity digest" -- \
		"$T" verify --cert "$K.pem" "$mnt/f"
	umount "$mnt"
else
	for d in "sign --verity enables fs-verity" "the kernel's digest is libfsverity's" "verify against the live digest"; do
		skip "$d" "this kernel cannot enable fs-verity on a loop-mounted ext4 image (no /sys/fs/ext4/features/verity, or not root); build/vm-tests/verity-*.t do it"
	done
fi
finish
