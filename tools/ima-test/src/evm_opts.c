// SPDX-License-Identifier: GPL-2.0-only
#include <stdio.h>

#include "common.h"
#include "evm_opts.h"
#include "util.h"

int evm_option(int opt, const char *arg, struct evm_ctx *ctx,
	       bool *on, struct evm_key_files *files)
{
	switch (opt) {
	case OPT_EVM:
		*on = true;
		return 1;
	case OPT_EVM_KEY:
		files->key = arg;
		return 1;
	case OPT_KMK:
		files->kmk = arg;
		return 1;
	case OPT_UUID:
		if (evm_uuid_parse(arg, ctx->uuid)) {
			usage_error("--uuid wants 32 hex digits (dashes allowed), not '%s'", arg);
			return -1;
		}
		ctx->have_uuid = true;
		return 1;
	case OPT_EVM_NO_FSUUID:
		ctx->fsuuid = false;
		return 1;
	}
	return 0;
}

int evm_key_files_load(const struct evm_key_files *files,
		       struct evm_ctx *ctx, bool *on)
{
	char err[512];
	int rc;

	if (files->kmk && !files->key) {
		usage_error("--kmk is the master key of an encrypted --evm-key: "
			    "give --evm-key too");
		return -1;
	}
	if (!files->key)
		return 0;
	/* the HMAC key is kept until exit: no core dump may hold it */
	if (secrets_guard()) {
		cmd_warnx("cannot keep the EVM key out of core dumps");
		return -1;
	}
	if (files->kmk)
		rc = evm_key_load_encrypted(files->key, files->kmk, ctx->key, err, sizeof(err));
	else
		rc = evm_key_load(files->key, ctx->key, err, sizeof(err));
	if (rc) {
		cmd_warnx("%s", err);
		return -1;
	}
	ctx->have_key = true;
	*on = true;
	return 0;
}
