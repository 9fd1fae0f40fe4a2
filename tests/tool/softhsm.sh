# shellcheck shell=bash
# SoftHSM 2 tokens for tests, demos and benchmarks (sourced, bash).
#
# softhsm_setup DIR     a SoftHSM configuration and token store of its own in
#                       DIR; exports SOFTHSM2_CONF, so p11-kit's proxy finds it
# softhsm_token LABEL   initialise a token LABEL with user PIN $SOFTHSM_PIN
# softhsm_import LABEL OBJECT KEY.pem ID   put a PEM private key on the token
# softhsm_keygen_ec LABEL OBJECT ID        make a P-256 key pair on the token
SOFTHSM_PIN=${SOFTHSM_PIN:-1234}
SOFTHSM_MODULE=${SOFTHSM_MODULE:-/usr/lib/softhsm/libsofthsm2.so}

softhsm_setup() {
	mkdir -p "$1/tokens" || return
	printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' \
		"$1/tokens" >"$1/softhsm2.conf"
	export SOFTHSM2_CONF=$1/softhsm2.conf
}

softhsm_token() {
	softhsm2-util --init-token --free --label "$1" --pin "$SOFTHSM_PIN" --so-pin 5678 >/dev/null
}

softhsm_import() {
	local p8
	p8=$(mktemp) || return
	openssl pkcs8 -topk8 -nocrypt -in "$3" -out "$p8" || { rm -f "$p8"; return 1; }
	softhsm2-util --import "$p8" --token "$1" --label "$2" --id "$4" --pin "$SOFTHSM_PIN" >/dev/null
	local rc=$?
	rm -f "$p8"
	return $rc
}

softhsm_keygen_ec() {
	pkcs11-tool --module "$SOFTHSM_MODULE" --token-label "$1" --login --pin "$SOFTHSM_PIN" \
		--keypairgen --key-type EC:prime256v1 --label "$2" --id "$3" >/dev/null 2>&1
}
