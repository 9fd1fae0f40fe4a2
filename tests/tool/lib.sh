# shellcheck shell=bash
# Shared helpers for tests/tool/*.t (sourced, bash).  TAP output.
set -u

TOOL_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
trap cleanup EXIT
IMA_TEST=${IMA_TEST:-$TOOL_ROOT/tools/ima-test/ima-test-asan}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

T_TMP=
T_CLEAN=()
# The one TAP vocabulary (ok, not_ok, check, check_rc, is, skip, skip_all,
# diag, bail, plan, finish).
. "$TOOL_ROOT/tests/lib/tap.sh"

# expect STATUS REGEX DESCRIPTION -- COMMAND...
# Runs COMMAND, checks its exit status and that its combined output matches
# the extended regular expression REGEX (empty: anything).  Sanitizer reports
# always fail the check.
expect() {
	local want=$1 re=$2 desc=$3 out rc
	shift 4
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" -eq "$want" ] && { [ -z "$re" ] || grep -Eq -- "$re" <<<"$out"; } &&
	   ! grep -Eq 'ERROR: AddressSanitizer|runtime error:|LeakSanitizer' <<<"$out"; then
		ok "$desc"
	else
		not_ok "$desc"
		diag "exit $rc (want $want), output:"
		diag "$out"
		diag "wanted /$re/"
	fi
}

cleanup() { [ ${#T_CLEAN[@]} -gt 0 ] && rm -rf "${T_CLEAN[@]}"; return 0; }


# A scratch directory where the IMA xattr can be set.  Sets WORK and XU
# (empty, or --xattr-user when only user.ima works there) and XNAME.
setup_work() {
	T_TMP=$(mktemp -d)
	T_CLEAN+=("$T_TMP")
	XU=
	XNAME=security.ima
	for base in "$T_TMP" /dev/shm; do
		WORK=$(mktemp -d "$base/work.XXXXXX") || continue
		: >"$WORK/.probe"
		if setfattr -n security.ima -v 0x01 "$WORK/.probe" 2>/dev/null; then
			rm -f "$WORK/.probe"
			[ "$base" = /dev/shm ] && T_CLEAN+=("$WORK")
			return 0
		fi
		rm -rf "$WORK"
	done
	WORK=$(mktemp -d "$T_TMP/work.XXXXXX")
	# shellcheck disable=SC2034 # used by the tests that source this
	XU=--xattr-user
	XNAME=user.ima
}

# Test keys, made once per run in $KEYS: NAME.key, NAME.pem, NAME.der for
# rsa2048 rsa3072 rsa4096 p256 p384, plus noski (RSA, no subject key id),
# enc (RSA, passphrase "secret"), ed25519.
make_keys() {
	KEYS=$T_TMP/keys
	mkdir -p "$KEYS"
	local n spec
	for n in rsa2048:rsa:2048 rsa3072:rsa:3072 rsa4096:rsa:4096 p256:ec:prime256v1 p384:ec:secp384r1; do
		spec=${n#*:}
		n=${n%%:*}
		case $spec in
		rsa:*) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:${spec#rsa:} -out "$KEYS/$n.key" 2>/dev/null ;;
		ec:*) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:${spec#ec:} -out "$KEYS/$n.key" 2>/dev/null ;;
		esac
		openssl req -x509 -new -key "$KEYS/$n.key" -out "$KEYS/$n.pem" -days 30 -subj "/CN=ima-test $n" \
			-addext subjectKeyIdentifier=hash 2>/dev/null
		openssl x509 -in "$KEYS/$n.pem" -outform der -out "$KEYS/$n.der"
	done
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$KEYS/noski.key" 2>/dev/null
	openssl req -x509 -new -key "$KEYS/noski.key" -out "$KEYS/noski.pem" -days 30 -subj "/CN=ima-test noski" \
		-addext subjectKeyIdentifier=none -addext authorityKeyIdentifier=none 2>/dev/null
	openssl x509 -in "$KEYS/noski.pem" -outform der -out "$KEYS/noski.der"
	openssl pkey -in "$KEYS/rsa2048.key" -aes256 -passout pass:secret -out "$KEYS/enc.key" 2>/dev/null
	openssl genpkey -algorithm ED25519 -out "$KEYS/ed25519.key" 2>/dev/null
}

# xattr value of FILE in hex (empty if none).
xhex() { getfattr --absolute-names --only-values -n "$XNAME" "$1" 2>/dev/null | od -An -v -tx1 | tr -d ' \n'; }
# set the IMA xattr of FILE to HEX.
xset() { setfattr -n "$XNAME" -v "0x$2" "$1"; }
