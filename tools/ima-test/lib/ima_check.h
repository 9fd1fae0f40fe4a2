/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Checking a file's IMA xattr against its content: the classification
 * shared by `verify` and `audit`.
 */
#ifndef IMA_TEST_IMA_CHECK_H
#define IMA_TEST_IMA_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "certs.h"
#include "imaxattr.h"

enum check_class {
	CHECK_OK,		/* digest matches, or signature verifies */
	CHECK_MISSING,		/* no IMA xattr */
	CHECK_STALE,		/* digest xattr does not match the content */
	CHECK_BAD_SIGNATURE,	/* signature does not verify with its key */
	CHECK_UNKNOWN_KEY,	/* no given certificate has the signature's keyid */
	CHECK_UNSUPPORTED,	/* valid layout, algorithm/version not handled */
	CHECK_MALFORMED,	/* xattr is not a valid IMA value */
	CHECK_UNREADABLE,	/* file or xattr cannot be read */
	CHECK_CHANGED,		/* file changed while it was being hashed */
	CHECK_NO_VERITY,	/* fs-verity signature, fs-verity not enabled */
	CHECK__COUNT
};

/* "ok", "missing", "stale", "bad-signature", "unknown-key",
 * "unsupported-algorithm", "malformed", "unreadable", "changed",
 * "no-verity". */
const char *check_class_name(enum check_class c);

struct check_opts {
	const struct certset *certs;
	bool user_xattr;	/* user.ima instead of security.ima */
	bool follow;		/* follow a final symlink */
	const struct hash_algo *want_md; /* also digest the content with it */
	/*
	 * A version 3 signature is checked over the file id of the file's
	 * fs-verity digest (what the kernel does under a digest_type=verity
	 * rule), or, with this, of its content hash (what it does under a
	 * rule without digest_type=verity: ima_collect_measurement() hashes
	 * the content with the signature's algorithm).
	 */
	bool sigv3_content;
};

struct check_result {
	enum check_class cls;
	char detail[256];		/* one line, empty when ok */
	const char *kind;		/* "digest", "signature" (v2),
					 * "verity-signature" (v3) or NULL */
	const struct hash_algo *algo;	/* algorithm named by the xattr */
	bool have_keyid;
	uint8_t keyid[4];
	bool have_md;			/* want_md and the file was read */
	uint8_t md[HASH_MAX_DIGEST];	/* the content's want_md digest */
	size_t md_len;
};

/*
 * Classify the regular file open at @fd (read-only; not closed here), or
 * give the reason @fd is -errno: it could not be opened.  Never fails,
 * every outcome is a class.
 */
void check_fd(const struct check_opts *opts, int fd, struct check_result *res);

/*
 * Read and decode the IMA xattr of the open file @fd into @buf / @x.
 * Returns CHECK_OK (decoded), CHECK_MISSING, CHECK_MALFORMED,
 * CHECK_UNSUPPORTED or CHECK_UNREADABLE, with a reason in @why otherwise.
 */
enum check_class ima_xattr_fetch(int fd, bool user, uint8_t *buf, size_t cap,
				 struct ima_xattr *x, char *why, size_t whylen);

#endif
