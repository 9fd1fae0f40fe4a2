// SPDX-License-Identifier: GPL-2.0-only
/*
 * ima-test apply: put signatures made elsewhere onto installed files, from
 * FILE.sig files or from a sign-hash manifest whose names are relative to
 * a root.  Nothing is written to a file whose content does not match what
 * was signed; a malformed manifest writes nothing at all.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "certs.h"
#include "common.h"
#include "apply_hold.h"
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
	"       ima-test apply --cert CERT --manifest MANIFEST [--root DIR] [OPTIONS]\n"
	"       ima-test apply --hold --cert CERT --manifest MANIFEST... [--root DIR]\n"
	"Set each FILE's IMA xattr from FILE.sig, or each file a sign-hash\n"
	"manifest names (relative to DIR) from its line, after checking that\n"
	"the file's content is what was signed.\n\n"
	"  -m, --manifest M    sign-hash output to apply (\"-\": stdin)\n"
	"      --hold          until SIGTERM, label each file on DIR's file system\n"
	"                      as it is opened, when its content is signed in one\n"
	"                      of the manifests (-m is repeatable here)\n"
	"      --root DIR      directory the manifest's names are under (default /)\n"
	"      --cert CERT     check signatures with CERT (repeatable; required)\n"
	"  -n, --dry-run       check only, write nothing\n"
	"      --xattr-user    use user.ima instead of security.ima\n"
	"  -v, --verbose       report every file\n"
	"  -h, --help          show this help\n";

static int open_target(struct apply_ctx *c, const char *name, struct stat *st)
{
	if (c->rootfd < 0)
		return digest_open_at(AT_FDCWD, name, 0, st);
	/* under the root as if the root were "/" (symlinks included) */
	while (*name == '/')
		name++;
	return digest_open_at(c->rootfd, *name ? name : ".",
			      RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS, st);
}

static const char *open_error(int err)
{
	switch (err) {
	case -EINVAL:
		return "not a regular file (not opened)";
	case -EISDIR:
		return "a directory";
	case -ENOSYS:
		return "cannot open it safely: needs openat2 and /proc";
	case -ESTALE:
		return "replaced while being opened";
	default:
		return strerror(-err);
	}
}

/*
 * Nothing may change the content between the hashing and the xattr write.
 * A read lease makes every open for writing (and truncate) wait for us and
 * shows as a pending lease break; it is refused while a writer has the
 * file open.  Without leases (some file systems, no CAP_LEASE) size, mtime
 * and ctime are compared, which misses a same-size rewrite within one
 * timestamp tick.
 */
struct guard {
	struct stat before;	/* when opened, before hashing */
	bool lease;
};

static bool same_content_stat(const struct stat *a, const struct stat *b, bool ctime_too)
{
	return a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	       (!ctime_too || (a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
			       a->st_ctim.tv_nsec == b->st_ctim.tv_nsec));
}

/* 0, or -EAGAIN when a writer has the file open. */
static int guard_take(struct guard *g, int fd)
{
	if (!fcntl(fd, F_SETLEASE, F_RDLCK)) {
		g->lease = true;
		return 0;
	}
	return errno == EAGAIN ? -EAGAIN : 0;
}

/* Is the content still what was hashed?  @written: the xattr write (which
 * moves ctime) is done. */
static bool guard_intact(const struct guard *g, int fd, bool written)
{
	struct stat now;

	if (g->lease && fcntl(fd, F_GETLEASE) != F_RDLCK)
		return false;
	return !fstat(fd, &now) && same_content_stat(&g->before, &now, !written);
}

static void guard_release(struct guard *g, int fd)
{
	if (g->lease)
		fcntl(fd, F_SETLEASE, F_UNLCK);
	g->lease = false;
}

/* Does the signature in @x sign @md?  As certset_verify(). */
static int sig_matches(const struct apply_ctx *c, const struct ima_xattr *x,
		       const uint8_t *md, size_t md_len, bool *signed_other)
{
	return certset_verify(&c->certs, x->keyid, x->algo, md, md_len, x->sig, x->sig_len,
			      signed_other);
}

static void report_changed(struct apply_ctx *c, const struct target *t, const char *why)
{
	char detail[160];

	snprintf(detail, sizeof(detail), "%s: %s", t->where, why);
	out_result(&c->out, t->name, "changed", detail, NULL);
}

/* The checks before writing: EXIT_OK, or the status of what was reported. */
static int check_value(struct apply_ctx *c, const struct target *t, const struct ima_xattr *x,
		       const uint8_t *md, size_t md_len)
{
	bool other;
	int m;

	if (t->want_digest && memcmp(md, t->want_digest, md_len)) {
		out_result(&c->out, t->name, "content differs", t->where, NULL);
		return EXIT_FINDINGS;
	}
	if (x->type != EVM_IMA_XATTR_DIGSIG) {
		if (x->digest_len == md_len && !memcmp(md, x->digest, md_len))
			return EXIT_OK;
		out_result(&c->out, t->name, "content differs", "digest value", NULL);
		return EXIT_FINDINGS;
	}
	m = sig_matches(c, x, md, md_len, &other);
	if (m < 0) {
		out_error(&c->out, t->name, m == -ENOKEY ?
			  "not applied (%s): no certificate for keyid %02x%02x%02x%02x" :
			  "not applied (%s): more than 8 certificates match keyid %02x%02x%02x%02x",
			  t->where, x->keyid[0], x->keyid[1], x->keyid[2], x->keyid[3]);
		return EXIT_TROUBLE;
	}
	if (!m)
		/* a manifest's digest matched above: its signature is bad */
		out_result(&c->out, t->name, !t->want_digest && other ? "content differs" : "bad signature",
			   t->where, NULL);
	return m ? EXIT_OK : EXIT_FINDINGS;
}

static int apply_one(struct apply_ctx *c, const struct target *t)
{
	uint8_t md[HASH_MAX_DIGEST];
	struct guard g = { .lease = false };
	struct ima_xattr x;
	char why[160];
	size_t md_len;
	int fd, err, ret;

	switch (ima_xattr_decode(t->val, t->val_len, &x, why, sizeof(why))) {
	case IMA_XATTR_OK:
		if (x.type != IMA_VERITY_DIGSIG)
			break;
		/* its check needs the fs-verity digest: sign --verity writes it */
		out_error(&c->out, t->name, "not applied (%s): an fs-verity signature "
			  "(type 06); apply writes digests and v2 signatures", t->where);
		return EXIT_TROUBLE;
	case IMA_XATTR_UNSUPPORTED:
		out_error(&c->out, t->name, "not applied (%s): unsupported value (%s)", t->where, why);
		return EXIT_TROUBLE;
	default:
		out_error(&c->out, t->name, "not applied (%s): bad value (%s)", t->where, why);
		return EXIT_TROUBLE;
	}
	fd = open_target(c, t->name, &g.before);
	if (fd < 0) {
		out_error(&c->out, t->name, "not applied (%s): %s", t->where, open_error(fd));
		return EXIT_TROUBLE;
	}
	if (guard_take(&g, fd)) {
		report_changed(c, t, "open for writing by another process");
		close(fd);
		return EXIT_FINDINGS;
	}
	switch (digest_fd_stat(fd, &g.before, x.algo, md, &md_len, &err)) {
	case DIGEST_OK:
		ret = check_value(c, t, &x, md, md_len);
		break;
	case DIGEST_CHANGED:
		report_changed(c, t, "while being hashed");
		ret = EXIT_FINDINGS;
		break;
	default:
		out_error(&c->out, t->name, "not applied (%s): read error: %s", t->where, strerror(err));
		ret = EXIT_TROUBLE;
	}
	if (ret == EXIT_OK && !guard_intact(&g, fd, false)) {
		report_changed(c, t, "after it was hashed; not applied");
		ret = EXIT_FINDINGS;
	}
	if (ret == EXIT_OK && !c->dry_run) {
		err = xattr_write_ima(fd, c->user_xattr, t->val, t->val_len);
		if (err) {
			out_error(&c->out, t->name, "%s", xattr_write_error(-err, c->user_xattr, why, sizeof(why)));
			ret = EXIT_TROUBLE;
		} else if (!guard_intact(&g, fd, true)) {
			report_changed(c, t, "while its xattr was written: the value may not match the content");
			ret = EXIT_FINDINGS;
		}
	}
	guard_release(&g, fd);
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

/* A manifest's lines, appended to *@v: all of them parsed before any is
 * used, since a manifest with one bad line is not trusted.  0 or -1. */
static int load_manifest(const char *manifest, struct manifest_line **v, size_t *n, size_t *cap)
{
	FILE *fp = strcmp(manifest, "-") ? fopen(manifest, "re") : stdin;
	size_t first = *n, bufcap = 0;
	char *buf = NULL, err[160];
	int bad = 0;
	ssize_t r;

	if (!fp) {
		cmd_warnx("%s: %s", manifest, strerror(errno));
		return -1;
	}
	while ((r = getline(&buf, &bufcap, fp)) >= 0) {
		if (r > 0 && buf[r - 1] == '\n')
			buf[--r] = '\0';
		if (grow_array(v, cap, *n + 1, sizeof(**v), 256)) {
			bad = 1;
			cmd_warnx("out of memory");
			break;
		}
		if (manifest_parse(buf, (size_t)r, true, NULL, &(*v)[*n], err, sizeof(err))) {
			cmd_warnx("%s:%zu: %s", manifest, *n - first + 1, err);
			memset(&(*v)[*n], 0, sizeof((*v)[*n]));
			bad = 1;
		}
		(*n)++;
	}
	free(buf);
	if (ferror(fp)) {
		cmd_warnx("%s: read error", manifest);
		bad = 1;
	}
	if (fp != stdin)
		fclose(fp);
	if (*n == first && !bad) {
		cmd_warnx("%s: empty manifest (a failed sign-hash?): nothing applied",
			manifest);
		bad = 1;
	} else if (bad) {
		cmd_warnx("%s: nothing applied", manifest);
	}
	return bad ? -1 : 0;
}

static int apply_manifest(struct apply_ctx *c, const char *manifest)
{
	struct manifest_line *v = NULL;
	size_t n = 0, cap = 0;
	int status;

	status = load_manifest(manifest, &v, &n, &cap) ? EXIT_TROUBLE : EXIT_OK;
	for (size_t i = 0; i < n && status != EXIT_TROUBLE; i++) {
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

/*
 * --hold: every line of every manifest, its signature checked against the
 * certificates now (a signature that does not verify is never written),
 * then held until SIGTERM.
 */
static int hold_manifests(struct apply_ctx *c, char **manifests, size_t nm, const char *root)
{
	struct manifest_line *v = NULL;
	struct hold_entry *e = NULL;
	size_t n = 0, cap = 0;
	int status = EXIT_OK;

	for (size_t i = 0; i < nm && status == EXIT_OK; i++)
		if (load_manifest(manifests[i], &v, &n, &cap))
			status = EXIT_TROUBLE;
	if (status == EXIT_OK && !(e = calloc(n, sizeof(*e)))) {
		cmd_warnx("out of memory");
		status = EXIT_TROUBLE;
	}
	for (size_t i = 0; i < n && status == EXIT_OK; i++) {
		struct ima_xattr x;
		char why[160];
		bool other;

		if (ima_xattr_decode(v[i].value, v[i].value_len, &x, why, sizeof(why)) != IMA_XATTR_OK ||
		    x.type != EVM_IMA_XATTR_DIGSIG ||
		    sig_matches(c, &x, v[i].digest, v[i].digest_len, &other) != 1) {
			cmd_warnx("%s: its signature does not verify with --cert: "
				  "nothing held", v[i].name);
			status = EXIT_TROUBLE;
			break;
		}
		e[i] = (struct hold_entry){ v[i].alg, v[i].digest, v[i].digest_len,
					    v[i].value, v[i].value_len };
	}
	if (status == EXIT_OK)
		status = apply_hold(e, n, root ? root : "/", c->user_xattr, c->verbose);
	free(e);
	for (size_t i = 0; i < n; i++)
		manifest_line_free(&v[i]);
	free(v);
	return status;
}

static int cmd_apply(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "manifest", required_argument, NULL, 'm' },
		{ "hold", no_argument, NULL, OPT_HOLD },
		{ "root", required_argument, NULL, 'R' },
		{ "cert", required_argument, NULL, OPT_CERT },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "xattr-user", no_argument, NULL, OPT_XATTR_USER },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static const char shortopts[] = "m:nvh";
	struct apply_ctx c = { .rootfd = -1 };
	const char *root = NULL;
	char **manifests = NULL, *manifest = NULL, err[512];
	size_t nm = 0, mcap = 0;
	bool hold = false;
	int opt, r = EXIT_TROUBLE;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, shortopts, opts, NULL)) != -1) {
		switch (opt) {
		case 'm':
			if (grow_array(&manifests, &mcap, nm + 1, sizeof(*manifests), 8)) {
				cmd_warnx("out of memory");
				goto out;
			}
			manifest = manifests[nm++] = optarg;
			break;
		case OPT_HOLD: hold = true; break;
		case 'R': root = optarg; break;
		case 'n': c.dry_run = true; break;
		case 'v': c.verbose = true; break;
		case OPT_XATTR_USER: c.user_xattr = true; break;
		case OPT_CERT:
			if (certset_add(&c.certs, optarg, err, sizeof(err))) {
				cmd_warnx("%s", err);
				goto out;
			}
			break;
		case 'h':
			fputs(help, stdout);
			r = EXIT_OK;
			goto out;
		case '?':
			r = usage_error_option(argv, shortopts, opts);
			goto out;
		default:
			r = usage_error("bad option");
			goto out;
		}
	}
	if (hold && !manifest) {
		r = usage_error("--hold needs the manifests whose signatures it applies");
		goto out;
	}
	if (nm > 1 && !hold) {
		r = usage_error("one --manifest at a time, unless --hold");
		goto out;
	}
	if (manifest && optind < argc) {
		r = usage_error("give a manifest or files, not both");
		goto out;
	}
	if (!manifest && (optind >= argc || root)) {
		r = usage_error(optind >= argc ? "no files given" : "--root goes with --manifest");
		goto out;
	}
	if (!c.certs.n) {
		r = usage_error(manifest ?
				"--cert is needed to check the manifest's signatures before they are written" :
				"FILE.sig holds no digest: --cert is needed to check the content");
		goto out;
	}
	/* a lease break signals SIGIO, which would end the process */
	signal(SIGIO, SIG_IGN);
	if (hold) {
		r = hold_manifests(&c, manifests, nm, root);
		goto out;
	}
	if (manifest) {
		c.rootfd = open(root ? root : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (c.rootfd < 0) {
			cmd_warnx("--root %s: %s", root ? root : "/", strerror(errno));
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
	free(manifests);
	return r;
}

COMMAND("apply", 100, "set IMA xattrs from FILE.sig files or a sign-hash manifest", cmd_apply);
