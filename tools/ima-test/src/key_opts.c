// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "key_opts.h"
#include "certs.h"
#include "util.h"

void key_opts_init(struct key_opts *k)
{
	memset(k, 0, sizeof(*k));
	k->id.pass = getenv("IMA_TEST_KEY_PASS");
}

int key_option(struct key_opts *k, int opt, const char *arg)
{
	switch (opt) {
	case 'k': k->id.key = arg; return 1;
	case OPT_CERT: k->id.cert = arg; return 1;
	case OPT_KEYID: k->id.keyid = arg; return 1;
	case OPT_PASS_FILE: k->pass_file = arg; return 1;
	case 'p':
		/* argv is readable by every user in /proc/PID/cmdline */
		usage_error("a passphrase on the command line is visible to other "
			    "users; use --pass-file FILE or IMA_TEST_KEY_PASS");
		return -1;
	}
	return 0;
}

int key_opts_check(const struct key_opts *k)
{
	if (k->id.key)
		return 0;
	usage_error("--key is required");
	return -1;
}

int key_opts_load(struct key_opts *k, EVP_PKEY **key, uint8_t keyid[4])
{
	char err[256], *pass = NULL;
	int r;

	*key = NULL;
	/* from here until exit the process holds a key, and perhaps a PIN */
	if (secrets_guard()) {
		cmd_warnx("cannot keep the key out of core dumps: %s", strerror(errno));
		return -1;
	}
	if (k->pass_file) {
		pass = pass_file_read(k->pass_file, err, sizeof(err));
		if (!pass) {
			cmd_warnx("%s", err);
			return -1;
		}
		k->id.pass = pass;
	}
	r = identity_load(&k->id, key, keyid);
	k->id.pass = NULL;
	secret_free(pass);
	if (r) {
		EVP_PKEY_free(*key);
		*key = NULL;
		return -1;
	}
	return 0;
}
