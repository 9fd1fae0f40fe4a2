// SPDX-License-Identifier: GPL-2.0-only
#include <stdio.h>

#include "common.h"
#include "evm_opts.h"
#include "util.h"

int evm_option(const char *cmd, int opt, const char *arg, struct evm_ctx *ctx,
	       bool *on)
{
	char err[512];

	switch (opt) {
	case OPT_EVM:
		*on = true;
		return 1;
	case OPT_EVM_KEY:
		/* the HMAC key is kept until exit: no core dump may hold it */
		if (secrets_guard()) {
			fprintf(stderr, "ima-test %s: cannot keep the EVM key out of core dumps\n", cmd);
			return -1;
		}
		if (evm_key_load(arg, ctx->key, err, sizeof(err))) {
			fprintf(stderr, "ima-test %s: %s\n", cmd, err);
			return -1;
		}
		ctx->have_key = true;
		*on = true;
		return 1;
	case OPT_UUID:
		if (evm_uuid_parse(arg, ctx->uuid)) {
			usage_error(cmd, "--uuid wants 32 hex digits (dashes allowed), not '%s'", arg);
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
