#!/bin/bash
# A tree walk that cannot be redirected: while every recursive command runs,
# a directory inside the tree is exchanged again and again
# (renameat2 RENAME_EXCHANGE) with a symlink to a directory outside it.
# No xattr may be written outside the tree, and no file outside it may be
# reported ok.
. "$(dirname "$0")/lib.sh"

[ -x "$IMA_TEST" ] || skip_all "$IMA_TEST not built"
command -v "${CC:-cc}" >/dev/null || skip_all "no C compiler for the exchange helper"
setup_work
make_keys
T=$IMA_TEST
ROUNDS=${WALK_RACE_ROUNDS:-12}
# EVM's xattr list where the running kernel's cannot be found (the last source)
EVMX="--evm-xattrs security.ima,security.capability"
NFILES=120
plan 16

SWAP=$T_TMP/swapdir
"${CC:-cc}" -O1 -Wall -Werror -o "$SWAP" "$TOOL_ROOT/tests/tool/swapdir.c" ||
	{ echo "Bail out! cannot build swapdir"; exit 1; }

# $WORK/tree/d is a directory of the tree, $WORK/tree/l a symlink to
# $WORK/outside; both hold files f001..f120.
tree=$WORK/tree out=$WORK/outside
mkdir -p "$tree/d" "$out"
for i in $(seq -f %03g 1 $NFILES); do
	echo "inside $i" >"$tree/d/f$i"
	echo "outside $i" >"$out/f$i"
done
ln -s "$out" "$tree/l"
echo good >"$tree/good"

labelled() { local n=0 f; for f in "$1"/f*; do [ -n "$(xhex "$f")" ] && n=$((n + 1)); done; echo $n; }

# race NAME ARGS...: run "ima-test ARGS" ROUNDS times while the exchange
# loop runs; all output in $T_TMP/NAME.out.
race() {
	local name=$1 i pid
	shift
	"$SWAP" "$tree/d" "$tree/l" >"$T_TMP/$name.swaps" &
	pid=$!
	: >"$T_TMP/$name.out"
	for i in $(seq 1 "$ROUNDS"); do
		"$T" "$@" >>"$T_TMP/$name.out" 2>&1
	done
	kill -TERM "$pid"
	wait "$pid"
	diag "$name: $(cat "$T_TMP/$name.swaps") exchanges during $ROUNDS runs"
}
clean_outside() { for f in "$out"/f*; do setfattr -x "$XNAME" "$f" 2>/dev/null; done; }
no_sanitizer() { ! grep -Eq 'AddressSanitizer|runtime error:|LeakSanitizer' "$T_TMP/$1.out"; }

# --- writers: nothing outside may be labelled ---
race hash hash $XU -r "$tree"
n=$(labelled "$out")
[ "$n" = 0 ]
check_rc $? "hash -r: 0 of $NFILES files outside the tree labelled (got $n)"
inside=$(( $(labelled "$tree/d") + $(labelled "$tree/l") ))
[ "$inside" -gt 0 ] && no_sanitizer hash
check_rc $? "hash -r: the files inside were labelled ($inside), no sanitizer report"
clean_outside

race sign sign $XU -r --key "$KEYS/p256.key" --cert "$KEYS/p256.pem" "$tree"
n=$(labelled "$out")
[ "$n" = 0 ]
check_rc $? "sign -r: 0 of $NFILES files outside the tree labelled (got $n)"
no_sanitizer sign
check_rc $? "sign -r: no sanitizer report"
clean_outside

# FILE.sig is written beside FILE through the walk's directory descriptor
race sigfile sign $XU -r --sigfile --key "$KEYS/p256.key" --cert "$KEYS/p256.pem" "$tree"
n=$(find "$out" -name '*.sig' | wc -l)
[ "$n" = 0 ]
check_rc $? "sign -r --sigfile: no .sig file written outside the tree (got $n)"
inside=$(find "$tree" -name '*.sig' | wc -l)
[ "$inside" -gt 0 ] && no_sanitizer sigfile
check_rc $? "sign -r --sigfile: .sig files written inside ($inside), no sanitizer report"
find "$tree" "$out" -name '*.sig' -delete

# --- readers: outside files carry valid labels, inside files none; an ok
# for a name under the exchanged directory is a file outside reported ---
for f in "$tree"/[dl]/f*; do setfattr -x "$XNAME" "$f" 2>/dev/null; done
"$T" hash $XU -r "$out" && "$T" hash $XU "$tree/good" ||
	{ echo "Bail out! cannot label the outside files"; exit 1; }
[ "$(labelled "$out")" = $NFILES ] || { echo "Bail out! outside not labelled"; exit 1; }

forged() { grep -Ec "^$tree/[dl]/f[0-9]+: ok" "$T_TMP/$1.out"; }
good() { grep -c "^$tree/good: ok" "$T_TMP/$1.out"; }

race verify verify $XU -r -v "$tree"
n=$(forged verify)
[ "$n" = 0 ]
check_rc $? "verify -r: no ok for a file outside the tree (got $n)"
[ "$(good verify)" = "$ROUNDS" ] && no_sanitizer verify
check_rc $? "verify -r: the labelled file inside is ok in every run"

race audit audit $XU -r -v "$tree"
n=$(forged audit)
[ "$n" = 0 ]
check_rc $? "audit -r: no ok for a file outside the tree (got $n)"
[ "$(good audit)" = "$ROUNDS" ] && no_sanitizer audit
check_rc $? "audit -r: the labelled file inside is ok in every run"

P=$T_TMP/policy
echo "appraise func=FILE_CHECK mask=MAY_READ" >"$P"
race ready ready $XU -v --policy "$P" "$tree"
n=$(forged ready)
[ "$n" = 0 ]
check_rc $? "ready: no ok for a file outside the tree (got $n)"
[ "$(good ready)" = "$ROUNDS" ] && no_sanitizer ready
check_rc $? "ready: the labelled file inside is ok in every run"

# EVM is read through the descriptor too: the files inside now carry
# valid labels and no EVM xattr, the files outside a well-formed one; an ok
# under the exchanged directory is an EVM xattr read by name, outside.
EVMNAME=${XNAME%.ima}.evm
"$T" hash $XU -r "$tree" >/dev/null 2>&1 || { echo "Bail out! cannot label the inside files"; exit 1; }
for f in "$out"/f*; do setfattr -n "$EVMNAME" -v 0x03020411223344000401020304 "$f"; done
echo 2 >"$T_TMP/evm"
race ready-evm ready $XU -v --evm-state "$T_TMP/evm" $EVMX --policy "$P" "$tree"
n=$(forged ready-evm)
[ "$n" = 0 ]
check_rc $? "ready with EVM: no ok from the EVM xattr of a file outside the tree (got $n)"
n=$(grep -Ec "^$tree/[dl]/f[0-9]+: evm-missing" "$T_TMP/ready-evm.out")
[ "$n" -gt 0 ] && no_sanitizer ready-evm
check_rc $? "ready with EVM: files inside are evm-missing ($n), no sanitizer report"

n=$(labelled "$out")
[ "$n" = $NFILES ]
check_rc $? "the readers changed no label outside ($n of $NFILES still labelled)"
[ -d "$tree/d" ] || [ -d "$tree/l" ]
check_rc $? "the exchange loop left the tree whole"
finish
