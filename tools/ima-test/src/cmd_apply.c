// SPDX-License-Identifier: GPL-2.0-only
/*
 * ima-test apply: put signatures made elsewhere onto installed files, from
 * FILE.sig files or from a sign-hash manifest whose names are relative to
 * a root.  Nothing is written to a file whose content does not match what
 * was signed; a malformed manifest writes nothing at all.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "commands.h"
#include "certs.h"
#include "common.h"
#include "digest.h"
#include "imaxattr.h"
#include "manifest.h"
#include "out.h"
#include "sig.h"
#include "sigfile.h"
#include "xattr_io.h"
#include "util.h"

struct apply_ctx {
	struct certset certs;
	bool user_xattr;
	bool verbose;
	bool dry_run;
	int rootfd;		/* manifest mode: --root, else -1 */
	struct out out;
};

/* One file to label: where it came from, and what it should get. */
struct target {
	const char *name;
	char where[48];			/* "manifest line N" or "FILE.sig" */
	const uint8_t *want_digest;	/* manifest mode: the signed digest */
	const uint8_t *val;
	size_t val_len;
};

static const char help[] =
	"Usage: ima-test apply --cert CERT [OPTIONS] FILE...\n"
	"       ima-test apply --manifest MANIFEST [--root DIR] [OPTIONS]\n"
	"Set each FILE's IMA xattr from FILE.sig, or each file a sign-hash\n"
	"manifest names (relative to DIR) from its line, after checking that\n"
	"the file's content is what was signed.\n\n"
	"  -m, --manifest M    sign-hash output to apply (\"-\": stdin)\n"
	"      --root DIR      directory the manifest's names are under (default /)\n"
	"      --cert CERT     check signatures with CERT (repeatable; needed for\n"
	"                      FILE.sig, optional with a manifest)\n"
	"  -n, --dry-run       check only, write nothing\n"
	"      --xattr-user    use user.ima instead of security.ima\n"
	"  -v, --verbose       report every file\n"
	"  -h, --help          show this help\n";

/* Open @name under the root as if the root were "/" (symlinks included). */
static int open_in_root(int rootfd, const char *name)
{
	struct open_how how = {
		.flags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	long fd;

	while (*name == '/')
		name++;
	fd = syscall(SYS_openat2, rootfd, *name ? name : ".", &how, sizeof(how));
	return fd < 0 ? -errno : (int)fd;
}

static int open_target(struct apply_ctx *c, const char *name)
{
	struct stat st;
	int fd = c->rootfd >= 0 ? open_in_root(c->rootfd, name) : digest_open(name, false, NULL);

	if (fd < 0)
		return fd;
	if (fstat(fd, &st)) {
		int e = errno;

		close(fd);
		return -e;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	return fd;
}

/* Does the signature in @x sign @md?  1 yes, 0 no, -1 no certificate. */
static int sig_matches(const struct apply_ctx *c, const struct ima_xattr *x,
		       const uint8_t *md, size_t md_len)
{
	const struct cert *m[8];
	size_t n = certset_match(&c->certs, x->keyid, m, 8);

	if (!n || n > 8)
		return -1;
	/* the kernel may pick any certificate that matches: all must verify */
	for (size_t i = 0; i < n; i++)
		if (m[i]->unusable[0] ||
		    !sig_v2_verify(m[i]->pub, x->algo, md, md_len, x->sig, x->sig_len))
			return 0;
	return 1;
}

static int apply_one(struct apply_ctx *c, const struct target *t)
{
	uint8_t md[HASH_MAX_DIGEST];
	struct ima_xattr x;
	char why[160];
	size_t md_len;
	int fd, err, m, ret = EXIT_OK;

	if (ima_xattr_decode(t->val, t->val_len, &x, why, sizeof(why)) != IMA_XATTR_OK ||
	    !x.algo || !x.algo->supported) {
		out_error(&c->out, t->name, "not applied (%s): bad value (%s)", t->where,
			  x.algo ? why : "no usable hash algorithm");
		return EXIT_TROUBLE;
	}
	fd = open_target(c, t->name);
	if (fd < 0) {
		out_error(&c->out, t->name, "not applied (%s): %s", t->where,
			  fd == -EINVAL ? "not a regular file" : strerror(-fd));
		return EXIT_TROUBLE;
	}
	switch (digest_fd(fd, x.algo, md, &md_len, &err)) {
	case DIGEST_OK:
		break;
	case DIGEST_CHANGED:
		out_error(&c->out, t->name, "not applied (%s): changed while being hashed", t->where);
		close(fd);
		return EXIT_FINDINGS;
	default:
		out_error(&c->out, t->name, "not applied (%s): read error: %s", t->where, strerror(err));
		close(fd);
		return EXIT_TROUBLE;
	}
	if (t->want_digest && memcmp(md, t->want_digest, md_len)) {
		out_result(&c->out, t->name, "content differs", t->where, NULL);
		close(fd);
		return EXIT_FINDINGS;
	}
	if (x.type == EVM_IMA_XATTR_DIGSIG) {
		m = (c->certs.n || !t->want_digest) ? sig_matches(c, &x, md, md_len) : 1;
		if (m < 0) {
			out_error(&c->out, t->name, "not applied (%s): no certificate for keyid %02x%02x%02x%02x",
				  t->where, x.keyid[0], x.keyid[1], x.keyid[2], x.keyid[3]);
			ret = EXIT_TROUBLE;
		} else if (!m) {
			out_result(&c->out, t->name, t->want_digest ? "bad signature" : "content differs",
				   t->where, NULL);
			ret = EXIT_FINDINGS;
		}
	} else if (x.digest_len != md_len || memcmp(md, x.digest, md_len)) {
		out_result(&c->out, t->name, "content differs", "digest value", NULL);
		ret = EXIT_FINDINGS;
	}
	if (ret == EXIT_OK && !c->dry_run) {
		err = xattr_write_ima(fd, c->user_xattr, t->val, t->val_len);
		if (err) {
			out_error(&c->out, t->name, "%s", xattr_write_error(-err, c->user_xattr, why, sizeof(why)));
			ret = EXIT_TROUBLE;
		}
	}
	if (ret == EXIT_OK && c->verbose)
		out_result(&c->out, t->name, c->dry_run ? "would apply" : "applied",
			   t->where, NULL);
	close(fd);
	return ret;
}

static int max_status(int a, int b)
{
	return a > b ? a : b;
}

static int apply_sigfiles(struct apply_ctx *c, char **files, int n)
{
	uint8_t val[IMA_XATTR_MAX];
	int status = EXIT_OK;

	for (int i = 0; i < n; i++) {
		long len = sigfile_read(files[i], val, sizeof(val));
		struct target t = { .name = files[i], .val = val, .where = "FILE.sig" };

		if (len < 0) {
			out_error(&c->out, files[i], "cannot read %s" SIGFILE_SUFFIX ": %s", files[i],
				  strerror((int)-len));
			status = EXIT_TROUBLE;
			continue;
		}
		t.val_len = (size_t)len;
		status = max_status(status, apply_one(c, &t));
	}
	return status;
}

static int apply_manifest(struct apply_ctx *c, const char *manifest)
{
	FILE *fp = strcmp(manifest, "-") ? fopen(manifest, "re") : stdin;
	struct manifest_line *v = NULL;
	size_t n = 0, cap = 0, bufcap = 0;
	int status = EXIT_OK, bad = 0;
	char *buf = NULL, err[160];
	ssize_t r;

	if (!fp) {
		fprintf(stderr, "ima-test apply: %s: %s\n", manifest, strerror(errno));
		return EXIT_TROUBLE;
	}
	/* Parse it all first: a manifest with one bad line is not trusted. */
	while ((r = getline(&buf, &bufcap, fp)) >= 0) {
		if (r > 0 && buf[r - 1] == '\n')
			buf[--r] = '\0';
		if (grow_array(&v, &cap, n + 1, sizeof(*v), 256)) {
			bad = 1;
			fprintf(stderr, "ima-test apply: out of memory\n");
			break;
		}
		if (manifest_parse(buf, (size_t)r, true, NULL, &v[n], err, sizeof(err))) {
			fprintf(stderr, "ima-test apply: %s:%zu: %s\n", manifest, n + 1, err);
			memset(&v[n], 0, sizeof(v[n]));
			bad = 1;
		}
		n++;
	}
	free(buf);
	if (ferror(fp)) {
		fprintf(stderr, "ima-test apply: %s: read error\n", manifest);
		bad = 1;
	}
	if (fp != stdin)
		fclose(fp);
	if (bad) {
		fprintf(stderr, "ima-test apply: %s: nothing applied\n", manifest);
		status = EXIT_TROUBLE;
	}
	for (size_t i = 0; i < n && !bad; i++) {
		struct target t = { .name = v[i].name, .want_digest = v[i].digest,
				    .val = v[i].value, .val_len = v[i].value_len };

		snprintf(t.where, sizeof(t.where), "manifest line %zu", i + 1);
		status = max_status(status, apply_one(c, &t));
	}
	for (size_t i = 0; i < n; i++)
		manifest_line_free(&v[i]);
	free(v);
	return status;
}

int cmd_apply(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "manifest", required_argument, NULL, 'm' },
		{ "root", required_argument, NULL, 'R' },
		{ "cert", required_argument, NULL, OPT_CERT },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "xattr-user", no_argument, NULL, OPT_XATTR_USER },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct apply_ctx c = { .rootfd = -1 };
	const char *manifest = NULL, *root = NULL;
	char err[512];
	int opt, r = EXIT_TROUBLE;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "m:nvh", opts, NULL)) != -1) {
		switch (opt) {
		case 'm': manifest = optarg; break;
		case 'R': root = optarg; break;
		case 'n': c.dry_run = true; break;
		case 'v': c.verbose = true; break;
		case OPT_XATTR_USER: c.user_xattr = true; break;
		case OPT_CERT:
			if (certset_add(&c.certs, optarg, err, sizeof(err))) {
				fprintf(stderr, "ima-test apply: %s\n", err);
				goto out;
			}
			break;
		case 'h':
			fputs(help, stdout);
			r = EXIT_OK;
			goto out;
		default:
			r = usage_error("apply", "bad option");
			goto out;
		}
	}
	if (manifest && optind < argc) {
		r = usage_error("apply", "give a manifest or files, not both");
		goto out;
	}
	if (!manifest && (optind >= argc || root)) {
		r = usage_error("apply", optind >= argc ? "no files given" : "--root goes with --manifest");
		goto out;
	}
	if (!manifest && !c.certs.n) {
		r = usage_error("apply", "FILE.sig holds no digest: --cert is needed to check the content");
		goto out;
	}
	if (manifest) {
		c.rootfd = open(root ? root : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (c.rootfd < 0) {
			fprintf(stderr, "ima-test apply: --root %s: %s\n", root ? root : "/", strerror(errno));
			goto out;
		}
	}
	out_init(&c.out, OUT_TEXT, false);
	r = manifest ? apply_manifest(&c, manifest) : apply_sigfiles(&c, argv + optind, argc - optind);
	out_finish(&c.out);
out:
	if (c.rootfd >= 0)
		close(c.rootfd);
	certset_free(&c.certs);
	return r;
}
