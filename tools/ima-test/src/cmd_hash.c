// SPDX-License-Identifier: GPL-2.0-only
/* ima-test hash: write content digests (evmctl ima_hash compatible). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "common.h"
#include "digest.h"
#include "imaxattr.h"
#include "out.h"
#include "label.h"
#include "util.h"

struct hash_ctx {
	const struct hash_algo *alg;
	struct tree_opts tree;
	struct out out;
};

static const char help[] =
	"Usage: ima-test hash [OPTIONS] PATH...\n"
	"Write each file's digest to security.ima as 04|algo|digest, sha1\n"
	"included: the kernel reads a legacy 01|sha1 value that ends in four\n"
	"zero bytes as MD5 and denies the file.\n\n"
	"  -a, --hash ALG      sha1, sha224, sha256 (default), sha384, sha512\n"
	TREE_HELP;

static int hash_one(void *arg, const char *path, int fd,
		    const struct walk_entry *e)
{
	struct hash_ctx *c = arg;
	uint8_t md[HASH_MAX_DIGEST], val[IMA_XATTR_MAX];
	size_t md_len, val_len;
	int ret;

	out_tick(&c->out);
	if (label_digest(&c->out, path, fd, &e->st, c->alg, md, &md_len, "written", &ret))
		return ret;
	val_len = ima_xattr_encode_digest_ng(c->alg, md, md_len, val, sizeof(val));
	ret = label_write(&c->out, &c->tree, path, fd, val, val_len);
	if (ret == EXIT_OK && c->tree.verbose) {
		char hex[2 * HASH_MAX_DIGEST + 1];

		hex_encode(md, md_len, hex);
		out_result(&c->out, path, c->alg->name, hex, NULL);
	}
	return ret;
}

static int skip(void *arg, const char *path, const char *why, int status)
{
	struct hash_ctx *c = arg;

	out_error(&c->out, path, "%s", why);
	return status;
}

static int cmd_hash(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "hash", required_argument, NULL, 'a' },
		TREE_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	static const char shortopts[] = "a:" TREE_SHORT_OPTIONS;
	struct hash_ctx c = { .alg = hash_algo_by_name("sha256") };
	int opt, r;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, shortopts, opts, NULL)) != -1) {
		r = tree_option(opt, optarg, &c.tree);
		if (r < 0)
			return EXIT_TROUBLE;
		if (r)
			continue;
		switch (opt) {
		case 'a':
			c.alg = parse_hash(optarg);
			if (!c.alg)
				return EXIT_TROUBLE;
			break;
		case 'h':
			fputs(help, stdout);
			return EXIT_OK;
		case '?':
			return usage_error_option(argv, shortopts, opts);
		default:
			return usage_error("bad option");
		}
	}
	if (optind >= argc)
		return usage_error("no files given");
	out_init(&c.out, OUT_TEXT, true);
	r = walk_paths(&c.tree.walk, argv + optind, (size_t)(argc - optind),
		       hash_one, skip, &c);
	out_finish(&c.out);
	return r;
}

COMMAND("hash", 20, "write content digests to the IMA xattr, as fix mode does", cmd_hash);
