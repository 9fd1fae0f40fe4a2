#!/bin/bash
# sign --sigfile writes FILE.sig only through the directory descriptor FILE
# was opened from (files named on the command line too), never into what
# sits at FILE.sig (a hard link, a FIFO, a symlink), and by a temporary file
# renamed into place.  --sigfile --evm is refused.
. "$(dirname "$0")/lib.sh"

[ -x "$IMA_TEST" ] || skip_all "$IMA_TEST not built"
command -v "${CC:-cc}" >/dev/null || skip_all "no C compiler for the exchange helper"
setup_work
T=$IMA_TEST
ROUNDS=${WALK_RACE_ROUNDS:-12}
NFILES=60
plan 12

K=$T_TMP/k
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:prime256v1 -out "$K.key" 2>/dev/null
openssl req -x509 -new -key "$K.key" -out "$K.pem" -days 30 -subj "/CN=sigfile" \
	-addext subjectKeyIdentifier=hash 2>/dev/null
sign() { "$T" sign --sigfile --key "$K.key" --cert "$K.pem" "$@"; }

# --- the .sig beside FILE: what is there now is not written through ---
d=$WORK/plain
mkdir -p "$d"
echo content >"$d/f"
echo precious >"$d/target"
ln "$d/target" "$d/f.sig"
expect 2 'f.sig: has 2 links .*not replaced' "a .sig hard-linked to another file: refused, exit 2" -- sign "$d/f"
[ "$(cat "$d/target")" = precious ]
check_rc $? "... and the file it is linked to is unchanged"
rm "$d/f.sig"
mkfifo "$d/f.sig"
expect 2 'f.sig: is not a regular file' "a .sig that is a FIFO: refused at once, exit 2" -- timeout 20 "$T" sign --sigfile --key "$K.key" --cert "$K.pem" "$d/f"
rm "$d/f.sig"
ln -s "$d/target" "$d/f.sig"
expect 2 'f.sig: is a symlink' "a .sig that is a symlink: refused, exit 2" -- sign "$d/f"
[ "$(cat "$d/target")" = precious ]
check_rc $? "... and its target is unchanged"
rm "$d/f.sig"

expect 0 '' "a new .sig is written" -- sign "$d/f"
ino=$(stat -c %i "$d/f.sig")
expect 0 '' "an existing .sig is replaced" -- sign "$d/f"
[ "$(stat -c %i "$d/f.sig")" != "$ino" ] && [ -z "$(find "$d" -name '.*')" ]
check_rc $? "... by a new file renamed into place, no temporary file left"

expect 2 '--sigfile cannot go with --evm' "--sigfile --evm: refused, exit 2" -- sign --evm "$d/f"
[ -z "$(getfattr -d -m - --absolute-names "$d/f" 2>/dev/null | grep -E '\.(ima|evm)=')" ]
check_rc $? "... and nothing is written to the file"

# --- named files under a directory exchanged with a symlink to another ---
SWAP=$T_TMP/swapdir
"${CC:-cc}" -O1 -Wall -Werror -o "$SWAP" "$TOOL_ROOT/tests/tool/swapdir.c" ||
	{ echo "Bail out! cannot build swapdir"; exit 1; }
tree=$WORK/tree out=$WORK/outside
mkdir -p "$tree/d" "$out"
files=()
for i in $(seq -f %03g 1 $NFILES); do
	echo "inside $i" >"$tree/d/f$i"
	echo "outside $i" >"$out/f$i"
	files+=("$tree/d/f$i")
done
ln -s "$out" "$tree/l"
"$SWAP" "$tree/d" "$tree/l" >"$T_TMP/swaps" &
pid=$!
for _ in $(seq 1 "$ROUNDS"); do
	sign "${files[@]}" >>"$T_TMP/race.out" 2>&1
done
kill -TERM "$pid"
wait "$pid"
diag "$(cat "$T_TMP/swaps") exchanges during $ROUNDS runs"
# Each .sig must be the signature of the file beside it: copy it into that
# file's xattr and verify.
n=0
while IFS= read -r s; do
	setfattr -n "$XNAME" -v "0x$(od -An -v -tx1 "$s" | tr -d ' \n')" "${s%.sig}"
	n=$((n + 1))
done < <(find "$tree" "$out" -name '*.sig')
[ "$n" -gt 0 ]
check_rc $? "named files signed while their directory was exchanged: $n .sig files"
bad=$("$T" verify $XU --cert "$K.pem" -r "$tree/d" "$tree/l/" 2>&1 | grep -Ev ': ok$|: missing \(')
[ -z "$bad" ]
check_rc $? "every .sig sits beside the file it signs" || diag "$(head -5 <<<"$bad")"

finish
