// SPDX-License-Identifier: GPL-2.0-only
/* ima-test sign: write v2 signatures (evmctl ima_sign compatible). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "certs.h"
#include "common.h"
#include "digest.h"
#include "imaxattr.h"
#include "out.h"
#include "sig.h"
#include "label.h"
#include "sigfile.h"

struct sign_ctx {
	EVP_PKEY *key;
	uint8_t keyid[4];
	const struct hash_algo *alg;
	struct tree_opts tree;
	struct out out;
	bool sigfile;		/* write FILE.sig instead of the xattr */
};

static const char help[] =
	"Usage: ima-test sign --key KEY [OPTIONS] PATH...\n"
	"Write a v2 signature of each file's content to security.ima.\n\n"
	"  -k, --key KEY       private key (PEM or DER, RSA or EC)\n"
	"      --cert CERT     certificate of KEY: keyid from its subject key id\n"
	"                      (default: a certificate appended to KEY, if any)\n"
	"      --keyid HEX     use this 4-byte keyid (8 hex digits)\n"
	"  -p, --pass PASS     passphrase of KEY (or env IMA_TEST_KEY_PASS)\n"
	"  -a, --hash ALG      sha1, sha224, sha256 (default), sha384, sha512\n"
	"  -f, --sigfile       write FILE.sig (the xattr value) instead of the xattr\n"
	TREE_HELP;

static int sigfile_write_or_report(struct out *out, const char *path,
				   const uint8_t *val, size_t len)
{
	int err = sigfile_write(path, val, len);

	if (!err)
		return EXIT_OK;
	out_error(out, path, "cannot write %s" SIGFILE_SUFFIX ": %s", path, strerror(-err));
	return EXIT_TROUBLE;
}

static int sign_one(void *arg, const char *path)
{
	struct sign_ctx *c = arg;
	uint8_t md[HASH_MAX_DIGEST], sig[SIG_MAX], val[IMA_XATTR_MAX];
	size_t md_len, sig_len, val_len;
	char msg[256];
	int fd, ret;

	out_tick(&c->out);
	if (c->sigfile && sigfile_is(path))
		return EXIT_OK;
	fd = label_digest(&c->out, &c->tree, path, c->alg, md, &md_len, "signed", &ret);
	if (fd < 0)
		return ret;
	if (sig_v2_sign(c->key, c->alg, md, md_len, sig, &sig_len, msg, sizeof(msg))) {
		out_error(&c->out, path, "%s", msg);
		ret = EXIT_TROUBLE;
	} else {
		val_len = ima_xattr_encode_sig_v2(c->alg, c->keyid, sig, sig_len,
						  val, sizeof(val));
		if (c->sigfile)
			ret = sigfile_write_or_report(&c->out, path, val, val_len);
		else
			ret = label_write(&c->out, &c->tree, path, fd, val, val_len);
		if (ret == EXIT_OK && c->tree.verbose)
			out_result(&c->out, path, "signed", NULL, NULL);
	}
	close(fd);
	return ret;
}

static int skip(void *arg, const char *path, const char *why, int status)
{
	struct sign_ctx *c = arg;

	out_error(&c->out, path, "%s", why);
	return status;
}

static int load_identity(struct sign_ctx *c, const char *key, const char *cert,
			 const char *keyid, const char *pass)
{
	char err[512];
	struct cert crt;

	if (key_load_private(key, pass, &c->key, err, sizeof(err))) {
		fprintf(stderr, "ima-test sign: %s\n", err);
		return -1;
	}
	if (keyid_from_pubkey(c->key, c->keyid)) {
		fprintf(stderr, "ima-test sign: %s: cannot derive keyid\n", key);
		return -1;
	}
	/* As with evmctl, a certificate appended to the key file names the keyid. */
	if (!cert && !cert_load(key, &crt, err, sizeof(err))) {
		cert_free(&crt);
		cert = key;
	}
	if (cert) {
		if (cert_load(cert, &crt, err, sizeof(err))) {
			fprintf(stderr, "ima-test sign: %s\n", err);
			return -1;
		}
		if (!sig_key_matches(c->key, crt.pub)) {
			if (cert == key)
				fprintf(stderr, "ima-test sign: %s: the appended certificate does not match the key\n", key);
			else
				fprintf(stderr, "ima-test sign: %s does not match key %s\n", cert, key);
			cert_free(&crt);
			return -1;
		}
		memcpy(c->keyid, crt.keyid, 4);
		cert_free(&crt);
	}
	if (keyid && keyid_parse_hex(keyid, c->keyid)) {
		usage_error("sign", "--keyid wants 8 hex digits, not '%s'", keyid);
		return -1;
	}
	return 0;
}

int cmd_sign(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "cert", required_argument, NULL, OPT_CERT },
		{ "keyid", required_argument, NULL, OPT_KEYID },
		{ "pass", required_argument, NULL, 'p' },
		{ "hash", required_argument, NULL, 'a' },
		{ "sigfile", no_argument, NULL, 'f' },
		TREE_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	const char *key = NULL, *cert = NULL, *keyid = NULL;
	const char *pass = getenv("IMA_TEST_KEY_PASS");
	struct sign_ctx c = { .alg = hash_algo_by_name("sha256") };
	int opt, r;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "k:p:a:f" TREE_SHORT_OPTIONS, opts, NULL)) != -1) {
		r = tree_option("sign", opt, optarg, &c.tree);
		if (r < 0)
			return EXIT_TROUBLE;
		if (r)
			continue;
		switch (opt) {
		case 'k': key = optarg; break;
		case OPT_CERT: cert = optarg; break;
		case OPT_KEYID: keyid = optarg; break;
		case 'p': pass = optarg; break;
		case 'f': c.sigfile = true; break;
		case 'a':
			c.alg = parse_hash("sign", optarg);
			if (!c.alg)
				return EXIT_TROUBLE;
			break;
		case 'h':
			fputs(help, stdout);
			return EXIT_OK;
		default:
			return usage_error("sign", "bad option");
		}
	}
	if (!key)
		return usage_error("sign", "--key is required");
	if (optind >= argc)
		return usage_error("sign", "no files given");
	if (load_identity(&c, key, cert, keyid, pass)) {
		EVP_PKEY_free(c.key);
		return EXIT_TROUBLE;
	}
	out_init(&c.out, OUT_TEXT, true);
	r = walk_paths(&c.tree.walk, argv + optind, (size_t)(argc - optind),
		       sign_one, skip, &c);
	out_finish(&c.out);
	EVP_PKEY_free(c.key);
	return r;
}
