# shellcheck shell=bash
# A fresh software TPM for one QEMU boot, shared by vm/run-suite.sh
# and tests/system/system.t.
#
# swtpm_start DIR: TPM 2.0 with sha1 and sha256 banks, state in DIR (made
# afresh), run in the background rather than --daemon so that it ends when
# QEMU disconnects.  Sets tpmargs (QEMU's arguments) and tpmpid; returns 1
# when it did not start (DIR/setup.log and DIR/swtpm.log say why), with
# nothing left running.
swtpm_start() {
	local dir=$1
	tpmargs=() tpmpid=
	rm -rf "$dir"
	mkdir -p "$dir/state"
	if swtpm_setup --tpm2 --tpmstate "$dir/state" --pcr-banks sha1,sha256 \
		> "$dir/setup.log" 2>&1; then
		swtpm socket --tpm2 --tpmstate dir="$dir/state" \
			--ctrl type=unixio,path="$dir/sock" > "$dir/swtpm.log" 2>&1 &
		tpmpid=$!
		for _ in $(seq 50); do [ -S "$dir/sock" ] && break; sleep 0.1; done
	fi
	if [ ! -S "$dir/sock" ]; then
		swtpm_stop
		return 1
	fi
	# shellcheck disable=SC2054,SC2034 # commas inside QEMU option values; the caller reads tpmargs
	tpmargs=(-chardev "socket,id=chrtpm,path=$dir/sock"
		-tpmdev emulator,id=tpm0,chardev=chrtpm -device tpm-tis,tpmdev=tpm0)
}

# swtpm_stop: end the TPM swtpm_start started, if any, and wait for it
swtpm_stop() {
	[ -n "${tpmpid:-}" ] || return 0
	kill "$tpmpid" 2>/dev/null
	wait "$tpmpid" 2>/dev/null
	tpmpid=
}
