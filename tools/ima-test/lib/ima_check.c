// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ima_check.h"
#include "digest.h"
#include "sig.h"
#include "xattr_io.h"
#include "util.h"
#include "verity.h"

static const char *const class_names[CHECK__COUNT] = {
	[CHECK_OK] = "ok",
	[CHECK_MISSING] = "missing",
	[CHECK_STALE] = "stale",
	[CHECK_BAD_SIGNATURE] = "bad-signature",
	[CHECK_UNKNOWN_KEY] = "unknown-key",
	[CHECK_UNSUPPORTED] = "unsupported-algorithm",
	[CHECK_MALFORMED] = "malformed",
	[CHECK_UNREADABLE] = "unreadable",
	[CHECK_CHANGED] = "changed",
	[CHECK_NO_VERITY] = "no-verity",
};

const char *check_class_name(enum check_class c)
{
	return c < CHECK__COUNT ? class_names[c] : "?";
}

enum check_class ima_xattr_fetch(int fd, bool user, uint8_t *buf, size_t cap,
				 struct ima_xattr *x, char *why, size_t whylen)
{
	ssize_t n = xattr_read_ima(fd, user, buf, cap);

	memset(x, 0, sizeof(*x));
	if (n == -ENODATA) {
		snprintf(why, whylen, "no %s", xattr_ima_name(user));
		return CHECK_MISSING;
	}
	if (n == -ENOTSUP) {
		snprintf(why, whylen, "file system does not support %s",
			 xattr_ima_name(user));
		return CHECK_MISSING;
	}
	if (n == -ERANGE) {
		snprintf(why, whylen, "%s larger than %zu bytes",
			 xattr_ima_name(user), cap);
		return CHECK_MALFORMED;
	}
	if (n < 0) {
		snprintf(why, whylen, "cannot read %s: %s", xattr_ima_name(user),
			 strerror((int)-n));
		return CHECK_UNREADABLE;
	}
	switch (ima_xattr_decode(buf, (size_t)n, x, why, whylen)) {
	case IMA_XATTR_OK:
		return CHECK_OK;
	case IMA_XATTR_UNSUPPORTED:
		return CHECK_UNSUPPORTED;
	default:
		return CHECK_MALFORMED;
	}
}

static enum check_class hash_file(int fd, const struct hash_algo *alg,
				  uint8_t *md, size_t *len,
				  char *why, size_t whylen)
{
	int err;

	switch (digest_fd(fd, alg, md, len, &err)) {
	case DIGEST_OK:
		return CHECK_OK;
	case DIGEST_CHANGED:
		snprintf(why, whylen, "file changed while being hashed");
		return CHECK_CHANGED;
	default:
		snprintf(why, whylen, "read error: %s", strerror(err));
		return CHECK_UNREADABLE;
	}
}

/*
 * A signature is ok only if every certificate the kernel could pick for its
 * keyid (it takes whichever key the keyring search meets first) is usable
 * and verifies it.
 */
static enum check_class judge_sig(const struct check_opts *o, struct ima_xattr *x,
				  const uint8_t *md, size_t md_len,
				  struct check_result *r)
{
	const struct cert *m[8];
	char hex[9], also[64] = "";
	size_t n;

	hex_encode(x->keyid, 4, hex);
	n = o->certs ? certset_match(o->certs, x->keyid, m, 8) : 0;
	if (!n) {
		snprintf(r->detail, sizeof(r->detail),
			 "no certificate for keyid %s", hex);
		return CHECK_UNKNOWN_KEY;
	}
	if (n > 8) {
		snprintf(r->detail, sizeof(r->detail),
			 "%zu certificates match keyid %s", n, hex);
		return CHECK_UNKNOWN_KEY;
	}
	if (n > 1)
		snprintf(also, sizeof(also), " (one of %zu the kernel may pick)", n);
	for (size_t i = 0; i < n; i++) {
		if (m[i]->unusable[0]) {
			snprintf(r->detail, sizeof(r->detail), "%s%s: %s",
				 m[i]->path, also, m[i]->unusable);
			return CHECK_UNSUPPORTED;
		}
		if (!sig_v2_verify(m[i]->pub, x->algo, md, md_len, x->sig, x->sig_len)) {
			snprintf(r->detail, sizeof(r->detail),
				 "%s%s signature does not verify with %s%s (keyid %s)",
				 x->type == IMA_VERITY_DIGSIG ? "fs-verity " : "",
				 x->algo->name, m[i]->path, also, hex);
			return CHECK_BAD_SIGNATURE;
		}
	}
	return CHECK_OK;
}

/*
 * A version 3 signature against the file's fs-verity digest: the kernel
 * (ima_get_verity_digest(), calc_file_id_hash()) hashes the file id with
 * the digest's algorithm and checks the signature as the header says.
 */
static enum check_class judge_sigv3(const struct check_opts *o, int fd,
				    struct ima_xattr *x, struct check_result *r)
{
	const struct hash_algo *valg;
	uint8_t vd[HASH_MAX_DIGEST], fid[HASH_MAX_DIGEST];
	size_t vlen, fid_len;
	int err = verity_measure(fd, &valg, vd, &vlen);

	if (err == -ENODATA || verity_unsupported(err)) {
		snprintf(r->detail, sizeof(r->detail), "fs-verity signature, but %s: "
			 "the kernel has no fs-verity digest to check it against",
			 err == -ENODATA ? "fs-verity is not enabled on the file" :
			 "the file system has no fs-verity");
		return CHECK_NO_VERITY;
	}
	if (err) {
		snprintf(r->detail, sizeof(r->detail), "cannot read the fs-verity digest: %s",
			 verity_error(err));
		return err == -EPROTONOSUPPORT ? CHECK_UNSUPPORTED : CHECK_UNREADABLE;
	}
	if (valg != x->algo) {
		snprintf(r->detail, sizeof(r->detail), "fs-verity signature over %s, the "
			 "file's fs-verity digest is %s: the kernel hashes the file id "
			 "with the digest's algorithm, so it cannot verify",
			 x->algo->name, valg->name);
		return CHECK_BAD_SIGNATURE;
	}
	if (verity_sig_hash(valg, vd, vlen, fid, &fid_len)) {
		snprintf(r->detail, sizeof(r->detail), "cannot hash the file id");
		return CHECK_UNREADABLE;
	}
	return judge_sig(o, x, fid, fid_len, r);
}

static enum check_class judge(const struct check_opts *o, struct ima_xattr *x,
			      const uint8_t *md, size_t md_len,
			      struct check_result *r)
{
	uint8_t fid[HASH_MAX_DIGEST];
	size_t fid_len;

	if (x->type == IMA_VERITY_DIGSIG) {
		/* o->sigv3_content: @md is the content's hash with x->algo */
		if (verity_sig_hash(x->algo, md, md_len, fid, &fid_len)) {
			snprintf(r->detail, sizeof(r->detail), "cannot hash the file id");
			return CHECK_UNREADABLE;
		}
		return judge_sig(o, x, fid, fid_len, r);
	}
	if (x->type != EVM_IMA_XATTR_DIGSIG) {
		if (md_len == x->digest_len && !memcmp(md, x->digest, md_len))
			return CHECK_OK;
		snprintf(r->detail, sizeof(r->detail),
			 "%s digest does not match the content", x->algo->name);
		return CHECK_STALE;
	}
	return judge_sig(o, x, md, md_len, r);
}

void check_fd(const struct check_opts *o, int fd, struct check_result *r)
{
	uint8_t buf[IMA_XATTR_MAX], md[HASH_MAX_DIGEST];
	struct ima_xattr x;
	enum check_class xc;
	size_t md_len = 0;

	memset(r, 0, sizeof(*r));
	if (fd < 0) {
		r->cls = CHECK_UNREADABLE;
		snprintf(r->detail, sizeof(r->detail), "%s",
			 fd == -EINVAL ? "not a regular file" :
			 fd == -ELOOP && !o->follow ? "symlink not followed" :
			 strerror(-fd));
		return;
	}
	xc = ima_xattr_fetch(fd, o->user_xattr, buf, sizeof(buf), &x,
			     r->detail, sizeof(r->detail));
	if (xc == CHECK_OK || xc == CHECK_UNSUPPORTED) {
		r->kind = x.type == EVM_IMA_XATTR_DIGSIG ? "signature" :
			  x.type == IMA_VERITY_DIGSIG ? "verity-signature" : "digest";
		r->algo = x.algo;
		if ((x.type == EVM_IMA_XATTR_DIGSIG && x.sig_version == 2) ||
		    x.type == IMA_VERITY_DIGSIG) {
			r->have_keyid = true;
			memcpy(r->keyid, buf + 3, 4);
		}
	}
	if (o->want_md) {
		char why[128];
		enum check_class hc = hash_file(fd, o->want_md, r->md, &r->md_len,
						why, sizeof(why));

		if (hc != CHECK_OK) {
			r->cls = hc;
			snprintf(r->detail, sizeof(r->detail), "%s", why);
			return;
		}
		r->have_md = true;
	}
	r->cls = xc;
	if (xc != CHECK_OK)
		return;
	if (x.type == IMA_VERITY_DIGSIG && !o->sigv3_content) {
		r->cls = judge_sigv3(o, fd, &x, r);
		return;
	}
	if (r->have_md && x.algo->id == o->want_md->id) {
		memcpy(md, r->md, r->md_len);
		md_len = r->md_len;
	} else {
		r->cls = hash_file(fd, x.algo, md, &md_len, r->detail,
				   sizeof(r->detail));
		if (r->cls != CHECK_OK)
			return;
	}
	r->cls = judge(o, &x, md, md_len, r);
}
