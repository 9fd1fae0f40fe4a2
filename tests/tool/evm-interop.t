#!/bin/bash
# EVM portable signatures and evmctl (ima-evm-utils): ima-test sign --evm
# verifies with evmctl verify, evmctl sign --portable verifies with
# ima-test verify --evm, and for RSA both xattrs are byte-identical.
. "$(dirname "$0")/lib.sh"

command -v evmctl >/dev/null || skip_all "evmctl not installed (Debian package ima-evm-utils)"
[ -x "$IMA_TEST" ] || skip_all "$IMA_TEST not built"
setup_work
[ -n "$XU" ] && skip_all "security.* xattrs cannot be set here (evmctl verify reads security.evm)"
make_keys
T=$IMA_TEST
KEYS_ALL="rsa2048 rsa4096 p256 p384"
HASHES="sha1 sha256 sha512"
plan $((4 * 3 * 3 + 2 * 3 + 6))

evmhex() { getfattr --absolute-names --only-values -n security.evm "$1" 2>/dev/null | od -An -tx1 -v | tr -d ' \n'; }

a=$WORK/ours b=$WORK/theirs
for k in $KEYS_ALL; do
	for h in $HASHES; do
		rm -f "$a" "$b"
		head -c 5000 /dev/urandom >"$a"
		cp "$a" "$b"
		"$T" sign --evm --key "$KEYS/$k.key" --hash "$h" "$a" >/dev/null 2>&1
		out=$(evmctl verify --key "$KEYS/$k.der" "$a" 2>&1)
		check_rc $? "$k $h: evmctl verify accepts ima-test sign --evm" || diag "$out"
		evmctl sign --imasig --portable --key "$KEYS/$k.key" -a "$h" "$b" >/dev/null 2>&1
		expect 0 "theirs: ok$" "$k $h: ima-test verify --evm accepts evmctl sign --imasig --portable" -- \
			"$T" verify --evm --cert "$KEYS/$k.pem" "$b"
		if [[ $k == rsa* ]]; then
			[ -n "$(evmhex "$a")" ] && [ "$(evmhex "$a")" = "$(evmhex "$b")" ] &&
				[ "$(xhex "$a")" = "$(xhex "$b")" ]
			check_rc $? "$k $h: security.ima and security.evm byte-identical to evmctl's"
		else
			[ "$(evmhex "$a" | cut -c1-14)" = "$(evmhex "$b" | cut -c1-14)" ]
			check_rc $? "$k $h: security.evm header (type 05, version, algo, keyid) equals evmctl's"
		fi
	done
done

# --imahash, and a file with security.capability too (it follows security.ima)
for caps in "" 0x0100000200200000000000000000000000000000; do
	rm -f "$a" "$b"
	echo "content with${caps:+ capabilities}" >"$a"
	cp "$a" "$b"
	if [ -n "$caps" ]; then
		setfattr -n security.capability -v "$caps" "$a"
		setfattr -n security.capability -v "$caps" "$b"
	fi
	what="--imahash${caps:+, security.capability set}"
	"$T" sign --evm --ima-hash --key "$KEYS/rsa2048.key" "$a" >/dev/null 2>&1
	evmctl sign --imahash --portable --key "$KEYS/rsa2048.key" -a sha256 "$b" >/dev/null 2>&1
	[ -n "$(evmhex "$a")" ] && [ "$(evmhex "$a")" = "$(evmhex "$b")" ] && [ "$(xhex "$a")" = "$(xhex "$b")" ]
	check_rc $? "$what: byte-identical to evmctl sign --imahash --portable"
	out=$(evmctl verify --key "$KEYS/rsa2048.der" "$a" 2>&1)
	check_rc $? "$what: evmctl verify accepts ours" || diag "$out"
	expect 0 "theirs: ok$" "$what: ima-test verify --evm accepts evmctl's" -- "$T" verify --evm --cert "$KEYS/rsa2048.pem" "$b"
done

# controls: a change both tools must refuse
chown 1:1 "$a" "$b"
out=$(evmctl verify --key "$KEYS/rsa2048.der" "$a" 2>&1)
[ $? -ne 0 ]
check_rc $? "control: after chown evmctl verify refuses ours"
expect 1 "theirs: evm-bad-signature" "control: after chown ima-test reports evm-bad-signature on evmctl's" -- \
	"$T" verify --evm --cert "$KEYS/rsa2048.pem" "$b"
chown 0:0 "$a" "$b"
setfattr -n security.capability -v 0x0100000200400000000000000000000000000000 "$b"
expect 1 "theirs: evm-bad-signature" "control: changed security.capability: evm-bad-signature" -- \
	"$T" verify --evm --cert "$KEYS/rsa2048.pem" "$b"
out=$(evmctl verify --key "$KEYS/rsa2048.der" "$b" 2>&1)
[ $? -ne 0 ]
check_rc $? "control: and evmctl verify refuses it too"
# chown dropped the signed security.capability
expect 1 "ours: evm-bad-signature" "control: security.capability gone (chown drops it): evm-bad-signature" -- \
	"$T" verify --evm --cert "$KEYS/rsa2048.pem" "$a"
expect 1 "ours: evm-unknown-key" "control: another certificate: evm-unknown-key" -- \
	"$T" verify --evm --cert "$KEYS/rsa4096.pem" "$a"
finish
