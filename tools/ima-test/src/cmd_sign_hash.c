// SPDX-License-Identifier: GPL-2.0-only
/*
 * ima-test sign-hash: sign the digests of a sha*sum manifest read on stdin
 * and print each line followed by a space and the hex IMA xattr value (the
 * output of evmctl sign_hash, used by rpm's file signing).  The files
 * themselves are never opened: this runs where the build is, not where the
 * files will be installed.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include "commands.h"
#include "identity.h"
#include "certs.h"
#include "common.h"
#include "key_opts.h"
#include "digest.h"
#include "imaxattr.h"
#include "manifest.h"
#include "sig.h"
#include "util.h"
#include "verity.h"

struct line {
	char *text;
	size_t len;
	char *sighex;		/* result, malloc'ed; NULL if bad */
	char err[160];
};

struct sign_hash_ctx {
	EVP_PKEY *key;
	uint8_t keyid[4];
	const struct hash_algo *want;	/* --hash, or NULL: by digest length */
	bool verity;			/* the digests are fs-verity digests */
	struct line *v;
	size_t n;
	atomic_size_t next;
};

static const char help[] =
	"Usage: ima-test sign-hash --key KEY [OPTIONS] < MANIFEST\n"
	"Read sha*sum lines on stdin; print each followed by a space and the\n"
	"hex IMA signature of its digest (as evmctl sign_hash).\n\n"
	KEY_HELP
	"  -a, --hash ALG      digest algorithm of every line (default: from its length)\n"
	"      --verity        the digests are fs-verity digests (lines of `fsverity\n"
	"                      digest`, ALG:HEX NAME, or sha*sum lines): write\n"
	"                      fs-verity signatures (type 06, version 3)\n"
	"  -j, --jobs N        signing threads (default: online CPUs)\n"
	"  -h, --help          show this help\n";

/*
 * A line of `fsverity digest`: ALG:HEX, one space, NAME.  0 with the
 * digest in @ml (no name: it is not needed), 1 when the line has no ALG:
 * prefix, -1 with a reason in @err.
 */
static int parse_fsverity_line(const char *line, size_t len, const struct hash_algo *want,
			       struct manifest_line *ml, char *err, size_t errlen)
{
	const char *colon = memchr(line, ':', len), *sp;
	char name[16];
	size_t hexlen;

	memset(ml, 0, sizeof(*ml));
	if (!colon || (size_t)(colon - line) >= sizeof(name))
		return 1;
	memcpy(name, line, (size_t)(colon - line));
	name[colon - line] = '\0';
	ml->alg = verity_algo_by_name(name);
	if (!ml->alg) {
		snprintf(err, errlen, "'%s' is no fs-verity algorithm (sha256, sha512)", name);
		return -1;
	}
	if (want && want != ml->alg) {
		snprintf(err, errlen, "a %s digest where -a asks for %s", ml->alg->name, want->name);
		return -1;
	}
	sp = memchr(colon, ' ', len - (size_t)(colon - line));
	hexlen = sp ? (size_t)(sp - colon - 1) : 0;
	if (!sp || sp + 1 >= line + len || hexlen != 2 * ml->alg->len ||
	    hex_decode(colon + 1, hexlen, ml->digest)) {
		snprintf(err, errlen, "not a line of fsverity digest (%s:%zu hex digits, a space, NAME)",
			 ml->alg->name, 2 * ml->alg->len);
		return -1;
	}
	ml->digest_len = ml->alg->len;
	return 0;
}

/* The value to sign for @ml's digest (@md) with @alg, as the kernel checks it. */
static int signed_hash(const struct sign_hash_ctx *c, const struct manifest_line *ml,
		       uint8_t *md, size_t *md_len, char *err, size_t errlen)
{
	if (!c->verity) {
		memcpy(md, ml->digest, ml->digest_len);
		*md_len = ml->digest_len;
		return 0;
	}
	if (!verity_algo_number(ml->alg)) {
		snprintf(err, errlen, "a %s digest is no fs-verity digest (sha256, sha512)",
			 ml->alg->name);
		return -1;
	}
	if (verity_sig_hash(ml->alg, ml->digest, ml->digest_len, md, md_len)) {
		snprintf(err, errlen, "cannot hash the file id");
		return -1;
	}
	return 0;
}

static void sign_line(struct sign_hash_ctx *c, struct line *l, size_t lineno)
{
	uint8_t sig[SIG_MAX], val[IMA_XATTR_MAX], md[HASH_MAX_DIGEST];
	struct manifest_line ml;
	size_t sig_len, val_len, md_len;
	char msg[128];
	int r = c->verity ? parse_fsverity_line(l->text, l->len, c->want, &ml,
						msg, sizeof(msg)) : 1;

	if (r > 0)
		r = manifest_parse(l->text, l->len, false, c->want, &ml, msg, sizeof(msg));
	if (r || signed_hash(c, &ml, md, &md_len, msg, sizeof(msg))) {
		snprintf(l->err, sizeof(l->err), "line %zu: %s", lineno, msg);
		manifest_line_free(&ml);
		return;
	}
	if (sig_v2_sign(c->key, ml.alg, md, md_len, sig, &sig_len,
			msg, sizeof(msg))) {
		snprintf(l->err, sizeof(l->err), "line %zu: %s", lineno, msg);
	} else {
		val_len = c->verity ?
			ima_xattr_encode_sig_v3(ml.alg, c->keyid, sig, sig_len, val, sizeof(val)) :
			ima_xattr_encode_sig_v2(ml.alg, c->keyid, sig, sig_len, val, sizeof(val));
		l->sighex = malloc(2 * val_len + 1);
		if (!l->sighex || !val_len)
			snprintf(l->err, sizeof(l->err), "line %zu: out of memory", lineno);
		else
			hex_encode(val, val_len, l->sighex);
	}
	manifest_line_free(&ml);
}

static void *worker(void *arg)
{
	struct sign_hash_ctx *c = arg;
	size_t i;

	while ((i = atomic_fetch_add(&c->next, 1)) < c->n)
		sign_line(c, &c->v[i], i + 1);
	return NULL;
}

static int read_lines(FILE *fp, struct sign_hash_ctx *c)
{
	size_t cap = 0;
	char *buf = NULL;
	size_t bufcap = 0;
	ssize_t r;

	while ((r = getline(&buf, &bufcap, fp)) >= 0) {
		if (grow_array(&c->v, &cap, c->n + 1, sizeof(*c->v), 1024))
			goto nomem;
		if (r > 0 && buf[r - 1] == '\n')
			buf[--r] = '\0';
		memset(&c->v[c->n], 0, sizeof(c->v[0]));
		c->v[c->n].text = malloc((size_t)r + 1);
		if (!c->v[c->n].text)
			goto nomem;
		memcpy(c->v[c->n].text, buf, (size_t)r + 1);
		c->v[c->n++].len = (size_t)r;
	}
	free(buf);
	if (ferror(fp)) {
		cmd_warnx("reading stdin: %s", strerror(errno));
		return -1;
	}
	return 0;
nomem:
	free(buf);
	cmd_warnx("out of memory");
	return -1;
}

static int run(struct sign_hash_ctx *c, unsigned jobs)
{
	pthread_t *t;
	unsigned started = 0;
	int status = EXIT_OK;

	if (jobs > c->n)
		jobs = c->n ? (unsigned)c->n : 1;
	t = calloc(jobs, sizeof(*t));
	if (!t) {
		cmd_warnx("out of memory");
		return EXIT_TROUBLE;
	}
	for (unsigned i = 1; i < jobs; i++)
		if (!pthread_create(&t[i], NULL, worker, c))
			started = i;
	worker(c);
	for (unsigned i = 1; i <= started; i++)
		pthread_join(t[i], NULL);
	free(t);
	for (size_t i = 0; i < c->n; i++) {
		if (!c->v[i].sighex) {
			cmd_warnx("%s", c->v[i].err);
			status = EXIT_TROUBLE;
			continue;
		}
		fwrite(c->v[i].text, 1, c->v[i].len, stdout);
		putchar(' ');
		fputs(c->v[i].sighex, stdout);
		putchar('\n');
	}
	if (fflush(stdout) || ferror(stdout)) {
		cmd_warnx("writing stdout: %s", strerror(errno));
		status = EXIT_TROUBLE;
	}
	return status;
}

static int cmd_sign_hash(int argc, char **argv)
{
	static const struct option opts[] = {
		KEY_LONG_OPTIONS,
		{ "hash", required_argument, NULL, 'a' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "verity", no_argument, NULL, OPT_VERITY },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static const char shortopts[] = KEY_SHORT_OPTIONS "a:j:h";
	struct sign_hash_ctx c = { .want = NULL };
	struct tree_opts tree = { .walk.jobs = 0 };
	struct key_opts k;
	int opt, r;

	key_opts_init(&k);
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, shortopts, opts, NULL)) != -1) {
		r = key_option(&k, opt, optarg);
		if (r < 0)
			return EXIT_TROUBLE;
		if (r)
			continue;
		switch (opt) {
		case 'a':
			c.want = parse_hash(optarg);
			if (!c.want)
				return EXIT_TROUBLE;
			break;
		case OPT_VERITY: c.verity = true; break;
		case 'j':
			if (tree_option(opt, optarg, &tree) < 0)
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
	if (key_opts_check(&k))
		return EXIT_TROUBLE;
	if (optind < argc)
		return usage_error("the manifest is read on stdin, not from '%s'", argv[optind]);
	r = key_opts_load(&k, &c.key, c.keyid);
	if (r)
		r = EXIT_TROUBLE;
	else if (read_lines(stdin, &c))
		r = EXIT_TROUBLE;
	else if (!c.n)
		r = usage_error("no lines on stdin: nothing to sign (a failed sha*sum?)");
	else
		r = run(&c, tree.walk.jobs ? tree.walk.jobs : walk_default_jobs());
	for (size_t i = 0; i < c.n; i++) {
		free(c.v[i].text);
		free(c.v[i].sighex);
	}
	free(c.v);
	EVP_PKEY_free(c.key);
	return r;
}

COMMAND("sign-hash", 90, "sign the digests of a sha*sum manifest (evmctl sign_hash)",
	cmd_sign_hash);
