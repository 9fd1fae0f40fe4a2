// SPDX-License-Identifier: GPL-2.0-only
/* ima-test keys: add certificates to an IMA keyring, list its keys. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <keyutils.h>
#include <openssl/x509v3.h>

#include "commands.h"
#include "certs.h"
#include "common.h"
#include "digest.h"
#include "kconfig.h"
#include "out.h"
#include "util.h"

static const char help[] =
	"Usage: ima-test keys add [--keyring NAME] [--kernel-config FILE] CERT...\n"
	"       ima-test keys list [--keyring NAME] [--kernel-config FILE]\n"
	"Add X.509 certificates (PEM or DER) to the kernel keyring IMA uses,\n"
	"one certificate per file (a PEM bundle is refused), or list its keys\n"
	"with their 4-byte IMA keyid (descriptions escaped).  The keyring (default\n"
	"_ima) is looked up in the user and session keyrings; add creates it\n"
	"in the user keyring when absent.  --keyring _evm loads the keys EVM\n"
	"checks security.evm signatures with (EVM verifies them once it is on:\n"
	"echo 2, or 3 with an HMAC key, > /sys/kernel/security/evm).\n\n"
	"Where the kernel is built without CONFIG_INTEGRITY_TRUSTED_KEYRING (as\n"
	"Debian's is), _ima and _evm are plain keyrings: the kernel looks them up\n"
	"from the process it appraises for and trusts every certificate in them.\n"
	"With it, the kernel uses its own .ima and .evm instead, which take only\n"
	"certificates signed by a trusted key, and _ima is not used.  The kernel\n"
	"config tells which: the kind is reported on standard error.\n\n"
	"      --keyring NAME  keyring name (default _ima; _evm for EVM)\n"
	"      --kernel-config FILE  the kernel config (default\n"
	"                      /boot/config-$(uname -r), then /proc/config.gz)\n"
	"  -h, --help          show this help\n";

/*
 * Say on stderr what kind of keyring @ring_name is to the kernel, from its
 * config (security/integrity/digsig.c: keyring_name[]): a note, or a
 * warning where the kernel does not use it.  Only _ima and _evm are meant.
 * -1 when the config named with --kernel-config cannot be read.
 */
static int report_kind(const char *ring_name, const char *config)
{
	bool evm = !strcmp(ring_name, "_evm");
	char *text = NULL, used[300], err[512], lead[160];

	if (!evm && strcmp(ring_name, "_ima"))
		return 0;
	if (kconfig_read(config, &text, used, sizeof(used), err, sizeof(err))) {
		if (config) {
			cmd_warnx_escaped("", err);
			return -1;
		}
		snprintf(lead, sizeof(lead), "note: %s is used where the kernel is built without "
			 "CONFIG_INTEGRITY_TRUSTED_KEYRING (else .%s is); cannot tell here: ",
			 ring_name, ring_name + 1);
		cmd_warnx_escaped(lead, err);
		return 0;
	}
	if (!kconfig_set(text, "INTEGRITY_SIGNATURE"))
		cmd_warnx("warning: %s: CONFIG_INTEGRITY_SIGNATURE is not set: "
			  "the kernel checks no signatures, from any keyring", used);
	else if (kconfig_set(text, "INTEGRITY_TRUSTED_KEYRING"))
		cmd_warnx("warning: %s: CONFIG_INTEGRITY_TRUSTED_KEYRING=y: "
			  "the kernel verifies with its own .%s keyring, which takes only certificates "
			  "signed by a key in the builtin or secondary trusted keyring; %s is not used "
			  "(keyctl padd asymmetric '' %%keyring:.%s < CERT.der)",
			used, ring_name + 1, ring_name, ring_name + 1);
	else
		cmd_warnx("note: %s is a plain keyring (%s: "
			  "CONFIG_INTEGRITY_TRUSTED_KEYRING is not set): the kernel looks it up "
			  "from the process it appraises for, and trusts every certificate root "
			  "puts in it", ring_name, used);
	free(text);
	return 0;
}

static key_serial_t find_keyring(const char *name, bool create)
{
	key_serial_t k = keyctl_search(KEY_SPEC_USER_KEYRING, "keyring", name, 0);

	if (k > 0)
		return k;
	k = keyctl_search(KEY_SPEC_SESSION_KEYRING, "keyring", name, 0);
	if (k > 0 || !create)
		return k > 0 ? k : -1;
	return add_key("keyring", name, NULL, 0, KEY_SPEC_USER_KEYRING);
}

/*
 * How many PEM certificates @path holds (0 when unreadable or DER):
 * cert_load() reads the first only, and a bundle's others would be
 * silently left out of the keyring.
 */
static int pem_cert_count(const char *path)
{
	static const char *const tags[] = { "-----BEGIN CERTIFICATE-----",
					     "-----BEGIN X509 CERTIFICATE-----",
					     "-----BEGIN TRUSTED CERTIFICATE-----" };
	uint8_t *data;
	size_t len;
	int n = 0;

	if (read_file(path, &data, &len, 1u << 20) < 0)
		return 0;
	for (size_t t = 0; t < ARRAY_SIZE(tags); t++)
		for (const char *p = (char *)data; (p = strstr(p, tags[t])); p++)
			n++;
	free(data);
	return n;
}

static int keys_add(const char *ring_name, char *const *certs, int n)
{
	key_serial_t ring = -1;
	int status = EXIT_OK;

	for (int i = 0; i < n; i++) {
		unsigned char *der = NULL;
		char err[512], hex[9];
		struct cert c;
		key_serial_t k;
		int len, npem = pem_cert_count(certs[i]);

		if (npem > 1) {
			cmd_warnx("%s: holds %d PEM certificates; the kernel takes one "
				  "certificate per key: give each in a file of its own (nothing added)",
				certs[i], npem);
			status = EXIT_TROUBLE;
			continue;
		}
		if (cert_load(certs[i], &c, err, sizeof(err))) {
			cmd_warnx("%s", err);
			status = EXIT_TROUBLE;
			continue;
		}
		/* created only once there is something to put in it */
		if (ring < 0 && (ring = find_keyring(ring_name, true)) < 0) {
			cmd_warnx("cannot find or create keyring %s: %s",
				ring_name, strerror(errno));
			cert_free(&c);
			return EXIT_TROUBLE;
		}
		len = i2d_X509(c.x509, &der);
		k = len > 0 ? add_key("asymmetric", NULL, der, (size_t)len, ring) : -1;
		if (k < 0) {
			cmd_warnx("%s: kernel refused the certificate: %s%s",
				certs[i], strerror(errno),
				errno == EBADMSG || errno == ENOPKG || errno == ENOENT ?
				" (kernel without X.509 or this key type's support?)" : "");
			status = EXIT_TROUBLE;
		} else {
			hex_encode(c.keyid, 4, hex);
			printf("%d keyid %s added to %s (%s)\n", k, hex, ring_name, certs[i]);
			if (c.unusable[0])
				cmd_warnx("%s: warning: %s",
					certs[i], c.unusable);
		}
		OPENSSL_free(der);
		cert_free(&c);
	}
	return status;
}

/*
 * The kernel describes an X.509 key as "SUBJECT: <subject key id hex>"
 * (the serial number instead when the certificate has no subject key id).
 */
static void keyid_of_description(const char *desc, char out[9])
{
	size_t len = strlen(desc);

	strcpy(out, "-");
	if (len < 8)
		return;
	for (size_t i = len - 8; i < len; i++)
		if (!isxdigit((unsigned char)desc[i]))
			return;
	memcpy(out, desc + len - 8, 8);
	out[8] = '\0';
}

static int keys_list(const char *ring_name)
{
	key_serial_t ring = find_keyring(ring_name, false);
	key_serial_t *ids = NULL;
	long bytes;

	if (ring < 0) {
		cmd_warnx("no keyring %s in the user or session keyring",
			ring_name);
		return EXIT_TROUBLE;
	}
	bytes = keyctl_read_alloc(ring, (void **)&ids);
	if (bytes < 0) {
		cmd_warnx("cannot read keyring %s: %s",
			ring_name, strerror(errno));
		return EXIT_TROUBLE;
	}
	for (size_t i = 0; i < (size_t)bytes / sizeof(*ids); i++) {
		char *desc = NULL, *type, *name, keyid[9];

		if (keyctl_describe_alloc(ids[i], &desc) < 0) {
			printf("%d ? - (%s)\n", ids[i], strerror(errno));
			continue;
		}
		/* type;uid;gid;perm;description */
		type = desc;
		name = desc;
		for (int f = 0; f < 4 && name; f++) {
			name = strchr(name, ';');
			if (name)
				*name++ = '\0';
		}
		if (!name)
			name = "";
		keyid_of_description(name, keyid);
		/* descriptions are chosen by whoever added the key */
		printf("%d ", ids[i]);
		text_write_escaped(stdout, type);
		printf(" %s ", keyid);
		text_write_escaped(stdout, name);
		putchar('\n');
		free(desc);
	}
	free(ids);
	return EXIT_OK;
}

static int cmd_keys(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "keyring", required_argument, NULL, OPT_KEYRING },
		{ "kernel-config", required_argument, NULL, OPT_KERNEL_CONFIG },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *ring = "_ima", *config = NULL;
	int opt;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (opt) {
		case OPT_KEYRING:
			ring = optarg;
			break;
		case OPT_KERNEL_CONFIG:
			config = optarg;
			break;
		case 'h':
			fputs(help, stdout);
			return EXIT_OK;
		case '?':
			return usage_error_option(argv, "+h", opts);
		default:
			return usage_error("bad option");
		}
	}
	if (optind >= argc)
		return usage_error("expected 'add' or 'list'");
	if (!strcmp(argv[optind], "add") || !strcmp(argv[optind], "list")) {
		const char *sub = argv[optind];

		/* options may also follow the subcommand */
		argv[optind] = argv[0];
		argc -= optind;
		argv += optind;
		optind = 0;	/* glibc: 0 starts a fresh scan */
		while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
			if (opt == OPT_KEYRING)
				ring = optarg;
			else if (opt == OPT_KERNEL_CONFIG)
				config = optarg;
			else if (opt == 'h') {
				fputs(help, stdout);
				return EXIT_OK;
			} else if (opt == '?') {
				return usage_error_option(argv, "h", opts);
			} else {
				return usage_error("bad option");
			}
		}
		if (!strcmp(sub, "list") && optind != argc)
			return usage_error("list takes no files");
		if (!strcmp(sub, "add") && optind == argc)
			return usage_error("add needs a certificate");
		if (report_kind(ring, config))
			return EXIT_TROUBLE;
		return !strcmp(sub, "list") ? keys_list(ring) :
		       keys_add(ring, argv + optind, argc - optind);
	}
	return usage_error("unknown subcommand '%s' (add or list)", argv[optind]);
}

COMMAND("keys", 50, "add certificates to, or list, an IMA keyring", cmd_keys);
