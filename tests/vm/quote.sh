#!/bin/bash
# quote.sh KERNEL: remote attestation end to end, the recipe of
# Documentation/security/ima-fput.rst ("Remote attestation").  This script
# is the verifier: it stages three files on a disk, exports their Keylime
# reference here, makes three nonces and boots the guest with a fresh swtpm
# (suites/quote.sh: an AK under the EK, then three quotes over the nonces,
# each with the binary lists copied right after it).  Back here, with the
# quotes, lists and AK the guest left on the disk, ima-test log --quote
# must verify the quotes and replay the lists to the quoted PCRs:
#   r1, r2  exit 0 against the reference;
#   r3      (conf edited in the guest) exit 1 naming exactly conf;
# and exit 1, naming the check, for what the attested machine could send
# instead: an old quote replayed for a new nonce, a wrong nonce, an edited
# list, and PCR values edited after the quote.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
k=${1:?usage: quote.sh series|none}
name=quote-$k
tool=$top/tools/ima-test/ima-test
. "$top/tests/lib/tap.sh"
for t in swtpm tpm2_quote debugfs mke2fs python3 openssl unshare; do
	command -v $t >/dev/null || skip_all "$t not installed (scripts/install-deps.sh)"
done
[ -x "$tool" ] || make -s -C "$top/tools/ima-test" ima-test >&2
forge() { python3 "$here/quote-forge.py" "$@"; }
work=$top/build/vm/$name
stage=$work/stage out=$work/out
disk=$top/build/vm/disks/$name.img
rm -rf "$work" "$disk"
mkdir -p "$stage/quote" "$(dirname "$disk")"

# The approved files, and their reference under the names the guest gives
# them (the disk is mounted on /mnt there): exported from a private mount
# namespace where the staged tree is /mnt.
printf 'application %s\n' "$k" > "$stage/quote/app"
printf 'setting=approved\n' > "$stage/quote/conf"
head -c 4096 /dev/urandom > "$stage/quote/data"
unshare -m sh -c 'mount --bind "$1" /mnt && exec "$2" audit -r --format keylime /mnt/quote' \
	sh "$stage" "$tool" > "$work/ref.json" 2> "$work/audit.err"
n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["digests"]))' "$work/ref.json" 2>/dev/null)
if [ "$n" = 3 ]; then ok "$k: verifier: the reference of the three staged files"
else not_ok "$k: verifier: the reference of the three staged files ($n)"; sed 's/^/# /' "$work/audit.err"; fi
N1=$(openssl rand -hex 20) N2=$(openssl rand -hex 20) N3=$(openssl rand -hex 20)
printf '%s\n' "$N1" "$N2" "$N3" > "$work/nonces"
mke2fs -q -F -t ext4 -I 256 -E root_owner=0:0 -d "$stage" "$disk" 64M >&2

TAP_START=$(tap_count) "$top/vm/run-suite.sh" --tpm --kernel "$k" --name "$name" --suite quote \
	--disk "$disk" --no-plan --cmdline "ima_policy=tcb imafput.nonces=$N1,$N2,$N3" || tap_fail
tap_set_count "$(cat "$top/build/test-results/$name/count" 2>/dev/null || tap_count)"

debugfs -R "rdump /quote-out $work" "$disk" >/dev/null 2>&1
mv "$work/quote-out" "$out" 2>/dev/null
got=0
for f in ak.pub ak.pem r1/quote.msg r1/quote.sig r1/quote.pcrs r1/bin_sha1 r1/bin_sha256 \
	r2/quote.msg r2/quote.pcrs r2/bin_sha256 r3/quote.msg r3/quote.pcrs r3/bin_sha256; do
	[ -s "$out/$f" ] && got=$((got + 1))
done
if [ $got = 13 ]; then
	ok "$k: the AK, three quotes and their lists copied out of the VM"
else
	not_ok "$k: the AK, three quotes and their lists copied out of the VM ($got of 13 files)"
	finish
fi

# The verifier adds this machine's boot_aggregate to the reference, taken
# from the first round once that round's list checks out against its quote
# (Keylime wants it in digests["boot_aggregate"]; ima-fput.rst).
ba=$("$tool" log --list "$out/r1/bin_sha256" --quote "$out/r1/quote.msg" --quote-sig "$out/r1/quote.sig" \
	--ak "$out/ak.pub" --nonce "$N1" --quote-pcrs "$out/r1/quote.pcrs" --print-boot-aggregate 2>"$work/ba.err")
if python3 - "$work/ref.json" "$ba" <<'PY'
import json, re, sys
path, value = sys.argv[1], sys.argv[2]
assert re.fullmatch(r"[0-9a-f]{64}", value), value
ref = json.load(open(path))
ref["digests"]["boot_aggregate"] = [value]
json.dump(ref, open(path, "w"))
PY
then
	ok "$k: verifier: boot_aggregate of the quoted first round added to the reference"
else
	not_ok "$k: verifier: boot_aggregate of the quoted first round added to the reference"
	sed 's/^/# /' "$work/ba.err"
fi

# v DESC STATUS REGEX... -- ROUND NONCE [log options]: the verifier's
# ima-test log of ROUND's quote and lists (options after the nonce may
# replace them: a later --list, --quote... wins), exit STATUS and every
# REGEX matching a line of its output.
v() {
	local desc=$1 want=$2 res=() r miss='' o rc
	shift 2
	while [ "$1" != -- ]; do res+=("$1"); shift; done
	local q=$out/$2 nonce=$3 lists
	shift 3
	lists=(--list "$q/bin_sha1" --list "$q/bin_sha256")
	[ "${1:-}" = --lists ] && { lists=(--list "$2" --list "$3"); shift 3; }
	o=$("$tool" log "${lists[@]}" --quote "$q/quote.msg" --quote-sig "$q/quote.sig" \
		--ak "${AK:-$out/ak.pub}" --nonce "$nonce" --quote-pcrs "${PCRS:-$q/quote.pcrs}" \
		--reference "$work/ref.json" "$@" 2>&1)
	rc=$?
	for r in "${res[@]}"; do grep -Eq -- "$r" <<<"$o" || miss+=" /$r/"; done
	if [ $rc = "$want" ] && [ -z "$miss" ]; then
		ok "$k: verifier: $desc"
	else
		not_ok "$k: verifier: $desc"
		diag "exit $rc (want $want), missing:$miss"
		sed 's/^/#   /' <<<"$o" | tail -n 12
	fi
}
quoted='pcr-values-quoted \(quote of sha1 PCR 10; sha256 PCRs 0,1,2,3,4,5,6,7,8,9,10; signed by the attestation key \(a restricted signing key\)'
both='2 of 2 PCR replays consistent'
v "r2 verifies: quoted, both banks replay, every file approved (exit 0)" 0 \
	"$quoted" "$both" 'boot-aggregate-ok' -- r2 "$N2"
AK=$out/ak.pem v "r2 with the AK as PEM (exit 0)" 0 "$both" -- r2 "$N2"
v "r1, an earlier round, verified with its own nonce (exit 0)" 0 "$quoted" "$both" -- r1 "$N1"
v "r3: the edit is named, the list still replays to the quote (exit 1)" 1 "$quoted" "$both" \
	': entry [0-9]+ /mnt/quote/conf: digest-not-allowed' -- r3 "$N3"
named=$("$tool" log --list "$out/r3/bin_sha256" --quote "$out/r3/quote.msg" --quote-sig "$out/r3/quote.sig" \
	--ak "$out/ak.pub" --nonce "$N3" --quote-pcrs "$out/r3/quote.pcrs" --reference "$work/ref.json" 2>&1 |
	sed -n -E 's/^.*: entry [0-9]+ (.*): (digest-not-allowed|not-in-reference) .*/\1/p' | sort -u | tr '\n' ' ')
is "$named" "/mnt/quote/conf " "$k: verifier: r3 names exactly the edited file"

# What the attested machine could send instead.
v "replay: r2's quote and lists (before the edit) for r3's nonce: quote-nonce" 1 \
	'quote-nonce \(the quote.s extraData is not the --nonce given' -- r2 "$N3"
v "replay: r1's quote and lists for r2's nonce: quote-nonce" 1 'quote-nonce' -- r1 "$N2"
v "replay: r2's quote with its own nonce and r3's lists: list-continues" 1 'list-continues' -- \
	r2 "$N2" --lists "$out/r3/bin_sha1" "$out/r3/bin_sha256"
v "a fresh nonce the quote was not made for: quote-nonce" 1 'quote-nonce' -- r3 "$(openssl rand -hex 20)"
v "r3's nonce one bit off: quote-nonce" 1 'quote-nonce' -- \
	r3 "${N3:0:39}$(printf '%x' $(( 0x${N3:39:1} ^ 1 )))"
f=$work/forged
mkdir -p "$f"
for b in sha1 sha256; do
	forge hide "$out/r3/bin_$b" "$f/hide_$b" /mnt/quote/conf &&
		forge drop "$out/r3/bin_$b" "$f/drop_$b" /mnt/quote/conf || tap_fail
done
v "edited list: conf's new entry given the approved digest (template digest made to agree): replay-mismatch" 1 \
	'replay-mismatch \(sha1 PCR 10' 'replay-mismatch \(sha256 PCR 10' -- \
	r3 "$N3" --lists "$f/hide_sha1" "$f/hide_sha256"
v "edited list: conf's new entry removed: replay-mismatch" 1 'replay-mismatch' -- \
	r3 "$N3" --lists "$f/drop_sha1" "$f/drop_sha256"
forge flip "$out/r3/quote.pcrs" "$f/flip.pcrs" "$out/r3/bin_sha256" || tap_fail
PCRS=$f/flip.pcrs v "sha256 PCR 10 edited after the quote (one bit): quote-pcr-digest" 1 \
	'quote-pcr-digest \(the PCR values given are not the ones quoted' -- r3 "$N3"
forge pcrs "$out/r3/quote.pcrs" "$f/hide1.pcrs" "$out/r3/bin_sha1" "$f/hide_sha1" &&
	forge pcrs "$f/hide1.pcrs" "$f/hide.pcrs" "$out/r3/bin_sha256" "$f/hide_sha256" || tap_fail
PCRS=$f/hide.pcrs v "the edited list with PCR values edited to agree with it: quote-pcr-digest" 1 \
	'quote-pcr-digest' -- r3 "$N3" --lists "$f/hide_sha1" "$f/hide_sha256"
PCRS=$out/r2/quote.pcrs v "r2's PCR values with r3's quote: quote-pcr-digest" 1 'quote-pcr-digest' -- r3 "$N3"
finish
