// SPDX-License-Identifier: GPL-2.0-only
/* ima-test sign: write v2 signatures (evmctl ima_sign compatible). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include "commands.h"
#include "certs.h"
#include "common.h"
#include "key_opts.h"
#include "digest.h"
#include "evm_opts.h"
#include "identity.h"
#include "imaxattr.h"
#include "out.h"
#include "sig.h"
#include "label.h"
#include "sigfile.h"
#include "util.h"
#include "verity.h"

struct sign_ctx {
	EVP_PKEY *key;
	uint8_t keyid[4];
	const struct hash_algo *alg;
	struct tree_opts tree;
	struct out out;
	bool evm;		/* also write a portable EVM signature */
	bool ima_hash;		/* security.ima gets the digest, not a signature */
	struct evm_ctx evm_ctx;
	bool sigfile;		/* write FILE.sig instead of the xattr */
	bool verity;		/* version 3 signatures of the fs-verity digest */
	bool no_enable;		/* refuse a file without fs-verity */
	const struct hash_algo *verity_alg; /* to enable or compute with */
	bool verity_alg_set;	/* asked for: a file with another is refused */
};

static const char help[] =
	"Usage: ima-test sign --key KEY [OPTIONS] PATH...\n"
	"Write a v2 signature of each file's content to security.ima.\n\n"
	KEY_HELP
	"  -a, --hash ALG      sha1, sha224, sha256 (default), sha384, sha512\n"
	"      --evm           then write a portable EVM signature (security.evm\n"
	"                      type 5) over the protected xattrs and metadata;\n"
	"                      the file is then immutable under EVM\n"
	"      --ima-hash      with --evm: security.ima gets the digest instead\n"
	"                      of a signature (evmctl sign --imahash)\n"
	"  -f, --sigfile       write FILE.sig (the xattr value) instead of the xattr\n"
	"                      (not with --evm)\n"
	"      --verity        write an fs-verity signature (security.ima type 06,\n"
	"                      version 3) of each file's fs-verity digest, enabling\n"
	"                      fs-verity where it is not (the file is read-only\n"
	"                      from then on); with --sigfile the file is left as it\n"
	"                      is and the digest computed here (libfsverity)\n"
	"      --no-enable     with --verity: refuse a file without fs-verity\n"
	"      --verity-hash ALG  fs-verity digest algorithm: sha256 (default, or\n"
	"                      -a's), sha512; the signature's must be the same\n"
	TREE_HELP;

/* The portable EVM signature of @fd, over the security.ima just written. */
static int sign_evm(struct sign_ctx *c, const char *path, int fd)
{
	uint8_t val[IMA_XATTR_MAX];
	const char *name = evm_xattr_evm_name(c->tree.user_xattr);
	char msg[256];
	size_t n = evm_sign_portable(fd, &c->evm_ctx, c->key, c->keyid, c->alg,
				     val, sizeof(val), msg, sizeof(msg));

	if (!n) {
		out_error(&c->out, path, "EVM signature: %s", msg);
		return EXIT_TROUBLE;
	}
	if (fsetxattr(fd, name, val, n, 0)) {
		out_error(&c->out, path, "cannot write %s: %s", name, strerror(errno));
		return EXIT_TROUBLE;
	}
	return EXIT_OK;
}

static int sigfile_write_or_report(struct out *out, const char *path,
				   const struct walk_entry *e,
				   const uint8_t *val, size_t len)
{
	char why[256];

	if (!sigfile_write_at(e->dirfd, e->name, val, len, why, sizeof(why)))
		return EXIT_OK;
	out_error(out, path, "cannot write %s" SIGFILE_SUFFIX ": %s", path, why);
	return EXIT_TROUBLE;
}

/*
 * The fs-verity digest of the file open at @fd: the kernel's, after
 * enabling fs-verity if need be; for --sigfile, the kernel's if it has one
 * and otherwise computed here, leaving the file as it is.  0, or -1 after
 * reporting with *status set.
 */
static int verity_digest(struct sign_ctx *c, const char *path, int fd,
			 const struct hash_algo **alg, uint8_t *md, size_t *md_len,
			 int *status)
{
	int err;

	*status = EXIT_TROUBLE;
	if (fd < 0) {
		out_error(&c->out, path, "cannot open: %s",
			  fd == -EINVAL ? "not a regular file" : strerror(-fd));
		return -1;
	}
	err = verity_measure(fd, alg, md, md_len);
	/* FILE.sig is for a file fs-verity will be enabled on elsewhere */
	if ((err == -ENODATA || verity_unsupported(err)) && c->sigfile) {
		*alg = c->verity_alg;
		err = verity_compute(fd, *alg, md, md_len);
		if (err) {
			out_error(&c->out, path, "cannot compute the fs-verity digest: %s",
				  strerror(-err));
			return -1;
		}
		return 0;
	}
	if (err == -ENODATA && c->no_enable) {
		out_error(&c->out, path, "fs-verity is not enabled on the file (--no-enable); not signed");
		*status = EXIT_FINDINGS;
		return -1;
	}
	if (err == -ENODATA) {
		err = verity_enable(fd, c->verity_alg);
		if (!err || err == -EEXIST)	/* or another process just did */
			err = verity_measure(fd, alg, md, md_len);
		else if (err == -ETXTBSY)
			*status = EXIT_FINDINGS;
	}
	if (err) {
		out_error(&c->out, path, "cannot %s fs-verity: %s; not signed",
			  verity_unsupported(err) ? "use" : "enable", verity_error(err));
		return -1;
	}
	if (c->verity_alg_set && *alg != c->verity_alg) {
		out_error(&c->out, path, "fs-verity is enabled with %s, not the %s asked for; not signed",
			  (*alg)->name, c->verity_alg->name);
		*status = EXIT_FINDINGS;
		return -1;
	}
	return 0;
}

/* The version 3 signature value of the file open at @fd, in @val. */
static int sign_verity(struct sign_ctx *c, const char *path, int fd,
		       uint8_t *val, size_t *val_len, int *status)
{
	uint8_t md[HASH_MAX_DIGEST], fid[HASH_MAX_DIGEST], sig[SIG_MAX];
	const struct hash_algo *alg;
	size_t md_len, fid_len, sig_len;
	char msg[256];

	if (verity_digest(c, path, fd, &alg, md, &md_len, status))
		return -1;
	*status = EXIT_TROUBLE;
	if (verity_sig_hash(alg, md, md_len, fid, &fid_len)) {
		out_error(&c->out, path, "cannot hash the file id");
		return -1;
	}
	/* the kernel checks the signature as one over the verity digest's algorithm */
	if (sig_v2_sign(c->key, alg, fid, fid_len, sig, &sig_len, msg, sizeof(msg))) {
		out_error(&c->out, path, "%s", msg);
		return -1;
	}
	*val_len = ima_xattr_encode_sig_v3(alg, c->keyid, sig, sig_len, val, IMA_XATTR_MAX);
	*status = EXIT_OK;
	return 0;
}

static int sign_one(void *arg, const char *path, int fd,
		    const struct walk_entry *e)
{
	struct sign_ctx *c = arg;
	uint8_t md[HASH_MAX_DIGEST], sig[SIG_MAX], val[IMA_XATTR_MAX];
	size_t md_len, sig_len, val_len;
	char msg[256];
	int ret;

	out_tick(&c->out);
	if (c->sigfile && sigfile_is(path))
		return EXIT_OK;
	if (c->verity) {
		if (sign_verity(c, path, fd, val, &val_len, &ret))
			return ret;
		if (c->sigfile)
			ret = sigfile_write_or_report(&c->out, path, e, val, val_len);
		else
			ret = label_write(&c->out, &c->tree, path, fd, val, val_len);
		if (ret == EXIT_OK && c->tree.verbose)
			out_result(&c->out, path, "signed", "fs-verity", NULL);
		return ret;
	}
	if (label_digest(&c->out, path, fd, &e->st, c->alg, md, &md_len, "signed", &ret))
		return ret;
	if (c->ima_hash) {
		val_len = ima_xattr_encode_digest_ng(c->alg, md, md_len, val, sizeof(val));
		ret = label_write(&c->out, &c->tree, path, fd, val, val_len);
	} else if (sig_v2_sign(c->key, c->alg, md, md_len, sig, &sig_len, msg, sizeof(msg))) {
		out_error(&c->out, path, "%s", msg);
		ret = EXIT_TROUBLE;
	} else {
		val_len = ima_xattr_encode_sig_v2(c->alg, c->keyid, sig, sig_len,
						  val, sizeof(val));
		if (c->sigfile)
			ret = sigfile_write_or_report(&c->out, path, e, val, val_len);
		else
			ret = label_write(&c->out, &c->tree, path, fd, val, val_len);
	}
	if (ret == EXIT_OK && c->evm)
		ret = sign_evm(c, path, fd);
	if (ret == EXIT_OK && c->tree.verbose)
		out_result(&c->out, path, "signed", c->evm ? "EVM portable, immutable" : NULL, NULL);
	return ret;
}

static int skip(void *arg, const char *path, const char *why, int status)
{
	struct sign_ctx *c = arg;

	out_error(&c->out, path, "%s", why);
	return status;
}

static int cmd_sign(int argc, char **argv)
{
	static const struct option opts[] = {
		KEY_LONG_OPTIONS,
		{ "hash", required_argument, NULL, 'a' },
		{ "evm", no_argument, NULL, OPT_EVM },
		{ "ima-hash", no_argument, NULL, OPT_IMA_HASH },
		{ "sigfile", no_argument, NULL, 'f' },
		{ "verity", no_argument, NULL, OPT_VERITY },
		{ "no-enable", no_argument, NULL, OPT_NO_ENABLE },
		{ "verity-hash", required_argument, NULL, OPT_VERITY_HASH },
		TREE_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	static const char shortopts[] = KEY_SHORT_OPTIONS "a:f" TREE_SHORT_OPTIONS;
	struct sign_ctx c = { .alg = hash_algo_by_name("sha256") };
	struct key_opts k;
	bool alg_set = false;
	int opt, r;

	key_opts_init(&k);
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, shortopts, opts, NULL)) != -1) {
		r = tree_option(opt, optarg, &c.tree);
		if (!r)
			r = key_option(&k, opt, optarg);
		if (r < 0)
			return EXIT_TROUBLE;
		if (r)
			continue;
		switch (opt) {
		case OPT_EVM: c.evm = true; break;
		case OPT_IMA_HASH: c.ima_hash = true; break;
		case 'f': c.sigfile = true; break;
		case OPT_VERITY: c.verity = true; break;
		case OPT_NO_ENABLE: c.no_enable = true; break;
		case OPT_VERITY_HASH:
			c.verity_alg = verity_algo_by_name(optarg);
			if (!c.verity_alg)
				return usage_error("--verity-hash: fs-verity has sha256 and "
						   "sha512, not '%s'", optarg);
			c.verity_alg_set = true;
			break;
		case 'a':
			c.alg = parse_hash(optarg);
			if (!c.alg)
				return EXIT_TROUBLE;
			alg_set = true;
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
	if (key_opts_check(&k))
		return EXIT_TROUBLE;
	if (c.ima_hash && !c.evm)
		return usage_error("--ima-hash goes with --evm");
	/* security.evm covers the security.ima the file has, not the one in FILE.sig */
	if (c.sigfile && c.evm)
		return usage_error("--sigfile cannot go with --evm: the EVM signature "
				   "would cover the file's old security.ima, not the one in FILE.sig");
	if ((c.no_enable || c.verity_alg_set) && !c.verity)
		return usage_error("--no-enable and --verity-hash go with --verity");
	if (c.verity && (c.evm || c.ima_hash))
		return usage_error("--verity cannot go with --evm or --ima-hash");
	if (c.verity && alg_set && !verity_algo_number(c.alg))
		return usage_error("--verity: -a %s is no fs-verity algorithm (sha256, sha512)",
				   c.alg->name);
	/* calc_file_id_hash() hashes with the verity digest's algorithm and
	 * asymmetric_verify() takes the header's: they must be the same */
	if (c.verity && alg_set && c.verity_alg_set && c.alg != c.verity_alg)
		return usage_error("--verity: the kernel checks the signature with the "
				   "fs-verity digest's algorithm: -a %s cannot go with --verity-hash %s",
				   c.alg->name, c.verity_alg->name);
	if (c.verity && !c.verity_alg_set) {
		c.verity_alg = alg_set ? c.alg : hash_algo_by_name("sha256");
		c.verity_alg_set = alg_set;
	}
	evm_ctx_init(&c.evm_ctx);
	c.evm_ctx.user_xattr = c.tree.user_xattr;
	if (optind >= argc)
		return usage_error("no files given");
	if (key_opts_load(&k, &c.key, c.keyid))
		return EXIT_TROUBLE;
	out_init(&c.out, OUT_TEXT, true);
	r = walk_paths(&c.tree.walk, argv + optind, (size_t)(argc - optind),
		       sign_one, skip, &c);
	out_finish(&c.out);
	if (c.evm && r != EXIT_TROUBLE)
		cmd_warnx("note: files with a portable EVM signature are "
			  "immutable under EVM: the kernel refuses changes to their protected "
			  "xattrs, owner and mode, and a later write leaves them failing "
			  "appraisal (the final close cannot sign them again)");
	EVP_PKEY_free(c.key);
	return r;
}

COMMAND("sign", 10, "write v2 signatures to the IMA xattr", cmd_sign);
